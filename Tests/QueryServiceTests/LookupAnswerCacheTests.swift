import Crypto
import DocumentTracking
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import LumbungCore
@testable import QueryService

/// Cek resi answers a repeated lookup from memory while the views are unchanged, and only to the
/// PIN that opened it.
@Suite("The lookup's answers kept in memory")
struct LookupAnswerCacheTests {
    static func key(_ receipt: String, _ pin: String) -> LookupAnswerCache.Key? {
        LookupAnswerCache.Key(receiptNumber: receipt, pin: pin)
    }

    @Test("an answer is kept per receipt number, for its PIN and its stamp only")
    func keptForItsPINAndStamp() throws {
        let cache = LookupAnswerCache(capacity: 2)
        let right = try #require(Self.key("MTR-AKPRQ27S2P", "197676"))
        cache.keep(Array("answer".utf8), for: right, stamp: 5)
        #expect(cache.answer(right, stamp: 5) == Array("answer".utf8))
        // As a resident types it: the same receipt number and PIN.
        #expect(cache.answer(try #require(Self.key("mtrakprq27s2p", " 197676")), stamp: 5) == Array("answer".utf8))
        // Another PIN or another stamp: not from here; a malformed PIN or receipt number has no key.
        #expect(cache.answer(try #require(Self.key("MTR-AKPRQ27S2P", "197677")), stamp: 5) == nil)
        #expect(Self.key("MTR-AKPRQ27S2P", "") == nil && Self.key("bukan resi", "197676") == nil)
        #expect(cache.answer(right, stamp: 6) == nil)
        // Full: a new receipt number empties it first.
        cache.keep(Array("b".utf8), for: try #require(Self.key("MTR-AKPRQ27S2Q", "111111")), stamp: 5)
        #expect(cache.count == 2)
        cache.keep(Array("c".utf8), for: try #require(Self.key("MTR-AKPRQ27S2R", "111111")), stamp: 5)
        #expect(cache.count == 1)
        #expect(cache.answer(right, stamp: 5) == nil)
    }

    @Test("over HTTP: a repeated lookup is the same answer, a wrong PIN still 404, a change shows at once")
    func overHTTP() async throws {
        try await withRouter { env, client in
            env.services.lookupLimiter = RateLimiter(capacity: 10_000, refillPerSecond: 1000)
            let (receipt, pin, _) = try await DocumentsRoutesTests.submit(client, env)
            let first = try await client.get("/v1/documents/applications/\(receipt)?pin=\(pin)")
            let again = try await client.get("/v1/documents/applications/\(receipt)?pin=\(pin)")
            #expect(first.status == .ok && again.status == .ok)
            #expect(again.text == first.text)
            #expect(again.headers[.cacheControl] == "no-store")
            expectProblem(try await client.get("/v1/documents/applications/\(receipt)?pin=00000000"), .notFound)

            let changed = try await client.command(
                "/v1/documents/applications/\(receipt)/status", token: env.token(.documentsWriter),
                body: #"{"to":"verified","officer":"petugas-7"}"#)
            let position = try #require(changed.uint("position"))
            try env.services.engine.sync(to: position)
            // No minPosition: the views changed, so the kept answer is not given.
            let after = try await client.get("/v1/documents/applications/\(receipt)?pin=\(pin)")
            #expect(try after.object().string("status") == "verified")
            let viaPost = try await PINReissueTests.lookup(client, receipt, pin)
            #expect(viaPost.text == after.text)
        }
    }
}
