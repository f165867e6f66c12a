public import DomainKit
public import EventLog
public import JSON

/// `documents.application-submitted`: a resident applied; the server made the receipt number and
/// the PIN (shown once to the resident; only its keyed hash is here).
public struct ApplicationSubmitted: Payload, Hashable {
    public var receiptNumber: String
    public var documentType: DocumentType
    /// An `Office.id`.
    public var office: String
    public var channel: ApplicationChannel
    public var applicant: Applicant
    /// `hex(HMAC-SHA256(secret, "pin:" + receiptNumber + ":" + PIN))`.
    public var pinHash: String
    public var submittedAt: Timestamp

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch CodingKeys(stringValue: key) {
        case .receiptNumber: .receiptNumber
        case .office: .office
        case .pinHash: .keyedHash(of: "PIN")
        case .submittedAt: .time
        default: nil
        }
    }

    /// Members refused before the payload is read, with what to send instead.
    static let refused: KeyValuePairs = [
        "applicant.nik":
            "a NIK must never be stored in clear; send applicant.nikHash, the hex HMAC-SHA256 of \"nik:\" + NIK under the server's secret"
    ]

}

/// The applicant, as the log knows them: only the keyed hash of their NIK.
public struct Applicant: Payload, Hashable {
    /// `hex(HMAC-SHA256(secret, "nik:" + NIK))`, 64 lower-case hex digits.
    public var nikHash: String

    public init(nikHash: String) { self.nikHash = nikHash }

    public static func rule(forKey key: String) -> JSONFieldRule? {
        key == CodingKeys.nikHash.stringValue ? .keyedHash(of: "NIK") : nil
    }
}
