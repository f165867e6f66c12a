import DomainKit

/// The 21 PIHPS commodities and their national daily price levels (Pasar Tradisional, rupiah per
/// unit) from 2018-01-01 to the source's last day (November 2024), weekdays as the source has them:
/// PIHPS Nasional, Bank Indonesia (see Fixtures/ATTRIBUTION.md). The scenario takes its 2018 levels
/// from it; the trend page compares the city with it on any day it covers.
///
/// Both tables are CSV files of this folder, embedded at build time: `pihps-commodities.csv` (the
/// source's column, the id, the name, PIHPS group and unit) and `pihps-levels.csv`, which
/// Fixtures/prices/generate_pihps_table.py cuts from Fixtures/pihps/daily_2018_2024.csv. A test
/// checks that the embedded levels equal the source.
enum PIHPSTable {
    struct Commodity {
        /// The source CSV's column.
        let column: String
        let id, name, category, unit: String
    }

    static let firstDate = "2018-01-01"
    static let lastDate = "2024-12-31"

    static let commodities: [Commodity] = EmbeddedTable(EmbeddedFiles.pihpsCommoditiesCsv).rows.map { r in
        Commodity(column: r["column"], id: r["id"], name: r["name"], category: r["category"], unit: r["unit"])
    }

    /// (date, price per commodity in `commodities` order; nil: no data that day).
    static let levels: [(date: String, prices: [Int?])] = EmbeddedTable(EmbeddedFiles.pihpsLevelsCsv).rows.map { r in
        (r["date"], commodities.map { Int(r[$0.column]) })
    }
}
