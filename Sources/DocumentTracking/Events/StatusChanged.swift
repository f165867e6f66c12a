public import DomainKit
public import EventLog
public import JSON

/// `documents.status-changed`: an officer moved an application along its lifecycle. `from` is the
/// status it had; `reason` is required when `to` is `revision-requested` or `rejected` (a rule of
/// `Application.decide`) and left out when there is none.
public struct StatusChanged: DocumentPayload, Hashable {
    public var receiptNumber: String
    public var from, to: ApplicationStatus
    /// Up to 500 bytes.
    public var reason: String?
    /// Who made the change (an officer's id, up to 100 bytes); kept out of the public timeline.
    public var officer: String
    public var changedAt: Timestamp
}
