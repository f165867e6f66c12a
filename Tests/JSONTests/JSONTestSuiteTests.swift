import Foundation
import JSON
import Testing

/// Every parsing case of nst/JSONTestSuite (Fixtures/json-test-suite, MIT): `y_` files must be
/// accepted, `n_` files refused, and `i_` (implementation-defined) files decided as
/// `lumbung-decisions.txt` beside them says, so that a change of behaviour is a visible change.
@Suite("JSONTestSuite: the strict parser against the public conformance cases")
struct JSONTestSuiteTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/json-test-suite")

    /// `y_` cases refused on purpose: I-JSON (RFC 7493) forbids duplicate member names, and a
    /// payload whose meaning depends on which duplicate wins cannot be hashed honestly.
    static let refusedByDesign: Set<String> = ["y_object_duplicated_key.json", "y_object_duplicated_key_and_value.json"]

    static func cases() throws -> [(name: String, bytes: [UInt8])] {
        let dir = folder.appendingPathComponent("test_parsing")
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().map { name in
            (name, [UInt8](try Data(contentsOf: dir.appendingPathComponent(name))))
        }
    }

    static func accepts(_ bytes: [UInt8]) -> Bool {
        (try? JSONParser.parse(bytes)) != nil
    }

    @Test("every y_ case is accepted (but the duplicate keys I-JSON refuses), every n_ case refused")
    func mustAndMustNot() throws {
        let cases = try Self.cases()
        #expect(cases.count == 318)
        for c in cases where c.name.hasPrefix("y_") {
            #expect(Self.accepts(c.bytes) != Self.refusedByDesign.contains(c.name), "\(c.name)")
        }
        for c in cases where c.name.hasPrefix("n_") {
            #expect(!Self.accepts(c.bytes), "\(c.name) must be refused")
        }
    }

    @Test("every i_ case is decided as lumbung-decisions.txt says")
    func implementationDefined() throws {
        let text = try String(contentsOf: Self.folder.appendingPathComponent("lumbung-decisions.txt"), encoding: .utf8)
        var decided: [String: Bool] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            decided[String(parts[1])] = parts[0] == "accept"
        }
        let cases = try Self.cases().filter { $0.name.hasPrefix("i_") }
        #expect(cases.count == decided.count)
        for c in cases {
            #expect(decided[c.name] == Self.accepts(c.bytes), "\(c.name)")
        }
    }
}
