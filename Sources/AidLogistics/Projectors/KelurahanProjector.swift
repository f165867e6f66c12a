public import DomainKit
public import EventLog
public import Projections

/// `aid.kelurahan`: aid per kelurahan (see `KelurahanReport` for what is counted).
///
/// Databases:
/// - `kelurahan`: `<code>` -> `{shipmentsReceived, donationsReceived, distributions, households, people}`
/// - `items`: `<code>␟<item>␟<unit>` -> `{received, distributed}`
/// - `warehouses`: `<warehouseId>` -> `{kind, kelurahanCode}`
/// - `shipments`: `<shipmentId>` -> the destination posko, while the shipment is on its way
/// - `incidentKelurahan`, `incidentItems`: as `kelurahan` and `items`, each key led by the
///   event's incident (`<incidentId>␟<code>`, `<incidentId>␟<code>␟<item>␟<unit>`), for one
///   incident's figures
public struct KelurahanProjector: DomainProjector {
    /// 2: key parts are escaped (`%` as `%25`), by DomainKit's `ViewKey`. 3: per incident too.
    public static let definition = ViewDefinition(
        AidViews.kelurahan, version: 3,
        folding: [
            AidEventType.warehouseRegistered, AidEventType.donationReceived, AidEventType.shipmentDispatched, AidEventType.shipmentReceived,
            AidEventType.aidDistributed,
        ], databases: ["kelurahan", "items", "warehouses", "shipments", "incidentKelurahan", "incidentItems"])

    public func apply(_ e: AidEvent, of event: RecordedEvent, to view: ViewWriter) throws {
        switch e {
        case .warehouseRegistered(let r):
            try view.put("warehouses", r.warehouseId, value: KelurahanRecords.Warehouse(kind: r.kind, kelurahanCode: r.kelurahanCode))
        case .donationReceived(let d):
            guard let w = try posko(view, d.warehouseId) else { return }
            try view.update(
                "kelurahan", perIncident: "incidentKelurahan", [w.kelurahanCode], incident: e.incidentId,
                initial: KelurahanRecords.Counters()
            ) { $0.donationsReceived += 1 }
            for i in d.items {
                try view.update(
                    "items", perIncident: "incidentItems", [w.kelurahanCode, i.item, i.unit], incident: e.incidentId,
                    initial: KelurahanRecords.ItemCounters()
                ) {
                    $0.received += i.quantity
                }
            }
        case .shipmentDispatched(let s):
            guard try posko(view, s.toWarehouseId) != nil else { return }
            try view.put("shipments", s.shipmentId, value: KelurahanRecords.Destination(warehouseId: s.toWarehouseId))
        case .shipmentReceived(let r):
            guard let to = try view.value(KelurahanRecords.Destination.self, "shipments", r.shipmentId)?.warehouseId else { return }
            try view.delete("shipments", r.shipmentId)
            guard let w = try posko(view, to) else { return }
            try view.update(
                "kelurahan", perIncident: "incidentKelurahan", [w.kelurahanCode], incident: e.incidentId,
                initial: KelurahanRecords.Counters()
            ) { $0.shipmentsReceived += 1 }
            for line in r.lines {
                try view.update(
                    "items", perIncident: "incidentItems", [w.kelurahanCode, line.item, line.unit], incident: e.incidentId,
                    initial: KelurahanRecords.ItemCounters()
                ) {
                    $0.received += line.quantity
                }
            }
        case .aidDistributed(let d):
            try view.update(
                "kelurahan", perIncident: "incidentKelurahan", [d.kelurahanCode], incident: e.incidentId,
                initial: KelurahanRecords.Counters()
            ) {
                $0.distributions += 1
                $0.households += d.households
                $0.people += d.people
            }
            for line in d.lines {
                try view.update(
                    "items", perIncident: "incidentItems", [d.kelurahanCode, line.item, line.unit], incident: e.incidentId,
                    initial: KelurahanRecords.ItemCounters()
                ) {
                    $0.distributed += line.quantity
                }
            }
        case .stockAdjusted, .adjustmentApproved, .incidentDeclared, .impactReported, .householdRegistered, .householdServed,
            .itemCataloged, .minimumStockSet, .adjustmentRejected,
            .itemsRequested, .requestCommitted, .requestCancelled:
            return
        }
    }

    private func posko(_ view: ViewWriter, _ warehouseId: String) throws -> KelurahanRecords.Warehouse? {
        guard let w = try view.value(KelurahanRecords.Warehouse.self, "warehouses", warehouseId), w.kind == "posko" else { return nil }
        return w
    }
}

/// Stored records of `aid.kelurahan`.
enum KelurahanRecords {
    /// `kelurahan`: `<code>`.
    struct Counters: Codable, Equatable {
        var shipmentsReceived = 0
        var donationsReceived = 0
        var distributions = 0
        var households = 0
        var people = 0
    }

    /// `items`: `<code>␟<item>␟<unit>`.
    struct ItemCounters: Codable, Equatable {
        var received = 0
        var distributed = 0
    }

    /// `warehouses`: `<warehouseId>`.
    struct Warehouse: Codable, Equatable {
        var kind, kelurahanCode: String
    }

    /// `shipments`: `<shipmentId>` -> its destination posko.
    struct Destination: Codable, Equatable {
        var warehouseId: String
    }
}
