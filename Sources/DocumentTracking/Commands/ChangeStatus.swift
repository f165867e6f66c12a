public import DomainKit
public import EventLog
public import JSON

/// An officer moving an application along its lifecycle:
/// `{"receiptNumber", "to", "reasonCode"?, "reason"?, "officer", "changedAt"?, "from"?}`. `from` is taken from the
/// current state (when given, it must equal it).
public struct ChangeStatus: Payload, Equatable {
    /// Canonical form once read (what a resident typed is normalized: case, `O`/`I`/`L`
    /// look-alikes).
    public var receiptNumber: String
    /// When given, must be the current status; nil takes it from the state.
    public var from: ApplicationStatus?
    public var to: ApplicationStatus
    /// Required when `to` is `revision-requested` or `rejected`; must explain `to`.
    public var reasonCode: ReasonCode?
    /// Optional free text beside the code; up to 500 bytes, no personal data.
    public var reason: String?
    /// Up to 100 bytes.
    public var officer: String
    /// Defaults to the time of the decision.
    public var changedAt: Timestamp?

    /// The rules of the event's fields (`StatusChanged`), the receipt number as typed.
    public static func rule(forKey key: String) -> JSONFieldRule? {
        key == CodingKeys.receiptNumber.stringValue ? .typedReceiptNumber : StatusChanged.rule(forKey: key)
    }

    /// Reads a command's body (errors name its fields: `to`, `officer`), the receipt number in its
    /// canonical form.
    init(body: JSONValue) throws(EventLogError) {
        self = try Self.read(body, root: "", refusing: [:])
        receiptNumber = ReceiptNumber.normalize(receiptNumber) ?? receiptNumber
    }
}
