/// What an import wrote.
public struct WFPImportReport: Sendable, Codable, Equatable {
    public var file: String?
    /// Data rows read.
    public var rows, marketsRegistered, commoditiesRegistered, pricesReported: Int
    /// Events of the file already in the log (an earlier import of it, or of an overlapping
    /// file), not written again; markets and commodities registered before also count here.
    public var alreadyInLog: Int
    /// Rows identical to an earlier row of the same file.
    public var duplicateRows: Int
    /// Rows left out (with `skipInvalid`).
    public var skipped: [WFPSkippedLine]
    /// Append requests made.
    public var batches: Int
    /// Positions of the first and last event written (nil when nothing was written).
    public var firstPosition, lastPosition: UInt64?

    /// Events written.
    public var written: Int { marketsRegistered + commoditiesRegistered + pricesReported }
}
