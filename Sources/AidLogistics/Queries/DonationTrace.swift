/// The trace of one donation (the `aid.trace` view), as `AidQueries.trace` returns it: every
/// step its lots went through, in log order, and a balance showing that the quantities add up.
public struct DonationTrace: Codable, Sendable, Equatable {
    /// The donation as received.
    public struct Donation: Codable, Sendable, Equatable {
        public var donationId, warehouseId, warehouseName: String
        public var donor: Donor
        public var items: [ItemQuantity]
        public var receivedAt: String
        public var position: UInt64
        public var eventId: String
        /// The incident the donation was given for (absent: before incidents existed).
        public var incidentId: String?
    }

    /// What a step did to the lot.
    public enum Kind: String, Codable, Sendable, Equatable {
        /// The donation entered `warehouseId`.
        case donated
        /// Left `warehouseId` for `toWarehouseId` in `shipmentId`.
        case dispatched
        /// Arrived at `toWarehouseId` (from `warehouseId`) in `shipmentId`.
        case received
        /// Dispatched in `shipmentId` but not received: lost in transit.
        case lostInTransit = "lost-in-transit"
        /// Handed out from `warehouseId` to households of `kelurahanCode`.
        case distributed
        /// Stock of `warehouseId` corrected by `quantity` (signed; negative took stock out).
        case adjusted
        /// Written off at `warehouseId` as unusable (expired, spoilt): `quantity` positive, what left
        /// the books (an `aid.stock-adjusted` with `writeOff`).
        case writtenOff = "written-off"
    }

    /// One movement of the lot, with the event that recorded it.
    public struct Step: Codable, Sendable, Equatable {
        public var position: UInt64
        public var eventId, type: String
        /// The event's occurredAt (UTC).
        public var occurredAt: String
        public var kind: Kind
        public var item, unit: String
        /// Positive, except for `adjusted` (signed).
        public var quantity: Int
        public var warehouseId, warehouseName: String
        public var toWarehouseId, toWarehouseName, shipmentId, distributionId, kelurahanCode, kelurahanName: String?
        /// Of the whole distribution (all its lots).
        public var households, people: Int?
        public var vehicle, driver, reason, notes: String?
    }

    /// Where some of an item of the lot lies now.
    public struct Holding: Codable, Sendable, Equatable {
        public var warehouseId, warehouseName: String
        public var quantity: Int
    }

    /// The balance of one item of the lot: `donated = onHand + inTransit + distributed + lost + writtenOff + adjusted`.
    public struct ItemBalance: Codable, Sendable, Equatable {
        public var item, unit: String
        public var donated: Int
        /// Summed over `onHandByWarehouse`.
        public var onHand: Int
        public var onHandByWarehouse: [Holding]
        public var inTransit, distributed, lost: Int
        /// Written off as unusable (expired, spoilt), once approved where four eyes apply.
        public var writtenOff: Int
        /// Net quantity taken out by adjustments (negative when adjustments added stock).
        public var adjusted: Int
        /// `onHand + inTransit + distributed + lost + writtenOff + adjusted`.
        public var accountedFor: Int
        /// `accountedFor == donated`.
        public var holds: Bool
    }

    /// The balance of every item of the lot, folded from the steps alone.
    public struct Balance: Codable, Sendable, Equatable {
        public static let identity = "donated = onHand + inTransit + distributed + lost + writtenOff + adjusted"
        /// The identity checked, in words.
        public var identity: String
        /// True when it holds for every item.
        public var holds: Bool
        public var items: [ItemBalance]
    }

    public var donation: Donation
    public var steps: [Step]
    public var balance: Balance
}
