import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import LumbungCore
@testable import QueryService

@Suite("Staff screens: the enumerator's daily price form")
struct EnumeratorScreensTests {
    static let sugar = #"{"commodityId":"gula-pasir","name":"Gula Pasir","category":"gula","unit":"kg"}"#

    /// Two markets and two commodities through the API.
    static func seed(_ env: TestEnv, _ client: some TestClientProtocol) async throws {
        let admin = env.token(.pricesWriter)
        for m in ["kebon-roek", "cakranegara"] { _ = try await client.command("/v1/prices/markets", token: admin, body: Fx.market(m)) }
        _ = try await client.command("/v1/prices/commodities", token: admin, body: Fx.commodity)
        _ = try await client.command("/v1/prices/commodities", token: admin, body: Self.sugar)
    }

    @Test("prices typed the Indonesian way")
    func typedPrices() {
        #expect(EnumeratorScreens.rupiah("11750") == 11750)
        #expect(EnumeratorScreens.rupiah("11.750") == 11750)
        #expect(EnumeratorScreens.rupiah("Rp 1.250.000") == 1_250_000)
        #expect(EnumeratorScreens.rupiah("12.500,5") == 12500.5)
        for bad in ["", "0", "-5", "11,750,00", "1.25", "abc", "12.50.000", "١٢"] {
            #expect(EnumeratorScreens.rupiah(bad) == nil, "\(bad)")
        }
    }

    @Test("a scoped enumerator reports a market's prices once per form, the day as filled; another market is 403")
    func dailyForm() async throws {
        try await withRouter { env, client in
            try await Self.seed(env, client)
            let scoped = try await env.services.keys.create(
                role: .pricesWriter, name: "enum-kebon-roek", scope: ["kebon-roek"], actor: "test")
            var browser = StaffBrowser(client: client)
            try await browser.signIn(scoped.token)
            let form = try await browser.get("/petugas/harga")
            #expect(form.status == .ok, "the key's only market opens at once")
            #expect(form.text.contains("Laporan harga Pasar kebon-roek"))
            #expect(try await browser.get("/petugas/harga?pasar=cakranegara").status == .forbidden)

            let action = "/petugas/harga/kebon-roek"
            let csrf = try StaffBrowser.hidden("csrf", in: form.text, form: action)
            let rice = try StaffBrowser.hidden("eventId-beras-medium", in: form.text, form: action)
            let sugar = try StaffBrowser.hidden("eventId-gula-pasir", in: form.text, form: action)
            var head = try env.head()
            // A price that is not one: nothing written, the form back with what was typed.
            let bad = try await browser.post(
                action,
                [
                    ("csrf", csrf), ("tanggal", "2018-08-06"), ("harga-beras-medium", "11.750"), ("eventId-beras-medium", rice),
                    ("harga-gula-pasir", "dua belas ribu"), ("eventId-gula-pasir", sugar),
                ])
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("Gula Pasir"))
            #expect(bad.text.contains(#"value="11.750""#))
            #expect(try env.head() == head)

            let filled = [
                ("csrf", csrf), ("tanggal", "2018-08-06"), ("harga-beras-medium", "11.750"), ("eventId-beras-medium", rice),
                ("harga-gula-pasir", ""), ("eventId-gula-pasir", sugar),
            ]
            let sent = try await browser.post(action, filled)
            #expect(sent.status == .ok, "\(sent.text.prefix(400))")
            #expect(sent.text.contains("1 harga tercatat"))
            #expect(try env.head() == head + 1)
            head += 1
            // Sent again (the phone lost its signal and retried): nothing new.
            let again = try await browser.post(action, filled)
            #expect(again.text.contains("sudah tercatat sebelumnya"))
            #expect(try env.head() == head)

            let latest = try await client.get("/v1/prices/latest?marketId=kebon-roek").object()
            let prices = try #require(latest["prices"] as? [[String: Any]])
            #expect(prices.count == 1)
            #expect(prices.first?["price"] as? Double == 11750)
            #expect(prices.first?["observedOn"] as? String == "2018-08-06")
            #expect((prices.first?["reporter"] as? String)?.hasPrefix("key:") == true)

            // Another market's form, posted by hand: 403, nothing written.
            let other = try await browser.post(
                "/petugas/harga/cakranegara",
                [("csrf", csrf), ("tanggal", "2018-08-06"), ("harga-beras-medium", "12000"), ("eventId-beras-medium", UUID().uuidString)])
            #expect(other.status == .forbidden)
            #expect(try env.head() == head)
        }
    }

    @Test("an outlier from the form is held; the supervisor's screen approves it and it is published, once")
    func supervisorApproves() async throws {
        try await withRouter { env, client in
            try await Self.seed(env, client)
            for (day, price) in [(1, 12000), (2, 12500), (3, 12200)] {
                _ = try await client.command(
                    "/v1/prices/reports", token: env.token(.pricesWriter),
                    body: Fx.report(market: "kebon-roek", price: "\(price)", on: "2018-08-0\(day)"))
            }
            var enumerator = StaffBrowser(client: client)
            try await enumerator.signIn(env.token(.pricesWriter))
            let form = try await enumerator.get("/petugas/harga?pasar=kebon-roek")
            let action = "/petugas/harga/kebon-roek"
            let sent = try await enumerator.post(
                action,
                [
                    ("csrf", try StaffBrowser.hidden("csrf", in: form.text, form: action)), ("tanggal", "2018-08-04"),
                    ("harga-beras-medium", "30.000"),
                    ("eventId-beras-medium", try StaffBrowser.hidden("eventId-beras-medium", in: form.text, form: action)),
                ])
            #expect(sent.text.contains("ditahan untuk diperiksa supervisor"), "\(sent.text.prefix(600))")

            var supervisor = StaffBrowser(client: client)
            try await supervisor.signIn(env.token(.pricesSupervisor))
            let queue = try await supervisor.get("/petugas/tinjauan-harga")
            #expect(queue.status == .ok)
            #expect(queue.text.contains("Rp 30.000"))
            #expect(queue.text.contains("median Rp 12.200"))
            let start = try #require(queue.text.range(of: "action=\"/petugas/tinjauan-harga/"))
            let decideAction = "/petugas/tinjauan-harga/" + queue.text[start.upperBound...].prefix { $0 != "\"" }
            let approve = [
                ("csrf", try StaffBrowser.hidden("csrf", in: queue.text, form: decideAction)),
                ("eventId", try StaffBrowser.hidden("eventId", in: queue.text, form: decideAction)), ("keputusan", "setujui"),
                ("keterangan", "Harga naik setelah gempa"),
            ]
            let head = try env.head()
            let done = try await supervisor.post(decideAction, approve)
            #expect(done.status == .ok)
            #expect(done.text.contains("disetujui"))
            #expect(try env.head() == head + 2, "the approval and the published report")
            let again = try await supervisor.post(decideAction, approve)
            #expect(again.text.contains("sudah tercatat"))
            #expect(try env.head() == head + 2)
            let latest = try await client.get("/v1/prices/latest?marketId=kebon-roek&minPosition=\(head + 2)").object()
            #expect(latest.objects("prices").first?["price"] as? Double == 30000)
            #expect(try await enumerator.get("/petugas/tinjauan-harga").status == .forbidden, "an enumerator does not decide")
        }
    }
}
