import DomainKit
import EventLog
import Regions

/// The scenario beyond Kota Mataram, under a deployment whose area covers it (`--region 52`;
/// documented in `Fixtures/aid/README.md`, "Elsewhere in NTB"):
///
/// - **Lombok Utara** (the earthquake, `gempa-lombok-2018`): a posko in Desa Tanjung
///   (`52.08.01.2001`, near the 5 August epicentre) opens on 6 August, asks Gudang BPBD Kota
///   Mataram for shelter items (`RQ-2018-LU0001`), which commits them and sends them across the
///   kabupaten border the next morning (`SH-2018-LU0001`, received in full); the posko hands
///   them out in Tanjung (`DS-2018-LU0001`). Its lots come from the Mataram gudang's stock.
/// - **`banjir-bima-2018`**, a modelled flood (not a record) in Kelurahan Dara, Kota Bima
///   (`52.72.01.1014`), on 27 August 2018, outside Lombok: its own gudang (Gudang BPBD Kota Bima,
///   Kelurahan Penaraga `52.72.04.1001`) and posko, a donation, the posko's request, the
///   commitment and the shipment that fulfils it, its receipt and a hand-out, on its own lot
///   (`…-BB0001`).
extension ScenarioIncidents {
    static let flood = "banjir-bima-2018"
    /// Desa Tanjung, Kecamatan Tanjung, Kabupaten Lombok Utara.
    static let tanjung = "52.08.01.2001"
    /// Kelurahan Dara and Paruga (Kecamatan Rasanae Barat) and Penaraga (Kecamatan Raba), Kota Bima.
    static let dara = "52.72.01.1014", paruga = "52.72.01.1001", penaraga = "52.72.04.1001"
    static let tanjungPosko = "posko-\(tanjung)", bimaPosko = "posko-\(dara)", bimaGudang = "gudang-bpbd-kota-bima"

    /// Whether `area` takes the posko in Lombok Utara (and the Mataram gudang supplying it).
    static func coversLombokUtara(_ area: ServiceArea) -> Bool {
        area.root.contains(tanjung) && area.root.contains(ServiceArea.defaultCode)
    }

    /// Whether `area` takes the flood in Kota Bima.
    static func coversBima(_ area: ServiceArea) -> Bool { area.root.contains(dara) && area.root.contains(penaraga) }
}

extension ScenarioGenerator {
    enum ElsewhereStep: CaseIterable {
        case registerTanjung, requestTanjung, commitTanjung, dispatchTanjung, receiveTanjung, distributeTanjung
        case declareFlood, registerBimaGudang, registerBimaPosko, requestBima, donateBima, commitBima, dispatchBima, reportFlood
        case receiveBima, distributeBima

        /// Day (0 = 29 July), hour and minute, WITA.
        var when: (day: Int, hour: Int, minute: Int) {
            switch self {
            case .registerTanjung: (8, 12, 0)
            case .requestTanjung: (8, 15, 0)
            case .commitTanjung: (8, 16, 0)
            case .dispatchTanjung: (9, 6, 0)
            case .receiveTanjung: (9, 9, 30)
            case .distributeTanjung: (9, 13, 0)
            case .declareFlood: (29, 5, 30)
            case .registerBimaGudang: (29, 7, 0)
            case .registerBimaPosko: (29, 7, 20)
            case .requestBima: (29, 8, 0)
            case .donateBima: (29, 9, 0)
            case .commitBima: (29, 9, 30)
            case .dispatchBima: (29, 10, 30)
            case .reportFlood: (29, 12, 0)
            case .receiveBima: (29, 12, 15)
            case .distributeBima: (29, 15, 0)
            }
        }

        var inBima: Bool { ElsewhereStep.allCases.firstIndex(of: self)! >= ElsewhereStep.allCases.firstIndex(of: .declareFlood)! }
    }

    mutating func scheduleElsewhere() {
        let lombokUtara = ScenarioIncidents.coversLombokUtara(area)
        let bima = ScenarioIncidents.coversBima(area)
        for step in ElsewhereStep.allCases where step.inBima ? bima : lombokUtara {
            schedule(Self.at(step.when.day, step.when.hour, step.when.minute), .elsewhere(step))
        }
    }

    mutating func elsewhere(_ step: ElsewhereStep, at time: Int64) {
        typealias C = ScenarioCatalog
        typealias I = ScenarioIncidents
        let gudang = 0  // Gudang BPBD Kota Mataram
        let t = claim(time)
        let event: AidEvent
        switch step {
        case .registerTanjung:
            event = .warehouseRegistered(
                WarehouseRegistered(
                    warehouseId: I.tanjungPosko, name: "Posko Desa Tanjung (Lombok Utara)", kind: "posko", kelurahanCode: I.tanjung))
        case .requestTanjung:
            // Shelter for the first nights, at most a third of what the gudang holds of each.
            let wanted = [(C.terpal, 250), (C.selimut, 400), (C.tikar, 200), (C.hygiene, 150)]
            path.tanjungLines = wanted.compactMap { i, q in
                let n = min(q, stock[gudang][i].total / 3)
                return n > 0 ? (i, n) : nil
            }
            guard !path.tanjungLines.isEmpty else { return }
            event = .itemsRequested(
                ItemsRequested(
                    requestId: "RQ-2018-LU0001", warehouseId: I.tanjungPosko,
                    lines: path.tanjungLines.map { Self.quantity($0.item, $0.quantity) },
                    priority: "tinggi", neededBy: Self.text(Self.at(9, 18)), requestedAt: Self.text(t)))
        case .commitTanjung:
            path.tanjung = path.tanjungLines.compactMap { i, q in
                let lots = stock[gudang][i].take(q)
                return lots.isEmpty ? nil : (i, lots)
            }
            guard !path.tanjung.isEmpty else { return }
            event = .requestCommitted(
                RequestCommitted(
                    requestId: "RQ-2018-LU0001", fromWarehouseId: warehouseId(gudang),
                    lines: path.tanjung.map { Self.quantity($0.item, $0.lots.reduce(0) { $0 + $1.quantity }) }, committedAt: Self.text(t)))
        case .dispatchTanjung:
            guard !path.tanjung.isEmpty else { return }
            path.tanjungShipped = true
            event = .shipmentDispatched(
                ShipmentDispatched(
                    shipmentId: "SH-2018-LU0001", fromWarehouseId: warehouseId(gudang), toWarehouseId: I.tanjungPosko,
                    lines: Self.lotLines(path.tanjung), vehicle: C.warehouses[gudang].vehicles.first ?? "Truk", driver: C.drivers[1],
                    dispatchedAt: Self.text(t), requestId: "RQ-2018-LU0001"))
        case .receiveTanjung:
            guard !path.tanjung.isEmpty else { return }
            event = .shipmentReceived(
                ShipmentReceived(
                    shipmentId: "SH-2018-LU0001", lines: Self.receivedLines(path.tanjung), receivedAt: Self.text(t),
                    notes: "Diterima lengkap di Tanjung setelah melewati Pusuk"))
        case .distributeTanjung:
            guard !path.tanjung.isEmpty else { return }
            event = .aidDistributed(
                AidDistributed(
                    distributionId: "DS-2018-LU0001", warehouseId: I.tanjungPosko, kelurahanCode: I.tanjung,
                    lines: Self.lotLines(path.tanjung),
                    households: 180, people: 648, distributedAt: Self.text(t)))
        default:
            event = flood(step, at: t)
        }
        emit(event, t)
    }

    /// The flood's lot and what its posko asks for (and gets).
    static let floodLot = "DN-2018-BB0001"
    static var floodDonation: [ItemQuantity] {
        typealias C = ScenarioCatalog
        return [quantity(C.beras, 1000), quantity(C.air, 150), quantity(C.selimut, 200), quantity(C.terpal, 60)]
    }
    static var floodRequest: [ItemQuantity] {
        typealias C = ScenarioCatalog
        return [quantity(C.beras, 500), quantity(C.air, 100), quantity(C.selimut, 150), quantity(C.terpal, 40)]
    }

    /// One step of the flood in Kota Bima (at `t`, already claimed).
    func flood(_ step: ElsewhereStep, at t: Int64) -> AidEvent {
        typealias I = ScenarioIncidents
        let id = I.flood
        let request = "RQ-2018-BB0001"
        let lines = Self.floodRequest.map {
            LotLine(
                item: $0.item, unit: $0.unit, quantity: $0.quantity, lots: [LotQuantity(donationId: Self.floodLot, quantity: $0.quantity)])
        }
        let donor = ScenarioCatalog.donors.first { $0.name.hasPrefix("Dinas Sosial Provinsi") } ?? ScenarioCatalog.donors[0]
        switch step {
        case .declareFlood:
            return .incidentDeclared(
                IncidentDeclared(
                    incidentId: id, name: "Banjir Kota Bima 2018 (skenario)", kind: "banjir", startedAt: Self.text(t),
                    affectedCodes: [I.dara, I.paruga]))
        case .registerBimaGudang:
            return .warehouseRegistered(
                WarehouseRegistered(
                    warehouseId: I.bimaGudang, name: "Gudang BPBD Kota Bima", kind: "gudang", kelurahanCode: I.penaraga, incidentId: id))
        case .registerBimaPosko:
            return .warehouseRegistered(
                WarehouseRegistered(
                    warehouseId: I.bimaPosko, name: "Posko Kelurahan Dara (Kota Bima)", kind: "posko", kelurahanCode: I.dara, incidentId: id
                ))
        case .requestBima:
            return .itemsRequested(
                ItemsRequested(
                    requestId: request, warehouseId: I.bimaPosko, lines: Self.floodRequest, priority: "tinggi",
                    neededBy: Self.text(Self.at(30, 12)), requestedAt: Self.text(t), incidentId: id))
        case .donateBima:
            return .donationReceived(
                DonationReceived(
                    donationId: Self.floodLot, warehouseId: I.bimaGudang, donor: Donor(name: donor.name, kind: donor.kind),
                    items: Self.floodDonation, receivedAt: Self.text(t), incidentId: id))
        case .commitBima:
            return .requestCommitted(
                RequestCommitted(
                    requestId: request, fromWarehouseId: I.bimaGudang, lines: Self.floodRequest, committedAt: Self.text(t), incidentId: id))
        case .dispatchBima:
            return .shipmentDispatched(
                ShipmentDispatched(
                    shipmentId: "SH-2018-BB0001", fromWarehouseId: I.bimaGudang, toWarehouseId: I.bimaPosko, lines: lines,
                    vehicle: "Truk BPBD Kota Bima", driver: "sopir-21", dispatchedAt: Self.text(t), requestId: request, incidentId: id))
        case .reportFlood:
            return .impactReported(
                ImpactReported(
                    incidentId: id, code: I.dara, displaced: 412, households: 118, damagedHouses: 57,
                    source: "BPBD Kota Bima (model skenario)",
                    reportedAt: Self.text(t)))
        case .receiveBima:
            return .shipmentReceived(
                ShipmentReceived(
                    shipmentId: "SH-2018-BB0001",
                    lines: Self.floodRequest.map {
                        ReceivedLine(item: $0.item, unit: $0.unit, donationId: Self.floodLot, quantity: $0.quantity)
                    }, receivedAt: Self.text(t), notes: "Diterima lengkap sesuai surat jalan", incidentId: id))
        default:
            return .aidDistributed(
                AidDistributed(
                    distributionId: "DS-2018-BB0001", warehouseId: I.bimaPosko, kelurahanCode: I.dara, lines: lines, households: 118,
                    people: 412, distributedAt: Self.text(t), incidentId: id))
        }
    }

    static func receivedLines(_ lines: [(item: Int, lots: [LotQueue.Entry])]) -> [ReceivedLine] {
        lines.flatMap { line in
            line.lots.map {
                ReceivedLine(
                    item: ScenarioCatalog.items[line.item].item, unit: ScenarioCatalog.items[line.item].unit, donationId: $0.donationId,
                    quantity: $0.quantity)
            }
        }
    }
}
