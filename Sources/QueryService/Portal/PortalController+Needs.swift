import AidLogistics
import DomainKit
import Foundation
import Hummingbird
import LumbungCore

// MARK: - Needs against what arrived, and the item catalog

extension PortalController {
    static let needsPath = "/bantuan-bencana/kebutuhan"

    /// `GET /bantuan-bencana/kebutuhan[?insiden=]`: per incident and desa, what the posko asked for
    /// (requests not cancelled: OCHA 3W "targeted") against what arrived ("reached"), and the item
    /// catalog with each item's category, units and whether its lots carry an expiry date.
    @Sendable func needs(_ request: Request, context: AppRequestContext) async throws -> Response {
        let chosen = IncidentChoice.requested(request)
        let (needs, catalog, incidents) = try await services.views(request) { views in
            (
                try AidQueries.needs(try views.view(AidViews.requests), incidentId: chosen),
                try AidQueries.catalog(try views.view(AidViews.stock)),
                try AidQueries.incidents(try views.view(AidViews.incidents)).incidents
            )
        }
        let choice = try IncidentChoice(chosen, among: incidents)
        let names = Dictionary(incidents.map { ($0.incidentId, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows = needs.desa.flatMap { d in
            d.items.map { i -> HTML in
                let share = i.targeted > 0 ? Double(i.reached) / Double(i.targeted) * 100 : 0
                return """
                    <tr><td>\(names[d.incidentId] ?? d.incidentId)</td><td><a href="\(choice.keeping("/bantuan-bencana/kelurahan/\(HTML.percentEncode(d.kelurahanCode))"))">\(d.name)</a></td><td>\(i.item)</td><td class="num">\(IndonesianFormat.quantity(i.targeted, unit: i.unit))</td><td class="num">\(IndonesianFormat.quantity(i.reached, unit: i.unit))</td><td class="num">\(IndonesianFormat.percent(share))</td></tr>
                    """
            }
        }
        let catalogRows = catalog.items.map { c -> HTML in
            let packs = (c.packs ?? []).map { "1 \($0.unit) = \(IndonesianFormat.integer($0.baseQuantity)) \(c.baseUnit)" }
            return """
                <tr><td>\(c.name)</td><td>\(Self.categoryName(c.category))</td><td>\(c.baseUnit)\(packs.isEmpty ? "" : "; " + packs.joined(separator: ", "))</td><td>\(c.expires ? "ya" : "tidak")</td></tr>
                """
        }
        let content: HTML = """
            <h1>Kebutuhan dan katalog barang</h1>
            \(Self.aidNav(.needs))
            <p class="lead">Apa yang diminta posko (permintaan yang tidak dibatalkan) dan apa yang sudah tiba, per bencana dan kelurahan/desa.</p>
            \(choice.nav(Self.needsPath))
            <div class="table-wrap"><table><caption>Diminta dan diterima</caption>
            <thead><tr><th scope="col">Bencana</th><th scope="col">Kelurahan/desa</th><th scope="col">Barang</th><th scope="col" class="num">Diminta</th><th scope="col" class="num">Diterima</th><th scope="col" class="num">Terpenuhi</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"6\">Belum ada permintaan.</td></tr>"] : rows)</tbody></table></div>
            <h2>Katalog barang</h2>
            <div class="table-wrap"><table><caption>Barang bantuan yang dicatat</caption>
            <thead><tr><th scope="col">Barang</th><th scope="col">Kategori</th><th scope="col">Satuan</th><th scope="col">Ada tanggal kedaluwarsa</th></tr></thead>
            <tbody>\(catalogRows.isEmpty ? ["<tr><td colspan=\"4\">Katalog belum diisi.</td></tr>"] : catalogRows)</tbody></table></div>
            """
        return Self.aidPage(title: "Kebutuhan dan katalog barang", content)
    }

    /// A catalog category in words.
    static func categoryName(_ category: String) -> String {
        switch category {
        case "pangan": "Pangan"
        case "sandang": "Sandang"
        case "hunian": "Hunian darurat"
        case "kesehatan": "Kesehatan"
        case "air-sanitasi": "Air dan sanitasi"
        case "kebersihan": "Kebersihan"
        case "peralatan": "Peralatan"
        default: "Lainnya"
        }
    }
}
