import DomainKit
import EventLog
import Testing

@testable import AidLogistics

@Suite("Requests and commitments: need, promise, shipments that fulfil, status")
struct RequestTests {
    static func request(_ id: String, at warehouse: String = "posko-b", _ lines: [(String, String, Int)], time: String = Fx.t(6, 9, 10))
        -> AidEvent
    {
        .itemsRequested(
            ItemsRequested(
                requestId: id, warehouseId: warehouse, lines: lines.map { ItemQuantity(item: $0.0, unit: $0.1, quantity: $0.2) },
                priority: "tinggi", neededBy: Fx.t(8, 12), requestedAt: time, incidentId: Fx.incident))
    }

    static func commit(_ id: String, from: String = "gudang-a", _ lines: [(String, String, Int)], time: String = Fx.t(6, 9, 20)) -> AidEvent
    {
        .requestCommitted(
            RequestCommitted(
                requestId: id, fromWarehouseId: from, lines: lines.map { ItemQuantity(item: $0.0, unit: $0.1, quantity: $0.2) },
                committedAt: time, incidentId: Fx.incident))
    }

    /// `Fx.base` with posko-c (Rembiga) too, and RQ-1 of posko-b for 100 kg beras and 20 dus mi, committed 60 kg by gudang-a.
    static let base: [AidEvent] =
        Fx.base + [
            Fx.register("posko-c", kind: "posko", code: Fx.rembiga), request("RQ-1", [("beras", "kg", 100), ("mi instan", "dus", 20)]),
            commit("RQ-1", [("beras", "kg", 60)]),
        ]

    static func dispatch(_ id: String, to: String = "posko-b", request: String? = "RQ-1", _ lines: [LotLine]) -> AidEvent {
        guard case .shipmentDispatched(var s) = Fx.dispatch(id, from: "gudang-a", to: to, lines, time: Fx.t(6, 10, 30)) else {
            return Fx.declared
        }
        s.requestId = request
        return .shipmentDispatched(s)
    }

    @Test("a shipment naming the request fulfils it: open, partly fulfilled, fulfilled by what arrived")
    func fulfilment() throws {
        let log = try TestLog()
        try log.append(Self.base)
        func status() throws -> RequestStatus? {
            try log.read(AidViews.requests) { try AidQueries.request($0, requestId: "RQ-1") }?.status
        }
        #expect(try status() == .open)
        try log.append([
            Self.dispatch("SH-R1", [Fx.line("beras", "kg", [("DN-2", 50)])]),
            Fx.receive("SH-R1", [("beras", "kg", "DN-2", 45)], time: Fx.t(6, 11)),
        ])
        #expect(try status() == .partlyFulfilled)
        let r = try #require(try log.read(AidViews.requests) { try AidQueries.request($0, requestId: "RQ-1") })
        #expect(r.lines.map(\.requested) == [100, 20] && r.lines.map(\.committed) == [60, 0])
        #expect(r.lines.map(\.dispatched) == [50, 0] && r.lines.map(\.delivered) == [45, 0] && r.shipments == ["SH-R1"])
        #expect(r.kelurahanCode == Fx.selagalas)
        try log.append([
            Self.dispatch("SH-R2", [Fx.line("beras", "kg", [("DN-1", 20)]), Fx.line("mi instan", "dus", [("DN-1", 10)])])
        ])
        // SH-1 (not naming the request) does not count; the rest of what is needed comes in SH-R2 and SH-R3.
        let state = try log.ruleGuard.withCurrentState(log.store) { try log.domain.rules.state }
        #expect(state.requests["RQ-1"]?.status == .partlyFulfilled)
        let needs = try log.read(AidViews.requests) { try AidQueries.needs($0, incidentId: Fx.incident) }
        #expect(needs.desa.map(\.kelurahanCode) == [Fx.selagalas])
        #expect(needs.desa.first?.items.map(\.targeted) == [100, 20] && needs.desa.first?.items.map(\.reached) == [45, 0])
    }

    @Test("refusals name the field and write nothing: another post's request, an item not asked for, over-commitment, twice, cancelled")
    func refusals() throws {
        let log = try TestLog()
        try log.append(Self.base)
        let before = try log.store.stats()
        for (event, field, words) in [
            (Self.dispatch("SH-X", to: "posko-c", [Fx.line("beras", "kg", [("DN-2", 5)])]), "data.requestId", "another post's request"),
            (Self.dispatch("SH-X", [Fx.line("terpal", "lembar", [("DN-2", 5)])]), "data.lines[0].lots[0].quantity", "exceeds"),
            (Self.commit("RQ-1", [("beras", "kg", 41)]), "data.lines[0].quantity", "still lacks after earlier commitments"),
            (Self.commit("RQ-1", [("terpal", "lembar", 1)]), "data.lines[0]", "does not ask for"),
            (Self.commit("RQ-1", from: "posko-b", [("beras", "kg", 1)]), "data.fromWarehouseId", "another warehouse commits"),
            (Self.commit("RQ-9", [("beras", "kg", 1)]), "data.requestId", "no request RQ-9"),
            (Self.request("RQ-1", [("beras", "kg", 1)]), "data.requestId", "already made"),
            (Self.request("RQ-2", [("beras", "kg", 1), ("beras", "kg", 2)]), "data.lines[1]", "already in lines[0]"),
        ] {
            let error = #expect(throws: EventLogError.self) { try log.append([event]) }
            #expect(error?.field == field, "\(error?.message ?? "")")
            #expect(error?.message.contains(words) == true, "\(error?.message ?? "")")
        }
        #expect(try log.store.stats() == before)
        // An item the request does not list, from stock that exists: refused naming the line.
        try log.append([Fx.donate("DN-T", at: "gudang-a", [("terpal", "lembar", 10)], time: Fx.t(6, 9, 30))])
        let item = #expect(throws: EventLogError.self) {
            try log.append([Self.dispatch("SH-X", [Fx.line("terpal", "lembar", [("DN-T", 5)])])])
        }
        #expect(item?.field == "data.lines[0]" && item?.message.contains("does not ask for terpal") == true)
        // Cancelled: no commitment, no shipment naming it.
        try log.append([
            .requestCancelled(
                RequestCancelled(requestId: "RQ-1", reason: "dipenuhi relawan", cancelledAt: Fx.t(6, 9, 40), incidentId: Fx.incident))
        ])
        let cancelled = #expect(throws: EventLogError.self) {
            try log.append([Self.commit("RQ-1", [("beras", "kg", 1)], time: Fx.t(6, 9, 50))])
        }
        #expect(cancelled?.message.contains("RQ-1 is cancelled") == true)
        #expect(try log.read(AidViews.requests) { try AidQueries.request($0, requestId: "RQ-1") }?.status == .cancelled)
        #expect(try log.read(AidViews.requests) { try AidQueries.needs($0) }.desa.isEmpty)
    }

    @Test("the command fills ids, times, the priority and the request's incident")
    func commands() throws {
        let log = try TestLog()
        try log.append(Self.base)
        let made = try log.run(
            try AidLogisticsCommand.parse(
                "request-items",
                body: try Fx.json(
                    #"{"incidentId":"gempa-uji","warehouseId":"posko-c","lines":[{"item":"terpal","unit":"lembar","quantity":30}],"neededBy":"2018-08-09T12:00:00+08:00"}"#
                )))
        let id = try #require(made.ids["requestId"])
        #expect(id.hasPrefix("RQ-2018-") && made.events.first?.dataValue["priority"] == "sedang")
        let committed = try log.run(
            try AidLogisticsCommand.parse(
                "commit-request",
                body: try Fx.json(
                    #"{"requestId":"\#(id)","fromWarehouseId":"gudang-a","lines":[{"item":"terpal","unit":"lembar","quantity":30}]}"#)))
        #expect(committed.events.first?.dataValue["incidentId"] == "gempa-uji")
    }
}
