public import DomainKit
public import EventLog
public import JSON
public import Projections

/// The aid logistics domain, bundled for the service: its rules (for the `RuleGuard`), its
/// projectors (for the `ProjectionEngine`), its commands and its part of the scenario.
///
/// ```swift
/// let aid = AidLogisticsDomain()
/// store.appendGuard = RuleGuard(rules: [aid.rules, ...])
/// let engine = try ProjectionEngine(store: store, dataDirectory: dir, projectors: aid.projectors + ...)
/// let decision = try guard.withCurrentState(store) { try aid.handle("receive-donation", body: body, now: .now()) }
/// ```
///
/// Thread safety: `rules` is guarded by the `RuleGuard` it is given to; call `decide`/`handle`
/// only inside that guard's `withCurrentState`.
public final class AidLogisticsDomain: Domain, @unchecked Sendable {
    public static let name = "aid"
    public static let eventTypes = AidEventType.all
    /// The command names (`register-warehouse`, ...).
    public static let commandNames = AidLogisticsCommand.names
    /// The names of the views, as `ProjectionEngine` and `ViewSnapshot.view(_:)` know them.
    public static let viewNames = AidViews.all.map(\.rawValue)

    public let rules: AidLogisticsRules
    public let projectors: [any Projector]

    public init() {
        rules = AidLogisticsRules()
        projectors = [StockProjector(), KelurahanProjector(), TraceProjector(), DonorsProjector()]
    }

    /// Parses a command's body (see `AidLogisticsCommand.parse`).
    public func parse(_ name: String, body: JSONValue) throws(EventLogError) -> AidLogisticsCommand {
        try AidLogisticsCommand.parse(name, body: body)
    }

    /// Decides a command on the current state (see `AidLogisticsCommand.decide`).
    public func decide(_ command: AidLogisticsCommand, now: Timestamp) throws(EventLogError) -> Decision {
        try AidLogisticsCommand.decide(command, rules: rules, now: now)
    }

    /// The domain's part of the 2018 scenario (see `AidScenario`).
    public func scenario(seed: UInt64, scale: Double) -> [ScenarioEvent] {
        Self.scenario(seed: seed, scale: scale)
    }

    /// The domain's part of the 2018 scenario (see `AidScenario`).
    public static func scenario(seed: UInt64, scale: Double) -> [ScenarioEvent] {
        AidScenario.scenario(seed: seed, scale: scale)
    }
}
