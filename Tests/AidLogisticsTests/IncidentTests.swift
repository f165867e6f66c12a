import DomainKit
import EventLog
import Regions
import Testing

@testable import AidLogistics

@Suite("Incidents: every aid event names one; lots serve their own; views per incident")
struct IncidentTests {
    static let fire = "kebakaran-uji"

    /// `Fx.base` plus a second incident over Selagalas, and a donation DN-F (30 kg beras) for it at gudang-a.
    static let twoIncidents: [AidEvent] =
        Fx.base + [
            Fx.declare(fire, codes: [Fx.selagalas], time: Fx.t(6, 9, 30)),
            Fx.donate(
                "DN-F", at: "gudang-a", [("beras", "kg", 30)], donor: "Warga Selagalas", kind: "community", time: Fx.t(6, 11),
                incident: fire),
        ]

    @Test("an aid event without an incident is refused naming data.incidentId (400); an undeclared one (422); nothing written")
    func incidentRequired() throws {
        let log = try TestLog()
        try log.append(Fx.base)
        let before = try log.store.stats()
        let data = edited(Fx.donate("DN-9", at: "gudang-a", [("beras", "kg", 5)])) { $0["incidentId"] = nil }
        let missing = #expect(throws: EventLogError.self) {
            try log.appendRaw(stream: "donation-DN-9", type: AidEventType.donationReceived, data: data)
        }
        #expect(missing?.code == .invalidInput && missing?.field == "data.incidentId", "\(missing?.message ?? "")")
        let unknown = #expect(throws: EventLogError.self) {
            try log.append([Fx.donate("DN-9", at: "gudang-a", [("beras", "kg", 5)], incident: "banjir-fiktif")])
        }
        #expect(unknown?.code == .ruleViolation && unknown?.field == "data.incidentId")
        #expect(unknown?.message.contains("banjir-fiktif is not declared") == true)
        #expect(try log.store.stats() == before)
    }

    @Test("an incident is declared once, over codes of the table inside the area; refusals name the code; nothing written")
    func declaration() throws {
        let log = try TestLog()
        try log.append([Fx.declared])
        let before = try log.store.stats()
        for (event, field, words) in [
            (Fx.declared, "data.incidentId", "already declared"),
            (Fx.declare("banjir-bima", codes: ["52.06"]), "data.affectedCodes[0]", "outside the area this service covers"),
            (Fx.declare("banjir-x", codes: ["52.71.01", "52.71.99"]), "data.affectedCodes[1]", "not a Kepmendagri area code"),
            (Fx.declare("banjir-y", codes: ["52.71.01", "52.71.01"]), "data.affectedCodes[1]", "already in affectedCodes[0]"),
        ] {
            let error = #expect(throws: EventLogError.self) { try log.append([event]) }
            #expect(error?.field == field, "\(error?.message ?? "")")
            #expect(error?.message.contains(words) == true, "\(error?.message ?? "")")
        }
        let data = edited(Fx.declare("banjir-z")) { $0["kind"] = "meteor" }
        let kind = #expect(throws: EventLogError.self) {
            try log.appendRaw(stream: "incident-banjir-z", type: AidEventType.incidentDeclared, data: data)
        }
        #expect(kind?.code == .invalidInput && kind?.field == "data.kind")
        #expect(try log.store.stats() == before)
        // Under a deployment for NTB, Bima is inside.
        let ntb = try TestLog(domain: AidLogisticsDomain(area: try ServiceArea(code: "52")))
        try ntb.append([Fx.declare("banjir-bima", codes: ["52.06"])])
    }

    @Test("an impact report lies in (or contains) the incident's areas; the view keeps the latest per area and adds the broadest")
    func impact() throws {
        let log = try TestLog(domain: AidLogisticsDomain(area: try ServiceArea(code: "52")))
        try log.append([Fx.declare(Fx.incident, codes: ["52.08", "52.71"])])
        func report(_ code: String, _ displaced: Int, at time: String) -> AidEvent {
            .impactReported(
                ImpactReported(
                    incidentId: Fx.incident, code: code, displaced: displaced, households: nil, damagedHouses: nil, source: "BNPB",
                    reportedAt: time))
        }
        let before = try log.store.stats()
        let outside = #expect(throws: EventLogError.self) { try log.append([report("52.06", 10, at: Fx.t(12, 17))]) }
        #expect(outside?.field == "data.code" && outside?.message.contains("outside the areas incident gempa-uji affects") == true)
        #expect(try log.store.stats() == before)
        try log.append([
            report("52.71.05.1005", 900, at: Fx.t(12, 17)), report("52.71", 20_343, at: Fx.t(12, 17, 1)),
            report("52.08", 70_000, at: Fx.t(12, 17, 2)), report("52.08", 71_500, at: Fx.t(13, 9)),
        ])
        let one = try #require(try log.read(AidViews.incidents) { try AidQueries.incident($0, incidentId: Fx.incident) })
        #expect(one.impact?.map(\.code) == ["52.08", "52.71", "52.71.05.1005"])
        #expect(one.impact?.first?.displaced == 71_500)
        #expect(one.displaced == 71_500 + 20_343)
        try log.append([report("52", 387_067, at: Fx.t(13, 10))])
        let all = try log.read(AidViews.incidents) { try AidQueries.incidents($0) }
        #expect(all.incidents.map(\.displaced) == [387_067])
        #expect(all.incidents.first?.affectedNames.last == "Kota Mataram")
    }

    @Test("lots serve their own incident: first-in-first-out takes only them; another incident's lot is refused by name")
    func lotsServeTheirIncident() throws {
        let s = try Fx.state(Self.twoIncidents)
        // DN-1 (80 kg left of 100 after SH-1), DN-2 (50) for the earthquake; DN-F (30) for the fire.
        let fire = try AidDecider.decide(
            .dispatchShipment(
                DispatchShipment(
                    shipmentId: "SH-F1", fromWarehouseId: "gudang-a", toWarehouseId: "posko-b",
                    lines: [RequestedLine(item: "beras", unit: "kg", quantity: 25)],
                    vehicle: "Truk", driver: "sopir-02", dispatchedAt: Fx.t(7, 9), incidentId: Self.fire)), s)
        guard case .shipmentDispatched(let e) = try #require(fire.first) else { return }
        #expect(e.lines[0].lots == [LotQuantity(donationId: "DN-F", quantity: 25)])
        let tooMuch = #expect(throws: EventLogError.self) {
            try AidDecider.decide(
                .dispatchShipment(
                    DispatchShipment(
                        shipmentId: "SH-F2", fromWarehouseId: "gudang-a", toWarehouseId: "posko-b",
                        lines: [RequestedLine(item: "beras", unit: "kg", quantity: 31)],
                        vehicle: "Truk", driver: "sopir-02", dispatchedAt: Fx.t(7, 9), incidentId: Self.fire)), s)
        }
        #expect(tooMuch?.message.contains("exceeds the 30 on hand at gudang-a (all lots given for incident kebakaran-uji)") == true)
        let other = #expect(throws: EventLogError.self) {
            try Fx.check(Fx.dispatch("SH-X", from: "gudang-a", to: "posko-b", [Fx.line("beras", "kg", [("DN-F", 5)])]), on: s)
        }
        #expect(other?.field == "data.lines[0].lots[0].donationId")
        #expect(other?.message.contains("lot DN-F was given for incident kebakaran-uji, not gempa-uji") == true)
        // A receipt names its shipment's incident; an adjustment its lot's.
        let receipt = #expect(throws: EventLogError.self) {
            try Fx.check(Fx.receive("SH-1", [("beras", "kg", "DN-1", 80)], incident: Self.fire), on: s)
        }
        #expect(receipt?.field == "data.incidentId" && receipt?.message.contains("dispatched for incident gempa-uji") == true)
        let adjust = #expect(throws: EventLogError.self) { try Fx.check(Fx.adjust("gudang-a", "beras", "kg", lot: "DN-F", -1), on: s) }
        #expect(adjust?.field == "data.incidentId")
    }

    @Test("views per incident: stock, kelurahan and donors count only that incident's aid")
    func viewsPerIncident() throws {
        let log = try TestLog()
        try log.append(
            Self.twoIncidents + [
                Fx.dispatch(
                    "SH-F", from: "gudang-a", to: "posko-b", [Fx.line("beras", "kg", [("DN-F", 30)])], time: Fx.t(6, 13),
                    incident: Self.fire),
                Fx.receive("SH-F", [("beras", "kg", "DN-F", 30)], time: Fx.t(6, 14), incident: Self.fire),
                Fx.distribute(
                    "DS-F", at: "posko-b", [Fx.line("beras", "kg", [("DN-F", 30)])], households: 6, people: 20, incident: Self.fire),
            ])
        let fireStock = try #require(try log.read(AidViews.stock) { try AidQueries.stock($0, incidentId: Self.fire) })
        #expect(fireStock.warehouses.isEmpty)
        let quakeStock = try #require(try log.read(AidViews.stock) { try AidQueries.stock($0, incidentId: Fx.incident) })
        #expect(quakeStock.totals.map(\.onHand) == [70, 10])  // beras 20 + 50 at gudang-a, mi 10 at gudang-a
        #expect(quakeStock.totals.map(\.inTransit) == [80, 10])
        let fireKelurahan = try log.read(AidViews.kelurahan) { try AidQueries.kelurahan($0, incidentId: Self.fire) }
        #expect(fireKelurahan.totals.households == 6 && fireKelurahan.totals.distributions == 1)
        let allKelurahan = try log.read(AidViews.kelurahan) { try AidQueries.kelurahan($0) }
        #expect(allKelurahan.totals.households == 6)
        let quakeKelurahan = try log.read(AidViews.kelurahan) { try AidQueries.kelurahan($0, incidentId: Fx.incident) }
        #expect(quakeKelurahan.totals.households == 0)
        let fireDonors = try log.read(AidViews.donors) { try AidQueries.donors($0, incidentId: Self.fire) }
        #expect(fireDonors.donors.map(\.name) == ["Warga Selagalas"])
        #expect(fireDonors.donors.first?.items.first?.distributed == 30)
        let incidents = try log.read(AidViews.incidents) { try AidQueries.incidents($0) }
        #expect(incidents.incidents.map(\.incidentId) == [Fx.incident, Self.fire])
        #expect(
            incidents.incidents.last?.reached
                == IncidentReport.Reached(donations: 1, shipments: 1, distributions: 1, households: 6, people: 20))
    }
}
