/// Stock per warehouse, item and lot (the `aid.stock` view), as `AidQueries.stock` returns it.
///
/// `onHand` is what lies in the warehouse; `inTransit` is what was dispatched from it and is not
/// yet received (it counts at the source until the receipt).
public struct StockReport: Codable, Sendable, Equatable {
    /// A warehouse or post as registered, with its kelurahan's names.
    public struct Warehouse: Codable, Sendable, Equatable {
        public var warehouseId, name, kind, kelurahanCode, kelurahanName, kecamatanName: String
    }

    /// One lot of one item at one warehouse.
    public struct Lot: Codable, Sendable, Equatable {
        public var donationId: String
        public var onHand, inTransit: Int
        /// The lot's expiry date (`YYYY-MM-DD`; absent: it does not expire).
        public var expiresOn: String?
    }

    /// One item at one warehouse: totals and the lots.
    public struct Item: Codable, Sendable, Equatable {
        public var item, unit: String
        public var onHand, inTransit: Int
        /// Lots first-expiry-first-out, then by donation id.
        public var lots: [Lot]
        /// The warehouse's minimum stock of the item (`aid.minimum-stock-set`; absent: none).
        public var minimum: Int?
    }

    /// A warehouse with its stock.
    public struct WarehouseStock: Codable, Sendable, Equatable {
        public var warehouse: Warehouse
        public var items: [Item]
    }

    /// Totals of one item over the warehouses listed.
    public struct Total: Codable, Sendable, Equatable {
        public var item, unit: String
        public var onHand, inTransit, warehouses: Int
    }

    /// The warehouses asked for (all, or one), each with the items asked for (all, or one).
    public var warehouses: [WarehouseStock]
    /// Per item, over `warehouses`.
    public var totals: [Total]
}
