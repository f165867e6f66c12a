import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSON
import NIOCore
import Testing

@testable import LumbungCore
@testable import QueryService

/// A data directory with `events` events, an auditor's and a writer's key.
private final class AuditRoutesEnv: Sendable {
    let directory: String
    let services: LumbungServices
    let auditor: String
    let writer: String

    init(events: Int) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("lumbung-audit-http-\(UUID().uuidString)").path
        services = try LumbungServices(dataDirectory: directory)
        auditor = try await services.keys.create(role: .auditor, name: "auditor", actor: "test").token
        writer = try await services.keys.create(role: .pricesWriter, name: "writer", actor: "test").token
        for i in 0..<events {
            _ = try await services.store.append(
                try AppendRequest(
                    events: [try ProposedEvent(stream: "ledger-\(i % 3)", type: "audit.entry", data: Array(#"{"n":\#(i)}"#.utf8))],
                    actor: "test"))
        }
    }

    deinit {
        services.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func get(_ uri: String, token: String?) async throws -> (status: HTTPResponse.Status, json: JSONValue?, contentType: String?) {
        let router = buildRouter(services)
        return try await Application(router: router).test(.router) { client in
            var headers = HTTPFields()
            if let token { headers[.authorization] = "Bearer \(token)" }
            let response = try await client.execute(uri: uri, method: .get, headers: headers)
            return (response.status, try? JSONParser.parse(Array(response.body.readableBytesView)), response.headers[.contentType])
        }
    }
}

@Suite("Audit routes: digest, public key, inclusion and consistency proofs for auditors")
struct AuditRoutesTests {
    @Test("an auditor gets a signed digest, the key, and proofs that verify; the shapes are the CLI's")
    func proofs() async throws {
        let env = try await AuditRoutesEnv(events: 20)
        let head = try env.services.store.treeHead()
        try #require(head.size >= 20)

        let digest = try #require(try await env.get("/v1/audit/digest", token: env.auditor).json)
        #expect(digest.objectValue?.map(\.key) == ["treeSize", "rootHash", "timestamp", "signature", "publicKey"])
        let signed = try SignedTreeHead(json: digest)
        #expect(signed.hasValidSignature && signed.treeHead == head)
        let key = try #require(try await env.get("/v1/audit/public-key", token: env.auditor).json)
        #expect(key["publicKey"]?.stringValue == Hex.encode(signed.publicKey))

        let inclusion = try await env.get("/v1/audit/inclusion?position=7", token: env.auditor)
        #expect(inclusion.status == .ok)
        let proof = try InclusionProof(json: try #require(inclusion.json))
        #expect(inclusion.json?.objectValue?.map(\.key) == ["position", "treeSize", "leafHash", "rootHash", "path"])
        #expect(proof.isValid && proof.rootHash == signed.rootHash && proof.position == 7)
        let past = try InclusionProof(
            json: try #require(try await env.get("/v1/audit/inclusion?position=3&treeSize=5", token: env.auditor).json))
        #expect(past.isValid && past.treeSize == 5)

        let consistency = try await env.get("/v1/audit/consistency?from=5&to=\(head.size)", token: env.auditor)
        #expect(consistency.json?.objectValue?.map(\.key) == ["from", "to", "fromRoot", "toRoot", "path"])
        let c = try ConsistencyProof(json: try #require(consistency.json))
        let rootAt5 = try env.services.store.treeHead(size: 5).rootHash
        #expect(c.isValid && c.toRoot == head.rootHash && c.fromRoot == rootAt5)
        let toHead = try ConsistencyProof(json: try #require(try await env.get("/v1/audit/consistency?from=9", token: env.auditor).json))
        #expect(toHead.isValid && toHead.to == head.size)
    }

    @Test("bad parameters are 400 naming them, positions beyond the head 404, other roles 401/403, all problem+json")
    func refusals() async throws {
        let env = try await AuditRoutesEnv(events: 4)
        let size = try env.services.store.treeHead().size
        for (uri, status, field) in [
            ("/v1/audit/inclusion", HTTPResponse.Status.badRequest, "position"),
            ("/v1/audit/inclusion?position=abc", .badRequest, "position"),
            ("/v1/audit/inclusion?position=0", .badRequest, "position"),
            ("/v1/audit/inclusion?position=1&treeSize=-1", .badRequest, "treeSize"),
            ("/v1/audit/inclusion?position=3&treeSize=2", .badRequest, "position"),
            ("/v1/audit/inclusion?position=\(size + 1)", .notFound, nil),
            ("/v1/audit/inclusion?position=1&treeSize=\(size + 1)", .notFound, nil),
            ("/v1/audit/consistency", .badRequest, "from"),
            ("/v1/audit/consistency?from=x", .badRequest, "from"),
            ("/v1/audit/consistency?from=3&to=2", .badRequest, "from"),
            ("/v1/audit/consistency?from=1&to=\(size + 1)", .notFound, nil),
            ("/v1/audit/consistency?from=\(size + 1)", .notFound, nil),
        ] as [(String, HTTPResponse.Status, String?)] {
            let r = try await env.get(uri, token: env.auditor)
            #expect(r.status == status, "\(uri)")
            #expect(r.contentType == "application/problem+json", "\(uri)")
            if let field {
                #expect(r.json?["errors"]?[0]?["field"]?.stringValue == field, "\(uri): \(String(describing: r.json))")
            }
        }
        for uri in ["/v1/audit/digest", "/v1/audit/public-key", "/v1/audit/inclusion?position=1", "/v1/audit/consistency?from=1"] {
            #expect(try await env.get(uri, token: nil).status == .unauthorized, "\(uri)")
            #expect(try await env.get(uri, token: env.writer).status == .forbidden, "\(uri)")
        }
    }
}
