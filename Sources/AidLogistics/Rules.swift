public import DomainKit
public import EventLog
import Projections

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
    /// Lots on hand by place: key `<warehouseId> NUL <item> NUL <unit>`.
    private let stock = DecisionTable<[String: Int]>(domain: AidLogisticsDomain.name, table: "stock")
    private let shipments = DecisionTable<AidDecider.Shipment>(domain: AidLogisticsDomain.name, table: "shipment")
    private let distributions = DecisionTable<Bool>(domain: AidLogisticsDomain.name, table: "distribution")
    /// `donations`: the count of donations received.
    private let counters = DecisionTable<Int>(domain: AidLogisticsDomain.name, table: "counter")

    public init() {}

    public func owns(_ type: String) -> Bool { type.hasPrefix(AidEventType.prefix) }

    public func admit(_ event: DomainEvent) throws {
        let command = AidLogisticsCommand(recording: try AidEvent.read(event))
        let state = try state(touchedBy: command)
        try store(try AidDecider.run(command, state).state, over: state)
    }

    public func evolve(_ event: DomainEvent) throws {
        guard let e = try? AidEvent.read(type: event.type, data: event.data) else { return }
        let state = try state(touchedBy: AidLogisticsCommand(recording: e))
        try store(AidDecider.evolve(state, e), over: state)
    }

    static func key(_ place: AidDecider.Place) -> String { "\(place.warehouseId)\u{0}\(place.item.item)\u{0}\(place.item.unit)" }

    // MARK: Loading and storing

    /// The state of what `command` touches: enough for `AidDecider.decide` and `evolve` of its
    /// event to see what the whole state would show them.
    public func state(touchedBy command: AidLogisticsCommand) throws(EventLogError) -> AidDecider.State {
        var s = AidDecider.State()
        func warehouse(_ id: String?) throws(EventLogError) {
            if let id, let w = try warehouses.get(id, in: decisions) { s.warehouses[id] = w }
        }
        func donation(_ id: String?) throws(EventLogError) {
            if let id, s.donations[id] == nil, let d = try donations.get(id, in: decisions) { s.donations[id] = d }
        }
        /// The lots of an item at a warehouse; with their donations when lots are to be chosen
        /// first-in-first-out (by receipt order).
        func place(_ warehouseId: String, _ item: String, _ unit: String, choosing: Bool = false) throws(EventLogError) {
            let p = AidDecider.Place(warehouseId: warehouseId, item: AidDecider.Item(item: item, unit: unit))
            var found = s.stock[p]
            if found == nil { found = try stock.get(Self.key(p), in: decisions) }
            guard let lots = found else { return }
            s.stock[p] = lots
            if choosing { for id in lots.keys { try donation(id) } }
        }
        func lines(_ lines: [RequestedLine], at warehouseId: String) throws(EventLogError) {
            for line in lines {
                try place(warehouseId, line.item, line.unit, choosing: line.lots == nil)
                for lot in line.lots ?? [] { try donation(lot.donationId) }
            }
        }
        switch command {
        case .registerWarehouse(let c):
            try warehouse(c.warehouseId)
        case .receiveDonation(let c):
            try donation(c.donationId)
            try warehouse(c.warehouseId)
            for i in c.items { try place(c.warehouseId, i.item, i.unit) }
            s.donationCount = try counters.get(Self.donationCount, in: decisions) ?? 0
        case .dispatchShipment(let c):
            if let id = c.shipmentId, let shipment = try shipments.get(id, in: decisions) { s.shipments[id] = shipment }
            try warehouse(c.fromWarehouseId)
            try warehouse(c.toWarehouseId)
            try lines(c.lines, at: c.fromWarehouseId)
        case .receiveShipment(let c):
            guard let shipment = try shipments.get(c.shipmentId, in: decisions) else { return s }
            s.shipments[c.shipmentId] = shipment
            for key in shipment.lots.keys {
                try donation(key.donationId)
                try place(shipment.toWarehouseId, key.item.item, key.item.unit)
            }
            for line in c.lines ?? [] {
                try donation(line.donationId)
                try place(shipment.toWarehouseId, line.item, line.unit)
            }
        case .distributeAid(let c):
            if let id = c.distributionId, try distributions.get(id, in: decisions) != nil { s.distributions.insert(id) }
            try warehouse(c.warehouseId)
            try lines(c.lines, at: c.warehouseId)
        case .adjustStock(let c):
            try warehouse(c.warehouseId)
            try donation(c.donationId)
            try place(c.warehouseId, c.item, c.unit)
        }
        return s
    }

    static let donationCount = "donations"

    /// Stores what changed from `loaded` to `next`.
    private func store(_ next: AidDecider.State, over loaded: AidDecider.State) throws(EventLogError) {
        try write(warehouses, next.warehouses, over: loaded.warehouses) { $0 }
        try write(donations, next.donations, over: loaded.donations) { $0 }
        try write(stock, next.stock, over: loaded.stock, key: Self.key)
        try write(shipments, next.shipments, over: loaded.shipments) { $0 }
        for id in next.distributions.subtracting(loaded.distributions) { try distributions.set(id, true, in: decisions) }
        if next.donationCount != loaded.donationCount { try counters.set(Self.donationCount, next.donationCount, in: decisions) }
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
            for (key, lots) in try stock.all(in: decisions) {
                let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 3 else { continue }
                stockByPlace[AidDecider.Place(warehouseId: parts[0], item: AidDecider.Item(item: parts[1], unit: parts[2]))] = lots
            }
            return AidDecider.State(
                warehouses: Dictionary(uniqueKeysWithValues: try warehouses.all(in: decisions).map { ($0.key, $0.value) }),
                donations: Dictionary(uniqueKeysWithValues: try donations.all(in: decisions).map { ($0.key, $0.value) }),
                stock: stockByPlace,
                shipments: Dictionary(uniqueKeysWithValues: try shipments.all(in: decisions).map { ($0.key, $0.value) }),
                distributions: Set(try distributions.all(in: decisions).map(\.key)),
                donationCount: try counters.get(Self.donationCount, in: decisions) ?? 0)
        }
    }
}
