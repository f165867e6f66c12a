public import Projections

/// The names of the prices views, declared once: each projector's `definition` carries its own (see the
/// projector of that name for what the view holds), and every reader finds the view by them.
public enum PricesViews {
    public static let latest = ViewName("prices.latest"), daily = ViewName("prices.daily"), alerts = ViewName("prices.alerts"),
        references = ViewName("prices.references"), review = ViewName("prices.review")
    /// In the order the domain lists its projectors.
    public static let all = [latest, daily, alerts, references, review]
}
