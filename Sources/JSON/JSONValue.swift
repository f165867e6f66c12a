/// An in-memory JSON value.
///
/// Contract:
/// - Objects keep their members in insertion (document) order. Parsing with
///   ``JSONParser`` guarantees member names are unique within an object;
///   values built by hand should keep them unique too (``CanonicalJSON``
///   output is only meaningful for unique names).
/// - Strings compare by their exact Unicode scalars (byte-wise on UTF-8), not by
///   Swift's canonical-equivalence `String ==`: `"\u{C5}"` and `"A\u{30A}"` are
///   different JSON strings because they canonicalize to different bytes.
/// - Equality of objects ignores member order: both sides are compared as if
///   sorted by name (UTF-16 code unit order, as in RFC 8785).
/// - Numbers compare with `Double ==` (so `0 == -0`, and NaN, which the parser
///   never produces, is unequal to itself).
/// - `description` is the RFC 8785 canonical form.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Members in insertion order.
    case object([(key: String, value: JSONValue)])
}

// MARK: - Accessors

extension JSONValue {
    /// The value of the first member named `key` (exact scalar match), or `nil`
    /// if this is not an object or has no such member.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for member in members where JSONValue.sameString(member.key, key) {
            return member.value
        }
        return nil
    }

    /// The element at `index`, or `nil` if this is not an array or the index is out of range.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// `true` for `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The payload of `.bool`, else `nil`.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The payload of `.string`, else `nil`.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The payload of `.number`, else `nil`.
    public var doubleValue: Double? {
        if case .number(let d) = self { return d }
        return nil
    }

    /// The number as an `Int` if it is integral and exactly representable
    /// (`3.0` gives 3, `3.5` and `1e300` give `nil`), else `nil`.
    public var intValue: Int? {
        guard case .number(let d) = self else { return nil }
        return JSONValue.exactInt(d)
    }

    /// The payload of `.array`, else `nil`.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The members of `.object` in insertion order, else `nil`.
    public var objectValue: [(key: String, value: JSONValue)]? {
        if case .object(let o) = self { return o }
        return nil
    }
}

// MARK: - Equality

extension JSONValue: Equatable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            return true
        case (.bool(let a), .bool(let b)):
            return a == b
        case (.number(let a), .number(let b)):
            return a == b
        case (.string(let a), .string(let b)):
            return sameString(a, b)
        case (.array(let a), .array(let b)):
            return a.count == b.count && a.elementsEqual(b)
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            // Fast path: same order on both sides.
            if a.elementsEqual(b, by: { sameString($0.key, $1.key) && $0.value == $1.value }) {
                return true
            }
            let byKey: ((key: String, value: JSONValue), (key: String, value: JSONValue)) -> Bool = {
                CanonicalJSON.keyPrecedes($0.key, $1.key)
            }
            let sa = a.sorted(by: byKey)
            let sb = b.sorted(by: byKey)
            return sa.elementsEqual(sb, by: { sameString($0.key, $1.key) && $0.value == $1.value })
        default:
            return false
        }
    }

    /// `d` as an `Int` if it is integral and in range. Avoids `rounded()` and
    /// `Int(exactly:)`, which call libm's `trunc` (not linked by default on Linux).
    static func exactInt(_ d: Double) -> Int? {
        let bound = -Double(Int.min)  // 2^63 (or 2^31), exact
        guard d.isFinite, d >= -bound, d < bound else { return nil }
        let i = Int(d)  // truncates toward zero; in range by the guard
        return Double(i) == d ? i : nil
    }

    /// `true` if the finite `d` has no fractional part (no libm needed).
    static func isIntegral(_ d: Double) -> Bool {
        guard d.isFinite else { return false }
        if d.magnitude >= 4_503_599_627_370_496 { return true }  // 2^52: no fraction bits left
        return Double(Int64(d)) == d
    }

    /// Exact equality of Unicode scalar sequences (not canonical equivalence).
    @inline(__always)
    public static func sameString(_ a: String, _ b: String) -> Bool {
        let ua = a.utf8
        let ub = b.utf8
        guard ua.count == ub.count else { return false }
        // Native and small strings lend their bytes: a loop over two buffers, not over two
        // `UTF8View` iterators.
        let same = ua.withContiguousStorageIfAvailable { pa in ub.withContiguousStorageIfAvailable { pb in pa.elementsEqual(pb) } }
        return (same ?? nil) ?? ua.elementsEqual(ub)
    }
}

// MARK: - Description

extension JSONValue: CustomStringConvertible {
    /// The RFC 8785 canonical JSON text of the value.
    public var description: String {
        String(decoding: CanonicalJSON.encode(self), as: UTF8.self)
    }
}

// MARK: - Literals

extension JSONValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
}

extension JSONValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .number(value) }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// Members keep the literal's order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { (key: $0.0, value: $0.1) })
    }
}
