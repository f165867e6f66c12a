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

    /// `seed`, then `commands` (route, body) as prices-writer; the position of the last.
    static func seed(_ client: any TestClientProtocol, _ env: TestEnv, then commands: [(String, String)]) async throws -> UInt64 {
        try await seed(client, env)
        var position: UInt64 = 0
        for (uri, body) in commands {
            position = try #require(try await client.command(uri, token: env.token(.pricesWriter), body: body).uint("position"))
        }
        return position
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

    @Test("reference prices: set (201), listed, and the latest prices judged against them; bad ones refused by field, nothing written")
    func referencePrices() async throws {
        try await withEnv { env in
            let scoped = try await env.services.keys.create(role: .pricesWriter, name: "pencatat", scope: ["kebon-roek"], actor: "test")
            try await env.withRouter { client in
                let token = env.token(.pricesWriter)
                try await Self.seed(client, env)
                let het =
                    #"{"commodityId":"beras-medium","kind":"HET","region":"52","amount":9450,"validFrom":"2017-09-01","source":"Permendag 57/M-DAG/PER/8/2017"}"#
                let set = try await client.command("/v1/prices/reference-prices", token: token, body: het)
                #expect(Set(set.keys) == ["commodityId", "eventId", "position", "events"])
                let position = try #require(set.uint("position"))
                let hap =
                    #"{"commodityId":"beras-medium","kind":"HAP","amount":20000,"validFrom":"2017-05-16","source":"Permendag 27/M-DAG/PER/5/2017"}"#
                _ = try await client.command("/v1/prices/reference-prices", token: token, body: hap)

                // Refusals name the field, and nothing is written.
                let before = try env.head()
                expectProblem(
                    try await client.post("/v1/prices/reference-prices", token: token, body: het), .unprocessableContent,
                    field: "validFrom")
                expectProblem(
                    try await client.post(
                        "/v1/prices/reference-prices", token: token, body: het.replacingOccurrences(of: #""52""#, with: #""NTB""#)),
                    .badRequest, field: "region")
                expectProblem(
                    try await client.post(
                        "/v1/prices/reference-prices", token: token,
                        body: het.replacingOccurrences(of: "beras-medium", with: "gula-pasir")),
                    .unprocessableContent, field: "commodityId")
                let kota = het.replacingOccurrences(of: #""52""#, with: #""52.71""#)
                let outside = try await client.post("/v1/prices/reference-prices", token: scoped.token, body: kota)
                expectProblem(outside, .forbidden)
                #expect(outside.text.contains("a key scoped to markets cannot set one"), "\(outside.text)")
                expectProblem(try await client.post("/v1/prices/reference-prices", token: env.token(.auditor), body: het), .forbidden)
                #expect(try env.head() == before)

                let list = try await client.get("/v1/prices/reference-prices?commodityId=beras-medium&minPosition=\(position)").object()
                    .objects("referencePrices")
                #expect(list.map { $0.object("reference")?.string("kind") ?? "" } == ["HAP", "HET"])
                #expect(list.last?.object("reference")?.string("region") == "52")
                #expect(list.last?.object("reference")?.string("unit") == "kg")

                // Both markets' latest reports (15,000 on 9 August) are above the HET, not the HAP.
                let checks = try await client.get("/v1/prices/reference-checks?above=true").object().objects("checks")
                #expect(checks.count == 2)
                for check in checks {
                    #expect((check["above"] as? Bool) == true)
                    let refs = check.objects("references")
                    #expect(refs.map { $0.string("kind") ?? "" } == ["HET", "HAP"])
                    #expect(refs.map { ($0["above"] as? Bool) ?? false } == [true, false])
                    #expect((refs.first?["excess"] as? NSNumber)?.doubleValue == 5550)
                }
                let one = try await client.get("/v1/prices/reference-checks?marketId=kebon-roek").object().objects("checks")
                #expect(one.count == 1)
                expectProblem(try await client.get("/v1/prices/reference-checks?above=ya"), .badRequest, field: "above")

                // The portal marks them.
                let page = try await client.get("/harga-pasar")
                #expect(page.text.contains("HET Rp"))
                #expect(page.text.contains("di atas HET"))
                #expect(page.text.contains("Permendag 57/M-DAG/PER/8/2017"))
            }
        }
    }

    @Test("price levels: a supermarket's prices are a series of their own in daily statistics, trends, alerts and the portal")
    func levels() async throws {
        try await withRouter { env, client in
            let position = try await Self.seed(
                client, env,
                then: [
                    (
                        "/v1/prices/markets",
                        #"{"marketId":"ruby","name":"Ruby Supermarket","kind":"modern","kelurahanCode":"52.71.03.1012"}"#
                    ),
                    ("/v1/prices/reports", Fx.report(market: "ruby", price: "16000", on: "2018-08-09")),
                ])

            let daily = try await client.get("/v1/prices/daily?on=2018-08-09&minPosition=\(position)").object().objects("daily")
            #expect(daily.map { $0.string("level") ?? "" }.sorted() == ["pasar-modern", "pasar-tradisional"])
            let pasar = try #require(daily.first { $0.string("level") == "pasar-tradisional" })
            #expect((pasar["median"] as? NSNumber)?.doubleValue == 15000)
            #expect(pasar.int("count") == 2)

            let all = try await client.get("/v1/prices/trend/beras-medium").object().objects("series")
            #expect(all.map { $0.string("level") ?? "" }.sorted() == ["pasar-modern", "pasar-tradisional"])
            let modern = try await client.get("/v1/prices/trend/beras-medium?level=pasar-modern").object().objects("series")
            #expect(modern.count == 1)
            #expect(modern.first?.objects("points").count == 1)
            expectProblem(try await client.get("/v1/prices/trend/beras-medium?level=grosir"), .badRequest, field: "level")

            // The day-9 alert is the pasar's (+20%); the supermarket's lone day has no baseline.
            let alerts = try await client.get("/v1/prices/alerts").object().objects("alerts")
            #expect(alerts.map { $0.string("level") ?? "" } == ["pasar-tradisional"])

            let page = try await client.get("/harga-pasar/beras-medium")
            #expect(page.text.contains("Tingkat pasar tradisional"))
            #expect(page.text.contains("Tingkat pasar modern"))
        }
    }

    @Test("a level's daily table as PIHPS publishes it: a row per day, a column per commodity, the day's mean")
    func levelTable() async throws {
        try await withRouter { env, client in
            let position = try await Self.seed(
                client, env,
                then: [
                    ("/v1/prices/commodities", #"{"commodityId":"telur","name":"Telur","category":"telur","unit":"kg"}"#),
                    (
                        "/v1/prices/reports",
                        #"{"marketId":"kebon-roek","commodityId":"telur","price":25000.5,"reporter":"p","observedOn":"2018-08-09"}"#
                    ),
                ])
            let csv = try await client.get("/v1/prices/levels/pasar-tradisional/daily.csv?from=2018-08-08&minPosition=\(position)")
            #expect(csv.status == .ok)
            #expect(csv.contentType?.hasPrefix("text/csv") == true)
            #expect(csv.text == "tanggal,beras-medium,telur\r\n2018-08-08,12500,\r\n2018-08-09,15000,25000.5\r\n")
            let wholesale = try await client.get("/v1/prices/levels/pedagang-besar/daily.csv")
            #expect(wholesale.text == "tanggal,beras-medium,telur\r\n")
            expectProblem(try await client.get("/v1/prices/levels/grosir/daily.csv"), .badRequest, field: "level")
            expectProblem(try await client.get("/v1/prices/levels/pasar-modern/daily.csv?from=8-8-2018"), .badRequest, field: "from")
        }
    }
}
