public import DomainKit
public import EventLog
public import JSON

/// One event of the aid domain, parsed: the decider's output and the rules' and projectors' input.
public enum AidEvent: Sendable, Hashable {
    case warehouseRegistered(WarehouseRegistered)
    case donationReceived(DonationReceived)
    case shipmentDispatched(ShipmentDispatched)
    case shipmentReceived(ShipmentReceived)
    case aidDistributed(AidDistributed)
    case stockAdjusted(StockAdjusted)
    case incidentDeclared(IncidentDeclared)
    case impactReported(ImpactReported)
    case householdRegistered(HouseholdRegistered)
    case householdServed(HouseholdServed)
    case itemsRequested(ItemsRequested)
    case requestCommitted(RequestCommitted)
    case requestCancelled(RequestCancelled)
    case adjustmentApproved(AdjustmentApproved)
    case itemCataloged(ItemCataloged)
    case minimumStockSet(MinimumStockSet)
    case adjustmentRejected(AdjustmentRejected)

    /// Its type name (e.g. `aid.donation-received`) and the stream it belongs on (`warehouse-<id>` for
    /// registrations and adjustments, `donation-<id>`, `shipment-<id>`, `distribution-<id>` or
    /// `incident-<id>` for an incident's declaration and impact reports).
    public var address: (type: String, stream: String) {
        switch self {
        case .warehouseRegistered(let e): (AidEventType.warehouseRegistered, AidIDs.warehouseStream(e.warehouseId))
        case .donationReceived(let e): (AidEventType.donationReceived, AidIDs.donationStream(e.donationId))
        case .shipmentDispatched(let e): (AidEventType.shipmentDispatched, AidIDs.shipmentStream(e.shipmentId))
        case .shipmentReceived(let e): (AidEventType.shipmentReceived, AidIDs.shipmentStream(e.shipmentId))
        case .aidDistributed(let e): (AidEventType.aidDistributed, AidIDs.distributionStream(e.distributionId))
        case .stockAdjusted(let e): (AidEventType.stockAdjusted, AidIDs.warehouseStream(e.warehouseId))
        case .incidentDeclared(let e): (AidEventType.incidentDeclared, AidIDs.incidentStream(e.incidentId))
        case .impactReported(let e): (AidEventType.impactReported, AidIDs.incidentStream(e.incidentId))
        case .householdRegistered(let e): (AidEventType.householdRegistered, AidIDs.householdStream(e.householdId))
        case .householdServed(let e): (AidEventType.householdServed, AidIDs.distributionStream(e.distributionId))
        case .itemsRequested(let e): (AidEventType.itemsRequested, AidIDs.requestStream(e.requestId))
        case .requestCommitted(let e): (AidEventType.requestCommitted, AidIDs.requestStream(e.requestId))
        case .requestCancelled(let e): (AidEventType.requestCancelled, AidIDs.requestStream(e.requestId))
        case .adjustmentApproved(let e): (AidEventType.adjustmentApproved, AidIDs.warehouseStream(e.warehouseId))
        case .itemCataloged: (AidEventType.itemCataloged, AidIDs.catalogStream)
        case .minimumStockSet(let e): (AidEventType.minimumStockSet, AidIDs.warehouseStream(e.warehouseId))
        case .adjustmentRejected(let e): (AidEventType.adjustmentRejected, AidIDs.warehouseStream(e.warehouseId))
        }
    }

    public var type: String { address.type }
    public var stream: String { address.stream }

    /// The payload as the log stores it.
    public var json: JSONValue {
        switch self {
        case .warehouseRegistered(let e): e.json
        case .donationReceived(let e): e.json
        case .shipmentDispatched(let e): e.json
        case .shipmentReceived(let e): e.json
        case .aidDistributed(let e): e.json
        case .stockAdjusted(let e): e.json
        case .incidentDeclared(let e): e.json
        case .impactReported(let e): e.json
        case .householdRegistered(let e): e.json
        case .householdServed(let e): e.json
        case .itemsRequested(let e): e.json
        case .requestCommitted(let e): e.json
        case .requestCancelled(let e): e.json
        case .adjustmentApproved(let e): e.json
        case .itemCataloged(let e): e.json
        case .minimumStockSet(let e): e.json
        case .adjustmentRejected(let e): e.json
        }
    }

    /// The name and text of the payload's own time field (`receivedAt`, `dispatchedAt`,
    /// `distributedAt`), if the type has one: the event's occurredAt must equal it.
    public var timeField: (name: String, text: String)? {
        switch self {
        case .donationReceived(let e): ("receivedAt", e.receivedAt)
        case .shipmentDispatched(let e): ("dispatchedAt", e.dispatchedAt)
        case .shipmentReceived(let e): ("receivedAt", e.receivedAt)
        case .aidDistributed(let e): ("distributedAt", e.distributedAt)
        case .incidentDeclared(let e): ("startedAt", e.startedAt)
        case .impactReported(let e): ("reportedAt", e.reportedAt)
        case .householdRegistered(let e): ("registeredAt", e.registeredAt)
        case .householdServed(let e): ("servedAt", e.servedAt)
        case .itemsRequested(let e): ("requestedAt", e.requestedAt)
        case .requestCommitted(let e): ("committedAt", e.committedAt)
        case .requestCancelled(let e): ("cancelledAt", e.cancelledAt)
        case .adjustmentApproved(let e): ("approvedAt", e.approvedAt)
        case .itemCataloged(let e): ("catalogedAt", e.catalogedAt)
        case .minimumStockSet(let e): ("setAt", e.setAt)
        case .adjustmentRejected(let e): ("rejectedAt", e.rejectedAt)
        case .warehouseRegistered, .stockAdjusted: nil
        }
    }

    /// The incident the event names (nil: an event written before incidents existed).
    public var incidentId: String? {
        switch self {
        case .warehouseRegistered(let e): e.incidentId
        case .donationReceived(let e): e.incidentId
        case .shipmentDispatched(let e): e.incidentId
        case .shipmentReceived(let e): e.incidentId
        case .aidDistributed(let e): e.incidentId
        case .stockAdjusted(let e): e.incidentId
        case .incidentDeclared(let e): e.incidentId
        case .impactReported(let e): e.incidentId
        case .householdRegistered(let e): e.incidentId
        case .householdServed(let e): e.incidentId
        case .itemsRequested(let e): e.incidentId
        case .requestCommitted(let e): e.incidentId
        case .requestCancelled(let e): e.incidentId
        case .adjustmentApproved(let e): e.incidentId
        case .itemCataloged: nil
        case .minimumStockSet(let e): e.incidentId
        case .adjustmentRejected(let e): e.incidentId
        }
    }

    /// The instant of `timeField`.
    public var time: Timestamp? { timeField.flatMap { Timestamp($0.text) } }

    /// Reads `data` of an event of `type`: a known aid type and a payload that fits its schema
    /// (`.invalidInput` naming the field under `root`, e.g. `data.items[0].quantity`).
    public static func read(type: String, data: JSONValue, root: String = "data") throws(EventLogError) -> AidEvent {
        switch type {
        case AidEventType.warehouseRegistered: return .warehouseRegistered(try .read(data, root: root))
        case AidEventType.donationReceived: return .donationReceived(try .read(data, root: root))
        case AidEventType.shipmentDispatched: return .shipmentDispatched(try .read(data, root: root))
        case AidEventType.shipmentReceived: return .shipmentReceived(try .read(data, root: root))
        case AidEventType.aidDistributed: return .aidDistributed(try .read(data, root: root))
        case AidEventType.stockAdjusted: return .stockAdjusted(try .read(data, root: root))
        case AidEventType.incidentDeclared: return .incidentDeclared(try .read(data, root: root))
        case AidEventType.impactReported: return .impactReported(try .read(data, root: root))
        case AidEventType.householdRegistered: return .householdRegistered(try .read(data, root: root))
        case AidEventType.householdServed: return .householdServed(try .read(data, root: root))
        case AidEventType.itemsRequested: return .itemsRequested(try .read(data, root: root))
        case AidEventType.requestCommitted: return .requestCommitted(try .read(data, root: root))
        case AidEventType.requestCancelled: return .requestCancelled(try .read(data, root: root))
        case AidEventType.adjustmentApproved: return .adjustmentApproved(try .read(data, root: root))
        case AidEventType.itemCataloged: return .itemCataloged(try .read(data, root: root))
        case AidEventType.minimumStockSet: return .minimumStockSet(try .read(data, root: root))
        case AidEventType.adjustmentRejected: return .adjustmentRejected(try .read(data, root: root))
        default:
            throw EventLogError(
                .invalidInput,
                "type: \(type) is not an event type of the aid domain (known: \(AidEventType.all.sorted().joined(separator: ", ")))",
                field: "type")
        }
    }

    /// Reads an event as it is offered to the log: `read(type:data:)`, then checks that an
    /// individual donor's name is sealed or the anonymous label (`Donor.check`, naming
    /// `data.donor.name`), that it is on its own stream (`stream` must be `self.stream`) and that
    /// `occurredAt`, when given, is the payload's time. (Events read back from the log are not held
    /// to the donor's check: a log written before names were sealed still folds; its individuals
    /// show as `Donor.anonymous` unless they agreed to be named.)
    public static func read(_ event: DomainEvent) throws(EventLogError) -> AidEvent {
        let e = try read(type: event.type, data: event.data)
        if case .donationReceived(let d) = e { try d.donor.check() }
        if case .householdRegistered(let h) = e { try h.check() }
        guard event.stream == e.stream else {
            throw EventLogError(
                .invalidInput, "stream: an \(event.type) event with these ids belongs on stream \(e.stream), not \(event.stream)",
                field: "stream")
        }
        if let occurredAt = event.occurredAt, let field = e.timeField, let t = Timestamp(field.text), t != occurredAt {
            throw EventLogError(
                .invalidInput, "occurredAt: \(occurredAt) differs from data.\(field.name) \(field.text); leave it out or make them equal",
                field: "occurredAt")
        }
        return e
    }

    /// The event to append: on its stream, occurredAt = its time (or `occurredAt` for types
    /// without one), the given id and expected version.
    public func proposed(
        id: EventID? = nil, occurredAt: Timestamp? = nil, expectedVersion: ExpectedVersion = .any
    ) throws(EventLogError) -> ProposedEvent {
        try ProposedEvent(
            stream: stream, type: type, value: json, id: id, occurredAt: time ?? occurredAt, expectedVersion: expectedVersion)
    }
}

extension AidEvent: LoggedEvent {
    /// An event of the log as its views read it (nil for another domain's event or one this
    /// version cannot read): plainly (`plainlyValid(type:data:)`) when it can, else strictly.
    public static func read(_ event: RecordedEvent) -> AidEvent? {
        guard let data = try? event.dataValue() else { return nil }
        return plainlyValid(type: event.type, data: data) ?? (try? AidEvent.read(type: event.type, data: data))
    }

    /// `read(event)` in an object, made here (the protocol's default is generic: it looked the
    /// object's type up at run time per event).
    public static func decoded(_ event: RecordedEvent, ahead: Bool) -> DecodedEvent<AidEvent>? { read(event).map(DecodedEvent.init) }
}
