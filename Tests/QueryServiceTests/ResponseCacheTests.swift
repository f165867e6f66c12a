import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import LumbungCore
@testable import QueryService

/// The public pages are rendered once per change of what they show: answered from memory with
/// `ETag`/`Last-Modified`, 304 on revalidation, rendered again only after an event of their types.
@Suite("Portal pages: rendered once per change, ETag and 304")
struct ResponseCacheTests {
    /// A market, a commodity and its first report (Rp 12.500 on 6 August 2018); the report's position.
    static func firstPrice(_ client: any TestClientProtocol, _ token: String) async throws -> UInt64 {
        _ = try await client.command("/v1/prices/markets", token: token, body: Fx.market("kebon-roek"))
        _ = try await client.command("/v1/prices/commodities", token: token, body: Fx.commodity)
        let first = try await client.command(
            "/v1/prices/reports", token: token, body: Fx.report(market: "kebon-roek", price: "12500", on: "2018-08-06"))
        return try #require(first.uint("position"))
    }

    @Test("a price page keeps its ETag across aid events, revalidates to 304, and changes with a new price report")
    func versions() async throws {
        try await withRouter { env, client in
            let prices = env.token(.pricesWriter)
            let p1 = try await Self.firstPrice(client, prices)

            let a = try await client.get("/harga-pasar?minPosition=\(p1)")
            #expect(a.status == .ok)
            let b = try await client.get("/harga-pasar")
            let etag = try #require(b.headers[.eTag])
            let lastModified = try #require(b.headers[.lastModified])
            #expect(etag.hasPrefix("\"\(p1)-"))
            #expect(lastModified.hasSuffix(" GMT") && lastModified.count == 29)
            #expect(b.text == a.text)
            #expect(b.text.contains("12.500"))

            // Revalidation: 304 without a body, by ETag or by Last-Modified.
            let c = try await client.get("/harga-pasar", headers: [.ifNoneMatch: etag])
            #expect(c.status == .notModified)
            #expect(c.body.readableBytes == 0)
            #expect(try await client.get("/harga-pasar", headers: [.ifModifiedSince: lastModified]).status == .notModified)
            #expect(try await client.get("/harga-pasar", headers: [.ifNoneMatch: "\"0-0\""]).status == .ok)

            // An event of another domain: the page is the same version.
            let aid = try await client.command("/v1/aid/incidents", token: env.token(.aidWriter), body: Fx.incident)
            let p2 = try #require(aid.uint("position"))
            _ = try await client.get("/bantuan-bencana?minPosition=\(p2)")
            #expect(try await client.get("/harga-pasar").headers[.eTag] == etag)

            // A new report: a new version that shows it.
            let second = try await client.command(
                "/v1/prices/reports", token: prices, body: Fx.report(market: "kebon-roek", price: "13750", on: "2018-08-07"))
            let p3 = try #require(second.uint("position"))
            _ = try await client.get("/harga-pasar?minPosition=\(p3)")
            let d = try await client.get("/harga-pasar")
            #expect(d.headers[.eTag] != etag)
            #expect(d.headers[.eTag]?.hasPrefix("\"\(p3)-") == true)
            #expect(d.text.contains("13.750"))
            #expect(try await client.get("/harga-pasar", headers: [.ifNoneMatch: etag]).status == .ok)
        }
    }

    @Test("failures and private pages are never kept; query parameters a page does not read do not make new entries")
    func whatIsKept() async throws {
        let env = try await TestEnv.make()
        defer { env.close() }
        let portal = PortalController(services: env.services)
        let router = Router(context: AppRequestContext.self)
        portal.addRoutes(to: router)
        try await Application(router: router).test(.router) { client in
            #expect(try await client.get("/harga-pasar/tidak-ada").status == .notFound)
            _ = try await client.get("/cek-resi")
            #expect(portal.cache.count == 0)
            for n in 0..<5 { #expect(try await client.get("/harga-pasar?utm=\(n)").status == .ok) }
            _ = try await client.get("/harga-pasar?komoditas=")
            #expect(portal.cache.count == 2)
        }
    }

    @Test("HTTP dates are IMF-fixdates in English")
    func httpDates() {
        #expect(ResponseCache.httpDate(secondsSince1970: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(ResponseCache.httpDate(secondsSince1970: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }
}

@Suite("Public JSON answers: made once per change, ETag and 304")
struct APIResponseCacheTests {
    @Test("latest prices keep their ETag until a price event; other query parameters share the entry")
    func latestPrices() async throws {
        try await withRouter { env, client in
            let prices = env.token(.pricesWriter)
            let p1 = try await ResponseCacheTests.firstPrice(client, prices)
            let a = try await client.get("/v1/prices/latest?minPosition=\(p1)")
            let b = try await client.get("/v1/prices/latest")
            #expect(a.text == b.text && b.text.contains("12500"))
            let etag = try #require(b.headers[.eTag])
            #expect(try await client.get("/v1/prices/latest", headers: [.ifNoneMatch: etag]).status == .notModified)
            // A filter is part of the answer: a different entry.
            let filtered = try await client.get("/v1/prices/latest?commodityId=beras-medium")
            #expect(filtered.headers[.eTag] != nil)
            #expect(try await client.get("/v1/prices/latest?commodityId=gula", headers: [.ifNoneMatch: etag]).status == .ok)

            let r2 = try await client.command(
                "/v1/prices/reports", token: prices, body: Fx.report(market: "kebon-roek", price: "13000", on: "2018-08-07"))
            let p2 = try #require(r2.uint("position"))
            _ = try await client.get("/v1/prices/latest?minPosition=\(p2)")
            let c = try await client.get("/v1/prices/latest", headers: [.ifNoneMatch: etag])
            #expect(c.status == .ok)
            #expect(c.text.contains("13000"))
        }
    }
}
