import JSON

/// A line asked for by `dispatch-shipment` or `distribute-aid`: `lots` may be left out, and
/// the decider then takes them first-in-first-out and records them in the event.
public struct RequestedLine: AidPayload, Hashable {
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

    /// `lines` of a command: lots may be left out.
    static let list = JSONFieldRule.list(max: AidLimits.lines, of: "an array of {item, unit, quantity, lots?}")
}

/// Body of `register-warehouse`. `warehouseId` is made when absent; `registeredAt` (RFC 3339,
/// optional) becomes the event's occurredAt.
public struct RegisterWarehouse: AidPayload, Hashable {
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

    public static func rule(forKey key: String) -> JSONFieldRule? { WarehouseRegistered.rule(forKey: key) }
}

/// Body of `receive-donation`. `donationId` is made when absent, `receivedAt` defaults to now.
public struct ReceiveDonation: AidPayload, Hashable {
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
public struct DispatchShipment: AidPayload, Hashable {
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

    public static func rule(forKey key: String) -> JSONFieldRule? {
        key == "lines" ? RequestedLine.list : AidFields.rule(forKey: key)
    }
}

/// Body of `receive-shipment`. Without `lines`, everything dispatched is received in full;
/// `receivedAt` defaults to now, `notes` to "".
public struct ReceiveShipment: AidPayload, Hashable {
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

    public static func rule(forKey key: String) -> JSONFieldRule? { ShipmentReceived.rule(forKey: key) }
}

/// Body of `distribute-aid`. `distributionId` is made when absent, `distributedAt` defaults to
/// now, lines without `lots` are taken first-in-first-out.
public struct DistributeAid: AidPayload, Hashable {
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

    public static func rule(forKey key: String) -> JSONFieldRule? {
        key == "lines" ? RequestedLine.list : AidFields.rule(forKey: key)
    }
}

/// Body of `adjust-stock`. `quantity` is signed (negative takes stock out); `adjustedAt` (RFC
/// 3339, optional) becomes the event's occurredAt.
public struct AdjustStock: AidPayload, Hashable {
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

    public static func rule(forKey key: String) -> JSONFieldRule? { StockAdjusted.rule(forKey: key) }
}
