import EventLog
import Foundation
public import Hummingbird
import HummingbirdCore
public import Logging
public import LumbungCore
import NIOCore

/// Where and how the service listens.
public struct ServiceConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The reverse proxies whose `Forwarded`/`X-Forwarded-For` name the client.
    public var trustedProxies: TrustedProxies
    /// `/health/ready` answers 503 while a view (or a replica's log) lags by more than this many events.
    public var readyMaxLag: UInt64
    /// Where `/metrics` is served apart from the API (`host`, `port`); nil: on the API's listener.
    public var metricsAddress: (host: String, port: Int)?
    /// A connection with no traffic for this long is closed (keep-alive included).
    public var idleTimeout: Duration
    /// A connection must deliver a whole request head within this long of opening (or of its
    /// previous answer): half-sent headers hold a connection no longer.
    public var headerTimeout: Duration
    /// The most connections open at once; beyond it, new ones wait in the listen backlog.
    public var maxConnections: Int
    public init(
        host: String = "127.0.0.1", port: Int = 8080, trustedProxies: TrustedProxies = .none, readyMaxLag: UInt64 = 1000,
        metricsAddress: (host: String, port: Int)? = nil, idleTimeout: Duration = .seconds(60), headerTimeout: Duration = .seconds(10),
        maxConnections: Int = 1024
    ) {
        self.host = host
        self.port = port
        self.trustedProxies = trustedProxies
        self.readyMaxLag = readyMaxLag
        self.metricsAddress = metricsAddress
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.maxConnections = maxConnections
    }
}

/// The router of every route of the service (Hummingbird's `buildRouter` pattern).
/// `trustedProxies` decides which peers may name the client (`TrustedProxies`); `readyMaxLag`
/// is the lag (events) beyond which `/health/ready` answers 503; `servesMetrics` false leaves
/// `/metrics` out (`serve --metrics-address` serves it on a listener of its own).
public func buildRouter(
    _ services: LumbungServices, trustedProxies: TrustedProxies = .none, readyMaxLag: UInt64 = 1000, servesMetrics: Bool = true
) -> Router<AppRequestContext> {
    ServiceMetrics.bootstrap()
    let router = Router(context: AppRequestContext.self)
    let routes = RouteTable()
    router.middlewares.add(AccessLogMiddleware())
    if !trustedProxies.ranges.isEmpty { router.middlewares.add(ClientAddressMiddleware(trustedProxies: trustedProxies)) }
    router.middlewares.add(ProblemMiddleware())
    router.middlewares.add(MethodNotAllowedMiddleware(routes: routes))
    router.middlewares.add(MetricsMiddleware())
    router.middlewares.add(AuthMiddleware(keys: services.keys))
    router.middlewares.add(ReadOnlyMiddleware(services: services, routes: routes))
    SystemController(services: services, readyMaxLag: readyMaxLag, servesMetrics: servesMetrics).addRoutes(to: router)
    EventsController(services: services).addRoutes(to: router)
    AidController(services: services).addRoutes(to: router)
    DocumentsController(services: services).addRoutes(to: router)
    NotificationsController(services: services).addRoutes(to: router)
    PricesController(services: services).addRoutes(to: router)
    PortalController(services: services).addRoutes(to: router)
    let signing = SigningKeyCache()
    AuditController(services: services, key: signing).addRoutes(to: router)
    ProofPages(services: services, signing: signing).addRoutes(to: router)
    PrivacyController(services: services).addRoutes(to: router)
    let staff = StaffScreens(services: services, sessions: StaffSessions(keys: services.keys), trustedProxies: trustedProxies)
    staff.addRoutes(to: router)
    OfficerScreens(services: services, staff: staff).addRoutes(to: router)
    EnumeratorScreens(services: services, staff: staff).addRoutes(to: router)
    AidScreens(services: services, staff: staff).addRoutes(to: router)
    SupervisorScreens(services: services, staff: staff).addRoutes(to: router)
    routes.set(router.routes.map { ($0.path.description, $0.method.rawValue) })
    return router
}

/// The routes of the router (path patterns and methods), for answers about methods.
final class RouteTable: @unchecked Sendable {
    private let lock = NSLock()
    private var routes: [(segments: [Substring], method: String)] = []

    func set(_ list: [(path: String, method: String)]) {
        let parsed = list.map { (segments: $0.path.split(separator: "/"), method: $0.method) }
        lock.withLock { routes = parsed }
    }

    /// The methods of the routes whose pattern matches `path` (`{name}` matches one segment).
    func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        let all = lock.withLock { routes }
        let methods = all.filter { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { p, s in p == s || (p.hasPrefix("{") && p.hasSuffix("}")) }
        }.map(\.method)
        return Array(Set(methods)).sorted()
    }
}

/// A method the path does not have is a 405 with `Allow` (the router alone would say 404).
struct MethodNotAllowedMiddleware: RouterMiddleware {
    let routes: RouteTable

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(for: request.uri.path)
            guard !allowed.isEmpty else { throw error }
            var p = Problem(
                .methodNotAllowed,
                "\(request.method.rawValue) is not a method of \(request.uri.path); it has \(allowed.joined(separator: ", "))")
            p.headers[.allow] = allowed.joined(separator: ", ")
            throw p
        }
    }
}

/// On a read replica (`LumbungServices.readOnlyPrimary` set), every write route (a `/v1/` path
/// with a POST route) answers 403 problem+json naming the primary, before its body is read or
/// checked: a write is refused as a write, whatever it holds. The portal's POST form (a receipt
/// lookup) is a read and is served.
struct ReadOnlyMiddleware: RouterMiddleware {
    let services: LumbungServices
    let routes: RouteTable

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws
        -> Response
    {
        if services.readOnlyPrimary != nil, request.method == .post, request.uri.path.hasPrefix("/v1/"),
            routes.methods(for: request.uri.path).contains("POST")
        {
            try services.refuseIfReadOnly()
        }
        return try await next(request, context)
    }
}

/// The application serving `services` (Hummingbird's `buildApplication` pattern).
/// `onServerRunning` is told the port the server listens on (the one chosen for port 0).
public func buildApplication(
    _ services: LumbungServices, configuration: ServiceConfiguration, logger: Logger? = nil,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let logger = logger ?? Logger(label: "lumbung")
    return Application(
        router: buildRouter(
            services, trustedProxies: configuration.trustedProxies, readyMaxLag: configuration.readyMaxLag,
            servesMetrics: configuration.metricsAddress == nil),
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [HeaderTimeoutHandler(timeout: .init(configuration.headerTimeout))],
                idleTimeout: .init(configuration.idleTimeout))),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "lumbung",
            availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// Sets the context's client address from a trusted proxy's forwarding headers (`TrustedProxies`).
struct ClientAddressMiddleware: RouterMiddleware {
    let trustedProxies: TrustedProxies

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws
        -> Response
    {
        var context = context
        context.clientAddress = trustedProxies.clientAddress(peer: context.clientAddress, headers: request.headers)
        return try await next(request, context)
    }
}

/// Reads `Authorization: Bearer <key>` and sets the caller; a present but unknown key is a 401.
struct AuthMiddleware: RouterMiddleware {
    let keys: KeyRegistry

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws
        -> Response
    {
        var context = context
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer "),
                let key = try keys.authenticate(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
            else {
                var p = Problem(.unauthorized, "the key is not valid (unknown, revoked or malformed)")
                p.headers[.wwwAuthenticate] = "Bearer"
                throw p
            }
            context.caller = key
            context.notes.keyID = key.keyId
        }
        return try await next(request, context)
    }
}
