public import EventLog

/// What a command produced, whatever its domain: the events to append in one request, the ids the
/// server made for the caller (`donationId`, `receiptNumber`, ...), and secrets shown once (a PIN).
public struct Decision: Sendable {
    public let events: [ProposedEvent]
    public let ids: [String: String]
    public let secrets: [String: String]

    public init(events: [ProposedEvent], ids: [String: String] = [:], secrets: [String: String] = [:]) {
        self.events = events
        self.ids = ids
        self.secrets = secrets
    }
}

/// One event of a domain's scenario and when it happened (the scenario is written in that order).
public typealias ScenarioEvent = (occurredAt: Timestamp, event: ProposedEvent)
