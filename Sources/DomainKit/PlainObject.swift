public import EventLog
public import JSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A member's value in a plain object (`PlainObject`): a string's UTF-8 without its quotes (no
/// escape, no control character in it), or a number's bytes (a plain decimal).
public enum PlainValue {
    case string(UnsafeBufferPointer<UInt8>)
    case number(UnsafeBufferPointer<UInt8>)
}

/// Reads payloads of flat objects (each member a string or a number) straight from the bytes the
/// log stores, without parsing them into a `JSONValue` and decoding that through `Codable`: what
/// a rebuild's folds do for the most common events of a domain (price reports, status changes,
/// notification outcomes). A payload read this way must be one the strict reader
/// (`Payload.read`, after `JSONParser`) reads alike: the caller gives up on anything not plain
/// (nil), and the strict reader then reads it, or refuses it with its message.
public enum PlainObject {
    /// Calls `member` with each member of the object in `bytes`, in order, when the bytes are a
    /// plain object: `{`, members `"name":value` separated by `,`, `}`, with no whitespace; names
    /// and strings without escapes or control characters; numbers as plain decimals (an optional
    /// `-`, digits without a leading zero, an optional `.` and digits; no exponent), at most 20
    /// bytes. Returns false when they are not, or as soon as `member` returns false. Strings are not
    /// checked as UTF-8 here (`PlainField.text` does).
    public static func forEachMember(_ bytes: [UInt8], _ member: (UnsafeBufferPointer<UInt8>, PlainValue) -> Bool) -> Bool {
        bytes.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return false }
            let n = p.count
            guard n >= 2, base[0] == UInt8(ascii: "{"), base[n - 1] == UInt8(ascii: "}") else { return false }
            if n == 2 { return true }
            var i = 1
            while true {
                guard let nameEnd = stringEnd(base, n, from: i) else { return false }
                let name = UnsafeBufferPointer(start: base + i + 1, count: nameEnd - i - 1)
                i = nameEnd + 1
                guard i + 1 < n, base[i] == UInt8(ascii: ":") else { return false }
                i += 1
                let value: PlainValue
                if base[i] == UInt8(ascii: "\"") {
                    guard let end = stringEnd(base, n, from: i) else { return false }
                    value = .string(UnsafeBufferPointer(start: base + i + 1, count: end - i - 1))
                    i = end + 1
                } else {
                    guard let end = numberEnd(base, n, from: i) else { return false }
                    value = .number(UnsafeBufferPointer(start: base + i, count: end - i))
                    i = end
                }
                guard member(name, value), i < n else { return false }
                if base[i] == UInt8(ascii: "}") { return i == n - 1 }
                guard base[i] == UInt8(ascii: ",") else { return false }
                i += 1
            }
        }
    }

    /// Where the string whose opening quote is at `start` (of the `n` bytes at `base`) closes;
    /// nil when `start` holds no quote, or the string holds an escape or a control character
    /// before its closing quote (it is not plain), or never closes.
    @inline(__always)
    static func stringEnd(_ base: UnsafePointer<UInt8>, _ n: Int, from start: Int) -> Int? {
        guard start < n, base[start] == UInt8(ascii: "\"") else { return nil }
        var j = start + 1
        // Eight bytes at a time while none of them is a quote, a backslash or below 0x20 (the
        // byte that is, is within the next eight: the loop below stops at it).
        while j + 8 <= n, !CanonicalJSON.mayNeedEscape(UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self)) { j += 8 }
        while j < n {
            let b = base[j]
            if b == UInt8(ascii: "\"") { return j }
            if b == UInt8(ascii: "\\") || b < 0x20 { return nil }
            j += 1
        }
        return nil
    }

    /// Where the plain decimal starting at `start` ends (as `JSONParser` reads it: an optional
    /// `-`, digits without a leading zero, an optional `.` and digits, at most 20 bytes); nil
    /// when none starts there.
    @inline(__always)
    static func numberEnd(_ base: UnsafePointer<UInt8>, _ n: Int, from start: Int) -> Int? {
        var i = start
        if i < n, base[i] == UInt8(ascii: "-") { i += 1 }
        let digits = i
        while i < n, base[i] &- 0x30 < 10 { i += 1 }
        // At least one digit, no leading zero (JSON refuses it).
        guard i > digits, base[digits] != 0x30 || i == digits + 1 else { return nil }
        if i < n, base[i] == UInt8(ascii: ".") {
            i += 1
            let fraction = i
            while i < n, base[i] &- 0x30 < 10 { i += 1 }
            guard i > fraction else { return nil }
        }
        guard i - start <= 20 else { return nil }
        return i
    }

    /// The digits after the point of a plain decimal's bytes (0 for an integer).
    public static func fractionDigits(_ number: UnsafeBufferPointer<UInt8>) -> Int {
        number.firstIndex(of: UInt8(ascii: ".")).map { number.count - $0 - 1 } ?? 0
    }

    /// Whether the member name `name` is `expected`.
    public static func name(_ name: UnsafeBufferPointer<UInt8>, is expected: StaticString) -> Bool {
        name.count == expected.utf8CodeUnitCount && (name.isEmpty || memcmp(name.baseAddress!, expected.utf8Start, name.count) == 0)
    }

    /// Takes `value` into `slot`: false when there is no value (not plain for its field) or the
    /// slot has one already (a member twice).
    @inlinable public static func take<T>(_ slot: inout T?, _ value: T?) -> Bool {
        guard slot == nil, let value else { return false }
        slot = value
        return true
    }
}

/// The checks `JSONValueDecoder` makes of a payload's field, for readers that take a plainly valid
/// payload without `Codable` (nil: not plainly valid; let the decoder say why).
public enum PlainField {
    /// A string the decoder reads for a field with `rule` (`JSONValueDecoder.stringProblem`).
    public static func string(_ s: String, _ rule: JSONFieldRule?) -> String? {
        JSONValueDecoder.stringProblem(s, rule) == nil ? s : nil
    }

    /// `string(_:_:)` of a string's UTF-8 (nil when it is not a string, or not valid UTF-8).
    public static func text(_ value: PlainValue, _ rule: JSONFieldRule?) -> String? {
        guard case .string(let bytes) = value else { return nil }
        // ASCII (ids, codes, times) needs no check beyond its bytes'.
        let s = bytes.allSatisfy { $0 < 0x80 } ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
        return s.flatMap { string($0, rule) }
    }

    /// A member of a `JSONEnumeration` (as the decoder reads one: its raw value exactly).
    public static func choice<E: RawRepresentable>(_ value: PlainValue, _ type: E.Type) -> E? where E.RawValue == String {
        // Raw values are ASCII: other bytes are no member.
        guard case .string(let bytes) = value, bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        return E(rawValue: String(decoding: bytes, as: UTF8.self))
    }

    /// An instant written as RFC 3339 text, read as `Timestamp`'s `ScalarCodable` reads it after the
    /// field's `rule` (`.time`).
    public static func time(_ value: PlainValue, _ rule: JSONFieldRule?) -> Timestamp? {
        text(value, rule).flatMap { Timestamp(scalar: $0) }
    }

    /// An integer the decoder reads for a field with `rule`: plain digits, at most 15 (within
    /// ±(2^53-1)), passing the rule's check.
    public static func integer(_ value: PlainValue, _ rule: JSONFieldRule?) -> Int? {
        guard case .number(let digits) = value, digits.count <= 15, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let n = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        if let check = rule?.checkNumber, check(Double(n)) != nil { return nil }
        return n
    }
}
