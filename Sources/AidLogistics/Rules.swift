public import DomainKit
import EventLog
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
/// The state is kept per aggregate, in journaled dictionaries: warehouses, donations (lots),
/// the lots on hand per warehouse and item, shipments, distributions, and the count of
/// donations. Each event loads what it touches (`state(touchedBy:)`), the decider decides and
/// evolves that, and what changed is stored back. Every change is recorded in the rules' own
/// journal, and the journal the caller passes records how to roll that back, so a trial or an
/// uncommitted transaction is undone exactly.
///
/// Not thread-safe by itself: the `RuleGuard` that holds it serializes every call (`check`,
/// `withCurrentState`); read the state only inside `RuleGuard.withCurrentState`.
public final class AidLogisticsRules: DomainRules, @unchecked Sendable {
    private let journal = Journal()
    private let warehouses: JournaledDictionary<String, AidDecider.Warehouse>
    private let donations: JournaledDictionary<String, AidDecider.Donation>
    private let stock: JournaledDictionary<AidDecider.Place, [String: Int]>
    private let shipments: JournaledDictionary<String, AidDecider.Shipment>
    private let distributions: JournaledDictionary<String, Bool>
    /// `donations`: the count of donations received.
    private let counters: JournaledDictionary<String, Int>

    public init() {
        warehouses = JournaledDictionary(journal: journal)
        donations = JournaledDictionary(journal: journal)
        stock = JournaledDictionary(journal: journal)
        shipments = JournaledDictionary(journal: journal)
        distributions = JournaledDictionary(journal: journal)
        counters = JournaledDictionary(journal: journal)
    }

    public func owns(_ type: String) -> Bool { type.hasPrefix(AidEventType.prefix) }

    public func admit(_ event: DomainEvent, journal: Journal) throws {
        let command = AidLogisticsCommand(recording: try AidEvent.read(event))
        let state = state(touchedBy: command)
        store(try AidDecider.run(command, state).state, over: state, journal: journal)
    }

    public func evolve(_ event: DomainEvent, journal: Journal) {
        guard let e = try? AidEvent.read(type: event.type, data: event.data) else { return }
        let state = state(touchedBy: AidLogisticsCommand(recording: e))
        store(AidDecider.evolve(state, e), over: state, journal: journal)
    }

    // MARK: Loading and storing

    /// The state of what `command` touches: enough for `AidDecider.decide` and `evolve` of its
    /// event to see what the whole state would show them.
    public func state(touchedBy command: AidLogisticsCommand) -> AidDecider.State {
        var s = AidDecider.State()
        func warehouse(_ id: String?) {
            if let id, let w = warehouses[id] { s.warehouses[id] = w }
        }
        func donation(_ id: String?) {
            if let id, let d = donations[id] { s.donations[id] = d }
        }
        /// The lots of an item at a warehouse; with their donations when lots are to be chosen
        /// first-in-first-out (by receipt order).
        func place(_ warehouseId: String, _ item: String, _ unit: String, choosing: Bool = false) {
            let p = AidDecider.Place(warehouseId: warehouseId, item: AidDecider.Item(item: item, unit: unit))
            guard let lots = stock[p] else { return }
            s.stock[p] = lots
            if choosing { for id in lots.keys { donation(id) } }
        }
        func lines(_ lines: [RequestedLine], at warehouseId: String) {
            for line in lines {
                place(warehouseId, line.item, line.unit, choosing: line.lots == nil)
                for lot in line.lots ?? [] { donation(lot.donationId) }
            }
        }
        switch command {
        case .registerWarehouse(let c):
            warehouse(c.warehouseId)
        case .receiveDonation(let c):
            donation(c.donationId)
            warehouse(c.warehouseId)
            for i in c.items { place(c.warehouseId, i.item, i.unit) }
            s.donationCount = counters[Self.donationCount] ?? 0
        case .dispatchShipment(let c):
            if let id = c.shipmentId, let shipment = shipments[id] { s.shipments[id] = shipment }
            warehouse(c.fromWarehouseId)
            warehouse(c.toWarehouseId)
            lines(c.lines, at: c.fromWarehouseId)
        case .receiveShipment(let c):
            guard let shipment = shipments[c.shipmentId] else { return s }
            s.shipments[c.shipmentId] = shipment
            for key in shipment.lots.keys {
                donation(key.donationId)
                place(shipment.toWarehouseId, key.item.item, key.item.unit)
            }
            for line in c.lines ?? [] {
                donation(line.donationId)
                place(shipment.toWarehouseId, line.item, line.unit)
            }
        case .distributeAid(let c):
            if let id = c.distributionId, distributions[id] != nil { s.distributions.insert(id) }
            warehouse(c.warehouseId)
            lines(c.lines, at: c.warehouseId)
        case .adjustStock(let c):
            warehouse(c.warehouseId)
            donation(c.donationId)
            place(c.warehouseId, c.item, c.unit)
        }
        return s
    }

    static let donationCount = "donations"

    /// Stores what changed from `loaded` to `next`, recording in `outer` how to undo it.
    private func store(_ next: AidDecider.State, over loaded: AidDecider.State, journal outer: Journal) {
        // Nothing the caller can roll back reaches below this point: forget the older undo steps.
        if outer.mark == 0 { journal.commit() }
        let mark = journal.mark
        write(warehouses, next.warehouses, over: loaded.warehouses)
        write(donations, next.donations, over: loaded.donations)
        write(stock, next.stock, over: loaded.stock)
        write(shipments, next.shipments, over: loaded.shipments)
        for id in next.distributions.subtracting(loaded.distributions) { distributions[id] = true }
        if next.donationCount != loaded.donationCount { counters[Self.donationCount] = next.donationCount }
        if journal.mark > mark {
            outer.record { [unowned self] in self.journal.rollback(to: mark) }
        }
    }

    private func write<K, V: Equatable>(_ table: JournaledDictionary<K, V>, _ next: [K: V], over loaded: [K: V]) {
        for (k, v) in next where loaded[k] != v { table[k] = v }
        for k in loaded.keys where next[k] == nil { table[k] = nil }
    }

    /// The whole state, assembled from every aggregate (for tests and diagnostics; it copies
    /// everything).
    public var state: AidDecider.State {
        AidDecider.State(
            warehouses: warehouses.storage, donations: donations.storage, stock: stock.storage, shipments: shipments.storage,
            distributions: Set(distributions.keys), donationCount: counters[Self.donationCount] ?? 0)
    }
}
