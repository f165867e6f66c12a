public import DomainKit
public import EventLog
import Foundation

/// The prices domain's part of the deterministic 2018 scenario of Kota Mataram: 29 July to
/// 31 August 2018, around the Lombok earthquakes (M6.4 on 29 July, M7.0 on 5 August 18:46 WITA,
/// M6.9 on 19 August).
///
/// - 29 July, 06:00 WITA: the 21 PIHPS commodities and 8 Mataram markets are registered.
/// - Every day, 07:00-12:00 WITA: each market's enumerators report prices. The level is PIHPS's
///   national level of that date (Bank Indonesia; weekends and holidays carry the last weekday's
///   level), times the market's factor (the modern retailer dearer, the wholesale market cheaper,
///   reporting `wholesale` prices), times a few percent of noise, rounded to Rp 50.
/// - From 6 August (the morning after the M7.0), rice, eggs, chili and cooking oil rise 10-30% in
///   the traditional markets and the wholesale market, decaying over the following days, with a
///   smaller second rise after the 19 August shocks: the city medians rise enough for alerts.
/// - A few reports carry a typing error (a price ten times too high) and are corrected the same
///   afternoon (`prices.price-corrected`).
///
/// Determinism: the same seed and scale give the same events (ids, times, prices), in
/// `occurredAt` order, each passing the rules when appended in that order. `scale` multiplies the
/// reports: 1.0 is one report per market, commodity and day (about 5,800 events); 2.0 is two
/// enumerators per commodity; 0.5 covers half the commodities each day (rotating).
public enum MarketPricesScenario {
    /// The first and last day of the scenario.
    public static let firstDay = CivilDate(year: 2018, month: 7, day: 29) ?? CivilDate(days: 17741)
    public static let lastDay = CivilDate(year: 2018, month: 8, day: 31) ?? CivilDate(days: 17774)
    /// The day prices jump: the morning after the M7.0 of 5 August 2018, 18:46 WITA.
    public static let shockDay = CivilDate(year: 2018, month: 8, day: 6) ?? CivilDate(days: 17749)
    /// The day of the second, smaller jump: after the M6.5 and M6.9 of 19 August.
    public static let aftershockDay = CivilDate(year: 2018, month: 8, day: 20) ?? CivilDate(days: 17763)

    /// Who reports: the city's trade office.
    public static let source = "Dinas Perdagangan Kota Mataram"

    /// A market of the scenario and how its prices compare with PIHPS's level.
    public struct ScenarioMarket: Sendable {
        public let registration: MarketRegistered
        /// Multiplies PIHPS's level.
        public let factor: Double
        /// Whether the earthquake shock reaches its prices.
        public let shocked: Bool
        public let priceType: PriceType
    }

    /// Eight markets of Kota Mataram. Pasar Kebon Roek's and Pasar Mandalika's coordinates are
    /// WFP's (rounded to 4 decimals, about 11 m); the others are approximate. Kelurahan: Kebon
    /// Roek in Ampenan Tengah and Mandalika in Bertais, as commonly described; the others are
    /// plausible choices.
    public static let markets: [ScenarioMarket] = [
        market("pasar-kebon-roek", "Pasar Kebon Roek", .traditional, "52.71.01.1005", -8.5652, 116.078, 1.00, true),
        market("pasar-mandalika", "Pasar Mandalika", .wholesale, "52.71.06.1003", -8.5966, 116.1563, 0.90, true, .wholesale),
        market("pasar-cakranegara", "Pasar Cakranegara", .traditional, "52.71.03.1005", -8.5868, 116.1354, 1.02, true),
        market("pasar-pagesangan", "Pasar Pagesangan", .traditional, "52.71.02.1001", -8.6027, 116.1045, 0.99, true),
        market("pasar-acc-ampenan", "Pasar ACC Ampenan", .traditional, "52.71.01.1004", -8.577, 116.0806, 1.01, true),
        market("pasar-sindu", "Pasar Sindu", .traditional, "52.71.03.1006", -8.5857, 116.1431, 1.00, true),
        market("pasar-dasan-agung", "Pasar Dasan Agung", .traditional, "52.71.05.1002", -8.5741, 116.1025, 0.98, false),
        market("ruby-supermarket", "Ruby Supermarket", .modern, "52.71.03.1012", -8.5877, 116.1237, 1.10, false),
    ]

    private static func market(
        _ id: String, _ name: String, _ kind: MarketKind, _ kelurahan: String, _ lat: Double, _ lon: Double, _ factor: Double,
        _ shocked: Bool, _ priceType: PriceType = .retail
    ) -> ScenarioMarket {
        ScenarioMarket(
            registration: MarketRegistered(marketId: id, name: name, kind: kind, kelurahanCode: kelurahan, latitude: lat, longitude: lon),
            factor: factor, shocked: shocked, priceType: priceType)
    }

    /// The 21 PIHPS commodities as registered.
    public static var commodities: [CommodityRegistered] {
        PIHPSTable.commodities.map { CommodityRegistered(commodityId: $0.id, name: $0.name, category: $0.category, unit: $0.unit) }
    }

    /// The reference prices that held in NTB in 2018 (`reference-prices.csv`, embedded): the HET of
    /// beras medium and premium for the zone of NTB (Permendag 57/M-DAG/PER/8/2017, from
    /// 1 September 2017) and the national consumer reference prices of gula, minyak goreng curah
    /// and telur ayam ras (Permendag 27/M-DAG/PER/5/2017, from 16 May 2017), each in its
    /// commodity's unit. The PIHPS series has no commodity for the other items of those rules
    /// (minyak goreng kemasan sederhana, daging sapi beku).
    public static var referencePrices: [ReferencePriceSet] {
        let units = Dictionary(uniqueKeysWithValues: PIHPSTable.commodities.map { ($0.id, $0.unit) })
        return EmbeddedTable(EmbeddedFiles.referencePricesCsv).rows.compactMap { r in
            guard let kind = ReferenceKind(rawValue: r["kind"]), let type = PriceType(rawValue: r["priceType"]),
                let from = CivilDate(r["validFrom"]), let unit = units[r["commodityId"]]
            else { return nil }
            return ReferencePriceSet(
                commodityId: r["commodityId"], kind: kind, priceType: type, region: r.optional("region"), amount: Price(r.int("amount")),
                currency: "IDR", unit: unit, validFrom: from, validUntil: nil, source: r["source"])
        }
    }

    /// The peak rise after the shock, by PIHPS group.
    static func shockPeak(category: String) -> Double {
        switch category {
        case "Cabai Merah", "Cabai Rawit": 0.30
        case "Telur Ayam": 0.20
        case "Minyak Goreng": 0.15
        case "Beras": 0.15
        case "Bawang Merah": 0.08
        default: 0
        }
    }

    /// Enumerators of the trade office (plausible names of Lombok).
    static let reporters = [
        "Baiq Nurul Hidayati", "Lalu Muhammad Zaini", "I Made Suarta", "Ni Luh Putu Ariani", "Muhammad Hasanudin",
        "Siti Aminah", "Lalu Ahmad Fauzan", "Baiq Rina Anggraeni", "I Gusti Ngurah Putra", "Hj. Sri Wahyuni",
        "Ahmad Jumaidi", "Nurhasanah", "Lale Sukmawati", "I Wayan Sudirta", "Rudi Hartono", "Dewi Kartika Sari",
    ]

    /// The scenario's events in `occurredAt` order.
    public static func scenario(seed: UInt64, scale: Double) -> [ScenarioEvent] {
        var out: [ScenarioEvent] = []
        forEachEvent(seed: seed, scale: scale) { out.append(($0, $1)) }
        return out
    }

    /// Visits the scenario's events in `occurredAt` order without holding them all (for large
    /// scales).
    public static func forEachEvent(seed: UInt64, scale: Double, _ body: (Timestamp, ProposedEvent) throws -> Void) rethrows {
        var ids = IDMaker(seed: seed)
        var rng = SplitMix64(seed: SplitMix64.finalize(seed ^ 0x7072_6963_6573_2D70))  // "prices-p"
        let commodities = PIHPSTable.commodities
        let levels = dailyLevels()
        let minute: Int64 = 60_000
        let hour = 60 * minute

        // Registrations, 29 July 06:00 WITA, a second apart.
        var t = firstDay.timestamp(offsetHours: 8, milliseconds: 6 * hour)
        for c in Self.commodities {
            if let e = try? PricesEvent.commodityRegistered(c).proposed(id: ids.next(at: t), occurredAt: t) { try body(t, e) }
            t.millisecondsSince1970 += 1000
        }
        for m in markets {
            if let e = try? PricesEvent.marketRegistered(m.registration).proposed(id: ids.next(at: t), occurredAt: t) { try body(t, e) }
            t.millisecondsSince1970 += 1000
        }
        for p in Self.referencePrices {
            if let e = try? PricesEvent.referencePriceSet(p).proposed(id: ids.next(at: t), occurredAt: t) { try body(t, e) }
            t.millisecondsSince1970 += 1000
        }

        let slots = max(1, Int((Double(commodities.count) * max(0, scale)).rounded()))
        let perDay = slots * markets.count
        let window = 5 * hour
        let spacing = max(1, window / Int64(perDay))
        var day = firstDay
        var dayIndex = 0
        while day <= lastDay {
            let dayLevels = levels[day.days - firstDay.days]
            var pending: [(report: EventID, market: String, unit: String, price: Int, typo: Int)] = []
            // Reports held for review (checked before published) that a supervisor approves in the afternoon.
            var held: [(id: EventID, report: PriceReported)] = []
            var i: Int64 = 0
            for k in 0..<slots {
                let c = (k + dayIndex * slots) % commodities.count
                let commodity = commodities[c]
                let reporterIndex = k / commodities.count
                for (mi, market) in markets.enumerated() {
                    let time = day.timestamp(offsetHours: 8, milliseconds: 7 * hour + i * spacing)
                    i += 1
                    var level = Double(dayLevels[c]) * market.factor * (0.98 + 0.04 * rng.unit())
                    if market.shocked { level *= 1 + shock(on: day, peak: shockPeak(category: commodity.category)) }
                    let price = max(50, Int((level / 50).rounded()) * 50)
                    let typo = rng.unit() < 0.002 || (dayIndex % 11 == 3 && k == 0 && mi == 2)
                    let id = ids.next(at: time)
                    let report = PriceReported(
                        marketId: market.registration.marketId, commodityId: commodity.id, unit: commodity.unit,
                        price: Price(typo ? price * 10 : price), currency: "IDR", priceType: market.priceType, observedOn: day,
                        reporter: reporter(market: mi, index: reporterIndex), source: source)
                    // The chili prices of the shocked markets on the morning after the M6.9 tripped the
                    // review band: held, then approved; the last day's first report waits in the queue.
                    let holds =
                        !typo
                        && ((market.shocked && day == shockDay && commodity.category.hasPrefix("Cabai"))
                            || (day == lastDay && k == 0 && mi == 0))
                    if holds {
                        let hold = ReportHeld(report, reasons: [.outsideBand], median: nil, lower: nil, upper: nil)
                        if let e = try? PricesEvent.reportHeld(id: id, hold).proposed(occurredAt: time) { try body(time, e) }
                        if day != lastDay { held.append((id, report)) }
                    } else if let e = try? PricesEvent.priceReported(id: id, report).proposed(occurredAt: time) {
                        try body(time, e)
                    }
                    if typo { pending.append((id, market.registration.marketId, commodity.unit, price, price * 10)) }
                }
            }
            // Corrections in the afternoon from 14:00 WITA (or after the last report), a minute
            // apart, closer when there are many, all before 23:00.
            var ct = max(
                day.timestamp(offsetHours: 8, milliseconds: 14 * hour).millisecondsSince1970,
                day.timestamp(offsetHours: 8, milliseconds: 7 * hour + i * spacing).millisecondsSince1970)
            let step = max(1, min(minute, 9 * hour / Int64(max(1, pending.count))))
            for p in pending {
                let time = Timestamp(millisecondsSince1970: ct)
                let correction = PriceCorrected(
                    correctsEventId: p.report.description, price: Price(p.price),
                    reason: "Salah ketik: tertulis Rp \(p.typo)/\(p.unit), seharusnya Rp \(p.price)/\(p.unit) (kelebihan satu angka nol)")
                if let e = try? PricesEvent.priceCorrected(id: ids.next(at: time), marketId: p.market, correction).proposed(
                    occurredAt: time)
                {
                    try body(time, e)
                }
                ct += step
            }
            for h in held {
                let time = Timestamp(millisecondsSince1970: ct)
                let review = ReportReview(
                    heldEventId: h.id.description, marketId: h.report.marketId, reasonCode: nil,
                    reason: "Kenaikan harga setelah gempa 5 Agustus, dikonfirmasi ke pedagang", supervisor: "supervisor-harga-disperindag")
                if let e = try? PricesEvent.reportApproved(id: ids.next(at: time), review).proposed(occurredAt: time) { try body(time, e) }
                let published = PricesEvent.priceReported(id: ReportReview.publishedID(of: h.id), h.report)
                if let e = try? published.proposed(occurredAt: time) { try body(time, e) }
                ct += step
            }
            day = day.adding(days: 1)
            dayIndex += 1
        }
    }

    /// The rise on `day` for a commodity whose peak rise is `peak`: the peak on the shock day,
    /// decaying by a fifth a day, plus half of it again after the 19 August shocks.
    static func shock(on day: CivilDate, peak: Double) -> Double {
        guard peak > 0, day >= shockDay else { return 0 }
        var rise = peak * pow(0.8, Double(day.days - shockDay.days))
        if day >= aftershockDay { rise += peak * 0.5 * pow(0.75, Double(day.days - aftershockDay.days)) }
        return rise
    }

    static func reporter(market: Int, index: Int) -> String {
        let n = reporters.count
        let name = reporters[(market * 2 + index) % n]
        return index < n / 2 ? name : "\(name) (\(index / (n / 2) + 1))"
    }

    /// PIHPS levels for each scenario day (carrying the last weekday's level over weekends,
    /// holidays and empty cells), in `PIHPSTable.commodities` order.
    static func dailyLevels() -> [[Int]] {
        var byDate: [String: [Int?]] = [:]
        for row in PIHPSTable.levels { byDate[row.date] = row.prices }
        var last = [Int](repeating: 0, count: PIHPSTable.commodities.count)
        // Seed the carry-over with the table's first values.
        for row in PIHPSTable.levels {
            for (i, p) in row.prices.enumerated() where last[i] == 0 { last[i] = p ?? 0 }
        }
        var out: [[Int]] = []
        var day = CivilDate(PIHPSTable.firstDate) ?? firstDay
        while day <= lastDay {
            if let row = byDate[day.description] {
                for (i, p) in row.enumerated() { if let p { last[i] = p } }
            }
            if day >= firstDay { out.append(last) }
            day = day.adding(days: 1)
        }
        return out
    }

    /// Event ids from the seed, a counter and the event's time: UUIDs of version 7 form (RFC 9562:
    /// the time's milliseconds first, then the counter's low 12 bits, then bits of the seed and
    /// counter), the same for the same seed. Ids in time order keep the log's id index and the
    /// rules' report table (and the prices views' report keys) growing at their right edge, as the
    /// API's own v7 ids do: random (v4) ids put each insert of a batch on a page of its own, every
    /// one copied and written again (the 10M seed of session 8 ran at 7,540 events/s against
    /// 17,400 at 1M).
    struct IDMaker {
        let seed: UInt64
        var counter: UInt64 = 0

        init(seed: UInt64) { self.seed = SplitMix64.finalize(seed ^ 0x5052_4943_4553_4944) /* "PRICESID" */ }

        mutating func next(at time: Timestamp) -> EventID {
            counter += 1
            let milliseconds = UInt64(bitPattern: time.millisecondsSince1970) & 0xFFFF_FFFF_FFFF
            let hi = milliseconds << 16 | 0x7000 | (counter & 0xFFF)
            var lo = SplitMix64.finalize(seed &+ counter &* 2 &+ 1)
            lo = (lo & ~(0xC0 << 56)) | (0x80 << 56)
            return EventID(high: hi, low: lo)
        }
    }
}
