/// RFC 8785 JSON Canonicalization Scheme (JCS).
///
/// Contract for ``encode(_:)``:
/// - no whitespace; object members sorted by name compared as arrays of UTF-16
///   code units (RFC 8785 §3.2.3), recursively; array order kept;
/// - strings: `"` `\` and the controls U+0008/0009/000A/000C/000D use the short
///   escapes `\" \\ \b \t \n \f \r`; other controls below U+0020 use `\u00xx`
///   with lower-case hex; everything else (U+007F, U+2028, non-BMP, ...) is
///   written as literal UTF-8 (RFC 8785 §3.2.2.2);
/// - numbers use the ECMAScript `Number.prototype.toString` form
///   (RFC 8785 §3.2.2.3), see ``formatNumber(_:)``;
/// - the output is valid UTF-8 and deterministic for a given value. It is only
///   canonical JSON if member names are unique within each object (always true
///   for values produced by ``JSONParser``); hand-built duplicates are emitted
///   in their sorted (stable) order. Non-finite numbers, which JSON cannot
///   express and the parser never produces, are written as `null`, like
///   ECMAScript `JSON.stringify`.
public enum CanonicalJSON {
    /// The canonical UTF-8 bytes of `value`.
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        append(value, to: &out)
        return out
    }

    /// Appends the canonical UTF-8 bytes of `value` to `out`.
    public static func append(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool(let b):
            out.append(contentsOf: b ? "true".utf8 : "false".utf8)
        case .number(let d):
            appendNumber(d, to: &out)
        case .string(let s):
            appendString(s, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                append(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            if isSortedByKey(members) {
                appendMembers(members, to: &out)
            } else {
                appendSortedMembers(members, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Parses `bytes` strictly with ``JSONParser`` and returns their canonical form.
    public static func canonicalize(_ bytes: [UInt8]) throws(JSONError) -> [UInt8] {
        encode(try JSONParser.parse(bytes))
    }

    // MARK: Objects

    private static func appendMembers(_ members: [(key: String, value: JSONValue)], to out: inout [UInt8]) {
        var first = true
        for member in members {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            appendString(member.key, to: &out)
            out.append(UInt8(ascii: ":"))
            append(member.value, to: &out)
        }
    }

    /// Sorts member indices (cheaper than moving the tuples) and appends in that order.
    private static func appendSortedMembers(_ members: [(key: String, value: JSONValue)], to out: inout [UInt8]) {
        members.withUnsafeBufferPointer { m in
            var order = Array(m.indices)
            order.sort { keyPrecedes(m[$0].key, m[$1].key) }
            var first = true
            for k in order {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                appendString(m[k].key, to: &out)
                out.append(UInt8(ascii: ":"))
                append(m[k].value, to: &out)
            }
        }
    }

    private static func isSortedByKey(_ members: [(key: String, value: JSONValue)]) -> Bool {
        var k = 1
        while k < members.count {
            if !keyPrecedes(members[k - 1].key, members[k].key) { return false }
            k += 1
        }
        return true
    }

    /// Strict "a sorts before b" on member names as arrays of UTF-16 code units.
    ///
    /// Works on UTF-8: byte order equals code point order, which equals UTF-16
    /// order except that code points U+10000... (UTF-16 lead surrogates
    /// D800–DBFF) sort before U+E000–U+FFFF. At the first differing byte both
    /// strings are at a scalar boundary, so the lead bytes tell the classes apart.
    static func keyPrecedes(_ a: String, _ b: String) -> Bool {
        let fast: Bool?? = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb in utf16Precedes(pa, pb) }
        }
        if case .some(.some(let result)) = fast { return result }
        return a.utf16.lexicographicallyPrecedes(b.utf16)
    }

    static func utf16Precedes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = min(a.count, b.count)
        var k = 0
        while k < common {
            let x = a[k]
            let y = b[k]
            if x != y {
                if x >= 0xF0 && (y == 0xEE || y == 0xEF) { return true }
                if y >= 0xF0 && (x == 0xEE || x == 0xEF) { return false }
                return x < y
            }
            k += 1
        }
        return a.count < b.count
    }

    // MARK: Strings

    /// Whether some byte of `word` is a quote (0x22), a backslash (0x5C) or below 0x20 (a byte a
    /// JSON string escapes, and ends or breaks a plain string at): each test
    /// is exact about whether some byte is (`(x - 0x01…) & ~x & 0x80…` is nonzero if and only if
    /// a byte of `x` is zero).
    @inlinable
    public static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        let control = (word &- ones &* 0x20) & ~word
        return (zeroQuote | zeroBackslash | control) & high != 0
    }

    /// Appends `s` as a JCS string literal (with quotes) to `out`.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { bytes in
            var runStart = 0
            var k = 0
            // Eight bytes at a time while none needs an escape.
            if let base = bytes.baseAddress {
                while k + 8 <= bytes.count, !mayNeedEscape(UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self)) { k += 8 }
            }
            while k < bytes.count {
                let b = bytes[k]
                if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                    k += 1
                    continue
                }
                if runStart < k { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<k])) }
                appendEscaped(b, to: &out)
                k += 1
                runStart = k
            }
            if runStart < k { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<k])) }
        }
        if done == nil {
            for b in s.utf8 {
                if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                    out.append(b)
                } else {
                    appendEscaped(b, to: &out)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ b: UInt8, to out: inout [UInt8]) {
        escape(b) { out.append($0) }
    }

    /// Gives `write` the bytes of the escape of `b` (a quote, a backslash or a byte below 0x20,
    /// `mayNeedEscape`), one by one: `\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`, else `\u00XX` in
    /// lower-case hex (RFC 8785, and what Foundation's `JSONEncoder` writes). Every JSON string this
    /// project writes is escaped here.
    public static func escape(_ b: UInt8, _ write: (UInt8) -> Void) {
        write(UInt8(ascii: "\\"))
        switch b {
        case UInt8(ascii: "\""): write(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): write(UInt8(ascii: "\\"))
        case 0x08: write(UInt8(ascii: "b"))
        case 0x09: write(UInt8(ascii: "t"))
        case 0x0A: write(UInt8(ascii: "n"))
        case 0x0C: write(UInt8(ascii: "f"))
        case 0x0D: write(UInt8(ascii: "r"))
        default:
            let hexDigits: StaticString = "0123456789abcdef"
            let h = hexDigits.utf8Start
            write(UInt8(ascii: "u"))
            write(UInt8(ascii: "0"))
            write(UInt8(ascii: "0"))
            write(h[Int(b >> 4)])
            write(h[Int(b & 0x0F)])
        }
    }

    // MARK: Numbers

    /// The ECMAScript `Number.prototype.toString` form of `d` (RFC 8785 §3.2.2.3):
    /// the shortest digit string that round-trips; plain integer layout when the
    /// decimal exponent n (value = 0.digits × 10^n) satisfies k ≤ n ≤ 21, plain
    /// decimal for -6 < n ≤ 21, otherwise `d[.ddd]e+N` / `d[.ddd]e-N`.
    /// `-0` gives `"0"`; non-finite values give `"null"`.
    ///
    /// Examples: 1e21 → `1e+21`, 1e20 → `100000000000000000000`, 1e-7 → `1e-7`,
    /// 1e-6 → `0.000001`, 0.1+0.2 → `0.30000000000000004`, 5e-324 → `5e-324`.
    public static func formatNumber(_ d: Double) -> String {
        var out: [UInt8] = []
        appendNumber(d, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends ``formatNumber(_:)`` of `d` to `out`.
    public static func appendNumber(_ d: Double, to out: inout [UInt8]) {
        guard d.isFinite else {
            out.append(contentsOf: "null".utf8)
            return
        }
        if d == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        // Integers below 2^53: the exact integer digits are the shortest digits.
        if d.magnitude < 9_007_199_254_740_992, JSONValue.isIntegral(d) {
            appendInteger(Int64(d), to: &out)
            return
        }
        // Swift's description yields the shortest round-trip digits; only the
        // layout differs from ECMAScript.
        let text = d.description
        var digits: [UInt8] = []
        digits.reserveCapacity(20)
        var negative = false
        var pointPosition = -1  // digits before '.', or -1 if no '.' seen yet
        var exponent = 0
        var expNegative = false
        var inExponent = false
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "-"):
                if inExponent { expNegative = true } else { negative = true }
            case UInt8(ascii: "+"):
                break
            case UInt8(ascii: "."):
                pointPosition = digits.count
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                inExponent = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if inExponent {
                    exponent = exponent * 10 + Int(c &- 0x30)
                } else {
                    digits.append(c)
                }
            default:
                break
            }
        }
        if pointPosition < 0 { pointPosition = digits.count }
        // value = 0.<digits> × 10^(pointPosition + exponent); normalize digits.
        var n = pointPosition + (expNegative ? -exponent : exponent)
        var leading = 0
        while leading < digits.count && digits[leading] == UInt8(ascii: "0") {
            leading += 1
            n -= 1
        }
        var end = digits.count
        while end > leading && digits[end - 1] == UInt8(ascii: "0") { end -= 1 }
        let s = digits[leading..<end]
        let k = s.count
        guard k > 0 else {  // unreachable for d != 0; keep total
            out.append(UInt8(ascii: "0"))
            return
        }
        if negative { out.append(UInt8(ascii: "-")) }
        if k <= n && n <= 21 {
            out.append(contentsOf: s)
            for _ in 0..<(n - k) { out.append(UInt8(ascii: "0")) }
        } else if 0 < n && n <= 21 {
            out.append(contentsOf: s.prefix(n))
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: s.dropFirst(n))
        } else if -6 < n && n <= 0 {
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "."))
            for _ in 0..<(-n) { out.append(UInt8(ascii: "0")) }
            out.append(contentsOf: s)
        } else {
            out.append(s[s.startIndex])
            if k > 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: s.dropFirst())
            }
            out.append(UInt8(ascii: "e"))
            let e = n - 1
            out.append(e < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            appendInteger(Int64(e.magnitude), to: &out)
        }
    }

    private static func appendInteger(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        var m = v.magnitude
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, enough for 20 digits
        withUnsafeMutableBytes(of: &buffer) { raw in
            var k = raw.count
            repeat {
                k -= 1
                raw[k] = UInt8(truncatingIfNeeded: m % 10) &+ 0x30
                m /= 10
            } while m != 0
            out.append(contentsOf: raw[k...])
        }
    }
}
