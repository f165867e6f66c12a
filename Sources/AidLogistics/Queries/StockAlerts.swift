public import DomainKit
public import Projections

/// What needs a warehouse officer's attention (the `aid.stock` view), as `AidQueries.alerts`
/// returns it: lots expiring soon (or already expired) with stock on hand, and items below the
/// warehouse's minimum stock.
public struct StockAlerts: Codable, Sendable, Equatable {
    /// A lot with stock on hand whose expiry date falls within the window (or has passed).
    public struct Expiring: Codable, Sendable, Equatable {
        public var warehouseId, warehouseName, item, unit, donationId: String
        /// The last day it may be handed out (`YYYY-MM-DD`).
        public var expiresOn: String
        public var onHand: Int
        /// Days from `on` to `expiresOn` (negative: expired that many days ago).
        public var daysLeft: Int
        /// True once `expiresOn` has passed: the lot may only be written off.
        public var expired: Bool
        public var incidentId: String?
    }

    /// An item whose stock on hand at a warehouse is below the minimum set for it.
    public struct BelowMinimum: Codable, Sendable, Equatable {
        public var warehouseId, warehouseName, item, unit: String
        public var minimum, onHand: Int
    }

    /// The day the alerts are for (`YYYY-MM-DD`, WITA).
    public var on: String
    /// Lots expiring within this many days of `on` are listed.
    public var withinDays: Int
    /// Earliest expiry first.
    public var expiring: [Expiring]
    /// By warehouse, item and unit.
    public var belowMinimum: [BelowMinimum]
}

/// The item catalog (the `aid.stock` view's `catalog`), by item.
public struct ItemCatalog: Codable, Sendable, Equatable {
    public var items: [ItemCataloged]
}

extension AidQueries {
    /// The default window of `alerts`: lots expiring within 14 days.
    public static let expiryWindowDays = 14

    /// Alerts (view `aid.stock`) on day `on`: lots on hand expiring within `withinDays` days of it
    /// (or expired), and items below their warehouse's minimum; only `warehouseId`'s when given,
    /// only lots given for `incidentId` when given (minimums hold across incidents).
    public static func alerts(
        _ view: ViewReader, on day: CivilDate, withinDays: Int = expiryWindowDays, warehouseId: String? = nil,
        incidentId: String? = nil
    ) throws -> StockAlerts {
        var names: [String: String] = [:]
        try view.scanValues(StockReport.Warehouse.self, "warehouses") { id, w in
            names[id] = w.name
            return true
        }
        let prefix = warehouseId.map { ViewKey.prefix($0) } ?? ""
        var expiring: [StockAlerts.Expiring] = []
        try view.scan("lots", prefix: prefix) { key, bytes in
            let parts = ViewKey.split(key)
            guard parts.count == 4 else { return true }
            let lot = try ViewCoding.decode(StockRecords.Quantities.self, bytes)
            guard lot.onHand > 0, let text = lot.expiresOn, let expiry = CivilDate(text),
                incidentId == nil || lot.incidentId == incidentId
            else { return true }
            let left = expiry.days - day.days
            guard left <= withinDays else { return true }
            expiring.append(
                StockAlerts.Expiring(
                    warehouseId: parts[0], warehouseName: names[parts[0]] ?? parts[0], item: parts[1], unit: parts[2],
                    donationId: parts[3], expiresOn: text, onHand: lot.onHand, daysLeft: left, expired: left < 0,
                    incidentId: lot.incidentId))
            return true
        }
        var below: [StockAlerts.BelowMinimum] = []
        try view.scan("minimums", prefix: prefix) { key, bytes in
            let parts = ViewKey.split(key)
            guard parts.count == 3 else { return true }
            let minimum = try ViewCoding.decode(Int.self, bytes)
            let onHand = try view.value(StockRecords.Quantities.self, "totals", key)?.onHand ?? 0
            if onHand < minimum {
                below.append(
                    StockAlerts.BelowMinimum(
                        warehouseId: parts[0], warehouseName: names[parts[0]] ?? parts[0], item: parts[1], unit: parts[2],
                        minimum: minimum, onHand: onHand))
            }
            return true
        }
        expiring.sort { ($0.expiresOn, $0.warehouseId, $0.item, $0.donationId) < ($1.expiresOn, $1.warehouseId, $1.item, $1.donationId) }
        return StockAlerts(on: day.description, withinDays: withinDays, expiring: expiring, belowMinimum: below)
    }

    /// The item catalog (view `aid.stock`), by item.
    public static func catalog(_ view: ViewReader) throws -> ItemCatalog {
        var items: [ItemCataloged] = []
        try view.scanValues(ItemCataloged.self, "catalog") { _, item in
            items.append(item)
            return true
        }
        return ItemCatalog(items: items)
    }
}
