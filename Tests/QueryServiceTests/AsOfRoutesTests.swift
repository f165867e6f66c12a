import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import QueryService

/// The auditor's "what was in the gudang on 10 August?" over HTTP: `?asOf=` and `?recordedAsOf=`
/// on every aid view, answered from a fold of the log up to that point (`ReplayCache`).
@Suite("Routes: aid views as of a point in time")
struct AsOfRoutesTests {
    static func distribution(_ id: String, from warehouse: String, quantity: Int, households: Int, at time: String) -> String {
        #"{"incidentId":"gempa-uji","distributionId":"\#(id)","warehouseId":"\#(warehouse)","kelurahanCode":"\#(Fx.rembiga)","lines":[{"item":"beras","unit":"kg","quantity":\#(quantity)}],"households":\#(households),"people":\#(households * 4),"distributedAt":"\#(time)"}"#
    }

    @Test("asOf and recordedAsOf answer the views as they were; a late entry with an earlier time joins the answer")
    func asOfAndRecordedAsOf() async throws {
        try await withRouter { env, client in
            let seed = AidSeed()
            try await seed.apply(client, env)
            let token = env.token(.aidWriter)
            _ = try await client.command(
                "/v1/aid/distributions", token: token,
                body: Self.distribution("DS-T1", from: seed.gudang, quantity: 20, households: 4, at: "2018-08-08T09:00:00+08:00"))
            try await Task.sleep(for: .milliseconds(20))
            let between = Timestamp.now().description
            try await Task.sleep(for: .milliseconds(20))
            let last = try await client.command(
                "/v1/aid/distributions", token: token,
                body: Self.distribution("DS-T2", from: seed.gudang, quantity: 10, households: 2, at: "2018-08-20T09:00:00+08:00"))
            let position = try #require(last.uint("position"))

            func onHand(_ query: String) async throws -> Int? {
                let r = try await client.get("/v1/aid/stock/\(seed.gudang)?item=beras&unit=kg&\(query)")
                #expect(r.status == .ok, "\(query): \(r.text.prefix(300))")
                return try r.object().objects("totals").first?.int("onHand")
            }
            #expect(try await onHand("minPosition=\(position)") == 70)
            #expect(try await onHand("asOf=2018-08-10") == 80)  // the end of 10 August, WITA
            #expect(try await onHand("asOf=2018-08-07T12:00:00%2B08:00") == 100)
            #expect(try await onHand("asOf=2018-08-08T08:59:59%2B08:00") == 100)
            #expect(try await onHand("recordedAsOf=\(between.replacingOccurrences(of: "+", with: "%2B"))") == 80)
            #expect(try await onHand("recordedAsOf=\(between.replacingOccurrences(of: "+", with: "%2B"))&asOf=2018-08-07") == 100)
            // The current answer is not served for a point in time (nor the other way round); a
            // point not reached yet is now.
            #expect(try await onHand("") == 70)
            #expect(try await onHand("asOf=2999-01-01") == 70)

            // Entered late, with an earlier time: part of the answer for 10 August from now on.
            _ = try await client.command(
                "/v1/aid/distributions", token: token,
                body: Self.distribution("DS-T3", from: seed.gudang, quantity: 5, households: 1, at: "2018-08-09T09:00:00+08:00"))
            #expect(try await onHand("asOf=2018-08-10") == 75)
            #expect(env.services.replays.count >= 3)

            // Every aid view takes it: kelurahan, donors, the trace.
            let kel = try await client.get("/v1/aid/kelurahan/\(Fx.rembiga)?asOf=2018-08-08T23:00:00%2B08:00").object()
            #expect(kel.int("households") == 4)
            let trace = try await client.get("/v1/aid/donations/\(seed.donation)/trace?asOf=2018-08-10", token: env.token(.auditor))
            #expect(trace.status == .ok)
            #expect(try trace.object().object("balance")?.objects("items").first?.int("distributed") == 25)
            let before = try await client.get("/v1/aid/donors?asOf=2018-08-05")
            #expect(before.status == .ok)
            #expect(try before.object().objects("donors").isEmpty)
        }
    }

    @Test("requests, needs, incidents, the catalog, alerts and pending adjustments answer asOf and recordedAsOf too")
    func everyOtherView() async throws {
        try await withRouter { env, client in
            let seed = AidSeed()
            try await seed.apply(client, env)
            let token = env.token(.aidWriter)
            try await Task.sleep(for: .milliseconds(20))
            let recordedBefore = Timestamp.now().description.replacingOccurrences(of: "+", with: "%2B")
            try await Task.sleep(for: .milliseconds(20))
            let made = try await client.command(
                "/v1/aid/requests", token: token,
                body:
                    #"{"incidentId":"gempa-uji","warehouseId":"\#(seed.posko)","lines":[{"item":"beras","unit":"kg","quantity":80}],"priority":"tinggi","neededBy":"2018-08-12T12:00:00+08:00","requestedAt":"2018-08-10T08:00:00+08:00"}"#
            )
            let id = try #require(made.string("requestId"))
            _ = try await client.command(
                "/v1/aid/incidents/gempa-uji/impact", token: token,
                body: #"{"code":"52.71","displaced":500,"source":"BPBD","reportedAt":"2018-08-10T10:00:00+08:00"}"#)
            _ = try await client.command(
                "/v1/aid/warehouses/\(seed.gudang)/minimums", token: token,
                body: #"{"item":"beras","unit":"kg","minimum":150,"setAt":"2018-08-10T09:00:00+08:00"}"#)
            let last = try await client.command(
                "/v1/aid/adjustments", token: token,
                body:
                    #"{"incidentId":"gempa-uji","warehouseId":"\#(seed.gudang)","item":"beras","unit":"kg","donationId":"\#(seed.donation)","quantity":150,"reason":"stock opname","adjustedAt":"2018-08-10T12:00:00+08:00"}"#
            )
            let now = "minPosition=\(try #require(last.uint("position")))"

            func get(_ path: String, _ query: String, auth: Bool = false) async throws -> JSONObject {
                let r = try await client.get(path + (path.contains("?") ? "&" : "?") + query, token: auth ? env.token(.auditor) : nil)
                #expect(r.status == .ok, "\(path) \(query): \(r.text.prefix(300))")
                return try r.object()
            }
            for (query, asked) in [(now, true), ("asOf=2018-08-09", false), ("recordedAsOf=\(recordedBefore)", false)] {
                let requests = try await get("/v1/aid/requests", query).objects("requests").map { $0.string("requestId") }
                #expect(requests == (asked ? [id] : []), "\(query)")
                let one = try await client.get("/v1/aid/requests/\(id)?\(query)")
                #expect(one.status == (asked ? .ok : .notFound), "\(query)")
                let targeted = try await get("/v1/aid/needs", query).objects("desa").first?.objects("items").first?.int("targeted")
                #expect(targeted == (asked ? 80 : nil), "\(query)")
                let displaced = try await get("/v1/aid/incidents/gempa-uji", query).int("displaced")
                #expect(displaced == (asked ? 500 : 0), "\(query)")
                let minimum = try await get("/v1/aid/alerts", query + "&on=2018-08-10").objects("belowMinimum").count
                #expect(minimum == (asked ? 1 : 0), "\(query)")
                let pending = try await get("/v1/aid/adjustments", query, auth: true).objects("adjustments").count
                #expect(pending == (asked ? 1 : 0), "\(query)")
                #expect(try await get("/v1/aid/incidents", query).objects("incidents").count == 1)
                #expect(try await get("/v1/aid/catalog", query).objects("items").isEmpty)
            }
        }
    }

    @Test("a bad asOf is a 400 naming it; routes that are not aid views do not fold for it")
    func badPoints() async throws {
        try await withRouter { env, client in
            try await AidSeed().apply(client, env)
            expectProblem(try await client.get("/v1/aid/stock?asOf=kemarin"), .badRequest, field: "asOf")
            expectProblem(try await client.get("/v1/aid/stock?asOf=2018-13-45"), .badRequest, field: "asOf")
            expectProblem(try await client.get("/v1/aid/stock?recordedAsOf=2018-08-10T25:00:00Z"), .badRequest, field: "recordedAsOf")
            #expect(try await client.get("/v1/prices/latest?asOf=2018-08-10").status == .ok)
            #expect(env.services.replays.count == 0)
        }
    }
}
