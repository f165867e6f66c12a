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
    /// For a proposed event: the ids of the offices, warehouses or markets its author may touch
    /// (`AppendRequest.scope`); nil: any.
    public let scope: Set<String>?
    /// For a proposed event: the actor writing it (`AppendRequest.actor`, the authenticated key);
    /// nil for system events and events read from the log.
    public let actor: String?

    public init(
        stream: String, type: String, data: JSONValue, occurredAt: Timestamp? = nil, position: UInt64? = nil, id: EventID? = nil,
        scope: Set<String>? = nil, actor: String? = nil
    ) {
        self.actor = actor
        self.stream = stream
        self.type = type
        self.data = data
        self.occurredAt = occurredAt
        self.position = position
        self.id = id
        self.scope = scope
    }

    /// Refuses (`.forbidden`, naming `field`) when `id` is outside the author's scope.
    public func requireInScope(_ id: String, kind: String, field: String) throws(EventLogError) {
        guard let scope, !scope.contains(id) else { return }
        throw EventLogError(
            .forbidden,
            "\(field): \(kind) \(id) is outside this key's scope (\(scope.sorted().joined(separator: ", ")))", field: field)
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
///   of the domain, its payload schema, the domain's rules, and that the office, warehouse or
///   market it touches is in `event.scope` when one is given (`.forbidden`). It throws an
///   `EventLogError` (`.invalidInput` for a malformed payload, `.ruleViolation` for a rule) whose message names
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
    /// The layout of the state: raise it when the tables or their values change, and the state
    /// of a data directory kept with another layout is built again from the log on open.
    var stateVersion: Int { get }
}

extension DomainRules {
    public var stateVersion: Int { 1 }
}
