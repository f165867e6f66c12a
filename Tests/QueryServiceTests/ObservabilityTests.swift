import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSON
import Logging
import Synchronization
import Testing

@testable import LumbungCore
@testable import QueryService

/// The lines a `JSONLogHandler` wrote, kept in memory.
final class CapturedLog: Sendable {
    private let bytes = Mutex<[UInt8]>([])

    var logger: Logger {
        var logger = Logger(label: "lumbung") { [self] label in
            JSONLogHandler(label: label) { line in self.bytes.withLock { $0.append(contentsOf: line) } }
        }
        logger.logLevel = .info
        return logger
    }

    var text: String { String(decoding: bytes.withLock { $0 }, as: UTF8.self) }

    /// Every line parsed as a JSON object (a line that is not one fails the test).
    func lines(sourceLocation: SourceLocation = #_sourceLocation) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { line in
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)", sourceLocation: sourceLocation)
            return object
        }
    }

    var accessLines: [[String: Any]] { lines().filter { $0["message"] as? String == "request" } }
}

struct InternalFailure: Error, CustomStringConvertible {
    var description: String { "LMDB mdb_put failed at /var/lib/lumbung/log/data.mdb page 4711" }
}

@Suite("Request ids, access lines, 500s and readiness")
struct ObservabilityTests {
    /// The service's router with one more route that fails with an internal error, over `log`.
    static func withLoggedRouter(
        _ log: CapturedLog, readyMaxLag: UInt64 = 1000, _ body: @escaping @Sendable (TestEnv, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await withEnv { env in
            let router = buildRouter(env.services, readyMaxLag: readyMaxLag)
            router.get("/v1/boom/{number}") { _, _ -> Response in throw InternalFailure() }
            try await Application(router: router, logger: log.logger).test(.router) { client in try await body(env, client) }
        }
    }

    @Test("every answer has X-Request-Id; a problem repeats it as requestId; an access line per request, with the route's template")
    func requestIDs() async throws {
        let log = CapturedLog()
        try await Self.withLoggedRouter(log) { env, client in
            let ok = try await client.get("/health")
            let okID = try #require(ok.headers[.requestID])
            let missing = try await client.get("/v1/documents/applications/MTR-NOPE-0000?pin=12345678")
            let id = try #require(missing.headers[.requestID])
            #expect(id != okID)
            #expect(missing.status.code >= 400)
            #expect(try missing.object().string("requestId") == id)
            let access = log.accessLines
            #expect(access.count == 2, "\(log.text)")
            #expect(access.first?["requestId"] as? String == okID)
            #expect(access.first?["route"] as? String == "/health")
            #expect(access.first?["status"] as? Int == 200)
            let second = try #require(access.last)
            #expect(second["requestId"] as? String == id)
            #expect(second["method"] as? String == "GET")
            #expect(second["status"] as? Int == missing.status.code)
            #expect((second["route"] as? String)?.contains("{") == true, "\(second)")
            #expect(second["durationSeconds"] as? Double != nil)
            // Neither the receipt number nor the PIN nor the query reach the log.
            #expect(!log.text.contains("MTR-NOPE"))
            #expect(!log.text.contains("12345678"))
            #expect(!log.text.contains("pin="))
        }
    }

    @Test("the access line names the key's id, never its token")
    func keyID() async throws {
        let log = CapturedLog()
        try await Self.withLoggedRouter(log) { env, client in
            let token = env.token(.admin)
            let r = try await client.get("/v1/events?limit=1", token: token)
            let key = try #require(try env.services.keys.authenticate(token))
            let line = try #require(log.accessLines.first { $0["requestId"] as? String == r.headers[.requestID] })
            #expect(line["keyId"] as? String == key.keyId)
            #expect(!log.text.contains(token))
        }
    }

    @Test("a 500 answers a generic detail with the request id; the internal text goes to the log line with that id")
    func internalErrors() async throws {
        let log = CapturedLog()
        try await Self.withLoggedRouter(log) { _, client in
            let r = try await client.get("/v1/boom/42")
            #expect(r.status == .internalServerError)
            #expect(r.headers[.contentType] == "application/problem+json")
            let id = try #require(r.headers[.requestID])
            let problem = try r.object()
            #expect(problem.string("requestId") == id)
            #expect(problem.string("detail")?.contains(id) == true)
            #expect(!r.text.contains("mdb_put"))
            #expect(!r.text.contains("/var/lib"))
            let error = try #require(log.lines().first { $0["level"] as? String == "error" })
            #expect(error["requestId"] as? String == id)
            #expect((error["error"] as? String)?.contains("mdb_put failed") == true)
            let access = try #require(log.accessLines.first)
            #expect(access["route"] as? String == "/v1/boom/{number}")
            #expect(access["status"] as? Int == 500)
        }
    }

    @Test("/health/live answers 200; /health/ready answers 503 naming the lagging view while views lag, 200 once current")
    func readinessLag() async throws {
        let log = CapturedLog()
        try await Self.withLoggedRouter(log, readyMaxLag: 2) { env, client in
            #expect(try await client.get("/health/live").status == .ok)
            #expect(try await client.get("/health/ready").status == .ok)
            // Views stopped; 3 events appended: every view is 3 behind (more than 2).
            env.services.engine.stop()
            for i in 0..<3 {
                _ = try await env.services.store.append(
                    AppendRequest(events: [try ProposedEvent(stream: "lag-\(i)", type: "test.noted", value: .object([]))], actor: "test"))
            }
            let lagging = try await client.get("/health/ready")
            #expect(lagging.status == .serviceUnavailable)
            let reasons = try lagging.object()["reasons"] as? [String] ?? []
            #expect(reasons.contains { $0.contains("events behind the log") }, "\(reasons)")
            #expect(try await client.get("/health/live").status == .ok)
            try env.services.engine.catchUp { _, _ in }
            try env.services.engine.start()
            let ready = try await client.get("/health/ready")
            #expect(ready.status == .ok, "\(ready.text)")
        }
    }

    @Test("/health/ready answers 503 while a view is rebuilt, 200 after the switch")
    func readinessRebuild() async throws {
        let log = CapturedLog()
        try await Self.withLoggedRouter(log) { env, client in
            for i in 0..<20 {
                _ = try await env.services.write(
                    [try ProposedEvent(stream: "rebuild-\(i)", type: "test.noted", value: .object([]))], actor: "test")
            }
            let engine = env.services.engine
            engine.rebuildBatchSize = 5  // the rebuild pauses between its batches of 5
            let name = try #require(engine.projectors.first?.name)
            let paused = DispatchSemaphore(value: 0)
            let resume = DispatchSemaphore(value: 0)
            let finished = DispatchSemaphore(value: 0)
            let first = Mutex(true)
            Thread.detachNewThread {
                try? engine.rebuild(name) { _, _, _ in
                    if first.withLock({ f in
                        defer { f = false }
                        return f
                    }) {
                        paused.signal()
                        resume.wait()
                    }
                }
                finished.signal()
            }
            paused.wait()
            let during = try await client.get("/health/ready")
            resume.signal()
            finished.wait()
            #expect(during.status == .serviceUnavailable)
            let reasons = try during.object()["reasons"] as? [String] ?? []
            #expect(reasons == ["view \(name) is being rebuilt"], "\(reasons)")
            let after = try await client.get("/health/ready")
            #expect(after.status == .ok, "\(after.text)")
        }
    }

    /// Other suites append in this process at the same time: the counters grow by at least N here
    /// (exactly N is proven on a process of its own, in EndToEndTests).
    @Test("after N appends, lumbung_appended_events_total and lumbung_append_requests_total grew by N or more, as the histogram's count")
    func appendCounters() async throws {
        try await withEnv { env in
            try await Application(router: buildRouter(env.services)).test(.router) { client in
                func value(_ text: String, _ name: String) -> Double {
                    text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) } ?? 0
                }
                let before = try await client.get("/metrics").text
                let n = 7
                for i in 0..<n {
                    let r = try await client.post(
                        "/v1/streams/counted-\(i)", token: env.token(.admin), body: #"{"type":"test.noted","data":{}}"#)
                    #expect(r.status == .created, "\(r.text)")
                }
                let after = try await client.get("/metrics").text
                #expect(value(after, "lumbung_appended_events_total") - value(before, "lumbung_appended_events_total") >= Double(n))
                #expect(value(after, "lumbung_append_requests_total") - value(before, "lumbung_append_requests_total") >= Double(n))
                #expect(
                    value(after, "lumbung_append_duration_seconds_count") - value(before, "lumbung_append_duration_seconds_count")
                        >= Double(n), "\(after)")
            }
        }
    }
}

@Suite("Body limits per route")
struct BodyLimitTests {
    @Test("a command body over 1 MiB is a 413 naming the limit; nothing written. The admin append still takes 2 MiB")
    func commandBodyLimit() async throws {
        try await withRouter { env, client in
            let head = try env.head()
            // A valid command padded with 2 MiB of whitespace: refused for its size alone.
            let padded = Fx.market("besar") + String(repeating: " ", count: 2 << 20)
            let r = try await client.post("/v1/prices/markets", token: env.token(.admin), body: padded)
            expectProblem(r, .contentTooLarge)
            #expect(try r.object().string("detail")?.contains("1 MiB") == true, "\(r.text)")
            #expect(try env.head() == head)
            // Under the limit, the same command is written.
            _ = try await client.command("/v1/prices/markets", token: env.token(.admin), body: Fx.market("besar"))
            #expect(try env.head() == head + 1)
            // The admin batch route reads up to its own limit.
            let batch = Fx.rawEvent() + String(repeating: " ", count: 2 << 20)
            let appended = try await client.post("/v1/streams/big-batch", token: env.token(.admin), body: batch)
            #expect(appended.status == .created, "\(appended.text)")
        }
    }
}
