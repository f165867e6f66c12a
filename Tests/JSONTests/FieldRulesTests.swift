import Synchronization
import Testing

@testable import JSON

/// A type whose rules count how often they are asked for.
private struct Counted: JSONFieldRules {
    static let asked = Mutex(0)
    static func rule(forKey key: String) -> JSONFieldRule? {
        asked.withLock { $0 += 1 }
        return key.hasPrefix("id") ? JSONFieldRule(expected: "an identifier", maxBytes: 8) : nil
    }
}

/// A payload read through rules.
private struct Limited: Codable, JSONFieldRules {
    var name: String
    static func rule(forKey key: String) -> JSONFieldRule? { key == "name" ? JSONFieldRule(expected: "a name", maxBytes: 4) : nil }
}

@Suite("FieldRules: a type's field rules, each key's looked up once")
struct FieldRulesTests {
    @Test("a key's rule is the type's, asked for once; beyond the keys kept it is asked for each time")
    func keptOnce() {
        let rules = FieldRules(Counted.self)
        for _ in 0..<3 {
            #expect(rules.rule(forKey: "id1")?.maxBytes == 8)
            #expect(rules.rule(forKey: "other") == nil)
        }
        #expect(Counted.asked.withLock { $0 } == 2)
        for i in 0..<(FieldRules.kept + 10) { _ = rules.rule(forKey: "id-\(i)") }
        let before = Counted.asked.withLock { $0 }
        // A key past the kept ones is still answered right, by asking the type again.
        #expect(rules.rule(forKey: "id-\(FieldRules.kept + 5)")?.maxBytes == 8)
        #expect(Counted.asked.withLock { $0 } == before + 1)
        // A kept key is not asked for again.
        #expect(rules.rule(forKey: "id1")?.maxBytes == 8)
        #expect(Counted.asked.withLock { $0 } == before + 1)
    }

    @Test("a rule kept from one payload applies to the next: a long name is refused every time")
    func appliedEveryTime() throws {
        for _ in 0..<3 {
            #expect(try JSONValueDecoder().decode(Limited.self, from: ["name": "abcd"]).name == "abcd")
            #expect(throws: JSONDecodingError.self) { try JSONValueDecoder().decode(Limited.self, from: ["name": "abcde"]) }
        }
    }
}
