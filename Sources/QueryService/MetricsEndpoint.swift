import EventLog
import Hummingbird
public import LumbungCore
public import Metrics
import NIOCore
import Projections
import Prometheus
public import ServiceLifecycle

/// The process's metrics: swift-metrics bootstrapped once per process with swift-prometheus
/// (`PrometheusMetricsFactory` over one `PrometheusCollectorRegistry`), rendered in Prometheus'
/// text format. Every counter, gauge, timer and recorder of any module lands in this registry
/// once `bootstrap()` ran; a handle made before it stays a no-op, so long-running commands call it
/// first.
public enum ServiceMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// Bootstraps the metrics system (once; later calls do nothing).
    public static func bootstrap() { _ = registry }

    /// The content type of the exposition.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Every metric of the registry in Prometheus' text format.
    public static func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    /// The exposition after `recordGauges(services)`.
    public static func exposition(_ services: LumbungServices) throws -> [UInt8] {
        try recordGauges(services)
        return exposition()
    }

    /// Sets the gauges read from `services`: the log's head, the views' lag
    /// (`lumbung_projection_lag_events`) and, on a read replica, its lag behind the stream.
    public static func recordGauges(_ services: LumbungServices) throws {
        let head = try services.store.head().position
        let checkpoint = try services.engine.checkpoint()
        Gauge(label: "lumbung_log_head_position").record(Int64(head))
        Gauge(label: "lumbung_projection_lag_events").record(Int64(head - min(head, checkpoint)))
        if let r = ReplicationStatus.read(dataDirectory: services.dataDirectory) {
            Gauge(label: "lumbung_replication_lag_events").record(Int64(r.lag(headPosition: head)))
        }
    }
}

/// A server of one route, `GET /metrics`, answering the process's registry (`ServiceMetrics`)
/// after `update` set its gauges: the metrics of a process that serves no API (`lumbung relay
/// --metrics-port`) or of `serve --metrics-address`, apart from the public listener. It is a
/// service of a `ServiceGroup`: a graceful shutdown stops it.
public func buildMetricsEndpoint(
    host: String, port: Int, serverName: String, update: @escaping @Sendable () throws -> Void = {}
) -> some Service {
    ServiceMetrics.bootstrap()
    let router = Router(context: BasicRequestContext.self)
    router.get("/metrics") { _, _ -> Response in
        try update()
        var headers = HTTPFields()
        headers[.contentType] = ServiceMetrics.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: ServiceMetrics.exposition())))
    }
    return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: serverName))
}
