public import Projections

/// The names of the prices domain's views, declared once: projectors carry them and every reader
/// (queries, HTTP, CLI, replay) names a view by these constants.
public enum PricesViews {
    /// Registered markets and commodities, and the latest price per market, commodity and price type.
    public static let latest = ViewName("prices.latest")
    /// Daily statistics per price series.
    public static let daily = ViewName("prices.daily")
    /// Days on which a series' city median rose 10% or more over its baseline.
    public static let alerts = ViewName("prices.alerts")

    /// Every view, in the order of the domain's projectors.
    public static let all = [latest, daily, alerts]
}
