import EventLog
import Foundation
import Hummingbird
import JSON
import LumbungCore
import LumbungVersion
import Projections

/// Health, metrics and the API's description: public.
struct SystemController {
    let services: LumbungServices
    /// `/health/ready` answers 503 while a view lags the log by more than this many events.
    var readyMaxLag: UInt64 = 1000
    /// Whether `/metrics` is a route of this router (not when `serve --metrics-address` serves it apart).
    var servesMetrics = true

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/health", use: health)
        router.get("/health/live", use: live)
        router.get("/health/ready", use: ready)
        router.get("/ping", use: ping)
        if servesMetrics { router.get("/metrics", use: metrics) }
        router.get("/openapi.yaml", use: openAPI)
    }

    /// `GET /ping`: a constant answer, the trivial route the load benchmarks compare with.
    @Sendable func ping(_ request: Request, context: AppRequestContext) async throws -> Response {
        JSONResponse.raw(Array("pong\n".utf8), contentType: "text/plain")
    }

    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> Response {
        let head = try services.store.head()
        let views = try services.engine.checkpoint()
        var members: [(String, JSONValue)] = [
            ("status", .string("ok")),
            ("version", .string(LumbungVersion.current)),
            ("role", .string(services.readOnlyPrimary == nil ? "primary" : "replica")),
            ("headPosition", .number(Double(head.position))),
            ("headHash", .string(head.hash.description)),
            ("viewsPosition", .number(Double(views))),
            ("viewsLag", .number(Double(head.position - min(views, head.position)))),
        ]
        if let primary = services.readOnlyPrimary { members.append(("primary", .string(primary))) }
        // A read replica (lumbung follow on this data directory): its lag behind the stream.
        // Once its follower has stopped (it refused the stream), `stopped` is true with the reason
        // and the refused position: the lag then says nothing of how current the replica is.
        if let r = ReplicationStatus.read(dataDirectory: services.dataDirectory) {
            var replication: [(String, JSONValue)] = [
                ("stream", .string(r.stream)), ("streamLastSequence", .number(Double(r.streamLastSequence))),
                ("lag", .number(Double(r.lag(headPosition: head.position)))), ("updatedAt", .string(r.updatedAt)),
                ("stopped", .bool(!r.isHealthy)),
            ]
            if let reason = r.stoppedReason { replication.append(("reason", .string(reason))) }
            if let position = r.refusedPosition { replication.append(("refusedPosition", .number(Double(position)))) }
            if let size = r.verifiedTreeSize { replication.append(("verifiedTreeSize", .number(Double(size)))) }
            members.append(("replication", .object(replication)))
        }
        return JSONResponse.object(members)
    }

    /// `GET /health/live`: 200 whenever the process answers (a liveness probe).
    @Sendable func live(_ request: Request, context: AppRequestContext) async throws -> Response {
        JSONResponse.object([("status", .string("live"))])
    }

    /// `GET /health/ready`: 200 `{"status":"ready"}` when this node should take traffic; 503
    /// `{"status":"not ready","reasons":[...]}` (one sentence per check that failed) while a view
    /// lags the log by more than `readyMaxLag` events, a view is being rebuilt, or, on a read
    /// replica, its log lags the stream it follows by more than `readyMaxLag` events or its
    /// follower has stopped (it refused what the stream held).
    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> Response {
        let reasons = try notReadyReasons()
        guard !reasons.isEmpty else { return JSONResponse.object([("status", .string("ready"))]) }
        var headers = HTTPFields()
        headers[.cacheControl] = "no-store"
        headers[.retryAfter] = "1"
        var response = JSONResponse.object(
            [("status", .string("not ready")), ("reasons", .array(reasons.map(JSONValue.string)))], status: .serviceUnavailable)
        response.headers.append(contentsOf: headers)
        return response
    }

    /// Why this node is not ready, one sentence per failed check (empty when ready). Each check
    /// is one entry of the list: a new condition is one more closure.
    func notReadyReasons() throws -> [String] {
        let head = try services.store.head().position
        let maxLag = readyMaxLag
        let checks: [() throws -> [String]] = [
            {
                try services.engine.status().filter { $0.lag > maxLag }.map {
                    "view \($0.name) is \($0.lag) events behind the log (more than \(maxLag))"
                }
            },
            { try services.engine.rebuildsInProgress().map { "view \($0) is being rebuilt" } },
            {
                guard let r = ReplicationStatus.read(dataDirectory: services.dataDirectory) else { return [] }
                let lag = r.lag(headPosition: head)
                return lag > maxLag ? ["this replica is \(lag) events behind stream \(r.stream) (more than \(maxLag))"] : []
            },
            {
                guard let r = ReplicationStatus.read(dataDirectory: services.dataDirectory), !r.isHealthy else { return [] }
                return ["this replica's follower has stopped: \(r.stoppedReason ?? "no reason recorded")"]
            },
        ]
        return try checks.flatMap { try $0() }
    }

    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        JSONResponse.raw(try ServiceMetrics.exposition(services), contentType: ServiceMetrics.contentType)
    }

    @Sendable func openAPI(_ request: Request, context: AppRequestContext) async throws -> Response {
        JSONResponse.raw(Array(OpenAPIDocument.yaml.utf8), contentType: "application/yaml")
    }
}
