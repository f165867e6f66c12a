public import DomainKit
public import EventLog
public import JSON

/// An officer giving an applicant a new PIN: `{"receiptNumber", "officer", "reissuedAt"?}`. The
/// server makes the PIN (shown once in the answer) and stores only its keyed hash.
public struct ReissuePin: Payload, Equatable {
    /// Canonical form once read (what was typed is normalized as a receipt lookup does).
    public var receiptNumber: String
    /// Up to 100 bytes.
    public var officer: String
    /// Defaults to the time of the decision.
    public var reissuedAt: Timestamp?

    /// The rules of the event's fields (`PinReissued`), the receipt number as typed.
    public static func rule(forKey key: String) -> JSONFieldRule? {
        key == CodingKeys.receiptNumber.stringValue ? .typedReceiptNumber : PinReissued.rule(forKey: key)
    }

    static let refused: KeyValuePairs = [
        "pin": "the PIN is made by the server; do not send one",
        "pinHash": "the PIN is made by the server; do not send one",
    ]

    /// Reads a command's body (errors name its fields), the receipt number in its canonical form.
    init(body: JSONValue) throws(EventLogError) {
        self = try Self.read(body, root: "", refusing: Self.refused)
        receiptNumber = ReceiptNumber.normalize(receiptNumber) ?? receiptNumber
    }
}
