/// A strict RFC 8259 / I-JSON (RFC 7493) JSON parser over UTF-8 bytes.
///
/// Contract — the parser accepts exactly one JSON value, optionally surrounded
/// by JSON whitespace (space, tab, LF, CR), and rejects:
/// - ill-formed UTF-8 anywhere (overlong forms, UTF-8-encoded surrogates,
///   bytes C0, C1, F5–FF, truncated or stray continuation bytes) → `.invalidUTF8`;
/// - a byte order mark, or any byte that cannot continue the grammar → `.unexpectedCharacter`;
/// - input that ends inside a value → `.unexpectedEnd`;
/// - unescaped bytes below 0x20 inside strings → `.controlCharacter`;
/// - escapes other than `\" \\ \/ \b \f \n \r \t \uXXXX` → `.invalidEscape`;
/// - `\uD800`–`\uDFFF` escapes that do not form a high+low pair → `.loneSurrogate`;
/// - leading zeros, `-`/`.`/`e` without digits, `NaN`, `Infinity`, and numbers
///   whose magnitude rounds to infinity → `.invalidNumber`;
/// - trailing commas → `.unexpectedCharacter`;
/// - the same member name twice in one object (compared scalar by scalar,
///   after unescaping) → `.duplicateKey`;
/// - arrays/objects nested more than ``maxDepth`` levels → `.tooDeep`;
/// - anything after the top-level value → `.trailingData`.
///
/// Numbers become the `Double` nearest to the decimal value (round half to
/// even, as a correct `strtod`); values too small for a subnormal become ±0.
/// Error offsets are byte offsets into the given input.
/// The parser is a pure function: safe to call concurrently.
public enum JSONParser {
    /// Maximum nesting depth of arrays and objects (a top-level `[]` has depth 1).
    public static let maxDepth = 512

    /// Parses one JSON value from `bytes`.
    public static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { parseCatching($0) }.get()
    }

    /// Parses one JSON value from the UTF-8 form of `string`.
    public static func parse(_ string: String) throws(JSONError) -> JSONValue {
        var copy = string
        return try copy.withUTF8 { parseCatching($0) }.get()
    }

    /// Parses one JSON value from the bytes in `buffer`.
    public static func parse(_ buffer: UnsafeRawBufferPointer) throws(JSONError) -> JSONValue {
        try buffer.withMemoryRebound(to: UInt8.self) { parseCatching($0) }.get()
    }

    /// Parses one JSON value from the bytes in `buffer`.
    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONError) -> JSONValue {
        var reader = Reader(buffer)
        return try reader.parseDocument()
    }

    /// Parses one JSON value from any collection of bytes (contiguous
    /// collections are read in place; others are copied first).
    public static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(JSONError) -> JSONValue {
        if let result = bytes.withContiguousStorageIfAvailable({ parseCatching($0) }) {
            return try result.get()
        }
        return try parse(Array(bytes))
    }

    private static func parseCatching(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONError> {
        do throws(JSONError) {
            var reader = Reader(buffer)
            return .success(try reader.parseDocument())
        } catch {
            return .failure(error)
        }
    }
}

// MARK: - Reader

extension JSONParser {
    /// Cursor over the input bytes. Never escapes the `parse` call that created it.
    struct Reader {
        let p: UnsafeBufferPointer<UInt8>
        let n: Int
        var i: Int = 0

        init(_ buffer: UnsafeBufferPointer<UInt8>) {
            p = buffer
            n = buffer.count
        }

        mutating func parseDocument() throws(JSONError) -> JSONValue {
            skipWhitespace()
            guard i < n else { throw JSONError(.unexpectedEnd, at: i, "empty input, expected a JSON value") }
            let value = try parseValue(depth: 0)
            skipWhitespace()
            if i < n {
                throw JSONError(.trailingData, at: i, "unexpected \(describeByte(at: i)) after the top-level value")
            }
            return value
        }

        @inline(__always)
        mutating func skipWhitespace() {
            while i < n {
                let b = p[i]
                if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { i += 1 } else { return }
            }
        }

        mutating func parseValue(depth: Int) throws(JSONError) -> JSONValue {
            guard i < n else { throw JSONError(.unexpectedEnd, at: i, "unexpected end of input, expected a JSON value") }
            switch p[i] {
            case UInt8(ascii: "\""):
                return .string(try parseString())
            case UInt8(ascii: "{"):
                return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["):
                return try parseArray(depth: depth + 1)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .number(try parseNumber())
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                return .null
            case UInt8(ascii: "N"), UInt8(ascii: "I"):
                if hasLiteral("NaN", at: i) || hasLiteral("Infinity", at: i) {
                    throw JSONError(.invalidNumber, at: i, "NaN and Infinity are not JSON numbers")
                }
                throw unexpected(at: i, expected: "a JSON value")
            default:
                throw unexpected(at: i, expected: "a JSON value")
            }
        }

        // MARK: Literals

        func hasLiteral(_ literal: StaticString, at start: Int) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard start + count <= n else { return false }
            let lp = literal.utf8Start
            for k in 0..<count where p[start + k] != lp[k] { return false }
            return true
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
            let lp = literal.utf8Start
            for k in 0..<literal.utf8CodeUnitCount {
                guard i < n else {
                    throw JSONError(.unexpectedEnd, at: i, "unexpected end of input inside literal \(literal)")
                }
                guard p[i] == lp[k] else { throw unexpected(at: i, expected: "literal \(literal)") }
                i += 1
            }
        }

        // MARK: Containers

        mutating func parseArray(depth: Int) throws(JSONError) -> JSONValue {
            guard depth <= JSONParser.maxDepth else {
                throw JSONError(.tooDeep, at: i, "nesting deeper than \(JSONParser.maxDepth) levels")
            }
            i += 1  // '['
            var elements: [JSONValue] = []
            skipWhitespace()
            guard i < n else { throw JSONError(.unexpectedEnd, at: i, "unexpected end of input inside array") }
            if p[i] == UInt8(ascii: "]") {
                i += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                if i < n && p[i] == UInt8(ascii: "]") {
                    throw JSONError(.unexpectedCharacter, at: i, "trailing comma before ']'")
                }
                elements.append(try parseValue(depth: depth))
                skipWhitespace()
                guard i < n else { throw JSONError(.unexpectedEnd, at: i, "unexpected end of input inside array") }
                let b = p[i]
                i += 1
                if b == UInt8(ascii: ",") { continue }
                if b == UInt8(ascii: "]") { return .array(elements) }
                throw unexpected(at: i - 1, expected: "',' or ']'")
            }
        }

        mutating func parseObject(depth: Int) throws(JSONError) -> JSONValue {
            guard depth <= JSONParser.maxDepth else {
                throw JSONError(.tooDeep, at: i, "nesting deeper than \(JSONParser.maxDepth) levels")
            }
            i += 1  // '{'
            var members: [(key: String, value: JSONValue)] = []
            var seen: Set<KeyBytes> = []
            skipWhitespace()
            guard i < n else { throw JSONError(.unexpectedEnd, at: i, "unexpected end of input inside object") }
            if p[i] == UInt8(ascii: "}") {
                i += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard i < n else { throw JSONError(.unexpectedEnd, at: i, "unexpected end of input inside object") }
                guard p[i] == UInt8(ascii: "\"") else {
                    if p[i] == UInt8(ascii: "}") && !members.isEmpty {
                        throw JSONError(.unexpectedCharacter, at: i, "trailing comma before '}'")
                    }
                    throw unexpected(at: i, expected: "a string member name")
                }
                let keyOffset = i
                let key = try parseString()
                try checkUnique(key, at: keyOffset, members: members, seen: &seen)
                skipWhitespace()
                guard i < n else { throw JSONError(.unexpectedEnd, at: i, "unexpected end of input inside object") }
                guard p[i] == UInt8(ascii: ":") else { throw unexpected(at: i, expected: "':'") }
                i += 1
                skipWhitespace()
                let value = try parseValue(depth: depth)
                members.append((key: key, value: value))
                skipWhitespace()
                guard i < n else { throw JSONError(.unexpectedEnd, at: i, "unexpected end of input inside object") }
                let b = p[i]
                i += 1
                if b == UInt8(ascii: ",") { continue }
                if b == UInt8(ascii: "}") { return .object(members) }
                throw unexpected(at: i - 1, expected: "',' or '}'")
            }
        }

        /// Linear scan for small objects, a byte-hashed set beyond that.
        func checkUnique(
            _ key: String, at offset: Int,
            members: [(key: String, value: JSONValue)], seen: inout Set<KeyBytes>
        ) throws(JSONError) {
            let linearLimit = 16
            var duplicate = false
            if members.count < linearLimit {
                for member in members where JSONValue.sameString(member.key, key) {
                    duplicate = true
                    break
                }
            } else {
                if seen.isEmpty {
                    seen.reserveCapacity(members.count * 2)
                    for member in members { seen.insert(KeyBytes(member.key)) }
                }
                duplicate = !seen.insert(KeyBytes(key)).inserted
            }
            if duplicate {
                var quoted: [UInt8] = []
                CanonicalJSON.appendString(key, to: &quoted)
                throw JSONError(.duplicateKey, at: offset, "duplicate key \(String(decoding: quoted, as: UTF8.self))")
            }
        }

        // MARK: Strings

        /// Parses a string starting at the opening quote; leaves `i` after the closing quote.
        mutating func parseString() throws(JSONError) -> String {
            i += 1  // opening quote
            let start = i
            // Fast path: no escapes — validate in place, decode once.
            while i < n {
                let b = p[i]
                if b == UInt8(ascii: "\"") {
                    let s = String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
                    i += 1
                    return s
                }
                if b == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
                if b < 0x20 { throw controlCharacter(at: i) }
                if b < 0x80 {
                    i += 1
                } else {
                    i += try utf8SequenceLength(at: i)
                }
            }
            throw JSONError(.unexpectedEnd, at: i, "unexpected end of input inside string")
        }

        /// Slow path once a backslash is seen: builds the decoded UTF-8 bytes.
        mutating func parseEscapedString(from start: Int) throws(JSONError) -> String {
            var buf: [UInt8] = []
            buf.reserveCapacity(i - start + 16)
            buf.append(contentsOf: UnsafeBufferPointer(rebasing: p[start..<i]))
            while i < n {
                let b = p[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    return String(decoding: buf, as: UTF8.self)
                }
                if b == UInt8(ascii: "\\") {
                    try parseEscape(into: &buf)
                } else if b < 0x20 {
                    throw controlCharacter(at: i)
                } else if b < 0x80 {
                    buf.append(b)
                    i += 1
                } else {
                    let len = try utf8SequenceLength(at: i)
                    buf.append(contentsOf: UnsafeBufferPointer(rebasing: p[i..<(i + len)]))
                    i += len
                }
            }
            throw JSONError(.unexpectedEnd, at: i, "unexpected end of input inside string")
        }

        /// Decodes one escape starting at the backslash at `i`.
        mutating func parseEscape(into buf: inout [UInt8]) throws(JSONError) {
            let escapeStart = i
            guard i + 1 < n else { throw JSONError(.unexpectedEnd, at: n, "unexpected end of input inside string") }
            let e = p[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buf.append(e)
            case UInt8(ascii: "b"): buf.append(0x08)
            case UInt8(ascii: "f"): buf.append(0x0C)
            case UInt8(ascii: "n"): buf.append(0x0A)
            case UInt8(ascii: "r"): buf.append(0x0D)
            case UInt8(ascii: "t"): buf.append(0x09)
            case UInt8(ascii: "u"):
                let unit = try parseHex4(escapeStart: escapeStart)
                var scalar: UInt32
                if unit >= 0xD800 && unit <= 0xDBFF {
                    guard i + 1 < n, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else {
                        throw loneSurrogate(unit, at: escapeStart)
                    }
                    let lowStart = i
                    i += 2
                    let low = try parseHex4(escapeStart: lowStart)
                    guard low >= 0xDC00 && low <= 0xDFFF else { throw loneSurrogate(unit, at: escapeStart) }
                    scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                } else if unit >= 0xDC00 && unit <= 0xDFFF {
                    throw loneSurrogate(unit, at: escapeStart)
                } else {
                    scalar = unit
                }
                appendUTF8(scalar, to: &buf)
            default:
                throw JSONError(.invalidEscape, at: escapeStart, "invalid escape \(describeEscape(e))")
            }
        }

        mutating func parseHex4(escapeStart: Int) throws(JSONError) -> UInt32 {
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard i < n else { throw JSONError(.unexpectedEnd, at: i, "unexpected end of input inside \\u escape") }
                let c = p[i]
                let d: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c &- UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c &- UInt8(ascii: "a") &+ 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c &- UInt8(ascii: "A") &+ 10
                default:
                    throw JSONError(.invalidEscape, at: escapeStart, "invalid \\u escape: expected 4 hex digits")
                }
                v = v << 4 | UInt32(d)
                i += 1
            }
            return v
        }

        func appendUTF8(_ scalar: UInt32, to buf: inout [UInt8]) {
            switch scalar {
            case 0..<0x80:
                buf.append(UInt8(truncatingIfNeeded: scalar))
            case 0x80..<0x800:
                buf.append(UInt8(truncatingIfNeeded: 0xC0 | (scalar >> 6)))
                buf.append(UInt8(truncatingIfNeeded: 0x80 | (scalar & 0x3F)))
            case 0x800..<0x10000:
                buf.append(UInt8(truncatingIfNeeded: 0xE0 | (scalar >> 12)))
                buf.append(UInt8(truncatingIfNeeded: 0x80 | ((scalar >> 6) & 0x3F)))
                buf.append(UInt8(truncatingIfNeeded: 0x80 | (scalar & 0x3F)))
            default:
                buf.append(UInt8(truncatingIfNeeded: 0xF0 | (scalar >> 18)))
                buf.append(UInt8(truncatingIfNeeded: 0x80 | ((scalar >> 12) & 0x3F)))
                buf.append(UInt8(truncatingIfNeeded: 0x80 | ((scalar >> 6) & 0x3F)))
                buf.append(UInt8(truncatingIfNeeded: 0x80 | (scalar & 0x3F)))
            }
        }

        /// Length of the well-formed multi-byte UTF-8 sequence at `k` (whose
        /// first byte is >= 0x80), per Unicode Table 3-7; throws otherwise.
        func utf8SequenceLength(at k: Int) throws(JSONError) -> Int {
            if let len = wellFormedLength(at: k) { return len }
            throw JSONError(.invalidUTF8, at: k, "invalid UTF-8 sequence starting with byte \(hex(p[k]))")
        }

        func wellFormedLength(at k: Int) -> Int? {
            let b0 = p[k]
            @inline(__always) func cont(_ j: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
                j < n && p[j] >= lo && p[j] <= hi
            }
            switch b0 {
            case 0xC2...0xDF:
                return cont(k + 1) ? 2 : nil
            case 0xE0:
                return cont(k + 1, 0xA0) && cont(k + 2) ? 3 : nil
            case 0xED:
                return cont(k + 1, 0x80, 0x9F) && cont(k + 2) ? 3 : nil
            case 0xE1...0xEF:
                return cont(k + 1) && cont(k + 2) ? 3 : nil
            case 0xF0:
                return cont(k + 1, 0x90) && cont(k + 2) && cont(k + 3) ? 4 : nil
            case 0xF1...0xF3:
                return cont(k + 1) && cont(k + 2) && cont(k + 3) ? 4 : nil
            case 0xF4:
                return cont(k + 1, 0x80, 0x8F) && cont(k + 2) && cont(k + 3) ? 4 : nil
            default:
                return nil
            }
        }

        // MARK: Numbers

        /// Parses `-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?` at `i`.
        mutating func parseNumber() throws(JSONError) -> Double {
            let start = i
            var negative = false
            if p[i] == UInt8(ascii: "-") {
                negative = true
                i += 1
                guard i < n else { throw JSONError(.unexpectedEnd, at: i, "unexpected end of input in number") }
                if hasLiteral("Infinity", at: i) {
                    throw JSONError(.invalidNumber, at: start, "NaN and Infinity are not JSON numbers")
                }
            }
            // Significand accumulation for the exact fast path.
            var mantissa: UInt64 = 0
            var digits = 0  // significant digits kept in `mantissa`
            var truncated = false  // more significant digits than fit
            var exponent = 0  // decimal exponent applied to `mantissa`

            // Integer part.
            guard i < n, isDigit(p[i]) else {
                throw invalidNumber(at: i, "expected a digit")
            }
            if p[i] == UInt8(ascii: "0") {
                i += 1
                if i < n && isDigit(p[i]) {
                    throw JSONError(.invalidNumber, at: start, "leading zero in number")
                }
            } else {
                while i < n, isDigit(p[i]) {
                    if digits < 19 {
                        mantissa = mantissa &* 10 &+ UInt64(p[i] &- 0x30)
                        digits += 1
                    } else {
                        exponent += 1
                        if p[i] != 0x30 { truncated = true }
                    }
                    i += 1
                }
            }
            // Fraction.
            if i < n && p[i] == UInt8(ascii: ".") {
                i += 1
                guard i < n, isDigit(p[i]) else {
                    throw invalidNumber(at: i, "expected a digit after '.'")
                }
                while i < n, isDigit(p[i]) {
                    let d = p[i] &- 0x30
                    if mantissa == 0 && d == 0 {
                        exponent -= 1
                    } else if digits < 19 {
                        mantissa = mantissa &* 10 &+ UInt64(d)
                        digits += 1
                        exponent -= 1
                    } else if d != 0 {
                        truncated = true
                    }
                    i += 1
                }
            }
            // Exponent.
            if i < n && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
                i += 1
                var expNegative = false
                if i < n && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) {
                    expNegative = p[i] == UInt8(ascii: "-")
                    i += 1
                }
                guard i < n, isDigit(p[i]) else {
                    throw invalidNumber(at: i, "expected a digit in exponent")
                }
                var e = 0
                while i < n, isDigit(p[i]) {
                    if e < 1_000_000 { e = e * 10 + Int(p[i] &- 0x30) }
                    i += 1
                }
                exponent += expNegative ? -e : e
            }

            if mantissa == 0 {
                return negative ? -0.0 : 0.0
            }
            // Clinger's fast path: both operands exact, one correctly rounded operation.
            if !truncated && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
                var d = Double(mantissa)
                if exponent < 0 {
                    d /= JSONParser.powerOfTen(-exponent)
                } else if exponent > 0 {
                    d *= JSONParser.powerOfTen(exponent)
                }
                return negative ? -d : d
            }
            // General case: the standard library's correctly rounded conversion.
            let text = String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
            guard let d = Double(text) else {
                throw JSONError(.invalidNumber, at: start, "invalid number")
            }
            guard d.isFinite else {
                throw JSONError(.invalidNumber, at: start, "number \(text) is out of the range of a double")
            }
            return d
        }

        @inline(__always)
        func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

        // MARK: Error helpers

        func invalidNumber(at k: Int, _ what: String) -> JSONError {
            if k >= n { return JSONError(.unexpectedEnd, at: k, "unexpected end of input in number") }
            return JSONError(.invalidNumber, at: k, "invalid number: \(what), found \(describeByte(at: k))")
        }

        func controlCharacter(at k: Int) -> JSONError {
            JSONError(.controlCharacter, at: k, "unescaped control character \(hex(p[k])) in string")
        }

        func loneSurrogate(_ unit: UInt32, at k: Int) -> JSONError {
            let digits = String(unit, radix: 16, uppercase: true)
            return JSONError(.loneSurrogate, at: k, "lone surrogate escape \\u\(digits) in string")
        }

        /// `.invalidUTF8` if the bytes at `k` are not well-formed UTF-8, else `.unexpectedCharacter`.
        func unexpected(at k: Int, expected: String) -> JSONError {
            if p[k] >= 0x80 && wellFormedLength(at: k) == nil {
                return JSONError(.invalidUTF8, at: k, "invalid UTF-8 sequence starting with byte \(hex(p[k]))")
            }
            return JSONError(.unexpectedCharacter, at: k, "unexpected \(describeByte(at: k)), expected \(expected)")
        }

        func describeByte(at k: Int) -> String {
            let b = p[k]
            if b >= 0x21 && b < 0x7F { return "character '\(Character(Unicode.Scalar(b)))'" }
            if b >= 0x80, let len = wellFormedLength(at: k) {
                let s = String(decoding: UnsafeBufferPointer(rebasing: p[k..<(k + len)]), as: UTF8.self)
                if let scalar = s.unicodeScalars.first {
                    return "character U+\(String(scalar.value, radix: 16, uppercase: true))"
                }
            }
            return "byte \(hex(b))"
        }

        func describeEscape(_ e: UInt8) -> String {
            if e >= 0x21 && e < 0x7F { return "'\\\(Character(Unicode.Scalar(e)))'" }
            return "backslash followed by byte \(hex(e))"
        }

        func hex(_ b: UInt8) -> String {
            let digits = String(b, radix: 16, uppercase: true)
            return b < 0x10 ? "0x0\(digits)" : "0x\(digits)"
        }
    }

    /// Exact powers of ten 10^0 ... 10^22 (all exactly representable as Double).
    @inline(__always)
    static func powerOfTen(_ e: Int) -> Double {
        switch e {
        case 0: return 1e0
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        case 15: return 1e15
        case 16: return 1e16
        case 17: return 1e17
        case 18: return 1e18
        case 19: return 1e19
        case 20: return 1e20
        case 21: return 1e21
        default: return 1e22
        }
    }
}

// MARK: - Duplicate detection key

extension JSONParser {
    /// A member name hashed and compared by its exact UTF-8 bytes
    /// (Swift `String` equality would merge canonically equivalent names).
    struct KeyBytes: Hashable {
        let key: String

        init(_ key: String) { self.key = key }

        static func == (a: KeyBytes, b: KeyBytes) -> Bool {
            JSONValue.sameString(a.key, b.key)
        }

        func hash(into hasher: inout Hasher) {
            let done: Void? = key.utf8.withContiguousStorageIfAvailable {
                hasher.combine(bytes: UnsafeRawBufferPointer($0))
            }
            if done == nil {
                Array(key.utf8).withUnsafeBytes { hasher.combine(bytes: $0) }
            }
        }
    }
}
