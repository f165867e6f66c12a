public import Projections

/// The names of the aid views, declared once: the projectors use them, and so does every reader.
public enum AidViews {
    /// Stock per warehouse, item and lot (`StockProjector`).
    public static let stock = ViewName("aid.stock")
    /// Aid per kelurahan (`KelurahanProjector`).
    public static let kelurahan = ViewName("aid.kelurahan")
    /// The donation trace (`TraceProjector`).
    public static let trace = ViewName("aid.trace")
    /// Donors (`DonorsProjector`).
    public static let donors = ViewName("aid.donors")

    /// Every aid view, in the order the domain lists its projectors.
    public static let all = [stock, kelurahan, trace, donors]
}
