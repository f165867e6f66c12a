import AidLogistics
import DomainKit
import EventLog
import Foundation
import Hummingbird
import JSON
import LumbungCore
import MataramReference
import Projections
import Regions

/// The screens of the people in a gudang or a posko (aid-writer; admin), made for a phone: what is
/// on hand, lot by lot; receiving a shipment by the number on its surat jalan; handing aid out
/// to a kelurahan's households; sending stock on to another warehouse. A scoped key sees only its
/// warehouses (403 otherwise, nothing written).
///
/// Each form carries an event id made when it is drawn, so a form sent twice over a bad connection
/// writes once (the second answer says so). A refusal of the rules shows the page again with the
/// reason and its status (400, 403, 409, 422), nothing written; what was typed is kept.
///
/// Routes: `GET /petugas/bantuan`, `GET /petugas/bantuan/{warehouseId}`,
/// `GET /petugas/bantuan/{warehouseId}/terima?kiriman=`, `POST /petugas/bantuan/{warehouseId}/terima/{shipmentId}`,
/// `POST /petugas/bantuan/{warehouseId}/salurkan`, `POST /petugas/bantuan/{warehouseId}/kirim`,
/// `GET /petugas/bantuan/{warehouseId}/surat-jalan/{shipmentId}` (the printable waybill),
/// `GET /petugas/bantuan/{warehouseId}/tanda-terima/{shipmentId}` (the goods-received note),
/// `POST /petugas/bantuan/{warehouseId}/hapus-buku` (a write-off), `POST /petugas/bantuan/{warehouseId}/minimum`
/// (a minimum stock). The warehouse page shows the alerts of the day (`?tanggal=`, today by default):
/// lots expiring within 14 days or expired, and items below their minimum.
struct AidScreens {
    let services: LumbungServices
    let staff: StaffScreens
    var domain: AidLogisticsDomain { services.domains.aid }

    static let homePath = "/petugas/bantuan"
    static let roles: [Role] = [.aidWriter]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(Self.homePath), use: staff.screen(Self.roles, list))
        router.get(RouterPath("\(Self.homePath)/{warehouseId}"), use: staff.screen(Self.roles, warehousePage))
        router.get(RouterPath("\(Self.homePath)/{warehouseId}/terima"), use: staff.screen(Self.roles, receiptForm))
        router.post(RouterPath("\(Self.homePath)/{warehouseId}/terima/{shipmentId}"), use: staff.screen(Self.roles, receive))
        router.post(RouterPath("\(Self.homePath)/{warehouseId}/salurkan"), use: staff.screen(Self.roles, distribute))
        router.post(RouterPath("\(Self.homePath)/{warehouseId}/kirim"), use: staff.screen(Self.roles, dispatch))
        router.post(RouterPath("\(Self.homePath)/{warehouseId}/setujui/{adjustmentId}"), use: staff.screen(Self.roles, approve))
        router.post(RouterPath("\(Self.homePath)/{warehouseId}/tolak/{adjustmentId}"), use: staff.screen(Self.roles, reject))
        router.get(RouterPath("\(Self.homePath)/{warehouseId}/surat-jalan/{shipmentId}"), use: staff.screen(Self.roles, waybill))
        router.get(RouterPath("\(Self.homePath)/{warehouseId}/tanda-terima/{shipmentId}"), use: staff.screen(Self.roles, goodsReceivedNote))
        addHouseholdRoutes(to: router)
        addRequestRoutes(to: router)
        addStockRoutes(to: router)
    }

    // MARK: - Pages

    /// `GET /petugas/bantuan`: the warehouses the key may act on (the only one's page at once).
    @Sendable func list(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let mine = try await stock(request).map(\.warehouse).filter { staff.mayActOn($0.warehouseId) }
        if mine.count == 1 { return try await page(request, context, staff, warehouseId: mine[0].warehouseId) }
        let items = mine.map { w -> HTML in
            "<li><a class=\"card\" href=\"\(Self.path(w.warehouseId))\"><h2>\(w.name)</h2><p>\(Self.kind(w.kind)), \(w.kelurahanName)</p></a></li>"
        }
        return StaffLayout.response(
            title: "Gudang dan posko", session: staff.session,
            mine.isEmpty
                ? "<h1>Gudang dan posko</h1><p>Belum ada gudang atau posko yang terdaftar untuk kunci ini.</p>"
                : "<h1>Gudang dan posko</h1><ul class=\"cards\">\(items)</ul>")
    }

    /// `GET /petugas/bantuan/{warehouseId}`: stock and the three forms.
    @Sendable func warehousePage(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        try await page(request, context, staff)
    }

    /// `GET /petugas/bantuan/{warehouseId}/terima?kiriman=`: the lines of a shipment sent here, each
    /// with what arrived (as sent, until changed).
    @Sendable func receiptForm(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let here = try await warehouse(request, context, staff)
        let number = (request.query("kiriman") ?? "").trimmingCharacters(in: .whitespaces)
        guard let shipment = try shipment(number) else {
            return try await page(
                request, context, staff, status: .notFound,
                notice: (false, "Tidak ada kiriman bernomor \"\(number.prefix(40))\". Periksa nomor pada surat jalan."))
        }
        guard shipment.dispatched.toWarehouseId == here.warehouseId else {
            return try await page(
                request, context, staff, status: .unprocessableContent,
                notice: (
                    false, "Kiriman \(shipment.dispatched.shipmentId) ditujukan ke \(shipment.dispatched.toWarehouseId), bukan ke sini."
                ))
        }
        if shipment.received != nil {
            return try await page(
                request, context, staff, notice: (true, "Kiriman \(shipment.dispatched.shipmentId) sudah diterima sebelumnya."))
        }
        return receiptPage(here, shipment.dispatched, staff: staff)
    }

    // MARK: - Forms

    /// `POST .../terima/{shipmentId}` (`diterima-<i>` per lot line, `catatan`, `eventId`).
    @Sendable func receive(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let here = try await warehouse(request, context, staff)
        let id = try context.path("shipmentId")
        guard let shipment = try shipment(id), shipment.dispatched.toWarehouseId == here.warehouseId else {
            throw PortalError.notFound("Tidak ada kiriman \(id) ke \(here.name).")
        }
        var lines: [JSONValue] = []
        for (i, lot) in Self.lotLines(shipment.dispatched).enumerated() {
            let typed = (staff.form["diterima-\(i)"] ?? "").trimmingCharacters(in: .whitespaces)
            guard let quantity = Int(typed), quantity >= 0, quantity <= lot.quantity else {
                return receiptPage(
                    here, shipment.dispatched, staff: staff, status: .badRequest,
                    notice: (false, "Jumlah \(lot.item) diterima harus bilangan 0 sampai \(lot.quantity)."))
            }
            if quantity > 0 {
                lines.append(
                    .object([
                        ("item", .string(lot.item)), ("unit", .string(lot.unit)), ("donationId", .string(lot.donationId)),
                        ("quantity", .number(Double(quantity))),
                    ]))
            }
        }
        var body: [(String, JSONValue)] = [("shipmentId", .string(id)), ("lines", .array(lines))]
        if let notes = staff.form["catatan"]?.trimmingCharacters(in: .whitespacesAndNewlines), !notes.isEmpty {
            body.append(("notes", .string(notes)))
        }
        return try await command("receive-shipment", body, request, context, staff) { _ in
            "Kiriman \(id) diterima di \(here.name). Cetak tanda terimanya: \(Self.path(here.warehouseId))/tanda-terima/\(id)"
        } refused: { status, message in
            receiptPage(here, shipment.dispatched, staff: staff, status: status, notice: (false, message))
        }
    }

    /// `POST .../salurkan` (`barang`, `jumlah`, `kelurahan`, `kk`, `jiwa`, `tanggal`, `eventId`).
    @Sendable func distribute(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let here = try await warehouse(request, context, staff)
        let form = staff.form
        let (item, unit) = Self.itemAndUnit(form["barang"])
        guard let quantity = Self.count(form["jumlah"]), let households = Self.count(form["kk"]), let people = Self.count(form["jiwa"])
        else {
            return try await page(
                request, context, staff, status: .badRequest, notice: (false, "Jumlah, KK dan jiwa harus bilangan bulat."))
        }
        let day = form["tanggal"].flatMap(CivilDate.init) ?? IndonesianFormat.localDay(.now())
        let body: [(String, JSONValue)] = [
            ("incidentId", .string(try await incident(form, request))),
            ("warehouseId", .string(here.warehouseId)), ("kelurahanCode", .string(form["kelurahan"] ?? "")),
            ("lines", .array([.object([("item", .string(item)), ("unit", .string(unit)), ("quantity", .number(Double(quantity)))])])),
            ("households", .number(Double(households))), ("people", .number(Double(people))),
            ("distributedAt", .string(Self.occurred(on: day))),
        ]
        return try await command("distribute-aid", body, request, context, staff) { _ in
            "\(quantity) \(unit) \(item) disalurkan kepada \(households) KK (\(people) jiwa)."
        }
    }

    /// `POST .../kirim` (`ke`, `barang`, `jumlah`, `kendaraan`, `sopir`, `permintaan` optional, `eventId`).
    @Sendable func dispatch(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let here = try await warehouse(request, context, staff)
        let form = staff.form
        let (item, unit) = Self.itemAndUnit(form["barang"])
        guard let quantity = Self.count(form["jumlah"]) else {
            return try await page(request, context, staff, status: .badRequest, notice: (false, "Jumlah harus bilangan bulat."))
        }
        var body: [(String, JSONValue)] = [
            ("incidentId", .string(try await incident(form, request))),
            ("fromWarehouseId", .string(here.warehouseId)), ("toWarehouseId", .string(form["ke"] ?? "")),
            ("lines", .array([.object([("item", .string(item)), ("unit", .string(unit)), ("quantity", .number(Double(quantity)))])])),
            ("vehicle", .string(form["kendaraan"] ?? "")), ("driver", .string(form["sopir"] ?? "")),
        ]
        let fulfils = (form["permintaan"] ?? "").trimmingCharacters(in: .whitespaces)
        if !fulfils.isEmpty { body.append(("requestId", .string(fulfils))) }
        return try await command("dispatch-shipment", body, request, context, staff) { outcome in
            let number = outcome.ids["shipmentId"] ?? ""
            return
                "Kiriman \(number) berangkat ke \(form["ke"] ?? ""). Cetak surat jalannya: \(Self.path(here.warehouseId))/surat-jalan/\(number)"
        }
    }

    /// `POST .../setujui/{adjustmentId}` (`eventId`): approves a pending adjustment of this
    /// warehouse as the second officer (four eyes); the key that wrote it is refused (422).
    @Sendable func approve(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        _ = try await warehouse(request, context, staff)
        let id = try context.path("adjustmentId")
        let body: [(String, JSONValue)] = [("adjustmentId", .string(id)), ("approvedBy", .string(staff.key.actor))]
        return try await command("approve-adjustment", body, request, context, staff) { _ in
            "Penyesuaian stok \(id) disetujui; sekarang dihitung dalam stok."
        }
    }

    /// `POST .../tolak/{adjustmentId}` (`alasan`, `eventId`): rejects a pending adjustment of this
    /// warehouse as the second officer; it never counts. The key that wrote it is refused (422).
    @Sendable func reject(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        _ = try await warehouse(request, context, staff)
        let id = try context.path("adjustmentId")
        let body: [(String, JSONValue)] = [
            ("adjustmentId", .string(id)),
            ("reason", .string((staff.form["alasan"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines))),
            ("rejectedBy", .string(staff.key.actor)),
        ]
        return try await command("reject-adjustment", body, request, context, staff) { _ in
            "Penyesuaian stok \(id) ditolak; tidak akan dihitung."
        }
    }

    /// `GET .../surat-jalan/{shipmentId}`: the waybill of a shipment from or to this warehouse, for
    /// A4: lines per lot, vehicle and driver, boxes for the signatures of sender, driver and
    /// receiver, and a QR code of the public proof of the dispatch (`ProofPages`).
    @Sendable func waybill(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        try await paper(request, context, staff, receipt: false)
    }

    /// `GET .../tanda-terima/{shipmentId}`: the goods-received note of a shipment received: per lot
    /// what was sent, what arrived and what was lost, the notes, boxes for the signatures of driver,
    /// receiver and witness, and a QR code of the public proof of the receipt.
    @Sendable func goodsReceivedNote(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        try await paper(request, context, staff, receipt: true)
    }

    /// A printable paper of a shipment (`receipt`: the goods-received note, else the waybill).
    private func paper(_ request: Request, _ context: AppRequestContext, _ staff: StaffRequest, receipt: Bool) async throws -> Response {
        let here = try await warehouse(request, context, staff)
        let id = try context.path("shipmentId")
        guard let shipment = try shipment(id),
            [shipment.dispatched.fromWarehouseId, shipment.dispatched.toWarehouseId].contains(here.warehouseId)
        else {
            throw PortalError.notFound("Tidak ada kiriman \(id) dari atau ke \(here.name).")
        }
        let s = shipment.dispatched
        let received = shipment.received
        if receipt && received == nil { throw PortalError.notFound("Kiriman \(id) belum diterima: belum ada tanda terimanya.") }
        let title = receipt ? "TANDA TERIMA BARANG" : "SURAT JALAN"
        let names = Dictionary(try await stock(request).map { ($0.warehouse.warehouseId, $0.warehouse) }, uniquingKeysWith: { a, _ in a })
        let position = receipt ? received!.position : shipment.position
        let proof = ProofPages.url(position: position, request: request, https: self.staff.overHTTPS(request, context))
        let qr = QRCode.svg(proof, size: 160, label: "Kode QR bukti \(title.lowercased()) \(s.shipmentId)") ?? .empty
        let arrived = Dictionary(
            (received?.event.lines ?? []).map { ("\($0.item)|\($0.unit)|\($0.donationId)", $0.quantity) }, uniquingKeysWith: +)
        let rows = Self.lotLines(s).map { lot -> HTML in
            guard receipt else {
                return
                    "<tr><td>\(lot.item)</td><td>\(lot.donationId)</td><td class=\"num\">\(lot.quantity)</td><td>\(lot.unit)</td><td></td></tr>"
            }
            let got = arrived["\(lot.item)|\(lot.unit)|\(lot.donationId)"] ?? 0
            return
                "<tr><td>\(lot.item)</td><td>\(lot.donationId)</td><td class=\"num\">\(lot.quantity)</td><td class=\"num\">\(got)</td><td class=\"num\">\(lot.quantity - got)</td><td>\(lot.unit)</td></tr>"
        }
        func place(_ id: String) -> String {
            names[id].map { "\($0.name), \($0.kelurahanName), \($0.kecamatanName)" } ?? id
        }
        let head: HTML =
            receipt
            ? "<tr><th>Barang</th><th>Lot (donasi)</th><th>Dikirim</th><th>Diterima</th><th>Susut</th><th>Satuan</th></tr>"
            : "<tr><th>Barang</th><th>Lot (donasi)</th><th>Jumlah</th><th>Satuan</th><th>Diterima</th></tr>"
        let when: HTML =
            receipt
            ? "<p>Berangkat \(IndonesianFormat.dateTime(s.dispatchedAt)) · Diterima \(IndonesianFormat.dateTime(received!.event.receivedAt))</p>"
            : "<p>Berangkat \(IndonesianFormat.dateTime(s.dispatchedAt))</p>"
        let notes: HTML = received.flatMap { $0.event.notes.isEmpty || !receipt ? nil : "<p>Catatan: \($0.event.notes)</p>" } ?? .empty
        let signatures: HTML =
            receipt ? "<div>Sopir</div><div>Penerima</div><div>Saksi</div>" : "<div>Pengirim</div><div>Sopir</div><div>Penerima</div>"
        let content: HTML = """
            <style>@page { size: A4; margin: 15mm } @media print { header, nav, footer, .staffbar, .no-print { display: none !important } body { background: #fff } .card { border: 0; box-shadow: none } }
            .waybill { display: grid; grid-template-columns: 1fr auto; gap: 1rem; align-items: start } .signatures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 1rem; margin-top: 2rem } .signatures div { border-top: 1px solid #000; padding-top: .3rem; min-height: 5rem } .waybill figure { margin: 0; max-width: 170px } .waybill figcaption { word-break: break-all; font-size: .8rem }</style>
            <p class="no-print"><a href="\(Self.path(here.warehouseId))">Kembali</a> · Cetak halaman ini (Ctrl+P).</p>
            <section class="card">
            <div class="waybill"><div>
            <h1>\(title)</h1>
            <p>Nomor kiriman <strong class="code">\(s.shipmentId)</strong></p>
            \(when)
            <p>Dari: \(place(s.fromWarehouseId))<br>Ke: \(place(s.toWarehouseId))</p>
            <p>Kendaraan: \(s.vehicle) · Sopir: \(s.driver)</p>
            </div><figure>\(qr)<figcaption class="muted">Bukti di log: <span class="code">\(proof)</span></figcaption></figure></div>
            <table><thead>\(head)</thead><tbody>\(rows)</tbody></table>
            \(notes)
            <div class="signatures">\(signatures)</div>
            </section>
            """
        return StaffLayout.response(title: "\(receipt ? "Tanda terima" : "Surat jalan") \(s.shipmentId)", session: staff.session, content)
    }

    // MARK: - Parts

    /// Runs an aid command with the form's event id; answers the warehouse page with what was done,
    /// or (`refused`, by default the warehouse page) with the reason.
    func command(
        _ name: String, _ body: [(String, JSONValue)], _ request: Request, _ context: AppRequestContext, _ staff: StaffRequest,
        done: (CommandOutcome) -> String,
        refused: ((HTTPResponse.Status, String) -> Response)? = nil
    ) async throws -> Response {
        try await runForm(name, body, staff, done: done) { status, notice, typed in
            if !notice.ok, let refused { return refused(status, notice.text) }
            return try await page(request, context, staff, status: status, notice: notice, typed: typed)
        }
    }

    /// Runs the aid command `name` of a staff form with the form's event id (written once however
    /// often the form is sent) and answers `redraw` with what was done, or with the refusal's
    /// status, its reason, and what was typed (nothing written then).
    func runForm(
        _ name: String, _ body: [(String, JSONValue)], _ staff: StaffRequest, done: (CommandOutcome) -> String,
        redraw: (HTTPResponse.Status, (ok: Bool, text: String), [String: String]) async throws -> Response
    ) async throws -> Response {
        try await runForm(staff, redraw: redraw) { id in
            let command = try domain.parse(name, body: .object(body.map { (key: $0.0, value: $0.1) }))
            let (outcome, written) = try await services.execute(caller: staff.key, eventID: id) {
                let d = try domain.decide(command, now: .now())
                return CommandOutcome(events: d.events, ids: d.ids, secrets: d.secrets)
            }
            return (done(outcome), written)
        }
    }

    /// Runs what a staff form writes (`write`, given the form's event id for its first event):
    /// a form already written answers so and writes nothing; else `redraw` gets what `write` says
    /// was done once the views show it, or a refusal's status, its reason (`refusal`, in
    /// Indonesian) and what was typed (nothing written then).
    func runForm(
        _ staff: StaffRequest, refusal: (EventLogError) -> String = StaffRefusal.message,
        redraw: (HTTPResponse.Status, (ok: Bool, text: String), [String: String]) async throws -> Response,
        write: (EventID) async throws -> (done: String, written: AppendOutcome)
    ) async throws -> Response {
        let once = "Formulir ini sudah tercatat sebelumnya; tidak dicatat dua kali."
        let id = try staff.eventID()
        if try services.store.position(of: id) != nil { return try await redraw(.ok, (true, once), [:]) }
        do {
            let (done, written) = try await write(id)
            _ = await services.engine.waitFor(position: written.lastPosition, timeout: .seconds(2))
            return try await redraw(.ok, (true, written.duplicate ? once : done), [:])
        } catch let error as EventLogError {
            return try await redraw(Problem(error).status, (false, refusal(error)), staff.form)
        }
    }

    /// The adjustments of `warehouseId` waiting for a second officer's approval.
    func pendingAdjustments(_ request: Request, at warehouseId: String) async throws -> [PendingAdjustments.Adjustment] {
        try await services.views(request, replaying: AidController.replayed) { views in
            try AidQueries.pendingAdjustments(try views.view(AidViews.stock), warehouseId: warehouseId).adjustments
        }
    }

    /// Every warehouse with its stock.
    /// Every warehouse with its stock (as of `?asOf=`/`?recordedAsOf=` when given: the auditor's
    /// "what was in posko X on 10 August?").
    func stock(_ request: Request) async throws -> [StockReport.WarehouseStock] {
        try await services.views(request, replaying: AidController.replayed) { views in
            try AidQueries.stock(try views.view(AidViews.stock))?.warehouses ?? []
        }
    }

    /// The declared incidents, the latest started first.
    func incidents(_ request: Request) async throws -> [IncidentReport.Incident] {
        try await services.views(request) { views in try AidQueries.incidents(try views.view(AidViews.incidents)).incidents.reversed() }
    }

    /// The incident a form names (`insiden`), or the latest declared when it names none.
    func incident(_ form: [String: String], _ request: Request) async throws -> String {
        if let chosen = form["insiden"], !chosen.isEmpty { return chosen }
        return try await incidents(request).first?.incidentId ?? ""
    }

    /// The warehouse of the path, which the key may act on (404, 403 otherwise).
    func warehouse(
        _ request: Request, _ context: AppRequestContext, _ staff: StaffRequest, id given: String? = nil
    ) async throws -> StockReport.Warehouse {
        let id = try given ?? context.path("warehouseId")
        guard let w = try await stock(request).first(where: { $0.warehouse.warehouseId == id })?.warehouse else {
            throw PortalError.notFound("Gudang atau posko \(id) tidak terdaftar.")
        }
        guard staff.mayActOn(id) else {
            throw PortalError(
                status: .forbidden, title: "Di luar wilayah kerja",
                message: "Kunci \(staff.key.name) hanya untuk \(staff.key.scope?.sorted().joined(separator: ", ") ?? "-"); ini \(id).")
        }
        return w
    }

    /// A shipment's dispatch, read from its stream, and whether it was received.
    private func shipment(_ id: String) throws -> (
        dispatched: ShipmentDispatched, position: UInt64, received: (event: ShipmentReceived, position: UInt64)?
    )? {
        guard (try? AidIDs.check(id, field: "kiriman")) != nil else { return nil }
        var dispatched: (ShipmentDispatched, UInt64)?
        var received: (ShipmentReceived, UInt64)?
        for event in try services.store.readStream(AidIDs.shipmentStream(id)) {
            switch try? AidEvent.read(type: event.type, data: event.dataValue()) {
            case .shipmentDispatched(let e)?: dispatched = (e, event.position)
            case .shipmentReceived(let e)?: received = (e, event.position)
            default: break
            }
        }
        return dispatched.map { ($0.0, $0.1, received) }
    }

    /// The lots of a shipment, one line each.
    static func lotLines(_ s: ShipmentDispatched) -> [(item: String, unit: String, donationId: String, quantity: Int)] {
        s.lines.flatMap { line in line.lots.map { (line.item, line.unit, $0.donationId, $0.quantity) } }
    }

    func page(
        _ request: Request, _ context: AppRequestContext, _ staff: StaffRequest, status: HTTPResponse.Status = .ok,
        notice: (ok: Bool, text: String)? = nil, typed: [String: String] = [:], warehouseId: String? = nil
    ) async throws -> Response {
        let here = try await warehouse(request, context, staff, id: warehouseId)
        let report = try await stock(request)
        let items = report.first { $0.warehouse.warehouseId == here.warehouseId }?.items ?? []
        let others = report.map(\.warehouse).filter { $0.warehouseId != here.warehouseId }
        let rows = items.map { i -> HTML in
            let lots = i.lots.filter { $0.onHand > 0 || $0.inTransit > 0 }.map { l in
                "\(l.donationId): \(l.onHand)" + (l.expiresOn.flatMap(CivilDate.init).map { " (s.d. \(IndonesianFormat.date($0)))" } ?? "")
            }
            return
                "<tr><td>\(i.item)</td><td class=\"num\">\(i.onHand) \(i.unit)</td><td class=\"num\">\(i.inTransit)</td><td class=\"muted\">\(lots.joined(separator: ", "))</td></tr>"
        }
        let onHand = items.filter { $0.onHand > 0 }
        let itemOptions = onHand.map { i -> HTML in
            let value = "\(i.item)|\(i.unit)"
            return "<option value=\"\(value)\"\(typed["barang"] == value ? " selected" : "")>\(i.item) (\(i.onHand) \(i.unit))</option>"
        }
        let kelurahan = Self.desa(near: here.kelurahanCode).map { k -> HTML in
            let chosen = (typed["kelurahan"] ?? here.kelurahanCode) == k.code
            return "<option value=\"\(k.code)\"\(chosen ? " selected" : "")>\(k.name), \(k.kecamatan)</option>"
        }
        let destinations = others.map { w -> HTML in
            "<option value=\"\(w.warehouseId)\"\(typed["ke"] == w.warehouseId ? " selected" : "")>\(w.name) (\(Self.kind(w.kind)))</option>"
        }
        let incidentOptions = try await incidents(request).enumerated().map { i, incident -> HTML in
            let chosen = typed["insiden"].map { $0 == incident.incidentId } ?? (i == 0)
            return "<option value=\"\(incident.incidentId)\"\(chosen ? " selected" : "")>\(incident.name)</option>"
        }
        func incidentField(_ form: String) -> HTML {
            "<div><label for=\"insiden-\(form)\">Bencana <span class=\"hint\">stok dari donasi untuk bencana ini</span></label><select id=\"insiden-\(form)\" name=\"insiden\" required>\(HTML(joining: incidentOptions))</select></div>"
        }
        let csrf = StaffForm.csrfField(staff.session)
        let alert = notice.map { StaffLayout.notice(ok: $0.ok, $0.text) } ?? .empty
        let today = IndonesianFormat.localDay(.now()).description
        let base = Self.path(here.warehouseId)
        // Four eyes: adjustments above the threshold wait here for another officer's approval.
        let pendingRows = try await pendingAdjustments(request, at: here.warehouseId).map { a -> HTML in
            let mine = a.requestedBy == staff.key.actor
            return """
                <tr><td class="code">\(a.adjustmentId)</td><td>\(a.item)</td><td class="num">\(a.quantity) \(a.unit)</td><td class="code">\(a.donationId)</td><td>\(a.reason)</td><td>\(mine ? "Anda" as HTML : "petugas lain")</td>\
                <td><form method="post" action="\(base)/setujui/\(HTML.percentEncode(a.adjustmentId))">\(csrf)\(StaffForm.eventIDField())<button type="submit">Setujui</button></form>\
                <form method="post" action="\(base)/tolak/\(HTML.percentEncode(a.adjustmentId))">\(csrf)\(StaffForm.eventIDField())<label for="alasan-\(a.adjustmentId)">Alasan menolak</label><input id="alasan-\(a.adjustmentId)" name="alasan" required maxlength="300"><button type="submit">Tolak</button></form></td></tr>
                """
        }
        let pending: HTML =
            pendingRows.isEmpty
            ? .empty
            : """
            <section class="card"><h2>Menunggu persetujuan</h2>
            <p class="muted">Penyesuaian stok di atas ambang baru dihitung setelah disetujui petugas lain (empat mata).</p>
            <table><thead><tr><th>Nomor</th><th>Barang</th><th>Jumlah</th><th>Lot</th><th>Alasan</th><th>Dicatat oleh</th><th></th></tr></thead><tbody>\(HTML(joining: pendingRows))</tbody></table>
            </section>
            """
        let handOut: HTML =
            onHand.isEmpty
            ? "<p class=\"muted\">Tidak ada stok untuk disalurkan atau dikirim.</p>"
            : """
            <section class="card"><h2>Salurkan bantuan</h2>
            <form class="stack" method="post" action="\(base)/salurkan">\(csrf)\(StaffForm.eventIDField())
            \(incidentField("salurkan"))
            <div><label for="barang">Barang</label><select id="barang" name="barang" required>\(itemOptions)</select></div>
            <div><label for="jumlah">Jumlah</label><input id="jumlah" name="jumlah" inputmode="numeric" required maxlength="9" value="\(typed["jumlah"] ?? "")"></div>
            <div><label for="kelurahan">Kelurahan</label><select id="kelurahan" name="kelurahan">\(kelurahan)</select></div>
            <div><label for="kk">Jumlah KK</label><input id="kk" name="kk" inputmode="numeric" required maxlength="6" value="\(typed["kk"] ?? "")"></div>
            <div><label for="jiwa">Jumlah jiwa</label><input id="jiwa" name="jiwa" inputmode="numeric" required maxlength="7" value="\(typed["jiwa"] ?? "")"></div>
            <div><label for="tanggal">Tanggal</label><input id="tanggal" name="tanggal" type="date" required value="\(typed["tanggal"] ?? today)"></div>
            <div><button type="submit">Catat penyaluran</button></div>
            </form></section>
            <section class="card"><h2>Kirim ke gudang atau posko lain</h2>
            <form class="stack" method="post" action="\(base)/kirim">\(csrf)\(StaffForm.eventIDField())
            \(incidentField("kirim"))
            <div><label for="ke">Tujuan</label><select id="ke" name="ke" required>\(destinations)</select></div>
            <div><label for="barang-kirim">Barang</label><select id="barang-kirim" name="barang" required>\(itemOptions)</select></div>
            <div><label for="jumlah-kirim">Jumlah</label><input id="jumlah-kirim" name="jumlah" inputmode="numeric" required maxlength="9"></div>
            <div><label for="kendaraan">Kendaraan <span class="hint">nomor polisi</span></label><input id="kendaraan" name="kendaraan" required maxlength="60"></div>
            <div><label for="permintaan">Nomor permintaan <span class="hint">jika kiriman ini memenuhi permintaan pos tujuan (mis. RQ-2018-…)</span></label><input class="code" id="permintaan" name="permintaan" maxlength="100" autocapitalize="characters"></div>
            <div><label for="sopir">Sopir <span class="hint">kode atau peran, bukan nama (mis. sopir-03)</span></label><input id="sopir" name="sopir" required maxlength="100" autocapitalize="off"></div>
            <div><button type="submit">Berangkatkan kiriman</button></div>
            </form></section>
            """
        let forms: HTML = """
            \(pending)
            <section class="card"><h2>Terima kiriman</h2>
            <form class="stack" method="get" action="\(base)/terima">
            <div><label for="kiriman">Nomor kiriman <span class="hint">pada surat jalan, mis. SH-2018-…</span></label><input class="code" id="kiriman" name="kiriman" required maxlength="100" autocapitalize="characters"></div>
            <div><button type="submit">Buka kiriman</button></div>
            </form></section>
            <p><a href="\(base)/keluarga">Daftar keluarga dan penyaluran per keluarga (BAST)</a></p>
            <p><a href="\(base)/permintaan">Permintaan barang, janji kirim, dan donasi yang diterima di sini</a></p>
            \(handOut)
            """
        // As of a day (`?asOf=`): the page as it stood then, from a replay of the log, without forms.
        let past = try request.pointInHistory()
        let asOfForm: HTML = """
            <form class="inline" method="get" action="\(base)"><label for="asof">Lihat keadaan pada tanggal</label> <input id="asof" name="asOf" type="date" value="\(request.query("asOf").map { String($0.prefix(10)) } ?? "")"> <button type="submit">Lihat</button></form>
            """
        let history: HTML =
            past.map { point in
                let when =
                    point.occurredUntil.map { IndonesianFormat.dateTime($0) } ?? point.recordedUntil.map {
                        "tercatat s.d. \(IndonesianFormat.dateTime($0))"
                    } ?? ""
                return StaffLayout.notice(
                    ok: true,
                    "Keadaan per \(when), dari riwayat log (hanya baca; formulir tidak ditampilkan). Hapus tanggal untuk kembali ke hari ini."
                )
            } ?? .empty
        let content: HTML = """
            <h1>\(here.name)</h1>
            <p class="muted">\(Self.kind(here.kind)), \(here.kelurahanName), \(here.kecamatanName)</p>
            \(asOfForm)
            \(history)
            \(alert)
            \(try await alertsSection(request, here, items: items, staff: staff, typed: typed, readOnly: past != nil))
            <section class="card"><h2>Stok</h2>
            \(rows.isEmpty ? "<p class=\"muted\">Belum ada stok.</p>" : "<table><thead><tr><th>Barang</th><th>Ada</th><th>Dalam perjalanan</th><th>Lot (donasi: ada, kedaluwarsa)</th></tr></thead><tbody>\(rows)</tbody></table>" as HTML)
            </section>
            \(past == nil ? forms : .empty)
            """
        return StaffLayout.response(title: here.name, session: staff.session, status: status, content)
    }

    private func receiptPage(
        _ here: StockReport.Warehouse, _ s: ShipmentDispatched, staff: StaffRequest, status: HTTPResponse.Status = .ok,
        notice: (ok: Bool, text: String)? = nil
    ) -> Response {
        let rows = Self.lotLines(s).enumerated().map { i, lot -> HTML in
            let typed = staff.form["diterima-\(i)"] ?? String(lot.quantity)
            return """
                <tr><td>\(lot.item)</td><td class="muted">\(lot.donationId)</td><td class="num">\(lot.quantity) \(lot.unit)</td>
                <td><label class="visually-hidden" for="d-\(i)">Diterima \(lot.item)</label><input id="d-\(i)" name="diterima-\(i)" inputmode="numeric" maxlength="9" value="\(typed)"></td></tr>
                """
        }
        let alert = notice.map { StaffLayout.notice(ok: $0.ok, $0.text) } ?? .empty
        let eventID: HTML =
            staff.form["eventId"].map { "<input type=\"hidden\" name=\"eventId\" value=\"\($0)\">" } ?? StaffForm.eventIDField()
        let content: HTML = """
            <h1>Terima kiriman \(s.shipmentId)</h1>
            <p class="muted">Dari \(s.fromWarehouseId), kendaraan \(s.vehicle), sopir \(s.driver).</p>
            \(alert)
            <form class="stack card" method="post" action="\(Self.path(here.warehouseId))/terima/\(s.shipmentId)">\(StaffForm.csrfField(staff.session))\(eventID)
            <table><thead><tr><th>Barang</th><th>Lot</th><th>Dikirim</th><th>Diterima</th></tr></thead><tbody>\(rows)</tbody></table>
            <p class="muted">Yang tidak diterima (rusak, hilang) dicatat sebagai susut dalam perjalanan.</p>
            <div><label for="catatan">Catatan <span class="hint">tanpa NIK atau nomor telepon</span></label><input id="catatan" name="catatan" maxlength="500" value="\(staff.form["catatan"] ?? "")"></div>
            <div><button type="submit">Catat penerimaan</button></div>
            </form>
            """
        return StaffLayout.response(title: "Terima kiriman \(s.shipmentId)", session: staff.session, status: status, content)
    }

    static func path(_ warehouseId: String) -> String { "\(homePath)/\(HTML.percentEncode(warehouseId))" }

    /// The desa/kelurahan a warehouse in `code` hands aid out in: those of its kabupaten/kota, by
    /// kecamatan (Kota Mataram's 50 without reading the national table; elsewhere from `Regions`).
    static func desa(near code: String) -> [(code: String, name: String, kecamatan: String)] {
        let kabupaten = String(code.prefix(5))
        if kabupaten == Mataram.code { return Mataram.kelurahan.map { ($0.code, $0.name, $0.kecamatan.name) } }
        return Regions.children(of: kabupaten).flatMap { kecamatan in
            Regions.children(of: kecamatan.code).map { ($0.code, $0.name, kecamatan.name) }
        }
    }

    static func kind(_ kind: String) -> String { kind == "posko" ? "Posko" : "Gudang" }

    static func itemAndUnit(_ value: String?) -> (String, String) {
        let parts = (value ?? "").split(separator: "|", maxSplits: 1).map(String.init)
        return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
    }

    /// A count as typed (`1.250` reads 1250): nil when it is not a whole number.
    static func count(_ typed: String?) -> Int? {
        Int((typed ?? "").trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ".", with: ""))
    }

    /// When a hand-out recorded for `day` happened: now, for today; midday in WITA for an earlier day.
    static func occurred(on day: CivilDate) -> String {
        day == IndonesianFormat.localDay(.now()) ? Timestamp.now().description : "\(day.description)T12:00:00+08:00"
    }
}
