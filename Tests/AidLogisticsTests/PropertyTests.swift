import DomainKit
import EventLog
import MataramReference
import Projections
import Testing

@testable import AidLogistics

/// One item of one lot.
struct LotItem: Hashable, Comparable {
    let donationId: String
    let item: String
    let unit: String
    static func < (a: LotItem, b: LotItem) -> Bool { (a.donationId, a.item, a.unit) < (b.donationId, b.item, b.unit) }
}

/// An independent bookkeeping of every lot, folded from the events alone (not from `AidDecider.State`).
struct Ledger {
    var donated: [LotItem: Int] = [:]
    var donor: [String: String] = [:]
    var distributed: [LotItem: Int] = [:]
    var lost: [LotItem: Int] = [:]
    var adjustedOut: [LotItem: Int] = [:]
    /// Adjustments waiting for approval.
    var pending: [String: StockAdjusted] = [:]
    /// Open shipments: source and lots in transit.
    var open: [String: (from: String, lots: [LotItem: Int])] = [:]
    var distributedByKelurahan: [String: Int] = [:]

    mutating func fold(_ e: AidEvent) {
        switch e {
        case .warehouseRegistered, .incidentDeclared, .impactReported, .householdRegistered, .householdServed,
            .itemsRequested, .requestCommitted, .requestCancelled, .itemCataloged, .minimumStockSet, .adjustmentRejected:
            break
        case .donationReceived(let d):
            donor[d.donationId] = d.donor.publicLabel
            for i in d.items { donated[LotItem(donationId: d.donationId, item: i.item, unit: i.unit), default: 0] += i.quantity }
        case .shipmentDispatched(let s):
            var lots: [LotItem: Int] = [:]
            for l in s.lines {
                for lot in l.lots { lots[LotItem(donationId: lot.donationId, item: l.item, unit: l.unit), default: 0] += lot.quantity }
            }
            open[s.shipmentId] = (s.fromWarehouseId, lots)
        case .shipmentReceived(let r):
            guard let s = open.removeValue(forKey: r.shipmentId) else { return }
            var arrived: [LotItem: Int] = [:]
            for l in r.lines { arrived[LotItem(donationId: l.donationId, item: l.item, unit: l.unit), default: 0] += l.quantity }
            for (k, q) in s.lots { lost[k, default: 0] += q - (arrived[k] ?? 0) }
        case .aidDistributed(let d):
            for l in d.lines {
                distributedByKelurahan[ViewKey.make(d.kelurahanCode, l.item, l.unit), default: 0] += l.quantity
                for lot in l.lots {
                    distributed[LotItem(donationId: lot.donationId, item: l.item, unit: l.unit), default: 0] += lot.quantity
                }
            }
        case .stockAdjusted(let a):
            // Four eyes: a pending adjustment counts from its approval.
            if a.isPending, let id = a.adjustmentId {
                pending[id] = a
                return
            }
            adjustedOut[LotItem(donationId: a.donationId, item: a.item, unit: a.unit), default: 0] -= a.quantity
        case .adjustmentApproved(let e):
            guard let a = pending.removeValue(forKey: e.adjustmentId) else { return }
            adjustedOut[LotItem(donationId: a.donationId, item: a.item, unit: a.unit), default: 0] -= a.quantity
        }
    }

    func inTransit(_ k: LotItem) -> Int { open.values.reduce(0) { $0 + ($1.lots[k] ?? 0) } }
    func inTransit(_ k: LotItem, from warehouse: String) -> Int {
        open.values.filter { $0.from == warehouse }.reduce(0) { $0 + ($1.lots[k] ?? 0) }
    }

    /// Checks `donated = onHand + inTransit + distributed + lost + adjusted` for every lot, and
    /// that no stock is negative. Returns the first failure.
    func check(_ state: AidDecider.State) -> String? {
        if let bad = state.onHand.first(where: { $0.value <= 0 }) { return "negative or zero stock kept: \(bad)" }
        var onHand: [LotItem: Int] = [:]
        for (k, q) in state.onHand { onHand[LotItem(donationId: k.donationId, item: k.item.item, unit: k.item.unit), default: 0] += q }
        for (k, d) in donated {
            let sum = (onHand[k] ?? 0) + inTransit(k) + (distributed[k] ?? 0) + (lost[k] ?? 0) + (adjustedOut[k] ?? 0)
            if sum != d { return "\(k): donated \(d) but accounted for \(sum)" }
        }
        if Set(onHand.keys).subtracting(donated.keys).first != nil { return "stock of a lot never donated" }
        return nil
    }
}

/// Random commands, mostly valid, some not, over a small world.
struct CommandGenerator {
    var rng: SplitMix64
    var n = 0
    var minute = 0
    let items = [("beras", "kg"), ("mi instan", "dus"), ("terpal", "lembar")]

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func time() -> String {
        minute += rng.int(1...90)
        let day = 6 + minute / 1440
        let hour = (minute / 60) % 24
        let min = minute % 60
        return Fx.t(day, hour, min)
    }

    mutating func id(_ prefix: String) -> String {
        n += 1
        return "\(prefix)-\(n)"
    }

    func stock(_ s: AidDecider.State, at w: String) -> [(AidDecider.Item, Int)] {
        var totals: [AidDecider.Item: Int] = [:]
        for (k, q) in s.onHand where k.warehouseId == w { totals[k.item, default: 0] += q }
        return totals.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    mutating func lines(_ s: AidDecider.State, at w: String) -> [RequestedLine] {
        var held = stock(s, at: w)
        if held.isEmpty || rng.chance(0.05) {
            let i = rng.element(items) ?? ("beras", "kg")
            return [RequestedLine(item: i.0, unit: i.1, quantity: rng.int(1...20))]
        }
        rng.shuffle(&held)
        var out: [RequestedLine] = []
        for (item, total) in held.prefix(rng.int(1...2)) {
            let q = rng.int(1...(total + (rng.chance(0.1) ? 3 : 0)))
            if rng.chance(0.6) {
                out.append(RequestedLine(item: item.item, unit: item.unit, quantity: q))
            } else {
                // Explicit lots: a random spread over the held lots (sometimes more than a lot holds).
                var remaining = q
                var lots: [LotQuantity] = []
                var available = s.lots(at: w, item)
                rng.shuffle(&available)
                for lot in available where remaining > 0 {
                    let take = min(remaining, rng.chance(0.05) ? lot.quantity + 1 : lot.quantity)
                    lots.append(LotQuantity(donationId: lot.donationId, quantity: take))
                    remaining -= take
                }
                if remaining > 0, let first = lots.first {
                    lots[0] = LotQuantity(donationId: first.donationId, quantity: first.quantity + remaining)
                }
                out.append(RequestedLine(item: item.item, unit: item.unit, quantity: q, lots: lots))
            }
        }
        return out
    }

    mutating func command(_ s: AidDecider.State) -> AidLogisticsCommand {
        if s.incidents.isEmpty {
            return .declareIncident(
                DeclareIncident(
                    incidentId: Fx.incident, name: "Gempa uji", kind: "gempa-bumi", startedAt: Fx.t(5, 19, 46), affectedCodes: ["52.71"]))
        }
        let ws = s.warehouses.keys.sorted()
        let roll = rng.unit()
        let w = rng.element(ws) ?? "W-0"
        if ws.count < 3 || roll < 0.05 {
            let code = rng.chance(0.05) ? "52.71.09.0001" : (rng.element(Mataram.kelurahan)?.code ?? Fx.rembiga)
            let reuse = rng.chance(0.05) && !ws.isEmpty
            return .registerWarehouse(
                RegisterWarehouse(
                    warehouseId: reuse ? w : id("W"), name: "Gudang", kind: rng.chance(0.3) ? "gudang" : "posko", kelurahanCode: code,
                    incidentId: Fx.incident))
        }
        if roll < 0.30 {
            var pool = items
            rng.shuffle(&pool)
            return .receiveDonation(
                ReceiveDonation(
                    donationId: id("DN"), warehouseId: rng.chance(0.05) ? "W-nowhere" : w,
                    donor: Donor(name: rng.element(["BNPB", "PMI", "ACT", "Hamba Allah"]) ?? "BNPB", kind: "ngo"),
                    items: pool.prefix(rng.int(1...3)).map { ItemQuantity(item: $0.0, unit: $0.1, quantity: rng.int(1...60)) },
                    receivedAt: time(), incidentId: Fx.incident))
        }
        if roll < 0.55 {
            let to = rng.chance(0.05) ? w : (rng.element(ws.filter { $0 != w }) ?? w)
            return .dispatchShipment(
                DispatchShipment(
                    shipmentId: id("SH"), fromWarehouseId: w, toWarehouseId: to, lines: lines(s, at: w), vehicle: "Truk",
                    driver: "sopir-07",
                    dispatchedAt: time(), incidentId: Fx.incident))
        }
        if roll < 0.72 {
            let open = s.shipments.filter { !$0.value.received }.keys.sorted()
            let shipment = rng.chance(0.1) ? (rng.element(s.shipments.keys.sorted()) ?? "SH-none") : (rng.element(open) ?? "SH-none")
            var lines: [ReceivedLine]? = nil
            if rng.chance(0.5), let sh = s.shipments[shipment] {
                lines = sh.lots.sorted { ($0.key.donationId, $0.key.item) < ($1.key.donationId, $1.key.item) }.compactMap { k, q in
                    let got = rng.chance(0.7) ? q : rng.int(0...(q + (rng.chance(0.05) ? 1 : 0)))
                    return got > 0 ? ReceivedLine(item: k.item.item, unit: k.item.unit, donationId: k.donationId, quantity: got) : nil
                }
            }
            return .receiveShipment(
                ReceiveShipment(shipmentId: shipment, lines: lines, receivedAt: time(), notes: lines == nil ? nil : "sebagian"))
        }
        if roll < 0.92 {
            let households = rng.int(1...50)
            return .distributeAid(
                DistributeAid(
                    distributionId: id("DS"), warehouseId: w,
                    kelurahanCode: rng.chance(0.03) ? "52.71.00.0000" : (rng.element(Mataram.kelurahan)?.code ?? Fx.rembiga),
                    lines: lines(s, at: w), households: households, people: rng.chance(0.03) ? households - 1 : households * rng.int(1...5),
                    distributedAt: time(), incidentId: Fx.incident))
        }
        let held = s.onHand.keys.sorted { ($0.warehouseId, $0.donationId, $0.item) < ($1.warehouseId, $1.donationId, $1.item) }
        guard let k = rng.element(held) else {
            return .adjustStock(AdjustStock(warehouseId: w, item: "beras", unit: "kg", donationId: "DN-none", quantity: 1, reason: "x"))
        }
        let have = s.onHand[k] ?? 0
        var q = rng.int(-(have + 2)...5)
        if q == 0 { q = -1 }
        return .adjustStock(
            AdjustStock(
                warehouseId: k.warehouseId, item: k.item.item, unit: k.item.unit, donationId: k.donationId, quantity: q,
                reason: "stock opname"))
    }
}

@Suite("Properties over random command sequences")
struct PropertyTests {
    /// The lots a first-in-first-out pick must take.
    static func expectedFIFO(_ s: AidDecider.State, at w: String, _ line: LotLine) -> [LotQuantity] {
        var remaining = line.quantity
        var out: [LotQuantity] = []
        for lot in s.lots(at: w, AidDecider.Item(item: line.item, unit: line.unit)) where remaining > 0 {
            let q = min(remaining, lot.quantity)
            out.append(LotQuantity(donationId: lot.donationId, quantity: q))
            remaining -= q
        }
        return out
    }

    static func checkFIFO(_ command: AidLogisticsCommand, _ event: AidEvent, _ s: AidDecider.State) -> Bool {
        switch (command, event) {
        case (.dispatchShipment(let c), .shipmentDispatched(let e)):
            return zip(c.lines, e.lines).allSatisfy { $0.lots != nil || $1.lots == expectedFIFO(s, at: e.fromWarehouseId, $1) }
        case (.distributeAid(let c), .aidDistributed(let e)):
            return zip(c.lines, e.lines).allSatisfy { $0.lots != nil || $1.lots == expectedFIFO(s, at: e.warehouseId, $1) }
        default:
            return true
        }
    }

    @Test("stock never negative, every lot adds up, FIFO picks the oldest lots (300 seeded sequences)")
    func randomSequences() throws {
        var accepted = 0
        var refused = 0
        for seed in UInt64(1)...300 {
            var gen = CommandGenerator(seed: seed)
            var state = AidDecider.initial
            var ledger = Ledger()
            for step in 0..<60 {
                let command = gen.command(state)
                let events: [AidEvent]
                do {
                    events = try AidDecider.decide(command, state)
                } catch {
                    #expect(error.code == .ruleViolation || error.code == .invalidInput)
                    refused += 1
                    continue
                }
                accepted += 1
                for e in events {
                    #expect(Self.checkFIFO(command, e, state), "seed \(seed) step \(step): FIFO")
                    // What the decider made passes the rules' own check, and the raw door's schema.
                    let parsed = try AidEvent.read(Fx.domainEvent(e))
                    #expect(parsed == e)
                    try Fx.check(e, on: state)
                    state = AidDecider.evolve(state, e)
                    ledger.fold(e)
                }
                if let failure = ledger.check(state) {
                    Issue.record("seed \(seed) step \(step): \(failure)")
                    return
                }
            }
        }
        #expect(accepted > 10_000 && refused > 500)
    }

    @Test(
        "the state of what a command touches decides as the whole state does, and the rules store what evolve leaves (200 seeded sequences)"
    )
    func touchedState() throws {
        var compared = 0
        for seed in UInt64(1)...200 {
            var gen = CommandGenerator(seed: seed)
            var whole = AidDecider.initial
            let rules = AidLogisticsRules()
            try RuleGuard.withScratchState([rules]) {
                for step in 0..<60 {
                    let command = gen.command(whole)
                    let touched = try rules.state(touchedBy: command)
                    let onTouched = Result { () throws(EventLogError) in try AidDecider.decide(command, touched) }
                    let onWhole = Result { () throws(EventLogError) in try AidDecider.decide(command, whole) }
                    #expect(onTouched == onWhole, "seed \(seed) step \(step)")
                    compared += 1
                    guard case .success(let events) = onWhole else { continue }
                    for e in events {
                        // Every seventh step folds the events as a log read back would (evolve), the rest admits them.
                        if step % 7 == 3 { try rules.evolve(Fx.domainEvent(e)) } else { try rules.admit(Fx.domainEvent(e)) }
                        whole = AidDecider.evolve(whole, e)
                    }
                    let same = try rules.state == whole
                    #expect(same, "seed \(seed) step \(step)")
                    if !same { return }
                }
            }
        }
        #expect(compared == 200 * 60)
    }

    @Test("through a real store and views: the views and every trace add up to the same", arguments: [UInt64(11), 12])
    func throughStore(seed: UInt64) throws {
        let log = try TestLog()
        var gen = CommandGenerator(seed: seed)
        var ledger = Ledger()
        var state = AidDecider.initial
        var checkedMidway = false
        for step in 0..<400 {
            let command = gen.command(state)
            guard let decision = try? log.run(command) else { continue }
            for p in decision.events {
                let e = try AidEvent.read(type: p.type, data: p.dataValue)
                state = AidDecider.evolve(state, e)
                ledger.fold(e)
            }
            if step == 200 {
                try Self.compareViews(log, ledger, state)
                checkedMidway = true
            }
        }
        #expect(checkedMidway)
        #expect(ledger.check(state) == nil)
        // The guard's state, folded from the log, is the state the decider evolved.
        let current = try log.ruleGuard.withCurrentState(log.store) { try log.domain.rules.state }
        let same = current == state
        #expect(same)
        try Self.compareViews(log, ledger, state)
    }

    static func compareViews(_ log: TestLog, _ ledger: Ledger, _ state: AidDecider.State) throws {
        // aid.stock: on hand = the rules' state; in transit = the open shipments, at their source.
        let stock = try #require(try log.read(StockProjector.viewName) { try AidQueries.stock($0) })
        var seen = 0
        for w in stock.warehouses {
            for item in w.items {
                #expect(item.onHand == item.lots.reduce(0) { $0 + $1.onHand })
                for lot in item.lots {
                    let k = LotItem(donationId: lot.donationId, item: item.item, unit: item.unit)
                    #expect(
                        lot.onHand
                            == state.onHand(
                                at: w.warehouse.warehouseId, AidDecider.Item(item: item.item, unit: item.unit), lot: lot.donationId))
                    #expect(lot.inTransit == ledger.inTransit(k, from: w.warehouse.warehouseId))
                    #expect(lot.onHand >= 0 && lot.inTransit >= 0)
                    seen += lot.onHand
                }
            }
        }
        #expect(seen == state.onHand.values.reduce(0, +))
        // aid.trace: every donation's balance holds and equals the ledger.
        try log.engine.read { snap in
            let view = try snap.view(TraceProjector.viewName)
            for donationId in Set(ledger.donated.keys.map(\.donationId)).sorted() {
                let t = try #require(try AidQueries.trace(view, donationId: donationId))
                #expect(t.balance.holds, "\(donationId)")
                for b in t.balance.items {
                    let k = LotItem(donationId: donationId, item: b.item, unit: b.unit)
                    #expect(b.donated == ledger.donated[k] ?? 0)
                    #expect(b.distributed == ledger.distributed[k] ?? 0)
                    #expect(b.lost == ledger.lost[k] ?? 0)
                    #expect(b.adjusted == ledger.adjustedOut[k] ?? 0)
                    #expect(b.inTransit == ledger.inTransit(k))
                    for h in b.onHandByWarehouse {
                        #expect(h.quantity == state.onHand(at: h.warehouseId, AidDecider.Item(item: b.item, unit: b.unit), lot: donationId))
                    }
                }
            }
        }
        // aid.donors: distributed per donor and item.
        var byDonor: [String: Int] = [:]
        for (k, q) in ledger.distributed { byDonor[ViewKey.make(ledger.donor[k.donationId] ?? "", k.item, k.unit), default: 0] += q }
        let donors = try log.read(DonorsProjector.viewName) { try AidQueries.donors($0) }
        for d in donors.donors {
            for i in d.items { #expect(i.distributed == byDonor[ViewKey.make(d.name, i.item, i.unit)] ?? 0) }
        }
        // aid.kelurahan: distributed per kelurahan and item.
        let kel = try log.read(KelurahanProjector.viewName) { try AidQueries.kelurahan($0) }
        var total = 0
        for k in kel.kelurahan {
            for i in k.items {
                #expect(i.distributed == ledger.distributedByKelurahan[ViewKey.make(k.code, i.item, i.unit)] ?? 0)
                total += i.distributed
            }
        }
        #expect(total == ledger.distributedByKelurahan.values.reduce(0, +))
    }
}
