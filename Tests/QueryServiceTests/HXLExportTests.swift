import EventLog
import Foundation
import QueryService
import Testing

@testable import AidLogistics
@testable import LumbungCore

@Suite("HXL export of aid movements")
struct HXLExportTests {
    static let rembiga = "52.71.05.1005"
    static let selagalas = "52.71.06.1004"
    static let turida = "52.71.06.1006"

    static func line(_ item: String, _ unit: String, _ lot: String, _ q: Int) -> LotLine {
        LotLine(item: item, unit: unit, quantity: q, lots: [LotQuantity(donationId: lot, quantity: q)])
    }

    /// A gudang in Rembiga and a posko in Selagalas; a donation into each; a shipment that loses
    /// 5 kg of rice on the way; a distribution in Turida from the posko (after midnight WITA, the
    /// day before in UTC); an adjustment; and a registration and a document event that give no row.
    static let events: [AidEvent] = [
        .incidentDeclared(
            IncidentDeclared(
                incidentId: "gempa-uji", name: "Gempa uji", kind: "gempa-bumi", startedAt: "2018-08-05T19:46:00+08:00",
                affectedCodes: ["52.71"])),
        .warehouseRegistered(
            WarehouseRegistered(
                warehouseId: "gudang-a", name: "Gudang BPBD Rembiga", kind: "gudang", kelurahanCode: rembiga, incidentId: "gempa-uji")),
        .warehouseRegistered(
            WarehouseRegistered(
                warehouseId: "posko-b", name: "Posko Selagalas", kind: "posko", kelurahanCode: selagalas, incidentId: "gempa-uji")),
        .donationReceived(
            DonationReceived(
                donationId: "DN-1", warehouseId: "gudang-a", donor: Donor(name: #"PT "Maju", Tbk"#, kind: "company"),
                items: [
                    ItemQuantity(item: "beras", unit: "kg", quantity: 100),
                    ItemQuantity(item: "mi instan, rasa soto", unit: "dus", quantity: 20),
                ],
                receivedAt: "2018-08-06T08:00:00+08:00", incidentId: "gempa-uji")),
        .donationReceived(
            DonationReceived(
                donationId: "DN-2", warehouseId: "posko-b", donor: Donor(name: "PMI", kind: "ngo"),
                items: [ItemQuantity(item: "air mineral", unit: "liter", quantity: 30)], receivedAt: "2018-08-06T09:00:00+08:00",
                incidentId: "gempa-uji")),
        .shipmentDispatched(
            ShipmentDispatched(
                shipmentId: "SH-1", fromWarehouseId: "gudang-a", toWarehouseId: "posko-b",
                lines: [line("beras", "kg", "DN-1", 80), line("mi instan, rasa soto", "dus", "DN-1", 10)], vehicle: "Truk",
                driver: "sopir-01",
                dispatchedAt: "2018-08-06T10:00:00+08:00", incidentId: "gempa-uji")),
        .shipmentReceived(
            ShipmentReceived(
                shipmentId: "SH-1",
                lines: [
                    ReceivedLine(item: "beras", unit: "kg", donationId: "DN-1", quantity: 75),
                    ReceivedLine(item: "mi instan, rasa soto", unit: "dus", donationId: "DN-1", quantity: 10),
                ], receivedAt: "2018-08-06T12:00:00+08:00", notes: "satu karung sobek", incidentId: "gempa-uji")),
        .aidDistributed(
            AidDistributed(
                distributionId: "DS-1", warehouseId: "posko-b", kelurahanCode: turida,
                lines: [
                    line("beras", "kg", "DN-1", 30), line("mi instan, rasa soto", "dus", "DN-1", 4),
                    line("air mineral", "liter", "DN-2", 10),
                ],
                households: 12, people: 45, distributedAt: "2018-08-07T00:30:00+08:00", incidentId: "gempa-uji")),
        .stockAdjusted(
            StockAdjusted(
                warehouseId: "posko-b", item: "beras", unit: "kg", donationId: "DN-1", quantity: -3, reason: "rusak",
                incidentId: "gempa-uji")),
    ]

    static func services(_ dir: TemporaryDirectory) async throws -> LumbungServices {
        let services = try LumbungServices(dataDirectory: dir.path)
        for e in events {
            _ = try await services.write([try e.proposed()], actor: "test")
        }
        return services
    }

    static func rows(_ text: String) throws -> (names: [String], tags: [String], rows: [[String: String]]) {
        let records = try #require(parseCSV(text), "not RFC 4180 CSV:\n\(text)")
        try #require(records.count >= 2)
        let tags = records[1]
        let rows = records.dropFirst(2).map { Dictionary(uniqueKeysWithValues: zip(tags, $0).map { ($0, $1) }) }
        return (records[0], tags, Array(rows))
    }

    @Test("one row per movement line, placed as documented, households on the first line of a distribution")
    func rows() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let services = try await Self.services(dir)
        defer { services.close() }
        let (names, tags, rows) = try Self.rows(try exportText("hxl", services.store))
        #expect(names == HXLExporter.columns.map(\.name))
        #expect(tags == HXLExporter.columns.map(\.tag))
        for tag in [
            "#date", "#org", "#adm3+name", "#adm3+code", "#adm4+name", "#adm4+code", "#item+name", "#item+unit", "#value",
            "#reached+hh", "#reached+ind", "#activity", "#activity+code",
        ] {
            #expect(tags.contains(tag), "missing \(tag)")
        }
        #expect(
            rows.map { $0["#activity"] ?? "" } == [
                "donation", "donation", "donation", "shipment", "shipment", "receipt", "receipt", "loss",
                "distribution", "distribution", "distribution", "adjustment",
            ])
        // A donation: at the warehouse that received it, the donor as organisation.
        #expect(rows[0]["#org"] == #"PT "Maju", Tbk"#)
        #expect(rows[0]["#org+type"] == "company")
        #expect(rows[1]["#item+name"] == "mi instan, rasa soto")
        #expect(rows[0]["#adm4+code"] == Self.rembiga)
        #expect(rows[0]["#adm4+name"] == "Rembiga")
        #expect(rows[0]["#adm3+name"] == "Selaparang")
        #expect(rows[0]["#adm3+code"] == "52.71.05")
        #expect(rows[0]["#date"] == "2018-08-06")
        // A shipment and its receipt: at the destination, the sender as organisation.
        for r in rows[3...7] {
            #expect(r["#activity+code"] == "SH-1")
            #expect(r["#loc+code"] == "posko-b")
            #expect(r["#loc+name"] == "Posko Selagalas")
            #expect(r["#adm4+name"] == "Selagalas")
            #expect(r["#org"] == "Gudang BPBD Rembiga")
            #expect(r["#org+type"] == "gudang")
        }
        #expect(rows[3]["#value"] == "80")
        #expect(rows[5]["#value"] == "75")
        #expect(rows[7]["#item+name"] == "beras")
        #expect(rows[7]["#value"] == "5")
        // A distribution: in its own kelurahan, households and people once.
        for r in rows[8...10] {
            #expect(r["#adm4+code"] == Self.turida)
            #expect(r["#adm4+name"] == "Turida")
            #expect(r["#adm3+name"] == "Sandubaya")
            #expect(r["#loc+name"] == "Posko Selagalas")
            #expect(r["#date"] == "2018-08-07")
        }
        #expect(rows[8...10].map { $0["#reached+hh"] ?? "-" } == ["12", "", ""])
        #expect(rows[8...10].map { $0["#reached+ind"] ?? "-" } == ["45", "", ""])
        // An adjustment: signed, at its warehouse, its event id as the activity's id.
        #expect(rows[11]["#value"] == "-3")
        #expect(rows[11]["#activity+code"] == rows[11]["#meta+id"])
        #expect(rows[11]["#adm4+code"] == Self.selagalas)
        // Every row names its event.
        let positions = try services.store.readAll(EventFilter(types: HXLExporter.movementTypes)).map { String($0.position) }
        #expect(Set(rows.compactMap { $0["#meta+position"] }) == Set(positions))
    }

    @Test("sums per kelurahan equal the aid.kelurahan view")
    func sumsMatchTheView() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let services = try await Self.services(dir)
        defer { services.close() }
        let (_, _, rows) = try Self.rows(try exportText("hxl", services.store))
        _ = try services.engine.catchUp()
        let report = try services.engine.read { try AidQueries.kelurahan(try $0.view("aid.kelurahan")) }
        var checked = 0
        for k in report.kelurahan {
            let distributions = rows.filter { $0["#activity"] == "distribution" && $0["#adm4+code"] == k.code }
            #expect(distributions.reduce(0) { $0 + (Int($1["#reached+hh"] ?? "") ?? 0) } == k.households, "\(k.code)")
            #expect(distributions.reduce(0) { $0 + (Int($1["#reached+ind"] ?? "") ?? 0) } == k.people, "\(k.code)")
            for item in k.items {
                let mine = { (r: [String: String]) in
                    r["#adm4+code"] == k.code && r["#item+name"] == item.item && r["#item+unit"] == item.unit
                }
                let distributed = distributions.filter(mine).reduce(0) { $0 + (Int($1["#value"] ?? "") ?? 0) }
                let received = rows.filter { mine($0) && ["donation", "receipt"].contains($0["#activity"]) && $0["#loc+type"] == "posko" }
                    .reduce(0) { $0 + (Int($1["#value"] ?? "") ?? 0) }
                #expect(distributed == item.distributed, "\(k.code) \(item.item)")
                #expect(received == item.received, "\(k.code) \(item.item)")
                checked += 1
            }
        }
        #expect(checked >= 5)
        #expect(report.totals.households == 12)
    }

    /// The fixture's events, then requests of posko-b: RQ-1 (beras and mi) fulfilled in part by a
    /// shipment naming it, RQ-2 cancelled.
    static let requestEvents: [AidEvent] = [
        .itemsRequested(
            ItemsRequested(
                requestId: "RQ-1", warehouseId: "posko-b",
                lines: [
                    ItemQuantity(item: "beras", unit: "kg", quantity: 50),
                    ItemQuantity(item: "mi instan, rasa soto", unit: "dus", quantity: 5),
                ],
                priority: "tinggi", neededBy: "2018-08-08T12:00:00+08:00", requestedAt: "2018-08-07T07:00:00+08:00", incidentId: "gempa-uji"
            )),
        .itemsRequested(
            ItemsRequested(
                requestId: "RQ-2", warehouseId: "posko-b", lines: [ItemQuantity(item: "beras", unit: "kg", quantity: 30)],
                priority: "sedang",
                neededBy: "2018-08-08T12:00:00+08:00", requestedAt: "2018-08-07T07:10:00+08:00", incidentId: "gempa-uji")),
        .shipmentDispatched(
            ShipmentDispatched(
                shipmentId: "SH-2", fromWarehouseId: "gudang-a", toWarehouseId: "posko-b",
                lines: [line("beras", "kg", "DN-1", 20), line("mi instan, rasa soto", "dus", "DN-1", 5)], vehicle: "Truk",
                driver: "sopir-02",
                dispatchedAt: "2018-08-07T08:00:00+08:00", requestId: "RQ-1", incidentId: "gempa-uji")),
        .shipmentReceived(
            ShipmentReceived(
                shipmentId: "SH-2",
                lines: [
                    ReceivedLine(item: "beras", unit: "kg", donationId: "DN-1", quantity: 20),
                    ReceivedLine(item: "mi instan, rasa soto", unit: "dus", donationId: "DN-1", quantity: 5),
                ], receivedAt: "2018-08-07T10:00:00+08:00", notes: "", incidentId: "gempa-uji")),
        .requestCancelled(
            RequestCancelled(requestId: "RQ-2", reason: "dobel", cancelledAt: "2018-08-07T11:00:00+08:00", incidentId: "gempa-uji")),
    ]

    @Test("targeted and reached per incident, desa and item equal GET /v1/aid/needs; a cancelled request counts in neither")
    func targetedAndReached() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let services = try await Self.services(dir)
        defer { services.close() }
        for e in Self.requestEvents { _ = try await services.write([try e.proposed()], actor: "test") }
        let (_, tags, rows) = try Self.rows(try exportText("hxl", services.store))
        #expect(tags.contains("#output+num+targeted") && tags.contains("#output+num+reached"))
        let requests = rows.filter { $0["#activity"] == "request" }
        #expect(requests.map { $0["#activity+code"] ?? "" } == ["RQ-1", "RQ-1", "RQ-2"])
        #expect(requests.map { $0["#output+num+targeted"] ?? "-" } == ["50", "5", ""], "the cancelled RQ-2 is not targeted")
        #expect(
            requests.allSatisfy { $0["#loc+code"] == "posko-b" && $0["#adm4+code"] == Self.selagalas && $0["#adm4+name"] == "Selagalas" })
        #expect(requests.map { $0["#value"] ?? "" } == ["50", "5", "30"])
        // Only the receipt of the shipment naming a request reached it.
        let reachedRows = rows.filter { !($0["#output+num+reached"] ?? "").isEmpty }
        #expect(
            reachedRows.map { $0["#activity+code"] ?? "" } == ["SH-2", "SH-2"] && reachedRows.allSatisfy { $0["#activity"] == "receipt" })
        // The sums are the needs' figures.
        _ = try services.engine.catchUp()
        let needs = try services.engine.read { try AidQueries.needs(try $0.view(AidViews.requests)) }
        var fromExport: [String: (targeted: Int, reached: Int)] = [:]
        for r in rows {
            let key = [r["#crisis+code"] ?? "", r["#adm4+code"] ?? "", r["#item+name"] ?? "", r["#item+unit"] ?? ""].joined(separator: "|")
            let t = Int(r["#output+num+targeted"] ?? "") ?? 0
            let q = Int(r["#output+num+reached"] ?? "") ?? 0
            if t != 0 || q != 0 {
                fromExport[key, default: (0, 0)] = (
                    fromExport[key, default: (0, 0)].targeted + t, fromExport[key, default: (0, 0)].reached + q
                )
            }
        }
        var fromView: [String: (targeted: Int, reached: Int)] = [:]
        for d in needs.desa {
            for i in d.items { fromView[[d.incidentId, d.kelurahanCode, i.item, i.unit].joined(separator: "|")] = (i.targeted, i.reached) }
        }
        #expect(fromView.count == 2)
        #expect(fromExport.keys.sorted() == fromView.keys.sorted())
        for (key, v) in fromView { #expect(fromExport[key]?.targeted == v.targeted && fromExport[key]?.reached == v.reached, "\(key)") }
        #expect(fromView["gempa-uji|\(Self.selagalas)|beras|kg"].map { [$0.targeted, $0.reached] } == [50, 20])
    }

    @Test("a filtered export still names places, from the state prepare read")
    func filteredExportNamesPlaces() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let services = try await Self.services(dir)
        defer { services.close() }
        let receipts = try Self.rows(try exportText("hxl", services.store, EventFilter(types: [AidEventType.shipmentReceived]))).rows
        #expect(receipts.map { $0["#activity"] ?? "" } == ["receipt", "receipt", "loss"])
        #expect(receipts.allSatisfy { $0["#loc+name"] == "Posko Selagalas" && $0["#org"] == "Gudang BPBD Rembiga" })
        let fromDistribution = try Self.rows(try exportText("hxl", services.store, EventFilter(fromPosition: 8))).rows
        #expect(fromDistribution.first?["#loc+name"] == "Posko Selagalas")
        #expect(fromDistribution.count == 4)
        let occurred = try Self.rows(
            try exportText(
                "hxl", services.store, EventFilter(occurredSince: Timestamp("2018-08-06T16:00:00Z")))
        ).rows
        #expect(occurred.map { $0["#activity"] ?? "" } == ["distribution", "distribution", "distribution", "adjustment"])
        // Types without rows give the two header rows only.
        let none = try #require(parseCSV(try exportText("hxl", services.store, EventFilter(types: [AidEventType.warehouseRegistered]))))
        #expect(none.count == 2)
    }
}
