/// Lumbung's policy on numbers in event payloads — stricter than RFC 8785.
///
/// A number is allowed iff it is
/// - an integer with |v| ≤ 2^53 − 1 (9007199254740991), or
/// - a non-integer whose JCS/ECMAScript form (``CanonicalJSON/formatNumber(_:)``)
///   has no exponent and at most ``maxFractionDigits`` fraction digits.
///
/// So `11750.25` and `0.0001` pass; `1.23456`, `1e-7` (JCS `1e-7`), `1e300` and
/// `9007199254740993` (which parses to 2^53) are refused. The rule is judged on
/// the parsed `Double`, i.e. on what the canonical form will contain:
/// `1.50000` passes (it canonicalizes to `1.5`), `2.0` is the integer 2.
///
/// Refusals throw ``JSONError`` with code `.numberNotAllowed`, `offset == nil`,
/// `path` set to the JSON path of the number (`$`, `$.a.b[2]`, `$["not an identifier"]`),
/// and a message like
/// `number 1.23456 at $.items[0].price is not allowed: decimals may have at most 4 fraction digits`.
/// Only the first offending number (in document order) is reported.
public enum PayloadPolicy {
    /// Largest allowed integer magnitude, 2^53 − 1.
    public static let maxSafeInteger: Double = 9_007_199_254_740_991

    /// Maximum number of fraction digits of an allowed non-integer.
    public static let maxFractionDigits = 4

    /// Parses `bytes` strictly (``JSONParser``), applies ``check(_:)``, and
    /// returns the value with its RFC 8785 canonical bytes. This is the single
    /// entry point the event log uses for incoming payloads.
    public static func parsePayload(_ bytes: [UInt8]) throws(JSONError) -> (value: JSONValue, canonical: [UInt8]) {
        let value = try JSONParser.parse(bytes)
        try check(value)
        return (value: value, canonical: CanonicalJSON.encode(value))
    }

    /// Throws `.numberNotAllowed` for the first number in `value` (document
    /// order) that the policy refuses; returns normally otherwise.
    public static func check(_ value: JSONValue) throws(JSONError) {
        guard let violation = firstViolation(in: value) else { return }
        var path = "$"
        for component in violation.reversedPath.reversed() {
            switch component {
            case .index(let k):
                path += "[\(k)]"
            case .key(let key):
                if isIdentifier(key) {
                    path += "." + key
                } else {
                    var quoted: [UInt8] = []
                    CanonicalJSON.appendString(key, to: &quoted)
                    path += "[" + String(decoding: quoted, as: UTF8.self) + "]"
                }
            }
        }
        let number = CanonicalJSON.formatNumber(violation.number)
        throw JSONError(
            .numberNotAllowed, path: path,
            "number \(number) at \(path) is not allowed: \(violation.reason)"
        )
    }

    /// Why `d` is refused, or `nil` if the policy allows it.
    public static func refusalReason(for d: Double) -> String? {
        guard d.isFinite else { return "only finite numbers are allowed" }
        if JSONValue.isIntegral(d) {
            return d.magnitude <= maxSafeInteger ? nil : "integers must be within ±9007199254740991 (2^53-1)"
        }
        // Non-integers are below 2^52 in magnitude, so the JCS form is either
        // plain (d.ddd) or, for tiny values, exponential.
        let text = CanonicalJSON.formatNumber(d).utf8
        if text.contains(UInt8(ascii: "e")) {
            return "decimals must not need an exponent"
        }
        if let point = text.firstIndex(of: UInt8(ascii: ".")),
            text.distance(from: text.index(after: point), to: text.endIndex) > maxFractionDigits
        {
            return "decimals may have at most \(maxFractionDigits) fraction digits"
        }
        return nil
    }

    // MARK: Walk

    private enum PathComponent {
        case key(String)
        case index(Int)
    }

    private struct Violation {
        var number: Double
        var reason: String
        /// Innermost component first; appended while unwinding.
        var reversedPath: [PathComponent] = []
    }

    private static func firstViolation(in value: JSONValue) -> Violation? {
        switch value {
        case .null, .bool, .string:
            return nil
        case .number(let d):
            guard let reason = refusalReason(for: d) else { return nil }
            return Violation(number: d, reason: reason)
        case .array(let elements):
            for (k, element) in elements.enumerated() {
                if var violation = firstViolation(in: element) {
                    violation.reversedPath.append(.index(k))
                    return violation
                }
            }
            return nil
        case .object(let members):
            for member in members {
                if var violation = firstViolation(in: member.value) {
                    violation.reversedPath.append(.key(member.key))
                    return violation
                }
            }
            return nil
        }
    }

    /// `[A-Za-z_$][A-Za-z0-9_$]*` — names printed as `.name` in paths.
    private static func isIdentifier(_ key: String) -> Bool {
        var first = true
        for b in key.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "_"), UInt8(ascii: "$"):
                break
            case UInt8(ascii: "0")...UInt8(ascii: "9") where !first:
                break
            default:
                return false
            }
            first = false
        }
        return !first
    }
}
