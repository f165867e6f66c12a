public import JSON

/// `aid.warehouse-registered` on stream `warehouse-<warehouseId>`. `kind` is `gudang` (a
/// warehouse) or `posko` (a relief post); `kelurahanCode` is a Kepmendagri code of Kota Mataram.
public struct WarehouseRegistered: AidPayload, Hashable {
    public static let kinds = ["gudang", "posko"]
    public var warehouseId, name, kind, kelurahanCode: String
    /// The incident the warehouse or posko was opened for (required by the rules; a gudang serves
    /// every incident's aid); absent only in events written before incidents existed.
    public var incidentId: String?

    public static func rule(forKey key: String) -> JSONFieldRule? {
        key == "kind" ? AidFields.warehouseKind : AidFields.rule(forKey: key)
    }
}

/// `aid.donation-received` on stream `donation-<donationId>`: a lot (lot id = `donationId`)
/// entering `warehouseId`. Items are distinct by (item, unit).
public struct DonationReceived: AidPayload, Hashable {
    public var donationId, warehouseId: String
    public var donor: Donor
    public var items: [ItemQuantity]
    /// RFC 3339; the event's occurredAt.
    public var receivedAt: String
    /// The incident this aid answers (`aid.incident-declared`): required by the rules; absent only
    /// in events written before incidents existed, which every view counts under no incident.
    public var incidentId: String?
}

/// `aid.shipment-dispatched` on stream `shipment-<shipmentId>`: goods leave `fromWarehouseId`
/// for `toWarehouseId`, each line naming the lots it takes. `dispatchedAt` (RFC 3339) is the
/// event's occurredAt.
public struct ShipmentDispatched: AidPayload, Hashable {
    public var shipmentId, fromWarehouseId, toWarehouseId: String
    public var lines: [LotLine]
    public var vehicle, driver, dispatchedAt: String
    /// The request (`aid.items-requested`) the shipment fulfils, wholly or in part: it goes to the
    /// requesting post and carries only items the request lists.
    public var requestId: String?
    /// The incident this aid answers (`aid.incident-declared`): required by the rules; absent only
    /// in events written before incidents existed, which every view counts under no incident.
    public var incidentId: String?
}

/// `aid.shipment-received` on stream `shipment-<shipmentId>`: what arrived, per lot. Whatever
/// was dispatched and is not listed here was lost in transit.
public struct ShipmentReceived: AidPayload, Hashable {
    public var shipmentId: String
    public var lines: [ReceivedLine]
    /// RFC 3339; the event's occurredAt.
    public var receivedAt: String
    /// Free text (may be empty; "" when left out, and always written).
    public var notes: String
    /// The incident this aid answers (`aid.incident-declared`): required by the rules; absent only
    /// in events written before incidents existed, which every view counts under no incident.
    public var incidentId: String?

    public static func rule(forKey key: String) -> JSONFieldRule? {
        key == "lines" ? AidFields.receivedLines : AidFields.rule(forKey: key)
    }
}

/// `aid.aid-distributed` on stream `distribution-<distributionId>`: aid handed to households of
/// `kelurahanCode` from the stock of `warehouseId`.
public struct AidDistributed: AidPayload, Hashable {
    public var distributionId, warehouseId, kelurahanCode: String
    public var lines: [LotLine]
    public var households, people: Int
    /// RFC 3339; the event's occurredAt.
    public var distributedAt: String
    /// The incident this aid answers (`aid.incident-declared`): required by the rules; absent only
    /// in events written before incidents existed, which every view counts under no incident.
    public var incidentId: String?
}

/// `aid.stock-adjusted` on stream `warehouse-<warehouseId>`: a correction of one lot's stock of
/// one item (stock-taking, damage, expiry). `quantity` is signed: negative takes stock out.
///
/// Four eyes: an adjustment whose size is above the deployment's threshold
/// (`--adjustment-approval-above`, `AidLogisticsRules.approvalAbove`) is written with
/// `needsApproval: true`, an `adjustmentId` and `requestedBy` (the key that wrote it), and counts
/// nowhere (decision state, stock, trace) until `aid.adjustment-approved` names it.
public struct StockAdjusted: AidPayload, Hashable {
    public var warehouseId, item, unit, donationId: String
    /// Not 0; negative takes stock out.
    public var quantity: Int
    public var reason: String
    /// The incident this aid answers (`aid.incident-declared`): required by the rules; absent only
    /// in events written before incidents existed, which every view counts under no incident.
    public var incidentId: String?
    /// `AD-<year>-...`, made by `adjust-stock` (absent in events written before four eyes).
    public var adjustmentId: String?
    /// True: the adjustment is pending until a second officer approves it (`aid.adjustment-approved`).
    public var needsApproval: Bool?
    /// The actor (key) that wrote it; required with `needsApproval` (the rules hold it to the writer).
    public var requestedBy: String?
    /// True: a write-off (pemusnahan): stock taken off the books as unusable, expired or spoilt.
    /// Its `quantity` is negative; it counts as written off, not as a correction, in the trace's
    /// balance, and needs approval above the threshold like any adjustment.
    public var writeOff: Bool?

    public init(
        warehouseId: String, item: String, unit: String, donationId: String, quantity: Int, reason: String,
        incidentId: String? = nil, adjustmentId: String? = nil, needsApproval: Bool? = nil, requestedBy: String? = nil,
        writeOff: Bool? = nil
    ) {
        (self.warehouseId, self.item, self.unit, self.donationId) = (warehouseId, item, unit, donationId)
        (self.quantity, self.reason, self.incidentId) = (quantity, reason, incidentId)
        (self.adjustmentId, self.needsApproval, self.requestedBy, self.writeOff) = (adjustmentId, needsApproval, requestedBy, writeOff)
    }

    /// Whether it waits for a second officer's approval.
    public var isPending: Bool { needsApproval == true }
    /// Whether it is a write-off.
    public var isWriteOff: Bool { writeOff == true }

    public static func rule(forKey key: String) -> JSONFieldRule? {
        key == "quantity" ? AidFields.adjustment : AidFields.rule(forKey: key)
    }
}

/// `aid.adjustment-approved` on stream `warehouse-<warehouseId>`: a second officer (`approvedBy`,
/// the key that writes it, never the one that wrote the adjustment) approves a pending
/// `aid.stock-adjusted`; from here on it counts. The adjustment's lot, item and quantity are
/// copied in (the rules hold them to the pending adjustment), so a view folds the approval alone.
public struct AdjustmentApproved: AidPayload, Hashable {
    public var adjustmentId, warehouseId, item, unit, donationId: String
    public var quantity: Int
    public var reason: String
    public var approvedBy: String
    /// RFC 3339; the event's occurredAt.
    public var approvedAt: String
    /// The adjustment's incident.
    public var incidentId: String?
    /// The adjustment's `writeOff` (copied).
    public var writeOff: Bool?

    public static func rule(forKey key: String) -> JSONFieldRule? {
        key == "quantity" ? AidFields.adjustment : AidFields.rule(forKey: key)
    }
}

/// `aid.adjustment-rejected` on stream `warehouse-<warehouseId>`: a second officer (`rejectedBy`,
/// the key that writes it, never the one that wrote the adjustment) refuses a pending
/// `aid.stock-adjusted`, giving a reason; it never counts, and can no longer be approved.
public struct AdjustmentRejected: AidPayload, Hashable {
    public var adjustmentId, warehouseId: String
    public var reason: String
    public var rejectedBy: String
    /// RFC 3339; the event's occurredAt.
    public var rejectedAt: String
    /// The adjustment's incident.
    public var incidentId: String?

    public init(
        adjustmentId: String, warehouseId: String, reason: String, rejectedBy: String, rejectedAt: String, incidentId: String? = nil
    ) {
        (self.adjustmentId, self.warehouseId, self.reason, self.rejectedBy) = (adjustmentId, warehouseId, reason, rejectedBy)
        (self.rejectedAt, self.incidentId) = (rejectedAt, incidentId)
    }
}

extension ShipmentReceived {
    /// `notes` may be left out of a payload (read as "").
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            shipmentId: try c.decode(String.self, forKey: .shipmentId), lines: try c.decode([ReceivedLine].self, forKey: .lines),
            receivedAt: try c.decode(String.self, forKey: .receivedAt), notes: try c.decodeIfPresent(String.self, forKey: .notes) ?? "",
            incidentId: try c.decodeIfPresent(String.self, forKey: .incidentId))
    }
}
