public import DomainKit
public import JSON

/// `aid.item-cataloged` on stream `catalog`: an item of the relief catalog (after Sahana Eden's
/// item catalog). `item` is the name every other aid event uses for it (`beras`, `mi instan`);
/// `baseUnit` is the unit it is counted in, and `packs` the larger units it also comes in, each
/// with how many base units it holds (`1 karung = 25 kg`). `expires` says whether its lots carry an
/// expiry date (food, water, medicine do).
///
/// Once the catalog holds one item, every item an aid event names must be in it, in its base unit
/// or one of its packs; an event naming another is refused (422, naming the field). An item is
/// cataloged once.
public struct ItemCataloged: AidPayload, Hashable {
    /// The categories of the catalog (the clusters of Indonesia's BNPB logistics guidance).
    public static let categories = ["pangan", "sandang", "hunian", "kesehatan", "air-sanitasi", "kebersihan", "peralatan", "lainnya"]
    public var item, name, category, baseUnit: String
    /// The larger units, each once, none named as the base unit (absent: none).
    public var packs: [PackSize]?
    /// Whether each lot records an expiry date (`expiresOn` of a donation's item).
    public var expires: Bool
    /// RFC 3339; the event's occurredAt.
    public var catalogedAt: String

    public init(
        item: String, name: String, category: String, baseUnit: String, packs: [PackSize]? = nil, expires: Bool, catalogedAt: String
    ) {
        (self.item, self.name, self.category, self.baseUnit) = (item, name, category, baseUnit)
        (self.packs, self.expires, self.catalogedAt) = (packs, expires, catalogedAt)
    }

    /// The units the item may be counted in: the base unit and every pack's.
    public var units: [String] { [baseUnit] + (packs ?? []).map(\.unit) }

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "category": .oneOf(categories)
        case "baseUnit": AidFields.rule(forKey: "unit")
        case "packs": .list(max: 20, allowEmpty: true, of: "an array of {unit, baseQuantity}")
        default: AidFields.rule(forKey: key)
        }
    }
}

/// A pack an item comes in: `unit` holds `baseQuantity` of the item's base unit.
public struct PackSize: AidPayload, Hashable {
    public var unit: String
    /// Positive: base units in one pack.
    public var baseQuantity: Int

    public init(unit: String, baseQuantity: Int) { (self.unit, self.baseQuantity) = (unit, baseQuantity) }
}

/// `aid.minimum-stock-set` on stream `warehouse-<warehouseId>`: the stock of `item` in `unit`
/// below which the warehouse raises an alert (`GET /v1/aid/alerts`). 0 clears it. It holds
/// across incidents, so `incidentId` is optional.
public struct MinimumStockSet: AidPayload, Hashable {
    public var warehouseId, item, unit: String
    /// At least 0; 0 clears the minimum.
    public var minimum: Int
    /// RFC 3339; the event's occurredAt.
    public var setAt: String
    public var incidentId: String?

    public init(warehouseId: String, item: String, unit: String, minimum: Int, setAt: String, incidentId: String? = nil) {
        (self.warehouseId, self.item, self.unit, self.minimum, self.setAt, self.incidentId) =
            (warehouseId, item, unit, minimum, setAt, incidentId)
    }
}

/// Body of `catalog-item` (`POST /v1/aid/catalog`). `catalogedAt` defaults to now.
public struct CatalogItem: AidPayload, Hashable {
    public var item, name, category, baseUnit: String
    public var packs: [PackSize]?
    public var expires: Bool
    public var catalogedAt: String?

    public init(
        item: String, name: String, category: String, baseUnit: String, packs: [PackSize]? = nil, expires: Bool,
        catalogedAt: String? = nil
    ) {
        (self.item, self.name, self.category, self.baseUnit) = (item, name, category, baseUnit)
        (self.packs, self.expires, self.catalogedAt) = (packs, expires, catalogedAt)
    }

    public static func rule(forKey key: String) -> JSONFieldRule? { ItemCataloged.rule(forKey: key) }
}

/// Body of `set-minimum-stock` (`POST /v1/aid/warehouses/{warehouseId}/minimums`). `setAt`
/// defaults to now.
public struct SetMinimumStock: AidPayload, Hashable {
    public var warehouseId, item, unit: String
    public var minimum: Int
    public var setAt: String?
    public var incidentId: String?

    public init(warehouseId: String, item: String, unit: String, minimum: Int, setAt: String? = nil, incidentId: String? = nil) {
        (self.warehouseId, self.item, self.unit, self.minimum, self.setAt, self.incidentId) =
            (warehouseId, item, unit, minimum, setAt, incidentId)
    }
}
