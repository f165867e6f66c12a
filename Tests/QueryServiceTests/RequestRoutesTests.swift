import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import QueryService

@Suite("Routes: requests and commitments")
struct RequestRoutesTests {
    @Test(
        "a posko asks, a gudang commits, a shipment naming the request fulfils it; refusals (another posko's request among them) name the field, nothing written"
    )
    func requests() async throws {
        try await withRouter { env, client in
            let seed = AidSeed()
            try await seed.apply(client, env)
            let token = env.token(.aidWriter)
            let made = try await client.command(
                "/v1/aid/requests", token: token,
                body:
                    #"{"incidentId":"gempa-uji","warehouseId":"\#(seed.posko)","lines":[{"item":"beras","unit":"kg","quantity":80}],"priority":"tinggi","neededBy":"2018-08-08T12:00:00+08:00","requestedAt":"2018-08-07T08:00:00+08:00"}"#
            )
            let id = try #require(made.string("requestId"))
            _ = try await client.command(
                "/v1/aid/requests/\(id)/commitments", token: token,
                body: #"{"fromWarehouseId":"\#(seed.gudang)","lines":[{"item":"beras","unit":"kg","quantity":50}]}"#)
            _ = try await client.command(
                "/v1/aid/warehouses", token: token, body: Fx.warehouse("posko-cakra", kind: "posko", kelurahan: Fx.cakraTimur))
            let head = try env.head()
            for (uri, body, status, field) in [
                (
                    "/v1/aid/requests/\(id)/commitments",
                    #"{"fromWarehouseId":"\#(seed.gudang)","lines":[{"item":"beras","unit":"kg","quantity":31}]}"#,
                    HTTPResponse.Status.unprocessableContent, "lines[0].quantity"
                ),
                (
                    "/v1/aid/requests",
                    #"{"incidentId":"gempa-uji","warehouseId":"\#(seed.posko)","lines":[],"neededBy":"2018-08-08T12:00:00+08:00","requestedAt":"2018-08-07T08:00:00+08:00"}"#,
                    .badRequest, "lines"
                ),
                (
                    "/v1/aid/requests",
                    #"{"incidentId":"gempa-uji","warehouseId":"\#(seed.posko)","lines":[{"item":"beras","unit":"kg","quantity":1}],"priority":"darurat","neededBy":"2018-08-08T12:00:00+08:00","requestedAt":"2018-08-07T08:00:00+08:00"}"#,
                    .badRequest, "priority"
                ),
                (
                    "/v1/aid/shipments",
                    #"{"incidentId":"gempa-uji","requestId":"\#(id)","fromWarehouseId":"\#(seed.posko)","toWarehouseId":"\#(seed.gudang)","lines":[{"item":"beras","unit":"kg","quantity":1}],"vehicle":"Truk","driver":"sopir-01"}"#,
                    .unprocessableContent, "lines[0].quantity"
                ),
                (
                    // The gudang has the stock; the request is Rembiga's, the shipment goes to Cakra.
                    "/v1/aid/shipments",
                    #"{"incidentId":"gempa-uji","requestId":"\#(id)","fromWarehouseId":"\#(seed.gudang)","toWarehouseId":"posko-cakra","lines":[{"item":"beras","unit":"kg","quantity":10}],"vehicle":"Truk","driver":"sopir-01"}"#,
                    .unprocessableContent, "requestId"
                ),
            ] {
                expectProblem(try await client.post(uri, token: token, body: body), status, field: field)
            }
            #expect(
                try await client.post("/v1/aid/requests/RQ-TIDAK-ADA/cancellation", token: token, body: #"{"reason":"x"}"#).status
                    == .notFound)
            #expect(try env.head() == head)

            _ = try await client.command(
                "/v1/aid/shipments", token: token,
                body:
                    #"{"incidentId":"gempa-uji","requestId":"\#(id)","shipmentId":"SH-RQ1","fromWarehouseId":"\#(seed.gudang)","toWarehouseId":"\#(seed.posko)","lines":[{"item":"beras","unit":"kg","quantity":50}],"vehicle":"Truk","driver":"sopir-01"}"#
            )
            let received = try await client.command("/v1/aid/shipments/SH-RQ1/receipt", token: token, body: "{}")
            let position = try #require(received.uint("position"))
            let one = try await client.get("/v1/aid/requests/\(id)?minPosition=\(position)").object()
            #expect(one.string("status") == "partly-fulfilled")
            #expect(one.objects("lines").first?.int("delivered") == 50 && one.objects("lines").first?.int("committed") == 50)
            let list = try await client.get("/v1/aid/requests?status=partly-fulfilled&incident=gempa-uji").object()
            #expect(list.objects("requests").map { $0.string("requestId") ?? "" } == [id])
            expectProblem(try await client.get("/v1/aid/requests?status=selesai"), .badRequest, field: "status")
            let needs = try await client.get("/v1/aid/needs?incident=gempa-uji").object()
            let desa = try #require(needs.objects("desa").first)
            #expect(desa.string("kelurahanCode") == Fx.rembiga)
            #expect(desa.objects("items").first?.int("targeted") == 80 && desa.objects("items").first?.int("reached") == 50)
            #expect(try await client.get("/v1/aid/requests/RQ-TIDAK-ADA").status == .notFound)
        }
    }
}
