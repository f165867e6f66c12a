import DomainKit
import EventLog
import Foundation
import Hummingbird
import JSON
import LumbungCore
import MarketPrices
import Projections

/// The screens of a market enumerator (prices-writer; admin): a market's daily form, one price per
/// commodity, made for a phone at the market. A scoped key sees only its markets (403 otherwise,
/// nothing written).
///
/// Offline-tolerant: each commodity's report gets its event id when the form is drawn, and the
/// day is part of the form, so a form filled without signal and sent later (or sent twice) is
/// written once, for the day it was filled. Prices are read the Indonesian way: `11.750` or
/// `11750`, a comma before decimals. All the prices of a form are written together or, when one
/// is refused, none (the form comes back with the reason and what was typed).
///
/// Routes: `GET /petugas/harga[?pasar=]`, `POST /petugas/harga/{marketId}`.
struct EnumeratorScreens {
    let services: LumbungServices
    let staff: StaffScreens
    var domain: MarketPricesDomain { services.domains.prices }

    static let formPath = "/petugas/harga"
    static let roles: [Role] = [.pricesWriter]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(Self.formPath), use: staff.screen(Self.roles, form))
        router.post(RouterPath("\(Self.formPath)/{marketId}"), use: staff.screen(Self.roles, report))
    }

    /// `GET /petugas/harga[?pasar=]`: the daily form of a market; without `pasar`, the key's only
    /// market or a choice.
    @Sendable func form(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let (markets, commodities) = try await catalog(request)
        let mine = markets.filter { staff.mayActOn($0.marketId) }
        guard let marketId = request.query("pasar") ?? (mine.count == 1 ? mine[0].marketId : nil) else {
            let list = mine.map { m -> HTML in "<li><a href=\"\(Self.formPath)?pasar=\(HTML.percentEncode(m.marketId))\">\(m.name)</a></li>"
            }
            return StaffLayout.response(
                title: "Laporan harga", session: staff.session,
                mine.isEmpty
                    ? "<h1>Laporan harga</h1><p>Belum ada pasar yang terdaftar untuk kunci ini.</p>"
                    : "<h1>Laporan harga</h1><p>Pilih pasar:</p><ul>\(list)</ul>")
        }
        let market = try self.market(marketId, in: markets, staff: staff)
        let latest = try await services.views(request) { views in
            try MarketPricesQueries.latest(try views.view(PricesViews.latest), marketId: marketId)
        }
        return page(market, commodities: commodities, latest: latest, day: IndonesianFormat.localDay(.now()), staff: staff)
    }

    /// `POST /petugas/harga/{marketId}` (`tanggal`, `harga-<commodityId>`, `eventId-<commodityId>`):
    /// a report per price given. Reports whose event id is already in the log are not written
    /// again.
    @Sendable func report(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let (markets, commodities) = try await catalog(request)
        let marketId = try context.path("marketId")
        let market = try self.market(marketId, in: markets, staff: staff)
        let latest = try await services.views(request) { views in
            try MarketPricesQueries.latest(try views.view(PricesViews.latest), marketId: marketId)
        }
        let form = staff.form
        func again(_ status: HTTPResponse.Status, _ message: String) -> Response {
            page(
                market, commodities: commodities, latest: latest, day: nil, staff: staff, typed: form, status: status,
                notice: (false, message))
        }
        guard let dayText = form["tanggal"], let day = CivilDate(dayText) else {
            return again(.badRequest, "Tanggal pengamatan tidak sah; pilih tanggal pada formulir.")
        }
        var bodies: [JSONValue] = []
        var already = 0
        for c in commodities {
            guard let typed = form["harga-\(c.commodityId)"]?.trimmingCharacters(in: .whitespaces), !typed.isEmpty else { continue }
            guard let price = Self.rupiah(typed) else {
                return again(.badRequest, "Harga \(c.name) \"\(typed.prefix(20))\" bukan angka; tulis misalnya 11750 atau 11.750.")
            }
            guard let idText = form["eventId-\(c.commodityId)"], let id = EventID(idText) else {
                return again(.badRequest, "Formulir tidak membawa nomor kejadian untuk \(c.name); muat ulang halamannya.")
            }
            if try services.store.position(of: id) != nil {
                already += 1
                continue
            }
            bodies.append(
                .object([
                    ("eventId", .string(idText)), ("marketId", .string(marketId)), ("commodityId", .string(c.commodityId)),
                    ("unit", .string(c.unit)), ("price", .number(price)), ("observedOn", .string(day.description)),
                    ("priceType", .string(market.kind == .wholesale ? PriceType.wholesale.rawValue : PriceType.retail.rawValue)),
                    ("reporter", .string("key:\(staff.key.keyId)")),
                ]))
        }
        if bodies.isEmpty && already == 0 { return again(.badRequest, "Belum ada harga yang diisi.") }
        var written = 0
        var heldCount = 0
        if !bodies.isEmpty {
            do {
                let commands = try bodies.map { try domain.parse("report-price", body: $0) }
                let (decided, outcome) = try await services.execute(caller: staff.key) {
                    let events = try commands.flatMap { try domain.decide($0, now: .now()).events }
                    return CommandOutcome(events: events, ids: [:], secrets: [:])
                }
                written = outcome.results.count
                heldCount = decided.events.filter { $0.type == MarketPricesEventType.reportHeld }.count
                _ = await services.engine.waitFor(position: outcome.lastPosition, timeout: .seconds(2))
            } catch let error as EventLogError {
                return again(Problem(error).status, "Tidak ada harga yang dicatat: \(error.message)")
            }
        }
        let fresh = try await services.views(request) { views in
            try MarketPricesQueries.latest(try views.view(PricesViews.latest), marketId: marketId)
        }
        var message = "\(written) harga tercatat untuk \(market.name), \(IndonesianFormat.date(day))."
        if heldCount > 0 {
            message +=
                " \(heldCount) di antaranya jauh dari harga biasanya di pasar ini dan ditahan untuk diperiksa supervisor sebelum terbit."
        }
        if already > 0 { message += " \(already) harga dari formulir ini sudah tercatat sebelumnya dan tidak dicatat dua kali." }
        return page(market, commodities: commodities, latest: fresh, day: day, staff: staff, notice: (true, message))
    }

    // MARK: - Parts

    private func catalog(_ request: Request) async throws -> ([MarketRegistered], [CommodityRegistered]) {
        try await services.views(request) { views in
            let view = try views.view(PricesViews.latest)
            return (try MarketPricesQueries.markets(view), try MarketPricesQueries.commodities(view))
        }
    }

    private func market(_ id: String, in markets: [MarketRegistered], staff: StaffRequest) throws -> MarketRegistered {
        guard let market = markets.first(where: { $0.marketId == id }) else { throw PortalError.notFound("Pasar \(id) tidak terdaftar.") }
        guard staff.mayActOn(id) else {
            throw PortalError(
                status: .forbidden, title: "Di luar wilayah kerja",
                message: "Kunci \(staff.key.name) hanya untuk \(staff.key.scope?.sorted().joined(separator: ", ") ?? "-"); pasar ini \(id)."
            )
        }
        return market
    }

    /// The daily form: a row per commodity with the last price reported here as a hint; new event
    /// ids unless the form comes back (`typed`), when it keeps the ones it was sent with.
    private func page(
        _ market: MarketRegistered, commodities: [CommodityRegistered], latest: [LatestPrice], day: CivilDate?, staff: StaffRequest,
        typed: [String: String] = [:], status: HTTPResponse.Status = .ok, notice: (ok: Bool, text: String)? = nil
    ) -> Response {
        let last = Dictionary(latest.map { ($0.commodityId, $0) }, uniquingKeysWith: { a, b in a.observedOn >= b.observedOn ? a : b })
        let rows = commodities.map { c -> HTML in
            let hint: HTML =
                last[c.commodityId].map { "terakhir \(IndonesianFormat.rupiah($0.price)) (\(IndonesianFormat.shortDate($0.observedOn)))" }
                ?? "belum pernah dilaporkan di sini"
            let id = typed["eventId-\(c.commodityId)"] ?? UUID().uuidString.lowercased()
            return """
                <div><label for="h-\(c.commodityId)">\(c.name) <span class="hint">Rp per \(c.unit); \(hint)</span></label>
                <input id="h-\(c.commodityId)" name="harga-\(c.commodityId)" inputmode="decimal" autocomplete="off" maxlength="20" value="\(typed["harga-\(c.commodityId)"] ?? "")">
                <input type="hidden" name="eventId-\(c.commodityId)" value="\(id)"></div>
                """
        }
        let date = typed["tanggal"] ?? day?.description ?? IndonesianFormat.localDay(.now()).description
        let alert = notice.map { StaffLayout.notice(ok: $0.ok, $0.text) } ?? .empty
        let content: HTML = """
            <h1>Laporan harga \(market.name)</h1>
            \(alert)
            <p class="muted">Isi harga yang diamati hari ini; kosongkan komoditas yang tidak ada. Formulir ini boleh dikirim nanti bila sinyal hilang: setiap harga dicatat satu kali saja.</p>
            <form class="stack card" method="post" action="\(Self.formPath)/\(market.marketId)">\(StaffForm.csrfField(staff.session))
            <div><label for="tanggal">Tanggal pengamatan</label><input id="tanggal" name="tanggal" type="date" required value="\(date)"></div>
            \(rows)
            <div><button type="submit">Kirim laporan</button></div>
            </form>
            """
        return StaffLayout.response(title: "Laporan harga \(market.name)", session: staff.session, status: status, content)
    }

    /// A price as an enumerator types it: `11.750` or `11750` (dots group thousands), `12.500,50`
    /// (a comma before decimals); nil when it is not one, or not above zero.
    static func rupiah(_ typed: String) -> Double? {
        let text = typed.replacingOccurrences(of: "Rp", with: "").trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty else { return nil }
        let groups = whole.split(separator: ".", omittingEmptySubsequences: false)
        guard groups.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            groups.count == 1 || groups.dropFirst().allSatisfy({ $0.count == 3 })
        else { return nil }
        var number = groups.joined()
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].count <= 4, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            number += "." + parts[1]
        }
        guard let value = Double(number), value > 0 else { return nil }
        return value
    }
}
