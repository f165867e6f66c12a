import EventLog
import JSON

/// Strict reading of a JSON object (an event's `data` or a command's body) with errors that name
/// the field by its path (`data.applicant.nikHash`, or `applicant.nik` for a body).
struct PayloadFields {
    let members: [(key: String, value: JSONValue)]
    /// Path of this object: "data", "data.applicant", or "" for a command body.
    let path: String

    init(_ value: JSONValue?, path: String) throws(EventLogError) {
        guard let value, case .object(let members) = value else {
            throw Self.invalid(path.isEmpty ? "body" : path, "must be a JSON object")
        }
        self.members = members
        self.path = path
    }

    func field(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    static func invalid(_ field: String, _ message: String) -> EventLogError {
        EventLogError(.invalidInput, "\(field): \(message)", field: field)
    }

    func invalid(_ key: String, _ message: String) -> EventLogError { Self.invalid(field(key), message) }

    func value(_ key: String) -> JSONValue? { members.first { $0.key == key }?.value }

    func has(_ key: String) -> Bool { value(key) != nil }

    /// Refuses members outside `allowed` (so no personal data can slip into the log under another
    /// name). `hints` give a specific message for a known wrong field.
    func refuseUnknown(_ allowed: Set<String>, hints: [String: String] = [:]) throws(EventLogError) {
        for m in members where !allowed.contains(m.key) {
            throw invalid(m.key, hints[m.key] ?? "unknown field; allowed: \(allowed.sorted().joined(separator: ", "))")
        }
    }

    /// A non-empty string of at most `maxLength` characters.
    func string(_ key: String, maxLength: Int = 200) throws(EventLogError) -> String {
        guard let v = value(key), !v.isNull else { throw invalid(key, "is required") }
        guard case .string(let s) = v else { throw invalid(key, "must be a string") }
        guard !s.allSatisfy(\.isWhitespace) else { throw invalid(key, "must not be empty") }
        guard s.count <= maxLength else { throw invalid(key, "is \(s.count) characters, more than the \(maxLength) allowed") }
        return s
    }

    /// As `string`, nil when absent or null.
    func optionalString(_ key: String, maxLength: Int = 200) throws(EventLogError) -> String? {
        guard let v = value(key), !v.isNull else { return nil }
        return try string(key, maxLength: maxLength)
    }

    /// A string that must be one of `T`'s raw values.
    func enumeration<T: RawRepresentable<String>>(_ key: String, _ type: T.Type, allowed: String) throws(EventLogError) -> T {
        let s = try string(key)
        guard let v = T(rawValue: s) else { throw invalid(key, "\"\(s.prefix(60))\" is not one of \(allowed)") }
        return v
    }

    /// An RFC 3339 time (`2018-08-06T10:15:00+08:00`, `2018-08-06T02:15:00.000Z`).
    func timestamp(_ key: String) throws(EventLogError) -> Timestamp {
        let s = try string(key)
        guard let t = Timestamp(s) else {
            throw invalid(key, "\"\(s.prefix(60))\" is not an RFC 3339 time such as 2018-08-06T10:15:00+08:00")
        }
        return t
    }

    /// As `timestamp`, nil when absent or null.
    func optionalTimestamp(_ key: String) throws(EventLogError) -> Timestamp? {
        guard let v = value(key), !v.isNull else { return nil }
        return try timestamp(key)
    }

    /// A nested object.
    func object(_ key: String) throws(EventLogError) -> PayloadFields {
        guard let v = value(key), !v.isNull else { throw invalid(key, "is required") }
        return try PayloadFields(v, path: field(key))
    }
}
