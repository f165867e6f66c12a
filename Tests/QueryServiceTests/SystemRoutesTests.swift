import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LumbungVersion
import Testing

@testable import QueryService

@Suite("Routes: health, metrics, errors of any route")
struct SystemRoutesTests {
    @Test("GET /health answers the head and the views' position, public")
    func health() async throws {
        try await withRouter { env, client in
            let r = try await client.get("/health")
            #expect(r.status == .ok)
            #expect(r.contentType == "application/json")
            let h = try r.object()
            #expect(h.string("status") == "ok")
            #expect(h.string("role") == "primary")
            #expect(h.uint("headPosition") == (try env.head()))
            #expect(h.string("headHash")?.count == 64)
            #expect(h.uint("viewsPosition") != nil)
            #expect(h.uint("viewsLag") != nil)
            #expect(h.string("version") == LumbungVersion.current)
            #expect(Set(h.keys) == ["status", "version", "role", "headPosition", "headHash", "viewsPosition", "viewsLag"])
        }
    }

    @Test("on a read replica, /health names the primary and the replication lag; /metrics has the lag")
    func replicaHealth() async throws {
        try await withRouter { env, client in
            let head = try env.head()
            env.services.readOnlyPrimary = "http://primary.example:8080"
            // What `lumbung follow` records: the stream's last sequence, 7 events ahead of this log.
            try ReplicationStatus(stream: "LUMBUNG", streamLastSequence: head + 7).write(dataDirectory: env.services.dataDirectory)
            defer {
                env.services.readOnlyPrimary = nil
                try? FileManager.default.removeItem(atPath: ReplicationStatus.path(in: env.services.dataDirectory))
            }
            let h = try (await client.get("/health")).object()
            #expect(h.string("role") == "replica")
            #expect(h.string("primary") == "http://primary.example:8080")
            let replication = try #require(h["replication"] as? [String: Any])
            #expect(replication["stream"] as? String == "LUMBUNG")
            #expect((replication["streamLastSequence"] as? NSNumber)?.uint64Value == head + 7)
            #expect((replication["lag"] as? NSNumber)?.intValue == 7)
            #expect(Set(replication.keys) == ["stream", "streamLastSequence", "lag", "updatedAt", "stopped"])
            #expect(replication["stopped"] as? Bool == false)
            let metrics = try await client.get("/metrics")
            #expect(metrics.text.contains("lumbung_replication_lag_events 7"))
        }
    }

    @Test("on a replica whose follower stopped, /health says so, why, and the refused position")
    func replicaFollowerStopped() async throws {
        try await withRouter { env, client in
            let head = try env.head()
            try ReplicationStatus(
                stream: "LUMBUNG", streamLastSequence: head + 1, verifiedTreeSize: head,
                stoppedBecause: "message \(head + 1) carries a head signed by another key", refusedPosition: head + 1
            ).write(dataDirectory: env.services.dataDirectory)
            defer { try? FileManager.default.removeItem(atPath: ReplicationStatus.path(in: env.services.dataDirectory)) }
            let h = try (await client.get("/health")).object()
            let replication = try #require(h["replication"] as? [String: Any])
            #expect(replication["stopped"] as? Bool == true)
            #expect((replication["reason"] as? String)?.contains("signed by another key") == true)
            #expect((replication["refusedPosition"] as? NSNumber)?.uint64Value == head + 1)
            #expect((replication["verifiedTreeSize"] as? NSNumber)?.uint64Value == head)
            let status = try #require(ReplicationStatus.read(dataDirectory: env.services.dataDirectory))
            #expect(!status.isHealthy)
            #expect(status.stoppedReason?.contains("another key") == true)
            // A load balancer takes it out: /health/ready says why.
            let ready = try await client.get("/health/ready")
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.text.contains("follower has stopped") && ready.text.contains("another key"))
        }
    }

    @Test("GET /metrics answers Prometheus text, public")
    func metrics() async throws {
        try await withRouter { _, client in
            _ = try await client.get("/health")
            let r = try await client.get("/metrics")
            #expect(r.status == .ok)
            #expect(r.contentType?.hasPrefix("text/plain") == true)
            #expect(r.text.contains("lumbung_log_head_position"))
        }
    }

    @Test("an unknown route is a 404 problem")
    func unknownRoute() async throws {
        try await withRouter { _, client in
            expectProblem(try await client.get("/v1/nothing-here"), .notFound)
            expectProblem(try await client.get("/v1/aid/kelurahan/x/y/z"), .notFound)
        }
    }

    @Test("a method the path does not have is a 405 with Allow; a path that does not exist stays 404")
    func methodNotAllowed() async throws {
        try await withRouter { env, client in
            for (method, uri, allow) in [
                (HTTPRequest.Method.delete, "/v1/aid/kelurahan", "GET"), (.put, "/v1/streams/test-x", "GET, POST"),
                (.get, "/v1/aid/warehouses", "POST"), (.trace, "/health", "GET"), (.patch, "/v1/prices/markets", "GET, POST"),
                (.get, "/v1/documents/applications/MTR-0000000000/status", "POST"),
            ] {
                let r = try await client.send(method, uri, token: env.token(.admin))
                expectProblem(r, .methodNotAllowed)
                #expect(r.headers[.allow] == allow, "\(method) \(uri)")
            }
            expectProblem(try await client.send(.delete, "/v1/nothing", token: env.token(.admin)), .notFound)
        }
    }

    @Test("empty or very long ids and filters find nothing: 404 or an empty list, never a 500")
    func oddIds() async throws {
        try await withRouter { env, client in
            try await AidSeed().apply(client, env)
            let long = String(repeating: "x", count: 600)
            let auditor = env.token(.auditor)
            for uri in [
                "/v1/aid/stock?warehouseId=", "/v1/aid/stock/\(long)", "/v1/aid/donors?name=", "/v1/aid/donors?name=\(long)",
                "/v1/aid/kelurahan/\(long)", "/v1/documents/applications/\(long)?pin=123456",
            ] {
                expectProblem(try await client.get(uri), .notFound)
            }
            expectProblem(try await client.get("/v1/aid/donations/\(long)/trace", token: auditor), .notFound)
            for uri in [
                "/v1/aid/stock?item=\(long)", "/v1/aid/stock?item=beras&unit=\(long)", "/v1/prices/latest?marketId=\(long)",
                "/v1/prices/latest?commodityId=", "/v1/prices/daily?commodityId=\(long)", "/v1/prices/trend/\(long)",
                "/v1/prices/alerts?commodityId=\(long)", "/v1/documents/queue?office=", "/v1/events?category=\(long)",
            ] {
                let r = try await client.get(uri, token: auditor)
                #expect(r.status == .ok || r.status == .notFound, "\(uri.prefix(60)): \(r.status)")
                #expect(r.status.code < 500)
            }
        }
    }

    @Test(
        "a present but invalid key is a 401 with WWW-Authenticate, on public routes too",
        arguments: ["lmb_abc_123", "Bearer-less", "lmb_0000000000_" + String(repeating: "0", count: 64)])
    func invalidKey(_ token: String) async throws {
        try await withRouter { _, client in
            for uri in ["/health", "/v1/aid/kelurahan", "/v1/events"] {
                let r = try await client.get(uri, token: token)
                expectProblem(r, .unauthorized)
                #expect(r.headers[.wwwAuthenticate] == "Bearer")
            }
            var h = HTTPFields()
            h[.authorization] = "Basic dXNlcjpwYXNz"
            expectProblem(try await client.get("/health", headers: h), .unauthorized)
        }
    }

    @Test("a revoked key is refused from the next request on")
    func revokedKey() async throws {
        try await withRouter { env, client in
            let (key, token) = try await env.services.keys.create(role: .auditor, name: "short-lived", actor: "test")
            #expect(try await client.get("/v1/events", token: token).status == .ok)
            try await env.services.keys.revoke(keyId: key.keyId, reason: "test", actor: "test")
            expectProblem(try await client.get("/v1/events", token: token), .unauthorized)
        }
    }

    @Test("a body that is not JSON is a 400 problem, and nothing is written")
    func badJSON() async throws {
        try await withRouter { env, client in
            let before = try env.head()
            for body in ["{", "not json", "{\"a\":1,}", "", "[1,2"] {
                let r = try await client.post("/v1/aid/warehouses", token: env.token(.aidWriter), body: body)
                expectProblem(r, .badRequest)
            }
            #expect(try env.head() == before)
        }
    }
}
