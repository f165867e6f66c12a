import Hummingbird
import NIOCore
public import ServiceLifecycle

/// A server of one route, `GET /metrics`, answering `text()` as Prometheus' text format: the
/// metrics of a process that serves no API (`lumbung relay --metrics-port`). It is a service of
/// a `ServiceGroup`: a graceful shutdown stops it.
public func buildMetricsEndpoint(
    host: String, port: Int, serverName: String, text: @escaping @Sendable () -> String
) -> some Service {
    let router = Router(context: BasicRequestContext.self)
    router.get("/metrics") { _, _ -> Response in
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text())))
    }
    return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: serverName))
}
