import AidLogistics
import DomainKit
import EventLog
import Foundation
import Hummingbird
import JSON
import LumbungCore

/// The warehouse page's alerts and the forms that answer them: lots expiring within 14 days (or
/// expired) and items below their minimum stock (`AidQueries.alerts`), a write-off of unusable
/// stock (`adjust-stock` with `writeOff`: above the threshold it waits for a second officer), and
/// the minimum stock of an item (`set-minimum-stock`).
extension AidScreens {
    func addStockRoutes(to router: Router<AppRequestContext>) {
        router.post(RouterPath("\(Self.homePath)/{warehouseId}/hapus-buku"), use: staff.screen(Self.roles, writeOff))
        router.post(RouterPath("\(Self.homePath)/{warehouseId}/minimum"), use: staff.screen(Self.roles, setMinimum))
    }

    /// `POST .../hapus-buku` (`lot` = `item|unit|donationId`, `jumlah`, `alasan`, `eventId`): writes
    /// off `jumlah` of one lot as unusable (rusak, kedaluwarsa).
    @Sendable func writeOff(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let here = try await warehouse(request, context, staff)
        let form = staff.form
        let lot = (form["lot"] ?? "").split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard lot.count == 3, let quantity = Self.count(form["jumlah"]) else {
            return try await page(
                request, context, staff, status: .badRequest,
                notice: (false, "Pilih lot dan isi jumlah yang dihapusbukukan (bilangan bulat)."),
                typed: form)
        }
        let body: [(String, JSONValue)] = [
            ("warehouseId", .string(here.warehouseId)), ("item", .string(lot[0])), ("unit", .string(lot[1])),
            ("donationId", .string(lot[2])), ("quantity", .number(Double(-quantity))),
            ("reason", .string(Self.trimmed(form["alasan"]))), ("writeOff", .bool(true)), ("requestedBy", .string(staff.key.actor)),
        ]
        let waits = quantity > domain.rules.approvalAbove
        return try await command("adjust-stock", body, request, context, staff) { outcome in
            let id = outcome.ids["adjustmentId"] ?? ""
            return waits
                ? "Penghapusan \(id) (\(quantity) \(lot[1]) \(lot[0])) tercatat dan menunggu persetujuan petugas lain (di atas \(domain.rules.approvalAbove))."
                : "Penghapusan \(id): \(quantity) \(lot[1]) \(lot[0]) dari lot \(lot[2]) dihapusbukukan."
        }
    }

    /// `POST .../minimum` (`barang` = `item|unit`, `minimum`, `eventId`): the stock below which the
    /// warehouse page warns (0 clears it).
    @Sendable func setMinimum(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let here = try await warehouse(request, context, staff)
        let form = staff.form
        let (item, unit) = Self.itemAndUnit(form["barang"])
        let typed = (form["minimum"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !item.isEmpty, let minimum = Int(typed), minimum >= 0, minimum < 1_000_000_000 else {
            return try await page(
                request, context, staff, status: .badRequest,
                notice: (false, "Pilih barang dan isi stok minimum (bilangan bulat, 0 menghapus)."),
                typed: form)
        }
        let body: [(String, JSONValue)] = [
            ("warehouseId", .string(here.warehouseId)), ("item", .string(item)), ("unit", .string(unit)),
            ("minimum", .number(Double(minimum))),
        ]
        return try await command("set-minimum-stock", body, request, context, staff) { _ in
            minimum == 0
                ? "Stok minimum \(item) (\(unit)) di \(here.name) dihapus."
                : "Stok minimum \(item) di \(here.name): \(minimum) \(unit). Di bawahnya, halaman ini memberi peringatan."
        }
    }

    /// The alerts of the day (`?tanggal=`, today in WITA by default) for `here`, with the forms to
    /// write off a lot and to set a minimum.
    func alertsSection(
        _ request: Request, _ here: StockReport.Warehouse, items: [StockReport.Item], staff: StaffRequest, typed: [String: String],
        readOnly: Bool = false
    ) async throws -> HTML {
        // The day asked for, else the day of `?asOf=`, else today.
        let asOfDay = try request.pointInHistory()?.occurredUntil.map { IndonesianFormat.localDay($0) }
        let day = request.query("tanggal").flatMap { CivilDate($0) } ?? asOfDay ?? IndonesianFormat.localDay(.now())
        let (alerts, catalog) = try await services.views(request, replaying: AidController.replayed) { views in
            let stock = try views.view(AidViews.stock)
            return (
                try AidQueries.alerts(stock, on: day, warehouseId: here.warehouseId), try AidQueries.catalog(stock)
            )
        }
        // The earliest 20 (a warehouse of an old log may hold hundreds of expired lots).
        let shown = 20
        var expiring = alerts.expiring.prefix(shown).map { e -> HTML in
            let when: HTML =
                e.expired
                ? "<strong>kedaluwarsa \(IndonesianFormat.date(CivilDate(e.expiresOn) ?? day))</strong>: hapus bukukan"
                : "kedaluwarsa \(IndonesianFormat.date(CivilDate(e.expiresOn) ?? day)) (\(e.daysLeft) hari lagi)"
            return "<li>\(e.item): \(e.onHand) \(e.unit) dari lot <span class=\"code\">\(e.donationId)</span>, \(when)</li>"
        }
        if alerts.expiring.count > shown {
            expiring.append("<li class=\"muted\">dan \(alerts.expiring.count - shown) lot lainnya</li>")
        }
        let below = alerts.belowMinimum.map { b -> HTML in
            "<li>\(b.item): \(b.onHand) \(b.unit), di bawah minimum \(b.minimum) \(b.unit)</li>"
        }
        let csrf = StaffForm.csrfField(staff.session)
        let base = Self.path(here.warehouseId)
        let lotOptions = items.flatMap { i in
            i.lots.filter { $0.onHand > 0 }.map { l -> HTML in
                let value = "\(i.item)|\(i.unit)|\(l.donationId)"
                let expiry = l.expiresOn.flatMap(CivilDate.init).map { ", s.d. \(IndonesianFormat.date($0))" } ?? ""
                return
                    "<option value=\"\(value)\"\(typed["lot"] == value ? " selected" : "")>\(i.item): lot \(l.donationId) (\(l.onHand) \(i.unit)\(expiry))</option>"
            }
        }
        // The catalog's units where there is one; otherwise the items in stock.
        var units = catalog.items.flatMap { c in c.units.map { (c.item, $0) } }
        if units.isEmpty { units = items.map { ($0.item, $0.unit) } }
        let unitOptions = units.map { item, unit -> HTML in
            let value = "\(item)|\(unit)"
            return "<option value=\"\(value)\"\(typed["barang"] == value ? " selected" : "")>\(item) (\(unit))</option>"
        }
        let list: HTML =
            expiring.isEmpty && below.isEmpty
            ? "<p class=\"muted\">Tidak ada lot yang kedaluwarsa dalam \(AidQueries.expiryWindowDays) hari dan tidak ada stok di bawah minimum.</p>"
            : "<ul>\(HTML(joining: expiring))\(HTML(joining: below))</ul>"
        let writeOffForm: HTML =
            lotOptions.isEmpty
            ? .empty
            : """
            <details><summary>Hapus bukukan barang rusak atau kedaluwarsa</summary>
            <form class="stack" method="post" action="\(base)/hapus-buku">\(csrf)\(StaffForm.eventIDField())
            <div><label for="lot-hapus">Lot</label><select id="lot-hapus" name="lot" required>\(HTML(joining: lotOptions))</select></div>
            <div><label for="jumlah-hapus">Jumlah</label><input id="jumlah-hapus" name="jumlah" inputmode="numeric" required maxlength="9"></div>
            <div><label for="alasan-hapus">Alasan <span class="hint">mis. kedaluwarsa, berkutu, basah</span></label><input id="alasan-hapus" name="alasan" required maxlength="300" value="\(typed["alasan"] ?? "")"></div>
            <div><button type="submit">Hapus bukukan</button></div>
            <p class="hint">Di atas \(domain.rules.approvalAbove) satuan, penghapusan menunggu persetujuan petugas lain.</p>
            </form></details>
            """
        let minimumForm: HTML =
            unitOptions.isEmpty
            ? .empty
            : """
            <details><summary>Atur stok minimum</summary>
            <form class="stack" method="post" action="\(base)/minimum">\(csrf)\(StaffForm.eventIDField())
            <div><label for="barang-minimum">Barang</label><select id="barang-minimum" name="barang" required>\(HTML(joining: unitOptions))</select></div>
            <div><label for="minimum">Stok minimum <span class="hint">0 menghapus</span></label><input id="minimum" name="minimum" inputmode="numeric" required maxlength="9"></div>
            <div><button type="submit">Simpan minimum</button></div>
            </form></details>
            """
        return """
            <section class="card"><h2>Peringatan per \(IndonesianFormat.date(day))</h2>
            \(list)
            \(readOnly ? .empty : writeOffForm)
            \(readOnly ? .empty : minimumForm)
            </section>
            """
    }
}
