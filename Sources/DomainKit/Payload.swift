public import EventLog
public import JSON

/// An event's payload or a command's body: a `Codable` type written once, read strictly by
/// `JSONValueDecoder` and written by `JSONValueEncoder`. This is the one payload reader of every
/// domain (a rebuild's folds read their most common payloads plainly, `PlainObject` and
/// `PlainRecord`, which take only what this reads alike and leave the rest to it); it applies the
/// strictest rules any domain had:
/// - members the type does not read are refused, keys compared byte for byte;
/// - strings: at most 200 UTF-8 bytes unless the field's rule says otherwise, not empty, no
///   control characters;
/// - integers within ±(2^53-1), decimals as the log's number policy allows;
/// - each field's own rule (`JSONFieldRules.rule(forKey:)`, built from `FieldRule`'s presets).
/// A refusal is `EventLogError(.invalidInput, "<path>: <what is wrong>", field: <path>)`, the path
/// being `data.items[0].quantity` for an event and `items[0].quantity` for a command's body.
public protocol Payload: Codable, Sendable, JSONFieldRules {}

extension Payload {
    /// No rules beyond the defaults.
    public static func rule(forKey key: String) -> JSONFieldRule? { nil }

    /// Reads the payload from `value`; `root` prefixes the paths of errors (`data` for an event).
    public static func read(_ value: JSONValue, root: String = "data") throws(EventLogError) -> Self {
        do {
            return try JSONValueDecoder(root: root).decode(Self.self, from: value)
        } catch {
            throw EventLogError(.invalidInput, error.description, field: error.path.isEmpty ? root : error.path)
        }
    }

    /// The payload as the log stores it.
    public var json: JSONValue { JSONValueEncoder().encode(self) }
}

/// The field rules the domains share (see `JSONFieldRule`).
extension JSONFieldRule {
    /// Text of 1 to `maxBytes` UTF-8 bytes (or empty when `allowEmpty`).
    public static func text(maxBytes: Int, allowEmpty: Bool = false) -> JSONFieldRule {
        JSONFieldRule(expected: "a non-empty string", maxBytes: maxBytes, allowEmpty: allowEmpty)
    }

    /// An identifier: 1-100 bytes of `[A-Za-z0-9._:-]`, not starting with `-`, so that
    /// `<category>-<id>` is a valid stream name.
    public static let identifier = JSONFieldRule(
        expected: "an id of [A-Za-z0-9._:-]", maxBytes: 100,
        checkString: { s in Identifier.problem(s) })

    /// An RFC 3339 time between 1970 and 9999, kept as written.
    public static let time = JSONFieldRule(
        expected: "an RFC 3339 time such as 2018-08-06T10:00:00+08:00", maxBytes: 40,
        checkString: { s in
            // By byte, without breaking the text into graphemes (a `T` followed by a combining mark
            // is found here and not by a `Character` search; `Timestamp` refuses it either way).
            guard s.utf8.contains(UInt8(ascii: "T")) || s.utf8.contains(UInt8(ascii: "t")), let instant = Timestamp(s) else {
                return "must be an RFC 3339 time such as 2018-08-06T10:00:00+08:00"
            }
            guard instant.millisecondsSince1970 >= 0, instant.millisecondsSince1970 < 253_402_300_799_999 else {
                return "must lie between 1970 and 9999"
            }
            return nil
        })

    /// A calendar day written `YYYY-MM-DD` (a real date, `CivilDate`).
    public static let date = JSONFieldRule(
        expected: "a YYYY-MM-DD date",
        checkString: { CivilDate($0) == nil ? "must be a date written YYYY-MM-DD, e.g. 2018-08-06" : nil })

    /// An integer of at least 1.
    public static let positiveInteger = JSONFieldRule(
        expected: "a positive integer", checkNumber: { $0 >= 1 ? nil : "must be a positive integer" })

    /// An integer of at least 0.
    public static let nonNegativeInteger = JSONFieldRule(
        expected: "an integer of at least 0", checkNumber: { $0 >= 0 ? nil : "must be an integer of at least 0" })

    /// An integer other than 0, either sign.
    public static func nonZeroInteger(_ meaning: String = "") -> JSONFieldRule {
        let note = meaning.isEmpty ? "" : "; \(meaning)"
        return JSONFieldRule(
            expected: "an integer other than 0\(note)", checkNumber: { $0 != 0 ? nil : "must be an integer other than 0\(note)" })
    }

    /// A number greater than 0.
    public static let positiveNumber = JSONFieldRule(
        expected: "a number greater than 0", checkNumber: { $0 > 0 ? nil : "must be greater than 0" })

    /// An array of 1 to `max` entries (or none when `allowEmpty`), each read by its own type's rules.
    public static func list(max: Int, allowEmpty: Bool = false, of expected: String? = nil) -> JSONFieldRule {
        JSONFieldRule(expected: expected, maxCount: max, allowEmptyArray: allowEmpty)
    }

    /// Strings of one of `allowed` values.
    public static func oneOf(_ allowed: [String]) -> JSONFieldRule {
        let list = allowed.joined(separator: ", ")
        return JSONFieldRule(
            expected: "one of \(list)", maxBytes: allowed.map(\.utf8.count).max() ?? 0,
            checkString: { allowed.contains($0) ? nil : "must be one of \(list)" })
    }
}

/// The syntax of identifiers in payloads (`donationId`, `marketId`, ...).
public enum Identifier {
    /// Why `s` is not an identifier, or nil.
    public static func problem(_ s: String) -> String? {
        let bytes = s.utf8
        guard !bytes.isEmpty else { return "must not be empty" }
        guard bytes.count <= 100 else { return "is \(bytes.count) bytes, longer than the 100 allowed" }
        guard bytes.first != UInt8(ascii: "-") else { return "must not start with '-'" }
        for b in bytes {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"):
                continue
            default:
                return "\"\(s.prefix(60))\" has a character outside [A-Za-z0-9._:-]"
            }
        }
        return nil
    }
}

extension JSONFieldRule {
    /// A person acting for an institution (an officer, a driver) named by key or role, never by
    /// name (UU PDP minimisation): 1-100 bytes of lower-case letters, digits and `. _ : / -`, not
    /// starting with `-`, such as `petugas-01`, `dukcapil-mataram/petugas-02`, `key:3f9c…`.
    /// `example` shows one in the refusal.
    public static func reference(to role: String, example: String) -> JSONFieldRule {
        JSONFieldRule(
            expected: "the \(role)'s key or role id, e.g. \(example)", maxBytes: 100,
            checkString: { s in
                let allowed = s.utf8.allSatisfy { c in
                    (0x61...0x7A).contains(c) || (0x30...0x39).contains(c) || c == 0x2E || c == 0x5F || c == 0x3A || c == 0x2F || c == 0x2D
                }
                return allowed && !s.hasPrefix("-")
                    ? nil
                    : "must name the \(role) by key or role (lower-case letters, digits and . _ : / -, e.g. \(example)), not by a person's name"
            })
    }

    /// Free text (a reason, notes) of 1 to `maxBytes` UTF-8 bytes (or empty when `allowEmpty`) that
    /// holds no identifying number (`PersonalDataInText.problem`): a NIK or KK number, or an
    /// Indonesian mobile number. The message never repeats what it found.
    public static func freeText(maxBytes: Int, allowEmpty: Bool = false) -> JSONFieldRule {
        JSONFieldRule(
            expected: "a non-empty string", maxBytes: maxBytes, allowEmpty: allowEmpty,
            checkString: { PersonalDataInText.problem($0) })
    }
}

/// Finds identifying numbers in free text, which must not carry personal data.
///
/// A number is a run of digits with at most one space, `.` or `-` between two digits, after an
/// optional `+`. It is refused when it has 16 digits (a NIK or a KK number), or when it is an
/// Indonesian mobile number: `08` and 9 to 13 digits, or `628` (`+628`) and 10 to 14 digits.
public enum PersonalDataInText {
    /// Why `text` may not be stored, or nil.
    public static func problem(_ text: String) -> String? {
        let b = Array(text.utf8)
        var i = 0
        while i < b.count {
            guard isDigit(b[i]) else {
                i += 1
                continue
            }
            var digits: [UInt8] = []
            var j = i
            while j < b.count {
                if isDigit(b[j]) {
                    digits.append(b[j])
                    j += 1
                } else if j + 1 < b.count, isSeparator(b[j]), isDigit(b[j + 1]) {
                    j += 1
                } else {
                    break
                }
            }
            let n = digits.count
            if n == 16 {
                return "must not hold a NIK or KK number (16 digits): personal data does not belong in free text"
            }
            let mobile =
                (digits.starts(with: Array("08".utf8)) && (9...13).contains(n))
                || (digits.starts(with: Array("628".utf8)) && (10...14).contains(n))
            if mobile {
                return "must not hold a phone number: personal data does not belong in free text"
            }
            i = j
        }
        return nil
    }

    static func isDigit(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) }
    static func isSeparator(_ c: UInt8) -> Bool { c == 0x20 || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") }
}
