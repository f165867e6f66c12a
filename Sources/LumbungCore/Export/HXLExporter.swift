import AidLogistics
import DomainKit
public import EventLog
import JSON
import MarketPrices
public import PersonalData

/// Aid movements as an HXL-tagged table in the manner of a 3W (who, what, where): CSV
/// (RFC 4180, see `CSVText`) with a row of column names, then a row of HXL hashtags, then one
/// row per movement line. Events of other types give no row.
///
/// Columns (name, hashtag):
/// `Date #date` (the day the movement happened, in Mataram's time, WITA = UTC+08:00),
/// `Incident #crisis+code` (the incident the movement answers, `aid.incident-declared`),
/// `Activity #activity` (`donation`, `shipment`, `receipt`, `loss`, `distribution`,
/// `adjustment`, `write-off`), `Activity ID #activity+code` (the donationId, shipmentId or distributionId;
/// the event id for an adjustment), `Organisation #org` and `Organisation type #org+type` (the
/// donor and its kind for a donation; otherwise the warehouse the goods came from and its kind,
/// `gudang` or `posko`), `Warehouse #loc+name`, `Warehouse ID #loc+code`, `Warehouse kind
/// #loc+type`, `Kecamatan #adm3+name`, `Kecamatan code #adm3+code`, `Kelurahan #adm4+name`,
/// `Kelurahan code #adm4+code`, `Item #item+name`, `Unit #item+unit`, `Quantity #value`,
/// `Households #reached+hh`, `People #reached+ind`, `Position #meta+position`,
/// `Event ID #meta+id`.
///
/// Where each movement is placed (the warehouse columns, and the kelurahan and kecamatan):
/// - donation: one row per item, at the warehouse that received it;
/// - shipment (dispatched): one row per line, at the destination warehouse;
/// - receipt: one row per item (lots added up), at the destination warehouse;
/// - loss: one row per item dispatched and not received (dispatched minus received), after the
///   receipt's rows, at the destination warehouse (where it was found missing);
/// - distribution: one row per line, in the distribution's own `kelurahanCode`, the warehouse
///   columns naming the post it was handed out from;
/// - adjustment: one row, at the warehouse, `Quantity` signed (negative took stock out); a
///   write-off of unusable stock (`writeOff`) is the activity `write-off`, its quantity negative;
/// - request: one row per line asked, at the requesting post, `Quantity` the quantity asked.
///
/// Sums do not double count when taken per activity: `Quantity` is the quantity of that row's
/// line only; `Households` and `People` of a distribution are on its first row only (empty on
/// the others), so their sums over rows are the sums over distributions. Totals per kelurahan
/// match the `aid.kelurahan` view: `distributed` = sum of `distribution` quantities by
/// `#adm4+code`; `households`/`people` = sums of the distribution rows; `received` = sum of
/// `donation` and `receipt` quantities whose warehouse is a `posko`.
///
/// `prepare` reads every warehouse registration (for names, kinds and kelurahan) and every
/// shipment's dispatch and receipt up to the export's last position (for a receipt's route
/// and losses), whatever the filter selects. It keeps a few dozen bytes per warehouse and per
/// shipment: memory grows with the number of shipments, never with the rows exported.
public struct HXLExporter: Exporter {
    public let name = "hxl"
    public let contentType = "text/csv; charset=utf-8; header=present"
    public let fileExtension = "csv"
    public var fileName: String { "lumbung-aid-movements.hxl.csv" }
    public var eventTypes: Set<String>? { Self.movementTypes }

    /// The types that give rows.
    public static let movementTypes: Set<String> = [
        AidEventType.donationReceived, AidEventType.shipmentDispatched, AidEventType.shipmentReceived,
        AidEventType.aidDistributed, AidEventType.stockAdjusted, AidEventType.adjustmentApproved, AidEventType.itemsRequested,
    ]

    /// The columns, in order: the name row and the hashtag row.
    public static let columns: [(name: String, tag: String)] = [
        ("Date", "#date"), ("Incident", "#crisis+code"), ("Activity", "#activity"), ("Activity ID", "#activity+code"),
        ("Organisation", "#org"),
        ("Organisation type", "#org+type"), ("Warehouse", "#loc+name"), ("Warehouse ID", "#loc+code"),
        ("Warehouse kind", "#loc+type"), ("Kecamatan", "#adm3+name"), ("Kecamatan code", "#adm3+code"),
        ("Kelurahan", "#adm4+name"), ("Kelurahan code", "#adm4+code"), ("Item", "#item+name"), ("Unit", "#item+unit"),
        ("Quantity", "#value"), ("Households", "#reached+hh"), ("People", "#reached+ind"),
        ("Targeted", "#output+num+targeted"), ("Reached", "#output+num+reached"), ("Position", "#meta+position"),
        ("Event ID", "#meta+id"),
    ]

    /// Hours Mataram's time (WITA) is ahead of UTC: the `Date` column's day.
    public static let utcOffsetHours = 8

    /// A registered warehouse.
    struct Warehouse: Sendable {
        var name: String
        var kind: String
        var kelurahanCode: String
    }

    /// An amount of one item.
    struct Amount: Sendable, Equatable {
        var item: String
        var unit: String
        var quantity: Int
    }

    /// A shipment's route, and what it lost in transit (once received; empty when nothing).
    struct Shipment: Sendable {
        var from: String
        var to: String
        var lost: [Amount] = []
        /// The request it fulfils, if any.
        var requestId: String? = nil
    }

    var warehouses: [String: Warehouse] = [:]
    var shipments: [String: Shipment] = [:]
    /// Requests cancelled by the export's last position: they count as neither targeted nor reached.
    var cancelled: Set<String> = []

    /// Where individual donors' sealed names are opened (those who agreed to be named); nil (the
    /// command line's export, which opens no vault): they show as `Donor.anonymous`.
    let vault: Vault?

    public init(vault: Vault? = nil) { self.vault = vault }

    public func prepare(store: EventStore, filter: EventFilter) throws -> HXLExporter {
        var prepared = HXLExporter(vault: vault)
        var dispatched: [String: [Amount]] = [:]
        let scan = EventFilter(
            types: [
                AidEventType.warehouseRegistered, AidEventType.shipmentDispatched, AidEventType.shipmentReceived,
                AidEventType.requestCancelled,
            ],
            toPosition: filter.toPosition)
        try store.forEachRecord(scan) { view in
            guard let data = try? JSONParser.parse(view.dataBytes), let event = try? AidEvent.read(type: view.type, data: data) else {
                return true
            }
            switch event {
            case .warehouseRegistered(let w):
                prepared.warehouses[w.warehouseId] = Warehouse(name: w.name, kind: w.kind, kelurahanCode: w.kelurahanCode)
            case .shipmentDispatched(let s):
                prepared.shipments[s.shipmentId] = Shipment(from: s.fromWarehouseId, to: s.toWarehouseId, requestId: s.requestId)
                dispatched[s.shipmentId] = Self.addUp(s.lines.map { Amount(item: $0.item, unit: $0.unit, quantity: $0.quantity) })
            case .shipmentReceived(let r):
                guard let sent = dispatched.removeValue(forKey: r.shipmentId) else { return true }
                let received = Self.addUp(r.lines.map { Amount(item: $0.item, unit: $0.unit, quantity: $0.quantity) })
                prepared.shipments[r.shipmentId]?.lost = Self.lost(sent: sent, received: received)
            case .requestCancelled(let c):
                prepared.cancelled.insert(c.requestId)
            default:
                break
            }
            return true
        }
        return prepared
    }

    public func header(into out: inout [UInt8]) {
        CSVText.appendRecord(Self.columns.map(\.name), to: &out)
        CSVText.appendRecord(Self.columns.map(\.tag), to: &out)
    }

    public func write(_ event: EventRecordView, into out: inout [UInt8]) {
        guard Self.movementTypes.contains(event.type), let data = try? JSONParser.parse(event.dataBytes),
            let parsed = try? AidEvent.read(type: event.type, data: data)
        else { return }
        let context = RowContext(
            date: CivilDate(event.occurredAt, offsetHours: Self.utcOffsetHours).description, incidentId: parsed.incidentId ?? "",
            position: event.position, eventId: event.id.description)
        switch parsed {
        case .donationReceived(let d):
            let at = warehouses[d.warehouseId]
            for i in d.items {
                row(
                    context, "donation", d.donationId, org: d.donor.publicLabel(opening: vault.map(Donor.nameOpener)),
                    orgType: d.donor.kind, warehouseId: d.warehouseId,
                    kelurahanCode: at?.kelurahanCode, Amount(item: i.item, unit: i.unit, quantity: i.quantity), into: &out)
            }
        case .shipmentDispatched(let s):
            let from = warehouses[s.fromWarehouseId]
            let to = warehouses[s.toWarehouseId]
            for line in s.lines {
                row(
                    context, "shipment", s.shipmentId, org: from?.name ?? s.fromWarehouseId, orgType: from?.kind ?? "",
                    warehouseId: s.toWarehouseId, kelurahanCode: to?.kelurahanCode,
                    Amount(item: line.item, unit: line.unit, quantity: line.quantity), into: &out)
            }
        case .shipmentReceived(let r):
            let route = shipments[r.shipmentId]
            let from = route.flatMap { warehouses[$0.from] }
            let to = route.flatMap { warehouses[$0.to] }
            let org = from?.name ?? route?.from ?? ""
            let received = Self.addUp(r.lines.map { Amount(item: $0.item, unit: $0.unit, quantity: $0.quantity) })
            // What arrived for a request (not cancelled) is what reached its post.
            let forRequest = route?.requestId.map { !cancelled.contains($0) } ?? false
            for amount in received {
                row(
                    context, "receipt", r.shipmentId, org: org, orgType: from?.kind ?? "", warehouseId: route?.to ?? "",
                    kelurahanCode: to?.kelurahanCode, amount, reached: forRequest ? amount.quantity : nil, into: &out)
            }
            for amount in route?.lost ?? [] {
                row(
                    context, "loss", r.shipmentId, org: org, orgType: from?.kind ?? "", warehouseId: route?.to ?? "",
                    kelurahanCode: to?.kelurahanCode, amount, into: &out)
            }
        case .aidDistributed(let d):
            let post = warehouses[d.warehouseId]
            for (i, line) in d.lines.enumerated() {
                row(
                    context, "distribution", d.distributionId, org: post?.name ?? d.warehouseId, orgType: post?.kind ?? "",
                    warehouseId: d.warehouseId, kelurahanCode: d.kelurahanCode,
                    Amount(item: line.item, unit: line.unit, quantity: line.quantity),
                    households: i == 0 ? d.households : nil, people: i == 0 ? d.people : nil, into: &out)
            }
        case .stockAdjusted(let a):
            // Four eyes: a pending adjustment is a movement from its approval.
            guard !a.isPending else { return }
            let at = warehouses[a.warehouseId]
            row(
                context, a.isWriteOff ? "write-off" : "adjustment", context.eventId, org: at?.name ?? a.warehouseId,
                orgType: at?.kind ?? "",
                warehouseId: a.warehouseId, kelurahanCode: at?.kelurahanCode, Amount(item: a.item, unit: a.unit, quantity: a.quantity),
                into: &out)
        case .adjustmentApproved(let a):
            let at = warehouses[a.warehouseId]
            row(
                context, a.writeOff == true ? "write-off" : "adjustment", a.adjustmentId, org: at?.name ?? a.warehouseId,
                orgType: at?.kind ?? "",
                warehouseId: a.warehouseId, kelurahanCode: at?.kelurahanCode, Amount(item: a.item, unit: a.unit, quantity: a.quantity),
                into: &out)
        case .itemsRequested(let q):
            let post = warehouses[q.warehouseId]
            let counts = !cancelled.contains(q.requestId)
            for line in q.lines {
                row(
                    context, "request", q.requestId, org: post?.name ?? q.warehouseId, orgType: post?.kind ?? "",
                    warehouseId: q.warehouseId,
                    kelurahanCode: post?.kelurahanCode, Amount(item: line.item, unit: line.unit, quantity: line.quantity),
                    targeted: counts ? line.quantity : nil, into: &out)
            }
        // Households never leave in an export: a distribution's counts are in its own row.
        case .warehouseRegistered, .incidentDeclared, .impactReported, .householdRegistered, .householdServed,
            .requestCommitted, .requestCancelled, .itemCataloged, .minimumStockSet, .adjustmentRejected:
            return
        }
    }

    /// What every row of one event shares.
    struct RowContext {
        var date: String
        var incidentId: String
        var position: UInt64
        var eventId: String
    }

    private func row(
        _ c: RowContext, _ activity: String, _ code: String, org: String, orgType: String, warehouseId: String,
        kelurahanCode: String?, _ amount: Amount, households: Int? = nil, people: Int? = nil, targeted: Int? = nil,
        reached: Int? = nil, into out: inout [UInt8]
    ) {
        let place = warehouses[warehouseId]
        // Kota Mataram's names from its own table, any other desa's from the national one.
        let names = kelurahanCode.map(PlaceNames.names) ?? (desa: "", kecamatan: "")
        let kecamatanCode = kelurahanCode.map { $0.split(separator: ".").prefix(3).joined(separator: ".") } ?? ""
        CSVText.appendRecord(
            [
                c.date, c.incidentId, activity, code, org, orgType, place?.name ?? "", warehouseId, place?.kind ?? "",
                names.kecamatan, names.kecamatan.isEmpty ? "" : kecamatanCode, names.desa, kelurahanCode ?? "",
                amount.item, amount.unit, String(amount.quantity), households.map(String.init) ?? "", people.map(String.init) ?? "",
                targeted.map(String.init) ?? "", reached.map(String.init) ?? "", String(c.position), c.eventId,
            ], to: &out)
    }

    /// `amounts` added up per item and unit, in the order each first appears.
    static func addUp(_ amounts: [Amount]) -> [Amount] {
        var out: [Amount] = []
        for a in amounts {
            if let i = out.firstIndex(where: { $0.item == a.item && $0.unit == a.unit }) {
                out[i].quantity += a.quantity
            } else {
                out.append(a)
            }
        }
        return out
    }

    /// What was `sent` and not `received`, per item (positive amounts only), in dispatch order.
    static func lost(sent: [Amount], received: [Amount]) -> [Amount] {
        sent.compactMap { s in
            let got = received.first { $0.item == s.item && $0.unit == s.unit }?.quantity ?? 0
            return s.quantity > got ? Amount(item: s.item, unit: s.unit, quantity: s.quantity - got) : nil
        }
    }
}
