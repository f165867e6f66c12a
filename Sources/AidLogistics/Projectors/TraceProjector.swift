public import DomainKit
public import EventLog
public import Projections

/// Stored records of `aid.trace`.
enum TraceRecords {
    /// `warehouses`: `<warehouseId>`.
    struct Warehouse: Codable, Equatable {
        var name: String
    }
}

/// `aid.trace`: the donation trace. Every movement of a lot is a step, keyed by the lot and the
/// event's position, so a donation's steps read back in log order.
///
/// Databases:
/// - `donations`: `<donationId>` -> `DonationTrace.Donation`
/// - `steps`: `<donationId>␟<position, 20 digits>␟<index, 6 digits>` -> `DonationTrace.Step`
/// - `shipments`: `<shipmentId>` -> the lots of a shipment not yet received
/// - `warehouses`: `<warehouseId>` -> `{name}`
///
/// A receipt makes a `received` step for what arrived and a `lost-in-transit` step for the rest
/// of each lot the shipment carried.
public struct TraceProjector: DomainProjector {
    /// 3: a donation keeps its incident. 4: four eyes (an adjustment pending approval is a step
    /// only from its approval). 5: write-offs are `written-off` steps.
    public static let definition = ViewDefinition(
        AidViews.trace, version: 5, folding: AidEventType.all, databases: ["donations", "steps", "shipments", "warehouses"])

    public func apply(_ e: AidEvent, of event: RecordedEvent, to view: ViewWriter) throws {
        var index = 0
        func step(_ donationId: String, _ s: DonationTrace.Step) throws {
            try view.put("steps", ViewKey.make(donationId, ViewKey.position(event.position), ViewKey.index(index)), value: s)
            index += 1
        }
        func base(_ kind: DonationTrace.Kind, _ item: String, _ unit: String, _ quantity: Int, _ warehouseId: String) throws
            -> DonationTrace.Step
        {
            DonationTrace.Step(
                position: event.position, eventId: event.id.description, type: event.type, occurredAt: event.occurredAt.description,
                kind: kind, item: item, unit: unit, quantity: quantity, warehouseId: warehouseId,
                warehouseName: try name(view, warehouseId))
        }
        /// An adjustment that counts: a write-off is a `written-off` step of the quantity taken out.
        func adjusted(
            _ donationId: String, _ item: String, _ unit: String, _ quantity: Int, _ warehouseId: String, reason: String, writeOff: Bool
        ) throws {
            var st = try base(writeOff ? .writtenOff : .adjusted, item, unit, writeOff ? -quantity : quantity, warehouseId)
            st.reason = reason
            try step(donationId, st)
        }
        switch e {
        case .warehouseRegistered(let r):
            try view.put("warehouses", r.warehouseId, value: TraceRecords.Warehouse(name: r.name))
        case .donationReceived(let d):
            try view.put(
                "donations", d.donationId,
                value: DonationTrace.Donation(
                    donationId: d.donationId, warehouseId: d.warehouseId, warehouseName: try name(view, d.warehouseId),
                    donor: d.donor.publicForm,
                    items: d.items, receivedAt: d.receivedAt, position: event.position, eventId: event.id.description,
                    incidentId: d.incidentId))
            for i in d.items {
                try step(d.donationId, try base(.donated, i.item, i.unit, i.quantity, d.warehouseId))
            }
        case .shipmentDispatched(let s):
            let open = OpenShipment(s)
            for lot in open.lots {
                var st = try base(.dispatched, lot.item, lot.unit, lot.quantity, s.fromWarehouseId)
                st.toWarehouseId = s.toWarehouseId
                st.toWarehouseName = try name(view, s.toWarehouseId)
                st.shipmentId = s.shipmentId
                st.vehicle = s.vehicle
                st.driver = s.driver
                try step(lot.donationId, st)
            }
            try open.keep(s.shipmentId, in: view)
        case .shipmentReceived(let r):
            guard let s = try OpenShipment.take(r.shipmentId, from: view) else { return }
            var arrived: [String: Int] = [:]
            for line in r.lines { arrived[ViewKey.make(line.item, line.unit, line.donationId), default: 0] += line.quantity }
            for lot in s.lots {
                let got = min(arrived[ViewKey.make(lot.item, lot.unit, lot.donationId)] ?? 0, lot.quantity)
                for (kind, q) in [(DonationTrace.Kind.received, got), (.lostInTransit, lot.quantity - got)] where q > 0 {
                    var st = try base(kind, lot.item, lot.unit, q, s.fromWarehouseId)
                    st.toWarehouseId = s.toWarehouseId
                    st.toWarehouseName = try name(view, s.toWarehouseId)
                    st.shipmentId = r.shipmentId
                    st.notes = r.notes.isEmpty ? nil : r.notes
                    try step(lot.donationId, st)
                }
            }
        case .aidDistributed(let d):
            for line in d.lines {
                for lot in line.lots {
                    var st = try base(.distributed, line.item, line.unit, lot.quantity, d.warehouseId)
                    st.distributionId = d.distributionId
                    st.kelurahanCode = d.kelurahanCode
                    let desa = PlaceNames.names(d.kelurahanCode).desa
                    st.kelurahanName = desa.isEmpty ? nil : desa
                    st.households = d.households
                    st.people = d.people
                    try step(lot.donationId, st)
                }
            }
        case .stockAdjusted(let a):
            guard !a.isPending else { return }
            try adjusted(a.donationId, a.item, a.unit, a.quantity, a.warehouseId, reason: a.reason, writeOff: a.isWriteOff)
        case .adjustmentApproved(let a):
            // The approval carries the adjustment it approves (the rules hold it to it).
            try adjusted(a.donationId, a.item, a.unit, a.quantity, a.warehouseId, reason: a.reason, writeOff: a.writeOff == true)
        case .incidentDeclared, .impactReported, .householdRegistered, .householdServed,
            .itemsRequested, .requestCommitted, .requestCancelled, .itemCataloged, .minimumStockSet, .adjustmentRejected:
            return
        }
    }

    private func name(_ view: ViewWriter, _ warehouseId: String) throws -> String {
        try view.value(TraceRecords.Warehouse.self, "warehouses", warehouseId)?.name ?? ""
    }
}
