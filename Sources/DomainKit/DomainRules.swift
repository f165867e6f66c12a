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
/// - The decision state lives in the log's environment (`DecisionState`), in tables of the
///   domain's own (`DecisionTable`, prefixed with the domain's name), and is read and written
///   through `decisions`, which the `RuleGuard` sets for the duration of each call: the writer's
///   transaction in `admit` and `evolve`, a read snapshot while a command decides
///   (`RuleGuard.withCurrentState`), and `.empty` otherwise (a pure test sees no state).
/// - `admit` checks one event against the current state, as its decider would: a known type
///   of the domain, its payload schema, and the domain's rules. It throws an `EventLogError`
///   (`.invalidInput` for a malformed payload, `.ruleViolation` for a rule) whose message names
///   the field. When it passes, it stores the state the event leaves. Whatever it wrote is
///   undone with the request when the request is refused (LMDB aborts it), so it needs no undo.
/// - `evolve` applies an event already in the log (no check: skip what it cannot read); it
///   throws only when the state cannot be read or written.
/// - The state must be a pure fold of the events: the same log gives the same state.
public protocol DomainRules: AnyObject {
    /// Whether this domain owns `type` (e.g. every `aid.` type). Owned types that the domain does
    /// not know must be refused by `admit`.
    func owns(_ type: String) -> Bool
    /// Where the state is read and written during the current call (set by the `RuleGuard`).
    var decisions: DecisionState { get set }
    func admit(_ event: DomainEvent) throws
    func evolve(_ event: DomainEvent) throws
}
