public import DomainKit
public import EventLog
public import Projections

/// Stored records of `aid.stock`.
enum StockRecords {
    /// A quantity on hand and in transit: of a lot (`lots`), or of an item at a warehouse (`totals`).
    struct Quantities: Codable, Equatable {
        var onHand = 0, inTransit = 0
        /// Of a lot: the incident its donation was given for (nil: before incidents, or a total).
        var incidentId: String?
        /// Of a lot: its expiry date (`YYYY-MM-DD`; nil: it does not expire, or a total).
        var expiresOn: String?
    }
}

/// A shipment not yet received, as `aid.stock` and `aid.trace` keep it (`shipments`: `<shipmentId>`):
/// where it goes and the lots it carries.
struct OpenShipment: Codable, Equatable {
    var fromWarehouseId, toWarehouseId: String
    /// Every lot of every line, in the dispatch's order.
    var lots: [ReceivedLine]

    init(_ s: ShipmentDispatched) {
        (fromWarehouseId, toWarehouseId) = (s.fromWarehouseId, s.toWarehouseId)
        lots = s.lines.flatMap { line in
            line.lots.map { ReceivedLine(item: line.item, unit: line.unit, donationId: $0.donationId, quantity: $0.quantity) }
        }
    }

    /// Keeps it in `shipments` until it is received.
    func keep(_ shipmentId: String, in view: ViewWriter) throws { try view.put("shipments", shipmentId, value: self) }

    /// The shipment kept under `shipmentId`, taken out of `shipments` (nil: none is open).
    static func take(_ shipmentId: String, from view: ViewWriter) throws -> OpenShipment? {
        guard let open = try view.value(OpenShipment.self, "shipments", shipmentId) else { return nil }
        try view.delete("shipments", shipmentId)
        return open
    }
}

/// `aid.stock`: stock per warehouse, item and lot, on hand and in transit.
///
/// Databases:
/// - `warehouses`: `<warehouseId>` -> `StockReport.Warehouse`
/// - `lots`: `<warehouseId>␟<item>␟<unit>␟<donationId>` -> `{onHand, inTransit, incidentId?}` (absent when both are 0;
///   `incidentId` is the donation's, so that `AidQueries.stock(_:incidentId:)` reads one incident's lots)
/// - `totals`: `<warehouseId>␟<item>␟<unit>` -> `{onHand, inTransit}` (absent when both are 0)
/// - `shipments`: `<shipmentId>` -> the lots of a shipment not yet received
/// - `pending`: `<adjustmentId>` -> an adjustment waiting for a second officer's approval
///   (`PendingAdjustments.Adjustment`); it counts only from its `aid.adjustment-approved`
/// - `minimums`: `<warehouseId>␟<item>␟<unit>` -> the minimum stock (`aid.minimum-stock-set`; absent: none)
/// - `catalog`: `<item>` -> `ItemCataloged`, the item catalog
///
/// A dispatch moves a lot's quantity from on hand to in transit at the source; the receipt
/// takes it out of transit and puts what arrived on hand at the destination (the rest is lost).
public struct StockProjector: DomainProjector {
    /// 2: key parts are escaped (`%` as `%25`), by DomainKit's `ViewKey`. 3: lots keep their incident.
    /// 4: four eyes (pending adjustments count from their approval). 5: the catalog, lots' expiry
    /// dates and warehouses' minimum stock.
    public static let definition = ViewDefinition(
        AidViews.stock, version: 5, folding: AidEventType.all,
        databases: ["warehouses", "lots", "totals", "shipments", "pending", "minimums", "catalog"])

    public func apply(_ e: AidEvent, of event: RecordedEvent, to view: ViewWriter) throws {
        switch e {
        case .warehouseRegistered(let r):
            let place = PlaceNames.names(r.kelurahanCode)
            try view.put(
                "warehouses", r.warehouseId,
                value: StockReport.Warehouse(
                    warehouseId: r.warehouseId, name: r.name, kind: r.kind, kelurahanCode: r.kelurahanCode,
                    kelurahanName: place.desa, kecamatanName: place.kecamatan))
        case .donationReceived(let d):
            for i in d.items {
                try bump(
                    view, d.warehouseId, i.item, i.unit, d.donationId, onHand: i.quantity, inTransit: 0, incidentId: d.incidentId,
                    expiresOn: i.expiresOn)
            }
        case .shipmentDispatched(let s):
            let open = OpenShipment(s)
            for lot in open.lots {
                try bump(view, s.fromWarehouseId, lot.item, lot.unit, lot.donationId, onHand: -lot.quantity, inTransit: lot.quantity)
            }
            try open.keep(s.shipmentId, in: view)
        case .shipmentReceived(let r):
            guard let s = try OpenShipment.take(r.shipmentId, from: view) else { return }
            // A lot arrives with the expiry date it has at the source (read by the source's bump).
            var expiry: [String: String] = [:]
            for lot in s.lots {
                let source = try bump(view, s.fromWarehouseId, lot.item, lot.unit, lot.donationId, onHand: 0, inTransit: -lot.quantity)
                if let date = source.expiresOn { expiry[ViewKey.make(lot.item, lot.unit, lot.donationId)] = date }
            }
            for line in r.lines {
                try bump(
                    view, s.toWarehouseId, line.item, line.unit, line.donationId, onHand: line.quantity, inTransit: 0,
                    incidentId: r.incidentId, expiresOn: expiry[ViewKey.make(line.item, line.unit, line.donationId)])
            }
        case .aidDistributed(let d):
            for line in d.lines {
                for lot in line.lots {
                    try bump(view, d.warehouseId, line.item, line.unit, lot.donationId, onHand: -lot.quantity, inTransit: 0)
                }
            }
        case .stockAdjusted(let a):
            if a.isPending, let id = a.adjustmentId {
                try view.put(
                    "pending", id,
                    value: PendingAdjustments.Adjustment(
                        adjustmentId: id, warehouseId: a.warehouseId, item: a.item, unit: a.unit, donationId: a.donationId,
                        quantity: a.quantity, reason: a.reason, requestedBy: a.requestedBy, adjustedAt: event.occurredAt.description,
                        position: event.position, incidentId: a.incidentId, writeOff: a.writeOff))
                return
            }
            try bump(view, a.warehouseId, a.item, a.unit, a.donationId, onHand: a.quantity, inTransit: 0)
        case .adjustmentApproved(let a):
            // What was pending counts now, as it was recorded.
            guard let p = try view.value(PendingAdjustments.Adjustment.self, "pending", a.adjustmentId) else { return }
            try view.delete("pending", a.adjustmentId)
            try bump(view, p.warehouseId, p.item, p.unit, p.donationId, onHand: p.quantity, inTransit: 0)
        case .adjustmentRejected(let r):
            // Rejected: it never counts, and waits no more.
            try view.delete("pending", r.adjustmentId)
        case .itemCataloged(let c):
            try view.put("catalog", c.item, value: c)
        case .minimumStockSet(let m):
            let key = ViewKey.make(m.warehouseId, m.item, m.unit)
            if m.minimum == 0 { try view.delete("minimums", key) } else { try view.put("minimums", key, value: m.minimum) }
        case .incidentDeclared, .impactReported, .householdRegistered, .householdServed,
            .itemsRequested, .requestCommitted, .requestCancelled:
            return
        }
    }

    /// Adds to a lot's and its item's quantities at a warehouse; returns the lot's record as it is now.
    @discardableResult
    private func bump(
        _ view: ViewWriter, _ warehouseId: String, _ item: String, _ unit: String, _ donationId: String, onHand: Int, inTransit: Int,
        incidentId: String? = nil, expiresOn: String? = nil
    ) throws -> StockRecords.Quantities {
        let lotKey = ViewKey.make(warehouseId, item, unit, donationId)
        var lot = try view.value(StockRecords.Quantities.self, "lots", lotKey) ?? StockRecords.Quantities()
        // A lot keeps the incident of its donation and its expiry wherever it goes (set where it first lies).
        lot.incidentId = lot.incidentId ?? incidentId
        lot.expiresOn = lot.expiresOn ?? expiresOn
        lot.onHand += onHand
        lot.inTransit += inTransit
        if lot.onHand == 0 && lot.inTransit == 0 { try view.delete("lots", lotKey) } else { try view.put("lots", lotKey, value: lot) }

        let totalKey = ViewKey.make(warehouseId, item, unit)
        var total = try view.value(StockRecords.Quantities.self, "totals", totalKey) ?? StockRecords.Quantities()
        total.onHand += onHand
        total.inTransit += inTransit
        if total.onHand == 0 && total.inTransit == 0 {
            try view.delete("totals", totalKey)
        } else {
            try view.put("totals", totalKey, value: total)
        }
        return lot
    }
}
