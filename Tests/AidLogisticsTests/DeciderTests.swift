import DomainKit
import EventLog
import Testing

@testable import AidLogistics

@Suite("Decider: decide and evolve without storage")
struct DeciderTests {
    let beras = AidDecider.Item(item: "beras", unit: "kg")
    let mi = AidDecider.Item(item: "mi instan", unit: "dus")

    func dispatch(_ lines: [RequestedLine], from: String = "gudang-a", to: String = "posko-b", id: String = "SH-2") -> AidLogisticsCommand {
        .dispatchShipment(
            DispatchShipment(
                shipmentId: id, fromWarehouseId: from, toWarehouseId: to, lines: lines, vehicle: "Truk", driver: "sopir-07",
                dispatchedAt: Fx.t(7, 9), incidentId: Fx.incident))
    }

    @Test("lots are taken first-in-first-out and recorded in the event")
    func fifo() throws {
        let s = try Fx.state(Fx.base)
        let events = try AidDecider.decide(dispatch([RequestedLine(item: "beras", unit: "kg", quantity: 30)]), s)
        guard case .shipmentDispatched(let e) = try #require(events.first) else {
            Issue.record("not a dispatch")
            return
        }
        #expect(e.lines == [Fx.line("beras", "kg", [("DN-1", 20), ("DN-2", 10)])])
    }

    @Test("first-in-first-out follows the receipt order, not the ids")
    func fifoByReceiptOrder() throws {
        let s = try Fx.state([
            Fx.declared, Fx.register("gudang-a"), Fx.register("posko-b", kind: "posko", code: Fx.selagalas),
            Fx.donate("DN-Z", at: "gudang-a", [("terpal", "lembar", 5)], time: Fx.t(6, 8)),
            Fx.donate("DN-A", at: "gudang-a", [("terpal", "lembar", 5)], time: Fx.t(6, 7)),
        ])
        #expect(s.lots(at: "gudang-a", AidDecider.Item(item: "terpal", unit: "lembar")).map(\.donationId) == ["DN-Z", "DN-A"])
        let events = try AidDecider.decide(dispatch([RequestedLine(item: "terpal", unit: "lembar", quantity: 7)]), s)
        guard case .shipmentDispatched(let e) = try #require(events.first) else {
            Issue.record("not a dispatch")
            return
        }
        #expect(e.lines[0].lots == [LotQuantity(donationId: "DN-Z", quantity: 5), LotQuantity(donationId: "DN-A", quantity: 2)])
    }

    @Test("lots named by the caller are kept")
    func explicitLots() throws {
        let s = try Fx.state(Fx.base)
        let lots = [LotQuantity(donationId: "DN-2", quantity: 30)]
        let events = try AidDecider.decide(dispatch([RequestedLine(item: "beras", unit: "kg", quantity: 30, lots: lots)]), s)
        guard case .shipmentDispatched(let e) = try #require(events.first) else {
            Issue.record("not a dispatch")
            return
        }
        #expect(e.lines[0].lots == lots)
    }

    @Test("asking for more than the warehouse holds is refused, naming the total")
    func fifoShort() throws {
        let s = try Fx.state(Fx.base)
        #expect(
            throws: EventLogError(
                .ruleViolation,
                "data.lines[0].quantity: 71 kg of beras exceeds the 70 on hand at gudang-a (all lots given for incident gempa-uji)",
                field: "data.lines[0].quantity")
        ) {
            try AidDecider.decide(dispatch([RequestedLine(item: "beras", unit: "kg", quantity: 71)]), s)
        }
        // Explicit lots are checked by the rules.
        #expect(
            throws: EventLogError(
                .ruleViolation, "data.lines[0].lots[0].quantity: 21 kg of beras from lot DN-1 exceeds the 20 on hand at gudang-a",
                field: "data.lines[0].lots[0].quantity")
        ) {
            try AidDecider.decide(
                dispatch([RequestedLine(item: "beras", unit: "kg", quantity: 21, lots: [LotQuantity(donationId: "DN-1", quantity: 21)])]), s
            )
        }
    }

    @Test("a command reports the decider's refusals with the paths of its body")
    func bodyPaths() throws {
        let log = try TestLog()
        try log.append(Fx.base)
        #expect(
            throws: EventLogError(
                .ruleViolation,
                "lines[0].quantity: 71 kg of beras exceeds the 70 on hand at gudang-a (all lots given for incident gempa-uji)",
                field: "lines[0].quantity")
        ) {
            try log.run(dispatch([RequestedLine(item: "beras", unit: "kg", quantity: 71)]))
        }
        #expect(
            throws: EventLogError(
                .ruleViolation, "lines[0].lots[0].quantity: 21 kg of beras from lot DN-1 exceeds the 20 on hand at gudang-a",
                field: "lines[0].lots[0].quantity")
        ) {
            try log.run(
                dispatch([RequestedLine(item: "beras", unit: "kg", quantity: 21, lots: [LotQuantity(donationId: "DN-1", quantity: 21)])]))
        }
        let error = #expect(throws: EventLogError.self) {
            try log.run(dispatch([RequestedLine(item: "beras", unit: "kg", quantity: 1)], from: "gudang-z"))
        }
        #expect(error?.field == "fromWarehouseId")
        #expect(try log.store.stats().events == UInt64(Fx.base.count))
    }

    @Test("an unregistered source is refused as such, not as empty stock")
    func unknownSource() throws {
        let s = try Fx.state(Fx.base)
        let error = #expect(throws: EventLogError.self) {
            try AidDecider.decide(dispatch([RequestedLine(item: "beras", unit: "kg", quantity: 1)], from: "gudang-z"), s)
        }
        #expect(error?.field == "data.fromWarehouseId")
    }

    @Test("a receipt without lines receives everything dispatched in full")
    func receiveInFull() throws {
        let s = try Fx.state(Fx.base)
        let events = try AidDecider.decide(.receiveShipment(ReceiveShipment(shipmentId: "SH-1", receivedAt: Fx.t(6, 12))), s)
        guard case .shipmentReceived(let e) = try #require(events.first) else {
            Issue.record("not a receipt")
            return
        }
        #expect(
            Set(e.lines) == [
                ReceivedLine(item: "beras", unit: "kg", donationId: "DN-1", quantity: 80),
                ReceivedLine(item: "mi instan", unit: "dus", donationId: "DN-1", quantity: 10),
            ])
        #expect(e.notes == "")
        let after = AidDecider.evolve(s, events[0])
        #expect(after.onHand(at: "posko-b", beras, lot: "DN-1") == 80)
        #expect(after.shipments["SH-1"]?.received == true)
    }

    @Test("a partial receipt leaves the rest as lost; a second receipt is refused")
    func partialReceipt() throws {
        var s = try Fx.state(Fx.base)
        let events = try AidDecider.decide(
            .receiveShipment(
                ReceiveShipment(
                    shipmentId: "SH-1", lines: [ReceivedLine(item: "beras", unit: "kg", donationId: "DN-1", quantity: 75)],
                    receivedAt: Fx.t(6, 12),
                    notes: "5 kg tumpah")), s)
        s = AidDecider.evolve(s, events[0])
        #expect(s.onHand(at: "posko-b", beras, lot: "DN-1") == 75)
        #expect(s.onHand(at: "posko-b", mi, lot: "DN-1") == 0)
        #expect(throws: EventLogError.self) {
            try AidDecider.decide(.receiveShipment(ReceiveShipment(shipmentId: "SH-1", receivedAt: Fx.t(6, 13))), s)
        }
    }

    @Test("distribution takes first-in-first-out from the post's own stock")
    func distribute() throws {
        let s = try Fx.state(Fx.base + [receivedSH1])
        let command = AidLogisticsCommand.distributeAid(
            DistributeAid(
                distributionId: "DS-1", warehouseId: "posko-b", kelurahanCode: Fx.selagalas,
                lines: [RequestedLine(item: "beras", unit: "kg", quantity: 50)], households: 10, people: 38, distributedAt: Fx.t(6, 15),
                incidentId: Fx.incident))
        let events = try AidDecider.decide(command, s)
        guard case .aidDistributed(let e) = try #require(events.first) else {
            Issue.record("not a distribution")
            return
        }
        #expect(e.lines == [Fx.line("beras", "kg", [("DN-1", 50)])])
        #expect(AidDecider.evolve(s, events[0]).onHand(at: "posko-b", beras, lot: "DN-1") == 30)
        // The gudang's stock is not the post's.
        let other = AidLogisticsCommand.distributeAid(
            DistributeAid(
                distributionId: "DS-2", warehouseId: "posko-b", kelurahanCode: Fx.selagalas,
                lines: [RequestedLine(item: "beras", unit: "kg", quantity: 81)], households: 10, people: 38, distributedAt: Fx.t(6, 15),
                incidentId: Fx.incident))
        #expect(throws: EventLogError.self) { try AidDecider.decide(other, s) }
    }

    @Test("evolve is pure: the state passed in is unchanged")
    func evolveIsPure() throws {
        let s = try Fx.state(Fx.base)
        let next = AidDecider.evolve(s, Fx.adjust("gudang-a", "beras", "kg", lot: "DN-2", -5))
        #expect(s.onHand(at: "gudang-a", beras, lot: "DN-2") == 50)
        #expect(next.onHand(at: "gudang-a", beras, lot: "DN-2") == 45)
        #expect(next != s)
    }

    @Test("stock on hand and in-transit bookkeeping of the state")
    func stateBookkeeping() throws {
        let s = try Fx.state(Fx.base)
        #expect(s.total(at: "gudang-a", beras) == 70)
        #expect(s.lots(at: "gudang-a", mi) == [LotQuantity(donationId: "DN-1", quantity: 10)])
        #expect(s.shipments["SH-1"]?.lots.values.reduce(0, +) == 90)
        #expect(s.donations["DN-2"]?.sequence == 2)
        #expect(s.donationCount == 2)
    }

    @Test("ids and times are made when absent, kept when given")
    func resolve() throws {
        let now = try #require(Timestamp("2018-08-07T01:00:00Z"))
        let c = AidLogisticsCommand.receiveDonation(
            ReceiveDonation(
                warehouseId: "gudang-a", donor: Donor(name: "ACT", kind: "ngo"),
                items: [ItemQuantity(item: "beras", unit: "karung", quantity: 3)], incidentId: Fx.incident))
        var g = SplitMix64(seed: 7)
        let (resolved, ids) = c.resolved(now: now) { AidIDs.make($0, year: $1, using: &g) }
        guard case .receiveDonation(let r) = resolved else {
            Issue.record("changed kind")
            return
        }
        let id = try #require(ids["donationId"])
        #expect(r.donationId == id)
        #expect(id.hasPrefix("DN-2018-") && id.count == 16)
        try AidIDs.check(id, field: "donationId")
        #expect(r.receivedAt == "2018-08-07T01:00:00.000Z")
        let given = AidLogisticsCommand.receiveDonation(
            ReceiveDonation(
                donationId: "DN-X", warehouseId: "gudang-a", donor: Donor(name: "ACT", kind: "ngo"),
                items: [ItemQuantity(item: "beras", unit: "karung", quantity: 3)], receivedAt: Fx.t(6, 8), incidentId: Fx.incident))
        #expect(given.resolved(now: now) { _, _ in "unused" }.ids == ["donationId": "DN-X"])
        // Unresolved commands are refused by the pure decider.
        #expect(throws: EventLogError.self) { try AidDecider.decide(c, try Fx.state(Fx.base)) }
    }

    @Test("made ids are random and valid")
    func madeIDs() throws {
        var seen = Set<String>()
        for _ in 0..<1000 {
            let id = AidIDs.make("SH", year: 2018)
            try AidIDs.check(id, field: "shipmentId")
            seen.insert(id)
        }
        #expect(seen.count == 1000)
    }
}
