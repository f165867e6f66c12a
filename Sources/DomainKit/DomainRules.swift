public import EventLog
public import JSON

/// An event as the rules see it: proposed (not yet written) or already in the log.
public struct DomainEvent: Sendable {
    public let stream: String
    public let type: String
    public let data: JSONValue
    public let occurredAt: Timestamp?
    /// Set for events read from the log.
    public let position: UInt64?
    public let id: EventID?

    public init(stream: String, type: String, data: JSONValue, occurredAt: Timestamp? = nil, position: UInt64? = nil, id: EventID? = nil) {
        self.stream = stream
        self.type = type
        self.data = data
        self.occurredAt = occurredAt
        self.position = position
        self.id = id
    }
}

/// The rules of one domain over its decision state: what may enter the log.
///
/// Contract:
/// - `admit` checks one event against the current state, as its decider would: a known type
///   of the domain, its payload schema, and the domain's rules. It throws an `EventLogError`
///   (`.invalidInput` for a malformed payload, `.ruleViolation` for a rule) whose message names
///   the field, and changes nothing when it throws. When it passes, it applies the event to the
///   state, recording every change in `journal` (use `JournaledDictionary`).
/// - `evolve` applies an event already in the log (no check; must not throw: skip what it
///   cannot read), recording changes in `journal` too.
/// - The state must be a pure fold of the events: the same log gives the same state.
public protocol DomainRules: AnyObject {
    /// Whether this domain owns `type` (e.g. every `aid.` type). Owned types that the domain does
    /// not know must be refused by `admit`.
    func owns(_ type: String) -> Bool
    func admit(_ event: DomainEvent, journal: Journal) throws
    func evolve(_ event: DomainEvent, journal: Journal)
}
