import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import QueryService

@Suite("Routes: market prices")
struct PricesRoutesTests {
    /// Two markets, one commodity, and reports over 9 days with a rise of 20% on the last.
    @discardableResult
    static func seed(_ client: any TestClientProtocol, _ env: TestEnv) async throws -> UInt64 {
        let token = env.token(.pricesWriter)
        _ = try await client.command("/v1/prices/markets", token: token, body: Fx.market("kebon-roek"))
        _ = try await client.command("/v1/prices/markets", token: token, body: Fx.market("mandalika"))
        _ = try await client.command("/v1/prices/commodities", token: token, body: Fx.commodity)
        var last: UInt64 = 0
        for day in 1...9 {
            let price = day == 9 ? 15000 : 12500
            for market in ["kebon-roek", "mandalika"] {
                let r = try await client.command(
                    "/v1/prices/reports", token: token, body: Fx.report(market: market, price: "\(price)", on: "2018-08-0\(day)"))
                last = r.uint("position") ?? 0
            }
        }
        return last
    }

    @Test("registrations, reports and corrections answer 201 with ids; the views show them")
    func commandsAndViews() async throws {
        try await withRouter { env, client in
            let token = env.token(.pricesWriter)
            let m = try await client.command(
                "/v1/prices/markets", token: token,
                body: #"{"name":"Pasar Cakranegara","kind":"traditional","latitude":-8.5901,"longitude":116.1402}"#)
            #expect(m.string("marketId") == "pasar-cakranegara")
            #expect(m.string("eventId")?.count == 36)
            #expect(Set(m.keys) == ["marketId", "eventId", "position", "events"])
            let c = try await client.command(
                "/v1/prices/commodities", token: token, body: #"{"name":"Cabai Rawit Merah","category":"cabai","unit":"kg"}"#)
            #expect(c.string("commodityId") == "cabai-rawit-merah")
            let last = try await Self.seed(client, env)

            let report = try await client.command(
                "/v1/prices/reports", token: token, body: Fx.report(market: "kebon-roek", price: "13000.5", on: "2018-08-10"))
            #expect(Set(report.keys) == ["marketId", "commodityId", "eventId", "position", "events"])
            let reportId = try #require(report.string("eventId"))
            let fix = try await client.command(
                "/v1/prices/corrections", token: token, body: #"{"correctsEventId":"\#(reportId)","price":13500,"reason":"salah ketik"}"#)
            #expect(fix.string("correctsEventId") == reportId)
            #expect(fix.string("marketId") == "kebon-roek")
            let position = try #require(fix.uint("position"))
            #expect(position > last)

            let markets = try await client.get("/v1/prices/markets?minPosition=\(position)").object().objects("markets")
            #expect(markets.map { $0.string("marketId") ?? "" } == ["kebon-roek", "mandalika", "pasar-cakranegara"])
            let commodities = try await client.get("/v1/prices/commodities").object().objects("commodities")
            #expect(commodities.count == 2)
            let latest = try await client.get("/v1/prices/latest?marketId=kebon-roek&commodityId=beras-medium").object().objects("prices")
            #expect(latest.count == 1)
            #expect((latest.first?["price"] as? NSNumber)?.doubleValue == 13500)
            #expect(latest.first?.object("correction")?.string("eventId") == fix.string("eventId"))
            #expect(latest.first?.string("marketName") == "Pasar kebon-roek")
            let all = try await client.get("/v1/prices/latest").object().objects("prices")
            #expect(all.count == 2)

            let daily = try await client.get("/v1/prices/daily?commodityId=beras-medium&from=2018-08-08&to=2018-08-09").object().objects(
                "daily")
            #expect(daily.map { $0.string("date") ?? "" } == ["2018-08-08", "2018-08-09"])
            #expect(daily.last?.int("count") == 2)
            #expect(daily.last?.int("markets") == 2)
            let on = try await client.get("/v1/prices/daily?on=2018-08-09").object().objects("daily")
            #expect(on.count == 1)
            #expect((on.first?["median"] as? NSNumber)?.doubleValue == 15000)

            let trend = try await client.get("/v1/prices/trend/beras-medium?priceType=retail").object().objects("series")
            #expect(trend.count == 1)
            #expect(trend.first?.string("to") == "2018-08-10")
            #expect(trend.first?.objects("points").count == 10)
            #expect(try await client.get("/v1/prices/trend/nothing").object().objects("series").isEmpty)

            let alerts = try await client.get("/v1/prices/alerts?commodityId=beras-medium").object().objects("alerts")
            #expect(alerts.map { $0.string("day") ?? "" }.contains("2018-08-09"))
            #expect(alerts.first?.string("commodityName") == "Beras Medium")
            let none = try await client.get("/v1/prices/alerts?from=2018-08-01&to=2018-08-05").object().objects("alerts")
            #expect(none.isEmpty)
        }
    }

    @Test("a report retried with the same eventId answers 200 with the original position")
    func idempotentReport() async throws {
        try await withRouter { env, client in
            try await Self.seed(client, env)
            let id = "0b4f7c6e-1a2b-4c3d-8e9f-001122334455"
            let body = Fx.report(market: "mandalika", on: "2018-08-10", eventId: id)
            let first = try await client.command("/v1/prices/reports", token: env.token(.pricesWriter), body: body)
            let head = try env.head()
            let again = try await client.post("/v1/prices/reports", token: env.token(.pricesWriter), body: body)
            #expect(again.status == .ok)
            #expect(try again.object().uint("position") == first.uint("position"))
            #expect(try again.object().string("eventId") == id)
            #expect(try env.head() == head)
            // The same id with another price is a conflict.
            let other = try await client.post(
                "/v1/prices/reports", token: env.token(.pricesWriter),
                body: Fx.report(market: "mandalika", price: "1", on: "2018-08-10", eventId: id))
            expectProblem(other, .conflict, field: "id")
            #expect(try env.head() == head)
        }
    }

    @Test(
        "prices commands refuse bad bodies with 400 naming the field; nothing written",
        arguments: [
            ("/v1/prices/markets", #"{"name":"Pasar X","kind":"supermarket"}"#, "kind"),
            ("/v1/prices/markets", #"{"name":"Pasar X","kind":"modern","latitude":91}"#, "latitude"),
            ("/v1/prices/markets", #"{"name":"Pasar X","kind":"modern","country":"idn"}"#, "country"),
            ("/v1/prices/markets", #"{"kind":"modern"}"#, "name"),
            ("/v1/prices/commodities", #"{"name":"Beras","category":"beras"}"#, "unit"),
            ("/v1/prices/commodities", #"{"name":"Beras","category":"beras","unit":"kg","satuan":"kg"}"#, "satuan"),
            ("/v1/prices/reports", #"{"marketId":"kebon-roek","commodityId":"beras-medium","price":12500.12345,"reporter":"p"}"#, "price"),
            ("/v1/prices/reports", #"{"marketId":"kebon-roek","commodityId":"beras-medium","price":"12500","reporter":"p"}"#, "price"),
            (
                "/v1/prices/reports",
                #"{"marketId":"kebon-roek","commodityId":"beras-medium","price":12500,"reporter":"p","observedOn":"2018-02-30"}"#,
                "observedOn"
            ),
            (
                "/v1/prices/reports",
                #"{"marketId":"kebon-roek","commodityId":"beras-medium","price":12500,"reporter":"p","currency":"rupiah"}"#, "currency"
            ),
            (
                "/v1/prices/reports",
                #"{"marketId":"kebon-roek","commodityId":"beras-medium","price":12500,"reporter":"p","priceType":"grosir"}"#, "priceType"
            ),
            ("/v1/prices/reports", #"{"marketId":"kebon roek","commodityId":"beras-medium","price":12500,"reporter":"p"}"#, "marketId"),
            ("/v1/prices/corrections", #"{"correctsEventId":"nope","price":1,"reason":"x"}"#, "correctsEventId"),
            ("/v1/prices/corrections", #"{"correctsEventId":"0b4f7c6e-1a2b-4c3d-8e9f-001122334455","price":1}"#, "reason"),
            // Strings: no control characters, at most 200 UTF-8 bytes (101 two-byte characters are 202).
            ("/v1/prices/markets", #"{"name":"Pasar\u0007X","kind":"modern"}"#, "name"),
            (
                "/v1/prices/reports",
                #"{"marketId":"kebon-roek","commodityId":"beras-medium","price":12500,"reporter":""# + String(repeating: "é", count: 101)
                    + #""}"#, "reporter"
            ),
        ])
    func badBodies(_ uri: String, _ body: String, _ field: String) async throws {
        try await withRouter { env, client in
            try await Self.seed(client, env)
            let head = try env.head()
            expectProblem(try await client.post(uri, token: env.token(.pricesWriter), body: body), .badRequest, field: field)
            #expect(try env.head() == head)
        }
    }

    @Test("prices commands refuse what a rule forbids with 422 naming the body's field; nothing written")
    func ruleViolations() async throws {
        try await withRouter { env, client in
            try await Self.seed(client, env)
            let token = env.token(.pricesWriter)
            let head = try env.head()
            let cases: [(String, String, String)] = [
                ("/v1/prices/markets", Fx.market("kebon-roek"), "marketId"),
                ("/v1/prices/markets", #"{"name":"Pasar Y","kind":"modern","kelurahanCode":"52.71.99.9999"}"#, "kelurahanCode"),
                ("/v1/prices/commodities", Fx.commodity, "commodityId"),
                ("/v1/prices/reports", Fx.report(market: "pasar-ghost"), "marketId"),
                ("/v1/prices/reports", #"{"marketId":"kebon-roek","commodityId":"gula","price":1,"reporter":"p"}"#, "commodityId"),
                ("/v1/prices/reports", Fx.report(market: "kebon-roek", price: "0"), "price"),
                ("/v1/prices/reports", Fx.report(market: "kebon-roek", price: "-5"), "price"),
                (
                    "/v1/prices/corrections", #"{"correctsEventId":"0b4f7c6e-1a2b-4c3d-8e9f-001122334455","price":1,"reason":"x"}"#,
                    "correctsEventId"
                ),
            ]
            for (uri, body, field) in cases {
                expectProblem(try await client.post(uri, token: token, body: body), .unprocessableContent, field: field)
            }
            #expect(try env.head() == head)
        }
    }

    @Test(
        "prices views refuse bad dates and price types, naming them",
        arguments: [
            ("/v1/prices/daily?on=2018-8-6", "on"), ("/v1/prices/daily?from=yesterday", "from"), ("/v1/prices/daily?to=2018-02-30", "to"),
            ("/v1/prices/trend/beras-medium?from=x", "from"), ("/v1/prices/trend/beras-medium?priceType=grosir", "priceType"),
            ("/v1/prices/alerts?to=2018", "to"), ("/v1/prices/latest?minPosition=x", "minPosition"),
            ("/v1/prices/markets?minPosition=99999999", "minPosition"), ("/v1/prices/commodities?minPosition=-1", "minPosition"),
        ])
    func viewsBadInput(_ uri: String, _ field: String) async throws {
        try await withRouter { _, client in
            expectProblem(try await client.get(uri), .badRequest, field: field)
        }
    }
}
