public import DomainKit
public import EventLog
import Projections
public import Regions

/// The rules of the aid domain, run for every door into the log (commands, raw appends,
/// imports) by a `RuleGuard`.
///
/// Contract (see `DomainRules`): `owns` every `aid.` type; `admit` refuses unknown `aid.` types
/// and payloads that do not fit their schema (`.invalidInput`), events off their own stream or
/// whose occurredAt differs from the payload's time (`.invalidInput`), and whatever
/// `AidDecider.decide` refuses for the command that records the event; it leaves the state
/// unchanged when it throws, and otherwise stores the state the event leaves. `evolve` folds an
/// event already in the log and skips what it cannot read.
///
/// The state is kept per aggregate in the log's decision state (`DecisionTable`s under `aid/`):
/// warehouses, donations (lots), the lots on hand per warehouse and item, shipments,
/// distributions, and the count of donations. Each event loads what it touches
/// (`state(touchedBy:)`), the decider decides and evolves that, and what changed is stored back,
/// in whatever `decisions` the `RuleGuard` set for the call.
///
/// Not thread-safe by itself: the `RuleGuard` that holds it serializes every call (`check`,
/// `withCurrentState`); read the state only inside `RuleGuard.withCurrentState`.
public final class AidLogisticsRules: DomainRules, @unchecked Sendable {
    public var decisions = DecisionState.empty
    private let warehouses = DecisionTable<AidDecider.Warehouse>(domain: AidLogisticsDomain.name, table: "warehouse")
    private let donations = DecisionTable<AidDecider.Donation>(domain: AidLogisticsDomain.name, table: "donation")
    /// Each lot's stock on hand at a place, one key per lot:
    /// `<warehouseId> NUL <item> NUL <unit> NUL <expiry YYYYMMDD, or 99999999> NUL <receipt order,
    /// 16 digits> NUL <donationId>`, so that a place's lots come first-expiry-first-out, then
    /// first-in-first-out, in key order, and a command reads only the lots it takes, however many
    /// lie there.
    private let lots = DecisionTable<Int>(domain: AidLogisticsDomain.name, table: "lot")
    private let shipments = DecisionTable<AidDecider.Shipment>(domain: AidLogisticsDomain.name, table: "shipment")
    private let distributions = DecisionTable<Bool>(domain: AidLogisticsDomain.name, table: "distribution")
    /// `donations`: the count of donations received.
    private let counters = DecisionTable<Int>(domain: AidLogisticsDomain.name, table: "counter")
    private let incidents = DecisionTable<AidDecider.Incident>(domain: AidLogisticsDomain.name, table: "incident")
    private let requests = DecisionTable<AidDecider.Request>(domain: AidLogisticsDomain.name, table: "request")
    /// Registered households by id; the household of each subject (`<subject>`: a KK registers once).
    private let households = DecisionTable<AidDecider.Household>(domain: AidLogisticsDomain.name, table: "household")
    private let householdSubjects = DecisionTable<String>(domain: AidLogisticsDomain.name, table: "household-subject")
    /// The distribution that served a household in a round: `<round> NUL <householdId>`.
    private let served = DecisionTable<String>(domain: AidLogisticsDomain.name, table: "served")
    /// Each distribution's warehouse, desa and counts, and the round it named households in.
    private let distributionRecords = DecisionTable<AidDecider.DistributionRecord>(
        domain: AidLogisticsDomain.name, table: "distribution-record")

    /// Cataloged items by `item` (their count is the counter `catalog`).
    private let catalog = DecisionTable<AidDecider.CatalogEntry>(domain: AidLogisticsDomain.name, table: "catalog")

    /// Adjustments that needed a second officer's approval, by `adjustmentId`.
    private let adjustments = DecisionTable<AidDecider.Adjustment>(domain: AidLogisticsDomain.name, table: "pending-adjustment")

    /// The area the deployment serves: every desa/kelurahan code an event names lies in it.
    public let area: ServiceArea
    /// The largest adjustment that counts without a second officer's approval
    /// (`--adjustment-approval-above`).
    public let approvalAbove: Int

    public init(area: ServiceArea = .mataram, approvalAbove: Int = AidDecider.defaultApprovalAbove) {
        self.area = area
        self.approvalAbove = approvalAbove
    }

    public func owns(_ type: String) -> Bool { type.hasPrefix(AidEventType.prefix) }

    /// 2: donations' items and shipments' lots stored as sorted entries; 3: incidents, and the
    /// incident of each donation and shipment; 4: households, the rounds they were served in, and
    /// each distribution's counts; 5: requests, and the request of each shipment; 6: adjustments
    /// pending a second officer's approval; 7: the item catalog, each lot's expiry date, and lots
    /// keyed first-expiry-first-out.
    public var stateVersion: Int { 7 }

    public func admit(_ event: DomainEvent) throws {
        let offered = try AidEvent.read(event)
        try Self.checkAuthor(offered, event)
        let command = AidLogisticsCommand(recording: offered)
        let state = try state(touchedBy: command)
        try Self.checkScope(command, state, event)
        let (decided, next) = try AidDecider.run(command, state)
        try Self.checkFourEyes(offered, decided: decided)
        try store(next, over: state)
    }

    /// Four eyes: the key named as an adjustment's writer (`requestedBy`) or approver
    /// (`approvedBy`) is the key that writes the event (`.forbidden` otherwise; events a key
    /// writes, not system ones).
    static func checkAuthor(_ offered: AidEvent, _ event: DomainEvent) throws(EventLogError) {
        guard let actor = event.actor else { return }
        let (named, field): (String?, String)
        switch offered {
        case .stockAdjusted(let e): (named, field) = (e.requestedBy, "data.requestedBy")
        case .adjustmentApproved(let e): (named, field) = (e.approvedBy, "data.approvedBy")
        case .adjustmentRejected(let e): (named, field) = (e.rejectedBy, "data.rejectedBy")
        default: return
        }
        guard let named, named != actor else { return }
        throw EventLogError(.forbidden, "\(field): \(named) is not the key writing this event (\(actor))", field: field)
    }

    /// What the decider fills in must be what the offered event says: whether an adjustment is
    /// pending (above the threshold it must be), and the pending adjustment an approval copies.
    static func checkFourEyes(_ offered: AidEvent, decided: [AidEvent]) throws(EventLogError) {
        switch (offered, decided.first) {
        case (.stockAdjusted(let o), .stockAdjusted(let d)) where o.isPending != d.isPending:
            throw AidDecider.violation(
                "needsApproval",
                "an adjustment of \(o.quantity) \(o.unit) must\(d.isPending ? "" : " not") wait for a second officer's approval here")
        case (.adjustmentRejected(let o), .adjustmentRejected(let d)) where o != d:
            throw AidDecider.violation(
                "adjustmentId",
                "a rejection names its adjustment as recorded: warehouseId \(d.warehouseId), incidentId \(d.incidentId ?? "-")")
        case (.adjustmentApproved(let o), .adjustmentApproved(let d)) where o != d:
            throw AidDecider.violation(
                "adjustmentId",
                "an approval copies its adjustment: warehouseId \(d.warehouseId), item \(d.item), unit \(d.unit), donationId \(d.donationId), quantity \(d.quantity), reason and incidentId as recorded"
            )
        default:
            return
        }
    }

    /// A key scoped to warehouses works at those only: it registers them, receives donations
    /// into them, dispatches from them, receives the shipments sent to them, distributes and
    /// adjusts there (`.forbidden` otherwise, naming the field).
    static func checkScope(_ command: AidLogisticsCommand, _ state: AidDecider.State, _ event: DomainEvent) throws(EventLogError) {
        guard event.scope != nil else { return }
        let (warehouse, field): (String?, String)
        switch command {
        case .registerWarehouse(let c): (warehouse, field) = (c.warehouseId, "data.warehouseId")
        case .receiveDonation(let c): (warehouse, field) = (c.warehouseId, "data.warehouseId")
        case .dispatchShipment(let c): (warehouse, field) = (c.fromWarehouseId, "data.fromWarehouseId")
        case .receiveShipment(let c): (warehouse, field) = (state.shipments[c.shipmentId]?.toWarehouseId, "data.shipmentId")
        case .distributeAid(let c): (warehouse, field) = (c.warehouseId, "data.warehouseId")
        case .adjustStock(let c): (warehouse, field) = (c.warehouseId, "data.warehouseId")
        case .approveAdjustment(let c): (warehouse, field) = (state.adjustments[c.adjustmentId]?.warehouseId, "data.adjustmentId")
        case .registerHousehold(let c): (warehouse, field) = (c.warehouseId, "data.warehouseId")
        case .requestItems(let c): (warehouse, field) = (c.warehouseId, "data.warehouseId")
        case .commitRequest(let c): (warehouse, field) = (c.fromWarehouseId, "data.fromWarehouseId")
        case .cancelRequest(let c): (warehouse, field) = (state.requests[c.requestId]?.warehouseId, "data.requestId")
        // Naming the households of a distribution: where it was handed out.
        case .serveHouseholds(let c):
            (warehouse, field) =
                c.warehouseId.map { ($0, "data.warehouseId") }
                ?? (c.distributionId.flatMap { state.distributionRecords[$0]?.warehouseId }, "data.distributionId")
        case .setMinimumStock(let c): (warehouse, field) = (c.warehouseId, "data.warehouseId")
        case .rejectAdjustment(let c): (warehouse, field) = (state.adjustments[c.adjustmentId]?.warehouseId, "data.adjustmentId")
        case .declareIncident, .reportImpact, .catalogItem:
            // Incidents and the catalog are the coordinators': a key scoped to warehouses does not write them.
            throw EventLogError(
                .forbidden, "type: a key scoped to warehouses may not declare incidents, report their impact or catalog items",
                field: "type")
        }
        // An unknown shipment is the decider's to refuse.
        if let warehouse { try event.requireInScope(warehouse, kind: "warehouse", field: field) }
    }

    public func evolve(_ event: DomainEvent) throws {
        guard let e = try? AidEvent.read(type: event.type, data: event.data) else { return }
        let state = try state(touchedBy: AidLogisticsCommand(recording: e))
        try store(AidDecider.evolve(state, e), over: state)
    }

    /// The key prefix of a place's lots.
    static func prefix(_ place: AidDecider.Place) -> String { "\(place.warehouseId)\u{0}\(place.item.item)\u{0}\(place.item.unit)\u{0}" }

    /// The expiry part of a lot's key: `YYYYMMDD`, or `99999999` for a lot that does not expire
    /// (so it comes after every lot that does).
    static func expiryPart(_ expiry: CivilDate?) -> String {
        guard let expiry else { return "99999999" }
        return String(expiry.description.filter { $0 != "-" })
    }

    /// The key of a lot at a place; `expiry` is its item's expiry date, `sequence` its donation's
    /// receipt order (nil: a donation the rules never saw, which only a log written without them
    /// holds: such lots come last among those of their expiry).
    static func key(_ place: AidDecider.Place, expiry: CivilDate?, sequence: Int?, donationId: String) -> String {
        let digits = String(sequence ?? 9_999_999_999_999_999)
        return prefix(place) + expiryPart(expiry) + "\u{0}" + String(repeating: "0", count: max(0, 16 - digits.count)) + digits
            + "\u{0}" + donationId
    }

    /// The key of lot `donationId` at `place`, from its donation in `state`.
    static func key(_ place: AidDecider.Place, _ donationId: String, in state: AidDecider.State) -> String {
        let donation = state.donations[donationId]
        return key(place, expiry: donation?.expiry[place.item], sequence: donation?.sequence, donationId: donationId)
    }

    // MARK: Loading and storing

    /// The state of what `command` touches: enough for `AidDecider.decide` and `evolve` of its
    /// event to see what the whole state would show them.
    public func state(touchedBy command: AidLogisticsCommand) throws(EventLogError) -> AidDecider.State {
        var s = AidDecider.State()
        s.area = area
        s.approvalAbove = approvalAbove
        func incident(_ id: String?) throws(EventLogError) {
            if let id, s.incidents[id] == nil, let i = try incidents.get(id, in: decisions) { s.incidents[id] = i }
        }
        try incident(command.incidentId)
        // The catalog matters only to commands naming items; the others read none of it.
        let items = command.itemsNamed
        if !items.isEmpty { s.catalogSize = try counters.get(Self.catalogCount, in: decisions) ?? 0 }
        for item in items where s.catalogSize > 0 && s.catalog[item] == nil {
            if let entry = try catalog.get(item, in: decisions) { s.catalog[item] = entry }
        }
        func request(_ id: String?) throws(EventLogError) {
            guard let id, s.requests[id] == nil, let r = try requests.get(id, in: decisions) else { return }
            s.requests[id] = r
            try incident(r.incidentId)
        }
        func warehouse(_ id: String?) throws(EventLogError) {
            if let id, let w = try warehouses.get(id, in: decisions) { s.warehouses[id] = w }
        }
        func donation(_ id: String?) throws(EventLogError) {
            if let id, s.donations[id] == nil, let d = try donations.get(id, in: decisions) { s.donations[id] = d }
        }
        func place(_ warehouseId: String, _ item: String, _ unit: String) -> AidDecider.Place {
            AidDecider.Place(warehouseId: warehouseId, item: AidDecider.Item(item: item, unit: unit))
        }
        /// One lot of an item at a warehouse, with its donation.
        func lot(_ warehouseId: String, _ item: String, _ unit: String, _ donationId: String) throws(EventLogError) {
            try donation(donationId)
            let p = place(warehouseId, item, unit)
            guard s.stock[p]?[donationId] == nil, let q = try lots.get(Self.key(p, donationId, in: s), in: decisions) else { return }
            s.stock[p, default: [:]][donationId] = q
        }
        /// The lots of an item at a warehouse in key order (first-expiry-first-out, then
        /// first-in-first-out), with their donations, while `more(expiry part, held)` says so;
        /// `held` counts the stock of the lots that serve `incidentId` and have not expired by
        /// `day`, which are the ones a choice may take.
        func scan(
            _ warehouseId: String, _ item: String, _ unit: String, for incidentId: String?, on day: CivilDate?,
            while more: (Substring, Int) -> Bool
        ) throws(EventLogError) {
            let p = place(warehouseId, item, unit)
            let dayPart = day.map { Self.expiryPart($0) }
            var held = 0
            try lots.scan(prefix: Self.prefix(p), in: decisions) { suffix, q throws(EventLogError) in
                let parts = suffix.split(separator: "\u{0}", maxSplits: 2, omittingEmptySubsequences: false)
                guard parts.count == 3 else { return true }
                guard more(parts[0], held) else { return false }
                let id = String(parts[2])
                try donation(id)
                s.stock[p, default: [:]][id] = q
                let usable = dayPart.map { parts[0] >= $0 } ?? true
                if q > 0, usable, s.lot(id, serves: incidentId) { held += q }
                return true
            }
        }
        func lines(_ lines: [RequestedLine], at warehouseId: String, on time: String?) throws(EventLogError) {
            let day = AidDecider.day(of: time)
            var need: [AidDecider.Item: Int] = [:]
            for line in lines {
                if let given = line.lots {
                    for l in given { try lot(warehouseId, line.item, line.unit, l.donationId) }
                    // First-expiry-first-out is checked against every lot that expires before the
                    // latest one taken.
                    let item = AidDecider.Item(item: line.item, unit: line.unit)
                    let latest = given.map { Self.expiryPart(s.expiry(of: $0.donationId, item)) }.max() ?? ""
                    try scan(warehouseId, line.item, line.unit, for: command.incidentId, on: day) { expiry, _ in expiry < latest }
                } else {
                    need[AidDecider.Item(item: line.item, unit: line.unit), default: 0] += max(0, line.quantity)
                }
            }
            // What a first-expiry-first-out choice of `need` takes, and the whole stock when it
            // cannot be met (the refusal names it).
            for (item, n) in need.sorted(by: { $0.key < $1.key }) {
                try scan(warehouseId, item.item, item.unit, for: command.incidentId, on: day) { _, held in held < n }
            }
        }
        switch command {
        case .registerWarehouse(let c):
            try warehouse(c.warehouseId)
        case .receiveDonation(let c):
            try donation(c.donationId)
            try warehouse(c.warehouseId)
            if let id = c.donationId { for i in c.items { try lot(c.warehouseId, i.item, i.unit, id) } }
            s.donationCount = try counters.get(Self.donationCount, in: decisions) ?? 0
        case .dispatchShipment(let c):
            if let id = c.shipmentId, let shipment = try shipments.get(id, in: decisions) { s.shipments[id] = shipment }
            try warehouse(c.fromWarehouseId)
            try warehouse(c.toWarehouseId)
            try lines(c.lines, at: c.fromWarehouseId, on: c.dispatchedAt)
            try request(c.requestId)
        case .receiveShipment(let c):
            guard let shipment = try shipments.get(c.shipmentId, in: decisions) else { return s }
            s.shipments[c.shipmentId] = shipment
            try incident(shipment.incidentId)
            try request(shipment.requestId)
            for key in shipment.lots.keys { try lot(shipment.toWarehouseId, key.item.item, key.item.unit, key.donationId) }
            for line in c.lines ?? [] { try lot(shipment.toWarehouseId, line.item, line.unit, line.donationId) }
        case .distributeAid(let c):
            if let id = c.distributionId, try distributions.get(id, in: decisions) != nil { s.distributions.insert(id) }
            try warehouse(c.warehouseId)
            try lines(c.lines, at: c.warehouseId, on: c.distributedAt)
        case .adjustStock(let c):
            try warehouse(c.warehouseId)
            try lot(c.warehouseId, c.item, c.unit, c.donationId)
            try incident(s.donations[c.donationId]?.incidentId)
            if let id = c.adjustmentId, let a = try adjustments.get(id, in: decisions) { s.adjustments[id] = a }
        case .approveAdjustment(let c):
            guard let a = try adjustments.get(c.adjustmentId, in: decisions) else { return s }
            s.adjustments[c.adjustmentId] = a
            try warehouse(a.warehouseId)
            try lot(a.warehouseId, a.item, a.unit, a.donationId)
            try incident(a.incidentId)
        case .declareIncident, .reportImpact, .catalogItem:
            break
        case .setMinimumStock(let c):
            try warehouse(c.warehouseId)
        case .rejectAdjustment(let c):
            guard let a = try adjustments.get(c.adjustmentId, in: decisions) else { return s }
            s.adjustments[c.adjustmentId] = a
            try warehouse(a.warehouseId)
            try incident(a.incidentId)
        case .requestItems(let c):
            try request(c.requestId)
            try warehouse(c.warehouseId)
        case .commitRequest(let c):
            try request(c.requestId)
            try warehouse(c.fromWarehouseId)
        case .cancelRequest(let c):
            try request(c.requestId)
        case .registerHousehold(let c):
            if let id = c.householdId, let h = try households.get(id, in: decisions) { s.households[id] = h }
            if let subject = c.subject, let id = try householdSubjects.get(subject, in: decisions) { s.householdBySubject[subject] = id }
            try warehouse(c.warehouseId)
        case .serveHouseholds(let c):
            if let id = c.distributionId {
                if try distributions.get(id, in: decisions) != nil { s.distributions.insert(id) }
                if let r = try distributionRecords.get(id, in: decisions) {
                    s.distributionRecords[id] = r
                    try incident(r.incidentId)
                }
            }
            for id in Set(c.householdIds) {
                if let h = try households.get(id, in: decisions) { s.households[id] = h }
                let key = AidDecider.ServedKey(round: c.round, householdId: id)
                if let d = try served.get(Self.servedKey(key), in: decisions) { s.served[key] = d }
            }
            if let warehouseId = c.warehouseId {
                try warehouse(warehouseId)
                try lines(c.lines ?? [], at: warehouseId, on: c.servedAt)
            }
        }
        return s
    }

    static let donationCount = "donations"
    static let catalogCount = "catalog"

    static func servedKey(_ key: AidDecider.ServedKey) -> String { "\(key.round)\u{0}\(key.householdId)" }

    /// Stores what changed from `loaded` to `next`.
    private func store(_ next: AidDecider.State, over loaded: AidDecider.State) throws(EventLogError) {
        try write(warehouses, next.warehouses, over: loaded.warehouses) { $0 }
        try write(donations, next.donations, over: loaded.donations) { $0 }
        for p in Set(next.stock.keys).union(loaded.stock.keys) {
            let after = next.stock[p] ?? [:]
            let before = loaded.stock[p] ?? [:]
            for id in Set(after.keys).union(before.keys) where after[id] != before[id] {
                try lots.set(Self.key(p, id, in: next.donations[id] != nil ? next : loaded), after[id], in: decisions)
            }
        }
        try write(shipments, next.shipments, over: loaded.shipments) { $0 }
        try write(incidents, next.incidents, over: loaded.incidents) { $0 }
        try write(requests, next.requests, over: loaded.requests) { $0 }
        for id in next.distributions.subtracting(loaded.distributions) { try distributions.set(id, true, in: decisions) }
        if next.donationCount != loaded.donationCount { try counters.set(Self.donationCount, next.donationCount, in: decisions) }
        try write(catalog, next.catalog, over: loaded.catalog) { $0 }
        if next.catalogSize != loaded.catalogSize { try counters.set(Self.catalogCount, next.catalogSize, in: decisions) }
        try write(households, next.households, over: loaded.households) { $0 }
        try write(householdSubjects, next.householdBySubject, over: loaded.householdBySubject) { $0 }
        try write(served, next.served, over: loaded.served, key: Self.servedKey)
        try write(distributionRecords, next.distributionRecords, over: loaded.distributionRecords) { $0 }
        try write(adjustments, next.adjustments, over: loaded.adjustments) { $0 }
    }

    private func write<K, V: Equatable>(
        _ table: DecisionTable<V>, _ next: [K: V], over loaded: [K: V], key: (K) -> String
    ) throws(EventLogError) {
        for (k, v) in next where loaded[k] != v { try table.set(key(k), v, in: decisions) }
        for k in loaded.keys where next[k] == nil { try table.set(key(k), nil, in: decisions) }
    }

    /// The whole state, assembled from every table (for tests and diagnostics; it reads
    /// everything).
    public var state: AidDecider.State {
        get throws(EventLogError) {
            var stockByPlace: [AidDecider.Place: [String: Int]] = [:]
            for (key, q) in try lots.all(in: decisions) {
                let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 6 else { continue }
                stockByPlace[AidDecider.Place(warehouseId: parts[0], item: AidDecider.Item(item: parts[1], unit: parts[2])), default: [:]][
                    parts[5]] = q
            }
            var s = AidDecider.State(
                warehouses: Dictionary(uniqueKeysWithValues: try warehouses.all(in: decisions).map { ($0.key, $0.value) }),
                donations: Dictionary(uniqueKeysWithValues: try donations.all(in: decisions).map { ($0.key, $0.value) }),
                stock: stockByPlace,
                shipments: Dictionary(uniqueKeysWithValues: try shipments.all(in: decisions).map { ($0.key, $0.value) }),
                distributions: Set(try distributions.all(in: decisions).map(\.key)),
                incidents: Dictionary(uniqueKeysWithValues: try incidents.all(in: decisions).map { ($0.key, $0.value) }),
                requests: Dictionary(uniqueKeysWithValues: try requests.all(in: decisions).map { ($0.key, $0.value) }),
                donationCount: try counters.get(Self.donationCount, in: decisions) ?? 0)
            s.households = Dictionary(uniqueKeysWithValues: try households.all(in: decisions).map { ($0.key, $0.value) })
            s.householdBySubject = Dictionary(uniqueKeysWithValues: try householdSubjects.all(in: decisions).map { ($0.key, $0.value) })
            for (key, d) in try served.all(in: decisions) {
                let parts = key.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2 else { continue }
                s.served[AidDecider.ServedKey(round: parts[0], householdId: parts[1])] = d
            }
            s.distributionRecords = Dictionary(
                uniqueKeysWithValues: try distributionRecords.all(in: decisions).map { ($0.key, $0.value) })
            s.adjustments = Dictionary(uniqueKeysWithValues: try adjustments.all(in: decisions).map { ($0.key, $0.value) })
            s.catalog = Dictionary(uniqueKeysWithValues: try catalog.all(in: decisions).map { ($0.key, $0.value) })
            s.catalogSize = try counters.get(Self.catalogCount, in: decisions) ?? 0
            return s
        }
    }
}
