public import EventLog
public import JSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A member's value in a plain object (`PlainObject`): a string's UTF-8 without its quotes (no
/// escape, no control character in it), or an integer.
public enum PlainValue {
    case string(UnsafeBufferPointer<UInt8>)
    case integer(Int)
}

/// Reads payloads of flat objects (each member a string or an integer) straight from the bytes the
/// log stores, without parsing them into a `JSONValue` and decoding that through `Codable`: what
/// a rebuild's folds do for the most common events of a domain. A payload read this way must be
/// one the strict reader (`Payload.read`, after `JSONParser`) reads alike: the caller gives up on
/// anything not plain (nil), and the strict reader then reads it, or refuses it with its message.
public enum PlainObject {
    /// Calls `member` with each member of the object in `bytes`, in order, when the bytes are a
    /// plain object: `{`, members `"name":value` separated by `,`, `}`, with no whitespace; names
    /// and strings without escapes or control characters; integers without sign, leading zero,
    /// fraction or exponent, at most 15 digits. Returns false when they are not, or as soon as
    /// `member` returns false. Strings are not checked as UTF-8 here (`PlainField.text` does).
    public static func forEachMember(_ bytes: [UInt8], _ member: (UnsafeBufferPointer<UInt8>, PlainValue) -> Bool) -> Bool {
        bytes.withUnsafeBufferPointer { p in
            let n = p.count
            guard n >= 2, p[0] == UInt8(ascii: "{"), p[n - 1] == UInt8(ascii: "}") else { return false }
            if n == 2 { return true }
            var i = 1
            /// The string starting at `i` (a quote), without its quotes.
            func string() -> UnsafeBufferPointer<UInt8>? {
                guard i < n, p[i] == UInt8(ascii: "\"") else { return nil }
                let start = i + 1
                var j = start
                while j < n {
                    let b = p[j]
                    if b == UInt8(ascii: "\"") {
                        i = j + 1
                        return UnsafeBufferPointer(rebasing: p[start..<j])
                    }
                    if b == UInt8(ascii: "\\") || b < 0x20 { return nil }
                    j += 1
                }
                return nil
            }
            while true {
                guard let name = string(), i < n, p[i] == UInt8(ascii: ":"), i + 1 < n else { return false }
                i += 1
                let value: PlainValue
                if p[i] == UInt8(ascii: "\"") {
                    guard let s = string() else { return false }
                    value = .string(s)
                } else {
                    let start = i
                    var number = 0
                    while i < n, p[i] >= 0x30, p[i] <= 0x39 {
                        number = number * 10 + Int(p[i] - 0x30)
                        i += 1
                    }
                    // At least one digit, no leading zero, within 2^53.
                    guard i > start, i - start <= 15, p[start] != 0x30 || i == start + 1 else { return false }
                    value = .integer(number)
                }
                guard member(name, value), i < n else { return false }
                if p[i] == UInt8(ascii: "}") { return i == n - 1 }
                guard p[i] == UInt8(ascii: ",") else { return false }
                i += 1
            }
        }
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

/// The checks `JSONValueDecoder` makes of a payload's string or number field, for readers that
/// take a plainly valid payload without `Codable` (nil: not plainly valid; let the decoder say why).
public enum PlainField {
    /// A string the decoder reads for a field with `rule`: not only whitespace (unless the rule
    /// allows empty text), within its byte limit (the rule's, else 200), no control character,
    /// and passing the rule's own check.
    public static func string(_ s: String, _ rule: JSONFieldRule?) -> String? {
        let utf8 = s.utf8
        if utf8.count > (rule?.maxBytes ?? 200) { return nil }
        if utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return nil }
        if !(rule?.allowEmpty ?? false) && JSONValueDecoder.isBlank(s) { return nil }
        if let check = rule?.checkString, check(s) != nil { return nil }
        return s
    }

    /// `string(_:_:)` of a string's UTF-8 (nil when it is not a string, or not valid UTF-8): the
    /// same checks, the length and control characters over the bytes, before a `String` is made.
    public static func text(_ value: PlainValue, _ rule: JSONFieldRule?) -> String? {
        guard case .string(let bytes) = value, bytes.count <= (rule?.maxBytes ?? 200) else { return nil }
        var ascii = true
        for b in bytes {
            if b < 0x20 || b == 0x7F { return nil }
            if b >= 0x80 { ascii = false }
        }
        guard let s = ascii ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self) else { return nil }
        if !(rule?.allowEmpty ?? false) && JSONValueDecoder.isBlank(s) { return nil }
        if let check = rule?.checkString, check(s) != nil { return nil }
        return s
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

    /// An integer the decoder reads for a field with `rule` (within ±(2^53-1), which a plain
    /// integer is, and passing the rule's check).
    public static func integer(_ value: PlainValue, _ rule: JSONFieldRule?) -> Int? {
        guard case .integer(let n) = value else { return nil }
        if let check = rule?.checkNumber, check(Double(n)) != nil { return nil }
        return n
    }
}
