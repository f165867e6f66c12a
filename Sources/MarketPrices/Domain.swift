import DomainKit
import EventLog
import JSON
import Projections

/// The market prices domain (quick win 3) as the service wires it: its rules (for the
/// `RuleGuard`), its projectors (for the `ProjectionEngine`) and its command entry.
///
/// ```swift
/// let prices = MarketPricesDomain()
/// store.appendGuard = RuleGuard(rules: [prices.rules, ...])
/// let engine = try ProjectionEngine(store: store, dataDirectory: dir, projectors: prices.projectors + ...)
/// let decision = try guard.withCurrentState(store) { try prices.decide(try prices.parse("report-price", body: body), now: .now()) }
/// ```
public final class MarketPricesDomain: @unchecked Sendable {
    /// The domain's name, the prefix of its event types and routes.
    public static let name = "prices"

    public let rules: MarketPricesRules
    /// `prices.latest`, `prices.daily`, `prices.alerts`.
    public let projectors: [any Projector]

    public init() {
        rules = MarketPricesRules()
        projectors = [LatestPricesProjector(), DailyPricesProjector(), PriceAlertsProjector()]
    }

    /// The command names (`register-market`, `register-commodity`, `report-price`, `correct-price`).
    public var commandNames: [String] { MarketPricesCommand.names }

    /// Reads a command from an HTTP body (see `MarketPricesCommand.parse`).
    public func parse(_ name: String, body: JSONValue) throws(EventLogError) -> MarketPricesCommand {
        try MarketPricesCommand.parse(name, body: body)
    }

    /// Decides a command on the current state (call inside `RuleGuard.withCurrentState`).
    public func decide(_ command: MarketPricesCommand, now: Timestamp) throws(EventLogError) -> MarketPricesCommand.Decision {
        try MarketPricesCommand.decide(command, rules: rules, now: now)
    }

    /// The domain's part of the 2018 scenario (see `MarketPricesScenario`).
    public func scenario(seed: UInt64, scale: Double) -> [(occurredAt: Timestamp, event: ProposedEvent)] {
        MarketPricesScenario.scenario(seed: seed, scale: scale)
    }
}
