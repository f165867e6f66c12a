public import EventLog

/// What an import of a WFP/HDX food price file would write, validated row by row (not yet
/// against the log): events in file order (a market's and a commodity's registration before
/// their first price) and the rows left out.
public struct WFPImportPlan: Sendable {
    /// One event to write and the row it comes from.
    public struct Planned: Sendable {
        public enum Kind: String, Sendable, Codable { case market, commodity, price }
        public let kind: Kind
        /// The 1-based line of the file the row starts on.
        public let line: Int
        /// The 0-based index of the row among the data rows.
        public let row: Int
        public let event: ProposedEvent
        /// The same event, typed (the rules check it without reading its JSON again).
        let typed: PricesEvent
    }

    /// The file planned (for messages), if it was a file.
    public let file: String?
    public let events: [Planned]
    /// Rows left out (only with `skipInvalid`; otherwise planning throws on the first).
    public let skipped: [WFPSkippedLine]
    /// Data rows read (the HXL hashtag row not counted).
    public let rows: Int
    /// Rows identical to an earlier row of the file (same id, same content): written once.
    public let duplicateRows: Int
    /// Whether the file had the HXL hashtag row (second row starting with `#`).
    public let hadHXLRow, skipInvalid: Bool

    public var markets: Int { events.count(where: { $0.kind == .market }) }
    public var commodities: Int { events.count(where: { $0.kind == .commodity }) }
    public var prices: Int { events.count(where: { $0.kind == .price }) }
}
