import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import QueryService

@Suite("Routes: four eyes on stock adjustments")
struct AidFourEyesRoutesTests {
    static func adjustment(_ seed: AidSeed, _ q: Int) -> String {
        #"{"incidentId":"gempa-uji","warehouseId":"\#(seed.gudang)","item":"beras","unit":"kg","donationId":"\#(seed.donation)","quantity":\#(q),"reason":"stock opname"}"#
    }

    /// The seed, the writer's token, and the answer to the writer's adjustment of +150 kg (above the
    /// threshold: pending).
    static func pending(_ client: any TestClientProtocol, _ env: TestEnv) async throws -> (AidSeed, String, JSONObject) {
        let seed = AidSeed()
        try await seed.apply(client, env)
        let writer = env.token(.aidWriter)
        return (seed, writer, try await client.command("/v1/aid/adjustments", token: writer, body: Self.adjustment(seed, 150)))
    }

    func onHand(_ client: any TestClientProtocol, _ seed: AidSeed, after position: UInt64) async throws -> Int? {
        let stock = try await client.get("/v1/aid/stock/\(seed.gudang)?item=beras&unit=kg&minPosition=\(position)").object()
        return stock.objects("totals").first?.int("onHand")
    }

    @Test("a large adjustment is pending (listed, not counted); its writer's approval is 422; another key's counts it")
    func pendingApproved() async throws {
        try await withRouter { env, client in
            let (seed, writer, adj) = try await Self.pending(client, env)
            let id = try #require(adj.string("adjustmentId"))
            #expect(id.hasPrefix("AD-"))
            let at = try #require(adj.uint("position"))
            #expect(try await onHand(client, seed, after: at) == 100)

            let list = try await client.get("/v1/aid/adjustments?state=pending&minPosition=\(at)", token: env.token(.auditor))
            #expect(list.status == .ok)
            let pending = try list.object().objects("adjustments")
            #expect(pending.map { $0.string("adjustmentId") } == [id])
            #expect(pending.first?.int("quantity") == 150)
            #expect(pending.first?.string("requestedBy")?.hasPrefix("key:") == true)
            for (incident, listed) in [("gempa-uji", [id]), ("banjir-lain", [])] as [(String, [String?])] {
                let narrowed = try await client.get("/v1/aid/adjustments?incident=\(incident)", token: env.token(.auditor)).object()
                #expect(narrowed.objects("adjustments").map { $0.string("adjustmentId") } == listed, "\(incident)")
            }
            expectProblem(try await client.get("/v1/aid/adjustments?state=approved", token: writer), .badRequest, field: "state")
            #expect(try await client.get("/v1/aid/adjustments").status == .unauthorized)

            // The writer cannot approve their own adjustment.
            let head = try env.head()
            expectProblem(
                try await client.post("/v1/aid/adjustments/\(id)/approval", token: writer, body: "{}"), .unprocessableContent,
                field: "approvedBy")
            #expect(try env.head() == head)
            // A body's own approvedBy is replaced by the caller.
            expectProblem(
                try await client.post("/v1/aid/adjustments/\(id)/approval", token: writer, body: #"{"approvedBy":"someone-else"}"#),
                .unprocessableContent, field: "approvedBy")
            expectProblem(
                try await client.post("/v1/aid/adjustments/AD-2018-NOPE0000/approval", token: writer, body: "{}"),
                .unprocessableContent, field: "adjustmentId")
            #expect(try env.head() == head)

            let second = try await env.services.keys.create(role: .aidWriter, name: "petugas kedua", actor: "test").token
            let ok = try await client.command("/v1/aid/adjustments/\(id)/approval", token: second, body: "{}")
            #expect(ok.string("adjustmentId") == id)
            let approvedAt = try #require(ok.uint("position"))
            #expect(try await onHand(client, seed, after: approvedAt) == 250)
            let after = try await client.get("/v1/aid/adjustments?minPosition=\(approvedAt)", token: writer).object()
            #expect(after.objects("adjustments").isEmpty)
            expectProblem(
                try await client.post("/v1/aid/adjustments/\(id)/approval", token: env.token(.admin), body: "{}"),
                .unprocessableContent, field: "adjustmentId")
        }
    }

    @Test("another key rejects a pending adjustment: no longer listed, never counted; the writer's rejection is 422")
    func rejectedOverHTTP() async throws {
        try await withRouter { env, client in
            let (seed, writer, adj) = try await Self.pending(client, env)
            let id = try #require(adj.string("adjustmentId"))
            let head = try env.head()
            expectProblem(
                try await client.post("/v1/aid/adjustments/\(id)/rejection", token: writer, body: #"{"reason":"salah hitung"}"#),
                .unprocessableContent, field: "rejectedBy")
            expectProblem(
                try await client.post("/v1/aid/adjustments/\(id)/rejection", token: writer, body: "{}"), .badRequest, field: "reason")
            #expect(try env.head() == head)
            let second = try await env.services.keys.create(role: .aidWriter, name: "petugas kedua", actor: "test").token
            let r = try await client.command("/v1/aid/adjustments/\(id)/rejection", token: second, body: #"{"reason":"salah hitung"}"#)
            let at = try #require(r.uint("position"))
            #expect(try await onHand(client, seed, after: at) == 100)
            let list = try await client.get("/v1/aid/adjustments?minPosition=\(at)", token: writer).object()
            #expect(list.objects("adjustments").isEmpty)
            expectProblem(
                try await client.post("/v1/aid/adjustments/\(id)/approval", token: env.token(.admin), body: "{}"), .unprocessableContent,
                field: "adjustmentId")
        }
    }

    @Test("a small adjustment counts at once and is not listed")
    func smallAdjustment() async throws {
        try await withRouter { env, client in
            let seed = AidSeed()
            try await seed.apply(client, env)
            let adj = try await client.command("/v1/aid/adjustments", token: env.token(.aidWriter), body: Self.adjustment(seed, -5))
            let at = try #require(adj.uint("position"))
            #expect(try await onHand(client, seed, after: at) == 95)
            let list = try await client.get("/v1/aid/adjustments?minPosition=\(at)", token: env.token(.aidWriter)).object()
            #expect(list.objects("adjustments").isEmpty)
        }
    }

    @Test("the staff page lists pending adjustments; the writer's approval is refused, another officer's counts")
    func staffScreen() async throws {
        try await withRouter { env, client in
            let seed = AidSeed()
            try await seed.apply(client, env)
            let writerKey = try await env.services.keys.create(role: .aidWriter, name: "petugas satu", actor: "test")
            let adj = try await client.command("/v1/aid/adjustments", token: writerKey.token, body: Self.adjustment(seed, 150))
            let id = try #require(adj.string("adjustmentId"))
            let at = try #require(adj.uint("position"))
            _ = try await onHand(client, seed, after: at)

            var writer = StaffBrowser(client: client)
            try await writer.signIn(writerKey.token)
            let page = try await writer.get("/petugas/bantuan/\(seed.gudang)")
            #expect(page.status == .ok)
            #expect(page.text.contains("Menunggu persetujuan") && page.text.contains(id), "\(page.text.prefix(600))")
            let action = "/petugas/bantuan/\(seed.gudang)/setujui/\(id)"
            let head = try env.head()
            let refused = try await writer.post(
                action,
                [
                    ("csrf", try StaffBrowser.hidden("csrf", in: page.text, form: action)),
                    ("eventId", try StaffBrowser.hidden("eventId", in: page.text, form: action)),
                ])
            #expect(refused.status == .unprocessableContent && refused.text.contains("Tidak dicatat"), "\(refused.text.prefix(400))")
            #expect(try env.head() == head)

            var second = StaffBrowser(client: client)
            let secondKey = try await env.services.keys.create(role: .aidWriter, name: "petugas dua", scope: [seed.gudang], actor: "test")
            try await second.signIn(secondKey.token)
            let open = try await second.get("/petugas/bantuan/\(seed.gudang)")
            let approved = try await second.post(
                action,
                [
                    ("csrf", try StaffBrowser.hidden("csrf", in: open.text, form: action)),
                    ("eventId", try StaffBrowser.hidden("eventId", in: open.text, form: action)),
                ])
            #expect(approved.status == .ok && approved.text.contains("disetujui"), "\(approved.text.prefix(400))")
            #expect(!approved.text.contains("Menunggu persetujuan"))
            #expect(try await onHand(client, seed, after: try env.head()) == 250)
        }
    }
}
