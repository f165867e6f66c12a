public import EventLog

/// The shape of every domain's decider: pure functions over the state of what a command touches,
/// tested without storage.
///
/// Contract:
/// - `decide` answers the events a command produces on `state`, or throws the rule it breaks
///   (`EventLogError` `.ruleViolation`, or `.invalidInput` for input no state could accept), the
///   message naming the `data.` field and the values involved. It never changes anything.
/// - `evolve` applies an event already decided (or read from the log) and never fails.
/// - Folding a stream's events with `evolve` from `initial` gives the state `decide` expects.
public protocol Decider {
    associatedtype State: Sendable
    associatedtype Command
    associatedtype Event

    static var initial: State { get }
    static func decide(_ command: Command, _ state: State) throws(EventLogError) -> [Event]
    static func evolve(_ state: State, _ event: Event) -> State
}

extension Decider {
    /// `decide`, then the state those events leave.
    public static func run(_ command: Command, _ state: State) throws(EventLogError) -> (events: [Event], state: State) {
        let events = try decide(command, state)
        return (events, events.reduce(state, evolve))
    }
}
