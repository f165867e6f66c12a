public import DomainKit
public import EventLog
public import JSON

/// `documents.pin-reissued`: an officer gave the applicant a new PIN (the old one was lost). Only
/// its keyed hash is stored, as at submission; from this event on the old PIN opens nothing.
public struct PinReissued: DocumentPayload, Hashable {
    public var receiptNumber: String
    /// `hex(HMAC-SHA256(secret, "pin:" + receiptNumber + ":" + PIN))`, as `ApplicationSubmitted.pinHash`.
    public var pinHash: String
    /// Who issued it (an officer's id, up to 100 bytes); kept out of the public timeline.
    public var officer: String
    public var reissuedAt: Timestamp
}
