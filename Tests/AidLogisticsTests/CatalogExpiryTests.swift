import DomainKit
import EventLog
import Projections
import Testing

@testable import AidLogistics

/// The item catalog, expiry dates per lot, first-expiry-first-out, minimum stock and write-offs.
@Suite("Catalog and expiry")
struct CatalogExpiryTests {
    static let beras = AidDecider.Item(item: "beras", unit: "kg")

    static func catalog(_ item: String, unit: String, packs: [PackSize]? = nil, expires: Bool, category: String = "pangan")
        -> AidEvent
    {
        .itemCataloged(
            ItemCataloged(
                item: item, name: item.capitalized, category: category, baseUnit: unit, packs: packs, expires: expires,
                catalogedAt: Fx.t(5, 21)))
    }

    /// The catalog: beras in kg (1 karung = 25 kg) and mi instan in dus expire; terpal does not.
    static let catalogEvents: [AidEvent] = [
        catalog("beras", unit: "kg", packs: [PackSize(unit: "karung", baseQuantity: 25)], expires: true),
        catalog("mi instan", unit: "dus", expires: true),
        catalog("terpal", unit: "lembar", expires: false, category: "hunian"),
    ]

    /// A donation of items with their expiry dates.
    static func donate(_ id: String, _ items: [(String, String, Int, String?)], time: String = Fx.t(6, 8)) -> AidEvent {
        .donationReceived(
            DonationReceived(
                donationId: id, warehouseId: "gudang-a", donor: Donor(name: "BNPB", kind: "government"),
                items: items.map { ItemQuantity(item: $0.0, unit: $0.1, quantity: $0.2, expiresOn: $0.3) }, receivedAt: time,
                incidentId: Fx.incident))
    }

    /// gudang-a and posko-b, the catalog, and two lots of beras at gudang-a: DN-OLD received
    /// first but expiring later (30 Sep), DN-NEW received later but expiring sooner (20 Aug).
    static let events: [AidEvent] =
        [Fx.declared, Fx.register("gudang-a"), Fx.register("posko-b", kind: "posko", code: Fx.selagalas)] + catalogEvents + [
            donate("DN-OLD", [("beras", "kg", 100, "2018-09-30")], time: Fx.t(6, 8)),
            donate("DN-NEW", [("beras", "kg", 60, "2018-08-20")], time: Fx.t(6, 9)),
        ]

    static func refusal(_ e: AidEvent, on s: AidDecider.State) -> EventLogError? {
        do {
            try Fx.check(e, on: s)
            return nil
        } catch let error as EventLogError {
            return error
        } catch {
            return nil
        }
    }

    static func dispatch(_ lines: [RequestedLine], at time: String = Fx.t(7, 10)) -> AidLogisticsCommand {
        .dispatchShipment(
            DispatchShipment(
                shipmentId: "SH-9", fromWarehouseId: "gudang-a", toWarehouseId: "posko-b", lines: lines, vehicle: "Truk",
                driver: "sopir-01", dispatchedAt: time, incidentId: Fx.incident))
    }

    // MARK: Catalog

    @Test("once the catalog holds an item, free-text items and other units are refused naming the field; packs are taken")
    func catalogRefusesFreeText() throws {
        let s = try Fx.state(Self.events)
        let free = Self.refusal(Self.donate("DN-X", [("beras merah", "kg", 5, "2018-09-01")]), on: s)
        #expect(free?.code == .ruleViolation)
        #expect(free?.field == "data.items[0].item")
        #expect(free?.message.contains("beras merah is not in the item catalog") == true)
        let unit = Self.refusal(Self.donate("DN-X", [("terpal", "roll", 5, nil)]), on: s)
        #expect(unit?.field == "data.items[0].unit")
        #expect(unit?.message.contains("terpal is counted in lembar, not roll") == true)
        // A pack of the item is one of its units.
        try Fx.check(Self.donate("DN-X", [("beras", "karung", 4, "2018-10-01")]), on: s)
        // A request names cataloged items too.
        let request = AidEvent.itemsRequested(
            ItemsRequested(
                requestId: "RQ-9", warehouseId: "posko-b", lines: [ItemQuantity(item: "sarden", unit: "kaleng", quantity: 5)],
                priority: "tinggi", neededBy: Fx.t(8, 12), requestedAt: Fx.t(7, 8), incidentId: Fx.incident))
        #expect(Self.refusal(request, on: s)?.field == "data.lines[0].item")
        // Before any catalog, free text is taken (older logs, small deployments).
        let bare = try Fx.state(Fx.base)
        try Fx.check(Self.donate("DN-X", [("beras merah", "kg", 5, nil)]), on: bare)
    }

    @Test("an item is cataloged once; a pack is never the base unit nor listed twice")
    func catalogedOnce() throws {
        let s = try Fx.state(Self.events)
        let twice = Self.refusal(Self.catalog("beras", unit: "kg", expires: true), on: s)
        #expect(twice?.code == .ruleViolation && twice?.field == "data.item")
        let base = Self.refusal(
            Self.catalog("air mineral", unit: "dus", packs: [PackSize(unit: "dus", baseQuantity: 1)], expires: true), on: s)
        #expect(base?.code == .invalidInput && base?.field == "data.packs[0].unit")
        let listedTwice = Self.refusal(
            Self.catalog(
                "air mineral", unit: "botol", packs: [PackSize(unit: "dus", baseQuantity: 24), PackSize(unit: "dus", baseQuantity: 48)],
                expires: true), on: s)
        #expect(listedTwice?.field == "data.packs[1].unit")
        #expect(throws: EventLogError.self) {
            try ItemCataloged.read(
                Fx.json(
                    #"{"item":"x","name":"X","category":"mainan","baseUnit":"buah","expires":false,"catalogedAt":"2018-08-05T21:00:00+08:00"}"#
                ))
        }
    }

    @Test("an expiring item's lot needs its expiry date; a lasting item's lot refuses one; none expired before receipt")
    func expiryPerLot() throws {
        let s = try Fx.state(Self.events)
        let missing = Self.refusal(Self.donate("DN-X", [("mi instan", "dus", 5, nil)]), on: s)
        #expect(missing?.field == "data.items[0].expiresOn")
        #expect(missing?.message.contains("is required: mi instan expires") == true)
        let lasting = Self.refusal(Self.donate("DN-X", [("terpal", "lembar", 5, "2019-01-01")]), on: s)
        #expect(lasting?.field == "data.items[0].expiresOn")
        let stale = Self.refusal(Self.donate("DN-X", [("mi instan", "dus", 5, "2018-08-01")], time: Fx.t(6, 8)), on: s)
        #expect(stale?.message.contains("expired on 2018-08-01, before the donation was received (2018-08-06)") == true)
        #expect(throws: EventLogError.self) {
            try DonationReceived.read(
                Fx.json(
                    #"{"donationId":"D","warehouseId":"g","donor":{"name":"BNPB","kind":"government"},"items":[{"item":"beras","unit":"kg","quantity":1,"expiresOn":"2018-02-30"}],"receivedAt":"2018-08-06T08:00:00+08:00"}"#
                ))
        }
    }

    // MARK: First-expiry-first-out

    @Test("lines without lots take the earliest-expiring lot first, then first-in-first-out, skipping expired lots")
    func fefoFill() throws {
        let s = try Fx.state(Self.events)
        let decided = try AidDecider.decide(Self.dispatch([RequestedLine(item: "beras", unit: "kg", quantity: 80)]), s)
        guard case .shipmentDispatched(let d) = try #require(decided.first) else {
            Issue.record("not a dispatch")
            return
        }
        // DN-NEW expires first although it came later.
        #expect(d.lines[0].lots == [LotQuantity(donationId: "DN-NEW", quantity: 60), LotQuantity(donationId: "DN-OLD", quantity: 20)])
        // After 20 August DN-NEW has expired: only DN-OLD serves.
        let late = try AidDecider.decide(
            Self.dispatch([RequestedLine(item: "beras", unit: "kg", quantity: 80)], at: "2018-08-21T08:00:00+08:00"), s)
        guard case .shipmentDispatched(let l) = try #require(late.first) else {
            Issue.record("not a dispatch")
            return
        }
        #expect(l.lines[0].lots == [LotQuantity(donationId: "DN-OLD", quantity: 80)])
        // Asking for more than the unexpired lots hold names what expired.
        #expect(throws: EventLogError.self) {
            try AidDecider.decide(
                Self.dispatch([RequestedLine(item: "beras", unit: "kg", quantity: 120)], at: "2018-08-21T08:00:00+08:00"), s)
        }
        do {
            _ = try AidDecider.decide(
                Self.dispatch([RequestedLine(item: "beras", unit: "kg", quantity: 120)], at: "2018-08-21T08:00:00+08:00"), s)
        } catch {
            #expect(error.message.contains("exceeds the 100 on hand") && error.message.contains("60 more lie in lots that have expired"))
        }
    }

    @Test("a lot taken while an earlier-expiring lot keeps stock is refused naming both, unless a reason is given")
    func fefoRefusal() throws {
        let s = try Fx.state(Self.events)
        let wrong = Self.refusal(
            Fx.dispatch("SH-9", from: "gudang-a", to: "posko-b", [Fx.line("beras", "kg", [("DN-OLD", 30)])], time: Fx.t(7, 10)), on: s)
        #expect(wrong?.code == .ruleViolation)
        #expect(wrong?.field == "data.lines[0].lots[0].donationId")
        #expect(
            wrong?.message.contains(
                "lot DN-OLD of beras (kg) expires on 2018-09-30, but lot DN-NEW expires earlier (2018-08-20) and still holds 60 kg at gudang-a"
            ) == true)
        // Taking the earlier lot whole first is in order.
        try Fx.check(
            Fx.dispatch(
                "SH-9", from: "gudang-a", to: "posko-b", [Fx.line("beras", "kg", [("DN-NEW", 60), ("DN-OLD", 10)])], time: Fx.t(7, 10)),
            on: s)
        // A reason lets the officer take the later lot.
        var line = Fx.line("beras", "kg", [("DN-OLD", 30)])
        line.reason = "DN-NEW disimpan untuk posko balita"
        try Fx.check(Fx.dispatch("SH-9", from: "gudang-a", to: "posko-b", [line], time: Fx.t(7, 10)), on: s)
        // An expired lot is never handed out, reason or not.
        var expired = Fx.line("beras", "kg", [("DN-NEW", 10)])
        expired.reason = "darurat"
        let e = Self.refusal(
            Fx.distribute("DS-9", at: "gudang-a", [expired], households: 2, people: 7, time: "2018-08-21T08:00:00+08:00"), on: s)
        #expect(e?.field == "data.lines[0].lots[0].donationId")
        #expect(e?.message.contains("expired on 2018-08-20") == true)
    }

    @Test("through the log: the rules read lots by expiry from LMDB and decide as the fold; refusals write nothing")
    func throughTheLog() throws {
        let log = try TestLog()
        try log.append(Self.events)
        // DN-OLD while DN-NEW, expiring earlier, holds 60: refused by the rules, nothing written.
        let before = try log.store.head().position
        #expect(throws: EventLogError.self) {
            try log.append([
                Fx.dispatch("SH-10", from: "gudang-a", to: "posko-b", [Fx.line("beras", "kg", [("DN-OLD", 40)])], time: Fx.t(7, 11))
            ])
        }
        #expect(try log.store.head().position == before)
        let decision = try log.run(Self.dispatch([RequestedLine(item: "beras", unit: "kg", quantity: 70)]), now: Timestamp(Fx.t(7, 10))!)
        #expect(decision.events.count == 1)
        let persisted = try log.ruleGuard.withCurrentState(log.store) { try log.domain.rules.state }
        var folded = try Fx.state(Self.events)
        for e in decision.events {
            folded = AidDecider.evolve(folded, try AidEvent.read(type: e.type, data: e.dataValue))
        }
        #expect(persisted == folded)
        #expect(persisted.lots(at: "gudang-a", Self.beras) == [LotQuantity(donationId: "DN-OLD", quantity: 90)])
        // Now DN-NEW is gone and DN-OLD is next in order.
        try log.append([
            Fx.dispatch("SH-10", from: "gudang-a", to: "posko-b", [Fx.line("beras", "kg", [("DN-OLD", 40)])], time: Fx.t(7, 11))
        ])
        try log.run(.receiveShipment(ReceiveShipment(shipmentId: "SH-9", receivedAt: Fx.t(7, 15), incidentId: Fx.incident)))
        // The view keeps each lot's expiry, earliest first, wherever the lot lies.
        let atPosko = try #require(try log.read(AidViews.stock) { try AidQueries.stock($0, warehouseId: "posko-b") })
        #expect(atPosko.warehouses[0].items[0].lots.map(\.expiresOn) == ["2018-08-20", "2018-09-30"])
        #expect(atPosko.warehouses[0].items[0].lots.map(\.onHand) == [60, 10])
    }

    // MARK: Write-offs

    @Test("a write-off takes stock out, waits for approval above the threshold, and counts as written off in the trace")
    func writeOff() throws {
        let log = try TestLog()
        try log.append(Self.events)
        func writeOff(_ q: Int, id: String) -> AidLogisticsCommand {
            .adjustStock(
                AdjustStock(
                    warehouseId: "gudang-a", item: "beras", unit: "kg", donationId: "DN-NEW", quantity: q, reason: "kedaluwarsa",
                    adjustedAt: "2018-08-21T09:00:00+08:00", adjustmentId: id, requestedBy: "test", writeOff: true))
        }
        #expect(throws: EventLogError.self) { try log.run(writeOff(10, id: "AD-8")) }
        try log.run(writeOff(-20, id: "AD-1"))
        // Above a threshold of 10 (a domain configured so), the write-off waits.
        let strict = try TestLog(domain: AidLogisticsDomain(adjustmentApprovalAbove: 10))
        try strict.append(Self.events)
        try strict.run(writeOff(-40, id: "AD-2"))
        let pending = try strict.read(AidViews.stock) { try AidQueries.pendingAdjustments($0) }
        #expect(pending.adjustments.map(\.adjustmentId) == ["AD-2"])
        var t = try #require(try strict.read(AidViews.trace) { try AidQueries.trace($0, donationId: "DN-NEW") })
        #expect(t.balance.items[0].writtenOff == 0)
        // A second officer (another key) approves.
        let approval = try strict.ruleGuard.withCurrentState(strict.store) {
            try strict.domain.decide(
                .approveAdjustment(ApproveAdjustment(adjustmentId: "AD-2", approvedBy: "bob", approvedAt: "2018-08-21T10:00:00+08:00")),
                now: .now())
        }
        _ = try strict.store.appendBlocking(try AppendRequest(events: approval.events, actor: "bob"))
        t = try #require(try strict.read(AidViews.trace) { try AidQueries.trace($0, donationId: "DN-NEW") })
        #expect(t.balance.items[0].writtenOff == 40 && t.balance.items[0].onHand == 20 && t.balance.holds)
        #expect(t.steps.last?.kind == .writtenOff && t.steps.last?.quantity == 40)
        let plain = try #require(try log.read(AidViews.trace) { try AidQueries.trace($0, donationId: "DN-NEW") })
        #expect(plain.balance.items[0].writtenOff == 20 && plain.balance.holds)
    }
}
