public import DomainKit
public import Regions

extension AidDecider {
    /// What the aid decider needs to know of the aggregates a command touches: the warehouses it
    /// names, the donations (lots) it names or takes from, the lots on hand at each warehouse and
    /// item it takes from or adds to, the shipment it dispatches or receives, whether its
    /// distribution is recorded, and the count of donations received (for a new donation's receipt
    /// order). `AidLogisticsRules.state(touchedBy:)` loads exactly that; folding every event from
    /// `initial` gives the whole state, which decides the same.
    ///
    /// Stock is kept per warehouse and item (with its unit), lot by lot (the donation it came
    /// from). Lots are ordered first-expiry-first-out, then first-in-first-out: by the lot's
    /// expiry date (lots without one last), then by the donation's receipt order (the order of
    /// `aid.donation-received` in the log).
    public struct State: Sendable, Equatable {
        public var warehouses: [String: Warehouse] = [:]
        public var donations: [String: Donation] = [:]
        /// Stock per warehouse and item: the lots' quantities by donation id, never 0 (a lot
        /// taken to 0 is removed, and a place without lots too). Only events written without
        /// the rules can leave a quantity below 0.
        public var stock: [Place: [String: Int]] = [:]
        public var shipments: [String: Shipment] = [:]
        public var distributions: Set<String> = []
        /// Declared incidents.
        public var incidents: [String: Incident] = [:]
        /// Requests made, with what was committed and delivered.
        public var requests: [String: Request] = [:]
        /// Donations received so far (the last receipt order given).
        public var donationCount = 0
        /// Registered households by id, and the household of each subject (a KK registers once).
        public var households: [String: Household] = [:]
        public var householdBySubject: [String: String] = [:]
        /// The distribution that served each household in each round.
        public var served: [ServedKey: String] = [:]
        /// Each recorded distribution's desa and counts, and the round it named households in.
        public var distributionRecords: [String: DistributionRecord] = [:]
        /// The area the deployment serves (`--region`): every desa/kelurahan code must lie in it.
        /// Configuration, not something folded from the log: the rules set it on every state.
        public var area: ServiceArea = .mataram
        /// Cataloged items by `item`: those the command names (the rules load no more).
        public var catalog: [String: CatalogEntry] = [:]
        /// How many items the catalog holds: 0 means there is no catalog yet, and free-text items
        /// are taken.
        public var catalogSize = 0
        /// Adjustments written pending a second officer's approval, by `adjustmentId` (kept once
        /// approved, with the approver, so that a second approval is refused).
        public var adjustments: [String: Adjustment] = [:]
        /// The largest adjustment (in units, either sign) that counts without a second officer's
        /// approval (`--adjustment-approval-above`). Configuration, like `area`.
        public var approvalAbove = AidDecider.defaultApprovalAbove

        // MARK: Reading

        /// Stock on hand of one lot of one item at one warehouse.
        public func onHand(at warehouseId: String, _ item: Item, lot donationId: String) -> Int {
            stock[Place(warehouseId: warehouseId, item: item)]?[donationId] ?? 0
        }

        /// Every lot's stock on hand, by where it lies.
        public var onHand: [LotKey: Int] {
            var out: [LotKey: Int] = [:]
            for (place, lots) in stock {
                for (donationId, q) in lots { out[LotKey(warehouseId: place.warehouseId, item: place.item, donationId: donationId)] = q }
            }
            return out
        }

        /// The lots of `item` with stock on hand at `warehouseId`, first-expiry-first-out, then
        /// first-in-first-out (by expiry, lots without one last; then receipt order, then id).
        public func lots(at warehouseId: String, _ item: Item) -> [LotQuantity] {
            guard let lots = stock[Place(warehouseId: warehouseId, item: item)] else { return [] }
            func order(_ id: String) -> (Int, Int, String) { (expiry(of: id, item)?.days ?? .max, sequence(of: id), id) }
            return lots.filter { $0.value > 0 }
                .sorted { order($0.key) < order($1.key) }
                .map { LotQuantity(donationId: $0.key, quantity: $0.value) }
        }

        /// The expiry date of `item` in lot `donationId` (nil: it does not expire, or unknown).
        public func expiry(of donationId: String, _ item: Item) -> CivilDate? { donations[donationId]?.expiry[item] }

        /// Whether the catalog rules apply: once the catalog holds an item, every item named must
        /// be in it.
        public var hasCatalog: Bool { catalogSize > 0 }

        /// Total stock on hand of `item` at `warehouseId`.
        public func total(at warehouseId: String, _ item: Item) -> Int {
            lots(at: warehouseId, item).reduce(0) { $0 + $1.quantity }
        }

        /// Whether lot `donationId` may serve `incidentId`: a lot serves the incident it was given
        /// for; a lot from before incidents (or unknown here) serves any.
        public func lot(_ donationId: String, serves incidentId: String?) -> Bool {
            guard let given = donations[donationId]?.incidentId, let incidentId else { return true }
            return given == incidentId
        }

        /// The receipt order of a donation (`Int.max` when unknown).
        func sequence(of donationId: String) -> Int { donations[donationId]?.sequence ?? .max }

        // MARK: Changing

        /// Adds `delta` to a lot's stock.
        mutating func add(_ delta: Int, to key: LotKey) {
            let place = Place(warehouseId: key.warehouseId, item: key.item)
            var lots = stock[place] ?? [:]
            let new = (lots[key.donationId] ?? 0) + delta
            lots[key.donationId] = new == 0 ? nil : new
            stock[place] = lots.isEmpty ? nil : lots
        }
    }

    /// The default of `State.approvalAbove`.
    public static let defaultApprovalAbove = 100

    /// An adjustment that needed a second officer's approval (`aid.stock-adjusted` with
    /// `needsApproval`): pending while `approvedBy` is nil.
    public struct Adjustment: Sendable, Hashable, Codable {
        public let warehouseId, item, unit, donationId: String
        public let quantity: Int
        public let reason: String
        public let requestedBy: String?
        public let incidentId: String?
        public var approvedBy: String?
        /// A write-off (`StockAdjusted.writeOff`).
        public var writeOff: Bool?
        /// The key that rejected it (`aid.adjustment-rejected`): it never counts.
        public var rejectedBy: String?
    }

    /// A registered warehouse or relief post.
    public struct Warehouse: Sendable, Hashable, Codable {
        public let name, kind, kelurahanCode: String
    }

    /// An item in its unit: `beras` in `kg` and `beras` in `karung` are different stock.
    public struct Item: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
        public let item, unit: String
        public static func < (a: Item, b: Item) -> Bool { (a.item, a.unit) < (b.item, b.unit) }
        public var description: String { "\(item) (\(unit))" }
    }

    /// A received donation: a lot.
    public struct Donation: Sendable, Hashable, Codable {
        public let warehouseId: String
        /// Receipt order, from 1.
        public let sequence: Int
        public let donorName: String
        /// Sorted when stored, so the decision state's bytes are the same in every process.
        @SortedEntries public private(set) var items: [Item: Int]
        /// The incident the donation was given for (nil: received before incidents existed; such
        /// a lot may serve any incident).
        public var incidentId: String?
        /// The expiry date of each item that has one. Sorted when stored.
        @SortedEntries public private(set) var expiry: [Item: CivilDate]

        public init(
            warehouseId: String, sequence: Int, donorName: String, items: [Item: Int], incidentId: String?,
            expiry: [Item: CivilDate] = [:]
        ) {
            (self.warehouseId, self.sequence, self.donorName, self.incidentId) = (warehouseId, sequence, donorName, incidentId)
            self._items = SortedEntries(wrappedValue: items)
            self._expiry = SortedEntries(wrappedValue: expiry)
        }
    }

    /// A cataloged item (`aid.item-cataloged`).
    public struct CatalogEntry: Sendable, Hashable, Codable {
        public let name, category, baseUnit: String
        public let packs: [PackSize]
        public let expires: Bool

        /// The units the item may be counted in: its base unit and its packs'.
        public var units: [String] { [baseUnit] + packs.map(\.unit) }
    }

    /// Where a quantity of a lot lies.
    public struct LotKey: Sendable, Hashable, Codable, Comparable {
        public let warehouseId: String
        public let item: Item
        public let donationId: String

        public static func < (a: LotKey, b: LotKey) -> Bool {
            (a.warehouseId, a.item, a.donationId) < (b.warehouseId, b.item, b.donationId)
        }
    }

    /// A warehouse and an item: the lots there are one aggregate of stock.
    public struct Place: Sendable, Hashable, Codable {
        public let warehouseId: String
        public let item: Item
    }

    /// A dispatched shipment. `lots` is what left the source (emptied once received).
    public struct Shipment: Sendable, Hashable, Codable {
        public let fromWarehouseId, toWarehouseId: String
        /// Sorted when stored, so the decision state's bytes are the same in every process.
        @SortedEntries public private(set) var lots: [LotKey: Int]
        public let received: Bool
        /// The incident it was dispatched for (nil: before incidents existed).
        public var incidentId: String?
        /// The request it fulfils, if any.
        public var requestId: String?
    }

    /// A declared incident: what a code an impact report names must lie in.
    public struct Incident: Sendable, Hashable, Codable {
        public let name, kind: String
        public let affectedCodes: [String]

        /// Whether a report of `code` concerns the incident: `code` lies in one of the affected
        /// areas, or contains one (a total over a larger area, such as the province's).
        public func covers(_ code: String) -> Bool {
            affectedCodes.contains { code == $0 || code.hasPrefix($0 + ".") || $0.hasPrefix(code + ".") }
        }
    }
}
