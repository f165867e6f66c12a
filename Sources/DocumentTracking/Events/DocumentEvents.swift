import EventLog
import Foundation
import JSON

/// The event types of document tracking (DESIGN section 7) and their stream.
public enum DocumentEvents {
    /// Every type of this domain starts with it.
    public static let domainPrefix = "documents."
    public static let applicationSubmitted = "documents.application-submitted"
    public static let statusChanged = "documents.status-changed"
    public static let all: Set<String> = [applicationSubmitted, statusChanged]

    /// Category of the application streams.
    public static let streamCategory = "application"

    /// The stream of an application: `application-<receiptNumber>`.
    public static func stream(receiptNumber: String) -> String { "application-" + receiptNumber }
}

/// The applicant, as the log knows them: only the keyed hash of their NIK.
public struct Applicant: Codable, Sendable, Hashable {
    /// `hex(HMAC-SHA256(secret, "nik:" + NIK))`, 64 lower-case hex digits.
    public var nikHash: String

    public init(nikHash: String) { self.nikHash = nikHash }
}

/// `documents.application-submitted`: a resident applied; the server made the receipt number and
/// the PIN (shown once to the resident; only its keyed hash is here).
public struct ApplicationSubmitted: Codable, Sendable, Hashable {
    public var receiptNumber: String
    public var documentType: DocumentType
    /// An `Office.id`.
    public var office: String
    public var channel: ApplicationChannel
    public var applicant: Applicant
    /// `hex(HMAC-SHA256(secret, "pin:" + receiptNumber + ":" + PIN))`.
    public var pinHash: String
    public var submittedAt: Timestamp

    public init(
        receiptNumber: String, documentType: DocumentType, office: String, channel: ApplicationChannel,
        applicant: Applicant, pinHash: String, submittedAt: Timestamp
    ) {
        self.receiptNumber = receiptNumber
        self.documentType = documentType
        self.office = office
        self.channel = channel
        self.applicant = applicant
        self.pinHash = pinHash
        self.submittedAt = submittedAt
    }

    static let fields: Set<String> = [
        "receiptNumber", "documentType", "office", "channel", "applicant", "pinHash", "submittedAt",
    ]

    /// Reads and checks the payload's schema (not the rules that need state). Errors name the
    /// field under `path` (`data` for an event).
    init(json: JSONValue, path: String = "data") throws(EventLogError) {
        let f = try PayloadFields(json, path: path)
        try f.refuseUnknown(Self.fields)
        let receipt = try f.string("receiptNumber")
        guard ReceiptNumber.isValid(receipt) else {
            throw f.invalid(
                "receiptNumber",
                "\"\(receipt.prefix(40))\" is not a receipt number (MTR- and 10 characters of Crockford base32, made by the server)")
        }
        let office = try f.string("office")
        guard Office.named(office) != nil else {
            throw f.invalid("office", "\"\(office.prefix(60))\" is not an office; known: \(Office.allowedList)")
        }
        let applicant = try f.object("applicant")
        try applicant.refuseUnknown(
            ["nikHash"],
            hints: ["nik": "a NIK must never be stored in clear; send applicant.nikHash, the hex HMAC-SHA256 of \"nik:\" + NIK under the server's secret"])
        let nikHash = try applicant.string("nikHash")
        guard DocumentSecrets.isHash(nikHash) else {
            throw applicant.invalid("nikHash", "must be 64 lower-case hex digits (an HMAC-SHA256), never the NIK itself")
        }
        let pinHash = try f.string("pinHash")
        guard DocumentSecrets.isHash(pinHash) else {
            throw f.invalid("pinHash", "must be 64 lower-case hex digits (an HMAC-SHA256), never the PIN itself")
        }
        self.init(
            receiptNumber: receipt,
            documentType: try f.enumeration("documentType", DocumentType.self, allowed: DocumentType.allowedList),
            office: office,
            channel: try f.enumeration("channel", ApplicationChannel.self, allowed: ApplicationChannel.allowedList),
            applicant: Applicant(nikHash: nikHash), pinHash: pinHash, submittedAt: try f.timestamp("submittedAt"))
    }

    /// The payload as the log stores it.
    public var json: JSONValue {
        [
            "receiptNumber": .string(receiptNumber), "documentType": .string(documentType.rawValue),
            "office": .string(office), "channel": .string(channel.rawValue),
            "applicant": ["nikHash": .string(applicant.nikHash)], "pinHash": .string(pinHash),
            "submittedAt": .string(submittedAt.description),
        ]
    }

    enum CodingKeys: String, CodingKey {
        case receiptNumber, documentType, office, channel, applicant, pinHash, submittedAt
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        receiptNumber = try c.decode(String.self, forKey: .receiptNumber)
        documentType = try c.decode(DocumentType.self, forKey: .documentType)
        office = try c.decode(String.self, forKey: .office)
        channel = try c.decode(ApplicationChannel.self, forKey: .channel)
        applicant = try c.decode(Applicant.self, forKey: .applicant)
        pinHash = try c.decode(String.self, forKey: .pinHash)
        submittedAt = try c.decodeTimestamp(forKey: .submittedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(receiptNumber, forKey: .receiptNumber)
        try c.encode(documentType, forKey: .documentType)
        try c.encode(office, forKey: .office)
        try c.encode(channel, forKey: .channel)
        try c.encode(applicant, forKey: .applicant)
        try c.encode(pinHash, forKey: .pinHash)
        try c.encode(submittedAt.description, forKey: .submittedAt)
    }
}

/// `documents.status-changed`: an officer moved an application along its lifecycle. `from` is the
/// status it had; `reason` is required when `to` is `revision-requested` or `rejected`.
public struct StatusChanged: Codable, Sendable, Hashable {
    public var receiptNumber: String
    public var from: ApplicationStatus
    public var to: ApplicationStatus
    public var reason: String?
    /// Who made the change (an officer's id); kept out of the public timeline.
    public var officer: String
    public var changedAt: Timestamp

    public init(
        receiptNumber: String, from: ApplicationStatus, to: ApplicationStatus, reason: String?, officer: String,
        changedAt: Timestamp
    ) {
        self.receiptNumber = receiptNumber
        self.from = from
        self.to = to
        self.reason = reason
        self.officer = officer
        self.changedAt = changedAt
    }

    static let fields: Set<String> = ["receiptNumber", "from", "to", "reason", "officer", "changedAt"]
    /// Longest reason, in characters.
    public static let maxReasonLength = 500

    /// Reads and checks the payload's schema (not the lifecycle, which needs state).
    init(json: JSONValue, path: String = "data") throws(EventLogError) {
        let f = try PayloadFields(json, path: path)
        try f.refuseUnknown(Self.fields)
        let receipt = try f.string("receiptNumber")
        guard ReceiptNumber.isValid(receipt) else {
            throw f.invalid("receiptNumber", "\"\(receipt.prefix(40))\" is not a receipt number (MTR- and 10 characters of Crockford base32)")
        }
        self.init(
            receiptNumber: receipt,
            from: try f.enumeration("from", ApplicationStatus.self, allowed: ApplicationStatus.allowedList),
            to: try f.enumeration("to", ApplicationStatus.self, allowed: ApplicationStatus.allowedList),
            reason: try f.optionalString("reason", maxLength: Self.maxReasonLength),
            officer: try f.string("officer", maxLength: 100),
            changedAt: try f.timestamp("changedAt"))
    }

    /// The payload as the log stores it (`reason` left out when there is none).
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("receiptNumber", .string(receiptNumber)), ("from", .string(from.rawValue)), ("to", .string(to.rawValue)),
        ]
        if let reason { members.append(("reason", .string(reason))) }
        members.append(("officer", .string(officer)))
        members.append(("changedAt", .string(changedAt.description)))
        return .object(members)
    }

    enum CodingKeys: String, CodingKey {
        case receiptNumber, from, to, reason, officer, changedAt
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        receiptNumber = try c.decode(String.self, forKey: .receiptNumber)
        from = try c.decode(ApplicationStatus.self, forKey: .from)
        to = try c.decode(ApplicationStatus.self, forKey: .to)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        officer = try c.decode(String.self, forKey: .officer)
        changedAt = try c.decodeTimestamp(forKey: .changedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(receiptNumber, forKey: .receiptNumber)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encode(officer, forKey: .officer)
        try c.encode(changedAt.description, forKey: .changedAt)
    }
}

extension KeyedDecodingContainer {
    func decodeTimestamp(forKey key: Key) throws -> Timestamp {
        let text = try decode(String.self, forKey: key)
        guard let t = Timestamp(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not an RFC 3339 time: \(text)")
        }
        return t
    }
}
