import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import QueryService

@Suite("Routes: item catalog, expiry, first-expiry-first-out, minimum stock and alerts")
struct CatalogRoutesTests {
    static let beras =
        #"{"item":"beras","name":"Beras medium","category":"pangan","baseUnit":"kg","packs":[{"unit":"karung","baseQuantity":25}],"expires":true}"#

    static func donation(_ id: String, at gudang: String, _ quantity: Int, expiresOn: String?, item: String = "beras") -> String {
        let expiry = expiresOn.map { #","expiresOn":"\#($0)""# } ?? ""
        return
            #"{"incidentId":"gempa-uji","donationId":"\#(id)","warehouseId":"\#(gudang)","donor":{"name":"PMI","kind":"ngo"},"items":[{"item":"\#(item)","unit":"kg","quantity":\#(quantity)\#(expiry)}],"receivedAt":"2018-08-07T08:00:00+08:00"}"#
    }

    /// The seed's incident and warehouses, the catalog (beras), and two lots: DN-LATE (expires 30 Sep)
    /// received before DN-SOON (expires 15 Aug).
    static func seed(_ client: any TestClientProtocol, _ env: TestEnv) async throws -> (AidSeed, UInt64) {
        let seed = AidSeed()
        let token = env.token(.aidWriter)
        _ = try await client.command("/v1/aid/incidents", token: token, body: Fx.incident)
        _ = try await client.command("/v1/aid/warehouses", token: token, body: Fx.warehouse(seed.gudang))
        _ = try await client.command(
            "/v1/aid/warehouses", token: token, body: Fx.warehouse(seed.posko, kind: "posko", kelurahan: Fx.rembiga))
        let c = try await client.command("/v1/aid/catalog", token: token, body: Self.beras)
        #expect(c.string("item") == "beras")
        _ = try await client.command(
            "/v1/aid/donations", token: token, body: Self.donation("DN-LATE", at: seed.gudang, 200, expiresOn: "2018-09-30"))
        let last = try await client.command(
            "/v1/aid/donations", token: token, body: Self.donation("DN-SOON", at: seed.gudang, 40, expiresOn: "2018-08-15"))
        return (seed, last.uint("position") ?? 0)
    }

    @Test("the catalog is listed; a free-text item, another unit or a missing expiry is a 422 naming the field; nothing written")
    func catalogRefusals() async throws {
        try await withRouter { env, client in
            let (seed, at) = try await Self.seed(client, env)
            let catalog = try await client.get("/v1/aid/catalog?minPosition=\(at)").object()
            #expect(catalog.objects("items").map { $0.string("item") } == ["beras"])
            let token = env.token(.aidWriter)
            let head = try env.head()
            expectProblem(
                try await client.post(
                    "/v1/aid/donations", token: token, body: Self.donation("DN-X", at: seed.gudang, 5, expiresOn: nil, item: "sagu")),
                .unprocessableContent, field: "items[0].item")
            expectProblem(
                try await client.post("/v1/aid/donations", token: token, body: Self.donation("DN-X", at: seed.gudang, 5, expiresOn: nil)),
                .unprocessableContent, field: "items[0].expiresOn")
            expectProblem(
                try await client.post(
                    "/v1/aid/donations", token: token, body: Self.donation("DN-X", at: seed.gudang, 5, expiresOn: "2018-13-01")),
                .badRequest, field: "items[0].expiresOn")
            expectProblem(try await client.post("/v1/aid/catalog", token: token, body: Self.beras), .unprocessableContent, field: "item")
            expectProblem(
                try await client.post(
                    "/v1/aid/catalog", token: token,
                    body: #"{"item":"sagu","name":"Sagu","category":"mainan","baseUnit":"kg","expires":true}"#), .badRequest,
                field: "category")
            #expect(try env.head() == head)
        }
    }

    @Test("a dispatch takes the earliest-expiring lot; naming a later lot is a 422 unless a reason is given")
    func firstExpiryFirstOut() async throws {
        try await withRouter { env, client in
            let (seed, _) = try await Self.seed(client, env)
            let token = env.token(.aidWriter)
            func shipment(_ lines: String) -> String {
                #"{"incidentId":"gempa-uji","fromWarehouseId":"\#(seed.gudang)","toWarehouseId":"\#(seed.posko)","lines":\#(lines),"vehicle":"Truk","driver":"sopir-01","dispatchedAt":"2018-08-08T09:00:00+08:00"}"#
            }
            let head = try env.head()
            expectProblem(
                try await client.post(
                    "/v1/aid/shipments", token: token,
                    body: shipment(#"[{"item":"beras","unit":"kg","quantity":10,"lots":[{"donationId":"DN-LATE","quantity":10}]}]"#)),
                .unprocessableContent, field: "lines[0].lots[0].donationId")
            #expect(try env.head() == head)
            _ = try await client.command(
                "/v1/aid/shipments", token: token,
                body: shipment(
                    #"[{"item":"beras","unit":"kg","quantity":10,"lots":[{"donationId":"DN-LATE","quantity":10}],"reason":"DN-SOON untuk dapur umum"}]"#
                ))
            let auto = try await client.command(
                "/v1/aid/shipments", token: token, body: shipment(#"[{"item":"beras","unit":"kg","quantity":50}]"#))
            let at = try #require(auto.uint("position"))
            let stock = try await client.get("/v1/aid/stock/\(seed.gudang)?minPosition=\(at)").object()
            let lots = stock.objects("warehouses").first?.objects("items").first?.objects("lots") ?? []
            // DN-SOON went whole first, then 10 of DN-LATE.
            #expect(lots.map { $0.string("donationId") } == ["DN-SOON", "DN-LATE"])
            #expect(lots.map { $0.int("onHand") } == [0, 180])
            #expect(lots.map { $0.string("expiresOn") } == ["2018-08-15", "2018-09-30"])
        }
    }

    @Test("alerts list lots expiring within 14 days (or expired) and items below minimum; bad parameters are 400")
    func alerts() async throws {
        try await withRouter { env, client in
            let (seed, _) = try await Self.seed(client, env)
            let token = env.token(.aidWriter)
            let m = try await client.command(
                "/v1/aid/warehouses/\(seed.gudang)/minimums", token: token, body: #"{"item":"beras","unit":"kg","minimum":500}"#)
            let at = try #require(m.uint("position"))
            let a = try await client.get("/v1/aid/alerts?on=2018-08-05&minPosition=\(at)").object()
            #expect(a.string("on") == "2018-08-05")
            #expect(a.objects("expiring").map { $0.string("donationId") } == ["DN-SOON"])
            #expect(a.objects("expiring").first?.int("daysLeft") == 10)
            #expect(a.objects("belowMinimum").map { $0.int("onHand") } == [240])
            let later = try await client.get("/v1/aid/alerts?on=2018-08-20&days=60").object()
            #expect(later.objects("expiring").map { $0.string("donationId") } == ["DN-SOON", "DN-LATE"])
            #expect(later.objects("expiring").first?.bool("expired") == true)
            expectProblem(try await client.get("/v1/aid/alerts?on=2018-02-30"), .badRequest, field: "on")
            expectProblem(try await client.get("/v1/aid/alerts?days=-1"), .badRequest, field: "days")
            // A minimum for an unregistered warehouse is a 404; for an uncataloged item a 422.
            let head = try env.head()
            expectProblem(
                try await client.post(
                    "/v1/aid/warehouses/gudang-nope/minimums", token: token, body: #"{"item":"beras","unit":"kg","minimum":5}"#),
                .notFound)
            expectProblem(
                try await client.post(
                    "/v1/aid/warehouses/\(seed.gudang)/minimums", token: token, body: #"{"item":"sagu","unit":"kg","minimum":5}"#),
                .unprocessableContent, field: "item")
            #expect(try env.head() == head)
        }
    }

    @Test("a write-off of an expired lot is listed pending above the threshold and counts once approved")
    func writeOff() async throws {
        try await withRouter { env, client in
            let (seed, _) = try await Self.seed(client, env)
            let writer = env.token(.aidWriter)
            let body =
                #"{"warehouseId":"\#(seed.gudang)","item":"beras","unit":"kg","donationId":"DN-SOON","quantity":-40,"reason":"kedaluwarsa 15 Agustus","writeOff":true,"needsApproval":true,"adjustedAt":"2018-08-16T09:00:00+08:00"}"#
            let w = try await client.command("/v1/aid/adjustments", token: writer, body: body)
            let id = try #require(w.string("adjustmentId"))
            let pending = try await client.get("/v1/aid/adjustments?minPosition=\(w.uint("position") ?? 0)", token: writer).object()
            #expect(pending.objects("adjustments").first?.bool("writeOff") == true)
            // Pending: it counts nowhere before a second officer approves it.
            let waiting = try await client.get(
                "/v1/aid/donations/DN-SOON/trace?minPosition=\(w.uint("position") ?? 0)", token: env.token(.auditor)
            ).object()
            #expect(waiting.object("balance")?.objects("items").first?.int("writtenOff") == 0)
            #expect(waiting.object("balance")?.objects("items").first?.int("onHand") == 40)
            let lots = try await client.get("/v1/aid/stock/\(seed.gudang)?item=beras&unit=kg").object()
            #expect(
                lots.objects("warehouses").first?.objects("items").first?.objects("lots").first { $0.string("donationId") == "DN-SOON" }?
                    .int("onHand") == 40)
            let second = try await env.services.keys.create(role: .aidWriter, name: "petugas kedua", actor: "test").token
            let ok = try await client.command("/v1/aid/adjustments/\(id)/approval", token: second, body: "{}")
            let trace = try await client.get(
                "/v1/aid/donations/DN-SOON/trace?minPosition=\(ok.uint("position") ?? 0)", token: env.token(.auditor)
            ).object()
            let balance = trace.object("balance")?.objects("items").first
            #expect(balance?.int("writtenOff") == 40)
            #expect(balance?.int("onHand") == 0)
            #expect(trace.object("balance")?.bool("holds") == true)
            expectProblem(
                try await client.post("/v1/aid/adjustments", token: writer, body: body.replacingOccurrences(of: "-40", with: "40")),
                .unprocessableContent, field: "quantity")
        }
    }
}
