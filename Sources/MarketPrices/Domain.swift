public import DomainKit
public import Projections
public import Regions

/// The market prices domain as the service wires it: its rules (for the `RuleGuard`), its
/// projectors (for the `ProjectionEngine`), its commands and its part of the scenario.
///
/// ```swift
/// let prices = MarketPricesDomain()
/// store.appendGuard = RuleGuard(rules: [prices.rules, ...])
/// let engine = try ProjectionEngine(store: store, dataDirectory: dir, projectors: prices.projectors + ...)
/// let decision = try guard.withCurrentState(store) { try prices.handle("report-price", body: body, now: .now()) }
/// ```
public final class MarketPricesDomain: Domain, @unchecked Sendable {
    /// The domain's name, the prefix of its event types and routes; its views `prices.latest`,
    /// `prices.daily`, `prices.alerts` and `prices.references`, folded by `projectors` in that order.
    public static let name = "prices", eventTypes = MarketPricesEventType.all, views = PricesViews.all
    public typealias Command = MarketPricesCommand
    public let rules: MarketPricesRules
    public let projectors: [any Projector] = [
        LatestPricesProjector(), DailyPricesProjector(), PriceAlertsProjector(), ReferencePricesProjector(), ReviewQueueProjector(),
    ]

    /// The domain serving `area` (`--region`; Kota Mataram by default).
    public init(area: ServiceArea = .mataram) { rules = MarketPricesRules(area: area) }

    /// The domain's part of the 2018 scenario (see `MarketPricesScenario`).
    public func scenario(seed: UInt64, scale: Double) -> [ScenarioEvent] {
        MarketPricesScenario.scenario(seed: seed, scale: scale)
    }
}
