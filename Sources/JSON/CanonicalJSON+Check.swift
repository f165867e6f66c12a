extension CanonicalJSON {
    /// True when `bytes` are exactly `CanonicalJSON.encode(JSONParser.parse(bytes))`: one JSON
    /// value in RFC 8785 form (no whitespace, members in UTF-16 order, shortest numbers, only the
    /// escapes the encoder writes, well-formed UTF-8). Decides in one pass without building the
    /// value.
    ///
    /// False means "not shown canonical", not "invalid": a member name containing an escape is
    /// never shown canonical here (rare; callers needing the canonical form then parse and encode,
    /// which is always right).
    public static func isCanonical(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        canonicalValueEnd(in: bytes, from: 0) == bytes.count
    }

    /// The end of the canonical JSON value starting at `start` in `bytes` (see `isCanonical`);
    /// nil when no value shown canonical starts there. What follows the value is not looked at.
    public static func canonicalValueEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var checker = CanonicalChecker(bytes, at: start)
        guard checker.value(depth: 0) else { return nil }
        return checker.reader.i
    }
}

/// One pass over JSON bytes answering "is this exactly its canonical encoding?" (see
/// `CanonicalJSON.isCanonical`). Uses the parser's reader for numbers and UTF-8, so what it
/// accepts the parser accepts with the same meaning.
struct CanonicalChecker {
    var reader: JSONParser.Reader
    private var scratch: [UInt8] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) {
        reader = JSONParser.Reader(bytes)
        reader.i = start
    }

    private var p: UnsafeBufferPointer<UInt8> { reader.p }
    private var n: Int { reader.n }

    mutating func value(depth: Int) -> Bool {
        let i = reader.i
        guard i < n else { return false }
        switch p[i] {
        case UInt8(ascii: "{"): return object(depth: depth + 1)
        case UInt8(ascii: "["): return array(depth: depth + 1)
        case UInt8(ascii: "\""): return string(escapes: true) != nil
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        default: return false
        }
    }

    private mutating func literal(_ text: StaticString) -> Bool {
        guard reader.hasLiteral(text, at: reader.i) else { return false }
        reader.i += text.utf8CodeUnitCount
        return true
    }

    private mutating func object(depth: Int) -> Bool {
        guard depth <= JSONParser.maxDepth else { return false }
        reader.i += 1
        guard reader.i < n else { return false }
        if p[reader.i] == UInt8(ascii: "}") {
            reader.i += 1
            return true
        }
        var previous: Range<Int>? = nil
        while true {
            guard reader.i < n, p[reader.i] == UInt8(ascii: "\""), let key = string(escapes: false) else { return false }
            if let previous,
                !CanonicalJSON.utf16Precedes(
                    UnsafeBufferPointer(rebasing: p[previous]), UnsafeBufferPointer(rebasing: p[key]))
            {
                return false  // out of order, or the same name twice
            }
            previous = key
            guard reader.i < n, p[reader.i] == UInt8(ascii: ":") else { return false }
            reader.i += 1
            guard value(depth: depth) else { return false }
            guard reader.i < n else { return false }
            switch p[reader.i] {
            case UInt8(ascii: ","): reader.i += 1
            case UInt8(ascii: "}"):
                reader.i += 1
                return true
            default: return false
            }
        }
    }

    private mutating func array(depth: Int) -> Bool {
        guard depth <= JSONParser.maxDepth else { return false }
        reader.i += 1
        guard reader.i < n else { return false }
        if p[reader.i] == UInt8(ascii: "]") {
            reader.i += 1
            return true
        }
        while true {
            guard value(depth: depth) else { return false }
            guard reader.i < n else { return false }
            switch p[reader.i] {
            case UInt8(ascii: ","): reader.i += 1
            case UInt8(ascii: "]"):
                reader.i += 1
                return true
            default: return false
            }
        }
    }

    /// A string literal at `reader.i` written as the encoder writes it; the range of its content
    /// (between the quotes). With `escapes` false, any escape makes it not shown canonical.
    private mutating func string(escapes: Bool) -> Range<Int>? {
        var i = reader.i + 1
        let start = i
        while i < n {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                reader.i = i + 1
                return start..<i
            }
            if b < 0x20 { return nil }
            if b == UInt8(ascii: "\\") {
                guard escapes, i + 1 < n else { return nil }
                switch p[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "b"), UInt8(ascii: "t"), UInt8(ascii: "n"),
                    UInt8(ascii: "f"), UInt8(ascii: "r"):
                    i += 2
                case UInt8(ascii: "u"):
                    // Only a control character without a short form, as \u00xx with lower-case hex.
                    guard i + 5 < n, p[i + 2] == UInt8(ascii: "0"), p[i + 3] == UInt8(ascii: "0"),
                        let hi = Self.lowerHex(p[i + 4]), let lo = Self.lowerHex(p[i + 5])
                    else { return nil }
                    let c = hi << 4 | lo
                    guard c < 0x20, c != 0x08, c != 0x09, c != 0x0A, c != 0x0C, c != 0x0D else { return nil }
                    i += 6
                default:
                    return nil
                }
                continue
            }
            if b >= 0x80 {
                guard let length = reader.wellFormedLength(at: i) else { return nil }
                i += length
                continue
            }
            i += 1
        }
        return nil
    }

    private static func lowerHex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c &- 0x30
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c &- 0x61 &+ 10
        default: return nil
        }
    }

    /// A number written as the encoder writes the `Double` the parser reads from it.
    private mutating func number() -> Bool {
        let start = reader.i
        // Plain integers of at most 15 digits (below 2^53) are their own shortest form, except -0.
        var k = start
        if p[k] == UInt8(ascii: "-") { k += 1 }
        let digitsStart = k
        while k < n, p[k] &- 0x30 < 10 { k += 1 }
        let digits = k - digitsStart
        let plain = k == n || (p[k] != UInt8(ascii: ".") && p[k] != UInt8(ascii: "e") && p[k] != UInt8(ascii: "E"))
        if plain, digits >= 1, digits <= 15, p[digitsStart] != UInt8(ascii: "0") {
            reader.i = k
            return true
        }
        if plain, digits == 1, start == digitsStart {  // "0"
            reader.i = k
            return true
        }
        let value: Double
        do throws(JSONError) {
            value = try reader.parseNumber()
        } catch {
            return false
        }
        scratch.removeAll(keepingCapacity: true)
        CanonicalJSON.appendNumber(value, to: &scratch)
        let token = UnsafeBufferPointer(rebasing: p[start..<reader.i])
        return scratch.elementsEqual(token)
    }
}
