import AidLogistics
import DomainKit
import EventLog
import Foundation
import Hummingbird
import JSON
import LumbungCore
import PersonalData
import Projections

/// The household register on the posko's screens (aid-writer; admin; a scoped key only at its
/// warehouses): registering a household (its KK number and head's name sealed by the server),
/// handing aid to chosen households in a round (`serve-households`: the distribution's counts
/// come from the register; a household served twice in a round is refused, 409), and the
/// handover report (BAST, berita acara serah terima) of such a distribution, printable on A4 with
/// a QR code of the public proof of its `aid.household-served`.
///
/// The pages show a KK number masked (its last four digits) and the head's name; once the household
/// was forgotten (`privacy forget --kk`) both read `[dihapus]`.
///
/// Both forms name their incident (`insiden`, a select of the declared incidents, the latest
/// first, as on the other aid forms; the latest when the form names none).
///
/// Routes: `GET /petugas/bantuan/{warehouseId}/keluarga`, `POST /petugas/bantuan/{warehouseId}/keluarga`
/// (`insiden`, `kk`, `nama`, `anggota`, `desa`, `bayi`, `lansia`, `disabilitas`, `hamil`, `eventId`),
/// `POST /petugas/bantuan/{warehouseId}/keluarga/salurkan` (`insiden`, `putaran`, `barang`, `jumlah`,
/// `hh-<householdId>` per chosen household, `eventId`), `POST /petugas/bantuan/{warehouseId}/keluarga/impor`
/// (`multipart/form-data`: `insiden`, `berkas`, the roster as a CSV file, `eventId`: all households
/// or none, a refusal naming its line), `GET /petugas/bantuan/{warehouseId}/bast/{distributionId}`.
extension AidScreens {
    func addHouseholdRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath("\(Self.homePath)/{warehouseId}/keluarga"), use: staff.screen(Self.roles, householdsPage))
        router.post(RouterPath("\(Self.homePath)/{warehouseId}/keluarga"), use: staff.screen(Self.roles, registerHousehold))
        router.post(RouterPath("\(Self.homePath)/{warehouseId}/keluarga/salurkan"), use: staff.screen(Self.roles, serveHouseholds))
        router.post(RouterPath("\(Self.homePath)/{warehouseId}/keluarga/impor"), use: staff.screen(Self.roles, importRoster))
        router.get(RouterPath("\(Self.homePath)/{warehouseId}/bast/{distributionId}"), use: staff.screen(Self.roles, handoverReport))
    }

    /// `GET .../keluarga`: the households this posko registered, the two forms, its BASTs.
    @Sendable func householdsPage(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        try await householdPage(request, context, staff)
    }

    /// `POST .../keluarga`: registers a household.
    @Sendable func registerHousehold(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let here = try await warehouse(request, context, staff)
        let form = staff.form
        guard let members = Self.count(form["anggota"]), let counts = Self.vulnerableCounts(form) else {
            return try await householdPage(
                request, context, staff, status: .badRequest, notice: (false, "Jumlah anggota dan anggota rentan harus bilangan bulat."),
                typed: form)
        }
        let kk = (form["kk"] ?? "").filter { !$0.isWhitespace }
        let body: [(String, JSONValue)] = [
            ("incidentId", .string(try await incident(form, request))),
            ("warehouseId", .string(here.warehouseId)), ("kelurahanCode", .string(form["desa"] ?? here.kelurahanCode)),
            ("kk", .string(kk)), ("headName", .string((form["nama"] ?? "").trimmingCharacters(in: .whitespaces))),
            ("members", .number(Double(members))),
            (
                "vulnerable",
                .object([
                    ("infants", .number(Double(counts[0]))), ("elderly", .number(Double(counts[1]))),
                    ("disabled", .number(Double(counts[2]))), ("pregnant", .number(Double(counts[3]))),
                ])
            ),
        ]
        return try await householdCommand("register-household", body, request, context, staff) { outcome in
            "Keluarga \(outcome.ids["householdId"] ?? "") terdaftar (\(members) jiwa)."
        }
    }

    /// `POST .../keluarga/salurkan`: hands one item to the chosen households in a round.
    @Sendable func serveHouseholds(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let here = try await warehouse(request, context, staff)
        let form = staff.form
        let (item, unit) = Self.itemAndUnit(form["barang"])
        guard let quantity = Self.count(form["jumlah"]) else {
            return try await householdPage(
                request, context, staff, status: .badRequest, notice: (false, "Jumlah harus bilangan bulat."), typed: form)
        }
        let chosen = form.filter { $0.key.hasPrefix("hh-") && !$0.value.isEmpty }.map { String($0.key.dropFirst(3)) }.sorted()
        guard !chosen.isEmpty else {
            return try await householdPage(
                request, context, staff, status: .badRequest, notice: (false, "Pilih sedikitnya satu keluarga."), typed: form)
        }
        let body: [(String, JSONValue)] = [
            ("incidentId", .string(try await incident(form, request))),
            ("warehouseId", .string(here.warehouseId)), ("round", .string((form["putaran"] ?? "").trimmingCharacters(in: .whitespaces))),
            ("householdIds", .array(chosen.map { .string($0) })),
            ("lines", .array([.object([("item", .string(item)), ("unit", .string(unit)), ("quantity", .number(Double(quantity)))])])),
        ]
        return try await householdCommand("serve-households", body, request, context, staff) { outcome in
            let id = outcome.ids["distributionId"] ?? ""
            return
                "\(quantity) \(unit) \(item) disalurkan kepada \(chosen.count) keluarga. Cetak BAST-nya: \(Self.path(here.warehouseId))/bast/\(id)"
        }
    }

    /// `POST .../keluarga/impor`: registers a roster uploaded as a CSV file (the columns of
    /// `HouseholdRoster`), all or nothing; a refusal names its line and field in Indonesian.
    @Sendable func importRoster(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let here = try await warehouse(request, context, staff)
        let form = staff.form
        let text = form["berkas"] ?? ""
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return try await householdPage(
                request, context, staff, status: .badRequest, notice: (false, "Pilih berkas CSV daftar keluarga."), typed: form)
        }
        let incidentId = try await incident(form, request)
        return try await runForm(staff, refusal: Self.rosterRefusal) { status, notice, typed in
            try await householdPage(request, context, staff, status: status, notice: notice, typed: typed)
        } write: { id in
            let (ids, written) = try await services.importRoster(
                text, warehouseId: here.warehouseId, incidentId: incidentId, caller: staff.key, eventID: id)
            return ("\(ids.count) keluarga dari berkas terdaftar.", written)
        }
    }

    /// A roster's refusal (`line <n>: <field>: <reason>`) in Indonesian, naming the file's line:
    /// "Tidak dicatat: baris n berkas, <label> (<field>): ...".
    static func rosterRefusal(_ error: EventLogError) -> String {
        let lead = "Tidak dicatat: "
        guard error.message.hasPrefix("line "), let colon = error.message.firstIndex(of: ":") else { return StaffRefusal.message(error) }
        let line = error.message[error.message.index(error.message.startIndex, offsetBy: 5)..<colon]
        let rest = String(error.message[error.message.index(after: colon)...].drop { $0 == " " })
        let message = StaffRefusal.message(EventLogError(error.code, rest, field: error.field))
        return lead + "baris \(line) berkas, " + message.dropFirst(message.hasPrefix(lead) ? lead.count : 0)
    }

    /// `GET .../bast/{distributionId}`: the handover report of a distribution from this posko that
    /// named its households: items, households (KK masked, head's name, members, vulnerable), totals,
    /// boxes for the signatures, and a QR code of the public proof of its `aid.household-served`.
    @Sendable func handoverReport(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let here = try await warehouse(request, context, staff)
        let id = try context.path("distributionId")
        guard
            let found = try await services.views(
                request, { views in try AidQueries.householdDistribution(try views.view(AidViews.households), distributionId: id) }),
            found.distribution.warehouseId == here.warehouseId, let servedAt = found.distribution.servedPosition
        else {
            throw PortalError.notFound("Tidak ada penyaluran per keluarga \(id.prefix(100)) dari \(here.name).")
        }
        let d = found.distribution
        let vault = services.vault
        let proof = ProofPages.url(position: servedAt, request: request, https: self.staff.overHTTPS(request, context))
        let qr = QRCode.svg(proof, size: 160, label: "Kode QR bukti serah terima \(d.distributionId)") ?? .empty
        let desa = Self.desa(near: d.kelurahanCode).first { $0.code == d.kelurahanCode }
        let items = d.lines.map { l -> HTML in "<tr><td>\(l.item)</td><td class=\"num\">\(l.quantity)</td><td>\(l.unit)</td></tr>" }
        let rows = found.households.enumerated().map { i, h -> HTML in
            let opened = h.opened(in: vault)
            return
                "<tr><td class=\"num\">\(i + 1)</td><td class=\"code\">\(Self.masked(opened.kk))</td><td>\(opened.headName)</td><td class=\"num\">\(h.members)</td><td>\(Self.vulnerableText(h.vulnerable))</td><td class=\"sign\"></td></tr>"
        }
        let content: HTML = """
            <style>@page { size: A4; margin: 15mm } @media print { header, nav, footer, .staffbar, .no-print { display: none !important } body { background: #fff } .card { border: 0; box-shadow: none } }
            .waybill { display: grid; grid-template-columns: 1fr auto; gap: 1rem; align-items: start } .signatures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 1rem; margin-top: 2rem } .signatures div { border-top: 1px solid #000; padding-top: .3rem; min-height: 5rem } .waybill figure { margin: 0; max-width: 170px } .waybill figcaption { word-break: break-all; font-size: .8rem } td.sign { min-width: 6rem } tr { page-break-inside: avoid }</style>
            <p class="no-print"><a href="\(Self.path(here.warehouseId))/keluarga">Kembali</a> · Cetak halaman ini (Ctrl+P).</p>
            <section class="card">
            <div class="waybill"><div>
            <h1>BERITA ACARA SERAH TERIMA BANTUAN</h1>
            <p>Nomor penyaluran <strong class="code">\(d.distributionId)</strong> · Putaran <strong>\(d.round ?? "")</strong></p>
            <p>Tanggal \(IndonesianFormat.dateTime(d.distributedAt))</p>
            <p>Dari: \(here.name), \(here.kelurahanName), \(here.kecamatanName)<br>Kepada: keluarga di \(desa.map { "\($0.name), \($0.kecamatan)" } ?? d.kelurahanCode) (\(d.kelurahanCode))</p>
            </div><figure>\(qr)<figcaption class="muted">Bukti di log: <span class="code">\(proof)</span></figcaption></figure></div>
            <h2>Barang</h2>
            <table><thead><tr><th>Barang</th><th>Jumlah</th><th>Satuan</th></tr></thead><tbody>\(items)</tbody></table>
            <h2>Keluarga penerima</h2>
            <table><thead><tr><th>No</th><th>Nomor KK</th><th>Kepala keluarga</th><th>Jiwa</th><th>Rentan</th><th>Tanda tangan / cap jempol</th></tr></thead><tbody>\(rows)</tbody></table>
            <p>Jumlah: <strong>\(d.households) KK</strong>, <strong>\(d.people) jiwa</strong> (dari daftar keluarga).</p>
            <div class="signatures"><div>Yang menyerahkan (petugas posko)</div><div>Yang menerima (kepala desa/lurah)</div><div>Saksi</div></div>
            </section>
            """
        return StaffLayout.response(title: "BAST \(d.distributionId)", session: staff.session, content)
    }

    // MARK: - Parts

    /// Runs a household command with the form's event id; answers the household page with what was
    /// done, or with the reason and its status (nothing written, what was typed kept).
    private func householdCommand(
        _ name: String, _ body: [(String, JSONValue)], _ request: Request, _ context: AppRequestContext, _ staff: StaffRequest,
        done: (CommandOutcome) -> String
    ) async throws -> Response {
        try await runForm(name, body, staff, done: done) { status, notice, typed in
            try await householdPage(request, context, staff, status: status, notice: notice, typed: typed)
        }
    }

    private func householdPage(
        _ request: Request, _ context: AppRequestContext, _ staff: StaffRequest, status: HTTPResponse.Status = .ok,
        notice: (ok: Bool, text: String)? = nil, typed: [String: String] = [:]
    ) async throws -> Response {
        let here = try await warehouse(request, context, staff)
        let (households, distributions, rounds) = try await services.views(request) { views in
            let view = try views.view(AidViews.households)
            return (
                try AidQueries.households(view, warehouseId: here.warehouseId),
                try AidQueries.householdDistributions(view, warehouseId: here.warehouseId), try AidQueries.rounds(view)
            )
        }
        let items = try await stock(request).first { $0.warehouse.warehouseId == here.warehouseId }?.items.filter { $0.onHand > 0 } ?? []
        let vault = services.vault
        let names = Dictionary(Self.desa(near: here.kelurahanCode).map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows = households.map { h -> HTML in
            let opened = h.opened(in: vault)
            let checked = typed["hh-\(h.householdId)"] != nil ? " checked" : ""
            return """
                <tr><td><input type="checkbox" id="hh-\(h.householdId)" name="hh-\(h.householdId)" value="1" form="salurkan"\(checked)><label class="visually-hidden" for="hh-\(h.householdId)">Pilih \(h.householdId)</label></td>
                <td class="code">\(h.householdId)</td><td class="code">\(Self.masked(opened.kk))</td><td>\(opened.headName)</td><td>\(names[h.kelurahanCode] ?? h.kelurahanCode)</td><td class="num">\(h.members)</td><td>\(Self.vulnerableText(h.vulnerable))</td></tr>
                """
        }
        let desaOptions = Self.desa(near: here.kelurahanCode).map { k -> HTML in
            let chosen = (typed["desa"] ?? here.kelurahanCode) == k.code
            return "<option value=\"\(k.code)\"\(chosen ? " selected" : "")>\(k.name), \(k.kecamatan)</option>"
        }
        let itemOptions = items.map { i -> HTML in
            let value = "\(i.item)|\(i.unit)"
            return "<option value=\"\(value)\"\(typed["barang"] == value ? " selected" : "")>\(i.item) (\(i.onHand) \(i.unit))</option>"
        }
        let reports = distributions.map { d -> HTML in
            "<li><a href=\"\(Self.path(here.warehouseId))/bast/\(HTML.percentEncode(d.distributionId))\">\(d.distributionId)</a> · putaran \(d.round ?? "") · \(d.households) KK, \(d.people) jiwa · \(IndonesianFormat.dateTime(d.distributedAt))</li>"
        }
        // Households and people served per round in the desa this posko serves (counts from the register).
        let roundRows = rounds.filter { names[$0.kelurahanCode] != nil }.map { r -> HTML in
            "<tr><td>\(r.round)</td><td>\(names[r.kelurahanCode] ?? r.kelurahanCode)</td><td class=\"num\">\(r.distributions)</td><td class=\"num\">\(r.households)</td><td class=\"num\">\(r.people)</td></tr>"
        }
        // The incident each form is for, as on the other aid forms (the latest declared first).
        let incidentOptions = try await incidents(request).enumerated().map { i, incident -> HTML in
            let chosen = typed["insiden"].map { $0 == incident.incidentId } ?? (i == 0)
            return "<option value=\"\(incident.incidentId)\"\(chosen ? " selected" : "")>\(incident.name)</option>"
        }
        func incidentField(_ form: String, _ hint: String) -> HTML {
            "<div><label for=\"insiden-\(form)\">Bencana <span class=\"hint\">\(hint)</span></label><select id=\"insiden-\(form)\" name=\"insiden\" required>\(HTML(joining: incidentOptions))</select></div>"
        }
        let csrf = StaffForm.csrfField(staff.session)
        let alert = notice.map { StaffLayout.notice(ok: $0.ok, $0.text) } ?? .empty
        let base = Self.path(here.warehouseId)
        func number(_ name: String, _ label: String, required: Bool = false) -> HTML {
            "<div><label for=\"\(name)\">\(label)</label><input id=\"\(name)\" name=\"\(name)\" inputmode=\"numeric\" maxlength=\"4\"\(required ? " required" : "") value=\"\(typed[name] ?? (required ? "" : "0"))\"></div>"
        }
        let serveForm: HTML =
            households.isEmpty || items.isEmpty
            ? "<p class=\"muted\">Penyaluran per keluarga memerlukan keluarga terdaftar dan stok di posko ini.</p>"
            : """
            <form class="stack" id="salurkan" method="post" action="\(base)/keluarga/salurkan">\(csrf)\(StaffForm.eventIDField())
            \(incidentField("salurkan", "stok dari donasi untuk bencana ini"))
            <div><label for="putaran">Putaran <span class="hint">mis. putaran-1; satu keluarga sekali per putaran</span></label><input id="putaran" name="putaran" required maxlength="100" autocapitalize="off" value="\(typed["putaran"] ?? "putaran-1")"></div>
            <div><label for="barang">Barang</label><select id="barang" name="barang" required>\(itemOptions)</select></div>
            <div><label for="jumlah">Jumlah seluruhnya</label><input id="jumlah" name="jumlah" inputmode="numeric" required maxlength="9" value="\(typed["jumlah"] ?? "")"></div>
            <p class="muted">Pilih keluarga penerima pada daftar di bawah. Jumlah KK dan jiwa dihitung dari daftar keluarga.</p>
            <div><button type="submit">Catat penyaluran per keluarga</button></div>
            </form>
            """
        let content: HTML = """
            <p class="no-print"><a href="\(base)">Kembali ke \(here.name)</a></p>
            <h1>Daftar keluarga · \(here.name)</h1>
            \(alert)
            <section class="card"><h2>Salurkan kepada keluarga</h2>\(serveForm)</section>
            <section class="card"><h2>Keluarga terdaftar</h2>
            \(rows.isEmpty ? "<p class=\"muted\">Belum ada keluarga terdaftar di posko ini.</p>" : "<table><thead><tr><th>Pilih</th><th>Nomor</th><th>KK</th><th>Kepala keluarga</th><th>Desa</th><th>Jiwa</th><th>Rentan</th></tr></thead><tbody>\(rows)</tbody></table>" as HTML)
            </section>
            <section class="card"><h2>Daftarkan keluarga</h2>
            <form class="stack" method="post" action="\(base)/keluarga">\(csrf)\(StaffForm.eventIDField())
            \(incidentField("daftar", "keluarga terdampak bencana ini"))
            <div><label for="kk">Nomor KK <span class="hint">16 angka</span></label><input class="code" id="kk" name="kk" inputmode="numeric" required maxlength="20" autocomplete="off" value="\(typed["kk"] ?? "")"></div>
            <div><label for="nama">Nama kepala keluarga</label><input id="nama" name="nama" required maxlength="200" autocomplete="off" value="\(typed["nama"] ?? "")"></div>
            <div><label for="desa">Desa/kelurahan</label><select id="desa" name="desa">\(desaOptions)</select></div>
            \(number("anggota", "Jumlah anggota keluarga", required: true))
            \(number("bayi", "Bayi dan balita"))
            \(number("lansia", "Lansia"))
            \(number("disabilitas", "Penyandang disabilitas"))
            \(number("hamil", "Ibu hamil"))
            <p class="muted">Nomor KK dan nama disimpan tersegel (data pribadi); layar hanya menampilkan empat angka terakhir KK.</p>
            <div><button type="submit">Daftarkan</button></div>
            </form></section>
            <section class="card"><h2>Impor daftar keluarga (CSV)</h2>
            <form class="stack" method="post" action="\(base)/keluarga/impor" enctype="multipart/form-data">\(csrf)\(StaffForm.eventIDField())
            \(incidentField("impor", "keluarga terdampak bencana ini"))
            <div><label for="berkas">Berkas CSV <span class="hint">kolom: kk, nama_kepala, anggota; boleh juga desa, bayi, lansia, disabilitas, hamil</span></label><input id="berkas" name="berkas" type="file" accept=".csv,text/csv" required></div>
            <p class="muted">Semua keluarga dalam berkas didaftarkan sekaligus, atau tidak satu pun bila ada baris yang salah (nomor barisnya disebutkan).</p>
            <div><button type="submit">Impor</button></div>
            </form></section>
            <section class="card"><h2>Per putaran dan desa</h2>
            \(roundRows.isEmpty ? "<p class=\"muted\">Belum ada.</p>" : "<table><thead><tr><th>Putaran</th><th>Desa</th><th>Penyaluran</th><th>KK</th><th>Jiwa</th></tr></thead><tbody>\(roundRows)</tbody></table>" as HTML)
            </section>
            <section class="card"><h2>Berita acara serah terima (BAST)</h2>
            \(reports.isEmpty ? "<p class=\"muted\">Belum ada penyaluran per keluarga.</p>" : "<ul>\(reports)</ul>" as HTML)
            </section>
            """
        return StaffLayout.response(title: "Daftar keluarga \(here.name)", session: staff.session, status: status, content)
    }

    /// `bayi`, `lansia`, `disabilitas`, `hamil` as typed (blank is 0), nil when one is not a count.
    static func vulnerableCounts(_ form: [String: String]) -> [Int]? {
        var out: [Int] = []
        for name in ["bayi", "lansia", "disabilitas", "hamil"] {
            let typed = (form[name] ?? "").trimmingCharacters(in: .whitespaces)
            if typed.isEmpty {
                out.append(0)
            } else if let n = count(typed), n >= 0 {
                out.append(n)
            } else {
                return nil
            }
        }
        return out
    }

    /// A KK number with all but its last four digits hidden; `[dihapus]` as it is.
    static func masked(_ kk: String) -> String {
        guard kk.count == 16 else { return kk }
        return String(repeating: "•", count: 12) + kk.suffix(4)
    }

    static func vulnerableText(_ v: Vulnerable) -> String {
        let parts = [("bayi/balita", v.infants), ("lansia", v.elderly), ("disabilitas", v.disabled), ("hamil", v.pregnant)]
            .filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }
        return parts.isEmpty ? "-" : parts.joined(separator: ", ")
    }
}
