import DomainKit
import EventLog
import Projections
import Testing

@testable import AidLogistics

/// A bad event offered after `setup` (on top of `Fx.base`), and how it must be refused.
struct RuleCase: CustomStringConvertible, Sendable {
    let name: String
    let setup: [AidEvent]
    let stream: String
    let type: String
    let data: String
    let occurredAt: String?
    let code: EventLogError.Code
    let field: String
    var description: String { name }

    init(_ name: String, setup: [AidEvent] = [], _ event: AidEvent, code: EventLogError.Code = .ruleViolation, field: String) {
        self.name = name
        self.setup = setup
        stream = event.stream
        type = event.type
        data = event.json.description
        occurredAt = nil
        self.code = code
        self.field = field
    }

    init(
        _ name: String, setup: [AidEvent] = [], stream: String, type: String, data: String, occurredAt: String? = nil,
        code: EventLogError.Code = .invalidInput, field: String
    ) {
        self.name = name
        self.setup = setup
        self.stream = stream
        self.type = type
        self.data = data
        self.occurredAt = occurredAt
        self.code = code
        self.field = field
    }
}

let receivedSH1 = Fx.receive("SH-1", [("beras", "kg", "DN-1", 80), ("mi instan", "dus", "DN-1", 10)])

let ruleCases: [RuleCase] = [
    // aid.warehouse-registered
    RuleCase("a warehouse registers once", Fx.register("gudang-a"), field: "data.warehouseId"),
    RuleCase("the kelurahan code must exist", Fx.register("gudang-x", code: "52.71.09.9999"), field: "data.kelurahanCode"),
    RuleCase(
        "kind is gudang or posko", stream: "warehouse-w1", type: AidEventType.warehouseRegistered,
        data: #"{"warehouseId":"w1","name":"Gudang","kind":"depot","kelurahanCode":"52.71.05.1005"}"#, field: "data.kind"),
    RuleCase(
        "a warehouse id fits the stream charset", stream: "warehouse-w1", type: AidEventType.warehouseRegistered,
        data: #"{"warehouseId":"w 1","name":"Gudang","kind":"gudang","kelurahanCode":"52.71.05.1005"}"#, field: "data.warehouseId"),
    // aid.donation-received
    RuleCase(
        "a donation goes to a registered warehouse", Fx.donate("DN-9", at: "gudang-z", [("beras", "kg", 5)]), field: "data.warehouseId"),
    RuleCase("a donation is received once", Fx.donate("DN-1", at: "gudang-a", [("beras", "kg", 5)]), field: "data.donationId"),
    RuleCase(
        "quantities are positive integers", stream: "donation-DN-9", type: AidEventType.donationReceived,
        data:
            #"{"donationId":"DN-9","warehouseId":"gudang-a","donor":{"name":"BNPB","kind":"government"},"items":[{"item":"beras","unit":"kg","quantity":0}],"receivedAt":"2018-08-06T08:00:00+08:00"}"#,
        field: "data.items[0].quantity"),
    RuleCase(
        "quantities are integers", stream: "donation-DN-9", type: AidEventType.donationReceived,
        data:
            #"{"donationId":"DN-9","warehouseId":"gudang-a","donor":{"name":"BNPB","kind":"government"},"items":[{"item":"beras","unit":"kg","quantity":2.5}],"receivedAt":"2018-08-06T08:00:00+08:00"}"#,
        field: "data.items[0].quantity"),
    RuleCase(
        "each item and unit once per donation", Fx.donate("DN-9", at: "gudang-a", [("beras", "kg", 5), ("beras", "kg", 7)]),
        code: .invalidInput, field: "data.items[1]"),
    RuleCase(
        "receivedAt is an RFC 3339 time", stream: "donation-DN-9", type: AidEventType.donationReceived,
        data:
            #"{"donationId":"DN-9","warehouseId":"gudang-a","donor":{"name":"BNPB","kind":"government"},"items":[{"item":"beras","unit":"kg","quantity":5}],"receivedAt":"kemarin"}"#,
        field: "data.receivedAt"),
    RuleCase(
        "the donor is required", stream: "donation-DN-9", type: AidEventType.donationReceived,
        data:
            #"{"donationId":"DN-9","warehouseId":"gudang-a","items":[{"item":"beras","unit":"kg","quantity":5}],"receivedAt":"2018-08-06T08:00:00+08:00"}"#,
        field: "data.donor"),
    RuleCase(
        "unknown fields are refused", stream: "donation-DN-9", type: AidEventType.donationReceived,
        data:
            #"{"donationId":"DN-9","warehouseId":"gudang-a","donor":{"name":"BNPB","kind":"government"},"items":[{"item":"beras","unit":"kg","quantity":5}],"receivedAt":"2018-08-06T08:00:00+08:00","colour":"red"}"#,
        field: "data.colour"),
    RuleCase(
        "an event belongs on its own stream", stream: "donation-DN-8", type: AidEventType.donationReceived,
        data: Fx.donate("DN-9", at: "gudang-a", [("beras", "kg", 5)]).json.description, field: "stream"),
    RuleCase(
        "occurredAt is the payload's time", stream: "donation-DN-9", type: AidEventType.donationReceived,
        data: Fx.donate("DN-9", at: "gudang-a", [("beras", "kg", 5)]).json.description, occurredAt: "2018-08-06T09:00:00+08:00",
        field: "occurredAt"),
    RuleCase(
        "unknown aid types are refused", stream: "donation-DN-9", type: "aid.donation-teleported", data: #"{"donationId":"DN-9"}"#,
        field: "type"),
    // aid.shipment-dispatched
    RuleCase(
        "never more than the source holds, per lot",
        Fx.dispatch("SH-2", from: "gudang-a", to: "posko-b", [Fx.line("beras", "kg", [("DN-1", 60)])]),
        field: "data.lines[0].lots[0].quantity"),
    RuleCase(
        "never from a warehouse that does not hold the lot",
        Fx.dispatch("SH-2", from: "posko-b", to: "gudang-a", [Fx.line("beras", "kg", [("DN-2", 1)])]),
        field: "data.lines[0].lots[0].quantity"),
    RuleCase(
        "lots add up to the line's quantity",
        Fx.dispatch(
            "SH-2", from: "gudang-a", to: "posko-b",
            [LotLine(item: "beras", unit: "kg", quantity: 30, lots: [LotQuantity(donationId: "DN-2", quantity: 20)])]),
        field: "data.lines[0].lots"),
    RuleCase(
        "lots must be received donations",
        Fx.dispatch("SH-2", from: "gudang-a", to: "posko-b", [Fx.line("beras", "kg", [("DN-404", 1)])]),
        field: "data.lines[0].lots[0].donationId"),
    RuleCase(
        "the destination is registered", Fx.dispatch("SH-2", from: "gudang-a", to: "posko-z", [Fx.line("beras", "kg", [("DN-2", 1)])]),
        field: "data.toWarehouseId"),
    RuleCase(
        "the source is registered", Fx.dispatch("SH-2", from: "gudang-z", to: "posko-b", [Fx.line("beras", "kg", [("DN-2", 1)])]),
        field: "data.fromWarehouseId"),
    RuleCase(
        "a shipment goes elsewhere", Fx.dispatch("SH-2", from: "gudang-a", to: "gudang-a", [Fx.line("beras", "kg", [("DN-2", 1)])]),
        field: "data.toWarehouseId"),
    RuleCase(
        "a shipment is dispatched once", Fx.dispatch("SH-1", from: "gudang-a", to: "posko-b", [Fx.line("beras", "kg", [("DN-2", 1)])]),
        field: "data.shipmentId"),
    RuleCase(
        "each item once per shipment",
        Fx.dispatch(
            "SH-2", from: "gudang-a", to: "posko-b", [Fx.line("beras", "kg", [("DN-2", 1)]), Fx.line("beras", "kg", [("DN-2", 1)])]),
        code: .invalidInput, field: "data.lines[1]"),
    RuleCase(
        "lots are required in the event", stream: "shipment-SH-2", type: AidEventType.shipmentDispatched,
        data:
            #"{"shipmentId":"SH-2","fromWarehouseId":"gudang-a","toWarehouseId":"posko-b","lines":[{"item":"beras","unit":"kg","quantity":5}],"vehicle":"Truk","driver":"sopir-07","dispatchedAt":"2018-08-06T10:00:00+08:00"}"#,
        field: "data.lines[0].lots"),
    // aid.shipment-received
    RuleCase("only a dispatched shipment is received", Fx.receive("SH-404", []), field: "data.shipmentId"),
    RuleCase("a shipment is received once", setup: [receivedSH1], Fx.receive("SH-1", []), field: "data.shipmentId"),
    RuleCase(
        "never more than dispatched, per lot", Fx.receive("SH-1", [("beras", "kg", "DN-1", 81)]), field: "data.lines[0].quantity"),
    RuleCase(
        "only lots the shipment carried", Fx.receive("SH-1", [("beras", "kg", "DN-2", 1)]), field: "data.lines[0]"),
    RuleCase(
        "each lot once per receipt", Fx.receive("SH-1", [("beras", "kg", "DN-1", 1), ("beras", "kg", "DN-1", 1)]),
        code: .invalidInput, field: "data.lines[1]"),
    // aid.aid-distributed
    RuleCase(
        "from stock at that post only",
        Fx.distribute("DS-1", at: "posko-b", [Fx.line("beras", "kg", [("DN-1", 10)])]), field: "data.lines[0].lots[0].quantity"),
    RuleCase(
        "the kelurahan exists", setup: [receivedSH1],
        Fx.distribute("DS-1", at: "posko-b", code: "52.71.07.1001", [Fx.line("beras", "kg", [("DN-1", 10)])]), field: "data.kelurahanCode"),
    RuleCase(
        "at least one person per household", setup: [receivedSH1],
        Fx.distribute("DS-1", at: "posko-b", [Fx.line("beras", "kg", [("DN-1", 10)])], households: 20, people: 19), field: "data.people"),
    RuleCase(
        "a distribution is recorded once",
        setup: [receivedSH1, Fx.distribute("DS-1", at: "posko-b", [Fx.line("beras", "kg", [("DN-1", 10)])])],
        Fx.distribute("DS-1", at: "posko-b", [Fx.line("beras", "kg", [("DN-1", 10)])]), field: "data.distributionId"),
    RuleCase(
        "households are positive", stream: "distribution-DS-1", type: AidEventType.aidDistributed,
        data:
            #"{"distributionId":"DS-1","warehouseId":"posko-b","kelurahanCode":"52.71.06.1004","lines":[{"item":"beras","unit":"kg","quantity":1,"lots":[{"donationId":"DN-1","quantity":1}]}],"households":0,"people":0,"distributedAt":"2018-08-06T15:00:00+08:00"}"#,
        field: "data.households"),
    // aid.stock-adjusted
    RuleCase("never below zero", Fx.adjust("gudang-a", "beras", "kg", lot: "DN-1", -21), field: "data.quantity"),
    RuleCase("the lot holds the item", Fx.adjust("gudang-a", "terpal", "lembar", lot: "DN-1", 5), field: "data.item"),
    RuleCase("the lot exists", Fx.adjust("gudang-a", "beras", "kg", lot: "DN-404", 5), field: "data.donationId"),
    RuleCase("the warehouse is registered", Fx.adjust("gudang-z", "beras", "kg", lot: "DN-1", -1), field: "data.warehouseId"),
    RuleCase(
        "an adjustment is not zero", stream: "warehouse-gudang-a", type: AidEventType.stockAdjusted,
        data: #"{"warehouseId":"gudang-a","item":"beras","unit":"kg","donationId":"DN-1","quantity":0,"reason":"salah hitung"}"#,
        field: "data.quantity"),
]

@Suite("Rules refuse bad events through admit and through a raw append")
struct RulesTests {
    @Test("refused by admit, state unchanged", arguments: ruleCases)
    func admitRefuses(_ c: RuleCase) throws {
        let rules = AidLogisticsRules()
        try RuleGuard.withScratchState([rules]) {
            for e in Fx.base + c.setup { try rules.admit(Fx.domainEvent(e)) }
            let before = try rules.decisions.entries()
            let data = try Fx.json(c.data)
            let event = DomainEvent(stream: c.stream, type: c.type, data: data, occurredAt: c.occurredAt.flatMap { Timestamp($0) })
            do {
                try rules.admit(event)
                Issue.record("\(c.name): admitted")
            } catch let error as EventLogError {
                #expect(error.code == c.code, "\(c.name): \(error.message)")
                #expect(error.field == c.field, "\(c.name): \(error.message)")
                #expect(error.message.hasPrefix("\(c.field): "), "\(error.message)")
            }
            #expect(try rules.decisions.entries() == before)
        }
    }

    @Test("refused by a raw append to a guarded store, log unchanged", arguments: ruleCases)
    func rawAppendRefuses(_ c: RuleCase) throws {
        let log = try TestLog()
        try log.append(Fx.base + c.setup)
        let before = try log.store.stats()
        let data = try Fx.json(c.data)
        do {
            try log.appendRaw(stream: c.stream, type: c.type, data: data, occurredAt: c.occurredAt.flatMap { Timestamp($0) })
            Issue.record("\(c.name): appended")
        } catch let error as EventLogError {
            #expect(error.code == c.code, "\(c.name): \(error.message)")
            #expect(error.field == c.field, "\(c.name): \(error.message)")
        }
        let after = try log.store.stats()
        #expect(after == before)
        #expect(after.headHash == before.headHash)
        // The state the guard keeps was not changed by the refusal: a valid event still passes.
        try log.append([Fx.donate("DN-ok", at: "gudang-a", [("beras", "kg", 1)])])
    }

    @Test("a refused event in a batch refuses the whole batch")
    func batchIsAtomic() throws {
        let log = try TestLog()
        try log.append(Fx.base)
        let before = try log.store.stats()
        #expect(throws: EventLogError.self) {
            try log.append([
                Fx.donate("DN-3", at: "gudang-a", [("beras", "kg", 10)]),
                Fx.dispatch("SH-2", from: "gudang-a", to: "posko-b", [Fx.line("beras", "kg", [("DN-3", 11)])]),
            ])
        }
        #expect(try log.store.stats() == before)
        // Events of one batch see each other: the same batch with 10 passes.
        try log.append([
            Fx.donate("DN-3", at: "gudang-a", [("beras", "kg", 10)]),
            Fx.dispatch("SH-2", from: "gudang-a", to: "posko-b", [Fx.line("beras", "kg", [("DN-3", 10)])]),
        ])
    }

    @Test("an idempotent retry (same event ids) is answered with the original positions, not refused")
    func idempotentRetry() throws {
        let log = try TestLog()
        let events = AidScenario.scenario(seed: 5, scale: 0.01).prefix(80).map(\.event)
        let first = try log.store.appendBlocking(try AppendRequest(events: Array(events), actor: "seed"))
        let again = try log.store.appendBlocking(try AppendRequest(events: Array(events), actor: "seed"))
        #expect(again.duplicate)
        #expect(again.results.map(\.position) == first.results.map(\.position))
        #expect(try log.store.stats().events == UInt64(events.count))
    }

    @Test("the message names the field and the numbers")
    func messageNamesNumbers() throws {
        let s = try Fx.state(Fx.base)
        let e = Fx.dispatch("SH-2", from: "gudang-a", to: "posko-b", [Fx.line("beras", "kg", [("DN-1", 60)])])
        #expect(
            throws: EventLogError(
                .ruleViolation, "data.lines[0].lots[0].quantity: 60 kg of beras from lot DN-1 exceeds the 20 on hand at gudang-a",
                field: "data.lines[0].lots[0].quantity")
        ) {
            try AidDecider.decide(AidLogisticsCommand(recording: e), s)
        }
    }

    @Test("owns every aid. type and nothing else")
    func owns() {
        let rules = AidLogisticsRules()
        #expect(rules.owns("aid.donation-received"))
        #expect(rules.owns("aid.anything"))
        #expect(!rules.owns("documents.status-changed"))
        #expect(!rules.owns("prices.price-reported"))
    }

    @Test("evolve folds what admit would refuse, and skips what it cannot read")
    func evolveNeverThrows() throws {
        let rules = AidLogisticsRules()
        try RuleGuard.withScratchState([rules]) {
            for e in Fx.base { try rules.evolve(Fx.domainEvent(e)) }
            try rules.evolve(DomainEvent(stream: "donation-x", type: "aid.donation-received", data: ["nonsense": true]))
            try rules.evolve(Fx.domainEvent(Fx.adjust("gudang-a", "beras", "kg", lot: "DN-1", -500)))
            #expect(try rules.state.onHand(at: "gudang-a", AidDecider.Item(item: "beras", unit: "kg"), lot: "DN-1") == -480)
        }
        // The scratch state was a trial: a new one starts empty.
        #expect(try RuleGuard.withScratchState([rules]) { try rules.state } == AidDecider.initial)
    }
}
