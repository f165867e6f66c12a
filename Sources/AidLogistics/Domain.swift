public import DomainKit
public import Projections
public import Regions

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
    public typealias Command = AidLogisticsCommand
    public static let name = "aid", eventTypes = AidEventType.all, views = AidViews.all
    public let rules: AidLogisticsRules
    public let projectors: [any Projector] = [StockProjector(), KelurahanProjector(), TraceProjector(), DonorsProjector()]

    /// The domain serving `area` (`--region`; Kota Mataram by default).
    public init(area: ServiceArea = .mataram) { rules = AidLogisticsRules(area: area) }

    /// The domain's part of the 2018 scenario (see `AidScenario`; the seeder calls it without an instance).
    public static func scenario(seed: UInt64, scale: Double) -> [ScenarioEvent] { AidScenario.scenario(seed: seed, scale: scale) }
    public func scenario(seed: UInt64, scale: Double) -> [ScenarioEvent] { Self.scenario(seed: seed, scale: scale) }
}
