import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import LumbungCore
@testable import QueryService

/// Keys scoped to offices, warehouses and markets: a command, a raw append or a status change
/// outside the key's scope is refused with 403 naming the field and the scope, and nothing is
/// written; inside it works as with an unscoped key.
@Suite("Scoped keys")
struct ScopedKeyTests {
    /// Asserts a 403 naming `field` and the key's scope, with the log unchanged.
    private func expectOutside(
        _ env: TestEnv, field: String, sourceLocation: SourceLocation = #_sourceLocation, _ send: () async throws -> TestResponse
    ) async throws {
        let before = try env.head()
        let r = try await send()
        expectProblem(r, .forbidden, field: field, sourceLocation: sourceLocation)
        #expect(r.text.contains("outside this key's scope") || r.text.contains("scoped"), "\(r.text)", sourceLocation: sourceLocation)
        #expect(try env.head() == before, "something was written", sourceLocation: sourceLocation)
    }

    @Test("documents: a key of one office submits there, and cannot submit to, change or reissue the PIN of another office's application")
    func offices() async throws {
        try await withEnv { env in
            let scoped = try await env.services.keys.create(
                role: .documentsWriter, name: "loket-mpp", scope: ["mpp-mataram"], actor: "test")
            #expect(scoped.key.scope == ["mpp-mataram"])
            try await env.withRouter { client in
                let other = try await client.command("/v1/documents/applications", token: env.token(.documentsWriter), body: Fx.application)
                let receipt = try #require(other.string("receiptNumber"))

                try await expectOutside(env, field: "office") {
                    try await client.post("/v1/documents/applications", token: scoped.token, body: Fx.application)
                }
                try await expectOutside(env, field: "receiptNumber") {
                    try await client.post(
                        "/v1/documents/applications/\(receipt)/status", token: scoped.token, body: #"{"to":"verified","officer":"p-1"}"#)
                }
                try await expectOutside(env, field: "receiptNumber") {
                    try await client.post(
                        "/v1/documents/applications/\(receipt)/pin", token: scoped.token, body: #"{"officer":"p-1"}"#)
                }
                // Its own office: submitted and changed.
                let mine = try await client.command(
                    "/v1/documents/applications", token: scoped.token,
                    body: Fx.application.replacingOccurrences(of: "dukcapil-mataram", with: "mpp-mataram"))
                let own = try #require(mine.string("receiptNumber"))
                _ = try await client.command(
                    "/v1/documents/applications/\(own)/status", token: scoped.token, body: #"{"to":"verified","officer":"p-1"}"#)
                // The unscoped key still works everywhere.
                _ = try await client.command(
                    "/v1/documents/applications/\(own)/status", token: env.token(.documentsWriter),
                    body: #"{"to":"in-process","officer":"p-2"}"#)
            }
        }
    }

    @Test(
        "aid: a key of one posko cannot receive a donation at, dispatch from or register another warehouse; it receives what is sent to it")
    func warehouses() async throws {
        try await withEnv { env in
            try await env.withRouter { client in
                let seed = AidSeed()
                try await seed.apply(client, env)
                let scoped = try await env.services.keys.create(role: .aidWriter, name: "posko", scope: [seed.posko], actor: "test")
                try await expectOutside(env, field: "warehouseId") {
                    try await client.post("/v1/aid/donations", token: scoped.token, body: Fx.donation("DN-SCOPE-1", at: seed.gudang))
                }
                try await expectOutside(env, field: "fromWarehouseId") {
                    try await client.post(
                        "/v1/aid/shipments", token: scoped.token,
                        body: Fx.shipment("SH-SCOPE-1", from: seed.gudang, to: seed.posko, quantity: 5))
                }
                try await expectOutside(env, field: "warehouseId") {
                    try await client.post("/v1/aid/warehouses", token: scoped.token, body: Fx.warehouse("gudang-lain"))
                }
                // A shipment from the gudang (by an unscoped key) is received by the posko's key.
                _ = try await client.command(
                    "/v1/aid/shipments", token: env.token(.aidWriter),
                    body: Fx.shipment("SH-SCOPE-2", from: seed.gudang, to: seed.posko, quantity: 5))
                _ = try await client.command("/v1/aid/shipments/SH-SCOPE-2/receipt", token: scoped.token, body: "{}")
                // A key of the gudang cannot receive it for the posko.
                _ = try await client.command(
                    "/v1/aid/shipments", token: env.token(.aidWriter),
                    body: Fx.shipment("SH-SCOPE-3", from: seed.gudang, to: seed.posko, quantity: 5))
                let gudangKey = try await env.services.keys.create(role: .aidWriter, name: "gudang", scope: [seed.gudang], actor: "test")
                try await expectOutside(env, field: "shipmentId") {
                    try await client.post("/v1/aid/shipments/SH-SCOPE-3/receipt", token: gudangKey.token, body: "{}")
                }
            }
        }
    }

    @Test("prices: a key of one market reports there only and registers no commodity")
    func markets() async throws {
        try await withEnv { env in
            try await env.withRouter { client in
                for m in ["kebon-roek", "sindu"] {
                    _ = try await client.command("/v1/prices/markets", token: env.token(.pricesWriter), body: Fx.market(m))
                }
                _ = try await client.command("/v1/prices/commodities", token: env.token(.pricesWriter), body: Fx.commodity)
                let scoped = try await env.services.keys.create(role: .pricesWriter, name: "enumerator", scope: ["sindu"], actor: "test")
                try await expectOutside(env, field: "marketId") {
                    try await client.post("/v1/prices/reports", token: scoped.token, body: Fx.report(market: "kebon-roek"))
                }
                try await expectOutside(env, field: "commodityId") {
                    try await client.post(
                        "/v1/prices/commodities", token: scoped.token, body: #"{"name":"Gula Pasir","category":"gula","unit":"kg"}"#)
                }
                _ = try await client.command("/v1/prices/reports", token: scoped.token, body: Fx.report(market: "sindu"))
            }
        }
    }

    @Test("a scope is refused for roles that take none, and must hold ids")
    func badScopes() async throws {
        try await withEnv { env in
            await #expect(throws: EventLogError.self) {
                _ = try await env.services.keys.create(role: .auditor, name: "x", scope: ["dukcapil-mataram"], actor: "test")
            }
            await #expect(throws: EventLogError.self) {
                _ = try await env.services.keys.create(role: .aidWriter, name: "x", scope: [], actor: "test")
            }
            await #expect(throws: EventLogError.self) {
                _ = try await env.services.keys.create(role: .aidWriter, name: "x", scope: ["gudang a"], actor: "test")
            }
        }
    }
}
