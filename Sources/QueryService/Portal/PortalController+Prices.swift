import DomainKit
import Hummingbird
import MarketPrices
import MataramReference

/// Harga Pasar: latest prices per commodity and market, alerts, and a commodity's 30-day trend.
extension PortalController {
    /// What the prices pages read in one snapshot.
    struct PricesData {
        var markets: [MarketRegistered]
        var commodities: [CommodityRegistered]
        var latest: [LatestPrice]
        var alerts: [PriceAlert]
        /// The city statistics of the latest day, per commodity and price type.
        var today: [DailyStats]
        var latestDay: CivilDate?
        /// Each latest price judged against the HET/HAP that hold for it, by the report's event id.
        var checks: [String: ReferenceCheck] = [:]
        /// Per commodity, the retail HET/HAP that hold in Kota Mataram on `latestDay`.
        var references: [String: [ReferencePriceSet]] = [:]
    }

    /// `HET Rp 9.450/kg`.
    static func referenceText(_ r: ReferencePriceSet) -> String {
        "\(r.kind.rawValue) \(IndonesianFormat.money(r.amount, currency: r.currency))/\(r.unit)"
    }

    static func marketKindName(_ kind: MarketKind) -> String {
        switch kind {
        case .traditional: "pasar tradisional"
        case .modern: "pasar modern"
        case .wholesale: "pasar induk (grosir)"
        case .producer: "produsen"
        }
    }

    /// The level as PIHPS names it.
    static func levelName(_ level: PriceLevel) -> String {
        switch level {
        case .traditionalMarket: "pasar tradisional"
        case .modernMarket: "pasar modern"
        case .wholesaler: "pedagang besar"
        case .producer: "produsen"
        }
    }

    /// Levels in PIHPS's order (pasar tradisional first).
    static func levelRank(_ level: PriceLevel) -> Int { PriceLevel.allCases.firstIndex(of: level) ?? 0 }

    /// Commodities in the order residents look for them: by name.
    static func sortedCommodities(_ list: [CommodityRegistered]) -> [CommodityRegistered] {
        list.sorted { ($0.name, $0.commodityId) < ($1.name, $1.commodityId) }
    }

    /// `withReferences`: also judge the latest prices against their HET/HAP (the list page shows them).
    func readPrices(_ request: Request, commodityId: String? = nil, withReferences: Bool = false) async throws -> PricesData {
        try await services.views(request) { views in
            let latestView = try views.view(PricesViews.latest)
            let latest = try MarketPricesQueries.latest(latestView, commodityId: commodityId)
            let latestDay = latest.map(\.observedOn).max()
            let today =
                try latestDay.map { try MarketPricesQueries.daily(try views.view(PricesViews.daily), on: $0, commodityId: commodityId) }
                ?? []
            var data = PricesData(
                markets: try MarketPricesQueries.markets(latestView), commodities: try MarketPricesQueries.commodities(latestView),
                latest: latest,
                alerts: try MarketPricesQueries.alerts(try views.view(PricesViews.alerts), names: latestView, commodityId: commodityId),
                today: today, latestDay: latestDay)
            guard withReferences else { return data }
            let references = try views.view(PricesViews.references)
            for check in try MarketPricesQueries.referenceChecks(latest: latestView, references: references, commodityId: commodityId)
            where !check.references.isEmpty {
                data.checks[check.price.eventId] = check
            }
            if let latestDay {
                for c in data.commodities where commodityId == nil || c.commodityId == commodityId {
                    let held = try MarketPricesQueries.applicableReferences(
                        references, commodityId: c.commodityId, priceType: .retail, area: Mataram.code, on: latestDay)
                    if !held.isEmpty { data.references[c.commodityId] = held }
                }
            }
            return data
        }
    }

    /// `GET /harga-pasar[?komoditas=&pasar=]`: the latest prices grouped by commodity (optionally
    /// one commodity, one market), the recent alerts, and the trend of the chosen commodity.
    @Sendable func prices(_ request: Request, context: AppRequestContext) async throws -> Response {
        let commodityFilter = request.query("komoditas").flatMap { $0.isEmpty ? nil : $0 }
        let marketFilter = request.query("pasar").flatMap { $0.isEmpty ? nil : $0 }
        let data = try await readPrices(request, withReferences: true)
        let commodityNames = Dictionary(data.commodities.map { ($0.commodityId, $0) }, uniquingKeysWith: { a, _ in a })
        let marketNames = Dictionary(data.markets.map { ($0.marketId, $0) }, uniquingKeysWith: { a, _ in a })
        if let commodityFilter, commodityNames[commodityFilter] == nil {
            throw PortalError.notFound("Komoditas \(commodityFilter) tidak dikenal. Pilih komoditas dari daftar.", tab: .prices)
        }
        if let marketFilter, marketNames[marketFilter] == nil {
            throw PortalError.notFound("Pasar \(marketFilter) tidak dikenal. Pilih pasar dari daftar.", tab: .prices)
        }
        let commodities = Self.sortedCommodities(data.commodities).filter { commodityFilter == nil || $0.commodityId == commodityFilter }
        let markets = data.markets.sorted { $0.name < $1.name }

        var content: HTML = """
            <h1>Harga bahan pokok di pasar Kota Mataram</h1>
            """
        guard let latestDay = data.latestDay else {
            content += "<p class=\"lead\">Belum ada laporan harga.</p>"
            return PortalLayout.response(PortalLayout.page(title: "Harga Pasar", tab: .prices, content))
        }
        content += """
            <p class="lead">Harga terbaru per \(IndonesianFormat.date(latestDay)), dilaporkan petugas Dinas Perdagangan dari \(IndonesianFormat.integer(data.markets.count)) pasar.</p>
            """
        let relevantAlerts = data.alerts.filter { commodityFilter == nil || $0.commodityId == commodityFilter }
        if let newest = relevantAlerts.max(by: { ($0.day, $0.risePercent) < ($1.day, $1.risePercent) }) {
            content += """
                <p class="notice"><strong>Kenaikan harga terbaru:</strong> \(newest.commodityName ?? newest.commodityId) naik \(IndonesianFormat.percent(newest.risePercent)) pada \(IndonesianFormat.date(newest.day)). <a href="#peringatan">Lihat \(IndonesianFormat.integer(relevantAlerts.count)) peringatan</a></p>
                """
        }
        // Filters: plain GET form, works without script.
        let commodityOptions = Self.sortedCommodities(data.commodities).map { c -> HTML in
            c.commodityId == commodityFilter
                ? "<option value=\"\(c.commodityId)\" selected>\(c.name)</option>" : "<option value=\"\(c.commodityId)\">\(c.name)</option>"
        }
        let marketOptions = markets.map { m -> HTML in
            m.marketId == marketFilter
                ? "<option value=\"\(m.marketId)\" selected>\(m.name)</option>" : "<option value=\"\(m.marketId)\">\(m.name)</option>"
        }
        content += """
            <form class="inline card" method="get" action="/harga-pasar" role="search" aria-label="Saring harga">
            <div><label for="komoditas">Komoditas</label><select id="komoditas" name="komoditas"><option value="">Semua komoditas</option>\(commodityOptions)</select></div>
            <div><label for="pasar">Pasar</label><select id="pasar" name="pasar"><option value="">Semua pasar</option>\(marketOptions)</select></div>
            <div><button type="submit">Tampilkan</button></div>
            </form>
            """

        // The latest prices, grouped by commodity.
        var rows: [HTML] = []
        for c in commodities {
            let prices = data.latest.filter { $0.commodityId == c.commodityId && (marketFilter == nil || $0.marketId == marketFilter) }
                .sorted { ($0.marketName ?? $0.marketId, $0.priceType.rawValue) < ($1.marketName ?? $1.marketId, $1.priceType.rawValue) }
            let median = data.today.first { $0.commodityId == c.commodityId && $0.level == .traditionalMarket }
            let medianText: HTML =
                median.map {
                    " <span class=\"tag\">median pasar tradisional \(IndonesianFormat.money($0.median, currency: $0.currency))/\($0.unit)</span>"
                } ?? .empty
            let referenceTags = (data.references[c.commodityId] ?? []).map { r -> HTML in
                " <span class=\"tag\" title=\"\(r.source)\">\(Self.referenceText(r))</span>"
            }
            rows.append(
                """
                <tr><th scope="rowgroup" colspan="2"><a href="/harga-pasar/\(HTML.percentEncode(c.commodityId))">\(c.name)</a> <span class="muted">per \(c.unit)</span>\(medianText)\(referenceTags)</th></tr>
                """)
            if prices.isEmpty {
                rows.append("<tr><td colspan=\"2\" class=\"muted\">Belum ada laporan.</td></tr>")
            }
            for p in prices {
                let name = p.marketName ?? p.marketId
                let type: HTML = p.priceType == .wholesale ? " <span class=\"tag\">grosir</span>" : .empty
                let stale: HTML =
                    p.observedOn < latestDay ? "<br><span class=\"muted\">\(IndonesianFormat.date(p.observedOn))</span>" : .empty
                let corrected: HTML = p.correction == nil ? .empty : " <span class=\"tag\">dikoreksi</span>"
                let over = (data.checks[p.eventId]?.references ?? []).filter(\.above).map { r -> HTML in
                    " <span class=\"tag up\">di atas \(r.kind.rawValue) \(IndonesianFormat.money(r.amount, currency: p.currency))</span>"
                }
                rows.append(
                    """
                    <tr><td><a href="/harga-pasar?pasar=\(HTML.percentEncode(p.marketId))">\(name)</a>\(type)</td><td class="num">\(IndonesianFormat.money(p.price, currency: p.currency))\(corrected)\(over)\(stale)</td></tr>
                    """)
            }
        }
        let scope: String =
            switch (commodityFilter.flatMap { commodityNames[$0]?.name }, marketFilter.flatMap { marketNames[$0]?.name }) {
            case let (c?, m?): "\(c) di \(m)"
            case let (c?, nil): "\(c) di semua pasar"
            case let (nil, m?): "Semua komoditas di \(m)"
            case (nil, nil): "Semua komoditas di semua pasar"
            }
        content += """
            <h2 id="harga-terbaru">Harga terbaru</h2>
            <p class="muted">\(scope). Ketuk nama komoditas untuk melihat tren 30 hari, atau nama pasar untuk melihat hanya pasar itu.</p>
            <div class="table-wrap"><table>
            <caption>Harga terbaru per komoditas dan pasar (\(IndonesianFormat.date(latestDay)))</caption>
            <thead><tr><th scope="col">Pasar</th><th scope="col" class="num">Harga</th></tr></thead>
            <tbody>\(rows)</tbody>
            </table></div>
            """
        if !data.references.isEmpty {
            let sources = Set(data.references.values.joined().map(\.source)).sorted().map { s -> HTML in "<li>\(s)</li>" }
            content += """
                <p class="muted" id="acuan"><strong>HET</strong>: harga eceran tertinggi, batas harga yang tidak boleh dilampaui pedagang eceran. <strong>HAP</strong>: harga acuan penjualan di konsumen yang ditetapkan pemerintah. Harga yang melampauinya ditandai <span class="tag up">di atas HET</span> atau <span class="tag up">di atas HAP</span>. Dasar hukum:</p>
                <ul class="muted">\(sources)</ul>
                """
        }
        if let commodityFilter, let c = commodityNames[commodityFilter] {
            let series = try await services.views(request) { views in
                try MarketPricesQueries.trend(try views.view(PricesViews.daily), commodityId: commodityFilter)
            }
            content += Self.trendsHTML(series, commodity: c)
        }
        content += Self.alertsHTML(relevantAlerts, limit: commodityFilter == nil ? 6 : nil)
        return PortalLayout.response(
            PortalLayout.page(title: "Harga Pasar", tab: .prices, description: "Harga terbaru bahan pokok di pasar Kota Mataram.", content))
    }

    /// `GET /harga-pasar/{commodityId}`: one commodity: its latest prices by market, its 30-day
    /// trend (chart and table) and its alerts.
    @Sendable func commodity(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("commodityId")
        let data = try await readPrices(request, commodityId: id)
        guard let c = data.commodities.first(where: { $0.commodityId == id }) else {
            throw PortalError.notFound("Komoditas \(id) tidak dikenal. Lihat daftar di halaman Harga Pasar.", tab: .prices)
        }
        let series = try await services.views(request) { views in
            try MarketPricesQueries.trend(try views.view(PricesViews.daily), commodityId: id)
        }
        var content: HTML = """
            <p><a href="/harga-pasar">← Semua harga</a></p>
            <h1>\(c.name)</h1>
            <p class="lead">Kategori \(c.category), harga per \(c.unit).</p>
            """
        if let latestDay = data.latestDay {
            let rows = data.latest.sorted { ($0.price, $0.marketId) < ($1.price, $1.marketId) }.map { p -> HTML in
                let type: HTML = p.priceType == .wholesale ? " <span class=\"tag\">grosir</span>" : .empty
                let day: HTML = p.observedOn < latestDay ? " <span class=\"muted\">(\(IndonesianFormat.date(p.observedOn)))</span>" : .empty
                return """
                    <tr><td>\(p.marketName ?? p.marketId)\(type)</td><td class="num">\(IndonesianFormat.money(p.price, currency: p.currency))\(day)</td></tr>
                    """
            }
            // One block per price level: PIHPS never pools pasar, supermarket and wholesale prices.
            let names = Dictionary(data.latest.map { ($0.marketId, $0.marketName ?? $0.marketId) }, uniquingKeysWith: { a, _ in a })
            let stats: [HTML] = data.today.sorted { Self.levelRank($0.level) < Self.levelRank($1.level) }.map { s -> HTML in
                let level = Self.levelName(s.level)
                // Disparity between the markets of the level (PIHPS compares markets of one level only).
                let disparity: HTML =
                    s.disparity.map { d in
                        """
                        <p>Disparitas antar pasar: termahal \(names[d.dearest.marketId] ?? d.dearest.marketId) (\(IndonesianFormat.money(d.dearest.price, currency: s.currency))), \(IndonesianFormat.number(d.ratio, fractionDigits: 2))× termurah \(names[d.cheapest.marketId] ?? d.cheapest.marketId) (\(IndonesianFormat.money(d.cheapest.price, currency: s.currency))); koefisien variasi \(IndonesianFormat.number(d.coefficientOfVariation, fractionDigits: 1))%.</p>
                        """
                    } ?? .empty
                return """
                    <h3>Tingkat \(level)</h3>
                    <ul class="stats three" aria-label="Harga di tingkat \(level)">
                    <li>Median<b>\(IndonesianFormat.money(s.median, currency: s.currency))</b></li>
                    <li>Terendah<b>\(IndonesianFormat.money(s.min, currency: s.currency))</b></li>
                    <li>Tertinggi<b>\(IndonesianFormat.money(s.max, currency: s.currency))</b></li>
                    </ul>
                    \(disparity)
                    """
            }
            content += """
                <h2>Harga terbaru, \(IndonesianFormat.date(latestDay))</h2>
                \(stats)
                <div class="table-wrap"><table>
                <caption>Harga \(c.name) per pasar, termurah dahulu</caption>
                <thead><tr><th scope="col">Pasar</th><th scope="col" class="num">Harga per \(c.unit)</th></tr></thead>
                <tbody>\(rows)</tbody></table></div>
                """
        } else {
            content += "<p>Belum ada laporan harga untuk komoditas ini.</p>"
        }
        content += Self.trendsHTML(series, commodity: c)
        content += Self.alertsHTML(data.alerts, limit: nil)
        return PortalLayout.response(
            PortalLayout.page(title: c.name, tab: .prices, description: "Harga dan tren 30 hari \(c.name) di Kota Mataram.", content))
    }

    /// The trend charts of a commodity, one per price level (pasar tradisional first), each with its
    /// figures in a table.
    static func trendsHTML(_ series: [TrendSeries], commodity c: CommodityRegistered) -> HTML {
        let ordered = series.sorted { levelRank($0.level) < levelRank($1.level) }
        var out: HTML = "<h2 id=\"tren\">Tren 30 hari</h2>"
        if ordered.isEmpty { return out + "<p>Belum ada data untuk grafik.</p>" }
        for (i, s) in ordered.enumerated() {
            let title =
                "Harga \(c.name) di tingkat \(levelName(s.level)) per \(s.unit), \(IndonesianFormat.date(s.from)) sampai \(IndonesianFormat.date(s.to))"
            let national = Dictionary((s.national ?? []).map { ($0.date, $0.price) }, uniquingKeysWith: { a, _ in a })
            let rows = s.points.reversed().map { p -> HTML in
                let nationalCell: HTML =
                    s.national == nil
                    ? .empty : "<td class=\"num\">\(national[p.date].map { IndonesianFormat.money($0, currency: s.currency) } ?? "–")</td>"
                return """
                    <tr><td>\(IndonesianFormat.date(p.date))</td><td class="num">\(IndonesianFormat.money(p.median, currency: s.currency))</td><td class="num">\(IndonesianFormat.money(p.min, currency: s.currency)) – \(IndonesianFormat.money(p.max, currency: s.currency))</td><td class="num">\(IndonesianFormat.integer(p.count))</td>\(nationalCell)</tr>
                    """
            }
            // The city against the nation: the latest day both have.
            var comparison: HTML = .empty
            if let p = s.points.last(where: { national[$0.date] != nil }), let n = national[p.date], n.scaled > 0 {
                let percent = Double(p.median.scaled - n.scaled) / Double(n.scaled) * 100
                let direction = percent >= 0 ? "lebih tinggi" : "lebih rendah"
                comparison = """
                    <p>Pada \(IndonesianFormat.date(p.date)), median pasar tradisional Kota Mataram \(IndonesianFormat.money(p.median, currency: s.currency)), rata-rata nasional pasar tradisional (PIHPS, Bank Indonesia) \(IndonesianFormat.money(n, currency: s.currency)): \(IndonesianFormat.percent(abs(percent))) \(direction).</p>
                    """
            }
            let nationalHeader: HTML = s.national == nil ? .empty : "<th scope=\"col\" class=\"num\">Nasional (PIHPS)</th>"
            out += """
                <h3>\(title)</h3>
                \(PortalCharts.trend(s, title: title, id: "tren-\(i)"))
                \(comparison)
                <details><summary>Lihat angka per hari</summary>
                <div class="table-wrap"><table><caption>\(title)</caption>
                <thead><tr><th scope="col">Tanggal</th><th scope="col" class="num">Median</th><th scope="col" class="num">Terendah – tertinggi</th><th scope="col" class="num">Laporan</th>\(nationalHeader)</tr></thead>
                <tbody>\(rows)</tbody></table></div>
                </details>
                """
        }
        return out
    }

    /// The alerts (a city median up 10% or more on the previous 7 days), newest first; at most
    /// `limit` shown, the rest behind a disclosure.
    static func alertsHTML(_ alerts: [PriceAlert], limit: Int?) -> HTML {
        let sorted = alerts.sorted { ($0.day, $0.risePercent) > ($1.day, $1.risePercent) }
        var out: HTML = """
            <h2 id="peringatan">Peringatan kenaikan harga</h2>
            <p class="muted">Muncul bila median harga kota suatu hari naik 10% atau lebih dibanding median 7 hari sebelumnya.</p>
            """
        guard !sorted.isEmpty else { return out + "<p>Tidak ada kenaikan harga 10% atau lebih.</p>" }
        func items(_ list: ArraySlice<PriceAlert>) -> [HTML] {
            list.map { a in
                let grosir: HTML = " <span class=\"tag\">\(levelName(a.level))</span>"
                return """
                    <li><div class="what"><a href="/harga-pasar/\(HTML.percentEncode(a.commodityId))">\(a.commodityName ?? a.commodityId)</a>\(grosir)<span class="tag up">naik \(IndonesianFormat.percent(a.risePercent))</span></div>\
                    <span class="muted">\(IndonesianFormat.date(a.day)): median \(IndonesianFormat.money(a.median, currency: a.currency))/\(a.unit), sebelumnya \(IndonesianFormat.money(a.baseline, currency: a.currency))</span></li>
                    """
            }
        }
        let shown = limit.map { sorted.prefix($0) } ?? sorted[...]
        out += """
            <p>\(IndonesianFormat.integer(sorted.count)) peringatan, terbaru dahulu:</p>
            <ul class="alerts">\(items(shown))</ul>
            """
        if sorted.count > shown.count {
            out += """
                <details><summary>Lihat \(IndonesianFormat.integer(sorted.count - shown.count)) peringatan lainnya</summary>
                <ul class="alerts">\(items(sorted.dropFirst(shown.count)))</ul>
                </details>
                """
        }
        return out
    }
}
