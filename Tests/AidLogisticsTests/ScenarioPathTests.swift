import Crypto
import DomainKit
import EventLog
import Foundation
import PersonalData
import Projections
import Regions
import Testing

@testable import AidLogistics

/// The scenario runs the whole path: requests and commitments, the register of households and
/// its rounds, four eyes on large write-offs; and, under a deployment for the province, a posko
/// in Lombok Utara and a flood in Kota Bima.
@Suite("The scenario's whole path")
struct ScenarioPathTests {
    static func vault() throws -> Vault { try Vault(directory: Fx.tempDirectory(), masterKey: SymmetricKey(size: .bits256)) }

    @Test(
        "requests reach every status; shipments name them; every lot balances",
        arguments: [(UInt64(2018), 0.3), (1, 0.01), (7, 1.0)])
    func requests(seed: UInt64, scale: Double) throws {
        let s = try ScenarioSummary(AidScenario.scenario(seed: seed, scale: scale, vault: try Self.vault()))
        let status = s.state.requests.mapValues(\.status)
        #expect(status["RQ-2018-000001"] == .fulfilled)
        #expect(status["RQ-2018-000002"] == .partlyFulfilled)
        #expect(status["RQ-2018-000003"] == .cancelled)
        #expect(status["RQ-2018-000004"] == .open)
        #expect(status["RQ-2018-KB0001"] == .fulfilled)
        #expect(Set(status.values) == Set(RequestStatus.allCases))
        // The first request is fulfilled in two shipments; the cancelled one got none.
        #expect(s.shipmentsOfRequest["RQ-2018-000001"] == 2)
        #expect(s.shipmentsOfRequest["RQ-2018-000002"] == 1 && s.shipmentsOfRequest["RQ-2018-000003"] == nil)
        #expect(s.shipmentsOfRequest["RQ-2018-KB0001"] == 1)
        let open = try #require(s.state.requests["RQ-2018-000004"])
        #expect(!open.committed.isEmpty && open.delivered.isEmpty)
        let partly = try #require(s.state.requests["RQ-2018-000002"])
        #expect(partly.requested.contains { partly.delivered[$0.key, default: 0] < $0.value })
        // Conservation for every lot, four eyes included.
        #expect(s.unbalancedLots.isEmpty, "\(s.unbalancedLots.prefix(5))")
        #expect(s.donated.count > 10)
    }

    @Test("households: registered sealed, served once in each round, counts from the register")
    func households() throws {
        let vault = try Self.vault()
        let events = AidScenario.scenario(seed: 2018, scale: 0.3, vault: vault)
        let s = try ScenarioSummary(events)
        #expect(s.households.count == 2 * ScenarioGenerator.rosterSize + 43)
        let quake = Set(s.households.values.filter { $0.incidentId == ScenarioIncidents.earthquake }.map(\.householdId))
        let fire = Set(s.households.values.filter { $0.incidentId == ScenarioIncidents.fire }.map(\.householdId))
        #expect(quake.count == 50 && fire.count == 43)
        for round in ["putaran-1", "putaran-2"] {
            let served = try #require(s.servedInRound[round])
            #expect(Set(served.keys) == quake, "\(round)")
            #expect(served.values.allSatisfy { $0 == 1 }, "\(round)")
        }
        #expect(s.servedInRound["kebakaran-1"].map { Set($0.keys) } == fire)
        #expect(s.households.values.filter { $0.incidentId == ScenarioIncidents.fire }.reduce(0) { $0 + $1.members } == 164)
        // Each distribution naming households counts them and their members.
        var named: [String: [String]] = [:]
        for case .householdServed(let h) in s.events { named[h.distributionId] = h.householdIds }
        #expect(named.count == 5)
        for case .aidDistributed(let d) in s.events {
            guard let ids = named[d.distributionId] else { continue }
            #expect(d.households == ids.count)
            #expect(d.people == ids.reduce(0) { $0 + (s.households[$1]?.members ?? 0) })
        }
        // The KK number and the head's name are sealed under the KK's subject, never in clear.
        let text = events.map { String(decoding: $0.event.data, as: UTF8.self) }.joined(separator: "\n")
        for h in s.households.values.prefix(20) {
            guard case .value(let kk) = try vault.open(h.kk, field: HouseholdRegistered.kkField),
                case .value(let name) = try vault.open(h.headName, field: HouseholdRegistered.headNameField)
            else {
                Issue.record("household \(h.householdId) does not open")
                continue
            }
            #expect(HouseholdFields.kkProblem(kk) == nil && h.kk.subject == h.subject)
            #expect(try vault.subject(.kk, kk) == h.subject)
            #expect(!text.contains(kk), "KK of \(h.householdId) in clear")
            #expect(!text.contains("\"\(name)\""), "name of \(h.householdId) in clear")
        }
        // Without a vault nothing personal is written, and the rounds are still there.
        let plain = try ScenarioSummary(AidScenario.scenario(seed: 2018, scale: 0.3))
        #expect(plain.households.isEmpty && plain.byType[AidEventType.householdServed] == nil)
        #expect(plain.byType[AidEventType.aidDistributed] == s.byType[AidEventType.aidDistributed])
    }

    @Test("four eyes: a write-off above the threshold approved by another key, one left pending; both through the log")
    func fourEyes() throws {
        let events = AidScenario.scenario(seed: 2018, scale: 0.15)
        let s = try ScenarioSummary(events)
        let big = s.state.adjustments
        #expect(big.count == 2)
        #expect(big.values.allSatisfy { $0.quantity.magnitude > UInt(AidDecider.defaultApprovalAbove) })
        #expect(big.values.allSatisfy { $0.requestedBy == AidScenario.officer })
        #expect(big["AD-2018-000001"]?.approvedBy == AidScenario.supervisor)
        #expect(big["AD-2018-000002"].map { $0.approvedBy == nil } == true)
        #expect(s.byType[AidEventType.adjustmentApproved] == 1)
        // Appended as the seeder does (each four-eyes event under the key it names), the rules
        // take it; under one key for all, the approval is refused.
        let log = try TestLog()
        for request in try AidScenario.appendRequests(events.map(\.event), actor: "seed") { _ = try log.store.appendBlocking(request) }
        let pending = try log.read(AidViews.stock) { try AidQueries.pendingAdjustments($0) }
        #expect(pending.adjustments.map(\.adjustmentId) == ["AD-2018-000002"])
        let one = try TestLog()
        let error = #expect(throws: EventLogError.self) {
            _ = try one.store.appendBlocking(try AppendRequest(events: events.map(\.event), actor: "seed"))
        }
        #expect(error?.code == .forbidden && error?.field == "data.requestedBy")
    }

    @Test("--region 52: a posko in Lombok Utara supplied from Mataram, and a flood in Kota Bima on its own path")
    func elsewhere() throws {
        let ntb = try ServiceArea(code: "52")
        let events = AidScenario.scenario(seed: 2018, scale: 0.05, vault: try Self.vault(), area: ntb)
        let s = try ScenarioSummary(events, area: ntb)
        #expect(Set(s.state.incidents.keys) == ["gempa-lombok-2018", "kebakaran-bintaro-2018", "banjir-bima-2018"])
        #expect(s.state.warehouses["posko-52.08.01.2001"]?.kelurahanCode == "52.08.01.2001")
        let tanjung = try #require(s.state.shipments["SH-2018-LU0001"])
        #expect(tanjung.fromWarehouseId == "gudang-bpbd-mataram" && tanjung.toWarehouseId == "posko-52.08.01.2001")
        #expect(s.state.requests["RQ-2018-LU0001"]?.status == .fulfilled)
        #expect(s.kelurahanWithDistribution.contains("52.08.01.2001"))
        // The flood: every event of its own path names it, on its own lot.
        var types: Set<String> = []
        for e in s.events where e.incidentId == "banjir-bima-2018" { types.insert(e.type) }
        #expect(
            types == [
                AidEventType.incidentDeclared, AidEventType.warehouseRegistered, AidEventType.donationReceived, AidEventType.itemsRequested,
                AidEventType.requestCommitted, AidEventType.shipmentDispatched, AidEventType.impactReported, AidEventType.shipmentReceived,
                AidEventType.aidDistributed,
            ])
        #expect(s.state.requests["RQ-2018-BB0001"]?.status == .fulfilled)
        #expect(s.state.warehouses["gudang-bpbd-kota-bima"]?.kelurahanCode.hasPrefix("52.72.") == true)
        #expect(s.kelurahanWithDistribution.contains("52.72.01.1014"))
        #expect(s.unbalancedLots.isEmpty)
        // The codes are real desa/kelurahan of the national table, inside the area.
        for code in ["52.08.01.2001", "52.72.01.1014", "52.72.01.1001", "52.72.04.1001"] { #expect(ntb.villageRefusal(code) == nil) }
        // Kota Mataram's deployment has none of it.
        let city = try ScenarioSummary(AidScenario.scenario(seed: 2018, scale: 0.05))
        #expect(city.state.incidents["banjir-bima-2018"] == nil && city.state.warehouses["posko-52.08.01.2001"] == nil)
    }
}
