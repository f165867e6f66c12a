import DomainKit
import EventLog
import MataramReference
import Regions

/// The incidents of the scenario (documented in `Fixtures/aid/README.md`):
///
/// - **`gempa-lombok-2018`**, the earthquakes from 29 July 2018: declared on the morning of the
///   M6.4, over Kota Mataram (and, under a deployment covering the province, the four kabupaten of
///   Lombok). Its impact is reported on 12 August: 20,343 people displaced in Kota Mataram (BNPB),
///   shared between the 50 kelurahan by the scenario's damage weights; under a provincial
///   deployment also 387,067 displaced in NTB on 12 August (BNPB) and 417,529 on 23 August
///   (Kementerian Sosial). Every other event of the scenario names it.
/// - **`kebakaran-bintaro-2018`**, a smaller, modelled incident (not a record): a fire in the
///   fishing settlement of Kelurahan Bintaro (Ampenan) on 22 August 2018, 164 people of 43
///   households displaced. It runs the whole path on its own lots: the posko's request, a
///   donation into the BPBD gudang, its commitment and the shipment that fulfils the request,
///   its receipt, a donation handed in at the posko, the 43 households registered (with a vault)
///   and one hand-out to all of them, counted from the register (`aid.household-served`).
/// - Under a deployment for the province, a posko in Lombok Utara and a flood in Kota Bima
///   (`ScenarioElsewhere`).
enum ScenarioIncidents {
    static let earthquake = "gempa-lombok-2018"
    static let fire = "kebakaran-bintaro-2018"
    static let bintaro = "52.71.01.1013"

    /// The kabupaten/kota of Lombok (the earthquake's area) inside `area`; Kota Mataram always.
    static func earthquakeCodes(_ area: ServiceArea) -> [String] {
        let lombok = ["52.01", "52.02", "52.03", "52.08", "52.71"]
        let inside = lombok.filter { area.root.contains($0) }
        return inside.isEmpty ? [ServiceArea.defaultCode] : inside
    }
}

extension ScenarioGenerator {
    /// Schedules the incidents' own events: the declarations, the impact reports and the fire's
    /// path (its ids, `…-KB0001`, apart from the earthquake's numbering).
    mutating func scheduleIncidents() {
        schedule(Self.at(0, 6, 47), .declareEarthquake)
        schedule(Self.at(14, 17, 0), .reportEarthquakeImpact(day: 14))
        if area.root.contains("52") && area.root.code.count <= 2 { schedule(Self.at(25, 17, 0), .reportEarthquakeImpact(day: 25)) }
        for step in 0..<FireStep.allCases.count {
            let s = FireStep.allCases[step]
            schedule(Self.at(s.day, s.hour, s.minute), .fire(s))
        }
    }

    /// The steps of the fire in Bintaro, 22-23 August (days 24 and 25).
    enum FireStep: CaseIterable {
        case declare, request, register, donateToGudang, commit, report, dispatch, receive, donateAtPosko, handOut
        var day: Int { self == .donateAtPosko || self == .handOut ? 25 : 24 }
        var hour: Int {
            switch self {
            case .declare: 10
            case .request: 11
            case .register: 12
            case .donateToGudang, .commit: 14
            case .report: 17
            case .dispatch: 15
            case .receive: 16
            case .donateAtPosko: 8
            case .handOut: 9
            }
        }
        var minute: Int {
            switch self {
            case .declare: 40
            case .request, .register: 0
            case .commit: 45
            default: 30
            }
        }
    }

    mutating func declareEarthquake(at time: Int64) {
        // At the M6.4 of 29 July 06:47 WITA.
        let t = claim(time)
        emit(
            .incidentDeclared(
                IncidentDeclared(
                    incidentId: ScenarioIncidents.earthquake, name: "Gempa Bumi Lombok 2018", kind: "gempa-bumi",
                    startedAt: Self.text(t), affectedCodes: ScenarioIncidents.earthquakeCodes(area))), t)
    }

    mutating func reportEarthquakeImpact(day: Int, at time: Int64) {
        let id = ScenarioIncidents.earthquake
        func report(_ code: String, _ displaced: Int, households: Int?, source: String) {
            let t = claim(time)
            emit(
                .impactReported(
                    ImpactReported(
                        incidentId: id, code: code, displaced: displaced, households: households, damagedHouses: nil, source: source,
                        reportedAt: Self.text(t))), t)
        }
        if day == 14 {
            if area.root.code.count <= 2 { report("52", 387_067, households: nil, source: "BNPB, 12 Agustus 2018") }
            report(ServiceArea.defaultCode, ScenarioCatalog.displacedTotal, households: nil, source: "BNPB, 12 Agustus 2018")
            for (k, kel) in Mataram.kelurahan.enumerated() {
                let people = ScenarioCatalog.displaced[k]
                report(
                    kel.code, people, households: Int((Double(people) / ScenarioCatalog.peoplePerHousehold).rounded()),
                    source: "BPBD Kota Mataram (model skenario: 20.343 dibagi menurut bobot kerusakan)")
            }
        } else {
            report("52", 417_529, households: nil, source: "Kementerian Sosial, 23 Agustus 2018")
        }
    }

    /// One step of the fire in Bintaro. Its lots never enter the generator's stock queues, so the
    /// earthquake's shipments and hand-outs never take them.
    mutating func fire(_ step: FireStep, at time: Int64) {
        let id = ScenarioIncidents.fire
        let posko = "posko-\(ScenarioIncidents.bintaro)"
        let gudang = ScenarioCatalog.warehouses[0].id
        let t = claim(time)
        typealias C = ScenarioCatalog
        func item(_ i: Int, _ q: Int) -> ItemQuantity { ItemQuantity(item: C.items[i].item, unit: C.items[i].unit, quantity: q) }
        let gudangItems = [item(C.beras, 600), item(C.mi, 60), item(C.selimut, 120), item(C.terpal, 45)]
        let poskoItems = [item(C.hygiene, 43)]
        func lines(_ items: [ItemQuantity], lot: String) -> [LotLine] {
            items.map {
                LotLine(item: $0.item, unit: $0.unit, quantity: $0.quantity, lots: [LotQuantity(donationId: lot, quantity: $0.quantity)])
            }
        }
        let community = C.donors.first { $0.kind == "community" } ?? C.donors[0]
        let ngo = C.donors.first { $0.kind == "ngo" } ?? C.donors[0]
        let request = "RQ-2018-KB0001"
        let event: AidEvent
        switch step {
        case .request:
            event = .itemsRequested(
                ItemsRequested(
                    requestId: request, warehouseId: posko, lines: gudangItems, priority: "tinggi", neededBy: Self.text(Self.at(25, 12)),
                    requestedAt: Self.text(t), incidentId: id))
        case .commit:
            event = .requestCommitted(
                RequestCommitted(requestId: request, fromWarehouseId: gudang, lines: gudangItems, committedAt: Self.text(t), incidentId: id)
            )
        case .register:
            // 43 households of 164 people, registered as one roster (with a vault).
            let households = roster(43, in: ScenarioIncidents.bintaro, people: 164, idPrefix: "HH-2018-KB")
            path.fire = register(households, at: posko, in: ScenarioIncidents.bintaro, incidentId: id, time: t)
            return
        case .declare:
            event = .incidentDeclared(
                IncidentDeclared(
                    incidentId: id, name: "Kebakaran permukiman Bintaro 2018 (skenario)", kind: "kebakaran", startedAt: Self.text(t),
                    affectedCodes: [ScenarioIncidents.bintaro]))
        case .report:
            event = .impactReported(
                ImpactReported(
                    incidentId: id, code: ScenarioIncidents.bintaro, displaced: 164, households: 43, damagedHouses: 38,
                    source: "BPBD Kota Mataram (model skenario)", reportedAt: Self.text(t)))
        case .donateToGudang:
            event = .donationReceived(
                DonationReceived(
                    donationId: "DN-2018-KB0001", warehouseId: gudang, donor: Donor(name: community.name, kind: community.kind),
                    items: gudangItems, receivedAt: Self.text(t), incidentId: id))
        case .dispatch:
            event = .shipmentDispatched(
                ShipmentDispatched(
                    shipmentId: "SH-2018-KB0001", fromWarehouseId: gudang, toWarehouseId: posko,
                    lines: lines(gudangItems, lot: "DN-2018-KB0001"), vehicle: C.warehouses[0].vehicles.first ?? "Truk",
                    driver: C.drivers[0], dispatchedAt: Self.text(t), requestId: request, incidentId: id))
        case .receive:
            event = .shipmentReceived(
                ShipmentReceived(
                    shipmentId: "SH-2018-KB0001",
                    lines: gudangItems.map {
                        ReceivedLine(item: $0.item, unit: $0.unit, donationId: "DN-2018-KB0001", quantity: $0.quantity)
                    },
                    receivedAt: Self.text(t), notes: "Diterima lengkap sesuai surat jalan", incidentId: id))
        case .donateAtPosko:
            event = .donationReceived(
                DonationReceived(
                    donationId: "DN-2018-KB0002", warehouseId: posko, donor: Donor(name: ngo.name, kind: ngo.kind), items: poskoItems,
                    receivedAt: Self.text(t), incidentId: id))
        case .handOut:
            event = .aidDistributed(
                AidDistributed(
                    distributionId: "DS-2018-KB0001", warehouseId: posko, kelurahanCode: ScenarioIncidents.bintaro,
                    lines: lines(gudangItems, lot: "DN-2018-KB0001") + lines(poskoItems, lot: "DN-2018-KB0002"), households: 43,
                    people: 164, distributedAt: Self.text(t), incidentId: id))
            emit(event, t)
            serve(path.fire, distributionId: "DS-2018-KB0001", round: "kebakaran-1", incidentId: id, at: t)
            return
        }
        emit(event, t)
    }
}

extension AidEvent {
    /// The event naming `incidentId` where it names none (the scenario's earthquake events).
    func naming(incident incidentId: String) -> AidEvent {
        switch self {
        case .warehouseRegistered(var e):
            e.incidentId = e.incidentId ?? incidentId
            return .warehouseRegistered(e)
        case .donationReceived(var e):
            e.incidentId = e.incidentId ?? incidentId
            return .donationReceived(e)
        case .shipmentDispatched(var e):
            e.incidentId = e.incidentId ?? incidentId
            return .shipmentDispatched(e)
        case .shipmentReceived(var e):
            e.incidentId = e.incidentId ?? incidentId
            return .shipmentReceived(e)
        case .aidDistributed(var e):
            e.incidentId = e.incidentId ?? incidentId
            return .aidDistributed(e)
        case .stockAdjusted(var e):
            e.incidentId = e.incidentId ?? incidentId
            return .stockAdjusted(e)
        case .householdRegistered(var e):
            e.incidentId = e.incidentId ?? incidentId
            return .householdRegistered(e)
        case .householdServed(var e):
            e.incidentId = e.incidentId ?? incidentId
            return .householdServed(e)
        case .itemsRequested(var e):
            e.incidentId = e.incidentId ?? incidentId
            return .itemsRequested(e)
        case .requestCommitted(var e):
            e.incidentId = e.incidentId ?? incidentId
            return .requestCommitted(e)
        case .requestCancelled(var e):
            e.incidentId = e.incidentId ?? incidentId
            return .requestCancelled(e)
        case .adjustmentApproved(var e):
            e.incidentId = e.incidentId ?? incidentId
            return .adjustmentApproved(e)
        case .adjustmentRejected(var e):
            e.incidentId = e.incidentId ?? incidentId
            return .adjustmentRejected(e)
        case .incidentDeclared, .impactReported, .itemCataloged, .minimumStockSet:
            return self
        }
    }
}
