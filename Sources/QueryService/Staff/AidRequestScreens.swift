import AidLogistics
import DomainKit
import EventLog
import Foundation
import Hummingbird
import JSON
import LumbungCore
import Projections

/// Requests, commitments and donations on the staff screens (aid-writer; admin; a scoped key only
/// at its warehouses), for a phone without script:
///
/// - a posko asks for what it lacks (`request-items`: incident, item, unit, quantity, priority,
///   the day it is needed by) and sees its requests with what was promised and what arrived;
/// - a gudang sees the open requests of the other posts and promises part or all of a line
///   (`commit-request`);
/// - either receives a donation handed in at its door (`receive-donation`: the donor, an
///   organisation or a person — whose name the server seals — the item, unit and quantity).
///
/// Every form carries an event id made when it is drawn (a resend writes once) and a CSRF token;
/// a refusal of the rules redraws the page with the reason and its status, nothing written.
///
/// Routes: `GET /petugas/bantuan/{warehouseId}/permintaan`, `POST .../permintaan` (`insiden`,
/// `barang`, `satuan`, `jumlah`, `prioritas`, `tanggal`, `eventId`), `POST .../permintaan/{requestId}/janji`
/// (`jumlah-<i>` per line, `eventId`), `POST .../donasi` (`insiden`, `donatur`, `jenis`, `barang`,
/// `satuan`, `jumlah`, `eventId`).
extension AidScreens {
    func addRequestRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath("\(Self.homePath)/{warehouseId}/permintaan"), use: staff.screen(Self.roles, requestsPage))
        router.post(RouterPath("\(Self.homePath)/{warehouseId}/permintaan"), use: staff.screen(Self.roles, requestItems))
        router.post(RouterPath("\(Self.homePath)/{warehouseId}/permintaan/{requestId}/janji"), use: staff.screen(Self.roles, commit))
        router.post(RouterPath("\(Self.homePath)/{warehouseId}/donasi"), use: staff.screen(Self.roles, receiveDonation))
    }

    /// `GET .../permintaan`.
    @Sendable func requestsPage(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        try await requestPage(request, context, staff)
    }

    /// `POST .../permintaan`: this post asks for one item.
    @Sendable func requestItems(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let here = try await warehouse(request, context, staff)
        let form = staff.form
        guard let quantity = Self.count(form["jumlah"]) else {
            return try await requestPage(request, context, staff, status: .badRequest, notice: (false, "Jumlah harus bilangan bulat."))
        }
        let day = form["tanggal"].flatMap(CivilDate.init) ?? IndonesianFormat.localDay(.now())
        let body: [(String, JSONValue)] = [
            ("incidentId", .string(try await incident(form, request))), ("warehouseId", .string(here.warehouseId)),
            (
                "lines",
                .array([
                    .object([
                        ("item", .string(Self.trimmed(form["barang"]))), ("unit", .string(Self.trimmed(form["satuan"]))),
                        ("quantity", .number(Double(quantity))),
                    ])
                ])
            ),
            ("priority", .string(form["prioritas"] ?? "sedang")), ("neededBy", .string("\(day.description)T23:59:00+08:00")),
        ]
        return try await requestCommand("request-items", body, request, context, staff) { outcome in
            "Permintaan \(outcome.ids["requestId"] ?? "") tercatat: \(quantity) \(Self.trimmed(form["satuan"])) \(Self.trimmed(form["barang"]))."
        }
    }

    /// `POST .../permintaan/{requestId}/janji`: this gudang promises what it typed per line.
    @Sendable func commit(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let here = try await warehouse(request, context, staff)
        let id = try context.path("requestId")
        guard let asked = try await services.views(request, { try AidQueries.request(try $0.view(AidViews.requests), requestId: id) })
        else {
            throw PortalError.notFound("Tidak ada permintaan \(id).")
        }
        var lines: [JSONValue] = []
        for (i, line) in asked.lines.enumerated() {
            let typed = Self.trimmed(staff.form["jumlah-\(i)"])
            guard !typed.isEmpty else { continue }
            guard let quantity = Self.count(typed), quantity > 0 else {
                return try await requestPage(
                    request, context, staff, status: .badRequest, notice: (false, "Jumlah \(line.item) harus bilangan bulat lebih dari 0."))
            }
            lines.append(
                .object([("item", .string(line.item)), ("unit", .string(line.unit)), ("quantity", .number(Double(quantity)))]))
        }
        guard !lines.isEmpty else {
            return try await requestPage(request, context, staff, status: .badRequest, notice: (false, "Isi jumlah yang dijanjikan."))
        }
        let body: [(String, JSONValue)] = [
            ("requestId", .string(id)), ("fromWarehouseId", .string(here.warehouseId)), ("lines", .array(lines)),
        ]
        return try await requestCommand("commit-request", body, request, context, staff) { _ in
            "Janji kirim untuk permintaan \(id) tercatat. Kirim barangnya dengan nomor permintaan ini."
        }
    }

    /// `POST .../donasi`: a donation handed in here.
    @Sendable func receiveDonation(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let here = try await warehouse(request, context, staff)
        let form = staff.form
        guard let quantity = Self.count(form["jumlah"]) else {
            return try await requestPage(request, context, staff, status: .badRequest, notice: (false, "Jumlah harus bilangan bulat."))
        }
        let body: [(String, JSONValue)] = [
            ("incidentId", .string(try await incident(form, request))), ("warehouseId", .string(here.warehouseId)),
            ("donor", .object([("name", .string(Self.trimmed(form["donatur"]))), ("kind", .string(form["jenis"] ?? "community"))])),
            (
                "items",
                .array([
                    .object(
                        [
                            ("item", .string(Self.trimmed(form["barang"]))), ("unit", .string(Self.trimmed(form["satuan"]))),
                            ("quantity", .number(Double(quantity))),
                        ] + (Self.trimmed(form["kedaluwarsa"]).isEmpty ? [] : [("expiresOn", .string(Self.trimmed(form["kedaluwarsa"])))]))
                ])
            ),
        ]
        return try await requestCommand("receive-donation", body, request, context, staff) { outcome in
            "Donasi \(outcome.ids["donationId"] ?? "") diterima di \(here.name): \(quantity) \(Self.trimmed(form["satuan"])) \(Self.trimmed(form["barang"]))."
        }
    }

    static func trimmed(_ value: String?) -> String { (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }

    private func requestCommand(
        _ name: String, _ body: [(String, JSONValue)], _ request: Request, _ context: AppRequestContext, _ staff: StaffRequest,
        done: (CommandOutcome) -> String
    ) async throws -> Response {
        try await runForm(name, body, staff, done: done) { status, notice, typed in
            try await requestPage(request, context, staff, status: status, notice: notice, typed: typed)
        }
    }

    static let statusNames: [RequestStatus: String] = [
        .open: "belum dikirim", .partlyFulfilled: "sebagian diterima", .fulfilled: "terpenuhi", .cancelled: "dibatalkan",
    ]

    private func requestPage(
        _ request: Request, _ context: AppRequestContext, _ staff: StaffRequest, status: HTTPResponse.Status = .ok,
        notice: (ok: Bool, text: String)? = nil, typed: [String: String] = [:]
    ) async throws -> Response {
        let here = try await warehouse(request, context, staff)
        let all = try await services.views(request) { try AidQueries.requests(try $0.view(AidViews.requests)).requests }
        let mine = all.filter { $0.warehouseId == here.warehouseId }.reversed()
        let others = all.filter { $0.warehouseId != here.warehouseId && ($0.status == .open || $0.status == .partlyFulfilled) }
        let incidentOptions = try await incidents(request).enumerated().map { i, incident -> HTML in
            let chosen = typed["insiden"].map { $0 == incident.incidentId } ?? (i == 0)
            return "<option value=\"\(incident.incidentId)\"\(chosen ? " selected" : "")>\(incident.name)</option>"
        }
        func incidentField(_ form: String) -> HTML {
            "<div><label for=\"insiden-\(form)\">Bencana</label><select id=\"insiden-\(form)\" name=\"insiden\" required>\(HTML(joining: incidentOptions))</select></div>"
        }
        let csrf = StaffForm.csrfField(staff.session)
        let alert = notice.map { StaffLayout.notice(ok: $0.ok, $0.text) } ?? .empty
        let base = Self.path(here.warehouseId)
        func lines(_ r: RequestReport.Request) -> HTML {
            HTML(
                joining: r.lines.map { l -> HTML in
                    "<tr><td>\(l.item)</td><td class=\"num\">\(l.requested) \(l.unit)</td><td class=\"num\">\(l.committed)</td><td class=\"num\">\(l.delivered)</td></tr>"
                })
        }
        let mineRows = mine.map { r -> HTML in
            """
            <li class="card"><h3 class="code">\(r.requestId)</h3><p>\(Self.statusNames[r.status] ?? r.status.rawValue), prioritas \(r.priority), dibutuhkan \(String(r.neededBy.prefix(10)))</p>
            <table><thead><tr><th>Barang</th><th>Diminta</th><th>Dijanjikan</th><th>Diterima</th></tr></thead><tbody>\(lines(r))</tbody></table></li>
            """
        }
        let commitCards = others.map { r -> HTML in
            let inputs = r.lines.enumerated().map { i, l -> HTML in
                let left = max(0, l.requested - l.committed)
                return
                    "<div><label for=\"jumlah-\(r.requestId)-\(i)\">\(l.item) <span class=\"hint\">kurang \(left) \(l.unit)</span></label><input id=\"jumlah-\(r.requestId)-\(i)\" name=\"jumlah-\(i)\" inputmode=\"numeric\" maxlength=\"9\"></div>"
            }
            return """
                <li class="card"><h3><span class="code">\(r.requestId)</span> dari \(r.warehouseName)</h3><p>\(Self.statusNames[r.status] ?? r.status.rawValue), prioritas \(r.priority), dibutuhkan \(String(r.neededBy.prefix(10)))</p>
                <table><thead><tr><th>Barang</th><th>Diminta</th><th>Dijanjikan</th><th>Diterima</th></tr></thead><tbody>\(lines(r))</tbody></table>
                <form class="stack" method="post" action="\(base)/permintaan/\(HTML.percentEncode(r.requestId))/janji">\(csrf)\(StaffForm.eventIDField())
                \(HTML(joining: inputs))
                <div><button type="submit">Janjikan kiriman</button></div></form></li>
                """
        }
        let today = IndonesianFormat.localDay(.now()).description
        // The catalog's items and units, offered as the fields are typed (a datalist works without script).
        let catalog = try await services.views(request) { try AidQueries.catalog(try $0.view(AidViews.stock)).items }
        let itemChoices = HTML(joining: catalog.map { c -> HTML in "<option value=\"\(c.item)\">\(c.name)</option>" })
        let unitChoices = HTML(joining: Array(Set(catalog.flatMap(\.units))).sorted().map { u -> HTML in "<option value=\"\(u)\">" })
        let expiring = catalog.filter(\.expires).map(\.item)
        let expiryHint =
            expiring.isEmpty
            ? "jika barang punya tanggal kedaluwarsa"
            : "wajib untuk \(expiring.joined(separator: ", "))"
        let content: HTML = """
            <datalist id="katalog-barang">\(itemChoices)</datalist><datalist id="katalog-satuan">\(unitChoices)</datalist>
            <h1>Permintaan dan donasi: \(here.name)</h1>
            <p><a href="\(base)">← Kembali ke stok</a></p>
            \(alert)
            <section class="card"><h2>Minta barang</h2>
            <form class="stack" method="post" action="\(base)/permintaan">\(csrf)\(StaffForm.eventIDField())
            \(incidentField("minta"))
            <div><label for="barang-minta">Barang</label><input id="barang-minta" name="barang" list="katalog-barang" required maxlength="100" value="\(typed["barang"] ?? "")"></div>
            <div><label for="satuan-minta">Satuan <span class="hint">mis. kg, dus, lembar</span></label><input id="satuan-minta" name="satuan" list="katalog-satuan" required maxlength="30" value="\(typed["satuan"] ?? "")"></div>
            <div><label for="jumlah-minta">Jumlah</label><input id="jumlah-minta" name="jumlah" inputmode="numeric" required maxlength="9" value="\(typed["jumlah"] ?? "")"></div>
            <div><label for="prioritas">Prioritas</label><select id="prioritas" name="prioritas"><option value="tinggi">Tinggi</option><option value="sedang" selected>Sedang</option><option value="rendah">Rendah</option></select></div>
            <div><label for="tanggal-minta">Dibutuhkan paling lambat</label><input id="tanggal-minta" name="tanggal" type="date" required value="\(typed["tanggal"] ?? today)"></div>
            <div><button type="submit">Kirim permintaan</button></div>
            </form></section>
            <section class="card"><h2>Permintaan dari sini</h2>
            \(mineRows.isEmpty ? "<p class=\"muted\">Belum ada permintaan.</p>" : "<ul class=\"cards\">\(HTML(joining: mineRows))</ul>" as HTML)
            </section>
            <section class="card"><h2>Permintaan pos lain yang belum terpenuhi</h2>
            \(commitCards.isEmpty ? "<p class=\"muted\">Tidak ada.</p>" : "<ul class=\"cards\">\(HTML(joining: commitCards))</ul>" as HTML)
            </section>
            <section class="card"><h2>Terima donasi di sini</h2>
            <form class="stack" method="post" action="\(base)/donasi">\(csrf)\(StaffForm.eventIDField())
            \(incidentField("donasi"))
            <div><label for="donatur">Donatur <span class="hint">nama lembaga, atau nama orang (disimpan tersegel)</span></label><input id="donatur" name="donatur" required maxlength="200"></div>
            <div><label for="jenis">Jenis donatur</label><select id="jenis" name="jenis"><option value="community">Kelompok masyarakat</option><option value="company">Perusahaan</option><option value="ngo">Lembaga/LSM</option><option value="government">Pemerintah</option><option value="individual">Perorangan</option></select></div>
            <div><label for="barang-donasi">Barang</label><input id="barang-donasi" name="barang" list="katalog-barang" required maxlength="100"></div>
            <div><label for="satuan-donasi">Satuan</label><input id="satuan-donasi" name="satuan" list="katalog-satuan" required maxlength="30"></div>
            <div><label for="jumlah-donasi">Jumlah</label><input id="jumlah-donasi" name="jumlah" inputmode="numeric" required maxlength="9"></div>
            <div><label for="kedaluwarsa-donasi">Kedaluwarsa <span class="hint">\(expiryHint)</span></label><input id="kedaluwarsa-donasi" name="kedaluwarsa" type="date"></div>
            <div><button type="submit">Catat donasi</button></div>
            </form></section>
            """
        return StaffLayout.response(title: "Permintaan: \(here.name)", session: staff.session, status: status, content)
    }
}
