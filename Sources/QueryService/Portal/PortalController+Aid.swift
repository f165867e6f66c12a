import AidLogistics
import DomainKit
import Foundation
import Hummingbird
import LumbungCore
import MataramReference

/// Bantuan Bencana: aid per kelurahan (with a bar chart), stock per gudang/posko, donors.
extension PortalController {
    static func warehouseKindName(_ kind: String) -> String {
        switch kind {
        case "gudang": "Gudang"
        case "posko": "Posko"
        default: kind
        }
    }

    static func donorKindName(_ kind: String) -> String {
        switch kind {
        case "government": "Pemerintah"
        case "state-company": "BUMN/BUMD"
        case "company": "Perusahaan"
        case "ngo": "Lembaga kemanusiaan"
        case "community": "Komunitas"
        case "individual": "Perorangan"
        default: kind
        }
    }

    /// The sub-pages of the aid section.
    enum AidSection { case summary, stock, needs, donors, donation }

    static func aidNav(_ current: AidSection?) -> HTML {
        let items: [(AidSection, String, String)] = [
            (.summary, "/bantuan-bencana", "Per kelurahan"), (.stock, "/bantuan-bencana/stok", "Stok gudang & posko"),
            (.needs, PortalController.needsPath, "Kebutuhan"),
            (.donors, "/bantuan-bencana/donatur", "Donatur"), (.donation, "/bantuan-bencana/donasi", "Lacak donasi"),
        ]
        let links = items.map { s, href, title -> HTML in
            s == current ? "<li><a href=\"\(href)\" aria-current=\"page\">\(title)</a></li>" : "<li><a href=\"\(href)\">\(title)</a></li>"
        }
        return "<nav aria-label=\"Bagian bantuan bencana\"><ul class=\"subnav\">\(links)</ul></nav>"
    }

    static func aidPage(title: String, _ content: HTML) -> Response {
        PortalLayout.response(
            PortalLayout.page(
                title: title, tab: .aid, description: "Penyaluran bantuan bencana di Kota Mataram: stok, kelurahan, donatur.", content))
    }

    /// What the kelurahan chart measures.
    enum AidMeasure: Equatable {
        case households, people
        case item(String, String)

        var label: String {
            switch self {
            case .households: "Keluarga (KK)"
            case .people: "Jiwa"
            case .item(let item, let unit): "\(item) (\(unit))"
            }
        }

        var href: String {
            switch self {
            case .households: "/bantuan-bencana"
            case .people: "/bantuan-bencana?ukuran=jiwa"
            case .item(let item, let unit): "/bantuan-bencana?barang=\(HTML.percentEncode(item))&satuan=\(HTML.percentEncode(unit))"
            }
        }

        func value(_ k: KelurahanReport.Kelurahan) -> Int {
            switch self {
            case .households: k.households
            case .people: k.people
            case .item(let item, let unit): k.items.first { $0.item == item && $0.unit == unit }?.distributed ?? 0
            }
        }

        func text(_ value: Int) -> String {
            switch self {
            case .households: "\(IndonesianFormat.integer(value)) KK"
            case .people: "\(IndonesianFormat.integer(value)) jiwa"
            case .item(_, let unit): IndonesianFormat.quantity(value, unit: unit)
            }
        }
    }

    /// `GET /bantuan-bencana[?ukuran=jiwa | ?barang=&satuan=]`: city totals, the bar chart of the
    /// 50 kelurahan grouped by kecamatan, the stock totals and the largest donors.
    @Sendable func aid(_ request: Request, context: AppRequestContext) async throws -> Response {
        let chosen = IncidentChoice.requested(request)
        let (report, stock, donors, incidents) = try await services.views(request) { views in
            (
                try AidQueries.kelurahan(try views.view(AidViews.kelurahan), incidentId: chosen),
                try AidQueries.stock(try views.view(AidViews.stock), incidentId: chosen),
                try AidQueries.donors(try views.view(AidViews.donors), opening: Donor.nameOpener(services.vault), incidentId: chosen),
                try AidQueries.incidents(try views.view(AidViews.incidents)).incidents
            )
        }
        let choice = try IncidentChoice(chosen, among: incidents)
        let incident = choice.incident
        let measures: [AidMeasure] =
            [.households, .people] + report.totals.items.filter { $0.distributed > 0 }.map { .item($0.item, $0.unit) }
        var measure = AidMeasure.households
        if let item = request.query("barang"), let unit = request.query("satuan") {
            measure = .item(item, unit)
            guard measures.contains(measure) else {
                throw PortalError.notFound("Belum ada penyaluran \(item) (\(unit)). Pilih ukuran lain.", tab: .aid)
            }
        } else if request.query("ukuran") == "jiwa" {
            measure = .people
        }
        let t = report.totals
        var content: HTML = """
            <h1>\(incident.map { "Bantuan bencana: \($0.name)" } ?? "Bantuan bencana")</h1>
            \(Self.aidNav(.summary))
            \(choice.nav("/bantuan-bencana") { "\($0.name) (\(IndonesianFormat.integer($0.displaced)) pengungsi)" })
            \(incident.map { i in "<p class=\"muted\">Mulai \(i.startedAt.prefix(10)); wilayah terdampak: \(i.affectedNames.joined(separator: ", ")); \(IndonesianFormat.integer(i.displaced)) pengungsi menurut laporan terakhir.</p>" as HTML } ?? .empty)
            <ul class="stats">
            <li>Keluarga<b>\(IndonesianFormat.integer(t.households)) KK</b></li>
            <li>Jiwa<b>\(IndonesianFormat.integer(t.people))</b></li>
            <li>Kelurahan terlayani<b>\(IndonesianFormat.integer(t.kelurahanServed)) dari \(IndonesianFormat.integer(report.kelurahan.count))</b></li>
            <li>Penyaluran<b>\(IndonesianFormat.integer(t.distributions))</b></li>
            </ul>
            <h2 id="kelurahan">Bantuan per kelurahan</h2>
            <p class="muted">Jumlah yang sudah disalurkan posko kepada warga, menurut kecamatan. Ketuk nama kelurahan untuk rinciannya. Jumlah keluarga dan jiwa dihitung per penyaluran.</p>
            """
        func link(_ m: AidMeasure) -> HTML {
            m == measure
                ? "<li><a href=\"\(choice.keeping(m.href))#kelurahan\" aria-current=\"true\">\(m.label)</a></li>"
                : "<li><a href=\"\(choice.keeping(m.href))#kelurahan\">\(m.label)</a></li>"
        }
        let itemMeasures = measures.filter { if case .item = $0 { true } else { false } }
        let itemOpen: HTML = itemMeasures.contains(measure) ? " open" : .empty
        content += """
            <nav aria-label="Ukuran grafik"><p class="muted">Tampilkan menurut:</p>
            <ul class="subnav">\(link(.households))\(link(.people))</ul>
            \(itemMeasures.isEmpty ? HTML.empty : "<details\(itemOpen)><summary>Barang yang disalurkan (\(IndonesianFormat.integer(itemMeasures.count)) jenis)</summary><ul class=\"subnav\">\(itemMeasures.map(link))</ul></details>")
            </nav>
            """
        var groups: [(title: String, bars: [PortalCharts.Bar])] = []
        for kec in Mataram.kecamatan {
            let bars = report.kelurahan.filter { $0.kecamatanCode == kec.code }.map { k in
                let v = measure.value(k)
                return PortalCharts.Bar(
                    label: k.name, value: v, text: measure.text(v),
                    href: choice.keeping("/bantuan-bencana/kelurahan/\(HTML.percentEncode(k.code))"))
            }
            if !bars.isEmpty { groups.append(("Kecamatan \(kec.name)", bars)) }
        }
        let top = report.kelurahan.max { measure.value($0) < measure.value($1) }
        let description =
            top.map { "Kelurahan dengan jumlah terbesar: \($0.name), \(measure.text(measure.value($0)))." } ?? "Belum ada penyaluran."
        content += PortalCharts.groupedBars(
            groups, title: "Bantuan tersalurkan per kelurahan: \(measure.label)", description: description, id: "grafik-kelurahan")
        let rows = report.kelurahan.map { k -> HTML in
            """
            <tr><td><a href="\(choice.keeping("/bantuan-bencana/kelurahan/\(HTML.percentEncode(k.code))"))">\(k.name)</a></td><td>\(k.kecamatanName)</td><td class="num">\(IndonesianFormat.integer(k.households))</td><td class="num">\(IndonesianFormat.integer(k.people))</td><td class="num">\(IndonesianFormat.integer(k.distributions))</td></tr>
            """
        }
        content += """
            <details><summary>Lihat tabel 50 kelurahan</summary>
            <div class="table-wrap"><table><caption>Bantuan per kelurahan</caption>
            <thead><tr><th scope="col">Kelurahan</th><th scope="col">Kecamatan</th><th scope="col" class="num">KK</th><th scope="col" class="num">Jiwa</th><th scope="col" class="num">Penyaluran</th></tr></thead>
            <tbody>\(rows)</tbody></table></div></details>
            """
        if let stock {
            content += """
                <h2>Stok saat ini</h2>
                \(Self.stockTotalsTable(stock.totals))
                <p><a href="\(choice.keeping("/bantuan-bencana/stok"))">Lihat stok setiap gudang dan posko →</a></p>
                """
        }
        let largest = donors.donors.sorted { ($0.donations, $1.name) > ($1.donations, $0.name) }.prefix(5)
        if !largest.isEmpty {
            let items = largest.map { d -> HTML in
                "<li>\(d.name) <span class=\"muted\">(\(Self.donorKindName(d.kind)), \(IndonesianFormat.integer(d.donations)) donasi)</span></li>"
            }
            content += """
                <h2>Donatur terbanyak</h2>
                <ol>\(items)</ol>
                <p><a href="\(choice.keeping("/bantuan-bencana/donatur"))">Lihat semua \(IndonesianFormat.integer(donors.donors.count)) donatur →</a></p>
                """
        }
        return Self.aidPage(title: "Bantuan Bencana", content)
    }

    static func stockTotalsTable(_ totals: [StockReport.Total]) -> HTML {
        guard !totals.isEmpty else { return "<p>Tidak ada stok tercatat.</p>" }
        let rows = totals.map { t -> HTML in
            """
            <tr><td>\(t.item)</td><td class="num">\(IndonesianFormat.quantity(t.onHand, unit: t.unit))</td><td class="num">\(IndonesianFormat.quantity(t.inTransit, unit: t.unit))</td></tr>
            """
        }
        return """
            <div class="table-wrap"><table><caption>Jumlah seluruh gudang dan posko</caption>
            <thead><tr><th scope="col">Barang</th><th scope="col" class="num">Tersedia</th><th scope="col" class="num">Dalam perjalanan</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
    }

    /// `GET /bantuan-bencana/stok`: the stock of every gudang and posko (on hand, in transit).
    @Sendable func stock(_ request: Request, context: AppRequestContext) async throws -> Response {
        let chosen = IncidentChoice.requested(request)
        let (report, incidents) = try await services.views(request) { views in
            (
                try AidQueries.stock(try views.view(AidViews.stock), incidentId: chosen),
                try AidQueries.incidents(try views.view(AidViews.incidents)).incidents
            )
        }
        let choice = try IncidentChoice(chosen, among: incidents)
        var content: HTML = """
            <h1>Stok gudang dan posko\(choice.incident.map { ": \($0.name)" } ?? "")</h1>
            \(Self.aidNav(.stock))
            \(choice.nav("/bantuan-bencana/stok"))
            <p class="lead">Barang bantuan yang ada di setiap gudang dan posko. "Dalam perjalanan" adalah barang yang sudah dikirim dari tempat itu tetapi belum diterima di tujuan.</p>
            """
        guard let report, !report.warehouses.isEmpty else {
            content +=
                choice.incident == nil
                ? "<p>Belum ada gudang atau posko terdaftar.</p>" : "<p>Tidak ada stok bencana ini di gudang atau posko mana pun.</p>"
            return Self.aidPage(title: "Stok", content)
        }
        content += "<h2>Jumlah seluruhnya</h2>" + Self.stockTotalsTable(report.totals)
        let ordered = report.warehouses.sorted {
            ($0.warehouse.kind == "gudang" ? 0 : 1, $0.warehouse.kecamatanName, $0.warehouse.name)
                < ($1.warehouse.kind == "gudang" ? 0 : 1, $1.warehouse.kecamatanName, $1.warehouse.name)
        }
        let rows = ordered.map { w -> HTML in
            let held = w.items.filter { $0.onHand > 0 }.sorted { $0.onHand > $1.onHand }
            let summary = held.prefix(3).map { IndonesianFormat.quantity($0.onHand, unit: $0.unit) + " " + $0.item }.joined(separator: ", ")
            let more = held.count > 3 ? ", +\(held.count - 3) lainnya" : ""
            let transit = w.items.contains { $0.inTransit > 0 } ? " (ada kiriman dalam perjalanan)" : ""
            return """
                <tr><td><a href="\(choice.keeping("/bantuan-bencana/gudang/\(HTML.percentEncode(w.warehouse.warehouseId))"))">\(w.warehouse.name)</a><br><span class="tag">\(Self.warehouseKindName(w.warehouse.kind))</span> <span class="muted">\(w.warehouse.kelurahanName), \(w.warehouse.kecamatanName)</span></td><td>\(held.isEmpty ? "Kosong" : summary + more)\(transit)</td></tr>
                """
        }
        content += """
            <h2>Per gudang dan posko</h2>
            <div class="table-wrap"><table><caption>\(IndonesianFormat.integer(report.warehouses.count)) gudang dan posko</caption>
            <thead><tr><th scope="col">Gudang/posko dan lokasinya</th><th scope="col">Stok tersedia (terbanyak)</th></tr></thead>
            <tbody>\(rows)</tbody></table></div>
            """
        return Self.aidPage(title: "Stok gudang dan posko", content)
    }

    /// `GET /bantuan-bencana/gudang/{warehouseId}`: one gudang or posko, per item and lot.
    @Sendable func warehouse(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("warehouseId")
        let chosen = IncidentChoice.requested(request)
        let (report, incidents) = try await services.views(request) { views in
            (
                try AidQueries.stock(try views.view(AidViews.stock), warehouseId: id, incidentId: chosen),
                try AidQueries.incidents(try views.view(AidViews.incidents)).incidents
            )
        }
        let choice = try IncidentChoice(chosen, among: incidents)
        guard let w = report?.warehouses.first else {
            throw PortalError.notFound("Gudang atau posko \(id) tidak terdaftar. Lihat daftar di halaman stok.", tab: .aid)
        }
        let rows = w.items.map { i -> HTML in
            """
            <tr><td>\(i.item)</td><td class="num">\(IndonesianFormat.quantity(i.onHand, unit: i.unit))</td><td class="num">\(IndonesianFormat.quantity(i.inTransit, unit: i.unit))</td></tr>
            """
        }
        let lots = w.items.flatMap { i in
            i.lots.filter { $0.onHand > 0 || $0.inTransit > 0 }.map { l -> HTML in
                let transit = l.inTransit > 0 ? ", \(IndonesianFormat.quantity(l.inTransit, unit: i.unit)) dalam perjalanan" : ""
                let expiry = l.expiresOn.flatMap(CivilDate.init).map { ", kedaluwarsa \(IndonesianFormat.date($0))" } ?? ""
                return
                    "<li>\(i.item): \(IndonesianFormat.quantity(l.onHand, unit: i.unit)) tersedia\(transit) <span class=\"muted\">(donasi \(l.donationId)\(expiry))</span></li>"
            }
        }
        let lotList: HTML =
            lots.isEmpty
            ? .empty
            : """
            <details><summary>Asal stok: \(IndonesianFormat.integer(lots.count)) lot donasi</summary>
            <p class="muted">Setiap donasi dicatat sebagai lot, sehingga setiap barang dapat ditelusuri sampai ke donaturnya.</p>
            <ul>\(lots)</ul></details>
            """
        let content: HTML = """
            <p><a href="\(choice.keeping("/bantuan-bencana/stok"))">← Semua gudang dan posko</a></p>
            <h1>\(w.warehouse.name)</h1>
            \(choice.nav("/bantuan-bencana/gudang/\(HTML.percentEncode(w.warehouse.warehouseId))"))
            <p class="lead">\(Self.warehouseKindName(w.warehouse.kind)) di Kelurahan <a href="/bantuan-bencana/kelurahan/\(HTML.percentEncode(w.warehouse.kelurahanCode))">\(w.warehouse.kelurahanName)</a>, Kecamatan \(w.warehouse.kecamatanName).</p>
            <div class="table-wrap"><table><caption>Stok per barang</caption>
            <thead><tr><th scope="col">Barang</th><th scope="col" class="num">Tersedia</th><th scope="col" class="num">Dalam perjalanan</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"3\">Tidak ada stok.</td></tr>"] : rows)</tbody></table></div>
            \(lotList)
            """
        return Self.aidPage(title: w.warehouse.name, content)
    }

    /// `GET /bantuan-bencana/kelurahan/{code}`: aid received and distributed in one kelurahan.
    @Sendable func kelurahan(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = try context.parameters.require("code")
        let chosen = IncidentChoice.requested(request)
        let (found, incidents) = try await services.views(request) { views in
            (
                try AidQueries.kelurahan(try views.view(AidViews.kelurahan), code: code, incidentId: chosen),
                try AidQueries.incidents(try views.view(AidViews.incidents)).incidents
            )
        }
        let choice = try IncidentChoice(chosen, among: incidents)
        guard let k = found else {
            throw PortalError.notFound("Kelurahan \(code) tidak ada di Kota Mataram.", tab: .aid)
        }
        let rows = k.items.map { i -> HTML in
            """
            <tr><td>\(i.item)</td><td class="num">\(IndonesianFormat.quantity(i.received, unit: i.unit))</td><td class="num">\(IndonesianFormat.quantity(i.distributed, unit: i.unit))</td></tr>
            """
        }
        let posko = k.posko.map { id -> HTML in
            "<li><a href=\"\(choice.keeping("/bantuan-bencana/gudang/\(HTML.percentEncode(id))"))\">\(id)</a></li>"
        }
        let content: HTML = """
            <p><a href="\(choice.keeping("/bantuan-bencana"))">← Semua kelurahan</a></p>
            <h1>Kelurahan \(k.name)</h1>
            \(choice.nav("/bantuan-bencana/kelurahan/\(HTML.percentEncode(k.code))"))
            <p class="lead">Kecamatan \(k.kecamatanName), kode wilayah \(k.code).</p>
            <ul class="stats">
            <li>Keluarga<b>\(IndonesianFormat.integer(k.households)) KK</b></li>
            <li>Jiwa<b>\(IndonesianFormat.integer(k.people))</b></li>
            <li>Penyaluran<b>\(IndonesianFormat.integer(k.distributions))</b></li>
            <li>Kiriman diterima posko<b>\(IndonesianFormat.integer(k.shipmentsReceived))</b></li>
            </ul>
            <div class="table-wrap"><table><caption>Barang diterima posko dan disalurkan ke warga</caption>
            <thead><tr><th scope="col">Barang</th><th scope="col" class="num">Diterima</th><th scope="col" class="num">Disalurkan</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"3\">Belum ada bantuan tercatat.</td></tr>"] : rows)</tbody></table></div>
            \(posko.isEmpty ? HTML.empty : "<h2>Posko di kelurahan ini</h2><ul>\(posko)</ul>")
            """
        return Self.aidPage(title: "Kelurahan \(k.name)", content)
    }

    /// `GET /bantuan-bencana/donatur`: every donor with what it gave and how much of it reached
    /// households.
    @Sendable func donors(_ request: Request, context: AppRequestContext) async throws -> Response {
        let chosen = IncidentChoice.requested(request)
        let (report, incidents) = try await services.views(request) { views in
            (
                try AidQueries.donors(try views.view(AidViews.donors), opening: Donor.nameOpener(services.vault), incidentId: chosen),
                try AidQueries.incidents(try views.view(AidViews.incidents)).incidents
            )
        }
        let choice = try IncidentChoice(chosen, among: incidents)
        let cards = report.donors.map { d -> HTML in
            let items = d.items.sorted { $0.donated > $1.donated }.map { i -> HTML in
                let share = i.donated > 0 ? Double(i.distributed) / Double(i.donated) * 100 : 0
                return
                    "<li>\(IndonesianFormat.quantity(i.donated, unit: i.unit)) \(i.item) <span class=\"muted\">(\(IndonesianFormat.percent(share)) tersalurkan)</span></li>"
            }
            let first = IndonesianFormat.date(d.firstReceivedAt)
            let last = IndonesianFormat.date(d.lastReceivedAt)
            return """
                <li class="card"><h3>\(d.name)</h3><p><span class="tag">\(Self.donorKindName(d.kind))</span> \(IndonesianFormat.integer(d.donations)) donasi, \(first == last ? first : first + " – " + last)</p><ul>\(items)</ul></li>
                """
        }
        let content: HTML = """
            <h1>Donatur\(choice.incident.map { ": \($0.name)" } ?? "")</h1>
            \(Self.aidNav(.donors))
            \(choice.nav("/bantuan-bencana/donatur"))
            <p class="lead">Siapa menyumbang apa, dan berapa bagian yang sudah sampai ke warga. \(IndonesianFormat.integer(report.donors.count)) donatur, menurut nama.</p>
            \(cards.isEmpty ? HTML("<p>Belum ada donasi tercatat.</p>") : "<ul class=\"donors\">\(cards)</ul>")
            """
        return Self.aidPage(title: "Donatur", content)
    }
}

// MARK: - A donor follows their gift

extension PortalController {
    static let donationPath = "/bantuan-bencana/donasi"

    /// `GET /bantuan-bencana/donasi[?nomor=]`: the form asking for a donation's number (on the
    /// donor's receipt), or that donation's trace.
    @Sendable func donationLookup(_ request: Request, context: AppRequestContext) async throws -> Response {
        let number = (request.query("nomor") ?? "").trimmingCharacters(in: .whitespaces)
        if number.isEmpty { return Self.aidPage(title: "Lacak donasi", Self.donationForm(nil)) }
        return try await donationPage(number, request)
    }

    /// `GET /bantuan-bencana/donasi/{donationId}`: where a donation went, step by step, each step
    /// with the public proof of its event (`/bukti/{position}`), and whether it all adds up.
    @Sendable func donation(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await donationPage(try context.path("donationId"), request)
    }

    private func donationPage(_ id: String, _ request: Request) async throws -> Response {
        let open = Donor.nameOpener(services.vault)
        guard
            let trace = try await services.views(
                request, { views in try AidQueries.trace(try views.view(AidViews.trace), donationId: id, opening: open) })
        else {
            return PortalLayout.response(
                PortalLayout.page(
                    title: "Lacak donasi", tab: .aid,
                    Self.donationForm("Tidak ada donasi bernomor \"\(id.prefix(40))\". Periksa nomor pada tanda terima donasi.")),
                status: .notFound)
        }
        let d = trace.donation
        let steps = trace.steps.map { s -> HTML in
            let what: String
            switch s.kind {
            case .donated: what = "Diterima di \(s.warehouseName)"
            case .dispatched: what = "Dikirim dari \(s.warehouseName) ke \(s.toWarehouseName ?? "?")"
            case .received: what = "Tiba di \(s.toWarehouseName ?? "?")"
            case .lostInTransit: what = "Susut dalam perjalanan ke \(s.toWarehouseName ?? "?")"
            case .distributed:
                what =
                    "Disalurkan di kelurahan \(s.kelurahanName ?? s.kelurahanCode ?? "?")"
                    + (s.households.map { ", \(IndonesianFormat.integer($0)) KK" } ?? "")
            case .adjusted: what = "Penyesuaian stok di \(s.warehouseName)"
            case .writtenOff: what = "Dihapusbukukan (rusak/kedaluwarsa) di \(s.warehouseName)"
            }
            return """
                <tr><td>\(IndonesianFormat.date(s.occurredAt))</td><td>\(what)<br><a class="muted" href="\(ProofPages.path)/\(String(s.position))">bukti #\(String(s.position))</a></td><td class="num">\(IndonesianFormat.quantity(s.quantity, unit: s.unit)) \(s.item)</td></tr>
                """
        }
        let balance = trace.balance.items.map { b -> HTML in
            """
            <li><strong>\(b.item)</strong>: \(IndonesianFormat.quantity(b.donated, unit: b.unit)) = \(IndonesianFormat.integer(b.distributed)) disalurkan + \(IndonesianFormat.integer(b.onHand)) di gudang/posko + \(IndonesianFormat.integer(b.inTransit)) dalam perjalanan + \(IndonesianFormat.integer(b.lost + b.adjusted)) susut/penyesuaian + \(IndonesianFormat.integer(b.writtenOff)) dihapusbukukan <span class="tag">\(b.holds ? "seimbang" : "TIDAK seimbang")</span></li>
            """
        }
        let content: HTML = """
            <h1>Donasi \(d.donationId)</h1>
            \(Self.aidNav(.donation))
            <p class="lead">Dari \(d.donor.publicLabel(opening: nil)), diterima di \(d.warehouseName) pada \(IndonesianFormat.date(d.receivedAt)). Ke mana setiap bagiannya pergi, dengan bukti dari log yang ditandatangani untuk setiap langkah.</p>
            <section class="card"><h2>Langkah demi langkah</h2>
            <table><thead><tr><th>Tanggal</th><th>Langkah</th><th>Jumlah</th></tr></thead><tbody>\(steps)</tbody></table></section>
            <section class="card"><h2>Neraca</h2>
            <p class="muted">Yang didonasikan = disalurkan + masih di gudang/posko + dalam perjalanan + susut dan penyesuaian.</p>
            <ul>\(balance)</ul></section>
            """
        return Self.aidPage(title: "Donasi \(d.donationId)", content)
    }

    static func donationForm(_ problem: String?) -> HTML {
        let alert: HTML = problem.map { "<div class=\"notice\" role=\"alert\"><p>\($0)</p></div>" } ?? .empty
        return """
            <h1>Lacak donasi</h1>
            \(aidNav(.donation))
            <p class="lead">Masukkan nomor donasi dari tanda terima untuk melihat ke mana bantuan Anda pergi.</p>
            \(alert)
            <form class="stack card" method="get" action="\(donationPath)">
            <div><label for="nomor">Nomor donasi <span class="hint">mis. DN-2018-7K3QF2ZA</span></label><input class="code" id="nomor" name="nomor" required maxlength="100" autocapitalize="characters"></div>
            <div><button type="submit">Lacak</button></div>
            </form>
            """
    }
}
