import Hummingbird
import LumbungCore

/// Lets a request through only when its caller (set by `AuthMiddleware`) holds one of `roles`,
/// or `admin`: 401 problem+json without a key, 403 with another role, before the handler reads
/// anything. Added to a router group, it declares once the role of every route of the group;
/// the handlers behind it take the caller from `context.authenticatedCaller()`.
struct RequireRole: RouterMiddleware {
    typealias Context = AppRequestContext
    let roles: [Role]

    init(_ role: Role) { roles = [role] }
    init(anyOf roles: [Role]) { self.roles = roles }

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws
        -> Response
    {
        if roles.count == 1 {
            _ = try context.require(roles[0])
        } else {
            _ = try context.require(anyOf: roles)
        }
        return try await next(request, context)
    }
}
