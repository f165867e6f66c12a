import DomainKit
import EventLog
import Foundation
import Hummingbird
import JSON
import LumbungCore
import MarketPrices
import Projections

/// The screen of a prices supervisor (prices-supervisor; admin): the reports held for review
/// (outside the band around the market's recent median, or a second report of a day), each with
/// why and what it was compared with, to approve (it is published at once) or reject with a reason
/// code. A scoped key sees and decides its markets' reports only (403 otherwise, nothing
/// written); every form carries an event id, so a decision sent twice is written once.
///
/// Routes: `GET /petugas/tinjauan-harga`, `POST /petugas/tinjauan-harga/{heldEventId}`.
struct SupervisorScreens {
    let services: LumbungServices
    let staff: StaffScreens
    var domain: MarketPricesDomain { services.domains.prices }

    static let queuePath = "/petugas/tinjauan-harga"
    static let roles: [Role] = [.pricesSupervisor]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(Self.queuePath), use: staff.screen(Self.roles, queue))
        router.post(RouterPath("\(Self.queuePath)/{heldEventId}"), use: staff.screen(Self.roles, decide))
    }

    @Sendable func queue(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        try await page(request, staff: staff)
    }

    /// `POST .../{heldEventId}` (`keputusan` `setujui` or `tolak`, `kode`, `keterangan`, `eventId`).
    @Sendable func decide(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let held = try context.path("heldEventId")
        let id = try staff.eventID()
        guard let entry = try await entries(request, staff: staff, status: nil).first(where: { $0.heldEventId == held.lowercased() }) else {
            throw PortalError.notFound("Tidak ada laporan tertahan \(held.prefix(40)) di pasar Anda.")
        }
        if try services.store.position(of: id) != nil {
            return try await page(request, staff: staff, notice: (true, "Keputusan ini sudah tercatat sebelumnya; tidak dicatat dua kali."))
        }
        let approve = staff.form["keputusan"] == "setujui"
        var body: [(String, JSONValue)] = [
            ("eventId", .string(id.description)), ("heldEventId", .string(entry.heldEventId)), ("marketId", .string(entry.held.marketId)),
            ("supervisor", .string("key:\(staff.key.keyId)")),
        ]
        if let code = staff.form["kode"], !code.isEmpty, !approve { body.append(("reasonCode", .string(code))) }
        if let text = staff.form["keterangan"]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
            body.append(("reason", .string(text)))
        }
        do {
            let command = try domain.parse(
                approve ? "approve-report" : "reject-report", body: .object(body.map { (key: $0.0, value: $0.1) }))
            let (_, written) = try await services.execute(caller: staff.key) {
                let d = try domain.decide(command, now: .now())
                return CommandOutcome(events: d.events, ids: d.ids, secrets: d.secrets)
            }
            _ = await services.engine.waitFor(position: written.lastPosition, timeout: .seconds(2))
            let what = approve ? "disetujui dan kini tampil di Harga Pasar" : "ditolak dan tidak akan ditampilkan"
            return try await page(
                request, staff: staff, notice: (true, "Laporan \(entry.held.commodityId) \(entry.held.marketId) \(what)."))
        } catch let error as EventLogError {
            return try await page(request, staff: staff, status: Problem(error).status, notice: (false, "Tidak dicatat: \(error.message)"))
        }
    }

    private func entries(_ request: Request, staff: StaffRequest, status: String?) async throws -> [HeldEntry] {
        try await services.views(request) { views in
            try MarketPricesQueries.reviewQueue(try views.view(PricesViews.review), status: status)
        }.filter { staff.mayActOn($0.held.marketId) }
    }

    private func page(
        _ request: Request, staff: StaffRequest, status: HTTPResponse.Status = .ok, notice: (ok: Bool, text: String)? = nil
    ) async throws -> Response {
        let held = try await entries(request, staff: staff, status: "held")
        let names = try await services.views(request) { views in
            let view = try views.view(PricesViews.latest)
            return Dictionary(
                uniqueKeysWithValues: try MarketPricesQueries.markets(view).map { ($0.marketId, $0.name) }
                    + MarketPricesQueries.commodities(view).map { ($0.commodityId, $0.name) })
        }
        let csrf = StaffForm.csrfField(staff.session)
        let codes = RejectionReason.allCases.map { c -> HTML in "<option value=\"\(c.rawValue)\">\(c.label)</option>" }
        let cards = held.map { e -> HTML in
            let h = e.held
            let why = h.reasons.map { r -> String in
                switch r {
                case .outsideBand:
                    if let m = h.median, let lo = h.lower, let hi = h.upper {
                        return
                            "di luar rentang \(IndonesianFormat.rupiah(lo))–\(IndonesianFormat.rupiah(hi)) (median \(IndonesianFormat.rupiah(m)))"
                    }
                    return "di luar rentang wajar"
                case .duplicateDay: return "sudah ada harga terbit untuk hari itu"
                case .missedDays: return "laporan sebelumnya sudah terlalu lama"
                }
            }.joined(separator: "; ")
            let action = "\(Self.queuePath)/\(e.heldEventId)"
            return """
                <li class="card"><h2>\(names[h.commodityId] ?? h.commodityId) · \(names[h.marketId] ?? h.marketId)</h2>
                <p><strong>\(IndonesianFormat.rupiah(h.report.price))</strong> per \(h.report.unit), \(IndonesianFormat.date(h.report.observedOn)) · \(h.report.priceType == .wholesale ? "grosir" : "eceran")</p>
                <p class="muted">Ditahan: \(why).</p>
                <form class="stack" method="post" action="\(action)">\(csrf)\(StaffForm.eventIDField())<input type="hidden" name="keputusan" value="setujui">
                <div><label for="ket-s-\(e.heldEventId)">Keterangan <span class="hint">boleh kosong</span></label><input id="ket-s-\(e.heldEventId)" name="keterangan" maxlength="500"></div>
                <div><button type="submit">Setujui dan terbitkan</button></div></form>
                <form class="stack" method="post" action="\(action)">\(csrf)\(StaffForm.eventIDField())<input type="hidden" name="keputusan" value="tolak">
                <div><label for="kode-\(e.heldEventId)">Alasan penolakan</label><select id="kode-\(e.heldEventId)" name="kode" required>\(codes)</select></div>
                <div><button class="secondary" type="submit">Tolak</button></div></form></li>
                """
        }
        let alert = notice.map { StaffLayout.notice(ok: $0.ok, $0.text) } ?? .empty
        let content: HTML = """
            <h1>Tinjauan laporan harga</h1>
            \(alert)
            <p>Laporan di bawah ini ditahan sebelum terbit: harganya jauh dari median pasar itu beberapa hari terakhir, atau harga hari itu sudah ada. Publik hanya melihat laporan yang lolos pemeriksaan atau yang Anda setujui.</p>
            \(cards.isEmpty ? "<p>Tidak ada laporan yang menunggu tinjauan.</p>" : "<ul class=\"cards\">\(cards)</ul>" as HTML)
            """
        return StaffLayout.response(title: "Tinjauan laporan harga", session: staff.session, status: status, content)
    }
}
