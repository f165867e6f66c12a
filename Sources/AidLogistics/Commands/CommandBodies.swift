import EventLog

/// A line asked for by `dispatch-shipment` or `distribute-aid`: `lots` may be left out, and
/// the decider then takes them first-in-first-out and records them in the event.
public struct RequestedLine: Codable, Sendable, Hashable {
    public var item: String
    public var unit: String
    public var quantity: Int
    public var lots: [LotQuantity]?
    public init(item: String, unit: String, quantity: Int, lots: [LotQuantity]? = nil) {
        self.item = item
        self.unit = unit
        self.quantity = quantity
        self.lots = lots
    }

    static func read(_ r: inout PayloadReader) throws(EventLogError) -> RequestedLine {
        let item = try r.string("item", maxBytes: AidLimits.item)
        let unit = try r.string("unit", maxBytes: AidLimits.unit)
        let quantity = try r.positiveInt("quantity")
        var lots: [LotQuantity]? = nil
        if let readers = try r.objects("lots", max: AidLimits.lines) {
            lots = []
            for var l in readers { lots?.append(try LotQuantity.read(&l)) }
        }
        try r.finish()
        return RequestedLine(item: item, unit: unit, quantity: quantity, lots: lots)
    }

    static func readAll(_ r: inout PayloadReader, _ key: String) throws(EventLogError) -> [RequestedLine] {
        guard let readers = try r.objects(key, max: AidLimits.lines) else {
            throw PayloadReader.invalid(r.field(key), "is required (an array of {item, unit, quantity, lots?})")
        }
        var out: [RequestedLine] = []
        for var l in readers { out.append(try read(&l)) }
        return out
    }
}

/// Body of `register-warehouse`. `warehouseId` is made when absent; `registeredAt` (RFC 3339,
/// optional) becomes the event's occurredAt.
public struct RegisterWarehouse: Codable, Sendable, Hashable {
    public var warehouseId: String?
    public var name: String
    public var kind: String
    public var kelurahanCode: String
    public var registeredAt: String?
    public init(warehouseId: String? = nil, name: String, kind: String, kelurahanCode: String, registeredAt: String? = nil) {
        self.warehouseId = warehouseId
        self.name = name
        self.kind = kind
        self.kelurahanCode = kelurahanCode
        self.registeredAt = registeredAt
    }
}

/// Body of `receive-donation`. `donationId` is made when absent, `receivedAt` defaults to now.
public struct ReceiveDonation: Codable, Sendable, Hashable {
    public var donationId: String?
    public var warehouseId: String
    public var donor: Donor
    public var items: [ItemQuantity]
    public var receivedAt: String?
    public init(donationId: String? = nil, warehouseId: String, donor: Donor, items: [ItemQuantity], receivedAt: String? = nil) {
        self.donationId = donationId
        self.warehouseId = warehouseId
        self.donor = donor
        self.items = items
        self.receivedAt = receivedAt
    }
}

/// Body of `dispatch-shipment`. `shipmentId` is made when absent, `dispatchedAt` defaults to
/// now, lines without `lots` are taken first-in-first-out.
public struct DispatchShipment: Codable, Sendable, Hashable {
    public var shipmentId: String?
    public var fromWarehouseId: String
    public var toWarehouseId: String
    public var lines: [RequestedLine]
    public var vehicle: String
    public var driver: String
    public var dispatchedAt: String?
    public init(
        shipmentId: String? = nil, fromWarehouseId: String, toWarehouseId: String, lines: [RequestedLine], vehicle: String,
        driver: String, dispatchedAt: String? = nil
    ) {
        self.shipmentId = shipmentId
        self.fromWarehouseId = fromWarehouseId
        self.toWarehouseId = toWarehouseId
        self.lines = lines
        self.vehicle = vehicle
        self.driver = driver
        self.dispatchedAt = dispatchedAt
    }
}

/// Body of `receive-shipment`. Without `lines`, everything dispatched is received in full;
/// `receivedAt` defaults to now, `notes` to "".
public struct ReceiveShipment: Codable, Sendable, Hashable {
    public var shipmentId: String
    public var lines: [ReceivedLine]?
    public var receivedAt: String?
    public var notes: String?
    public init(shipmentId: String, lines: [ReceivedLine]? = nil, receivedAt: String? = nil, notes: String? = nil) {
        self.shipmentId = shipmentId
        self.lines = lines
        self.receivedAt = receivedAt
        self.notes = notes
    }
}

/// Body of `distribute-aid`. `distributionId` is made when absent, `distributedAt` defaults to
/// now, lines without `lots` are taken first-in-first-out.
public struct DistributeAid: Codable, Sendable, Hashable {
    public var distributionId: String?
    public var warehouseId: String
    public var kelurahanCode: String
    public var lines: [RequestedLine]
    public var households: Int
    public var people: Int
    public var distributedAt: String?
    public init(
        distributionId: String? = nil, warehouseId: String, kelurahanCode: String, lines: [RequestedLine], households: Int,
        people: Int, distributedAt: String? = nil
    ) {
        self.distributionId = distributionId
        self.warehouseId = warehouseId
        self.kelurahanCode = kelurahanCode
        self.lines = lines
        self.households = households
        self.people = people
        self.distributedAt = distributedAt
    }
}

/// Body of `adjust-stock`. `quantity` is signed (negative takes stock out); `adjustedAt` (RFC
/// 3339, optional) becomes the event's occurredAt.
public struct AdjustStock: Codable, Sendable, Hashable {
    public var warehouseId: String
    public var item: String
    public var unit: String
    public var donationId: String
    public var quantity: Int
    public var reason: String
    public var adjustedAt: String?
    public init(
        warehouseId: String, item: String, unit: String, donationId: String, quantity: Int, reason: String, adjustedAt: String? = nil
    ) {
        self.warehouseId = warehouseId
        self.item = item
        self.unit = unit
        self.donationId = donationId
        self.quantity = quantity
        self.reason = reason
        self.adjustedAt = adjustedAt
    }
}
