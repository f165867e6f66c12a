import DomainKit
public import JSON

// The bodies of the aid commands: each carries the fields of its event's data, some of them
// optional (made by the server). They are read from a body by `AidLogisticsCommand.parse`; their
// memberwise initializers are the module's (and its tests').

/// A line asked for by `dispatch-shipment` or `distribute-aid`: `lots` may be left out, and
/// the decider then takes them first-in-first-out and records them in the event.
public struct RequestedLine: AidPayload, Hashable {
    public var item, unit: String
    public var quantity: Int
    public var lots: [LotQuantity]?
    /// Why the given lots leave an earlier-expiring lot in stock (see `LotLine.reason`).
    public var reason: String?

    /// `lines` of a command: lots may be left out.
    static let list = JSONFieldRule.list(max: AidLimits.lines, of: "an array of {item, unit, quantity, lots?}")
}

/// The body of a command that takes stock by `lines` (`dispatch-shipment`, `distribute-aid`),
/// whose lots may be left out.
public protocol LineRequest: AidPayload {}

extension LineRequest {
    public static func rule(forKey key: String) -> JSONFieldRule? {
        key == "lines" ? RequestedLine.list : AidFields.rule(forKey: key)
    }
}

/// Body of `register-warehouse`. `warehouseId` is made when absent; `registeredAt` (RFC 3339,
/// optional) becomes the event's occurredAt.
public struct RegisterWarehouse: AidPayload, Hashable {
    public var warehouseId: String?
    public var name, kind, kelurahanCode: String
    public var registeredAt: String?
    public var incidentId: String?

    public static func rule(forKey key: String) -> JSONFieldRule? { WarehouseRegistered.rule(forKey: key) }
}

/// Body of `receive-donation`. `donationId` is made when absent, `receivedAt` defaults to now.
public struct ReceiveDonation: AidPayload, Hashable {
    public var donationId: String?
    public var warehouseId: String
    public var donor: Donor
    public var items: [ItemQuantity]
    public var receivedAt: String?
    public var incidentId: String?
}

/// Body of `dispatch-shipment`. `shipmentId` is made when absent, `dispatchedAt` defaults to
/// now, lines without `lots` are taken first-in-first-out.
public struct DispatchShipment: LineRequest, Hashable {
    public var shipmentId: String?
    public var fromWarehouseId, toWarehouseId: String
    public var lines: [RequestedLine]
    public var vehicle, driver: String
    public var dispatchedAt: String?
    public var requestId: String?
    public var incidentId: String?
}

/// Body of `receive-shipment`. Without `lines`, everything dispatched is received in full;
/// `receivedAt` defaults to now, `notes` to "", `incidentId` to the shipment's.
public struct ReceiveShipment: AidPayload, Hashable {
    public var shipmentId: String
    public var lines: [ReceivedLine]?
    public var receivedAt, notes: String?
    /// The shipment's incident when left out.
    public var incidentId: String?

    public static func rule(forKey key: String) -> JSONFieldRule? { ShipmentReceived.rule(forKey: key) }
}

/// Body of `distribute-aid`. `distributionId` is made when absent, `distributedAt` defaults to
/// now, lines without `lots` are taken first-in-first-out.
public struct DistributeAid: LineRequest, Hashable {
    public var distributionId: String?
    public var warehouseId, kelurahanCode: String
    public var lines: [RequestedLine]
    public var households, people: Int
    public var distributedAt: String?
    public var incidentId: String?
}

/// Body of `adjust-stock`. `quantity` is signed (negative takes stock out); `adjustedAt` (RFC
/// 3339, optional) becomes the event's occurredAt.
public struct AdjustStock: AidPayload, Hashable {
    public var warehouseId, item, unit, donationId: String
    public var quantity: Int
    public var reason: String
    public var adjustedAt: String?
    /// The lot's incident when left out.
    public var incidentId: String?
    /// Made when absent (`AD-<year>-...`).
    public var adjustmentId: String?
    /// The writer's actor: set by the server from the authenticated caller (a body's own is
    /// replaced). Recorded on an adjustment that needs a second officer's approval.
    public var requestedBy: String?
    /// True: wait for a second officer's approval even at or below the threshold (above it, the
    /// adjustment always waits).
    public var needsApproval: Bool?
    /// True: a write-off of unusable stock (see `StockAdjusted.writeOff`).
    public var writeOff: Bool?

    public init(
        warehouseId: String, item: String, unit: String, donationId: String, quantity: Int, reason: String,
        adjustedAt: String? = nil, incidentId: String? = nil, adjustmentId: String? = nil, requestedBy: String? = nil,
        needsApproval: Bool? = nil, writeOff: Bool? = nil
    ) {
        (self.warehouseId, self.item, self.unit, self.donationId) = (warehouseId, item, unit, donationId)
        (self.quantity, self.reason, self.adjustedAt, self.incidentId) = (quantity, reason, adjustedAt, incidentId)
        (self.adjustmentId, self.requestedBy, self.needsApproval, self.writeOff) = (adjustmentId, requestedBy, needsApproval, writeOff)
    }

    public static func rule(forKey key: String) -> JSONFieldRule? { StockAdjusted.rule(forKey: key) }
}

/// Body of `approve-adjustment` (`POST /v1/aid/adjustments/{adjustmentId}/approval`): the pending
/// adjustment's lot, item, quantity and incident are filled in from the decision state.
/// `approvedBy` is set by the server from the authenticated caller; `approvedAt` defaults to now.
public struct ApproveAdjustment: AidPayload, Hashable {
    public var adjustmentId: String
    public var approvedBy: String?
    public var approvedAt: String?

    public init(adjustmentId: String, approvedBy: String? = nil, approvedAt: String? = nil) {
        (self.adjustmentId, self.approvedBy, self.approvedAt) = (adjustmentId, approvedBy, approvedAt)
    }
}

/// Body of `reject-adjustment` (`POST /v1/aid/adjustments/{adjustmentId}/rejection`): the pending
/// adjustment's warehouse and incident are filled in from the decision state. `rejectedBy` is set
/// by the server from the authenticated caller; `rejectedAt` defaults to now.
public struct RejectAdjustment: AidPayload, Hashable {
    public var adjustmentId, reason: String
    public var rejectedBy, rejectedAt: String?

    public init(adjustmentId: String, reason: String, rejectedBy: String? = nil, rejectedAt: String? = nil) {
        (self.adjustmentId, self.reason, self.rejectedBy, self.rejectedAt) = (adjustmentId, reason, rejectedBy, rejectedAt)
    }
}

/// Body of `declare-incident`. `incidentId` is made when absent (`IC-<year>-...`; a readable id
/// such as `gempa-lombok-2018` is better), `startedAt` defaults to now.
public struct DeclareIncident: AidPayload, Hashable {
    public var incidentId: String?
    public var name, kind: String
    public var startedAt: String?
    public var affectedCodes: [String]

    public static func rule(forKey key: String) -> JSONFieldRule? { IncidentDeclared.rule(forKey: key) }
}

/// Body of `report-impact`. `reportedAt` defaults to now.
public struct ReportImpact: AidPayload, Hashable {
    public var incidentId, code: String
    public var displaced: Int
    public var households, damagedHouses: Int?
    public var source: String
    public var reportedAt: String?

    public static func rule(forKey key: String) -> JSONFieldRule? { ImpactReported.rule(forKey: key) }
}

/// Body of `request-items`. `requestId` is made when absent (`RQ-<year>-...`), `requestedAt`
/// defaults to now, `priority` to `sedang`.
public struct RequestItems: AidPayload, Hashable {
    public var requestId: String?
    public var warehouseId: String
    public var lines: [ItemQuantity]
    public var priority: String
    public var neededBy: String
    public var requestedAt: String?
    public var incidentId: String?

    public static func rule(forKey key: String) -> JSONFieldRule? { ItemsRequested.rule(forKey: key) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try c.decodeIfPresent(String.self, forKey: .requestId)
        warehouseId = try c.decode(String.self, forKey: .warehouseId)
        lines = try c.decode([ItemQuantity].self, forKey: .lines)
        priority = try c.decodeIfPresent(String.self, forKey: .priority) ?? "sedang"
        neededBy = try c.decode(String.self, forKey: .neededBy)
        requestedAt = try c.decodeIfPresent(String.self, forKey: .requestedAt)
        incidentId = try c.decodeIfPresent(String.self, forKey: .incidentId)
    }

    public init(
        requestId: String? = nil, warehouseId: String, lines: [ItemQuantity], priority: String = "sedang", neededBy: String,
        requestedAt: String? = nil, incidentId: String? = nil
    ) {
        (self.requestId, self.warehouseId, self.lines, self.priority) = (requestId, warehouseId, lines, priority)
        (self.neededBy, self.requestedAt, self.incidentId) = (neededBy, requestedAt, incidentId)
    }
}

/// Body of `commit-request` (the path's request id). `committedAt` defaults to now, `incidentId`
/// to the request's.
public struct CommitRequest: AidPayload, Hashable {
    public var requestId, fromWarehouseId: String
    public var lines: [ItemQuantity]
    public var committedAt, incidentId: String?

    public static func rule(forKey key: String) -> JSONFieldRule? { RequestCommitted.rule(forKey: key) }
}

/// Body of `cancel-request` (the path's request id). `cancelledAt` defaults to now, `incidentId` to
/// the request's.
public struct CancelRequest: AidPayload, Hashable {
    public var requestId, reason: String
    public var cancelledAt, incidentId: String?
}
