import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import LumbungCore
@testable import QueryService

/// A lost PIN no longer means a locked-out resident: an officer issues a new one (the old one is
/// dead from then on); a resident can look up with the PIN in the body instead of the URL; and
/// behind a reverse proxy the per-address limit counts residents, not the proxy.
@Suite("PIN reissue, POST lookup, trusted proxies")
struct PINReissueTests {
    static func lookup(_ client: any TestClientProtocol, _ receipt: String, _ pin: String) async throws -> TestResponse {
        try await client.post("/v1/documents/lookup", body: #"{"receiptNumber":"\#(receipt)","pin":"\#(pin)"}"#)
    }

    @Test("an officer reissues a PIN: the old one answers 404, the new one 200, and a locked receipt opens again")
    func reissue() async throws {
        try await withRouter { env, client in
            env.services.lookupLimiter = RateLimiter(capacity: 10_000, refillPerSecond: 1000)
            let (receipt, oldPIN, _) = try await DocumentsRoutesTests.submit(client, env)
            #expect(try await Self.lookup(client, receipt, oldPIN).status == .ok)
            // The resident forgot it and guessed: the receipt locks.
            for guess in 0..<5 {
                #expect(try await Self.lookup(client, receipt, String(format: "%06d", guess)).status == .notFound)
            }
            expectProblem(try await Self.lookup(client, receipt, oldPIN), .tooManyRequests)

            let before = try env.head()
            // Only officers may; the public and other roles are refused, nothing written.
            let anonymous = try await client.post("/v1/documents/applications/\(receipt)/pin", body: #"{"officer":"loket-3"}"#)
            expectProblem(anonymous, .unauthorized)
            let pricesKey = try await client.post(
                "/v1/documents/applications/\(receipt)/pin", token: env.token(.pricesWriter), body: #"{"officer":"loket-3"}"#)
            expectProblem(pricesKey, .forbidden)
            let unknown = try await client.post(
                "/v1/documents/applications/MTR-0000000000/pin", token: env.token(.documentsWriter), body: #"{"officer":"loket-3"}"#)
            expectProblem(unknown, .notFound)
            let sentPIN = try await client.post(
                "/v1/documents/applications/\(receipt)/pin", token: env.token(.documentsWriter),
                body: #"{"officer":"loket-3","pin":"ABCDEFGH"}"#)
            expectProblem(sentPIN, .badRequest)
            #expect(sentPIN.text.contains("pin"))
            #expect(try env.head() == before)

            let r = try await client.post(
                "/v1/documents/applications/\(receipt)/pin", token: env.token(.documentsWriter), body: #"{"officer":"loket-3"}"#)
            #expect(r.status == .created)
            #expect(r.headers[.cacheControl] == "no-store")
            let answer = try r.object()
            let newPIN = try #require(answer.string("pin"))
            #expect(newPIN.wholeMatch(of: /[0-9A-HJKMNP-TV-Z]{8}/) != nil)
            #expect(newPIN != oldPIN)
            #expect(try env.head() == before + 1)
            let position = try #require(answer.uint("position"))

            // The lockout is lifted; the old PIN is dead, the new one works (typed loosely too).
            let found = try await client.get("/v1/documents/applications/\(receipt)?pin=\(newPIN)&minPosition=\(position)")
            #expect(found.status == .ok)
            #expect(try found.object().string("status") == "submitted")
            expectProblem(try await Self.lookup(client, receipt, oldPIN), .notFound)
            let typed = newPIN.lowercased().prefix(4) + "-" + newPIN.lowercased().dropFirst(4)
            #expect(try await Self.lookup(client, receipt, String(typed)).status == .ok)
            // The log holds the new PIN's hash only.
            let log = try await client.get("/v1/export", token: env.token(.auditor)).text
            #expect(log.contains("documents.pin-reissued"))
            #expect(!log.contains(newPIN))
        }
    }

    @Test("POST /v1/documents/lookup answers as the GET lookup; bad bodies are 400 naming the member")
    func postLookup() async throws {
        try await withRouter { env, client in
            let (receipt, pin, _) = try await DocumentsRoutesTests.submit(client, env)
            let viaGet = try await client.get("/v1/documents/applications/\(receipt)?pin=\(pin)")
            let viaPost = try await Self.lookup(client, receipt, pin)
            #expect(viaPost.status == .ok)
            #expect(viaPost.headers[.cacheControl] == "no-store")
            #expect(viaPost.text == viaGet.text)
            expectProblem(try await Self.lookup(client, "MTR-0000000000", pin), .notFound)
            let extra = try await client.post("/v1/documents/lookup", body: #"{"receiptNumber":"\#(receipt)","pin":"\#(pin)","nik":"1"}"#)
            expectProblem(extra, .badRequest)
            #expect(extra.text.contains("nik"))
            let noPIN = try await client.post("/v1/documents/lookup", body: #"{"receiptNumber":"\#(receipt)"}"#)
            expectProblem(noPIN, .badRequest)
            #expect(noPIN.text.contains("pin"))
        }
    }

    @Test("trusted proxies: the client is the right-most untrusted address; an untrusted peer's headers are ignored")
    func trustedProxyRule() throws {
        let proxies = try TrustedProxies(["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"])
        let xff = HTTPField.Name("X-Forwarded-For")!
        let fwd = HTTPField.Name("Forwarded")!
        // Not from a proxy: its own headers count for nothing.
        #expect(proxies.clientAddress(peer: "203.0.113.9", headers: [xff: "198.51.100.1"]) == "203.0.113.9")
        // From a proxy: the right-most untrusted address; a spoofed left part is ignored.
        #expect(proxies.clientAddress(peer: "10.1.2.3", headers: [xff: "6.6.6.6, 198.51.100.1, 10.9.9.9"]) == "198.51.100.1")
        #expect(proxies.clientAddress(peer: "192.0.2.7", headers: [xff: "198.51.100.2"]) == "198.51.100.2")
        #expect(proxies.clientAddress(peer: "192.0.2.8", headers: [xff: "198.51.100.2"]) == "192.0.2.8")
        // RFC 7239, with IPv6 in brackets and ports; preferred over X-Forwarded-For.
        #expect(
            proxies.clientAddress(
                peer: "::ffff:10.0.0.1", headers: [fwd: #"for=192.0.2.60;proto=http, for="[2001:db9::17]:4711""#, xff: "1.1.1.1"])
                == "2001:db9::17")
        #expect(proxies.clientAddress(peer: "2001:db8::1", headers: [fwd: "for=unknown"]) == "unknown")
        // Every address trusted: the left-most; no header: the peer.
        #expect(proxies.clientAddress(peer: "10.0.0.1", headers: [xff: "10.0.0.2"]) == "10.0.0.2")
        #expect(proxies.clientAddress(peer: "10.0.0.1", headers: [:]) == "10.0.0.1")
        #expect(TrustedProxies.none.clientAddress(peer: "10.0.0.1", headers: [xff: "1.2.3.4"]) == "10.0.0.1")
        for bad in ["10.0.0.0/33", "banana", "2001:db8::/129", "10.0.0.0/"] {
            #expect(throws: TrustedProxies.ParseError.self) { try TrustedProxies([bad]) }
        }
        #expect(try TrustedProxies(["10.0.0.0/8"]).ranges.first?.description == "10.0.0.0/8")
    }

    @Test("behind a trusted proxy on loopback, each forwarded resident has a bucket of their own; without trust they share one")
    func perResidentLimitBehindProxy() async throws {
        try await withEnv { env in
            env.services.lookupLimiter = RateLimiter(capacity: 2, refillPerSecond: 0.001)
            let xff = HTTPField.Name("X-Forwarded-For")!
            func statuses(trusting: [String]) async throws -> [HTTPResponse.Status] {
                let app = Application(router: buildRouter(env.services, trustedProxies: try TrustedProxies(trusting)))
                return try await app.test(.live) { client in
                    var seen: [HTTPResponse.Status] = []
                    for resident in 1...3 {
                        for n in 0..<2 {
                            // A receipt of its own per lookup: the per-receipt lockout is not what is tested here.
                            let receipt = "MTR-\(UUID().uuidString.prefix(4))0000\(resident)\(n)".uppercased()
                            let r = try await client.get(
                                "/v1/documents/applications/\(receipt)?pin=123456", headers: [xff: "198.51.100.\(resident)"])
                            seen.append(r.status)
                        }
                    }
                    return seen
                }
            }
            // Trusted: 3 residents x 2 lookups each, all within their own burst of 2.
            let trusted = try await statuses(trusting: ["127.0.0.1", "::1"])
            #expect(trusted == Array(repeating: .notFound, count: 6), "\(trusted)")
            // Not trusted: the proxy's one bucket; the third lookup on is refused.
            env.services.lookupLimiter = RateLimiter(capacity: 2, refillPerSecond: 0.001)
            let shared = try await statuses(trusting: [])
            #expect(shared.prefix(2) == [.notFound, .notFound], "\(shared)")
            #expect(shared.dropFirst(2).allSatisfy { $0 == .tooManyRequests })
        }
    }
}
