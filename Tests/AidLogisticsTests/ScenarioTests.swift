import DomainKit
import EventLog
import Foundation
import MataramReference
import Projections
import Regions
import Testing

@testable import AidLogistics

/// What the scenario produced, folded without storage.
struct ScenarioSummary {
    var byType: [String: Int] = [:]
    var state = AidDecider.initial
    var poskoWithShipment: Set<String> = []
    var kelurahanWithDistribution: Set<String> = []
    var lossEvents = 0
    var peopleServed = 0
    /// Households registered, and how often each was served in each round.
    var households: [String: HouseholdRegistered] = [:]
    var servedInRound: [String: [String: Int]] = [:]
    /// Shipments naming each request.
    var shipmentsOfRequest: [String: Int] = [:]
    /// Per lot: donated plus approved adjustments, and where it went (distributed, lost, in transit).
    var donated: [String: Int] = [:], adjusted: [String: Int] = [:], distributed: [String: Int] = [:], lost: [String: Int] = [:]
    var inTransit: [String: [String: Int]] = [:]
    var events: [AidEvent] = []

    init(_ events: [ScenarioEvent], area: ServiceArea = .mataram) throws {
        state.area = area
        for (occurredAt, p) in events {
            let e = try AidEvent.read(DomainEvent(stream: p.stream, type: p.type, data: p.dataValue, occurredAt: occurredAt))
            try Fx.check(e, on: state)
            byType[e.type, default: 0] += 1
            self.events.append(e)
            switch e {
            case .donationReceived(let d):
                donated[d.donationId, default: 0] += d.items.reduce(0) { $0 + $1.quantity }
            case .shipmentDispatched(let d):
                if let r = d.requestId { shipmentsOfRequest[r, default: 0] += 1 }
                for line in d.lines {
                    for lot in line.lots { inTransit[d.shipmentId, default: [:]][lot.donationId, default: 0] += lot.quantity }
                }
            case .shipmentReceived(let r):
                if let s = state.shipments[r.shipmentId] {
                    poskoWithShipment.insert(s.toWarehouseId)
                    if r.lines.reduce(0, { $0 + $1.quantity }) < s.lots.values.reduce(0, +) { lossEvents += 1 }
                }
                var sent = inTransit.removeValue(forKey: r.shipmentId) ?? [:]
                for line in r.lines { sent[line.donationId, default: 0] -= line.quantity }
                for (lot, q) in sent { lost[lot, default: 0] += q }
            case .aidDistributed(let d):
                kelurahanWithDistribution.insert(d.kelurahanCode)
                peopleServed += d.people
                for line in d.lines { for lot in line.lots { distributed[lot.donationId, default: 0] += lot.quantity } }
            case .stockAdjusted(let a) where !a.isPending:
                adjusted[a.donationId, default: 0] += a.quantity
            case .adjustmentApproved(let a):
                adjusted[a.donationId, default: 0] += a.quantity
            case .householdRegistered(let h):
                households[h.householdId] = h
            case .householdServed(let h):
                for id in h.householdIds { servedInRound[h.round, default: [:]][id, default: 0] += 1 }
            default: break
            }
            state = AidDecider.evolve(state, e)
        }
    }

    /// Lots whose balance does not hold: donated + adjusted != on hand + in transit + distributed + lost.
    var unbalancedLots: [String] {
        var onHand: [String: Int] = [:]
        for (key, q) in state.onHand { onHand[key.donationId, default: 0] += q }
        var transit: [String: Int] = [:]
        for lots in inTransit.values { for (lot, q) in lots { transit[lot, default: 0] += q } }
        return donated.keys.sorted().filter { lot in
            donated[lot]! + adjusted[lot, default: 0]
                != onHand[lot, default: 0] + transit[lot, default: 0] + distributed[lot, default: 0] + lost[lot, default: 0]
        }
    }
}

@Suite("The 2018 scenario")
struct ScenarioTests {
    @Test("every event passes the rules in occurredAt order; all 50 kelurahan get shipments and distributions")
    func passesRules() throws {
        let events = AidScenario.scenario(seed: 2018, scale: 1.0)
        let s = try ScenarioSummary(events)
        print(
            "aid scenario scale 1.0: \(events.count) events, \(s.byType.sorted { $0.key < $1.key }), losses \(s.lossEvents), people served \(s.peopleServed)"
        )
        #expect(events.count > 3000 && events.count < 30_000)
        #expect(s.byType[AidEventType.warehouseRegistered] == 53)
        #expect(s.poskoWithShipment.count == 50)
        #expect(s.kelurahanWithDistribution.count == 50)
        #expect(s.lossEvents > 0)
        #expect((s.byType[AidEventType.stockAdjusted] ?? 0) > 0)
        #expect(s.byType[AidEventType.shipmentDispatched] == s.byType[AidEventType.shipmentReceived])
        #expect(s.state.onHand.values.allSatisfy { $0 > 0 })
    }

    @Test("times: strictly increasing, in 2018 WITA, occurredAt = the payload's time")
    func times() throws {
        let events = AidScenario.scenario(seed: 7, scale: 0.3)
        let first = try #require(Timestamp("2018-07-29T00:00:00+08:00"))
        let end = try #require(Timestamp("2018-09-01T12:00:00+08:00"))
        #expect(ScenarioGenerator.start == first.millisecondsSince1970)
        var last = Timestamp(millisecondsSince1970: 0)
        for (t, p) in events {
            #expect(t > last)
            last = t
            #expect(t >= first && t < end)
            #expect(p.occurredAt == t)
            if let field = try AidEvent.read(type: p.type, data: p.dataValue).timeField {
                #expect(field.text.hasSuffix("+08:00"))
                #expect(Timestamp(field.text) == t)
            }
        }
        // The M7.0 at 19:46 WITA on 5 August: no donation that day before it is after it.
        #expect(ScenarioGenerator.text(ScenarioGenerator.mainQuake) == "2018-08-05T19:46:00+08:00")
    }

    @Test("deterministic: the same seed gives the same events, another seed others")
    func deterministic() throws {
        let a = AidScenario.scenario(seed: 42, scale: 0.2)
        let b = AidScenario.scenario(seed: 42, scale: 0.2)
        let c = AidScenario.scenario(seed: 43, scale: 0.2)
        #expect(a.count == b.count)
        #expect(zip(a, b).allSatisfy { $0.event.id == $1.event.id && $0.event.data == $1.event.data && $0.occurredAt == $1.occurredAt })
        #expect(a.map(\.event.data) != c.map(\.event.data))
        #expect(Set(a.compactMap(\.event.id)).count == a.count)
    }

    @Test("scale multiplies the volume; the basics are there at any scale")
    func scales() throws {
        let small = AidScenario.scenario(seed: 1, scale: 0.01)
        let larger = AidScenario.scenario(seed: 1, scale: 2.0)
        let s = try ScenarioSummary(small)
        #expect(s.kelurahanWithDistribution.count == 50 && s.poskoWithShipment.count == 50)
        #expect(larger.count > 3 * small.count)
        _ = try ScenarioSummary(larger)
        #expect(AidScenario.scenario(seed: 1, scale: 0).count > 100)
    }

    @Test("displacement: 20,343 people shared by the impact weights")
    func displacement() throws {
        #expect(ScenarioCatalog.displaced.reduce(0, +) == 20_343)
        #expect(Set(ScenarioCatalog.impactWeights.keys) == Set(Mataram.kelurahan.map(\.code)))
        // North (Selaparang) and east (Sandubaya) weigh more than the south-west (Sekarbela).
        func mean(_ kec: String) -> Double {
            let ws = Mataram.kelurahan.filter { $0.kecamatan.code == kec }.compactMap { ScenarioCatalog.impactWeights[$0.code] }
            return ws.reduce(0, +) / Double(ws.count)
        }
        #expect(mean("52.71.05") > mean("52.71.02") && mean("52.71.06") > mean("52.71.04"))
    }

    @Test("Fixtures/aid/kelurahan-impact.csv agrees with the weights in the code")
    func fixtureAgrees() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/aid/kelurahan-impact.csv").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let rows = text.split(separator: "\n").dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        #expect(rows.count == 50)
        for (i, row) in rows.enumerated() {
            let k = Mataram.kelurahan[i]
            #expect(row[0] == k.code && row[1] == k.name && row[2] == k.kecamatan.name)
            #expect(Double(row[3]) == ScenarioCatalog.impactWeights[k.code])
            #expect(Int(row[4]) == ScenarioCatalog.displaced[i])
        }
    }

    @Test("appended through a guarded store, folding views in steps equals rebuilding them")
    func rebuildEqualsIncremental() throws {
        let events = AidScenario.scenario(seed: 2018, scale: 0.15)
        let log = try TestLog()
        log.engine.batchSize = 97
        var i = 0
        var chunk = 1
        while i < events.count {
            let end = min(events.count, i + 37 * chunk)
            for request in try AidScenario.appendRequests(events[i..<end].map(\.event), actor: "seed") {
                _ = try log.store.appendBlocking(request)
            }
            i = end
            chunk += 1
            try log.engine.catchUp()
        }
        #expect(try log.store.stats().events == UInt64(events.count))
        let incremental = try log.dump()
        #expect(incremental.values.reduce(0) { $0 + $1.count } > 1000)
        for p in log.engine.projectors { try log.engine.rebuild(p.name) }
        let rebuilt = try log.dump()
        #expect(rebuilt.keys.sorted() == incremental.keys.sorted())
        for name in incremental.keys.sorted() {
            #expect(rebuilt[name] == incremental[name], "\(name) differs after rebuild")
        }
        // And the views tell the scenario's story.
        let kel = try log.read(KelurahanProjector.viewName) { try AidQueries.kelurahan($0) }
        #expect(kel.kelurahan.allSatisfy { $0.distributions > 0 && $0.shipmentsReceived > 0 && $0.posko.count == 1 })
        let donors = try log.read(DonorsProjector.viewName) { try AidQueries.donors($0) }
        #expect(donors.donors.contains { $0.name == "Badan Nasional Penanggulangan Bencana (BNPB)" })
        let trace = try #require(try log.read(TraceProjector.viewName) { try AidQueries.trace($0, donationId: "DN-2018-000001") })
        #expect(trace.balance.holds)
    }
}

@Suite("The scenario's catalog and expiry dates")
struct ScenarioCatalogTests {
    @Test("the catalog comes first; every donated item is cataloged, expiring ones dated; spoilt stock is written off")
    func cataloged() throws {
        let events = try AidScenario.scenario(seed: 2018, scale: 0.3).map { try AidEvent.read(type: $0.1.type, data: $0.1.dataValue) }
        var catalog: [String: ItemCataloged] = [:]
        for e in events.prefix { if case .itemCataloged = $0 { true } else { false } } {
            if case .itemCataloged(let c) = e { catalog[c.item] = c }
        }
        #expect(catalog.count == 12)
        #expect(catalog["beras"]?.units == ["kg", "karung"])
        var dated = 0
        var writeOffs = 0
        for e in events.dropFirst(catalog.count) {
            switch e {
            case .itemCataloged: Issue.record("a catalog event after the first others")
            case .donationReceived(let d):
                for i in d.items {
                    let entry = try #require(catalog[i.item], "\(i.item) is not cataloged")
                    #expect(entry.units.contains(i.unit))
                    #expect((i.expiresOn != nil) == entry.expires, "\(i.item)")
                    if i.expiresOn != nil { dated += 1 }
                }
            case .stockAdjusted(let a) where a.isWriteOff:
                #expect(a.quantity < 0)
                writeOffs += 1
            default:
                break
            }
        }
        #expect(dated > 100)
        #expect(writeOffs > 0)
        let minimums = events.compactMap { e -> MinimumStockSet? in
            if case .minimumStockSet(let m) = e { m } else { nil }
        }
        #expect(minimums.count == 9 && Set(minimums.map(\.warehouseId)).count == 3)
    }
}

@Suite("The scenario's incidents")
struct ScenarioIncidentTests {
    @Test("two incidents: every other aid event names one; the fire runs its whole path on its own lots, which add up")
    func bothIncidents() throws {
        let events = AidScenario.scenario(seed: 2018, scale: 0.3)
        let s = try ScenarioSummary(events)
        #expect(Set(s.state.incidents.keys) == ["gempa-lombok-2018", "kebakaran-bintaro-2018"])
        var byIncident: [String: Set<String>] = [:]
        for (_, p) in events {
            let e = try AidEvent.read(type: p.type, data: p.dataValue)
            // The catalog holds across incidents.
            if case .itemCataloged = e { continue }
            byIncident[try #require(e.incidentId, "\(p.type) names no incident"), default: []].insert(e.type)
        }
        let path: Set<String> = [
            AidEventType.incidentDeclared, AidEventType.impactReported, AidEventType.donationReceived, AidEventType.shipmentDispatched,
            AidEventType.shipmentReceived, AidEventType.aidDistributed,
        ]
        #expect(byIncident["kebakaran-bintaro-2018"] == path.union([AidEventType.itemsRequested, AidEventType.requestCommitted]))
        #expect(byIncident["gempa-lombok-2018"]?.isSuperset(of: path) == true)
        // Every lot of the fire was handed out: nothing of it is on hand.
        #expect(!s.state.onHand.keys.contains { $0.donationId.contains("KB") })
    }

    @Test("the earthquake's impact: 20,343 displaced in Kota Mataram; the province's counts under a deployment for NTB")
    func displaced() throws {
        let log = try TestLog()
        for (_, p) in AidScenario.scenario(seed: 2018, scale: 0.05) {
            _ = try log.store.appendBlocking(try AppendRequest(events: [p], actor: AidScenario.author(of: p) ?? "test"))
        }
        let quake = try #require(try log.read(AidViews.incidents) { try AidQueries.incident($0, incidentId: "gempa-lombok-2018") })
        #expect(quake.displaced == 20_343 && quake.affectedCodes == ["52.71"])
        #expect(quake.impact?.count == 51)
        let ntb = try ServiceArea(code: "52")
        let wide = AidScenario.scenario(seed: 2018, scale: 0.05, area: ntb)
        let reports = try wide.compactMap { (_, p) -> ImpactReported? in
            if case .impactReported(let r) = try AidEvent.read(type: p.type, data: p.dataValue), r.code == "52" { return r }
            return nil
        }
        #expect(reports.map(\.displaced) == [387_067, 417_529])
    }
}
