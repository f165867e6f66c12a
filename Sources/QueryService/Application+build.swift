import EventLog
import Hummingbird
import Logging

/// Where and how the service listens.
public struct ServiceConfiguration: Sendable {
    public var host: String
    public var port: Int
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// The router of every route of the service (Hummingbird's `buildRouter` pattern).
public func buildRouter(_ services: LumbungServices) -> Router<AppRequestContext> {
    ServiceMetrics.bootstrap()
    let router = Router(context: AppRequestContext.self)
    router.middlewares.add(ProblemMiddleware())
    router.middlewares.add(MetricsMiddleware())
    router.middlewares.add(AuthMiddleware(keys: services.keys))
    SystemController(services: services).addRoutes(to: router)
    EventsController(services: services).addRoutes(to: router)
    AuditController(services: services).addRoutes(to: router)
    return router
}

/// The application serving `services` (Hummingbird's `buildApplication` pattern).
public func buildApplication(_ services: LumbungServices, configuration: ServiceConfiguration, logger: Logger? = nil) -> some ApplicationProtocol {
    var logger = logger ?? Logger(label: "lumbung")
    if logger.logLevel > .info { logger.logLevel = .info }
    return Application(
        router: buildRouter(services),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "lumbung"),
        logger: logger)
}

/// Reads `Authorization: Bearer <key>` and sets the caller; a present but unknown key is a 401.
struct AuthMiddleware: RouterMiddleware {
    let keys: KeyRegistry

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer "), let key = try keys.authenticate(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)) else {
                var p = Problem(.unauthorized, "the key is not valid (unknown, revoked or malformed)")
                p.headers[.wwwAuthenticate] = "Bearer"
                throw p
            }
            context.caller = key
        }
        return try await next(request, context)
    }
}
