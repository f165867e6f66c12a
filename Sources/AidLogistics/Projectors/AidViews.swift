public import Projections

/// The names of the aid views, declared once: each projector's `definition` carries its own (see the
/// projector of that name for what the view holds), and every reader finds the view by them.
public enum AidViews {
    public static let stock = ViewName("aid.stock"), kelurahan = ViewName("aid.kelurahan"), trace = ViewName("aid.trace"),
        donors = ViewName("aid.donors"), incidents = ViewName("aid.incidents"), households = ViewName("aid.households"),
        requests = ViewName("aid.requests")
    /// In the order the domain lists its projectors.
    public static let all = [stock, kelurahan, trace, donors, incidents, households, requests]
}
