/// Processing times per document type (`DocumentTrackingQueries.processing`), from submission to
/// `ready`, against the SLA table given to the query.
public struct ProcessingReport: Codable, Sendable, Equatable {
    public var types: [ProcessingStats]
}

/// Processing time of one document type. Days are fractional, rounded to 2 decimals.
public struct ProcessingStats: Codable, Sendable, Equatable {
    public var documentType: DocumentType
    /// Applications that reached `ready`.
    public var count: Int
    /// Median (the mean of the two middle values when `count` is even); nil when `count` is 0.
    public var medianDays: Double?
    /// 90th percentile by nearest rank (the value at rank ceil(0.9 x count)); nil when `count` is 0.
    public var p90Days: Double?
    /// The target used; nil when the table has none for this type.
    public var slaDays: Int?
    /// Applications that took longer than `slaDays`.
    public var overSLA: Int
    /// `overSLA / count`, rounded to 4 decimals; nil when `count` is 0.
    public var overSLAShare: Double?
}
