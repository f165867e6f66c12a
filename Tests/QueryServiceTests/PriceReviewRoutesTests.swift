import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import LumbungCore
@testable import QueryService

/// Checked before published: a report outside the band around the market's recent median, or a
/// second report of a day, is held; the public views show it only once a supervisor approves it.
@Suite("Routes: market price reports checked before published")
struct PriceReviewRoutesTests {
    /// A market with three published days of beras (12,000, 12,500, 12,200).
    static func seed(_ env: TestEnv, _ client: some TestClientProtocol) async throws {
        let token = env.token(.pricesWriter)
        _ = try await client.command("/v1/prices/markets", token: token, body: Fx.market("kebon-roek"))
        _ = try await client.command("/v1/prices/markets", token: token, body: Fx.market("cakranegara"))
        _ = try await client.command("/v1/prices/commodities", token: token, body: Fx.commodity)
        for (day, price) in [(1, 12000), (2, 12500), (3, 12200)] {
            let r = try await client.command(
                "/v1/prices/reports", token: token, body: Fx.report(market: "kebon-roek", price: "\(price)", on: "2018-08-0\(day)"))
            #expect(r["review"] == nil)
        }
    }

    static func latest(_ client: some TestClientProtocol, minPosition: UInt64) async throws -> Double? {
        let r = try await client.get("/v1/prices/latest?marketId=kebon-roek&minPosition=\(minPosition)").object()
        return r.objects("prices").first?["price"] as? Double
    }

    @Test("an outlier is held out of the public views until approved; a rejection keeps it out for good")
    func holdApproveReject() async throws {
        try await withRouter { env, client in
            try await Self.seed(env, client)
            let writer = env.token(.pricesWriter)
            let held = try await client.command(
                "/v1/prices/reports", token: writer, body: Fx.report(market: "kebon-roek", price: "30000", on: "2018-08-04"))
            #expect(held.string("review") == "held")
            #expect(held.string("reasons") == "outside-band")
            let heldID = try #require(held.string("eventId"))
            var position = try #require(held.uint("position"))
            #expect(try await Self.latest(client, minPosition: position) == 12200, "the held price is not public")
            let daily = try await client.get("/v1/prices/daily?on=2018-08-04&minPosition=\(position)").object()
            #expect(daily.objects("daily").isEmpty, "\(daily)")

            let queue = try await client.get("/v1/prices/review-queue?minPosition=\(position)", token: env.token(.pricesSupervisor))
                .object()
            let entry = try #require(queue.objects("reports").first)
            #expect(entry.string("heldEventId") == heldID)
            #expect((entry["held"] as? [String: Any])?["median"] as? Double == 12200)
            #expect((entry["held"] as? [String: Any])?["upper"] as? Double == 15250)

            // Only a supervisor decides; unknown ids are 404; nothing written by a refusal.
            let other = try await env.services.keys.create(
                role: .pricesSupervisor, name: "sup-cakra", scope: ["cakranegara"], actor: "test")
            let head = try env.head()
            expectProblem(try await client.post("/v1/prices/reports/\(heldID)/approve", token: writer, body: "{}"), .forbidden)
            expectProblem(
                try await client.post("/v1/prices/reports/\(UUID().uuidString)/approve", token: env.token(.pricesSupervisor), body: "{}"),
                .notFound)
            expectProblem(
                try await client.post("/v1/prices/reports/\(heldID)/reject", token: env.token(.pricesSupervisor), body: "{}"),
                .unprocessableContent, field: "reasonCode")
            expectProblem(try await client.post("/v1/prices/reports/\(heldID)/approve", token: other.token, body: "{}"), .forbidden)
            #expect(try env.head() == head)

            let approved = try await client.command(
                "/v1/prices/reports/\(heldID)/approve", token: env.token(.pricesSupervisor),
                body: #"{"reason":"Harga naik setelah gempa 5 Agustus"}"#)
            position = try #require(approved.uint("position"))
            #expect(approved.int("events") == 2)
            #expect(try await Self.latest(client, minPosition: position) == 30000)
            expectProblem(
                try await client.post("/v1/prices/reports/\(heldID)/approve", token: env.token(.pricesSupervisor), body: "{}"),
                .unprocessableContent, field: "heldEventId")

            // A typo: held, rejected with its code, never public.
            let typo = try await client.command(
                "/v1/prices/reports", token: writer, body: Fx.report(market: "kebon-roek", price: "1250", on: "2018-08-05"))
            let typoID = try #require(typo.string("eventId"))
            let rejected = try await client.command(
                "/v1/prices/reports/\(typoID)/reject", token: env.token(.pricesSupervisor), body: #"{"reasonCode":"salah-ketik"}"#)
            position = try #require(rejected.uint("position"))
            #expect(try await Self.latest(client, minPosition: position) == 30000)
            let decided = try await client.get(
                "/v1/prices/review-queue?status=all&minPosition=\(position)", token: env.token(.auditor)
            ).object().objects("reports")
            #expect(decided.map { $0.string("status") ?? "" } == ["approved", "rejected"])
            #expect(
                try await client.get("/v1/prices/review-queue?minPosition=\(position)", token: env.token(.pricesSupervisor)).object()
                    .objects("reports").isEmpty)
        }
    }

    @Test("a second report of a day is held; a commodity's own rule widens the band")
    func duplicateDayAndRule() async throws {
        try await withRouter { env, client in
            try await Self.seed(env, client)
            let writer = env.token(.pricesWriter)
            let again = try await client.command(
                "/v1/prices/reports", token: writer, body: Fx.report(market: "kebon-roek", price: "12300", on: "2018-08-03"))
            #expect(again.string("review") == "held")
            #expect(again.string("reasons") == "duplicate-day")
            expectProblem(
                try await client.post(
                    "/v1/prices/review-rules", token: writer,
                    body:
                        #"{"commodityId":"beras-medium","bandPercent":100,"windowDays":14,"minSamples":3,"holdDuplicateDay":true,"enabled":true}"#
                ),
                .forbidden)
            expectProblem(
                try await client.post(
                    "/v1/prices/review-rules", token: env.token(.pricesSupervisor),
                    body:
                        #"{"commodityId":"beras-medium","bandPercent":0,"windowDays":14,"minSamples":3,"holdDuplicateDay":true,"enabled":true}"#
                ),
                .badRequest, field: "bandPercent")
            _ = try await client.command(
                "/v1/prices/review-rules", token: env.token(.pricesSupervisor),
                body:
                    #"{"commodityId":"beras-medium","bandPercent":100,"windowDays":14,"minSamples":3,"holdDuplicateDay":true,"enabled":true}"#
            )
            let doubled = try await client.command(
                "/v1/prices/reports", token: writer, body: Fx.report(market: "kebon-roek", price: "24000", on: "2018-08-06"))
            #expect(doubled["review"] == nil, "within a 100% band")
            let tripled = try await client.command(
                "/v1/prices/reports", token: writer, body: Fx.report(market: "kebon-roek", price: "40000", on: "2018-08-07"))
            #expect(tripled.string("review") == "held")
        }
    }

    @Test("daily statistics say how far apart the markets of a level were, and the commodity page says it in Bahasa Indonesia")
    func disparity() async throws {
        try await withRouter { env, client in
            try await Self.seed(env, client)
            let r = try await client.command(
                "/v1/prices/reports", token: env.token(.pricesWriter),
                body: Fx.report(market: "cakranegara", price: "13420", on: "2018-08-03"))
            let position = try #require(r.uint("position"))
            let daily = try await client.get("/v1/prices/daily?on=2018-08-03&minPosition=\(position)").object()
            let stats = try #require(daily.objects("daily").first)
            let d = try #require(stats["disparity"] as? [String: Any], "\(stats)")
            #expect((d["cheapest"] as? [String: Any])?["marketId"] as? String == "kebon-roek")
            #expect((d["dearest"] as? [String: Any])?["price"] as? Double == 13420)
            #expect(d["ratio"] as? Double == 1.1)
            #expect(d["coefficientOfVariation"] as? Double == 4.8)
            let page = try await client.get("/harga-pasar/beras-medium?minPosition=\(position)").text
            #expect(
                page.contains("Disparitas antar pasar: termahal Pasar cakranegara (Rp 13.420), 1,10× termurah Pasar kebon-roek"), "\(page)")
        }
    }
}
