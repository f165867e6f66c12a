import DomainKit
import EventLog
import Testing

@testable import MarketPrices

/// A day's tally of reports (`ObservationBook.Tally`): what `prices.daily` and `prices.alerts`
/// recompute a day from, kept as counts per price and per market.
@Suite struct TallyTests {
    typealias Tally = ObservationBook.Tally

    /// Random reports over a few markets and prices, some taken back (a correction).
    static func tallies(seed: UInt64) -> (Tally, [Price], [String: [Price]]) {
        var rng = SplitMix64(seed: seed)
        var tally = Tally()
        var reports: [(String, Price)] = []
        for _ in 0..<Int(rng.next() % 40 + 1) {
            let market = "pasar-\(rng.next() % 4)"
            let price = Price(scaled: Int64(rng.next() % 7 + 1) * 5_000_000 + Int64(rng.next() % 3))
            tally.add(ObservationBook.Observation(marketId: market, price: price), 1)
            reports.append((market, price))
        }
        // Take back some reports, as corrections do before counting their new price.
        for _ in 0..<Int(rng.next() % 5) where reports.count > 1 {
            let (market, price) = reports.remove(at: Int(rng.next() % UInt64(reports.count)))
            tally.add(ObservationBook.Observation(marketId: market, price: price), -1)
        }
        return (tally, reports.map(\.1).sorted(), Dictionary(grouping: reports, by: \.0).mapValues { $0.map(\.1) })
    }

    @Test(arguments: 1...200 as ClosedRange<UInt64>)
    func countsGiveWhatTheReportsGive(seed: UInt64) throws {
        let (tally, sorted, byMarket) = Self.tallies(seed: seed)
        #expect(tally.count == sorted.count)
        #expect(tally.median == Price.median(ofSorted: sorted))
        #expect(tally.mean == Price(scaled: Int64((Double(sorted.reduce(0) { $0 + $1.scaled }) / Double(sorted.count)).rounded())))
        let stats = DailyStats(
            series: PriceSeries(commodityId: "c", priceType: .retail, level: .traditionalMarket, currency: "IDR", unit: "kg"),
            date: CivilDate("2018-08-06")!, tally: tally)
        #expect(stats.min == sorted.first && stats.max == sorted.last && stats.markets == byMarket.count)
        #expect(Set(tally.markets.keys) == Set(byMarket.keys), "a market whose reports were all taken back is gone")
        #expect(!tally.prices.values.contains(0))
        // The stored form reads back the same, and is the same for the same tally however built.
        let read = try Tally(stored: tally.bytes)
        #expect(read == tally)
        #expect(read.bytes == tally.bytes)
    }

    @Test func damagedBytesAreRefused() {
        let (tally, _, _) = Self.tallies(seed: 7)
        let bytes = tally.bytes
        for cut in [1, 8, 17, bytes.count - 1] {
            #expect(throws: (any Error).self) { try Tally(stored: Array(bytes.prefix(cut))) }
        }
    }
}
