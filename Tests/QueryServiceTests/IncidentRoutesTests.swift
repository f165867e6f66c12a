import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import QueryService

@Suite("Routes: incidents")
struct IncidentRoutesTests {
    static let fire =
        #"{"incidentId":"kebakaran-uji","name":"Kebakaran uji","kind":"kebakaran","startedAt":"2018-08-06T11:00:00+08:00","affectedCodes":["52.71.05.1005"]}"#

    @Test("declare, report impact, read per incident; refusals name the field and write nothing")
    func incidents() async throws {
        try await withRouter { env, client in
            let seed = AidSeed()
            try await seed.apply(client, env)
            let token = env.token(.aidWriter)
            let declared = try await client.command("/v1/aid/incidents", token: token, body: Self.fire)
            #expect(declared.string("incidentId") == "kebakaran-uji")
            _ = try await client.command(
                "/v1/aid/incidents/kebakaran-uji/impact", token: token,
                body:
                    #"{"code":"52.71.05.1005","displaced":120,"households":31,"source":"BPBD Kota Mataram","reportedAt":"2018-08-06T17:00:00+08:00"}"#
            )
            _ = try await client.command(
                "/v1/aid/donations", token: token,
                body:
                    #"{"incidentId":"kebakaran-uji","donationId":"DN-F1","warehouseId":"\#(seed.gudang)","donor":{"name":"Warga Rembiga","kind":"community"},"items":[{"item":"beras","unit":"kg","quantity":40}]}"#
            )

            let head = try env.head()
            for (uri, body, status, field) in [
                ("/v1/aid/incidents", Self.fire, HTTPResponse.Status.unprocessableContent, "incidentId"),
                (
                    "/v1/aid/incidents", #"{"name":"Banjir","kind":"banjir","affectedCodes":["52.06"]}"#, .unprocessableContent,
                    "affectedCodes[0]"
                ),
                ("/v1/aid/incidents", #"{"name":"Banjir","kind":"meteor","affectedCodes":["52.71"]}"#, .badRequest, "kind"),
                (
                    "/v1/aid/incidents/kebakaran-uji/impact", #"{"code":"52.71.01.1004","displaced":3,"source":"BPBD"}"#,
                    .unprocessableContent, "code"
                ),
                (
                    "/v1/aid/donations",
                    #"{"warehouseId":"\#(seed.gudang)","donor":{"name":"A","kind":"ngo"},"items":[{"item":"beras","unit":"kg","quantity":1}]}"#,
                    .badRequest, "incidentId"
                ),
                (
                    "/v1/aid/shipments",
                    #"{"incidentId":"kebakaran-uji","fromWarehouseId":"\#(seed.gudang)","toWarehouseId":"\#(seed.posko)","lines":[{"item":"beras","unit":"kg","quantity":41}],"vehicle":"Truk","driver":"sopir-01"}"#,
                    .unprocessableContent, "lines[0].quantity"
                ),
            ] {
                let r = try await client.post(uri, token: token, body: body)
                expectProblem(r, status, field: field)
            }
            #expect(
                try await client.post(
                    "/v1/aid/incidents/tidak-ada/impact", token: token, body: #"{"code":"52.71","displaced":1,"source":"x"}"#
                ).status == .notFound)
            #expect(try env.head() == head)

            let list = try await client.get("/v1/aid/incidents?minPosition=\(head)").object()
            #expect(list.objects("incidents").map { $0.string("incidentId") ?? "" } == ["gempa-uji", "kebakaran-uji"])
            let one = try await client.get("/v1/aid/incidents/kebakaran-uji").object()
            #expect(one.int("displaced") == 120 && one.objects("impact").first?.string("name") == "Rembiga")
            #expect(one.object("reached")?.int("donations") == 1)
            #expect(try await client.get("/v1/aid/incidents/tidak-ada").status == .notFound)
            // The stock of one incident: only its own lot.
            let fireStock = try await client.get("/v1/aid/stock?incident=kebakaran-uji").object()
            #expect(fireStock.objects("totals").map { $0.int("onHand") ?? 0 } == [40])
            let quakeStock = try await client.get("/v1/aid/stock?incident=gempa-uji").object()
            #expect(quakeStock.objects("totals").map { $0.int("onHand") ?? 0 } == [100])
            let donors = try await client.get("/v1/aid/donors?incident=kebakaran-uji").object()
            #expect(donors.objects("donors").map { $0.string("name") ?? "" } == ["Warga Rembiga"])
            // The portal's aid page, per incident.
            let page = try await client.get("/bantuan-bencana?insiden=kebakaran-uji")
            #expect(page.status == .ok && page.text.contains("Bantuan bencana: Kebakaran uji"))
            #expect(try await client.get("/bantuan-bencana?insiden=tidak-ada").status == .notFound)
        }
    }
}
