public import DomainKit
public import EventLog
public import JSON
public import Projections

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
    /// The domain's name, the prefix of its event types and routes.
    public static let name = "prices"
    public static let eventTypes = MarketPricesEventType.all
    /// `register-market`, `register-commodity`, `report-price`, `correct-price`.
    public static let commandNames = MarketPricesCommand.names
    /// `prices.latest`, `prices.daily`, `prices.alerts`.
    public static let viewNames = PricesViews.all.map(\.rawValue)

    public let rules: MarketPricesRules
    public let projectors: [any Projector]

    public init() {
        rules = MarketPricesRules()
        projectors = [LatestPricesProjector(), DailyPricesProjector(), PriceAlertsProjector()]
    }

    /// Reads a command from an HTTP body (see `MarketPricesCommand.parse`).
    public func parse(_ name: String, body: JSONValue) throws(EventLogError) -> MarketPricesCommand {
        try MarketPricesCommand.parse(name, body: body)
    }

    /// Decides a command on the current state (call inside `RuleGuard.withCurrentState`).
    public func decide(_ command: MarketPricesCommand, now: Timestamp) throws(EventLogError) -> Decision {
        try MarketPricesCommand.decide(command, rules: rules, now: now)
    }

    /// The domain's part of the 2018 scenario (see `MarketPricesScenario`).
    public func scenario(seed: UInt64, scale: Double) -> [ScenarioEvent] {
        MarketPricesScenario.scenario(seed: seed, scale: scale)
    }
}
