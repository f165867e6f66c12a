public import DomainKit
public import EventLog
public import JSON

/// `documents.status-changed`: an officer moved an application along its lifecycle. `from` is the
/// status it had; `reasonCode` is required when `to` is `revision-requested` or `rejected` (a rule of
/// `Application.decide`; events written before reason codes carry a free-text `reason` only), and
/// `reason` adds free text to it when the officer has more to say.
public struct StatusChanged: DocumentPayload, Hashable {
    public var receiptNumber: String
    public var from, to: ApplicationStatus
    /// Why, from the closed list (nil: none given).
    public var reasonCode: ReasonCode?
    /// Free text beside the code: up to 500 bytes, no personal data (`JSONFieldRule.freeText`).
    public var reason: String?
    /// Who made the change (an officer's id, up to 100 bytes); kept out of the public timeline.
    public var officer: String
    public var changedAt: Timestamp

    public init(
        receiptNumber: String, from: ApplicationStatus, to: ApplicationStatus, reasonCode: ReasonCode? = nil, reason: String? = nil,
        officer: String, changedAt: Timestamp
    ) {
        (self.receiptNumber, self.from, self.to, self.reasonCode, self.reason) = (receiptNumber, from, to, reasonCode, reason)
        (self.officer, self.changedAt) = (officer, changedAt)
    }
}
