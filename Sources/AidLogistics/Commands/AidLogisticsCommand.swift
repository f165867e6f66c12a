import DomainKit
import EventLog
import JSON

/// The write side of the aid domain for the HTTP API: one case per command.
///
/// The body of a command carries the fields of its event's `data` (see `AidEventType`), with
/// these differences: ids (`warehouseId` of `register-warehouse`, `donationId`, `shipmentId`,
/// `distributionId`) and times (`receivedAt`, `dispatchedAt`, `distributedAt`) may be left out
/// (made by the server: a random id, the current time); `lots` of a line may be left out (taken
/// first-in-first-out, recorded in the event); `lines` of `receive-shipment` may be left out
/// (everything dispatched received in full); `register-warehouse` and `adjust-stock` accept an
/// optional `registeredAt` / `adjustedAt`, used as the event's occurredAt.
public enum AidLogisticsCommand: Sendable, Hashable {
    case registerWarehouse(RegisterWarehouse)
    case receiveDonation(ReceiveDonation)
    case dispatchShipment(DispatchShipment)
    case receiveShipment(ReceiveShipment)
    case distributeAid(DistributeAid)
    case adjustStock(AdjustStock)

    /// The command names, as the HTTP routes use them.
    public static let names = [
        "register-warehouse", "receive-donation", "dispatch-shipment", "receive-shipment", "distribute-aid", "adjust-stock",
    ]

    /// The command's name, e.g. `receive-donation`.
    public var name: String {
        switch self {
        case .registerWarehouse: "register-warehouse"
        case .receiveDonation: "receive-donation"
        case .dispatchShipment: "dispatch-shipment"
        case .receiveShipment: "receive-shipment"
        case .distributeAid: "distribute-aid"
        case .adjustStock: "adjust-stock"
        }
    }

    /// What a command decided: the events to append (in one request), the ids it made or was
    /// given (`warehouseId`, `donationId`, `shipmentId`, `distributionId`), and secrets to show
    /// once (none in this domain).
    public struct Decision: Sendable {
        public let events: [ProposedEvent]
        public let ids: [String: String]
        public let secrets: [String: String]
        public init(events: [ProposedEvent], ids: [String: String], secrets: [String: String] = [:]) {
            self.events = events
            self.ids = ids
            self.secrets = secrets
        }
    }

    // MARK: Parsing

    /// Parses the body of command `name`. Throws `.invalidInput` naming the field (paths relative
    /// to the body, e.g. `items[0].quantity`), or naming `command` for an unknown name.
    public static func parse(_ name: String, body: JSONValue) throws(EventLogError) -> AidLogisticsCommand {
        var r = try PayloadReader(body, path: "")
        let command: AidLogisticsCommand
        switch name {
        case "register-warehouse":
            command = .registerWarehouse(
                RegisterWarehouse(
                    warehouseId: try r.optionalIdentifier("warehouseId"), name: try r.string("name", maxBytes: AidLimits.name),
                    kind: try r.choice("kind", WarehouseRegistered.kinds), kelurahanCode: try r.string("kelurahanCode", maxBytes: 20),
                    registeredAt: try r.optionalTime("registeredAt")?.text))
        case "receive-donation":
            let donationId = try r.optionalIdentifier("donationId")
            let warehouseId = try r.identifier("warehouseId")
            var donorReader = try r.object("donor")
            let donor = try Donor.read(&donorReader)
            guard let itemReaders = try r.objects("items", max: AidLimits.lines) else {
                throw PayloadReader.invalid("items", "is required (an array of {item, unit, quantity})")
            }
            var items: [ItemQuantity] = []
            for var i in itemReaders { items.append(try ItemQuantity.read(&i)) }
            command = .receiveDonation(
                ReceiveDonation(
                    donationId: donationId, warehouseId: warehouseId, donor: donor, items: items,
                    receivedAt: try r.optionalTime("receivedAt")?.text))
        case "dispatch-shipment":
            command = .dispatchShipment(
                DispatchShipment(
                    shipmentId: try r.optionalIdentifier("shipmentId"), fromWarehouseId: try r.identifier("fromWarehouseId"),
                    toWarehouseId: try r.identifier("toWarehouseId"), lines: try RequestedLine.readAll(&r, "lines"),
                    vehicle: try r.string("vehicle", maxBytes: AidLimits.name), driver: try r.string("driver", maxBytes: AidLimits.name),
                    dispatchedAt: try r.optionalTime("dispatchedAt")?.text))
        case "receive-shipment":
            let shipmentId = try r.identifier("shipmentId")
            var lines: [ReceivedLine]? = nil
            if let readers = try r.objects("lines", allowEmpty: true, max: AidLimits.lines * 4) {
                lines = []
                for var l in readers { lines?.append(try ReceivedLine.read(&l)) }
            }
            command = .receiveShipment(
                ReceiveShipment(
                    shipmentId: shipmentId, lines: lines, receivedAt: try r.optionalTime("receivedAt")?.text,
                    notes: try r.optionalString("notes", maxBytes: AidLimits.text, allowEmpty: true)))
        case "distribute-aid":
            command = .distributeAid(
                DistributeAid(
                    distributionId: try r.optionalIdentifier("distributionId"), warehouseId: try r.identifier("warehouseId"),
                    kelurahanCode: try r.string("kelurahanCode", maxBytes: 20), lines: try RequestedLine.readAll(&r, "lines"),
                    households: try r.positiveInt("households"), people: try r.positiveInt("people"),
                    distributedAt: try r.optionalTime("distributedAt")?.text))
        case "adjust-stock":
            command = .adjustStock(
                AdjustStock(
                    warehouseId: try r.identifier("warehouseId"), item: try r.string("item", maxBytes: AidLimits.item),
                    unit: try r.string("unit", maxBytes: AidLimits.unit), donationId: try r.identifier("donationId"),
                    quantity: try r.nonZeroInt("quantity"), reason: try r.string("reason", maxBytes: AidLimits.text),
                    adjustedAt: try r.optionalTime("adjustedAt")?.text))
        default:
            throw EventLogError(
                .invalidInput, "command: \(name) is not a command of the aid domain (known: \(names.joined(separator: ", ")))",
                field: "command")
        }
        try r.finish()
        return command
    }

    // MARK: Deciding

    /// Fills what the caller left out and only the server can choose: ids (`make(prefix, year)`,
    /// prefixes `WH`, `DN`, `SH`, `DS`) and times (`now`). Returns the completed command and the
    /// ids it carries, by field name.
    public func resolved(now: Timestamp, makeID: (String, Int) -> String) -> (command: AidLogisticsCommand, ids: [String: String]) {
        let nowText = now.description
        func year(_ text: String) -> Int { Timestamp(text).map(AidIDs.year(of:)) ?? AidIDs.year(of: now) }
        switch self {
        case .registerWarehouse(var c):
            let id = c.warehouseId ?? makeID("WH", year(c.registeredAt ?? nowText))
            c.warehouseId = id
            return (.registerWarehouse(c), ["warehouseId": id])
        case .receiveDonation(var c):
            let at = c.receivedAt ?? nowText
            let id = c.donationId ?? makeID("DN", year(at))
            c.donationId = id
            c.receivedAt = at
            return (.receiveDonation(c), ["donationId": id])
        case .dispatchShipment(var c):
            let at = c.dispatchedAt ?? nowText
            let id = c.shipmentId ?? makeID("SH", year(at))
            c.shipmentId = id
            c.dispatchedAt = at
            return (.dispatchShipment(c), ["shipmentId": id])
        case .receiveShipment(var c):
            c.receivedAt = c.receivedAt ?? nowText
            return (.receiveShipment(c), ["shipmentId": c.shipmentId])
        case .distributeAid(var c):
            let at = c.distributedAt ?? nowText
            let id = c.distributionId ?? makeID("DS", year(at))
            c.distributionId = id
            c.distributedAt = at
            return (.distributeAid(c), ["distributionId": id])
        case .adjustStock(let c):
            return (.adjustStock(c), ["warehouseId": c.warehouseId, "donationId": c.donationId])
        }
    }

    /// The event's occurredAt for types without a time field of their own.
    func occurredAt(now: Timestamp) -> Timestamp {
        switch self {
        case .registerWarehouse(let c): c.registeredAt.flatMap { Timestamp($0) } ?? now
        case .adjustStock(let c): c.adjustedAt.flatMap { Timestamp($0) } ?? now
        default: now
        }
    }

    /// The expected version of the event's stream: new streams for registrations, donations,
    /// dispatches and distributions; the dispatch alone before a receipt.
    var expectedVersion: ExpectedVersion {
        switch self {
        case .registerWarehouse, .receiveDonation, .dispatchShipment, .distributeAid: .noStream
        case .receiveShipment: .exact(1)
        case .adjustStock: .exists
        }
    }

    /// Decides `command` on the rules' current state (call it inside
    /// `RuleGuard.withCurrentState`): ids and times made when absent, lots chosen
    /// first-in-first-out when absent, every rule checked. Throws `.invalidInput` or
    /// `.ruleViolation` naming the body's field; nothing is decided then.
    public static func decide(_ command: AidLogisticsCommand, rules: AidLogisticsRules, now: Timestamp) throws(EventLogError) -> Decision {
        let (resolved, ids) = command.resolved(now: now) { AidIDs.make($0, year: $1) }
        let events = try AidDecider.decide(resolved, rules.state)
        var proposed: [ProposedEvent] = []
        for e in events {
            proposed.append(try e.proposed(occurredAt: resolved.occurredAt(now: now), expectedVersion: resolved.expectedVersion))
        }
        return Decision(events: proposed, ids: ids, secrets: [:])
    }
}

/// The decision of an aid command (`AidLogisticsCommand.Decision`).
public typealias AidLogisticsDecision = AidLogisticsCommand.Decision

/// Decides an aid command on the rules' current state: `AidLogisticsCommand.decide`.
public func decide(_ command: AidLogisticsCommand, rules: AidLogisticsRules, now: Timestamp) throws(EventLogError) -> AidLogisticsDecision {
    try AidLogisticsCommand.decide(command, rules: rules, now: now)
}
