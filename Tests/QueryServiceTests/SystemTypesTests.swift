import Crypto
import EventLog
import Foundation
import HTTPTypes
import HummingbirdTesting
import JSON
import Testing

@testable import LumbungCore
@testable import QueryService

/// The attack: an admin's raw append of `auth.key-created` for an existing key id replaced that
/// key's secret and role, and the forged token kept working after the admin key was revoked and
/// after a restart. System types are the key registry's alone now: every door refuses them.
@Suite("System types are written by Lumbung alone")
struct SystemTypesTests {
    static func forgedKey(keyId: String, secret: String) -> String {
        let hash = SHA256Hex.of(secret)
        return #"{"type":"auth.key-created","data":{"keyId":"\#(keyId)","name":"forged","role":"admin","secretHash":"\#(hash)"}}"#
    }

    @Test("a raw append of auth.* or privacy.* is refused with 422 naming the type, nothing written, no forged key works")
    func rawAppendRefused() async throws {
        try await withRouter { env, client in
            let victim = try env.services.keys.list().first { $0.role == .auditor }!
            let secret = String(repeating: "ab", count: 32)
            let forgedToken = "lmb_\(victim.keyId)_\(secret)"
            let head = try env.head()
            for (stream, body) in [
                ("apikey-\(victim.keyId)", Self.forgedKey(keyId: victim.keyId, secret: secret)),
                ("apikey-newkey0001", Self.forgedKey(keyId: "newkey0001", secret: secret)),
                ("apikey-\(victim.keyId)", #"{"type":"auth.key-revoked","data":{"keyId":"\#(victim.keyId)","reason":"x"}}"#),
                ("privacy-subject", #"{"type":"privacy.subject-forgotten","data":{"subject":"x"}}"#),
            ] {
                let r = try await client.post("/v1/streams/\(stream)", token: env.token(.admin), body: body)
                expectProblem(r, .unprocessableContent, field: "type")
                #expect(r.text.contains("system type"), "\(r.text)")
            }
            #expect(try env.head() == head, "nothing was written")
            // The forged secret opens nothing; the real auditor key still works.
            let forged = try await client.get("/v1/events?limit=1", token: forgedToken)
            #expect(forged.status == .unauthorized)
            let forgedNew = try await client.get("/v1/events?limit=1", token: "lmb_newkey0001_\(secret)")
            #expect(forgedNew.status == .unauthorized)
            let real = try await client.get("/v1/events?limit=1", token: env.token(.auditor))
            #expect(real.status == .ok)
        }
    }

    @Test("the registry itself still makes and revokes keys (system appends), folded in position order")
    func registryWrites() async throws {
        try await withEnv { env in
            let made = try await env.services.keys.create(role: .auditor, name: "pemeriksa", actor: "test")
            #expect(try env.services.keys.authenticate(made.token)?.keyId == made.key.keyId)
            try await env.services.keys.revoke(keyId: made.key.keyId, reason: "selesai", actor: "test")
            #expect(try env.services.keys.authenticate(made.token) == nil)
            // A registry opened afresh on the same log (as the CLI does) agrees.
            let other = KeyRegistry(store: env.services.store)
            #expect(try other.list().map(\.keyId) == (try env.services.keys.list().map(\.keyId)))
            #expect(try other.authenticate(made.token) == nil)
            #expect(try other.list().first { $0.keyId == made.key.keyId }?.revokedAt != nil)
        }
    }

    @Test("a second created for an existing key id, even one written as a system append, changes nothing")
    func secondCreatedIgnored() async throws {
        try await withEnv { env in
            let victim = try env.services.keys.list().first { $0.role == .auditor }!
            let secret = String(repeating: "cd", count: 32)
            let data: JSONValue = .object([
                ("keyId", .string(victim.keyId)), ("name", .string("forged")), ("role", .string("admin")),
                ("secretHash", .string(SHA256Hex.of(secret))),
            ])
            let event = try ProposedEvent(stream: "apikey-\(victim.keyId)", type: KeyRegistry.createdType, value: data)
            _ = try await env.services.store.append(AppendRequest.system(events: [event], actor: "test"))
            #expect(try env.services.keys.authenticate("lmb_\(victim.keyId)_\(secret)") == nil)
            #expect(try env.services.keys.list().first { $0.keyId == victim.keyId }?.role == .auditor)
            #expect(try KeyRegistry(store: env.services.store).authenticate("lmb_\(victim.keyId)_\(secret)") == nil)
        }
    }
}

enum SHA256Hex {
    static func of(_ text: String) -> String { SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined() }
}
