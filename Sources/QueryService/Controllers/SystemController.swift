import EventLog
import Foundation
import Hummingbird
import JSON
import LumbungCore
import LumbungVersion
import Metrics
import Projections
import Prometheus

/// Health, metrics and the API's description: public.
struct SystemController {
    let services: LumbungServices

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/health", use: health)
        router.get("/ping", use: ping)
        router.get("/metrics", use: metrics)
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

    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        let head = try services.store.head().position
        let checkpoint = try services.engine.checkpoint()
        ServiceMetrics.logHead.record(Int64(head))
        ServiceMetrics.projectionLag.record(Int64(head - min(head, checkpoint)))
        if let r = ReplicationStatus.read(dataDirectory: services.dataDirectory) {
            ServiceMetrics.replicationLag.record(Int64(r.lag(headPosition: head)))
        }
        var buffer: [UInt8] = []
        ServiceMetrics.registry.emit(into: &buffer)
        return JSONResponse.raw(buffer, contentType: "text/plain; version=0.0.4; charset=utf-8")
    }

    @Sendable func openAPI(_ request: Request, context: AppRequestContext) async throws -> Response {
        JSONResponse.raw(Array(OpenAPIDocument.yaml.utf8), contentType: "application/yaml")
    }
}

/// The service's metrics, exported in Prometheus' text format through swift-metrics.
enum ServiceMetrics {
    /// The Prometheus registry; bootstrapping the metrics system happens once per process.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    static func bootstrap() { _ = registry }

    static let logHead = Gauge(label: "lumbung_log_head_position")
    static let projectionLag = Gauge(label: "lumbung_projection_lag_events")
    /// On a read replica: events of the stream it follows not yet in its log.
    static let replicationLag = Gauge(label: "lumbung_replication_lag_events")
    static let appendedEvents = Counter(label: "lumbung_appended_events_total")
    static let appendRequests = Counter(label: "lumbung_append_requests_total")
}
