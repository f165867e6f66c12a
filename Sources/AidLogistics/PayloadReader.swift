import EventLog
import JSON

/// Reads one JSON object of a payload (an event's `data` or a command's body) field by field,
/// with errors that name the field by its path (`data.items[0].quantity`).
///
/// Contract: every accessor throws `EventLogError(.invalidInput, "<path>: <what is wrong>",
/// field: <path>)`; `finish()` refuses members that no accessor asked for (typos are not silently
/// dropped). Strings are limited in bytes and may not contain control characters.
struct PayloadReader {
    /// Path of this object (`data`, `data.items[0]`, or empty for a command body's root).
    let path: String
    private let members: [(key: String, value: JSONValue)]
    private var asked: Set<String> = []

    init(_ value: JSONValue, path: String) throws(EventLogError) {
        guard case .object(let members) = value else {
            throw PayloadReader.invalid(path.isEmpty ? "body" : path, "must be a JSON object")
        }
        self.path = path
        self.members = members
    }

    static func invalid(_ field: String, _ message: String) -> EventLogError {
        EventLogError(.invalidInput, "\(field): \(message)", field: field)
    }

    static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    func field(_ key: String) -> String { PayloadReader.join(path, key) }

    private mutating func raw(_ key: String) -> JSONValue? {
        asked.insert(key)
        guard let v = members.first(where: { $0.key == key })?.value, !v.isNull else { return nil }
        return v
    }

    /// Whether the member is present and not null.
    func has(_ key: String) -> Bool {
        members.contains { $0.key == key && !$0.value.isNull }
    }

    // MARK: Strings

    /// A required string: non-empty after trimming, at most `maxBytes` UTF-8 bytes, no control characters.
    mutating func string(_ key: String, maxBytes: Int = 200) throws(EventLogError) -> String {
        guard let s = try optionalString(key, maxBytes: maxBytes) else {
            throw PayloadReader.invalid(field(key), "is required (a non-empty string)")
        }
        return s
    }

    mutating func optionalString(_ key: String, maxBytes: Int = 200, allowEmpty: Bool = false) throws(EventLogError) -> String? {
        guard let v = raw(key) else { return nil }
        guard case .string(let s) = v else { throw PayloadReader.invalid(field(key), "must be a string") }
        try PayloadReader.checkText(s, field: field(key), maxBytes: maxBytes, allowEmpty: allowEmpty)
        return s
    }

    static func checkText(_ s: String, field: String, maxBytes: Int, allowEmpty: Bool = false) throws(EventLogError) {
        if !allowEmpty && s.allSatisfy({ $0.isWhitespace }) {
            throw invalid(field, "must not be empty")
        }
        if s.utf8.count > maxBytes {
            throw invalid(field, "is \(s.utf8.count) bytes, longer than the \(maxBytes) allowed")
        }
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw invalid(field, "must not contain control characters")
        }
    }

    /// A required identifier: 1-100 bytes of `[A-Za-z0-9._:-]`, not starting with `-` (so that
    /// `<category>-<id>` is a valid stream name).
    mutating func identifier(_ key: String) throws(EventLogError) -> String {
        guard let s = try optionalIdentifier(key) else {
            throw PayloadReader.invalid(field(key), "is required (an id of [A-Za-z0-9._:-])")
        }
        return s
    }

    mutating func optionalIdentifier(_ key: String) throws(EventLogError) -> String? {
        guard let v = raw(key) else { return nil }
        guard case .string(let s) = v else { throw PayloadReader.invalid(field(key), "must be a string") }
        try AidIDs.check(s, field: field(key))
        return s
    }

    /// A required RFC 3339 time (kept as given) and its instant.
    mutating func time(_ key: String) throws(EventLogError) -> (text: String, instant: Timestamp) {
        guard let t = try optionalTime(key) else {
            throw PayloadReader.invalid(field(key), "is required (an RFC 3339 time such as 2018-08-06T10:00:00+08:00)")
        }
        return t
    }

    mutating func optionalTime(_ key: String) throws(EventLogError) -> (text: String, instant: Timestamp)? {
        guard let v = raw(key) else { return nil }
        guard case .string(let s) = v, s.utf8.count <= 40, s.contains("T") || s.contains("t"),
              let instant = Timestamp(s) else {
            throw PayloadReader.invalid(field(key), "must be an RFC 3339 time such as 2018-08-06T10:00:00+08:00")
        }
        guard instant.millisecondsSince1970 >= 0, instant.millisecondsSince1970 < 253_402_300_799_999 else {
            throw PayloadReader.invalid(field(key), "must lie between 1970 and 9999")
        }
        return (s, instant)
    }

    /// One of `allowed`.
    mutating func choice(_ key: String, _ allowed: [String]) throws(EventLogError) -> String {
        guard let v = raw(key) else {
            throw PayloadReader.invalid(field(key), "is required (one of \(allowed.joined(separator: ", ")))")
        }
        guard case .string(let s) = v, allowed.contains(s) else {
            throw PayloadReader.invalid(field(key), "must be one of \(allowed.joined(separator: ", "))")
        }
        return s
    }

    // MARK: Numbers

    /// A required positive integer (1 ... 2^53-1).
    mutating func positiveInt(_ key: String) throws(EventLogError) -> Int {
        guard let n = try optionalPositiveInt(key) else {
            throw PayloadReader.invalid(field(key), "is required (a positive integer)")
        }
        return n
    }

    mutating func optionalPositiveInt(_ key: String) throws(EventLogError) -> Int? {
        guard let v = raw(key) else { return nil }
        guard let n = PayloadReader.integer(v), n > 0 else {
            throw PayloadReader.invalid(field(key), "must be a positive integer")
        }
        return n
    }

    /// A required integer other than zero, either sign.
    mutating func nonZeroInt(_ key: String) throws(EventLogError) -> Int {
        guard let v = raw(key) else {
            throw PayloadReader.invalid(field(key), "is required (an integer other than 0; negative takes stock out)")
        }
        guard let n = PayloadReader.integer(v), n != 0 else {
            throw PayloadReader.invalid(field(key), "must be an integer other than 0 (negative takes stock out)")
        }
        return n
    }

    static func integer(_ v: JSONValue) -> Int? {
        guard case .number(let d) = v, let n = v.intValue, Double(n) == d,
              n.magnitude <= 9_007_199_254_740_991 else { return nil }
        return n
    }

    // MARK: Nested

    /// A required object.
    mutating func object(_ key: String) throws(EventLogError) -> PayloadReader {
        guard let v = raw(key) else { throw PayloadReader.invalid(field(key), "is required (an object)") }
        return try PayloadReader(v, path: field(key))
    }

    /// A required array, each element read as an object. `allowEmpty` false refuses `[]`.
    mutating func objects(_ key: String, allowEmpty: Bool = false, max: Int = 1000) throws(EventLogError) -> [PayloadReader]? {
        guard let v = raw(key) else { return nil }
        guard case .array(let elements) = v else { throw PayloadReader.invalid(field(key), "must be an array") }
        if !allowEmpty && elements.isEmpty { throw PayloadReader.invalid(field(key), "must not be empty") }
        if elements.count > max {
            throw PayloadReader.invalid(field(key), "has \(elements.count) entries, more than the \(max) allowed")
        }
        var out: [PayloadReader] = []
        out.reserveCapacity(elements.count)
        for (i, e) in elements.enumerated() {
            out.append(try PayloadReader(e, path: "\(field(key))[\(i)]"))
        }
        return out
    }

    /// Refuses members no accessor asked for.
    func finish(allowing extra: Set<String> = []) throws(EventLogError) {
        for m in members where !asked.contains(m.key) && !extra.contains(m.key) {
            throw PayloadReader.invalid(field(m.key), "is not a field of this payload")
        }
    }
}
