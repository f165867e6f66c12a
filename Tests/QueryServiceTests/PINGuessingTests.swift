import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import LumbungCore
@testable import QueryService

/// The attack: 7,930 guesses from 794 addresses met no 429, and the PIN space fell in minutes.
/// Now a receipt locks after 5 wrong PINs whatever the address, the right PIN included, and the
/// answers are never cached.
@Suite("PINs cannot be guessed")
struct PINGuessingTests {
    @Test("5 wrong PINs lock the receipt for every address; the right PIN then answers 429 with Retry-After; nothing is cached")
    func lockout() async throws {
        try await withRouter { env, client in
            // A generous per-address limit, so only the per-receipt guard can stop the guesses.
            env.services.lookupLimiter = RateLimiter(capacity: 10_000, refillPerSecond: 1000)
            let (receipt, pin, _) = try await DocumentsRoutesTests.submit(client, env)
            let ok = try await client.get("/v1/documents/applications/\(receipt)?pin=\(pin)")
            #expect(ok.status == .ok)
            #expect(ok.headers[.cacheControl] == "no-store")
            for guess in 0..<5 {
                let wrong = String(format: "%06d", guess + 1)  // well-formed (an old PIN's form), never an 8-character PIN
                let r = try await client.get("/v1/documents/applications/\(receipt)?pin=\(wrong)")
                #expect(r.status == .notFound, "guess \(guess)")
            }
            let locked = try await client.get("/v1/documents/applications/\(receipt)?pin=\(pin)")
            expectProblem(locked, .tooManyRequests)
            // About a minute (what is left of it: the machine may be slow between the guesses and this).
            #expect((20...60).contains(Int(locked.headers[.retryAfter] ?? "") ?? 0), "\(locked.headers)")
            #expect(locked.headers[.cacheControl] == "no-store")
            // The portal's form is the same door.
            let form = try await client.executeRequest(
                uri: "/cek-resi", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: .init(string: "resi=\(receipt)&pin=\(pin)"))
            #expect(form.status == .tooManyRequests)
            #expect(String(buffer: form.body).contains("dikunci"))
            #expect(try env.services.lookupGuard.verdict(receipt) != .allowed)
        }
    }
}
