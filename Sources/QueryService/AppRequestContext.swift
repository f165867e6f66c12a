public import Hummingbird
public import LumbungCore
public import NIOCore

/// The request context of Lumbung's routes: Hummingbird's core storage, the caller's address
/// (for rate limits) and the caller's key once authenticated.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The authenticated caller, if the request carried a valid key.
    public var caller: APIKey?

    /// The client's address as text, for rate limits and logs: the peer's, or the one a trusted
    /// proxy forwarded (`ClientAddressMiddleware`, `TrustedProxies`).
    public var clientAddress: String

    /// What inner middleware learns for the access log line (`AccessLogMiddleware`).
    public let notes = RequestNotes()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        clientAddress = remoteAddress?.ipAddress ?? "unknown"
    }

    /// The largest body any route reads: the admin append's batch (the log's 16 MiB) plus JSON
    /// overhead. Every other route reads at most `Request.commandBodyLimit` (1 MiB).
    public var maxUploadSize: Int { 17 << 20 }

    /// The authenticated caller: 401 without a valid key. Behind `RequireRole` there always is one.
    public func authenticatedCaller() throws -> APIKey {
        guard let caller else {
            throw Problem(.unauthorized, "a key is required: send Authorization: Bearer <key>")
        }
        return caller
    }

    /// The caller, who must hold `role` (or `admin`): 401 without a valid key, 403 with another role.
    public func require(_ role: Role) throws -> APIKey {
        let caller = try authenticatedCaller()
        guard caller.role == role || caller.role == .admin else {
            throw Problem(.forbidden, "the key \(caller.name) has role \(caller.role.rawValue); this needs \(role.rawValue)")
        }
        return caller
    }

    /// The caller, who must hold one of `roles` (or `admin`).
    public func require(anyOf roles: [Role]) throws -> APIKey {
        let caller = try authenticatedCaller()
        guard roles.contains(caller.role) || caller.role == .admin else {
            throw Problem(
                .forbidden,
                "the key \(caller.name) has role \(caller.role.rawValue); this needs one of \(roles.map(\.rawValue).joined(separator: ", "))"
            )
        }
        return caller
    }
}
