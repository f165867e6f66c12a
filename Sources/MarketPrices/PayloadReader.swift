import EventLog
import JSON

/// Reads the fields of a JSON object strictly, with errors that name the field by its path
/// (`data.price`, or `price` for a command body): the one place payload schemas are checked.
struct PayloadReader {
    let members: [(key: String, value: JSONValue)]
    /// `data` for events, empty for command bodies.
    let prefix: String

    /// Longest free text (names, reporter, source, units).
    static let maxText = 200
    /// Longest reason of a correction.
    static let maxReason = 2000
    /// Longest identifier (market, commodity).
    static let maxID = 100

    /// - Parameter allowed: the field names the schema knows; any other field is refused.
    init(_ value: JSONValue, prefix: String, allowed: Set<String>, schema: String) throws(EventLogError) {
        guard case .object(let members) = value else {
            throw EventLogError(.invalidInput, "\(prefix.isEmpty ? "body" : prefix): must be a JSON object", field: prefix.isEmpty ? nil : prefix)
        }
        self.members = members
        self.prefix = prefix
        for m in members where !allowed.contains(m.key) {
            let p = Self.path(prefix, m.key)
            throw EventLogError(
                .invalidInput, "\(p): is not a field of \(schema) (its fields: \(allowed.sorted().joined(separator: ", ")))", field: p)
        }
    }

    static func path(_ prefix: String, _ name: String) -> String { prefix.isEmpty ? name : "\(prefix).\(name)" }

    func path(_ name: String) -> String { Self.path(prefix, name) }

    func invalid(_ name: String, _ message: String) -> EventLogError {
        EventLogError(.invalidInput, "\(path(name)): \(message)", field: path(name))
    }

    /// The value of `name`; `null` counts as absent.
    func value(_ name: String) -> JSONValue? {
        let n = name.utf8.count
        for m in members where m.key.utf8.count == n && m.key.utf8.elementsEqual(name.utf8) {
            return m.value.isNull ? nil : m.value
        }
        return nil
    }

    /// A non-empty string (surrounding white space is not allowed to be all there is).
    func text(_ name: String, max: Int = PayloadReader.maxText) throws(EventLogError) -> String {
        guard let v = try optionalText(name, max: max) else { throw invalid(name, "is required (a non-empty string)") }
        return v
    }

    func optionalText(_ name: String, max: Int = PayloadReader.maxText) throws(EventLogError) -> String? {
        guard let v = value(name) else { return nil }
        guard case .string(let s) = v else { throw invalid(name, "must be a string") }
        let firstIsSpace = s.unicodeScalars.first.map(\.properties.isWhitespace) ?? true
        guard !firstIsSpace || !s.unicodeScalars.allSatisfy(\.properties.isWhitespace) else { throw invalid(name, "must not be empty") }
        guard s.utf8.count <= max || s.count <= max else {
            throw invalid(name, "is \(s.count) characters long, more than the \(max) allowed")
        }
        return s
    }

    /// An identifier usable in a stream name: 1-100 bytes of `[A-Za-z0-9._:-]`, not starting with `-`.
    func identifier(_ name: String) throws(EventLogError) -> String {
        guard let v = try optionalIdentifier(name) else { throw invalid(name, "is required") }
        return v
    }

    func optionalIdentifier(_ name: String) throws(EventLogError) -> String? {
        guard let v = value(name) else { return nil }
        guard case .string(let s) = v else { throw invalid(name, "must be a string") }
        if let problem = Self.identifierProblem(s) { throw invalid(name, problem) }
        return s
    }

    /// Why `s` is not an identifier, or nil.
    static func identifierProblem(_ s: String) -> String? {
        var copy = s
        let count = copy.utf8.count
        if count == 0 { return "must not be empty" }
        if count > maxID { return "is \(count) bytes long, more than the \(maxID) allowed" }
        let ok = copy.withUTF8 { b -> Bool in
            for i in 0..<b.count {
                switch b[i] {
                case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2E, 0x5F, 0x3A, 0x2D: continue
                default: return false
                }
            }
            return true
        }
        guard ok else { return "\"\(s.prefix(60))\" may hold only letters, digits and . _ : -" }
        if s.utf8.first == UInt8(ascii: "-") { return "\"\(s)\" must not start with '-'" }
        return nil
    }

    /// A JSON number within the payload policy (integer, or at most 4 fraction digits).
    func optionalNumber(_ name: String) throws(EventLogError) -> Double? {
        guard let v = value(name) else { return nil }
        guard case .number(let d) = v else { throw invalid(name, "must be a number") }
        if let reason = PayloadPolicy.refusalReason(for: d) {
            throw invalid(name, "\(CanonicalJSON.formatNumber(d)) is not allowed: \(reason)")
        }
        return d
    }

    /// A price: a number with at most 4 fraction digits, at most `Price.maximum` in magnitude.
    /// Its sign is a rule (checked by the decider), not the schema.
    func price(_ name: String) throws(EventLogError) -> Price {
        if case .number(let d)? = value(name), let p = Price(exactly: d) { return p }
        guard let d = try optionalNumber(name) else { throw invalid(name, "is required (a number)") }
        guard let p = Price(exactly: d) else {
            throw invalid(name, "\(CanonicalJSON.formatNumber(d)) is out of range (at most \(Price.maximum))")
        }
        return p
    }

    func date(_ name: String) throws(EventLogError) -> CivilDate {
        guard let d = try optionalDate(name) else { throw invalid(name, "is required (a YYYY-MM-DD date)") }
        return d
    }

    func optionalDate(_ name: String) throws(EventLogError) -> CivilDate? {
        guard let v = value(name) else { return nil }
        guard case .string(let s) = v, let d = CivilDate(s) else {
            throw invalid(name, "must be a date written YYYY-MM-DD, e.g. 2018-08-06")
        }
        return d
    }

    func optionalEnum<E: RawRepresentable & CaseIterable>(_ name: String, _ type: E.Type) throws(EventLogError) -> E?
    where E.RawValue == String {
        guard let v = value(name) else { return nil }
        guard case .string(let s) = v, let e = E(rawValue: s) else {
            let allowed = E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw invalid(name, "must be one of \(allowed)")
        }
        return e
    }

    func enumValue<E: RawRepresentable & CaseIterable>(_ name: String, _ type: E.Type) throws(EventLogError) -> E
    where E.RawValue == String {
        guard let e = try optionalEnum(name, type) else {
            let allowed = E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw invalid(name, "is required: one of \(allowed)")
        }
        return e
    }

    /// An ISO 4217 code: 3 upper-case letters.
    func optionalCurrency(_ name: String) throws(EventLogError) -> String? {
        guard let v = value(name) else { return nil }
        guard case .string(let s) = v, Self.isCurrency(s) else {
            throw invalid(name, "must be an ISO 4217 currency code: 3 upper-case letters, e.g. \"IDR\"")
        }
        return s
    }

    static func isCurrency(_ s: String) -> Bool {
        s.utf8.count == 3 && s.utf8.allSatisfy { $0 >= 0x41 && $0 <= 0x5A }
    }

    /// An ISO 3166-1 alpha-3 country code: 3 upper-case letters.
    func optionalCountry(_ name: String) throws(EventLogError) -> String? {
        guard let v = value(name) else { return nil }
        guard case .string(let s) = v, Self.isCurrency(s) else {
            throw invalid(name, "must be an ISO 3166-1 alpha-3 country code: 3 upper-case letters, e.g. \"IDN\"")
        }
        return s
    }

    /// An event id (a UUID), returned in lower case.
    func eventID(_ name: String) throws(EventLogError) -> EventID {
        guard let v = value(name) else { throw invalid(name, "is required (an event id, a UUID)") }
        guard case .string(let s) = v, let id = EventID(s) else {
            throw invalid(name, "must be an event id: a UUID like 6f1c8a9e-2d5b-4c61-9a0e-3b7f5d2c1e44")
        }
        return id
    }

    func optionalEventID(_ name: String) throws(EventLogError) -> EventID? {
        guard value(name) != nil else { return nil }
        return try eventID(name)
    }
}
