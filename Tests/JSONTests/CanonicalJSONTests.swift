import Foundation
import Testing

@testable import JSON

/// The `Fixtures` folder at the package root, found from this file's path.
private let fixturesURL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

private func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

/// The error `body` throws, or `nil` if it succeeds.
private func jsonError(_ body: () throws(JSONError) -> Void) -> JSONError? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

private func parseError(_ input: [UInt8]) -> JSONError? {
    jsonError { () throws(JSONError) in _ = try JSONParser.parse(input) }
}

private func parseError(_ input: String) -> JSONError? {
    parseError(bytes(input))
}

private func policyError(_ input: String) -> JSONError? {
    jsonError { () throws(JSONError) in _ = try PayloadPolicy.parsePayload(bytes(input)) }
}

@Suite("RFC 8785 test vectors")
struct JCSVectorTests {
    static let names = ["arrays", "french", "structures", "unicode", "values", "weird"]

    @Test("input/X.json canonicalizes to output/X.json byte for byte", arguments: JCSVectorTests.names)
    func vector(name: String) throws {
        let dir = fixturesURL.appendingPathComponent("jcs-rfc8785")
        let input = [UInt8](try Data(contentsOf: dir.appendingPathComponent("input/\(name).json")))
        let expected = [UInt8](try Data(contentsOf: dir.appendingPathComponent("output/\(name).json")))
        let output = try CanonicalJSON.canonicalize(input)
        #expect(output == expected, "got \(text(output))")
        // Canonical output is a fixed point.
        #expect(try CanonicalJSON.canonicalize(output) == output)
    }
}

@Suite("JCS number formatting")
struct NumberFormattingTests {
    static let table: [(Double, String)] = [
        (0, "0"),
        (-0.0, "0"),
        (1, "1"),
        (-1, "-1"),
        (100, "100"),
        (4.5, "4.5"),
        (0.002, "0.002"),
        (11750.25, "11750.25"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (1e-6, "0.000001"),
        (0.00001, "0.00001"),
        (0.0001, "0.0001"),
        (Double.leastNonzeroMagnitude, "5e-324"),
        (-Double.leastNonzeroMagnitude, "-5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (123456789012345683968, "123456789012345680000"),
        (0.1 + 0.2, "0.30000000000000004"),
        (333333333.3333333, "333333333.3333333"),
        (1e23, "1e+23"),
        (1e30, "1e+30"),
        (1e-27, "1e-27"),
        (-1.5e300, "-1.5e+300"),
        (1e16, "10000000000000000"),
        (9007199254740991, "9007199254740991"),
        (9007199254740992, "9007199254740992"),
        (999999999999999868928, "999999999999999900000"),
        (1.25e21, "1.25e+21"),
        (2.2250738585072014e-308, "2.2250738585072014e-308"),
    ]

    @Test("formatNumber matches ECMAScript Number.prototype.toString")
    func table() {
        for (value, expected) in Self.table {
            #expect(CanonicalJSON.formatNumber(value) == expected, "value \(value)")
        }
    }

    @Test("numbers round-trip through parse")
    func roundTrip() throws {
        for (value, _) in Self.table {
            let parsed = try JSONParser.parse(CanonicalJSON.formatNumber(value))
            #expect(parsed.doubleValue == value)
        }
    }

    @Test("parsing rounds half to even like a correct strtod")
    func correctRounding() throws {
        #expect(try JSONParser.parse("9007199254740993").doubleValue == 9007199254740992)
        #expect(try JSONParser.parse("9007199254740993.0000000000000000000001").doubleValue == 9007199254740994)
        #expect(try JSONParser.parse("2.2250738585072011e-308").doubleValue?.bitPattern == 0x000F_FFFF_FFFF_FFFF)
        #expect(try JSONParser.parse("1e-400").doubleValue == 0)
    }
}

@Suite("JCS serialization")
struct SerializationTests {
    @Test("members sort by UTF-16 code units (RFC 8785 §3.2.3 example)")
    func utf16KeyOrder() {
        let keys = ["\u{20ac}", "\r", "1", "\u{1F600}", "\u{FB33}", "\u{80}", "\u{F6}", "\n", "</script>"]
        let value = JSONValue.object(keys.map { (key: $0, value: JSONValue.null) })
        let expected =
            "{\"\\n\":null,\"\\r\":null,\"1\":null,\"</script>\":null,\"\u{80}\":null,"
            + "\"\u{F6}\":null,\"\u{20ac}\":null,\"\u{1F600}\":null,\"\u{FB33}\":null}"
        #expect(text(CanonicalJSON.encode(value)) == expected)
        // U+1F600 (surrogates D83D DE00) sorts before U+FB33 in UTF-16, though not in UTF-8.
        #expect(CanonicalJSON.keyPrecedes("\u{1F600}", "\u{FB33}"))
        #expect(!CanonicalJSON.keyPrecedes("\u{FB33}", "\u{1F600}"))
    }

    @Test("nested objects are sorted, arrays keep order, no whitespace")
    func nested() throws {
        let out = try CanonicalJSON.canonicalize(bytes(#" { "b" : [ 3 , 1 , { "z" : 1 , "y" : 2 } ] , "a" : 1.50 } "#))
        #expect(text(out) == #"{"a":1.5,"b":[3,1,{"y":2,"z":1}]}"#)
    }

    @Test("string escaping follows JCS")
    func stringEscapes() {
        var out: [UInt8] = []
        CanonicalJSON.appendString("\u{0}\u{1F}\u{7F}\u{2028}\u{1F600}\"\\/\u{8}\u{C}\n\r\t", to: &out)
        #expect(text(out) == "\"\\u0000\\u001f\u{7F}\u{2028}\u{1F600}\\\"\\\\/\\b\\f\\n\\r\\t\"")
    }

    @Test("unnormalized strings are kept as is")
    func noNormalization() throws {
        let out = try CanonicalJSON.canonicalize(bytes(#"["A\u030a","\u00c5"]"#))
        #expect(out == bytes("[\"A\u{30A}\",\"\u{C5}\"]"))
        #expect(JSONValue.string("A\u{30A}") != JSONValue.string("\u{C5}"))
    }
}

@Suite("Strict parser")
struct ParserTests {
    @Test("well-formed input parses")
    func accepts() throws {
        let value = try JSONParser.parse(" \t\r\n[ 1 , {\"a\" : [ true , false , null , \"\\ud83d\\ude02\" ] } ] \n")
        let expected: JSONValue = [1, ["a": [true, false, .null, "\u{1F602}"]]]
        #expect(value == expected)
        #expect(value[1]?["a"]?[3]?.stringValue == "\u{1F602}")
        #expect(try JSONParser.parse("-0").doubleValue == 0)
        #expect(try JSONParser.parse(#""\u0000\/""#).stringValue == "\u{0}/")
    }

    @Test(
        "invalid UTF-8 is rejected",
        arguments: [
            [0x22, 0xC0, 0x80, 0x22],  // overlong NUL
            [0x22, 0xE0, 0x80, 0xAF, 0x22],  // overlong '/'
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-8-encoded surrogate U+D800
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22],  // byte > F4
            [0x22, 0xFF, 0x22],
            [0x22, 0x80, 0x22],  // stray continuation byte
            [0x22, 0xC3, 0x22],  // truncated sequence
            [0x5B, 0xFE, 0x5D],  // outside a string
        ] as [[UInt8]])
    func invalidUTF8(input: [UInt8]) {
        #expect(parseError(input)?.code == .invalidUTF8)
    }

    @Test(
        "lone surrogate escapes are rejected",
        arguments: [
            #""\uD800""#, #""\uDC00""#, #""\uD83D\u0041""#, #""\uD83Dx""#, #""\uDE02\uD83D""#,
        ])
    func loneSurrogate(input: String) {
        #expect(parseError(input)?.code == .loneSurrogate)
    }

    @Test("duplicate keys are rejected with a message naming key and offset")
    func duplicateKey() {
        let error = parseError(#"{"items": {"a":1,"a":2}}"#)
        #expect(error?.code == .duplicateKey)
        #expect(error?.offset == 17)
        #expect(error?.description == #"invalid JSON at byte 17: duplicate key "a""#)
        #expect(parseError(#"{"\u0061":1,"a":2}"#)?.code == .duplicateKey)
        // Canonically equivalent but different scalars are different names.
        #expect(parseError("{\"\u{C5}\":1,\"A\u{30A}\":2}") == nil)
        // Large objects use the hashed path.
        let many = (0..<100).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(parseError("{" + many + "}") == nil)
        #expect(parseError("{" + many + ",\"k42\":0}")?.code == .duplicateKey)
    }

    @Test(
        "rejections carry the right code",
        arguments: [
            ("[1,2,]", JSONError.Code.unexpectedCharacter),  // trailing comma
            (#"{"a":1,}"#, .unexpectedCharacter),  // trailing comma
            ("01", .invalidNumber),  // leading zero
            ("-01", .invalidNumber),
            ("[1.]", .invalidNumber),
            ("[1e+]", .invalidNumber),
            ("NaN", .invalidNumber),
            ("-Infinity", .invalidNumber),
            ("1e400", .invalidNumber),  // overflows to infinity
            ("[.5]", .unexpectedCharacter),
            ("\"a\u{1}b\"", .controlCharacter),
            ("\"a\nb\"", .controlCharacter),
            (#""\x""#, .invalidEscape),
            (#""\u12G4""#, .invalidEscape),
            ("[1]x", .trailingData),
            ("1 2", .trailingData),
            ("", .unexpectedEnd),
            ("[1", .unexpectedEnd),
            ("\"abc", .unexpectedEnd),
            ("tru", .unexpectedEnd),
            ("\u{FEFF}1", .unexpectedCharacter),  // byte order mark
        ])
    func rejects(input: String, code: JSONError.Code) {
        #expect(parseError(input)?.code == code)
    }

    @Test("nesting is limited to 512 levels")
    func depth() {
        #expect(parseError(String(repeating: "[", count: 512) + String(repeating: "]", count: 512)) == nil)
        let tooDeep = parseError(String(repeating: "[", count: 513) + String(repeating: "]", count: 513))
        #expect(tooDeep?.code == .tooDeep)
        #expect(tooDeep?.offset == 512)
        #expect(parseError(String(repeating: "{\"a\":", count: 513) + "1" + String(repeating: "}", count: 513))?.code == .tooDeep)
    }

    @Test("error offsets and messages locate the problem")
    func messages() {
        let error = parseError("[1,2,]")
        #expect(error?.offset == 5)
        #expect(error?.description == "invalid JSON at byte 5: trailing comma before ']'")
        #expect(parseError([0x22, 0x61, 0xC0, 0x80, 0x22])?.offset == 2)
    }
}

@Suite("Payload number policy")
struct PayloadPolicyTests {
    @Test(
        "allowed numbers",
        arguments: [
            "11750.25", "0.0001", "-0.0001", "9007199254740991", "-9007199254740991", "0", "-0",
            "1.5", "1.50000", "2.0", "1e3", "123456789012.5", #"[1,{"a":3.1415}]"#, #""1e300""#,
        ])
    func allowed(input: String) {
        #expect(policyError(input) == nil)
    }

    @Test(
        "refused numbers",
        arguments: [
            "1.23456", "1e-7", "1e300", "9007199254740993", "9007199254740992", "-9007199254740992",
            "0.00001", "0.12345", "1e21",
        ])
    func refused(input: String) {
        #expect(policyError(input)?.code == .numberNotAllowed)
    }

    @Test("refusals name the JSON path")
    func messages() {
        let error = policyError(#"{"items":[{"name":"x","price":1.23456}]}"#)
        #expect(error?.code == .numberNotAllowed)
        #expect(error?.path == "$.items[0].price")
        #expect(error?.offset == nil)
        #expect(
            error?.description
                == "number 1.23456 at $.items[0].price is not allowed: decimals may have at most 4 fraction digits")
        #expect(policyError(#"{"a b":{"c":[0,[1e-7]]}}"#)?.path == #"$["a b"].c[1][0]"#)
        #expect(
            policyError("9007199254740993")?.description
                == "number 9007199254740992 at $ is not allowed: integers must be within ±9007199254740991 (2^53-1)")
    }

    @Test("parsePayload returns the value and its canonical bytes")
    func parsePayload() throws {
        let result = try PayloadPolicy.parsePayload(bytes(#"{ "b": 11750.250, "a": [1.0, "x"] }"#))
        #expect(text(result.canonical) == #"{"a":[1,"x"],"b":11750.25}"#)
        #expect(result.value["b"]?.doubleValue == 11750.25)
        #expect(result.value["a"]?[0]?.intValue == 1)
        // Parse errors pass through unchanged.
        #expect(policyError(#"{"a":1,"a":2}"#)?.code == .duplicateKey)
    }
}
