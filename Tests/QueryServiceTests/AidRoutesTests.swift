import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import QueryService

@Suite("Routes: aid logistics")
struct AidRoutesTests {
    @Test("the aid commands answer 201 with their ids and position; the views show them")
    func commandsAndViews() async throws {
        try await withRouter { env, client in
            let seed = AidSeed()
            try await seed.apply(client, env)
            let token = env.token(.aidWriter)
            // An id made by the server when absent.
            let made = try await client.command(
                "/v1/aid/warehouses", token: token,
                body: #"{"incidentId":"gempa-uji","name":"Gudang Baru","kind":"gudang","kelurahanCode":"52.71.02.1002"}"#)
            #expect(made.string("warehouseId")?.hasPrefix("WH-") == true)
            #expect(made.uint("position") == (try env.head()))
            #expect(made.int("events") == 1)
            #expect(Set(made.keys) == ["warehouseId", "position", "events"])

            let ship = try await client.command(
                "/v1/aid/shipments", token: token, body: Fx.shipment("SH-T1", from: seed.gudang, to: seed.posko, quantity: 30))
            #expect(ship.string("shipmentId") == "SH-T1")
            let receipt = try await client.command(
                "/v1/aid/shipments/SH-T1/receipt", token: token,
                body: #"{"lines":[{"item":"beras","unit":"kg","donationId":"\#(seed.donation)","quantity":28}],"notes":"2 kg basah"}"#)
            #expect(receipt.string("shipmentId") == "SH-T1")
            let dist = try await client.command(
                "/v1/aid/distributions", token: token,
                body:
                    #"{"incidentId":"gempa-uji","warehouseId":"\#(seed.posko)","kelurahanCode":"\#(Fx.rembiga)","lines":[{"item":"beras","unit":"kg","quantity":20}],"households":4,"people":15,"distributedAt":"2018-08-08T09:00:00+08:00"}"#
            )
            #expect(dist.string("distributionId")?.hasPrefix("DS-2018-") == true)
            let adj = try await client.command(
                "/v1/aid/adjustments", token: token,
                body:
                    #"{"incidentId":"gempa-uji","warehouseId":"\#(seed.gudang)","item":"beras","unit":"kg","donationId":"\#(seed.donation)","quantity":-5,"reason":"rusak terkena hujan"}"#
            )
            #expect(adj.string("warehouseId") == seed.gudang)
            #expect(adj.string("donationId") == seed.donation)
            let last = try #require(adj.uint("position"))

            // Stock: gudang 100 - 30 - 5 = 65; posko 28 - 20 = 8.
            let stock = try await client.get("/v1/aid/stock?minPosition=\(last)").object()
            let byWarehouse = Dictionary(
                uniqueKeysWithValues: stock.objects("warehouses").map {
                    ($0.object("warehouse")?.string("warehouseId") ?? "", $0.objects("items").first?.int("onHand") ?? -1)
                })
            #expect(byWarehouse[seed.gudang] == 65)
            #expect(byWarehouse[seed.posko] == 8)
            let one = try await client.get("/v1/aid/stock/\(seed.posko)?item=beras&unit=kg").object()
            #expect(one.objects("warehouses").count == 1)
            #expect(one.objects("totals").first?.int("onHand") == 8)
            let q = try await client.get("/v1/aid/stock?warehouseId=\(seed.gudang)").object()
            #expect(q.objects("warehouses").first?.objects("items").first?.objects("lots").first?.string("donationId") == seed.donation)

            // Aid per kelurahan: all 50; Rembiga received 28 and distributed 20.
            let kel = try await client.get("/v1/aid/kelurahan").object()
            #expect(kel.objects("kelurahan").count == 50)
            #expect(kel.object("totals")?.int("households") == 4)
            let rembiga = try await client.get("/v1/aid/kelurahan/\(Fx.rembiga)")
            #expect(rembiga.status == .ok)
            let r = try rembiga.object()
            #expect(r.int("people") == 15)
            #expect(r.objects("items").first?.int("received") == 28)
            #expect(r.objects("items").first?.int("distributed") == 20)

            // Donors, all and one.
            let donors = try await client.get("/v1/aid/donors").object()
            #expect(donors.objects("donors").map { $0.string("name") } == ["BAZNAS NTB"])
            #expect(donors.objects("donors").first?["donationList"] == nil)
            let donor = try await client.get("/v1/aid/donors?name=BAZNAS%20NTB").object()
            #expect(donor.objects("donationList").count == 1)

            // The trace adds up: 100 = 65 on hand + 8 at the posko... + 20 distributed + 2 lost + 5 adjusted.
            let trace = try await client.get("/v1/aid/donations/\(seed.donation)/trace", token: env.token(.auditor))
            #expect(trace.status == .ok)
            let balance = try #require(try trace.object().object("balance"))
            #expect(balance["holds"] as? Bool == true)
            let item = try #require(balance.objects("items").first)
            #expect(item.int("onHand") == 73)
            #expect(item.int("distributed") == 20)
            #expect(item.int("lost") == 2)
            #expect(item.int("adjusted") == 5)
        }
    }

    @Test("aid views: 404 for an unknown warehouse, kelurahan, donor or donation")
    func viewsNotFound() async throws {
        try await withRouter { env, client in
            expectProblem(try await client.get("/v1/aid/stock/gudang-ghost"), .notFound)
            expectProblem(try await client.get("/v1/aid/stock?warehouseId=gudang-ghost"), .notFound)
            expectProblem(try await client.get("/v1/aid/kelurahan/52.71.99.9999"), .notFound)
            expectProblem(try await client.get("/v1/aid/donors?name=Nobody"), .notFound)
            expectProblem(try await client.get("/v1/aid/donations/DN-NONE/trace", token: env.token(.auditor)), .notFound)
        }
    }

    @Test("aid views: 400 for a bad minPosition")
    func viewsBadInput() async throws {
        try await withRouter { env, client in
            for uri in ["/v1/aid/stock", "/v1/aid/kelurahan", "/v1/aid/donors", "/v1/aid/kelurahan/\(Fx.rembiga)"] {
                expectProblem(try await client.get("\(uri)?minPosition=x"), .badRequest, field: "minPosition")
                expectProblem(try await client.get("\(uri)?minPosition=999999"), .badRequest, field: "minPosition")
            }
            expectProblem(
                try await client.get("/v1/aid/donations/DN-1/trace?minPosition=-3", token: env.token(.auditor)), .badRequest,
                field: "minPosition")
        }
    }

    @Test("the trace is for auditors (and admin): 401 without a key, 403 with another role")
    func traceAuth() async throws {
        try await withRouter { env, client in
            try await AidSeed().apply(client, env)
            let uri = "/v1/aid/donations/\(AidSeed().donation)/trace"
            expectProblem(try await client.get(uri), .unauthorized)
            expectProblem(try await client.get(uri, token: env.token(.aidWriter)), .forbidden)
            #expect(try await client.get(uri, token: env.token(.admin)).status == .ok)
        }
    }

    @Test(
        "aid commands refuse bad bodies with 400 naming the field; nothing written",
        arguments: [
            ("/v1/aid/warehouses", #"{"incidentId":"gempa-uji","name":"G","kind":"lumbung","kelurahanCode":"52.71.01.1004"}"#, "kind"),
            (
                "/v1/aid/warehouses",
                #"{"incidentId":"gempa-uji","name":"G","kind":"gudang","kelurahanCode":"52.71.01.1004","alamat":"Jl. Majapahit"}"#, "alamat"
            ),
            (
                "/v1/aid/warehouses",
                #"{"incidentId":"gempa-uji","warehouseId":"-x","name":"G","kind":"gudang","kelurahanCode":"52.71.01.1004"}"#, "warehouseId"
            ),
            ("/v1/aid/warehouses", #"[1]"#, "body"),
            (
                "/v1/aid/donations",
                #"{"incidentId":"gempa-uji","warehouseId":"gudang-bpbd","donor":{"name":"A","kind":"ngo"},"items":[{"item":"beras","unit":"kg","quantity":0}]}"#,
                "items[0].quantity"
            ),
            (
                "/v1/aid/donations",
                #"{"incidentId":"gempa-uji","warehouseId":"gudang-bpbd","donor":{"name":"A"},"items":[{"item":"beras","unit":"kg","quantity":1}]}"#,
                "donor.kind"
            ),
            (
                "/v1/aid/donations",
                #"{"incidentId":"gempa-uji","warehouseId":"gudang-bpbd","donor":{"name":"A","kind":"ngo"},"items":[{"item":"beras","unit":"kg","quantity":1}],"receivedAt":"06/08/2018"}"#,
                "receivedAt"
            ),
            (
                "/v1/aid/shipments",
                #"{"incidentId":"gempa-uji","fromWarehouseId":"gudang-bpbd","toWarehouseId":"posko-rembiga","lines":[{"item":"beras","unit":"kg","quantity":1}],"vehicle":"Truk"}"#,
                "driver"
            ),
            ("/v1/aid/shipments/SH-SEEDED/receipt", #"{"lines":[{"item":"beras","unit":"kg","quantity":1}]}"#, "lines[0].donationId"),
            ("/v1/aid/shipments/SH-SEEDED/receipt", #"{"notes":"x","catatan":"y"}"#, "catatan"),
            ("/v1/aid/shipments/SH-SEEDED/receipt", #"[]"#, "body"),
            (
                "/v1/aid/distributions",
                #"{"incidentId":"gempa-uji","warehouseId":"posko-rembiga","kelurahanCode":"52.71.05.1005","lines":[{"item":"beras","unit":"kg","quantity":1}],"households":1}"#,
                "people"
            ),
            (
                "/v1/aid/adjustments",
                #"{"incidentId":"gempa-uji","warehouseId":"gudang-bpbd","item":"beras","unit":"kg","donationId":"DN-1","quantity":0,"reason":"x"}"#,
                "quantity"
            ),
        ])
    func badBodies(_ uri: String, _ body: String, _ field: String) async throws {
        try await withRouter { env, client in
            let seed = AidSeed()
            try await seed.apply(client, env)
            _ = try await client.command(
                "/v1/aid/shipments", token: env.token(.aidWriter),
                body: Fx.shipment("SH-SEEDED", from: seed.gudang, to: seed.posko, quantity: 1))
            let head = try env.head()
            expectProblem(try await client.post(uri, token: env.token(.aidWriter), body: body), .badRequest, field: field)
            #expect(try env.head() == head)
        }
    }

    @Test("aid commands refuse what a rule forbids with 422 naming the field; nothing written")
    func ruleViolations() async throws {
        try await withRouter { env, client in
            let seed = AidSeed()
            try await seed.apply(client, env)
            let token = env.token(.aidWriter)
            #expect(
                try await client.post(
                    "/v1/aid/shipments", token: token, body: Fx.shipment("SH-OK", from: seed.gudang, to: seed.posko, quantity: 10)
                ).status == .created)
            #expect(try await client.post("/v1/aid/shipments/SH-OK/receipt", token: token, body: "{}").status == .created)
            let head = try env.head()
            let cases: [(String, String, String)] = [
                ("/v1/aid/warehouses", Fx.warehouse(seed.gudang), "warehouseId"),
                (
                    "/v1/aid/warehouses", #"{"incidentId":"gempa-uji","name":"G","kind":"gudang","kelurahanCode":"52.71.99.9999"}"#,
                    "kelurahanCode"
                ),
                ("/v1/aid/donations", Fx.donation("DN-GHOST", at: "gudang-ghost"), "warehouseId"),
                ("/v1/aid/donations", Fx.donation(seed.donation, at: seed.gudang), "donationId"),
                ("/v1/aid/shipments", Fx.shipment("SH-BIG", from: seed.gudang, to: seed.posko, quantity: 1000), "lines[0].quantity"),
                ("/v1/aid/shipments", Fx.shipment("SH-SELF", from: seed.gudang, to: seed.gudang, quantity: 1), "toWarehouseId"),
                ("/v1/aid/shipments/SH-OK/receipt", "{}", "shipmentId"),
                (
                    "/v1/aid/distributions",
                    #"{"incidentId":"gempa-uji","warehouseId":"\#(seed.posko)","kelurahanCode":"\#(Fx.rembiga)","lines":[{"item":"beras","unit":"kg","quantity":5}],"households":3,"people":2}"#,
                    "people"
                ),
                (
                    "/v1/aid/distributions",
                    #"{"incidentId":"gempa-uji","warehouseId":"\#(seed.posko)","kelurahanCode":"\#(Fx.rembiga)","lines":[{"item":"beras","unit":"kg","quantity":500}],"households":3,"people":9}"#,
                    "lines[0].quantity"
                ),
                (
                    "/v1/aid/adjustments",
                    #"{"incidentId":"gempa-uji","warehouseId":"\#(seed.gudang)","item":"beras","unit":"kg","donationId":"\#(seed.donation)","quantity":-1000,"reason":"hilang"}"#,
                    "quantity"
                ),
            ]
            for (uri, body, field) in cases {
                expectProblem(try await client.post(uri, token: token, body: body), .unprocessableContent, field: field)
            }
            #expect(try env.head() == head)
        }
    }

    @Test("the receipt of a shipment that was never dispatched is a 404; nothing written")
    func receiptNotFound() async throws {
        try await withRouter { env, client in
            let head = try env.head()
            expectProblem(try await client.post("/v1/aid/shipments/SH-NEVER/receipt", token: env.token(.aidWriter), body: "{}"), .notFound)
            expectProblem(try await client.post("/v1/aid/shipments/bad%20id/receipt", token: env.token(.aidWriter), body: "{}"), .notFound)
            #expect(try env.head() == head)
        }
    }
}
