import DomainKit
import EventLog
import MataramReference
public import PersonalData
public import Projections

/// The read side of the aid domain: functions over a `ViewReader` of one view (live, from
/// `ProjectionEngine.read { try $0.view(AidViews.stock) }`, or of a replay), returning
/// `Codable & Sendable` results.
///
/// Each function reads only the view named in its documentation.
public enum AidQueries {
    // MARK: aid.stock

    /// Adjustments waiting for a second officer's approval (view `aid.stock`, `pending`), oldest
    /// first; only `warehouseId`'s and `incidentId`'s when given.
    public static func pendingAdjustments(_ view: ViewReader, warehouseId: String? = nil, incidentId: String? = nil) throws
        -> PendingAdjustments
    {
        var out: [PendingAdjustments.Adjustment] = []
        try view.scanValues(PendingAdjustments.Adjustment.self, "pending") { _, a in
            if warehouseId == nil || a.warehouseId == warehouseId, incidentId == nil || a.incidentId == incidentId { out.append(a) }
            return true
        }
        return PendingAdjustments(adjustments: out.sorted { $0.position < $1.position })
    }

    /// Stock (view `aid.stock`): every warehouse, or only `warehouseId`; every item, or only
    /// `item` (and `unit`, when given). With an item filter, only warehouses holding it (on hand
    /// or in transit) are listed. With `incidentId`, only the lots given for that incident count
    /// (and only warehouses holding any are listed). Returns nil when `warehouseId` is not
    /// registered.
    public static func stock(
        _ view: ViewReader, warehouseId: String? = nil, item: String? = nil, unit: String? = nil, incidentId: String? = nil
    ) throws -> StockReport? {
        var warehouses: [StockReport.Warehouse] = []
        if let warehouseId {
            guard let w = try view.value(StockReport.Warehouse.self, "warehouses", warehouseId) else { return nil }
            warehouses = [w]
        } else {
            try view.scanValues(StockReport.Warehouse.self, "warehouses") { _, w in
                warehouses.append(w)
                return true
            }
        }
        var listed: [StockReport.WarehouseStock] = []
        var totals: [String: StockReport.Total] = [:]
        for w in warehouses {
            var items: [StockReport.Item] = []
            let prefix = item.map { ViewKey.prefix(w.warehouseId, $0) } ?? ViewKey.prefix(w.warehouseId)
            if let incidentId {
                items = try incidentItems(view, prefix: prefix, unit: unit, incidentId: incidentId)
            } else {
                try view.scan("totals", prefix: prefix) { key, bytes in
                    let parts = ViewKey.split(key)
                    guard parts.count == 3, unit == nil || parts[2] == unit else { return true }
                    let t = try ViewCoding.decode(StockRecords.Quantities.self, bytes)
                    items.append(StockReport.Item(item: parts[1], unit: parts[2], onHand: t.onHand, inTransit: t.inTransit, lots: []))
                    return true
                }
            }
            for i in items.indices {
                if incidentId == nil {
                    try view.scan("lots", prefix: ViewKey.prefix(w.warehouseId, items[i].item, items[i].unit)) { key, bytes in
                        let parts = ViewKey.split(key)
                        guard parts.count == 4 else { return true }
                        let l = try ViewCoding.decode(StockRecords.Quantities.self, bytes)
                        items[i].lots.append(
                            StockReport.Lot(donationId: parts[3], onHand: l.onHand, inTransit: l.inTransit, expiresOn: l.expiresOn))
                        return true
                    }
                }
                items[i].lots.sort { ($0.expiresOn ?? "9", $0.donationId) < ($1.expiresOn ?? "9", $1.donationId) }
                items[i].minimum = try view.value(Int.self, "minimums", ViewKey.make(w.warehouseId, items[i].item, items[i].unit))
                let key = ViewKey.make(items[i].item, items[i].unit)
                var t = totals[key] ?? StockReport.Total(item: items[i].item, unit: items[i].unit, onHand: 0, inTransit: 0, warehouses: 0)
                t.onHand += items[i].onHand
                t.inTransit += items[i].inTransit
                t.warehouses += 1
                totals[key] = t
            }
            if (item != nil || incidentId != nil) && items.isEmpty && warehouseId == nil { continue }
            listed.append(StockReport.WarehouseStock(warehouse: w, items: items))
        }
        return StockReport(warehouses: listed, totals: totals.keys.sorted().compactMap { totals[$0] })
    }

    /// The items under `prefix` (a warehouse's, or its item's) made of the lots given for
    /// `incidentId` alone, with those lots.
    private static func incidentItems(_ view: ViewReader, prefix: String, unit: String?, incidentId: String) throws -> [StockReport.Item] {
        var items: [StockReport.Item] = []
        try view.scan("lots", prefix: prefix) { key, bytes in
            let parts = ViewKey.split(key)
            guard parts.count == 4, unit == nil || parts[2] == unit else { return true }
            let l = try ViewCoding.decode(StockRecords.Quantities.self, bytes)
            guard l.incidentId == incidentId else { return true }
            if items.last?.item != parts[1] || items.last?.unit != parts[2] {
                items.append(StockReport.Item(item: parts[1], unit: parts[2], onHand: 0, inTransit: 0, lots: []))
            }
            items[items.count - 1].onHand += l.onHand
            items[items.count - 1].inTransit += l.inTransit
            items[items.count - 1].lots.append(
                StockReport.Lot(donationId: parts[3], onHand: l.onHand, inTransit: l.inTransit, expiresOn: l.expiresOn))
            return true
        }
        return items
    }

    // MARK: aid.kelurahan

    /// Aid per kelurahan (view `aid.kelurahan`): all 50 kelurahan of Kota Mataram in code order,
    /// zeros where nothing happened, and city totals; with `incidentId`, that incident's aid only.
    public static func kelurahan(_ view: ViewReader, incidentId: String? = nil) throws -> KelurahanReport {
        let posko = try poskoByKelurahan(view)
        var list: [KelurahanReport.Kelurahan] = []
        for k in Mataram.kelurahan { list.append(try kelurahanEntry(view, k, posko: posko[k.code] ?? [], incidentId: incidentId)) }
        var totals = KelurahanReport.Totals(
            kelurahanServed: 0, shipmentsReceived: 0, donationsReceived: 0, distributions: 0, households: 0, people: 0, items: [])
        var items: [String: KelurahanReport.Item] = [:]
        for k in list {
            if k.distributions > 0 { totals.kelurahanServed += 1 }
            totals.shipmentsReceived += k.shipmentsReceived
            totals.donationsReceived += k.donationsReceived
            totals.distributions += k.distributions
            totals.households += k.households
            totals.people += k.people
            for i in k.items {
                let key = ViewKey.make(i.item, i.unit)
                var t = items[key] ?? KelurahanReport.Item(item: i.item, unit: i.unit, received: 0, distributed: 0)
                t.received += i.received
                t.distributed += i.distributed
                items[key] = t
            }
        }
        totals.items = items.keys.sorted().compactMap { items[$0] }
        return KelurahanReport(kelurahan: list, totals: totals)
    }

    /// Aid in one kelurahan (view `aid.kelurahan`); nil when `code` is not a kelurahan of Kota Mataram.
    public static func kelurahan(_ view: ViewReader, code: String, incidentId: String? = nil) throws -> KelurahanReport.Kelurahan? {
        guard let k = Mataram.kelurahan(code: code) else { return nil }
        return try kelurahanEntry(view, k, posko: try poskoByKelurahan(view)[code] ?? [], incidentId: incidentId)
    }

    private static func poskoByKelurahan(_ view: ViewReader) throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        try view.scanValues(KelurahanRecords.Warehouse.self, "warehouses") { id, w in
            if w.kind == "posko" { out[w.kelurahanCode, default: []].append(id) }
            return true
        }
        return out
    }

    private static func kelurahanEntry(_ view: ViewReader, _ k: Kelurahan, posko: [String], incidentId: String?) throws
        -> KelurahanReport.Kelurahan
    {
        let c =
            try
            (incidentId.map { try view.value(KelurahanRecords.Counters.self, "incidentKelurahan", ViewKey.make($0, k.code)) }
            ?? view.value(KelurahanRecords.Counters.self, "kelurahan", k.code)) ?? KelurahanRecords.Counters()
        let items = try items(view, of: k.code, incidentId: incidentId, KelurahanRecords.ItemCounters.self) {
            KelurahanReport.Item(item: $0, unit: $1, received: $2.received, distributed: $2.distributed)
        }
        return KelurahanReport.Kelurahan(
            code: k.code, name: k.name, kecamatanCode: k.kecamatan.code, kecamatanName: k.kecamatan.name, posko: posko,
            shipmentsReceived: c.shipmentsReceived, donationsReceived: c.donationsReceived, distributions: c.distributions,
            households: c.households, people: c.people, items: items)
    }

    // MARK: aid.trace

    /// The trace of one donation (view `aid.trace`): its steps in log order and the balance of
    /// each item, folded from the steps: `donated = onHand + inTransit + distributed + lost +
    /// adjusted`. Nil when no donation `donationId` was received.
    /// The donor shows as `Donor.publicLabel(opening: open)`: an individual who agreed to be named,
    /// their name sealed, by their name opened (nil `open`: `Donor.anonymous`), never sealed.
    public static func trace(_ view: ViewReader, donationId: String, opening open: ((SealedValue) -> String)? = nil) throws
        -> DonationTrace?
    {
        guard var donation = try view.value(DonationTrace.Donation.self, "donations", donationId) else { return nil }
        if case .sealed = donation.donor.name {
            // Opened for an individual who agreed to be named (`publicName` kept, so that
            // `publicLabel` shows it); else the anonymous label.
            let label = donation.donor.publicLabel(opening: open)
            donation.donor = Donor(
                name: .clear(label), kind: donation.donor.kind,
                publicName: donation.donor.publicName == true && label != Donor.anonymous ? true : nil)
        }
        var steps: [DonationTrace.Step] = []
        try view.scanValues(DonationTrace.Step.self, "steps", prefix: ViewKey.prefix(donationId)) { _, s in
            steps.append(s)
            return true
        }
        return DonationTrace(donation: donation, steps: steps, balance: balance(of: donation, steps: steps))
    }

    /// The balance of each item of `donation`: `donated` from the donation itself, the rest
    /// folded from the steps alone (independently of any other view). A shipment counts as in
    /// transit until a receipt step (received or lost) for it appears; after that, whatever of
    /// it is neither received nor lost is unaccounted for and the identity fails.
    static func balance(of donation: DonationTrace.Donation, steps: [DonationTrace.Step]) -> DonationTrace.Balance {
        struct Acc {
            var stepsDonated = 0, distributed = 0, lost = 0, writtenOff = 0, adjusted = 0
            var onHand: [String: (name: String, quantity: Int)] = [:]
            /// Per shipment: dispatched, settled (received + lost), and whether a receipt was seen.
            var shipments: [String: (dispatched: Int, settled: Int, receipt: Bool)] = [:]
            mutating func hold(_ id: String, _ name: String, _ q: Int) {
                onHand[id] = (name, (onHand[id]?.quantity ?? 0) + q)
            }
            mutating func ship(_ id: String, dispatched: Int = 0, settled: Int = 0, receipt: Bool = false) {
                let s = shipments[id] ?? (0, 0, false)
                shipments[id] = (s.dispatched + dispatched, s.settled + settled, s.receipt || receipt)
            }
        }
        var acc: [String: Acc] = [:]
        var order: [(String, String, String)] = []
        func key(_ item: String, _ unit: String) -> String {
            let k = ViewKey.make(item, unit)
            if acc[k] == nil {
                acc[k] = Acc()
                order.append((k, item, unit))
            }
            return k
        }
        var donated: [String: Int] = [:]
        for i in donation.items { donated[key(i.item, i.unit), default: 0] += i.quantity }
        for s in steps {
            let k = key(s.item, s.unit)
            var a = acc[k] ?? Acc()
            let shipment = s.shipmentId ?? ""
            switch s.kind {
            case .donated:
                a.stepsDonated += s.quantity
                a.hold(s.warehouseId, s.warehouseName, s.quantity)
            case .dispatched:
                a.hold(s.warehouseId, s.warehouseName, -s.quantity)
                a.ship(shipment, dispatched: s.quantity)
            case .received:
                a.hold(s.toWarehouseId ?? "", s.toWarehouseName ?? "", s.quantity)
                a.ship(shipment, settled: s.quantity, receipt: true)
            case .lostInTransit:
                a.lost += s.quantity
                a.ship(shipment, settled: s.quantity, receipt: true)
            case .distributed:
                a.hold(s.warehouseId, s.warehouseName, -s.quantity)
                a.distributed += s.quantity
            case .adjusted:
                a.hold(s.warehouseId, s.warehouseName, s.quantity)
                a.adjusted -= s.quantity
            case .writtenOff:
                a.hold(s.warehouseId, s.warehouseName, -s.quantity)
                a.writtenOff += s.quantity
            }
            acc[k] = a
        }
        var items: [DonationTrace.ItemBalance] = []
        for (k, item, unit) in order {
            guard let a = acc[k] else { continue }
            let holdings = a.onHand.filter { $0.value.quantity != 0 }.sorted { $0.key < $1.key }
                .map { DonationTrace.Holding(warehouseId: $0.key, warehouseName: $0.value.name, quantity: $0.value.quantity) }
            let onHand = holdings.reduce(0) { $0 + $1.quantity }
            let inTransit = a.shipments.values.reduce(0) { $0 + ($1.receipt ? 0 : $1.dispatched - $1.settled) }
            let accounted = onHand + inTransit + a.distributed + a.lost + a.writtenOff + a.adjusted
            let d = donated[k] ?? 0
            items.append(
                DonationTrace.ItemBalance(
                    item: item, unit: unit, donated: d, onHand: onHand, onHandByWarehouse: holdings, inTransit: inTransit,
                    distributed: a.distributed, lost: a.lost, writtenOff: a.writtenOff, adjusted: a.adjusted, accountedFor: accounted,
                    holds: accounted == d && a.stepsDonated == d))
        }
        return DonationTrace.Balance(identity: DonationTrace.Balance.identity, holds: items.allSatisfy(\.holds), items: items)
    }

    // MARK: aid.donors

    /// Every donor (view `aid.donors`), by name, with items donated and distributed so far
    /// (without the list of donations). An individual who agreed to be named shows their name
    /// opened by `open` (which answers `Donor.erased` once forgotten; nil: `Donor.anonymous`).
    /// With `incidentId`, only the donors who gave for it, counting only what they gave for it.
    public static func donors(_ view: ViewReader, opening open: ((SealedValue) -> String)? = nil, incidentId: String? = nil) throws
        -> DonorReport
    {
        var donors: [DonorReport.Donor] = []
        try view.scanValues(DonorRecords.Donor.self, "donors") { _, d in
            guard let incidentId else {
                donors.append(try donorEntry(view, d, opening: open))
                return true
            }
            var entry = try donorEntry(view, d, opening: open, incidentId: incidentId)
            let given = try donations(view, of: d.name).filter { $0.incidentId == incidentId }
            guard let first = given.first, let last = given.last else { return true }
            (entry.donations, entry.firstReceivedAt, entry.lastReceivedAt) = (given.count, first.receivedAt, last.receivedAt)
            donors.append(entry)
            return true
        }
        return DonorReport(donors: donors)
    }

    /// One donor by exact name (view `aid.donors`; an individual named in public by their subject
    /// pseudonym), with every donation; nil when unknown.
    public static func donor(_ view: ViewReader, name: String, opening open: ((SealedValue) -> String)? = nil) throws
        -> DonorReport.Donor?
    {
        guard let d = try view.value(DonorRecords.Donor.self, "donors", name) else { return nil }
        var entry = try donorEntry(view, d, opening: open)
        entry.donationList = try donations(view, of: name)
        return entry
    }

    /// A donor's donations, in log order.
    private static func donations(_ view: ViewReader, of name: String) throws -> [DonorReport.Donation] {
        var list: [DonorReport.Donation] = []
        try view.scanValues(DonorReport.Donation.self, "donations", prefix: ViewKey.prefix(name)) { _, v in
            list.append(v)
            return true
        }
        return list
    }

    private static func donorEntry(
        _ view: ViewReader, _ d: DonorRecords.Donor, opening open: ((SealedValue) -> String)?, incidentId: String? = nil
    ) throws -> DonorReport.Donor {
        let items = try items(view, of: d.name, incidentId: incidentId, DonorRecords.Item.self) {
            DonorReport.Item(item: $0, unit: $1, donated: $2.donated, distributed: $2.distributed)
        }
        let name = d.sealedName.map { open?($0) ?? Donor.anonymous } ?? d.name
        return DonorReport.Donor(
            name: name, kind: d.kind, donations: d.donations, firstReceivedAt: d.firstReceivedAt, lastReceivedAt: d.lastReceivedAt,
            items: items, donationList: nil)
    }

    /// The entries of database `items` keyed `<owner>␟<item>␟<unit>` (kelurahan, donors), in key
    /// order, each made from its item, unit and record; with `incidentId`, of `incidentItems`
    /// keyed `<incidentId>␟<owner>␟<item>␟<unit>`.
    private static func items<T: Decodable, R>(
        _ view: ViewReader, of owner: String, incidentId: String? = nil, _ type: T.Type, _ make: (String, String, T) -> R
    ) throws -> [R] {
        var out: [R] = []
        let (db, prefix, count) =
            incidentId.map { ("incidentItems", ViewKey.prefix($0, owner), 4) } ?? ("items", ViewKey.prefix(owner), 3)
        try view.scan(db, prefix: prefix) { key, bytes in
            let parts = ViewKey.split(key)
            guard parts.count == count else { return true }
            out.append(make(parts[count - 2], parts[count - 1], try ViewCoding.decode(T.self, bytes)))
            return true
        }
        return out
    }

    // MARK: aid.incidents

    /// Every incident (view `aid.incidents`), by start then id, with its displaced total and the
    /// aid that reached it (without the impact per area).
    public static func incidents(_ view: ViewReader) throws -> IncidentReport {
        var list: [IncidentReport.Incident] = []
        try view.scanValues(IncidentReport.Incident.self, "incidents") { _, i in
            list.append(try incidentEntry(view, i, withImpact: false))
            return true
        }
        list.sort { (Timestamp($0.startedAt) ?? .now(), $0.incidentId) < (Timestamp($1.startedAt) ?? .now(), $1.incidentId) }
        return IncidentReport(incidents: list)
    }

    /// One incident (view `aid.incidents`) with the latest impact of every area reported; nil when
    /// no incident `incidentId` was declared.
    public static func incident(_ view: ViewReader, incidentId: String) throws -> IncidentReport.Incident? {
        guard let i = try view.value(IncidentReport.Incident.self, "incidents", incidentId) else { return nil }
        return try incidentEntry(view, i, withImpact: true)
    }

    private static func incidentEntry(_ view: ViewReader, _ stored: IncidentReport.Incident, withImpact: Bool) throws
        -> IncidentReport.Incident
    {
        var i = stored
        var impact: [IncidentReport.Impact] = []
        try view.scanValues(IncidentReport.Impact.self, "impact", prefix: ViewKey.prefix(i.incidentId)) { _, r in
            impact.append(r)
            return true
        }
        let codes = Set(impact.map(\.code))
        i.displaced = impact.filter { r in !codes.contains { r.code.hasPrefix($0 + ".") } }.reduce(0) { $0 + $1.displaced }
        i.impact = withImpact ? impact : nil
        i.reached = try view.value(IncidentReport.Reached.self, "reached", i.incidentId) ?? IncidentReport.Reached()
        return i
    }

    // MARK: aid.requests

    /// Requests (view `aid.requests`), by request time then id; only those of `incidentId`, of
    /// `warehouseId`, or in `status` when given.
    public static func requests(
        _ view: ViewReader, incidentId: String? = nil, warehouseId: String? = nil, status: RequestStatus? = nil
    ) throws -> RequestReport {
        var list: [RequestReport.Request] = []
        try view.scanValues(RequestReport.Request.self, "requests") { _, r in
            if (incidentId == nil || r.incidentId == incidentId) && (warehouseId == nil || r.warehouseId == warehouseId)
                && (status == nil || r.status == status)
            {
                list.append(r)
            }
            return true
        }
        list.sort { (Timestamp($0.requestedAt) ?? .now(), $0.requestId) < (Timestamp($1.requestedAt) ?? .now(), $1.requestId) }
        return RequestReport(requests: list)
    }

    /// One request (view `aid.requests`); nil when none was made.
    public static func request(_ view: ViewReader, requestId: String) throws -> RequestReport.Request? {
        try view.value(RequestReport.Request.self, "requests", requestId)
    }

    /// Need against delivery per incident and desa (view `aid.requests`): requests not cancelled,
    /// added up per item. Ordered by incident, then code.
    public static func needs(_ view: ViewReader, incidentId: String? = nil) throws -> NeedsReport {
        var byDesa: [String: NeedsReport.Desa] = [:]
        for r in try requests(view, incidentId: incidentId).requests where r.status != .cancelled {
            let key = ViewKey.make(r.incidentId ?? "", r.kelurahanCode)
            var d =
                byDesa[key]
                ?? NeedsReport.Desa(
                    incidentId: r.incidentId ?? "", kelurahanCode: r.kelurahanCode, name: PlaceNames.name(of: r.kelurahanCode),
                    requests: 0, items: [])
            d.requests += 1
            for line in r.lines {
                if let i = d.items.firstIndex(where: { $0.item == line.item && $0.unit == line.unit }) {
                    d.items[i].targeted += line.requested
                    d.items[i].reached += line.delivered
                } else {
                    d.items.append(NeedsReport.Item(item: line.item, unit: line.unit, targeted: line.requested, reached: line.delivered))
                }
            }
            byDesa[key] = d
        }
        return NeedsReport(desa: byDesa.keys.sorted().compactMap { byDesa[$0] })
    }
}
