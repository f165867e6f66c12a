import DomainKit
import EventLog
import Foundation
import JSON
import Projections
import Testing

@testable import AidLogistics

/// Builders of aid events and a real log with rules and views, for the tests.
enum Fx {
    static let rembiga = "52.71.05.1005"
    static let selagalas = "52.71.06.1004"
    static let ampenanSelatan = "52.71.01.1004"
    /// The incident the builders' events name (`declared` declares it).
    static let incident = "gempa-uji"

    static func declare(_ id: String = incident, codes: [String] = ["52.71"], time: String = t(5, 19, 46)) -> AidEvent {
        .incidentDeclared(
            IncidentDeclared(incidentId: id, name: "Gempa uji \(id)", kind: "gempa-bumi", startedAt: time, affectedCodes: codes))
    }

    static let declared = declare()

    static func t(_ day: Int, _ hour: Int, _ minute: Int = 0) -> String {
        let d = day < 10 ? "0\(day)" : "\(day)"
        let h = hour < 10 ? "0\(hour)" : "\(hour)"
        let m = minute < 10 ? "0\(minute)" : "\(minute)"
        return "2018-08-\(d)T\(h):\(m):00+08:00"
    }

    static func register(_ id: String, kind: String = "gudang", code: String = rembiga, name: String? = nil, incident: String = incident)
        -> AidEvent
    {
        .warehouseRegistered(
            WarehouseRegistered(warehouseId: id, name: name ?? "Gudang \(id)", kind: kind, kelurahanCode: code, incidentId: incident))
    }

    static func donate(
        _ id: String, at warehouse: String, _ items: [(String, String, Int)], donor: String = "BNPB", kind: String = "government",
        publicName: Bool? = nil, time: String = t(6, 8), incident: String = incident
    ) -> AidEvent {
        .donationReceived(
            DonationReceived(
                donationId: id, warehouseId: warehouse, donor: Donor(name: donor, kind: kind, publicName: publicName),
                items: items.map { ItemQuantity(item: $0.0, unit: $0.1, quantity: $0.2) }, receivedAt: time, incidentId: incident))
    }

    static func line(_ item: String, _ unit: String, _ lots: [(String, Int)]) -> LotLine {
        LotLine(
            item: item, unit: unit, quantity: lots.reduce(0) { $0 + $1.1 }, lots: lots.map { LotQuantity(donationId: $0.0, quantity: $0.1) }
        )
    }

    static func dispatch(_ id: String, from: String, to: String, _ lines: [LotLine], time: String = t(6, 10), incident: String = incident)
        -> AidEvent
    {
        .shipmentDispatched(
            ShipmentDispatched(
                shipmentId: id, fromWarehouseId: from, toWarehouseId: to, lines: lines, vehicle: "Truk BPBD DR 8011 AM",
                driver: "sopir-01", dispatchedAt: time, incidentId: incident))
    }

    static func receive(
        _ id: String, _ lines: [(String, String, String, Int)], time: String = t(6, 12), notes: String = "", incident: String = incident
    ) -> AidEvent {
        .shipmentReceived(
            ShipmentReceived(
                shipmentId: id, lines: lines.map { ReceivedLine(item: $0.0, unit: $0.1, donationId: $0.2, quantity: $0.3) },
                receivedAt: time, notes: notes, incidentId: incident))
    }

    static func distribute(
        _ id: String, at warehouse: String, code: String = selagalas, _ lines: [LotLine], households: Int = 20, people: Int = 75,
        time: String = t(6, 15), incident: String = incident
    ) -> AidEvent {
        .aidDistributed(
            AidDistributed(
                distributionId: id, warehouseId: warehouse, kelurahanCode: code, lines: lines, households: households, people: people,
                distributedAt: time, incidentId: incident))
    }

    static func adjust(
        _ warehouse: String, _ item: String, _ unit: String, lot: String, _ q: Int, reason: String = "stock opname",
        incident: String = incident
    ) -> AidEvent {
        .stockAdjusted(
            StockAdjusted(
                warehouseId: warehouse, item: item, unit: unit, donationId: lot, quantity: q, reason: reason, incidentId: incident))
    }

    /// gudang-a (Rembiga) and posko-b (Selagalas); DN-1 (100 kg beras, 20 dus mi) and DN-2 (50 kg
    /// beras) at gudang-a; SH-1 takes 80 kg beras and 10 dus mi of DN-1 to posko-b (not yet received).
    static let base: [AidEvent] = [
        declared,
        register("gudang-a"),
        register("posko-b", kind: "posko", code: selagalas),
        donate("DN-1", at: "gudang-a", [("beras", "kg", 100), ("mi instan", "dus", 20)], time: t(6, 8)),
        donate("DN-2", at: "gudang-a", [("beras", "kg", 50)], donor: "PMI", kind: "ngo", time: t(6, 9)),
        dispatch("SH-1", from: "gudang-a", to: "posko-b", [line("beras", "kg", [("DN-1", 80)]), line("mi instan", "dus", [("DN-1", 10)])]),
    ]

    static func state(_ events: [AidEvent]) throws -> AidDecider.State {
        var s = AidDecider.initial
        for e in events {
            try check(e, on: s)
            s = AidDecider.evolve(s, e)
        }
        return s
    }

    /// Checks `e` on `s` as the rules do: decides the command that records it, which must give
    /// `e` back.
    static func check(_ e: AidEvent, on s: AidDecider.State) throws {
        let events = try AidDecider.decide(AidLogisticsCommand(recording: e), s)
        #expect(events == [e])
    }

    static func domainEvent(_ e: AidEvent, occurredAt: Timestamp? = nil) -> DomainEvent {
        DomainEvent(stream: e.stream, type: e.type, data: e.json, occurredAt: occurredAt ?? e.time)
    }

    static func json(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    static func tempDirectory() -> String {
        let dir = NSTemporaryDirectory() + "aid-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// A real log in a temporary directory, guarded by the aid rules, with the aid views.
final class TestLog {
    let directory: String
    let store: EventStore
    let domain: AidLogisticsDomain
    let ruleGuard: RuleGuard
    let engine: ProjectionEngine

    init(domain: AidLogisticsDomain = AidLogisticsDomain()) throws {
        directory = Fx.tempDirectory()
        var options = EventStore.Options()
        options.noSync = true
        store = try EventStore(dataDirectory: directory, options: options)
        self.domain = domain
        ruleGuard = RuleGuard(rules: [domain.rules])
        store.appendGuard = ruleGuard
        engine = try ProjectionEngine(store: store, dataDirectory: directory, projectors: domain.projectors)
    }

    deinit {
        engine.stop()
        store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    @discardableResult
    func append(_ events: [AidEvent]) throws -> AppendOutcome {
        var proposed: [ProposedEvent] = []
        for e in events { proposed.append(try e.proposed()) }
        return try store.appendBlocking(try AppendRequest(events: proposed, actor: "test"))
    }

    @discardableResult
    func appendRaw(stream: String, type: String, data: JSONValue, occurredAt: Timestamp? = nil) throws -> AppendOutcome {
        let e = try ProposedEvent(stream: stream, type: type, value: data, occurredAt: occurredAt)
        return try store.appendBlocking(try AppendRequest(events: [e], actor: "test"))
    }

    /// Decides a command on the guard's current state and appends its events.
    @discardableResult
    func run(_ command: AidLogisticsCommand, now: Timestamp = Timestamp("2018-08-07T09:00:00+08:00") ?? .now()) throws -> Decision {
        let decision = try ruleGuard.withCurrentState(store) { try domain.decide(command, now: now) }
        _ = try store.appendBlocking(try AppendRequest(events: decision.events, actor: "test"))
        return decision
    }

    func read<R>(_ view: ViewName, _ body: (ViewReader) throws -> R) throws -> R {
        try engine.catchUp()
        return try engine.read { try body(try $0.view(view)) }
    }

    /// Every key and value of every database of every view.
    func dump() throws -> [String: [String: [UInt8]]] {
        try engine.read { snap in
            var out: [String: [String: [UInt8]]] = [:]
            for p in engine.projectors {
                let v = try snap.view(p.name)
                for db in p.databases {
                    var entries: [String: [UInt8]] = [:]
                    try v.scan(db) { k, bytes in
                        entries[k] = bytes
                        return true
                    }
                    out["\(p.name)/\(db)"] = entries
                }
            }
            return out
        }
    }
}
