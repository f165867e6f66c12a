import EventLog
import Foundation
import Testing

@testable import JSON

/// `CanonicalJSON.isCanonical` must never say yes to bytes that are not their own canonical
/// encoding (soundness), and should say yes to what the encoder writes (names without escapes).
@Suite("Canonical form check")
struct CanonicalCheckTests {
    static func isCanonical(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBufferPointer { CanonicalJSON.isCanonical($0) }
    }

    static func isCanonical(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { CanonicalJSON.isCanonical($0) }
    }

    /// Whether `bytes` are exactly the canonical encoding of what they parse to.
    static func reallyCanonical(_ bytes: [UInt8]) -> Bool {
        guard let value = try? JSONParser.parse(bytes) else { return false }
        return CanonicalJSON.encode(value) == bytes
    }

    @Test(
        "what the encoder writes is shown canonical",
        arguments: [
            "{}", "[]", "0", "-1", "1.5", "1e+21", "1e-7", "0.000001", "-8.5779", "123456789012345", "9007199254740991",
            "true", "false", "null", #""""#, #""é\n\t\u001f\"\\""#, #"{"a":1,"b":[1,2,{"c":null}]}"#,
            #"{"\#u{1F600}":1,"\#u{E000}":2}"#, #"{"":0,"a":0,"aa":0,"b":0}"#, #"{"harga":12500.25,"nama":"Beras Medium"}"#,
        ])
    func accepts(text: String) throws {
        #expect(Self.reallyCanonical(Array(text.utf8)), "the test's own example is not canonical")
        #expect(Self.isCanonical(text))
    }

    @Test(
        "anything the encoder would write otherwise is not",
        arguments: [
            "", " {}", "{} ", "{ }", #"{"a": 1}"#, #"{"b":1,"a":2}"#, #"{"a":1,"a":2}"#, "-0", "1.0", "1E2", "1e2", "01",
            "0.10", "1e21", "100000000000000000000000", "12345678901234567890", ".5", "1.", "+1", "NaN", "Infinity",
            #""\/""#, #""\u0041""#, #""\u001F""#, #""\u0009""#, #""\u000a""#, "\"\u{01}\"", "[1,]", "{\"a\":1,}", "[1 ,2]",
            "tru", "nul", "{\"a\"}", "{\"a\":}", #"{"\#u{E000}":1,"\#u{1F600}":2}"#, "[", "{", "\"abc", #"{"a\n":1}"#,
            "[1][2]", "1 2",
        ])
    func refuses(text: String) throws {
        #expect(!Self.isCanonical(text))
    }

    @Test("ill-formed UTF-8 is not canonical")
    func refusesBadUTF8() {
        for bad: [UInt8] in [[0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xFF, 0x22], [0x22, 0xE2, 0x82, 0x22]] {
            #expect(!Self.isCanonical(bad))
        }
    }

    @Test("the RFC 8785 vectors: outputs are shown canonical unless a name has an escape; inputs only if canonical")
    func vectors() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/jcs-rfc8785")
        for name in ["arrays", "french", "structures", "unicode", "values", "weird"] {
            let output = [UInt8](try Data(contentsOf: dir.appendingPathComponent("output/\(name).json")))
            let input = [UInt8](try Data(contentsOf: dir.appendingPathComponent("input/\(name).json")))
            #expect(!Self.isCanonical(input) || Self.reallyCanonical(input), "\(name) input")
            #expect(Self.reallyCanonical(output))
            // Two vectors have names with escapes ("\n"), which the check leaves to the general path.
            #expect(Self.isCanonical(output) == !["structures", "weird"].contains(name), "\(name) output")
        }
    }

    /// Random values, encoded canonically (shown canonical) and then damaged in small ways
    /// (never shown canonical unless the damage left them canonical).
    @Test("random values and mutations of them: never a yes for non-canonical bytes")
    func randomSoundness() throws {
        var random = SplitMix64(seed: 20180805)
        var shownCanonical = 0
        for _ in 0..<3000 {
            let value = Self.randomValue(&random, depth: 0)
            let encoded = CanonicalJSON.encode(value)
            if !Self.hasEscapedName(value) {
                #expect(Self.isCanonical(encoded), "\(String(decoding: encoded, as: UTF8.self))")
            }
            for _ in 0..<4 {
                var mutated = encoded
                Self.mutate(&mutated, &random)
                let says = Self.isCanonical(mutated)
                if says { shownCanonical += 1 }
                #expect(!says || Self.reallyCanonical(mutated), "\(String(decoding: mutated, as: UTF8.self))")
            }
        }
        #expect(shownCanonical < 12000)  // the mutations do change things
    }

    static func randomValue(_ r: inout SplitMix64, depth: Int) -> JSONValue {
        switch r.next() % (depth > 3 ? 4 : 6) {
        case 0: return .null
        case 1: return .bool(r.next() % 2 == 0)
        case 2:
            let choices: [Double] = [0, -1, 7, 12500.25, 1e21, 1e-7, 0.1 + 0.2, -8.5779, 9007199254740991, 5e-324, 123456.789]
            return r.next() % 2 == 0
                ? .number(choices[Int(r.next() % UInt64(choices.count))])
                : .number(Double(Int64(bitPattern: r.next()) >> 20) / 1024)
        case 3: return .string(randomString(&r))
        case 4: return .array((0..<Int(r.next() % 4)).map { _ in randomValue(&r, depth: depth + 1) })
        default:
            var members: [(key: String, value: JSONValue)] = []
            var seen = Set<String>()
            for _ in 0..<Int(r.next() % 5) {
                let key = randomString(&r)
                if seen.insert(key).inserted { members.append((key, randomValue(&r, depth: depth + 1))) }
            }
            return .object(members)
        }
    }

    static func randomString(_ r: inout SplitMix64) -> String {
        let pieces = ["a", "b", "Z", "harga", "é", "\u{E000}", "\u{1F600}", "\n", "\u{01}", "\"", "\\", "/", " ", "0"]
        return (0..<Int(r.next() % 4)).map { _ in pieces[Int(r.next() % UInt64(pieces.count))] }.joined()
    }

    static func hasEscapedName(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members):
            return members.contains { m in
                m.key.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") } || hasEscapedName(m.value)
            }
        case .array(let elements): return elements.contains(where: hasEscapedName)
        default: return false
        }
    }

    static func mutate(_ bytes: inout [UInt8], _ r: inout SplitMix64) {
        let at = bytes.isEmpty ? 0 : Int(r.next() % UInt64(bytes.count))
        switch r.next() % 6 {
        case 0: bytes.insert(UInt8(ascii: " "), at: at)
        case 1: if !bytes.isEmpty { bytes.remove(at: at) }
        case 2:
            if !bytes.isEmpty {
                bytes[at] = [UInt8(ascii: "0"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: ","), 0xC3][Int(r.next() % 5)]
            }
        case 3: bytes.insert(contentsOf: Array(".0".utf8), at: at)
        case 4: bytes.insert(contentsOf: Array(#""a":1,"#.utf8), at: at)
        default: if at + 1 < bytes.count { bytes.swapAt(at, at + 1) }
        }
    }
}
