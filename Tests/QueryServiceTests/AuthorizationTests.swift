import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import LumbungCore
@testable import QueryService

@Suite("Authorization: every write route and every protected read")
struct AuthorizationTests {
    /// A write route, a body it would accept, the role it needs, and a role it refuses.
    struct Write: Sendable, CustomTestStringConvertible {
        let uri: String
        let body: String
        let role: Role
        let wrong: Role
        var testDescription: String { "POST \(uri)" }
    }

    static let seed = AidSeed()
    static let writes: [Write] = [
        Write(uri: "/v1/streams/test-auth", body: Fx.rawEvent(), role: .admin, wrong: .auditor),
        Write(uri: "/v1/aid/warehouses", body: Fx.warehouse("gudang-2"), role: .aidWriter, wrong: .pricesWriter),
        Write(uri: "/v1/aid/donations", body: Fx.donation("DN-AUTH", at: seed.gudang), role: .aidWriter, wrong: .auditor),
        Write(
            uri: "/v1/aid/shipments", body: Fx.shipment("SH-AUTH", from: seed.gudang, to: seed.posko, quantity: 1), role: .aidWriter,
            wrong: .documentsWriter),
        Write(uri: "/v1/aid/shipments/SH-SEED/receipt", body: "{}", role: .aidWriter, wrong: .pricesWriter),
        Write(
            uri: "/v1/aid/distributions",
            body:
                #"{"incidentId":"gempa-uji","warehouseId":"\#(seed.gudang)","kelurahanCode":"\#(Fx.ampenanSelatan)","lines":[{"item":"beras","unit":"kg","quantity":1}],"households":1,"people":1}"#,
            role: .aidWriter, wrong: .auditor),
        Write(
            uri: "/v1/aid/adjustments",
            body:
                #"{"incidentId":"gempa-uji","warehouseId":"\#(seed.gudang)","item":"beras","unit":"kg","donationId":"\#(seed.donation)","quantity":1,"reason":"hitung ulang"}"#,
            role: .aidWriter, wrong: .documentsWriter),
        Write(uri: "/v1/documents/applications", body: Fx.application, role: .documentsWriter, wrong: .aidWriter),
        Write(
            uri: "/v1/documents/applications/{receipt}/status", body: #"{"to":"verified","officer":"p"}"#, role: .documentsWriter,
            wrong: .auditor),
        Write(uri: "/v1/prices/markets", body: Fx.market("pasar-baru"), role: .pricesWriter, wrong: .documentsWriter),
        Write(
            uri: "/v1/prices/commodities", body: #"{"name":"Gula Pasir","category":"gula","unit":"kg"}"#, role: .pricesWriter,
            wrong: .aidWriter),
        Write(uri: "/v1/prices/reports", body: Fx.report(market: "kebon-roek"), role: .pricesWriter, wrong: .auditor),
        Write(
            uri: "/v1/prices/corrections", body: #"{"correctsEventId":"{report}","price":12000,"reason":"salah"}"#, role: .pricesWriter,
            wrong: .documentsWriter),
    ]

    /// Seeds what each write needs, so that with the right key it would succeed.
    static func prepare(_ client: any TestClientProtocol, _ env: TestEnv) async throws -> (receipt: String, report: String) {
        try await seed.apply(client, env)
        _ = try await client.command(
            "/v1/aid/shipments", token: env.token(.aidWriter), body: Fx.shipment("SH-SEED", from: seed.gudang, to: seed.posko, quantity: 1))
        let app = try await client.command("/v1/documents/applications", token: env.token(.documentsWriter), body: Fx.application)
        _ = try await client.command("/v1/prices/markets", token: env.token(.pricesWriter), body: Fx.market("kebon-roek"))
        _ = try await client.command("/v1/prices/commodities", token: env.token(.pricesWriter), body: Fx.commodity)
        let report = try await client.command("/v1/prices/reports", token: env.token(.pricesWriter), body: Fx.report(market: "kebon-roek"))
        return (app.string("receiptNumber") ?? "", report.string("eventId") ?? "")
    }

    @Test("a write route refuses no key (401) and the wrong role (403) and writes nothing; its role and admin succeed", arguments: writes)
    func write(_ w: Write) async throws {
        try await withRouter { env, client in
            let (receipt, report) = try await Self.prepare(client, env)
            let uri = w.uri.replacingOccurrences(of: "{receipt}", with: receipt)
            let body = w.body.replacingOccurrences(of: "{report}", with: report)
            let head = try env.head()
            expectProblem(try await client.post(uri, body: body), .unauthorized)
            expectProblem(
                try await client.post(uri, token: "lmb_0000000000_" + String(repeating: "a", count: 64), body: body), .unauthorized)
            expectProblem(try await client.post(uri, token: env.token(w.wrong), body: body), .forbidden)
            for role in Role.allCases where role != w.role && role != .admin {
                expectProblem(try await client.post(uri, token: env.token(role), body: body), .forbidden)
            }
            #expect(try env.head() == head, "a refused write wrote something")
            let ok = try await client.post(uri, token: env.token(w.role == .admin ? .admin : w.role), body: body)
            #expect(ok.status == .created, "\(ok.text)")
            #expect(try env.head() > head)
        }
    }

    @Test("admin may call every write route")
    func adminWrites() async throws {
        try await withRouter { env, client in
            let (receipt, report) = try await Self.prepare(client, env)
            for w in Self.writes {
                let uri = w.uri.replacingOccurrences(of: "{receipt}", with: receipt)
                let body = w.body.replacingOccurrences(of: "{report}", with: report)
                let r = try await client.post(uri, token: env.token(.admin), body: body)
                #expect(r.status == .created, "POST \(uri) as admin: \(r.text)")
            }
        }
    }

    @Test("a read-only replica refuses every write with 403 naming the primary; nothing written")
    func replica() async throws {
        try await withRouter { env, client in
            let (receipt, report) = try await Self.prepare(client, env)
            env.services.readOnlyPrimary = "http://primary.example:8080"
            defer { env.services.readOnlyPrimary = nil }
            let head = try env.head()
            for w in Self.writes {
                let uri = w.uri.replacingOccurrences(of: "{receipt}", with: receipt)
                let body = w.body.replacingOccurrences(of: "{report}", with: report)
                let r = try await client.post(uri, token: env.token(.admin), body: body)
                expectProblem(r, .forbidden)
                #expect(try r.object().string("primary") == "http://primary.example:8080")
            }
            #expect(try env.head() == head)
            // Refused as a write whatever the body holds (checked before it is read); a path that
            // is no write route stays a 404.
            for uri in ["/v1/streams/test-auth", "/v1/aid/warehouses", "/v1/documents/applications/NOPE/status"] {
                let r = try await client.post(uri, token: env.token(.admin), body: "not json")
                expectProblem(r, .forbidden)
                #expect(try r.object().string("primary") == "http://primary.example:8080")
            }
            expectProblem(try await client.post("/v1/nothing-here", token: env.token(.admin), body: "{}"), .notFound)
            #expect(try env.head() == head)
        }
    }

    /// Protected reads: the roles that may call them (admin always may).
    static let reads: [(String, [Role])] = [
        ("/v1/events", [.auditor]), ("/v1/streams/warehouse-gudang-bpbd", [.auditor]), ("/v1/export", [.auditor]),
        ("/v1/aid/donations/DN-2018-TEST0001/trace", [.auditor]), ("/v1/documents/queue", [.documentsWriter, .auditor]),
    ]

    @Test("protected reads: 401 without a key, 403 with another role, 200 with theirs")
    func reads() async throws {
        try await withRouter { env, client in
            try await Self.seed.apply(client, env)
            for (uri, roles) in Self.reads {
                expectProblem(try await client.get(uri), .unauthorized)
                for role in Role.allCases {
                    let r = try await client.get(uri, token: env.token(role))
                    if roles.contains(role) || role == .admin {
                        #expect(r.status == .ok, "GET \(uri) as \(role.rawValue): \(r.text.prefix(200))")
                    } else {
                        expectProblem(r, .forbidden)
                    }
                }
            }
            // The subscription refuses before it streams.
            expectProblem(try await client.get("/v1/subscribe"), .unauthorized)
            expectProblem(try await client.get("/v1/subscribe", token: env.token(.aidWriter)), .forbidden)
        }
    }

    @Test("public reads need no key")
    func publicReads() async throws {
        try await withRouter { env, client in
            try await Self.seed.apply(client, env)
            for uri in [
                "/health", "/metrics", "/openapi.yaml", "/v1/aid/stock", "/v1/aid/stock/gudang-bpbd", "/v1/aid/kelurahan",
                "/v1/aid/kelurahan/\(Fx.rembiga)", "/v1/aid/donors", "/v1/documents/processing", "/v1/prices/markets",
                "/v1/prices/commodities", "/v1/prices/latest", "/v1/prices/daily", "/v1/prices/trend/beras", "/v1/prices/alerts",
            ] {
                let r = try await client.get(uri)
                #expect(r.status == .ok, "GET \(uri): \(r.text.prefix(200))")
            }
        }
    }
}

@Suite("Read your writes")
struct ReadYourWritesTests {
    @Test("a write's position, passed as minPosition, gives a view that shows the write")
    func readYourWrites() async throws {
        try await withRouter { env, client in
            let token = env.token(.aidWriter)
            _ = try await client.command("/v1/aid/incidents", token: token, body: Fx.incident)
            _ = try await client.command("/v1/aid/warehouses", token: token, body: Fx.warehouse("gudang-ryw"))
            for i in 1...5 {
                let d = try await client.command(
                    "/v1/aid/donations", token: token, body: Fx.donation("DN-RYW-\(i)", at: "gudang-ryw", quantity: i))
                let position = try #require(d.uint("position"))
                #expect(position == (try env.head()))
                let stock = try await client.get("/v1/aid/stock/gudang-ryw?minPosition=\(position)").object()
                #expect(stock.objects("totals").first?.int("onHand") == (1...i).reduce(0, +))
                let trace = try await client.get("/v1/aid/donations/DN-RYW-\(i)/trace?minPosition=\(position)", token: env.token(.auditor))
                #expect(trace.status == .ok)
            }
            let m = try await client.command("/v1/prices/markets", token: env.token(.pricesWriter), body: Fx.market("pasar-ryw"))
            let markets = try await client.get("/v1/prices/markets?minPosition=\(m.uint("position") ?? 0)").object().objects("markets")
            #expect(markets.contains { $0.string("marketId") == "pasar-ryw" })
        }
    }

    @Test("minPosition beyond the log's head is a 400 naming it; not a number, too")
    func beyondHead() async throws {
        try await withRouter { env, client in
            let head = try env.head()
            expectProblem(try await client.get("/v1/aid/kelurahan?minPosition=\(head + 1)"), .badRequest, field: "minPosition")
            expectProblem(try await client.get("/v1/prices/latest?minPosition=soon"), .badRequest, field: "minPosition")
            #expect(try await client.get("/v1/aid/kelurahan?minPosition=\(head)").status == .ok)
            #expect(try await client.get("/v1/aid/kelurahan?minPosition=0").status == .ok)
        }
    }

    @Test("on a replica, minPosition beyond its head is a 503 with Retry-After (the primary may have it)")
    func replicaBehind() async throws {
        try await withRouter { env, client in
            env.services.readOnlyPrimary = "http://primary.example:8080"
            defer { env.services.readOnlyPrimary = nil }
            let r = try await client.get("/v1/aid/kelurahan?minPosition=\(try env.head() + 1)")
            expectProblem(r, .serviceUnavailable)
            #expect(r.headers[.retryAfter] == "1")
        }
    }
}
