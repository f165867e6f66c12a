import DomainKit
public import EventLog
import MataramReference
public import Projections

/// `aid.stock`: stock per warehouse, item and lot, on hand and in transit.
///
/// Databases:
/// - `warehouses`: `<warehouseId>` -> `StockReport.Warehouse`
/// - `lots`: `<warehouseId>␟<item>␟<unit>␟<donationId>` -> `{onHand, inTransit}` (absent when both are 0)
/// - `totals`: `<warehouseId>␟<item>␟<unit>` -> `{onHand, inTransit}` (absent when both are 0)
/// - `shipments`: `<shipmentId>` -> the lots of a shipment not yet received
///
/// A dispatch moves a lot's quantity from on hand to in transit at the source; the receipt
/// takes it out of transit and puts what arrived on hand at the destination (the rest is lost).
public struct StockProjector: Projector {
    public static let viewName = AidViews.stock
    public var name: String { Self.viewName.rawValue }
    /// 2: key parts are escaped (`%` as `%25`), by DomainKit's `ViewKey`.
    public let version = 2
    public let eventTypes: Set<String>? = AidEventType.all
    public let databases = ["warehouses", "lots", "totals", "shipments"]

    public init() {}

    public func apply(_ event: RecordedEvent, to view: ViewWriter) throws {
        guard let e = AidEvent.read(event) else { return }
        switch e {
        case .warehouseRegistered(let r):
            let k = Mataram.kelurahan(code: r.kelurahanCode)
            try view.put(
                "warehouses", r.warehouseId,
                value: StockReport.Warehouse(
                    warehouseId: r.warehouseId, name: r.name, kind: r.kind, kelurahanCode: r.kelurahanCode,
                    kelurahanName: k?.name ?? "", kecamatanName: k?.kecamatan.name ?? ""))
        case .donationReceived(let d):
            for i in d.items {
                try bump(view, d.warehouseId, i.item, i.unit, d.donationId, onHand: i.quantity, inTransit: 0)
            }
        case .shipmentDispatched(let s):
            var lots: [ReceivedLine] = []
            for line in s.lines {
                for lot in line.lots {
                    try bump(view, s.fromWarehouseId, line.item, line.unit, lot.donationId, onHand: -lot.quantity, inTransit: lot.quantity)
                    lots.append(ReceivedLine(item: line.item, unit: line.unit, donationId: lot.donationId, quantity: lot.quantity))
                }
            }
            try view.put(
                "shipments", s.shipmentId,
                value: StockRecords.OpenShipment(fromWarehouseId: s.fromWarehouseId, toWarehouseId: s.toWarehouseId, lots: lots))
        case .shipmentReceived(let r):
            guard let s = try view.value(StockRecords.OpenShipment.self, "shipments", r.shipmentId) else { return }
            for lot in s.lots {
                try bump(view, s.fromWarehouseId, lot.item, lot.unit, lot.donationId, onHand: 0, inTransit: -lot.quantity)
            }
            for line in r.lines {
                try bump(view, s.toWarehouseId, line.item, line.unit, line.donationId, onHand: line.quantity, inTransit: 0)
            }
            try view.delete("shipments", r.shipmentId)
        case .aidDistributed(let d):
            for line in d.lines {
                for lot in line.lots {
                    try bump(view, d.warehouseId, line.item, line.unit, lot.donationId, onHand: -lot.quantity, inTransit: 0)
                }
            }
        case .stockAdjusted(let a):
            try bump(view, a.warehouseId, a.item, a.unit, a.donationId, onHand: a.quantity, inTransit: 0)
        }
    }

    private func bump(
        _ view: ViewWriter, _ warehouseId: String, _ item: String, _ unit: String, _ donationId: String, onHand: Int, inTransit: Int
    ) throws {
        let lotKey = ViewKey.make(warehouseId, item, unit, donationId)
        var lot = try view.value(StockRecords.Lot.self, "lots", lotKey) ?? StockRecords.Lot(onHand: 0, inTransit: 0)
        lot.onHand += onHand
        lot.inTransit += inTransit
        if lot.onHand == 0 && lot.inTransit == 0 { try view.delete("lots", lotKey) } else { try view.put("lots", lotKey, value: lot) }

        let totalKey = ViewKey.make(warehouseId, item, unit)
        var total = try view.value(StockRecords.Total.self, "totals", totalKey) ?? StockRecords.Total(onHand: 0, inTransit: 0)
        total.onHand += onHand
        total.inTransit += inTransit
        if total.onHand == 0 && total.inTransit == 0 {
            try view.delete("totals", totalKey)
        } else {
            try view.put("totals", totalKey, value: total)
        }
    }
}

/// Stored records of `aid.stock`.
enum StockRecords {
    /// `lots`: `<warehouseId>␟<item>␟<unit>␟<donationId>`.
    struct Lot: Codable, Equatable {
        var onHand: Int
        var inTransit: Int
    }

    /// `totals`: `<warehouseId>␟<item>␟<unit>`.
    struct Total: Codable, Equatable {
        var onHand: Int
        var inTransit: Int
    }

    /// `shipments`: shipments not yet received.
    struct OpenShipment: Codable, Equatable {
        var fromWarehouseId: String
        var toWarehouseId: String
        var lots: [ReceivedLine]
    }
}
