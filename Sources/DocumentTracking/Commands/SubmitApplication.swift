import DomainKit
public import EventLog
import JSON

/// A resident's application, as the counter or the online form sends it:
/// `{"documentType", "office", "channel", "applicant": {"nik", "name"?, "phone"?, "email"?, "notify"?}, "submittedAt"?}`;
/// `notify` lists the channels (`email`, `sms`) the applicant wants every status change told over.
/// Holds the personal fields in clear only in memory, until the domain seals them in the vault
/// (or, without a vault, hashes the NIK); its `description` masks the NIK and names no one.
public struct SubmitApplication: Sendable, Equatable, CustomStringConvertible {
    public var documentType: DocumentType
    /// An `Office.id`.
    public var office: String
    public var channel: ApplicationChannel
    /// The applicant's NIK: 16 digits.
    public var nik: String
    /// The applicant's name, phone number and e-mail address (optional, for the old body shape).
    public var name, phone, email: String?
    /// The channels chosen for notifications (none when nil or empty).
    public var notify: [NotificationChannel]?
    /// Defaults to the time of the decision.
    public var submittedAt: Timestamp?

    public init(
        documentType: DocumentType, office: String, channel: ApplicationChannel, nik: String, name: String? = nil, phone: String? = nil,
        email: String? = nil, notify: [NotificationChannel]? = nil, submittedAt: Timestamp? = nil
    ) {
        (self.documentType, self.office, self.channel, self.nik, self.name, self.phone, self.email, self.submittedAt) = (
            documentType, office, channel, nik, name, phone, email, submittedAt
        )
        self.notify = notify
    }

    /// The body as sent.
    struct Body: Payload {
        var documentType: DocumentType
        var office: String
        var channel: ApplicationChannel
        var applicant: Applicant
        var submittedAt: Timestamp?

        struct Applicant: Payload {
            var nik: String
            var name, phone, email: String?
            var notify: [NotificationChannel]?
            static func rule(forKey key: String) -> JSONFieldRule? {
                switch CodingKeys(stringValue: key) {
                case .nik: .nik
                case .name: .personName
                case .phone: .phone
                case .email: .email
                default: nil
                }
            }
        }

        /// The rules of the event's fields (`ApplicationSubmitted`).
        static func rule(forKey key: String) -> JSONFieldRule? { ApplicationSubmitted.rule(forKey: key) }
    }

    /// Members the server makes itself, or that would carry the NIK under another name.
    static let refused: KeyValuePairs = [
        "receiptNumber": "the receipt number is made by the server; do not send one",
        "pinHash": "the PIN is made by the server; do not send one",
        "pin": "the PIN is made by the server; do not send one",
        "applicant.nikHash": "send the NIK as applicant.nik; the server hashes it",
    ]

    /// Reads a command's body (errors name its fields: `applicant.nik`, `documentType`).
    init(body: JSONValue) throws(EventLogError) {
        let b = try Body.read(body, root: "", refusing: Self.refused)
        self.init(
            documentType: b.documentType, office: b.office, channel: b.channel, nik: b.applicant.nik, name: b.applicant.name,
            phone: b.applicant.phone, email: b.applicant.email, notify: b.applicant.notify, submittedAt: b.submittedAt)
        try NotificationContact.check(notify: notify ?? [], email: email, phone: phone)
    }

    public var description: String {
        let masked = nik.count == 16 ? String(nik.prefix(4)) + "********" + String(nik.suffix(4)) : "****"
        return "SubmitApplication(\(documentType.rawValue) at \(office) via \(channel.rawValue), nik \(masked))"
    }
}
