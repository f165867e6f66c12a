public import DomainKit
public import EventLog
import MataramReference
import Regions

/// The decider of the aid domain: pure functions from a command and the state of what it touches
/// to events, and from a state and an event to the next state. No storage, no clock, no
/// randomness. `AidLogisticsRules` runs it for every door into the log (an event offered to the
/// log is decided as the command that records it, `AidLogisticsCommand(recording:)`), and
/// `AidLogisticsCommand.decide` for the HTTP commands.
public enum AidDecider: Decider {
    public typealias Command = AidLogisticsCommand
    public typealias Event = AidEvent

    public static let initial = State()

    /// The event of a command whose ids and times are given (see `AidLogisticsCommand.resolved`),
    /// or the rule it breaks. The message and field name the `data.` field of the event and the
    /// numbers involved (`AidLogisticsCommand.decide` reports them as fields of the body).
    ///
    /// - Lines of a dispatch or distribution without `lots` are taken first-in-first-out (by the
    ///   donation's receipt order) from the source's lots, and the lots are recorded in the event.
    /// - `receive-shipment` without `lines` receives every dispatched lot in full.
    ///
    /// Rules: a warehouse registers once, in an existing kelurahan; a donation is received once,
    /// into a registered warehouse; a shipment or distribution never takes more of a lot than the
    /// source holds, and the lots of a line add up to its quantity; a shipment goes to another
    /// registered warehouse, is received once, never more of a lot than was dispatched; a
    /// distribution is recorded once, for an existing kelurahan, and counts at least one person
    /// per household; an adjustment never leaves a lot below zero. Four eyes: an adjustment above
    /// `State.approvalAbove` units is pending (`needsApproval`) and counts only once
    /// `aid.adjustment-approved` names it, written by another key than the adjustment's
    /// (`requestedBy`), once, and only if the lot still holds what it takes out. Items, lots and lines are
    /// listed once per payload (`.invalidInput`); a missing id or time is `.invalidInput` too.
    ///
    /// Households (see `HouseholdDecider.swift`): a household registers once per KK (its subject;
    /// 409 naming the earlier household), in a desa of the area, its vulnerable counts at most its
    /// members; a distribution names its households once, each registered, in its desa, served at
    /// most once per round (409 naming the earlier distribution), their count and members being
    /// the distribution's `households` and `people`.
    public static func decide(_ command: Command, _ state: State) throws(EventLogError) -> [Event] {
        var s = state
        var out: [Event] = []
        for event in try events(of: command, state) {
            try check(event, s)
            s = evolve(s, event)
            out.append(event)
        }
        return out
    }

    /// Applies an event already decided (or read from the log). Never fails: an event that a
    /// rule would refuse is folded as well as it can be (it can only be in the log if it was
    /// written without the rules).
    public static func evolve(_ state: State, _ event: Event) -> State {
        var receiptOf: Shipment?
        if case .shipmentReceived(let r) = event { receiptOf = state.shipments[r.shipmentId] }
        var s = state.evolvingRequests(event, shipment: receiptOf)
        switch event {
        case .itemsRequested, .requestCommitted, .requestCancelled:
            break
        case .warehouseRegistered(let e):
            s.warehouses[e.warehouseId] = Warehouse(name: e.name, kind: e.kind, kelurahanCode: e.kelurahanCode)
        case .incidentDeclared(let e):
            s.incidents[e.incidentId] = Incident(name: e.name, kind: e.kind, affectedCodes: e.affectedCodes)
        case .impactReported:
            break
        case .donationReceived(let e):
            var items: [Item: Int] = [:]
            var expiry: [Item: CivilDate] = [:]
            for i in e.items {
                items[Item(item: i.item, unit: i.unit), default: 0] += i.quantity
                if let day = i.expiresOn.flatMap({ CivilDate($0) }) { expiry[Item(item: i.item, unit: i.unit)] = day }
            }
            s.donationCount += 1
            s.donations[e.donationId] = Donation(
                warehouseId: e.warehouseId, sequence: s.donationCount,
                donorName: e.donor.name.clearText ?? e.donor.subject ?? Donor.anonymous, items: items, incidentId: e.incidentId,
                expiry: expiry)
            for (item, q) in items { s.add(q, to: LotKey(warehouseId: e.warehouseId, item: item, donationId: e.donationId)) }
        case .shipmentDispatched(let e):
            var lots: [LotKey: Int] = [:]
            for line in e.lines {
                for lot in line.lots {
                    let key = LotKey(
                        warehouseId: e.fromWarehouseId, item: Item(item: line.item, unit: line.unit), donationId: lot.donationId)
                    lots[key, default: 0] += lot.quantity
                    s.add(-lot.quantity, to: key)
                }
            }
            s.shipments[e.shipmentId] = Shipment(
                fromWarehouseId: e.fromWarehouseId, toWarehouseId: e.toWarehouseId, lots: lots, received: false,
                incidentId: e.incidentId, requestId: e.requestId)
        case .shipmentReceived(let e):
            guard let shipment = s.shipments[e.shipmentId] else { return s }
            s.shipments[e.shipmentId] = Shipment(
                fromWarehouseId: shipment.fromWarehouseId, toWarehouseId: shipment.toWarehouseId, lots: [:], received: true,
                incidentId: shipment.incidentId, requestId: shipment.requestId)
            for line in e.lines {
                s.add(
                    line.quantity,
                    to: LotKey(
                        warehouseId: shipment.toWarehouseId, item: Item(item: line.item, unit: line.unit), donationId: line.donationId))
            }
        case .aidDistributed(let e):
            s.distributions.insert(e.distributionId)
            for line in e.lines {
                for lot in line.lots {
                    s.add(
                        -lot.quantity,
                        to: LotKey(warehouseId: e.warehouseId, item: Item(item: line.item, unit: line.unit), donationId: lot.donationId))
                }
            }
        case .stockAdjusted(let e):
            if e.isPending, let id = e.adjustmentId {
                s.adjustments[id] = Adjustment(
                    warehouseId: e.warehouseId, item: e.item, unit: e.unit, donationId: e.donationId, quantity: e.quantity,
                    reason: e.reason, requestedBy: e.requestedBy, incidentId: e.incidentId, writeOff: e.writeOff)
            } else {
                s.add(e.quantity, to: LotKey(warehouseId: e.warehouseId, item: Item(item: e.item, unit: e.unit), donationId: e.donationId))
            }
        case .adjustmentApproved(let e):
            // The pending adjustment counts from its approval, as it was recorded.
            guard var a = s.adjustments[e.adjustmentId], a.approvedBy == nil else { return s }
            a.approvedBy = e.approvedBy
            s.adjustments[e.adjustmentId] = a
            s.add(a.quantity, to: LotKey(warehouseId: a.warehouseId, item: Item(item: a.item, unit: a.unit), donationId: a.donationId))
        case .householdRegistered, .householdServed:
            s.evolveHousehold(event)
        case .itemCataloged(let e):
            if s.catalog[e.item] == nil { s.catalogSize += 1 }
            s.catalog[e.item] = CatalogEntry(
                name: e.name, category: e.category, baseUnit: e.baseUnit, packs: e.packs ?? [], expires: e.expires)
        case .minimumStockSet:
            break
        case .adjustmentRejected(let e):
            guard var a = s.adjustments[e.adjustmentId], a.approvedBy == nil, a.rejectedBy == nil else { return s }
            a.rejectedBy = e.rejectedBy
            s.adjustments[e.adjustmentId] = a
        }
        if case .aidDistributed(let e) = event {
            s.distributionRecords[e.distributionId] = DistributionRecord(
                warehouseId: e.warehouseId, kelurahanCode: e.kelurahanCode, households: e.households, people: e.people, round: nil,
                incidentId: e.incidentId)
        }
        return s
    }

    // MARK: The event of a command

    /// The event `command` asks for, with the lots and lines it left out filled in from `state`.
    static func event(of command: Command, _ state: State) throws(EventLogError) -> AidEvent {
        switch command {
        case .registerHousehold, .serveHouseholds:
            return try events(of: command, state)[0]
        case .requestItems, .commitRequest, .cancelRequest:
            guard let e = try requestEvent(of: command, state) else { throw invalid("command", "not a request command") }
            return e
        case .registerWarehouse(let c):
            return .warehouseRegistered(
                WarehouseRegistered(
                    warehouseId: try need(c.warehouseId, "warehouseId"), name: c.name, kind: c.kind, kelurahanCode: c.kelurahanCode,
                    incidentId: c.incidentId))
        case .declareIncident(let c):
            return .incidentDeclared(
                IncidentDeclared(
                    incidentId: try need(c.incidentId, "incidentId"), name: c.name, kind: c.kind,
                    startedAt: try need(c.startedAt, "startedAt"), affectedCodes: c.affectedCodes))
        case .reportImpact(let c):
            return .impactReported(
                ImpactReported(
                    incidentId: c.incidentId, code: c.code, displaced: c.displaced, households: c.households,
                    damagedHouses: c.damagedHouses, source: c.source, reportedAt: try need(c.reportedAt, "reportedAt")))
        case .receiveDonation(let c):
            return .donationReceived(
                DonationReceived(
                    donationId: try need(c.donationId, "donationId"), warehouseId: c.warehouseId, donor: c.donor, items: c.items,
                    receivedAt: try need(c.receivedAt, "receivedAt"), incidentId: c.incidentId))
        case .dispatchShipment(let c):
            return .shipmentDispatched(
                ShipmentDispatched(
                    shipmentId: try need(c.shipmentId, "shipmentId"), fromWarehouseId: c.fromWarehouseId, toWarehouseId: c.toWarehouseId,
                    lines: try fill(c.lines, at: c.fromWarehouseId, for: c.incidentId, on: day(of: c.dispatchedAt), state),
                    vehicle: c.vehicle, driver: c.driver, dispatchedAt: try need(c.dispatchedAt, "dispatchedAt"), requestId: c.requestId,
                    incidentId: c.incidentId))
        case .receiveShipment(let c):
            var lines = c.lines
            if lines == nil, let s = state.shipments[c.shipmentId], !s.received {
                lines = s.lots.sorted {
                    (state.sequence(of: $0.key.donationId), $0.key.item) < (state.sequence(of: $1.key.donationId), $1.key.item)
                }
                .map { ReceivedLine(item: $0.key.item.item, unit: $0.key.item.unit, donationId: $0.key.donationId, quantity: $0.value) }
            }
            return .shipmentReceived(
                ShipmentReceived(
                    shipmentId: c.shipmentId, lines: lines ?? [], receivedAt: try need(c.receivedAt, "receivedAt"), notes: c.notes ?? "",
                    incidentId: c.incidentId ?? state.shipments[c.shipmentId]?.incidentId))
        case .distributeAid(let c):
            let lines = try fill(c.lines, at: c.warehouseId, for: c.incidentId, on: day(of: c.distributedAt), state)
            return .aidDistributed(
                AidDistributed(
                    distributionId: try need(c.distributionId, "distributionId"), warehouseId: c.warehouseId,
                    kelurahanCode: c.kelurahanCode, lines: lines, households: c.households, people: c.people,
                    distributedAt: try need(c.distributedAt, "distributedAt"), incidentId: c.incidentId))
        case .adjustStock(let c):
            // Four eyes: above the threshold (or when asked), the adjustment waits for approval.
            let pending = c.needsApproval == true || c.quantity.magnitude > UInt(max(0, state.approvalAbove))
            return .stockAdjusted(
                StockAdjusted(
                    warehouseId: c.warehouseId, item: c.item, unit: c.unit, donationId: c.donationId, quantity: c.quantity,
                    reason: c.reason, incidentId: c.incidentId ?? state.donations[c.donationId]?.incidentId,
                    adjustmentId: c.adjustmentId, needsApproval: pending ? true : nil, requestedBy: c.requestedBy, writeOff: c.writeOff))
        case .approveAdjustment(let c):
            guard let a = state.adjustments[c.adjustmentId] else {
                throw violation("adjustmentId", "no adjustment \(c.adjustmentId) awaits approval (none was recorded as pending)")
            }
            return .adjustmentApproved(
                AdjustmentApproved(
                    adjustmentId: c.adjustmentId, warehouseId: a.warehouseId, item: a.item, unit: a.unit, donationId: a.donationId,
                    quantity: a.quantity, reason: a.reason, approvedBy: try need(c.approvedBy, "approvedBy"),
                    approvedAt: try need(c.approvedAt, "approvedAt"), incidentId: a.incidentId, writeOff: a.writeOff))
        case .rejectAdjustment(let c):
            guard let a = state.adjustments[c.adjustmentId] else {
                throw violation("adjustmentId", "no adjustment \(c.adjustmentId) awaits approval (none was recorded as pending)")
            }
            return .adjustmentRejected(
                AdjustmentRejected(
                    adjustmentId: c.adjustmentId, warehouseId: a.warehouseId, reason: c.reason,
                    rejectedBy: try need(c.rejectedBy, "rejectedBy"),
                    rejectedAt: try need(c.rejectedAt, "rejectedAt"), incidentId: a.incidentId))
        case .catalogItem(let c):
            return .itemCataloged(
                ItemCataloged(
                    item: c.item, name: c.name, category: c.category, baseUnit: c.baseUnit, packs: c.packs, expires: c.expires,
                    catalogedAt: try need(c.catalogedAt, "catalogedAt")))
        case .setMinimumStock(let c):
            return .minimumStockSet(
                MinimumStockSet(
                    warehouseId: c.warehouseId, item: c.item, unit: c.unit, minimum: c.minimum, setAt: try need(c.setAt, "setAt"),
                    incidentId: c.incidentId))
        }
    }

    /// The day (in WITA, where the city's days begin) of an RFC 3339 time; nil when absent or
    /// unreadable (the payload's rules refuse it).
    static func day(of time: String?) -> CivilDate? {
        time.flatMap { Timestamp($0) }.map { CivilDate($0, offsetHours: CivilDate.witaOffsetHours) }
    }

    /// Whether `item` of lot `donationId` expired before `day` (its expiry date is the last day it
    /// may be handed out).
    static func expired(_ donationId: String, _ item: Item, on day: CivilDate?, _ state: State) -> Bool {
        guard let day, let expiry = state.expiry(of: donationId, item) else { return false }
        return expiry < day
    }

    /// Lines with their lots: as given, or first-expiry-first-out then first-in-first-out from
    /// `warehouseId`'s stock of the lots given for `incidentId` (and lots from before incidents)
    /// that have not expired by `day`. A line asking for more than the warehouse holds of the item
    /// for the incident is refused here, naming the total; an unknown warehouse is left to `check`.
    static func fill(
        _ lines: [RequestedLine], at warehouseId: String, for incidentId: String?, on day: CivilDate?, _ state: State
    ) throws(EventLogError) -> [LotLine] {
        var taken: [LotKey: Int] = [:]
        var out: [LotLine] = []
        for (i, line) in lines.enumerated() {
            if let lots = line.lots {
                out.append(LotLine(item: line.item, unit: line.unit, quantity: line.quantity, lots: lots, reason: line.reason))
                continue
            }
            guard state.warehouses[warehouseId] != nil else {
                out.append(LotLine(item: line.item, unit: line.unit, quantity: line.quantity, lots: [], reason: line.reason))
                continue
            }
            let item = Item(item: line.item, unit: line.unit)
            var remaining = line.quantity
            var lots: [LotQuantity] = []
            var available = 0
            var expiredQuantity = 0
            for lot in state.lots(at: warehouseId, item) where state.lot(lot.donationId, serves: incidentId) {
                if expired(lot.donationId, item, on: day, state) {
                    expiredQuantity += lot.quantity
                    continue
                }
                let key = LotKey(warehouseId: warehouseId, item: item, donationId: lot.donationId)
                let free = lot.quantity - (taken[key] ?? 0)
                guard free > 0 else { continue }
                available += free
                guard remaining > 0 else { continue }
                let q = min(free, remaining)
                lots.append(LotQuantity(donationId: lot.donationId, quantity: q))
                taken[key, default: 0] += q
                remaining -= q
            }
            guard remaining == 0 else {
                throw violation(
                    "lines[\(i)].quantity",
                    "\(line.quantity) \(line.unit) of \(line.item) exceeds the \(available) on hand at \(warehouseId) (all lots\(incidentId.map { " given for incident \($0)" } ?? ""))\(expiredQuantity > 0 ? "; \(expiredQuantity) more lie in lots that have expired" : "")"
                )
            }
            out.append(LotLine(item: line.item, unit: line.unit, quantity: line.quantity, lots: lots, reason: line.reason))
        }
        return out
    }

    static func need(_ value: String?, _ field: String) throws(EventLogError) -> String {
        guard let value else { throw invalid(field, "is required") }
        return value
    }

    // MARK: Helpers of the rules

    /// `.ruleViolation` naming `data.<field>`.
    static func violation(_ field: String, _ message: String) -> EventLogError {
        EventLogError(.ruleViolation, "data.\(field): \(message)", field: "data.\(field)")
    }

    /// `.invalidInput` naming `data.<field>` (what the payload lists twice).
    static func invalid(_ field: String, _ message: String) -> EventLogError {
        EventLogError(.invalidInput, "data.\(field): \(message)", field: "data.\(field)")
    }
}

// MARK: - The rules

extension AidDecider {
    /// Whether `event` may enter the log on `state` (see `decide` for the rules).
    static func check(_ event: AidEvent, _ state: State) throws(EventLogError) {
        try checkEvent(event, state)
        try checkIncident(of: event, state)
    }

    /// The rules of each event but its incident's.
    static func checkEvent(_ event: AidEvent, _ state: State) throws(EventLogError) {
        switch event {
        case .incidentDeclared(let e):
            guard state.incidents[e.incidentId] == nil else {
                throw violation("incidentId", "incident \(e.incidentId) is already declared; an incident is declared once")
            }
            var seen: [String: Int] = [:]
            for (i, code) in e.affectedCodes.enumerated() {
                if let j = seen[code] {
                    throw invalid("affectedCodes[\(i)]", "\(code) is already in affectedCodes[\(j)]; list each code once")
                }
                seen[code] = i
                try checkArea(code, "affectedCodes[\(i)]", state.area)
            }

        case .impactReported(let e):
            try checkArea(e.code, "code", state.area)
            if let incident = state.incidents[e.incidentId], !incident.covers(e.code) {
                throw violation(
                    "code",
                    "\(e.code) lies outside the areas incident \(e.incidentId) affects (\(incident.affectedCodes.joined(separator: ", ")))")
            }
        case .householdRegistered, .householdServed:
            try checkHousehold(event, state)
        case .itemsRequested(let e):
            for (i, line) in e.lines.enumerated() {
                if line.expiresOn != nil { throw invalid("lines[\(i)].expiresOn", "a request's line carries no expiry date") }
                try checkCataloged(line.item, line.unit, "lines[\(i)]", state)
            }
            try checkRequest(event, state)
        case .requestCommitted, .requestCancelled:
            try checkRequest(event, state)

        case .adjustmentRejected(let e):
            let a = try undecided(e.adjustmentId, by: e.rejectedBy, field: "rejectedBy", state)
            guard e.warehouseId == a.warehouseId else {
                throw violation("warehouseId", "adjustment \(e.adjustmentId) is of \(a.warehouseId), not \(e.warehouseId)")
            }

        case .itemCataloged(let e):
            guard state.catalog[e.item] == nil else {
                throw violation("item", "\(e.item) is already in the catalog; an item is cataloged once")
            }
            var units = [e.baseUnit: -1]
            for (i, pack) in (e.packs ?? []).enumerated() {
                if let j = units[pack.unit] {
                    throw invalid(
                        "packs[\(i)].unit",
                        j < 0 ? "\(pack.unit) is the base unit; a pack is a larger unit" : "\(pack.unit) is already in packs[\(j)]")
                }
                units[pack.unit] = i
            }

        case .minimumStockSet(let e):
            try requireWarehouse(state, e.warehouseId, "warehouseId")
            try checkCataloged(e.item, e.unit, "", state)

        case .warehouseRegistered(let e):
            guard state.warehouses[e.warehouseId] == nil else {
                throw violation("warehouseId", "warehouse \(e.warehouseId) is already registered; a warehouse registers once")
            }
            try checkKelurahan(e.kelurahanCode, "kelurahanCode", state.area)

        case .donationReceived(let e):
            guard state.donations[e.donationId] == nil else {
                throw violation("donationId", "donation \(e.donationId) is already received; a donation (a lot) is received once")
            }
            try requireWarehouse(state, e.warehouseId, "warehouseId")
            try requireDistinct(e.items.map { ($0.item, $0.unit) }, "items")
            try checkExpiry(e, state)

        case .shipmentDispatched(let e):
            guard state.shipments[e.shipmentId] == nil else {
                throw violation("shipmentId", "shipment \(e.shipmentId) is already dispatched; a shipment is dispatched once")
            }
            try requireWarehouse(state, e.fromWarehouseId, "fromWarehouseId")
            try requireWarehouse(state, e.toWarehouseId, "toWarehouseId")
            guard e.fromWarehouseId != e.toWarehouseId else {
                throw violation("toWarehouseId", "a shipment must go to another warehouse than \(e.fromWarehouseId)")
            }
            try checkLines(e.lines, state, from: e.fromWarehouseId, for: e.incidentId, on: day(of: e.dispatchedAt), "lines")
            try checkRequest(event, state)

        case .shipmentReceived(let e):
            guard let s = state.shipments[e.shipmentId] else {
                throw violation("shipmentId", "shipment \(e.shipmentId) was never dispatched")
            }
            guard !s.received else {
                throw violation("shipmentId", "shipment \(e.shipmentId) is already received; a shipment is received once")
            }
            if let given = s.incidentId, let named = e.incidentId, given != named {
                throw violation("incidentId", "shipment \(e.shipmentId) was dispatched for incident \(given), not \(named)")
            }
            var seen: [LotKey: Int] = [:]
            for (i, line) in e.lines.enumerated() {
                let item = Item(item: line.item, unit: line.unit)
                let key = LotKey(warehouseId: s.fromWarehouseId, item: item, donationId: line.donationId)
                if let j = seen[key] {
                    throw invalid(
                        ("lines[\(i)]"), "\(item) from lot \(line.donationId) is already in lines[\(j)]; list each lot once")
                }
                seen[key] = i
                guard let dispatched = s.lots[key] else {
                    throw violation(
                        ("lines[\(i)]"), "shipment \(e.shipmentId) carried no \(item) from lot \(line.donationId)")
                }
                guard line.quantity <= dispatched else {
                    throw violation(
                        ("lines[\(i)].quantity"),
                        "\(line.quantity) \(line.unit) of \(line.item) from lot \(line.donationId) exceeds the \(dispatched) dispatched in shipment \(e.shipmentId)"
                    )
                }
            }

        case .aidDistributed(let e):
            guard !state.distributions.contains(e.distributionId) else {
                throw violation("distributionId", "distribution \(e.distributionId) is already recorded")
            }
            try requireWarehouse(state, e.warehouseId, "warehouseId")
            try checkKelurahan(e.kelurahanCode, "kelurahanCode", state.area)
            guard e.people >= e.households else {
                throw violation("people", "\(e.people) people in \(e.households) households: every household has at least one person")
            }
            try checkLines(e.lines, state, from: e.warehouseId, for: e.incidentId, on: day(of: e.distributedAt), "lines")

        case .stockAdjusted(let e):
            try requireWarehouse(state, e.warehouseId, "warehouseId")
            let item = Item(item: e.item, unit: e.unit)
            guard let d = state.donations[e.donationId] else {
                throw violation("donationId", "no donation (lot) \(e.donationId) was received")
            }
            guard d.items[item] != nil else {
                throw violation("item", "lot \(e.donationId) holds no \(item)")
            }
            guard state.lot(e.donationId, serves: e.incidentId) else {
                throw violation(
                    "incidentId", "lot \(e.donationId) was given for incident \(d.incidentId ?? "-"), not \(e.incidentId ?? "-")")
            }
            if e.isWriteOff, e.quantity > 0 {
                throw violation("quantity", "a write-off takes stock out: \(e.quantity) must be negative")
            }
            let have = state.onHand(at: e.warehouseId, item, lot: e.donationId)
            guard have + e.quantity >= 0 else {
                throw violation(
                    ("quantity"),
                    "taking \(-e.quantity) \(e.unit) of \(e.item) of lot \(e.donationId) out of \(e.warehouseId) would leave \(have + e.quantity): only \(have) on hand"
                )
            }
            if let id = e.adjustmentId, state.adjustments[id] != nil {
                throw violation("adjustmentId", "adjustment \(id) is already recorded; an adjustment is recorded once")
            }
            if e.isPending {
                guard e.adjustmentId != nil else { throw invalid("adjustmentId", "is required with needsApproval") }
                guard e.requestedBy != nil else {
                    throw invalid("requestedBy", "is required with needsApproval: the key that writes the adjustment")
                }
            } else if e.quantity.magnitude > UInt(max(0, state.approvalAbove)) {
                throw violation(
                    "needsApproval",
                    "an adjustment of \(e.quantity) \(e.unit) is above the \(state.approvalAbove) that count without a second officer's approval: write it with needsApproval true, an adjustmentId and requestedBy (adjust-stock does)"
                )
            }

        case .adjustmentApproved(let e):
            let a = try undecided(e.adjustmentId, by: e.approvedBy, field: "approvedBy", state)
            let have = state.onHand(at: a.warehouseId, Item(item: a.item, unit: a.unit), lot: a.donationId)
            guard have + a.quantity >= 0 else {
                throw violation(
                    "quantity",
                    "approving adjustment \(e.adjustmentId) would take \(-a.quantity) \(a.unit) of \(a.item) of lot \(a.donationId) out of \(a.warehouseId), leaving \(have + a.quantity): only \(have) on hand now"
                )
            }
        }
    }

    /// The pending adjustment `id` that `decider` (named in `field`) may approve or reject: one was
    /// recorded pending, neither approved nor rejected yet, and written by another key (four eyes).
    static func undecided(_ id: String, by decider: String, field: String, _ state: State) throws(EventLogError) -> Adjustment {
        guard let a = state.adjustments[id] else {
            throw violation("adjustmentId", "no adjustment \(id) awaits approval (none was recorded as pending)")
        }
        if let by = a.approvedBy {
            throw violation("adjustmentId", "adjustment \(id) is already approved (by \(by)); an adjustment is decided once")
        }
        if let by = a.rejectedBy {
            throw violation(
                "adjustmentId", "adjustment \(id) is already rejected: it was rejected (by \(by)); an adjustment is decided once")
        }
        if let by = a.requestedBy, by == decider {
            throw violation(field, "\(by) wrote adjustment \(id); a second officer (another key) must decide on it")
        }
        return a
    }

    /// Lines of a dispatch or distribution: cataloged items, distinct items, distinct lots per
    /// line, lots adding up to the line, never more of a lot than `warehouseId` holds, no lot
    /// expired by `day`, and first-expiry-first-out (`checkExpiryOrder`).
    static func checkLines(
        _ lines: [LotLine], _ state: State, from warehouseId: String, for incidentId: String?, on day: CivilDate?, _ field: String
    ) throws(EventLogError) {
        try requireDistinct(lines.map { ($0.item, $0.unit) }, field)
        for (i, line) in lines.enumerated() {
            try checkCataloged(line.item, line.unit, "\(field)[\(i)]", state)
            let item = Item(item: line.item, unit: line.unit)
            var lotsSeen: [String: Int] = [:]
            var sum = 0
            for (k, lot) in line.lots.enumerated() {
                if let j = lotsSeen[lot.donationId] {
                    throw invalid(
                        "\(field)[\(i)].lots[\(k)].donationId", "lot \(lot.donationId) is already in lots[\(j)]; list each lot once")
                }
                lotsSeen[lot.donationId] = k
                sum += lot.quantity
            }
            guard sum == line.quantity else {
                throw violation(
                    "\(field)[\(i)].lots",
                    "the lots add up to \(sum) \(line.unit) of \(line.item), not the line's quantity \(line.quantity)")
            }
            for (k, lot) in line.lots.enumerated() {
                guard state.donations[lot.donationId] != nil else {
                    throw violation("\(field)[\(i)].lots[\(k)].donationId", "no donation (lot) \(lot.donationId) was received")
                }
                guard state.lot(lot.donationId, serves: incidentId) else {
                    throw violation(
                        "\(field)[\(i)].lots[\(k)].donationId",
                        "lot \(lot.donationId) was given for incident \(state.donations[lot.donationId]?.incidentId ?? "-"), not \(incidentId ?? "-")"
                    )
                }
                let have = state.onHand(at: warehouseId, item, lot: lot.donationId)
                guard lot.quantity <= have else {
                    throw violation(
                        "\(field)[\(i)].lots[\(k)].quantity",
                        "\(lot.quantity) \(line.unit) of \(line.item) from lot \(lot.donationId) exceeds the \(have) on hand at \(warehouseId)"
                    )
                }
                if expired(lot.donationId, item, on: day, state), let expiry = state.expiry(of: lot.donationId, item) {
                    throw violation(
                        "\(field)[\(i)].lots[\(k)].donationId",
                        "\(item) of lot \(lot.donationId) expired on \(expiry); it may not be handed out: write it off (adjust-stock with writeOff)"
                    )
                }
            }
            try checkExpiryOrder(line, "\(field)[\(i)]", state, at: warehouseId, for: incidentId, on: day)
        }
    }

    /// First-expiry-first-out: unless the line gives a `reason`, no lot of its item that expires
    /// earlier than a lot it takes (serving the incident, not yet expired) may keep stock the
    /// line leaves behind. The refusal names the later lot, the earlier one and what it holds.
    static func checkExpiryOrder(
        _ line: LotLine, _ field: String, _ state: State, at warehouseId: String, for incidentId: String?, on day: CivilDate?
    ) throws(EventLogError) {
        guard line.reason == nil else { return }
        let item = Item(item: line.item, unit: line.unit)
        let taken = Dictionary(line.lots.map { ($0.donationId, $0.quantity) }, uniquingKeysWith: +)
        func order(_ id: String) -> Int { state.expiry(of: id, item)?.days ?? .max }
        guard let (k, latest) = line.lots.enumerated().max(by: { order($0.element.donationId) < order($1.element.donationId) })
        else { return }
        let latestDays = order(latest.donationId)
        for lot in state.lots(at: warehouseId, item)
        where order(lot.donationId) < latestDays && state.lot(lot.donationId, serves: incidentId)
            && !expired(lot.donationId, item, on: day, state)
        {
            let left = lot.quantity - (taken[lot.donationId] ?? 0)
            guard left > 0, let earlier = state.expiry(of: lot.donationId, item) else { continue }
            let later = state.expiry(of: latest.donationId, item).map { "expires on \($0)" } ?? "does not expire"
            throw violation(
                "\(field).lots[\(k)].donationId",
                "lot \(latest.donationId) of \(item) \(later), but lot \(lot.donationId) expires earlier (\(earlier)) and still holds \(left) \(line.unit) at \(warehouseId): take it first (first-expiry-first-out), or give \(field).reason"
            )
        }
    }

    /// Once the catalog holds an item (`State.hasCatalog`), `item` must be in it and `unit` its
    /// base unit or one of its packs (naming `<field>.item` or `<field>.unit`).
    static func checkCataloged(_ item: String, _ unit: String, _ field: String, _ state: State) throws(EventLogError) {
        guard state.hasCatalog else { return }
        let at = field.isEmpty ? "" : field + "."
        guard let entry = state.catalog[item] else {
            throw violation(
                "\(at)item", "\(item) is not in the item catalog: use a cataloged item, or catalog it first (aid.item-cataloged)")
        }
        guard entry.units.contains(unit) else {
            throw violation("\(at)unit", "\(item) is counted in \(entry.units.joined(separator: " or ")), not \(unit)")
        }
    }

    /// A donation's items: cataloged, and each with an expiry date exactly when the catalog says
    /// it expires (without a catalog, any item may carry one), never one that passed before the
    /// donation was received.
    static func checkExpiry(_ e: DonationReceived, _ state: State) throws(EventLogError) {
        let received = day(of: e.receivedAt)
        for (i, line) in e.items.enumerated() {
            try checkCataloged(line.item, line.unit, "items[\(i)]", state)
            let expires = state.catalog[line.item]?.expires
            switch (line.expiresOn.flatMap { CivilDate($0) }, expires) {
            case (nil, true?):
                throw violation(
                    "items[\(i)].expiresOn", "is required: \(line.item) expires (item catalog), so each lot records its expiry date")
            case (.some, false?):
                throw violation("items[\(i)].expiresOn", "\(line.item) does not expire (item catalog); leave expiresOn out")
            case (let day?, _):
                if let received, day < received {
                    throw violation(
                        "items[\(i)].expiresOn", "\(line.item) expired on \(day), before the donation was received (\(received))")
                }
            default:
                break
            }
        }
    }

    /// Each (item, unit) of `field` listed once (`.invalidInput` naming the second, and the first).
    static func requireDistinct(_ items: [(item: String, unit: String)], _ field: String) throws(EventLogError) {
        var seen: [Item: Int] = [:]
        for (i, line) in items.enumerated() {
            let item = Item(item: line.item, unit: line.unit)
            if let j = seen[item] {
                throw invalid("\(field)[\(i)]", "\(item) is already in \(field)[\(j)]; list each item and unit once")
            }
            seen[item] = i
        }
    }

    /// Every aid event but a declaration names a declared incident (`incidentId`).
    static func checkIncident(of event: AidEvent, _ state: State) throws(EventLogError) {
        switch event {
        // The catalog and minimum stock hold across incidents.
        case .incidentDeclared, .itemCataloged: return
        case .minimumStockSet(let e) where e.incidentId == nil: return
        default: break
        }
        guard let id = event.incidentId else {
            throw invalid("incidentId", "is required: name the incident this aid answers (declared by aid.incident-declared)")
        }
        guard state.incidents[id] != nil else {
            throw violation("incidentId", "incident \(id) is not declared; declare it first (aid.incident-declared)")
        }
    }

    /// `code` is a Kepmendagri code (of any level) inside the deployment's `area`.
    static func checkArea(_ code: String, _ field: String, _ area: ServiceArea) throws(EventLogError) {
        if area == .mataram, code == ServiceArea.defaultCode || Mataram.kelurahan(code: code) != nil { return }
        do {
            _ = try area.check(code)
        } catch {
            throw violation(field, error.description)
        }
    }

    static func requireWarehouse(_ state: State, _ id: String, _ field: String) throws(EventLogError) {
        guard state.warehouses[id] != nil else {
            throw violation(field, "warehouse \(id) is not registered; register it first (aid.warehouse-registered)")
        }
    }

    /// `code` names a desa/kelurahan of the Kepmendagri table inside the deployment's `area`.
    static func checkKelurahan(_ code: String, _ field: String, _ area: ServiceArea) throws(EventLogError) {
        // Kota Mataram's own 50 answer without loading the national table.
        if area == .mataram, Mataram.kelurahan(code: code) != nil { return }
        if let why = area.villageRefusal(code) { throw violation(field, why) }
    }
}
