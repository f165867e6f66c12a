import EventLog
import MataramReference

/// The decision state of the aid domain: what its rules need to know, folded from the log.
///
/// Contract:
/// - A pure fold: `apply` of the same events in the same order gives the same state.
/// - `check(_:root:)` says whether an event may enter the log now (the rules of DESIGN section
///   7); it never changes the state. `apply` never checks and never fails: an event that a rule
///   would refuse is folded as well as it can be (it can only be in the log if it was written
///   without the rules).
/// - Stock is kept per warehouse, item (with its unit) and lot (the donation it came from).
///   Lots are ordered by the donation's receipt order (the order of `aid.donation-received` in
///   the log): first-in-first-out picks the lowest.
public struct AidState: Sendable, Equatable {
    /// A registered warehouse or relief post.
    public struct Warehouse: Sendable, Hashable {
        public let name: String
        public let kind: String
        public let kelurahanCode: String
    }

    /// An item in its unit: `beras` in `kg` and `beras` in `karung` are different stock.
    public struct Item: Sendable, Hashable, Comparable, CustomStringConvertible {
        public let item: String
        public let unit: String
        public init(item: String, unit: String) {
            self.item = item
            self.unit = unit
        }
        public static func < (a: Item, b: Item) -> Bool { (a.item, a.unit) < (b.item, b.unit) }
        public var description: String { "\(item) (\(unit))" }
    }

    /// A received donation: a lot.
    public struct Donation: Sendable, Hashable {
        public let warehouseId: String
        /// Receipt order, from 1.
        public let sequence: Int
        public let donorName: String
        public let items: [Item: Int]
    }

    /// Where a quantity of a lot lies.
    public struct LotKey: Sendable, Hashable {
        public let warehouseId: String
        public let item: Item
        public let donationId: String
        public init(warehouseId: String, item: Item, donationId: String) {
            self.warehouseId = warehouseId
            self.item = item
            self.donationId = donationId
        }
    }

    struct Place: Sendable, Hashable {
        let warehouseId: String
        let item: Item
    }

    /// A dispatched shipment. `lots` is what left the source (emptied once received).
    public struct Shipment: Sendable, Hashable {
        public let fromWarehouseId: String
        public let toWarehouseId: String
        public let lots: [LotKey: Int]
        public let received: Bool
    }

    public private(set) var warehouses: [String: Warehouse] = [:]
    public private(set) var donations: [String: Donation] = [:]
    /// Positive stock on hand per lot (keys with nothing on hand are absent).
    public private(set) var onHand: [LotKey: Int] = [:]
    /// The lots with stock on hand at each warehouse and item.
    private var lotsAt: [Place: Set<String>] = [:]
    public private(set) var shipments: [String: Shipment] = [:]
    public private(set) var distributions: Set<String> = []
    public private(set) var donationCount = 0

    public init() {}

    // MARK: Reading

    /// Stock on hand of one lot of one item at one warehouse.
    public func onHand(at warehouseId: String, _ item: Item, lot donationId: String) -> Int {
        onHand[LotKey(warehouseId: warehouseId, item: item, donationId: donationId)] ?? 0
    }

    /// The lots of `item` on hand at `warehouseId`, first-in-first-out (by receipt order).
    public func lots(at warehouseId: String, _ item: Item) -> [LotQuantity] {
        guard let ids = lotsAt[Place(warehouseId: warehouseId, item: item)] else { return [] }
        return ids.sorted { (donations[$0]?.sequence ?? .max, $0) < (donations[$1]?.sequence ?? .max, $1) }
            .map { LotQuantity(donationId: $0, quantity: onHand(at: warehouseId, item, lot: $0)) }
    }

    /// Total stock on hand of `item` at `warehouseId`.
    public func total(at warehouseId: String, _ item: Item) -> Int {
        lots(at: warehouseId, item).reduce(0) { $0 + $1.quantity }
    }

    // MARK: Changing (with undo)

    /// How a change is undone, for the rules' journal.
    public typealias Undo = (inout AidState) -> Void

    /// Applies `event` (no check). `record`, when given, receives an undo for every change, to
    /// be run newest first to restore the state as it was.
    public mutating func apply(_ event: AidEvent, record: ((@escaping Undo) -> Void)? = nil) {
        switch event {
        case .warehouseRegistered(let e):
            let old = warehouses[e.warehouseId]
            warehouses[e.warehouseId] = Warehouse(name: e.name, kind: e.kind, kelurahanCode: e.kelurahanCode)
            record? { $0.warehouses[e.warehouseId] = old }
        case .donationReceived(let e):
            var items: [Item: Int] = [:]
            for i in e.items { items[Item(item: i.item, unit: i.unit), default: 0] += i.quantity }
            let old = donations[e.donationId]
            let oldCount = donationCount
            donationCount += 1
            donations[e.donationId] = Donation(
                warehouseId: e.warehouseId, sequence: donationCount, donorName: e.donor.name, items: items)
            record? {
                $0.donations[e.donationId] = old
                $0.donationCount = oldCount
            }
            for (item, q) in items {
                add(q, to: LotKey(warehouseId: e.warehouseId, item: item, donationId: e.donationId), record)
            }
        case .shipmentDispatched(let e):
            var lots: [LotKey: Int] = [:]
            for line in e.lines {
                for lot in line.lots {
                    let key = LotKey(warehouseId: e.fromWarehouseId, item: Item(item: line.item, unit: line.unit), donationId: lot.donationId)
                    lots[key, default: 0] += lot.quantity
                    add(-lot.quantity, to: key, record)
                }
            }
            let old = shipments[e.shipmentId]
            shipments[e.shipmentId] = Shipment(fromWarehouseId: e.fromWarehouseId, toWarehouseId: e.toWarehouseId, lots: lots, received: false)
            record? { $0.shipments[e.shipmentId] = old }
        case .shipmentReceived(let e):
            guard let s = shipments[e.shipmentId] else { return }
            shipments[e.shipmentId] = Shipment(fromWarehouseId: s.fromWarehouseId, toWarehouseId: s.toWarehouseId, lots: [:], received: true)
            record? { $0.shipments[e.shipmentId] = s }
            for line in e.lines {
                add(line.quantity, to: LotKey(warehouseId: s.toWarehouseId, item: Item(item: line.item, unit: line.unit), donationId: line.donationId), record)
            }
        case .aidDistributed(let e):
            let inserted = distributions.insert(e.distributionId).inserted
            if inserted { record? { $0.distributions.remove(e.distributionId) } }
            for line in e.lines {
                for lot in line.lots {
                    add(-lot.quantity, to: LotKey(warehouseId: e.warehouseId, item: Item(item: line.item, unit: line.unit), donationId: lot.donationId), record)
                }
            }
        case .stockAdjusted(let e):
            add(e.quantity, to: LotKey(warehouseId: e.warehouseId, item: Item(item: e.item, unit: e.unit), donationId: e.donationId), record)
        }
    }

    /// Adds `delta` to a lot's stock, keeping `lotsAt` in step.
    private mutating func add(_ delta: Int, to key: LotKey, _ record: ((@escaping Undo) -> Void)?) {
        let old = onHand[key]
        let new = (old ?? 0) + delta
        onHand[key] = new == 0 ? nil : new
        let place = Place(warehouseId: key.warehouseId, item: key.item)
        let wasHeld = (old ?? 0) > 0, isHeld = new > 0
        if wasHeld != isHeld {
            if isHeld { lotsAt[place, default: []].insert(key.donationId) } else {
                lotsAt[place]?.remove(key.donationId)
                if lotsAt[place]?.isEmpty == true { lotsAt[place] = nil }
            }
        }
        record? { s in
            s.onHand[key] = old
            if wasHeld != isHeld {
                if wasHeld { s.lotsAt[place, default: []].insert(key.donationId) } else {
                    s.lotsAt[place]?.remove(key.donationId)
                    if s.lotsAt[place]?.isEmpty == true { s.lotsAt[place] = nil }
                }
            }
        }
    }
}
