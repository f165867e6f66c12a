public import EventLog
public import JSON
public import Projections

/// One domain as the composition root wires it: what it owns of the log, its rules on every door,
/// its views, its commands and its part of the scenario. Every domain (aid, documents, prices) has
/// this shape, so the service and the CLI handle them alike.
///
/// Thread safety: `rules` is guarded by the `RuleGuard` it is given to; call `decide` only inside
/// that guard's `withCurrentState`.
public protocol Domain: AnyObject, Sendable {
    /// A command, parsed and checked for shape (not yet for the rules).
    associatedtype Command: DomainCommand
    associatedtype Rules: DomainRules

    /// The domain's name: the prefix of its event types (`aid`, `documents`, `prices`) and routes.
    static var name: String { get }
    /// Every event type the domain knows.
    static var eventTypes: Set<String> { get }
    /// Its views, in the order of `projectors`.
    static var views: [ViewName] { get }

    /// The rules to give the `RuleGuard`.
    var rules: Rules { get }
    /// The projectors of its views.
    var projectors: [any Projector] { get }

    /// Decides a command on the rules' current state at `now`.
    func decide(_ command: Command, now: Timestamp) throws(EventLogError) -> Decision
    /// The domain's part of the deterministic 2018 scenario.
    func scenario(seed: UInt64, scale: Double) -> [ScenarioEvent]
}

/// A domain's command: its names as the routes use them, and how one is read from a body.
public protocol DomainCommand {
    /// The command names (`receive-donation`, ...).
    static var names: [String] { get }
    /// Reads command `name` from a body (its event's data fields); refuses an unknown name or a
    /// body that does not fit with `.invalidInput` naming the field.
    static func parse(_ name: String, body: JSONValue) throws(EventLogError) -> Self
}

/// A command decided by a function of the domain's rules alone (no secrets, no vault).
public protocol RuledCommand: DomainCommand {
    associatedtype Rules: DomainRules
    /// Decides `command` on the current state of `rules` (call inside `RuleGuard.withCurrentState`).
    static func decide(_ command: Self, rules: Rules, now: Timestamp) throws(EventLogError) -> Decision
}

extension Domain where Command: RuledCommand, Command.Rules == Rules {
    /// Decides a command on the current state of this domain's rules.
    public func decide(_ command: Command, now: Timestamp) throws(EventLogError) -> Decision {
        try Command.decide(command, rules: rules, now: now)
    }
}

extension Domain {
    /// The command names, as the routes use them (`receive-donation`, ...).
    public static var commandNames: [String] { Command.names }
    /// The names of its views, as the projection engine knows them.
    public static var viewNames: [String] { views.map(\.rawValue) }

    /// Reads command `name` from a body (see `DomainCommand.parse`).
    public func parse(_ name: String, body: JSONValue) throws(EventLogError) -> Command {
        try Command.parse(name, body: body)
    }

    /// Parses and decides command `name` with `body`.
    public func handle(_ name: String, body: JSONValue, now: Timestamp) throws(EventLogError) -> Decision {
        try decide(try parse(name, body: body), now: now)
    }

    /// The `<name>.` prefix of the domain's event types.
    public static var typePrefix: String { name + "." }
}
