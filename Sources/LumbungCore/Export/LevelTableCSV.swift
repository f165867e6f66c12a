import DomainKit
public import MarketPrices

/// A price level's daily table (`LevelTable`) as CSV in PIHPS's shape: `tanggal`, then one column
/// per commodity id; a row per day (`YYYY-MM-DD`), each cell the day's mean price in rupiah, empty
/// where there was no report. RFC 4180, CRLF, UTF-8 (`CSVText`).
public enum LevelTableCSV {
    public static let contentType = "text/csv; charset=utf-8; header=present"

    public static func csv(_ table: LevelTable) -> [UInt8] {
        var out: [UInt8] = []
        CSVText.appendRecord(["tanggal"] + table.commodities.map(\.commodityId), to: &out)
        for row in table.rows {
            CSVText.appendRecord([row.date.description] + row.prices.map { $0?.description ?? "" }, to: &out)
        }
        return out
    }

    /// `harga-pasar-tradisional.csv`.
    public static func fileName(_ level: PriceLevel) -> String { "harga-\(level.rawValue).csv" }
}
