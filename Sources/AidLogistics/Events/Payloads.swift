import EventLog
import JSON

/// The event types of the aid domain (DESIGN section 7), all under `aid.`.
public enum AidEventType {
    public static let warehouseRegistered = "aid.warehouse-registered"
    public static let donationReceived = "aid.donation-received"
    public static let shipmentDispatched = "aid.shipment-dispatched"
    public static let shipmentReceived = "aid.shipment-received"
    public static let aidDistributed = "aid.aid-distributed"
    public static let stockAdjusted = "aid.stock-adjusted"

    /// Every known type.
    public static let all: Set<String> = [
        warehouseRegistered, donationReceived, shipmentDispatched, shipmentReceived, aidDistributed, stockAdjusted,
    ]
    /// The prefix every aid type has.
    public static let prefix = "aid."
}

/// Limits on the text fields of payloads, in UTF-8 bytes.
public enum AidLimits {
    public static let name = 200
    public static let item = 100
    public static let unit = 30
    public static let kind = 50
    public static let text = 1000
    /// Most lines (items) in one event, and most lots in one line.
    public static let lines = 500
}

// MARK: - Parts

/// Who gave a donation. `kind` is free text; the scenario uses `government`, `state-company`,
/// `company`, `ngo`, `community` and `individual`.
public struct Donor: Codable, Sendable, Hashable {
    public var name: String
    public var kind: String
    public init(name: String, kind: String) {
        self.name = name
        self.kind = kind
    }

    static func read(_ r: inout PayloadReader) throws(EventLogError) -> Donor {
        let d = Donor(name: try r.string("name", maxBytes: AidLimits.name), kind: try r.string("kind", maxBytes: AidLimits.kind))
        try r.finish()
        return d
    }

    var json: JSONValue { ["name": .string(name), "kind": .string(kind)] }
}

/// A quantity of one item in one unit (a donation's line).
public struct ItemQuantity: Codable, Sendable, Hashable {
    public var item: String
    public var unit: String
    /// Positive.
    public var quantity: Int
    public init(item: String, unit: String, quantity: Int) {
        self.item = item
        self.unit = unit
        self.quantity = quantity
    }

    static func read(_ r: inout PayloadReader) throws(EventLogError) -> ItemQuantity {
        let q = ItemQuantity(
            item: try r.string("item", maxBytes: AidLimits.item), unit: try r.string("unit", maxBytes: AidLimits.unit),
            quantity: try r.positiveInt("quantity"))
        try r.finish()
        return q
    }

    var json: JSONValue { ["item": .string(item), "unit": .string(unit), "quantity": .number(Double(quantity))] }
}

/// How much of a line comes from one lot (a lot is a donation: `donationId`).
public struct LotQuantity: Codable, Sendable, Hashable {
    public var donationId: String
    /// Positive.
    public var quantity: Int
    public init(donationId: String, quantity: Int) {
        self.donationId = donationId
        self.quantity = quantity
    }

    static func read(_ r: inout PayloadReader) throws(EventLogError) -> LotQuantity {
        let l = LotQuantity(donationId: try r.identifier("donationId"), quantity: try r.positiveInt("quantity"))
        try r.finish()
        return l
    }

    var json: JSONValue { ["donationId": .string(donationId), "quantity": .number(Double(quantity))] }
}

/// A line of a shipment or a distribution: an item, a quantity, and the lots it is taken from
/// (their quantities sum to `quantity`).
public struct LotLine: Codable, Sendable, Hashable {
    public var item: String
    public var unit: String
    public var quantity: Int
    public var lots: [LotQuantity]
    public init(item: String, unit: String, quantity: Int, lots: [LotQuantity]) {
        self.item = item
        self.unit = unit
        self.quantity = quantity
        self.lots = lots
    }

    static func read(_ r: inout PayloadReader) throws(EventLogError) -> LotLine {
        let item = try r.string("item", maxBytes: AidLimits.item)
        let unit = try r.string("unit", maxBytes: AidLimits.unit)
        let quantity = try r.positiveInt("quantity")
        guard let lotReaders = try r.objects("lots", max: AidLimits.lines) else {
            throw PayloadReader.invalid(r.field("lots"), "is required (an array of {donationId, quantity})")
        }
        var lots: [LotQuantity] = []
        for var l in lotReaders { lots.append(try LotQuantity.read(&l)) }
        try r.finish()
        return LotLine(item: item, unit: unit, quantity: quantity, lots: lots)
    }

    var json: JSONValue {
        ["item": .string(item), "unit": .string(unit), "quantity": .number(Double(quantity)), "lots": .array(lots.map(\.json))]
    }
}

/// A line of a shipment's receipt: how much of one lot of one item arrived.
public struct ReceivedLine: Codable, Sendable, Hashable {
    public var item: String
    public var unit: String
    public var donationId: String
    /// Positive; a lot that did not arrive at all is left out.
    public var quantity: Int
    public init(item: String, unit: String, donationId: String, quantity: Int) {
        self.item = item
        self.unit = unit
        self.donationId = donationId
        self.quantity = quantity
    }

    static func read(_ r: inout PayloadReader) throws(EventLogError) -> ReceivedLine {
        let l = ReceivedLine(
            item: try r.string("item", maxBytes: AidLimits.item), unit: try r.string("unit", maxBytes: AidLimits.unit),
            donationId: try r.identifier("donationId"), quantity: try r.positiveInt("quantity"))
        try r.finish()
        return l
    }

    var json: JSONValue {
        ["item": .string(item), "unit": .string(unit), "donationId": .string(donationId), "quantity": .number(Double(quantity))]
    }
}

// MARK: - Payloads

/// `aid.warehouse-registered` on stream `warehouse-<warehouseId>`. `kind` is `gudang` (a
/// warehouse) or `posko` (a relief post); `kelurahanCode` is a Kepmendagri code of Kota Mataram.
public struct WarehouseRegistered: Codable, Sendable, Hashable {
    public static let kinds = ["gudang", "posko"]
    public var warehouseId: String
    public var name: String
    public var kind: String
    public var kelurahanCode: String
    public init(warehouseId: String, name: String, kind: String, kelurahanCode: String) {
        self.warehouseId = warehouseId
        self.name = name
        self.kind = kind
        self.kelurahanCode = kelurahanCode
    }

    static func read(_ r: inout PayloadReader) throws(EventLogError) -> WarehouseRegistered {
        let e = WarehouseRegistered(
            warehouseId: try r.identifier("warehouseId"), name: try r.string("name", maxBytes: AidLimits.name),
            kind: try r.choice("kind", kinds), kelurahanCode: try r.string("kelurahanCode", maxBytes: 20))
        try r.finish()
        return e
    }

    public var json: JSONValue {
        ["warehouseId": .string(warehouseId), "name": .string(name), "kind": .string(kind), "kelurahanCode": .string(kelurahanCode)]
    }
}

/// `aid.donation-received` on stream `donation-<donationId>`: a lot (lot id = `donationId`)
/// entering `warehouseId`. Items are distinct by (item, unit).
public struct DonationReceived: Codable, Sendable, Hashable {
    public var donationId: String
    public var warehouseId: String
    public var donor: Donor
    public var items: [ItemQuantity]
    /// RFC 3339; the event's occurredAt.
    public var receivedAt: String
    public init(donationId: String, warehouseId: String, donor: Donor, items: [ItemQuantity], receivedAt: String) {
        self.donationId = donationId
        self.warehouseId = warehouseId
        self.donor = donor
        self.items = items
        self.receivedAt = receivedAt
    }

    static func read(_ r: inout PayloadReader) throws(EventLogError) -> DonationReceived {
        let donationId = try r.identifier("donationId")
        let warehouseId = try r.identifier("warehouseId")
        var donorReader = try r.object("donor")
        let donor = try Donor.read(&donorReader)
        guard let itemReaders = try r.objects("items", max: AidLimits.lines) else {
            throw PayloadReader.invalid(r.field("items"), "is required (an array of {item, unit, quantity})")
        }
        var items: [ItemQuantity] = []
        for var i in itemReaders { items.append(try ItemQuantity.read(&i)) }
        let receivedAt = try r.time("receivedAt").text
        try r.finish()
        return DonationReceived(donationId: donationId, warehouseId: warehouseId, donor: donor, items: items, receivedAt: receivedAt)
    }

    public var json: JSONValue {
        [
            "donationId": .string(donationId), "warehouseId": .string(warehouseId), "donor": donor.json,
            "items": .array(items.map(\.json)), "receivedAt": .string(receivedAt),
        ]
    }
}

/// `aid.shipment-dispatched` on stream `shipment-<shipmentId>`: goods leave `fromWarehouseId`
/// for `toWarehouseId`, each line naming the lots it takes.
public struct ShipmentDispatched: Codable, Sendable, Hashable {
    public var shipmentId: String
    public var fromWarehouseId: String
    public var toWarehouseId: String
    public var lines: [LotLine]
    public var vehicle: String
    public var driver: String
    /// RFC 3339; the event's occurredAt.
    public var dispatchedAt: String
    public init(
        shipmentId: String, fromWarehouseId: String, toWarehouseId: String, lines: [LotLine], vehicle: String, driver: String,
        dispatchedAt: String
    ) {
        self.shipmentId = shipmentId
        self.fromWarehouseId = fromWarehouseId
        self.toWarehouseId = toWarehouseId
        self.lines = lines
        self.vehicle = vehicle
        self.driver = driver
        self.dispatchedAt = dispatchedAt
    }

    static func read(_ r: inout PayloadReader) throws(EventLogError) -> ShipmentDispatched {
        let shipmentId = try r.identifier("shipmentId")
        let from = try r.identifier("fromWarehouseId")
        let to = try r.identifier("toWarehouseId")
        guard let lineReaders = try r.objects("lines", max: AidLimits.lines) else {
            throw PayloadReader.invalid(r.field("lines"), "is required (an array of {item, unit, quantity, lots})")
        }
        var lines: [LotLine] = []
        for var l in lineReaders { lines.append(try LotLine.read(&l)) }
        let vehicle = try r.string("vehicle", maxBytes: AidLimits.name)
        let driver = try r.string("driver", maxBytes: AidLimits.name)
        let dispatchedAt = try r.time("dispatchedAt").text
        try r.finish()
        return ShipmentDispatched(
            shipmentId: shipmentId, fromWarehouseId: from, toWarehouseId: to, lines: lines, vehicle: vehicle, driver: driver,
            dispatchedAt: dispatchedAt)
    }

    public var json: JSONValue {
        [
            "shipmentId": .string(shipmentId), "fromWarehouseId": .string(fromWarehouseId), "toWarehouseId": .string(toWarehouseId),
            "lines": .array(lines.map(\.json)), "vehicle": .string(vehicle), "driver": .string(driver),
            "dispatchedAt": .string(dispatchedAt),
        ]
    }
}

/// `aid.shipment-received` on stream `shipment-<shipmentId>`: what arrived, per lot. Whatever
/// was dispatched and is not listed here was lost in transit.
public struct ShipmentReceived: Codable, Sendable, Hashable {
    public var shipmentId: String
    public var lines: [ReceivedLine]
    /// RFC 3339; the event's occurredAt.
    public var receivedAt: String
    /// Free text (may be empty).
    public var notes: String
    public init(shipmentId: String, lines: [ReceivedLine], receivedAt: String, notes: String) {
        self.shipmentId = shipmentId
        self.lines = lines
        self.receivedAt = receivedAt
        self.notes = notes
    }

    static func read(_ r: inout PayloadReader) throws(EventLogError) -> ShipmentReceived {
        let shipmentId = try r.identifier("shipmentId")
        guard let lineReaders = try r.objects("lines", allowEmpty: true, max: AidLimits.lines * 4) else {
            throw PayloadReader.invalid(r.field("lines"), "is required (an array of {item, unit, donationId, quantity}; [] if nothing arrived)")
        }
        var lines: [ReceivedLine] = []
        for var l in lineReaders { lines.append(try ReceivedLine.read(&l)) }
        let receivedAt = try r.time("receivedAt").text
        let notes = try r.optionalString("notes", maxBytes: AidLimits.text, allowEmpty: true) ?? ""
        try r.finish()
        return ShipmentReceived(shipmentId: shipmentId, lines: lines, receivedAt: receivedAt, notes: notes)
    }

    public var json: JSONValue {
        ["shipmentId": .string(shipmentId), "lines": .array(lines.map(\.json)), "receivedAt": .string(receivedAt), "notes": .string(notes)]
    }
}

/// `aid.aid-distributed` on stream `distribution-<distributionId>`: aid handed to households of
/// `kelurahanCode` from the stock of `warehouseId`.
public struct AidDistributed: Codable, Sendable, Hashable {
    public var distributionId: String
    public var warehouseId: String
    public var kelurahanCode: String
    public var lines: [LotLine]
    public var households: Int
    public var people: Int
    /// RFC 3339; the event's occurredAt.
    public var distributedAt: String
    public init(
        distributionId: String, warehouseId: String, kelurahanCode: String, lines: [LotLine], households: Int, people: Int,
        distributedAt: String
    ) {
        self.distributionId = distributionId
        self.warehouseId = warehouseId
        self.kelurahanCode = kelurahanCode
        self.lines = lines
        self.households = households
        self.people = people
        self.distributedAt = distributedAt
    }

    static func read(_ r: inout PayloadReader) throws(EventLogError) -> AidDistributed {
        let distributionId = try r.identifier("distributionId")
        let warehouseId = try r.identifier("warehouseId")
        let kelurahanCode = try r.string("kelurahanCode", maxBytes: 20)
        guard let lineReaders = try r.objects("lines", max: AidLimits.lines) else {
            throw PayloadReader.invalid(r.field("lines"), "is required (an array of {item, unit, quantity, lots})")
        }
        var lines: [LotLine] = []
        for var l in lineReaders { lines.append(try LotLine.read(&l)) }
        let households = try r.positiveInt("households")
        let people = try r.positiveInt("people")
        let distributedAt = try r.time("distributedAt").text
        try r.finish()
        return AidDistributed(
            distributionId: distributionId, warehouseId: warehouseId, kelurahanCode: kelurahanCode, lines: lines,
            households: households, people: people, distributedAt: distributedAt)
    }

    public var json: JSONValue {
        [
            "distributionId": .string(distributionId), "warehouseId": .string(warehouseId), "kelurahanCode": .string(kelurahanCode),
            "lines": .array(lines.map(\.json)), "households": .number(Double(households)), "people": .number(Double(people)),
            "distributedAt": .string(distributedAt),
        ]
    }
}

/// `aid.stock-adjusted` on stream `warehouse-<warehouseId>`: a correction of one lot's stock of
/// one item (stock-taking, damage, expiry). `quantity` is signed: negative takes stock out.
public struct StockAdjusted: Codable, Sendable, Hashable {
    public var warehouseId: String
    public var item: String
    public var unit: String
    public var donationId: String
    /// Not 0; negative takes stock out.
    public var quantity: Int
    public var reason: String
    public init(warehouseId: String, item: String, unit: String, donationId: String, quantity: Int, reason: String) {
        self.warehouseId = warehouseId
        self.item = item
        self.unit = unit
        self.donationId = donationId
        self.quantity = quantity
        self.reason = reason
    }

    static func read(_ r: inout PayloadReader) throws(EventLogError) -> StockAdjusted {
        let e = StockAdjusted(
            warehouseId: try r.identifier("warehouseId"), item: try r.string("item", maxBytes: AidLimits.item),
            unit: try r.string("unit", maxBytes: AidLimits.unit), donationId: try r.identifier("donationId"),
            quantity: try r.nonZeroInt("quantity"), reason: try r.string("reason", maxBytes: AidLimits.text))
        try r.finish()
        return e
    }

    public var json: JSONValue {
        [
            "warehouseId": .string(warehouseId), "item": .string(item), "unit": .string(unit), "donationId": .string(donationId),
            "quantity": .number(Double(quantity)), "reason": .string(reason),
        ]
    }
}
