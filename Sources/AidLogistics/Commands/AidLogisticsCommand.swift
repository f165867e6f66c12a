public import DomainKit
public import EventLog
public import JSON
public import PersonalData

/// The write side of the aid domain for the HTTP API: one case per command.
///
/// The body of a command carries the fields of its event's `data` (see `AidEventType`), with
/// these differences: ids (`warehouseId` of `register-warehouse`, `donationId`, `shipmentId`,
/// `distributionId`) and times (`receivedAt`, `dispatchedAt`, `distributedAt`) may be left out
/// (made by the server: a random id, the current time); `lots` of a line may be left out (taken
/// first-in-first-out, recorded in the event); `lines` of `receive-shipment` may be left out
/// (everything dispatched received in full); `register-warehouse` and `adjust-stock` accept an
/// optional `registeredAt` / `adjustedAt`, used as the event's occurredAt.
public enum AidLogisticsCommand: RuledCommand, Sendable, Hashable {
    case registerWarehouse(RegisterWarehouse)
    case receiveDonation(ReceiveDonation)
    case dispatchShipment(DispatchShipment)
    case receiveShipment(ReceiveShipment)
    case distributeAid(DistributeAid)
    case adjustStock(AdjustStock)
    case declareIncident(DeclareIncident)
    case reportImpact(ReportImpact)
    case registerHousehold(RegisterHousehold)
    case serveHouseholds(ServeHouseholds)
    case requestItems(RequestItems)
    case commitRequest(CommitRequest)
    case cancelRequest(CancelRequest)
    case approveAdjustment(ApproveAdjustment)
    case catalogItem(CatalogItem)
    case setMinimumStock(SetMinimumStock)
    case rejectAdjustment(RejectAdjustment)

    /// The command names, as the HTTP routes use them.
    public static let names = [
        "register-warehouse", "receive-donation", "dispatch-shipment", "receive-shipment", "distribute-aid", "adjust-stock",
        "declare-incident", "report-impact", "register-household", "serve-households", "request-items", "commit-request",
        "cancel-request", "approve-adjustment", "catalog-item", "set-minimum-stock",
        "reject-adjustment",
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
        case .declareIncident: "declare-incident"
        case .reportImpact: "report-impact"
        case .registerHousehold: "register-household"
        case .serveHouseholds: "serve-households"
        case .requestItems: "request-items"
        case .commitRequest: "commit-request"
        case .cancelRequest: "cancel-request"
        case .approveAdjustment: "approve-adjustment"
        case .catalogItem: "catalog-item"
        case .setMinimumStock: "set-minimum-stock"
        case .rejectAdjustment: "reject-adjustment"
        }
    }

    /// The incident the command names (nil when left out).
    public var incidentId: String? {
        switch self {
        case .registerWarehouse(let c): c.incidentId
        case .receiveDonation(let c): c.incidentId
        case .dispatchShipment(let c): c.incidentId
        case .receiveShipment(let c): c.incidentId
        case .distributeAid(let c): c.incidentId
        case .adjustStock(let c): c.incidentId
        case .declareIncident(let c): c.incidentId
        case .reportImpact(let c): c.incidentId
        case .registerHousehold(let c): c.incidentId
        case .serveHouseholds(let c): c.incidentId
        case .requestItems(let c): c.incidentId
        case .commitRequest(let c): c.incidentId
        case .cancelRequest(let c): c.incidentId
        case .approveAdjustment, .catalogItem, .rejectAdjustment: nil
        case .setMinimumStock(let c): c.incidentId
        }
    }

    /// The items the command names (the rules load their catalog entries).
    var itemsNamed: [String] {
        switch self {
        case .receiveDonation(let c): c.items.map(\.item)
        case .dispatchShipment(let c): c.lines.map(\.item)
        case .distributeAid(let c): c.lines.map(\.item)
        case .serveHouseholds(let c): (c.lines ?? []).map(\.item)
        case .requestItems(let c): c.lines.map(\.item)
        case .catalogItem(let c): [c.item]
        case .setMinimumStock(let c): [c.item]
        default: []
        }
    }

    // MARK: Parsing

    /// Parses the body of command `name`. Throws `.invalidInput` naming the field (paths relative
    /// to the body, e.g. `items[0].quantity`), or naming `command` for an unknown name.
    public static func parse(_ name: String, body: JSONValue) throws(EventLogError) -> AidLogisticsCommand {
        guard case .object = body else {
            throw EventLogError(.invalidInput, "body: must be a JSON object", field: "body")
        }
        switch name {
        case "register-warehouse": return .registerWarehouse(try .read(body, root: ""))
        case "receive-donation": return .receiveDonation(try .read(body, root: ""))
        case "dispatch-shipment": return .dispatchShipment(try .read(body, root: ""))
        case "receive-shipment": return .receiveShipment(try .read(body, root: ""))
        case "distribute-aid": return .distributeAid(try .read(body, root: ""))
        case "adjust-stock": return .adjustStock(try .read(body, root: ""))
        case "declare-incident": return .declareIncident(try .read(body, root: ""))
        case "report-impact": return .reportImpact(try .read(body, root: ""))
        case "register-household": return .registerHousehold(try .read(body, root: ""))
        case "request-items": return .requestItems(try .read(body, root: ""))
        case "commit-request": return .commitRequest(try .read(body, root: ""))
        case "cancel-request": return .cancelRequest(try .read(body, root: ""))
        case "serve-households": return .serveHouseholds(try .read(body, root: ""))
        case "approve-adjustment": return .approveAdjustment(try .read(body, root: ""))
        case "catalog-item": return .catalogItem(try .read(body, root: ""))
        case "set-minimum-stock": return .setMinimumStock(try .read(body, root: ""))
        case "reject-adjustment": return .rejectAdjustment(try .read(body, root: ""))
        default:
            throw EventLogError(
                .invalidInput, "command: \(name) is not a command of the aid domain (known: \(names.joined(separator: ", ")))",
                field: "command")
        }
    }

    /// The command that records `event` as it stands: every id, time, lot and line given. The
    /// rules decide an event offered to the log as this command.
    public init(recording event: AidEvent) {
        switch event {
        case .warehouseRegistered(let e):
            self = .registerWarehouse(
                RegisterWarehouse(
                    warehouseId: e.warehouseId, name: e.name, kind: e.kind, kelurahanCode: e.kelurahanCode, incidentId: e.incidentId))
        case .incidentDeclared(let e):
            self = .declareIncident(
                DeclareIncident(
                    incidentId: e.incidentId, name: e.name, kind: e.kind, startedAt: e.startedAt, affectedCodes: e.affectedCodes))
        case .impactReported(let e):
            self = .reportImpact(
                ReportImpact(
                    incidentId: e.incidentId, code: e.code, displaced: e.displaced, households: e.households,
                    damagedHouses: e.damagedHouses, source: e.source, reportedAt: e.reportedAt))
        case .donationReceived(let e):
            self = .receiveDonation(
                ReceiveDonation(
                    donationId: e.donationId, warehouseId: e.warehouseId, donor: e.donor, items: e.items, receivedAt: e.receivedAt,
                    incidentId: e.incidentId))
        case .shipmentDispatched(let e):
            self = .dispatchShipment(
                DispatchShipment(
                    shipmentId: e.shipmentId, fromWarehouseId: e.fromWarehouseId, toWarehouseId: e.toWarehouseId,
                    lines: e.lines.map(RequestedLine.init(recording:)), vehicle: e.vehicle, driver: e.driver, dispatchedAt: e.dispatchedAt,
                    requestId: e.requestId, incidentId: e.incidentId))
        case .shipmentReceived(let e):
            self = .receiveShipment(
                ReceiveShipment(
                    shipmentId: e.shipmentId, lines: e.lines, receivedAt: e.receivedAt, notes: e.notes, incidentId: e.incidentId))
        case .aidDistributed(let e):
            self = .distributeAid(
                DistributeAid(
                    distributionId: e.distributionId, warehouseId: e.warehouseId, kelurahanCode: e.kelurahanCode,
                    lines: e.lines.map(RequestedLine.init(recording:)), households: e.households, people: e.people,
                    distributedAt: e.distributedAt, incidentId: e.incidentId))
        case .stockAdjusted(let e):
            self = .adjustStock(
                AdjustStock(
                    warehouseId: e.warehouseId, item: e.item, unit: e.unit, donationId: e.donationId, quantity: e.quantity,
                    reason: e.reason, incidentId: e.incidentId, adjustmentId: e.adjustmentId, requestedBy: e.requestedBy,
                    needsApproval: e.needsApproval, writeOff: e.writeOff))
        case .householdRegistered(let e):
            self = .registerHousehold(
                RegisterHousehold(
                    householdId: e.householdId, warehouseId: e.warehouseId, kelurahanCode: e.kelurahanCode, kk: .sealed(e.kk),
                    headName: .sealed(e.headName), members: e.members, vulnerable: e.vulnerable, subject: e.subject,
                    registeredAt: e.registeredAt, incidentId: e.incidentId))
        case .itemsRequested(let e):
            self = .requestItems(
                RequestItems(
                    requestId: e.requestId, warehouseId: e.warehouseId, lines: e.lines, priority: e.priority, neededBy: e.neededBy,
                    requestedAt: e.requestedAt, incidentId: e.incidentId))
        case .requestCommitted(let e):
            self = .commitRequest(
                CommitRequest(
                    requestId: e.requestId, fromWarehouseId: e.fromWarehouseId, lines: e.lines, committedAt: e.committedAt,
                    incidentId: e.incidentId))
        case .requestCancelled(let e):
            self = .cancelRequest(
                CancelRequest(requestId: e.requestId, reason: e.reason, cancelledAt: e.cancelledAt, incidentId: e.incidentId))
        case .adjustmentApproved(let e):
            self = .approveAdjustment(
                ApproveAdjustment(adjustmentId: e.adjustmentId, approvedBy: e.approvedBy, approvedAt: e.approvedAt))
        case .itemCataloged(let e):
            self = .catalogItem(
                CatalogItem(
                    item: e.item, name: e.name, category: e.category, baseUnit: e.baseUnit, packs: e.packs, expires: e.expires,
                    catalogedAt: e.catalogedAt))
        case .adjustmentRejected(let e):
            self = .rejectAdjustment(
                RejectAdjustment(adjustmentId: e.adjustmentId, reason: e.reason, rejectedBy: e.rejectedBy, rejectedAt: e.rejectedAt))
        case .minimumStockSet(let e):
            self = .setMinimumStock(
                SetMinimumStock(
                    warehouseId: e.warehouseId, item: e.item, unit: e.unit, minimum: e.minimum, setAt: e.setAt, incidentId: e.incidentId))
        case .householdServed(let e):
            self = .serveHouseholds(
                ServeHouseholds(
                    distributionId: e.distributionId, round: e.round, householdIds: e.householdIds, servedAt: e.servedAt,
                    incidentId: e.incidentId))
        }
    }

    // MARK: Deciding

    /// Fills what the caller left out and only the server can choose: ids (`make(prefix, year)`,
    /// prefixes `WH`, `DN`, `SH`, `DS`, `IC`, `AD`) and times (`now`). Returns the completed command and the
    /// ids it carries, by field name.
    public func resolved(now: Timestamp, makeID: (String, Int) -> String) -> (command: AidLogisticsCommand, ids: [String: String]) {
        let nowText = now.description
        /// The id at `id`, made when absent (`<prefix>-<year of the time at time, or of now>-...`);
        /// the time is set to now when absent and `fillTime`.
        func complete<C>(
            _ c: inout C, _ id: WritableKeyPath<C, String?>, _ prefix: String, time: WritableKeyPath<C, String?>, fillTime: Bool = true
        ) -> String {
            let at = c[keyPath: time] ?? nowText
            if fillTime { c[keyPath: time] = at }
            let made = c[keyPath: id] ?? makeID(prefix, Timestamp(at).map(AidIDs.year(of:)) ?? AidIDs.year(of: now))
            c[keyPath: id] = made
            return made
        }
        switch self {
        case .registerWarehouse(var c):
            let id = complete(&c, \.warehouseId, "WH", time: \.registeredAt, fillTime: false)
            return (.registerWarehouse(c), ["warehouseId": id])
        case .receiveDonation(var c):
            let id = complete(&c, \.donationId, "DN", time: \.receivedAt)
            return (.receiveDonation(c), ["donationId": id])
        case .dispatchShipment(var c):
            let id = complete(&c, \.shipmentId, "SH", time: \.dispatchedAt)
            return (.dispatchShipment(c), ["shipmentId": id])
        case .receiveShipment(var c):
            c.receivedAt = c.receivedAt ?? nowText
            return (.receiveShipment(c), ["shipmentId": c.shipmentId])
        case .distributeAid(var c):
            let id = complete(&c, \.distributionId, "DS", time: \.distributedAt)
            return (.distributeAid(c), ["distributionId": id])
        case .adjustStock(var c):
            let id = complete(&c, \.adjustmentId, "AD", time: \.adjustedAt, fillTime: false)
            return (.adjustStock(c), ["warehouseId": c.warehouseId, "donationId": c.donationId, "adjustmentId": id])
        case .approveAdjustment(var c):
            c.approvedAt = c.approvedAt ?? nowText
            return (.approveAdjustment(c), ["adjustmentId": c.adjustmentId])
        case .rejectAdjustment(var c):
            c.rejectedAt = c.rejectedAt ?? nowText
            return (.rejectAdjustment(c), ["adjustmentId": c.adjustmentId])
        case .catalogItem(var c):
            c.catalogedAt = c.catalogedAt ?? nowText
            return (.catalogItem(c), ["item": c.item])
        case .setMinimumStock(var c):
            c.setAt = c.setAt ?? nowText
            return (.setMinimumStock(c), ["warehouseId": c.warehouseId])
        case .declareIncident(var c):
            let id = complete(&c, \.incidentId, "IC", time: \.startedAt)
            return (.declareIncident(c), ["incidentId": id])
        case .reportImpact(var c):
            c.reportedAt = c.reportedAt ?? nowText
            return (.reportImpact(c), ["incidentId": c.incidentId])
        case .requestItems(var c):
            let id = complete(&c, \.requestId, "RQ", time: \.requestedAt)
            return (.requestItems(c), ["requestId": id])
        case .commitRequest(var c):
            c.committedAt = c.committedAt ?? nowText
            return (.commitRequest(c), ["requestId": c.requestId])
        case .cancelRequest(var c):
            c.cancelledAt = c.cancelledAt ?? nowText
            return (.cancelRequest(c), ["requestId": c.requestId])
        case .registerHousehold(var c):
            let id = complete(&c, \.householdId, "HH", time: \.registeredAt)
            return (.registerHousehold(c), ["householdId": id])
        case .serveHouseholds(var c):
            // A new distribution gets an id; naming the households of a recorded one needs its id.
            let id = c.distributes ? complete(&c, \.distributionId, "DS", time: \.servedAt) : (c.distributionId ?? "")
            c.servedAt = c.servedAt ?? nowText
            return (.serveHouseholds(c), ["distributionId": id])
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
        case .registerWarehouse, .receiveDonation, .dispatchShipment, .distributeAid, .declareIncident, .registerHousehold: .noStream
        case .serveHouseholds(let c): c.distributes ? .noStream : .exact(1)
        case .receiveShipment: .exact(1)
        case .adjustStock, .reportImpact, .commitRequest, .cancelRequest, .approveAdjustment, .setMinimumStock, .rejectAdjustment: .exists
        case .catalogItem: .any
        case .requestItems: .noStream
        }
    }

    /// Decides `command` on the state of what it touches (call it inside
    /// `RuleGuard.withCurrentState`): ids and times made when absent, lots chosen
    /// first-in-first-out when absent, every rule checked. Throws `.invalidInput` or
    /// `.ruleViolation` naming the body's field (`lines[0].quantity`); nothing is decided then.
    public static func decide(_ command: AidLogisticsCommand, rules: AidLogisticsRules, now: Timestamp) throws(EventLogError) -> Decision {
        try decide(command, rules: rules, now: now, vault: nil)
    }

    /// As `decide(_:rules:now:)`, an individual donor's name sealed in `vault` (`sealingDonor`).
    public static func decide(_ command: AidLogisticsCommand, rules: AidLogisticsRules, now: Timestamp, vault: Vault?)
        throws(EventLogError) -> Decision
    {
        var (resolved, ids) = command.resolved(now: now) { AidIDs.make($0, year: $1) }
        if case .receiveDonation(var c) = resolved {
            let donorId: String?
            (c.donor, donorId) = try sealingDonor(c.donor, vault: vault, now: now)
            if let donorId { ids["donorId"] = donorId }
            resolved = .receiveDonation(c)
        }
        if case .registerHousehold(let c) = resolved { resolved = .registerHousehold(try c.sealed(in: vault)) }
        let events: [AidEvent]
        do throws(EventLogError) {
            events = try AidDecider.decide(resolved, try rules.state(touchedBy: resolved))
        } catch {
            throw Self.bodyField(error)
        }
        var proposed: [ProposedEvent] = []
        for (i, e) in events.enumerated() {
            // The events after the first follow it on its stream (a distribution, then its households).
            proposed.append(
                try e.proposed(occurredAt: resolved.occurredAt(now: now), expectedVersion: i == 0 ? resolved.expectedVersion : .any))
        }
        return Decision(events: proposed, ids: ids)
    }

    /// The donor of a `receive-donation` body as the log will hold it, and the donor id to answer:
    /// an individual named in clear (other than `Donor.anonymous`) gets an id when the body has
    /// none (`DR-<year>-...`, to give again with their next donations) and their name sealed in
    /// `vault` under the subject of that id (`Donor.sealed(in:)`). Without a vault such a name is
    /// refused (`donor.name`): it would otherwise reach the log in clear.
    static func sealingDonor(_ donor: Donor, vault: Vault?, now: Timestamp) throws(EventLogError) -> (Donor, String?) {
        guard donor.isIndividual, case .clear(let name) = donor.name, name != Donor.anonymous else { return (donor, donor.id) }
        guard let vault else {
            throw EventLogError(.invalidInput, "donor.name: this domain has no vault to seal personal data in", field: "donor.name")
        }
        var withId = donor
        let id = donor.id ?? AidIDs.make("DR", year: AidIDs.year(of: now))
        withId.id = id
        do {
            return (try withId.sealed(in: vault), id)
        } catch {
            throw EventLogError(.storage, "the vault could not seal the donor's name: \(error)")
        }
    }

    /// The decider's refusal, naming the body's field instead of the event's (`data.` dropped:
    /// a command's body carries its event's data fields).
    static func bodyField(_ error: EventLogError) -> EventLogError { error.namingBodyFields }
}

extension RequestedLine {
    /// A line of an event, its lots given.
    init(recording line: LotLine) {
        self.init(item: line.item, unit: line.unit, quantity: line.quantity, lots: line.lots, reason: line.reason)
    }
}
