import Foundation
public import HTTPTypes
import Hummingbird
import JSON
import Logging
import Synchronization

extension HTTPField.Name {
    /// The request's id, the same as in its access log line and in a problem's `requestId`.
    public static let requestID = HTTPField.Name("X-Request-Id")!
}

/// What an inner middleware learns of a request that the access line reports: the caller's key
/// id (set by `AuthMiddleware`). A reference, so the outermost middleware sees it after `next`.
public final class RequestNotes: Sendable {
    private let key = Mutex<String?>(nil)
    public init() {}
    /// The id of the key that authenticated the request (never the token).
    public var keyID: String? {
        get { key.withLock { $0 } }
        set { key.withLock { $0 = newValue } }
    }
}

/// The outermost middleware: every answer carries `X-Request-Id` (Hummingbird's request id, also
/// the `hb.request.id` of every log line of the request), every problem a `requestId` member, and
/// every request one access line at `info`: `requestId`, `method`, `route` (the route's template,
/// `/v1/receipts/{number}`, never the raw path), `status`, `durationSeconds`, and `keyId` when a
/// key authenticated it. Query strings, tokens, PINs and bodies are never logged.
///
/// A 500 answers a generic detail naming the request id; what failed goes to an `error` line
/// with that id, never to the client.
struct AccessLogMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        let id = context.id
        var response: Response
        do {
            response = try await next(request, context)
        } catch let problem as Problem {
            response = try answer(problem, id: id, context: context, request: request)
        } catch {
            // ProblemMiddleware turns every error into a Problem; anything else is a 500 too.
            response = try answer(
                Problem(.internalServerError, String(describing: error)), id: id, context: context, request: request)
        }
        response.headers[.requestID] = id
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var metadata: Logger.Metadata = [
            "requestId": .string(id), "method": .string(request.method.rawValue),
            "route": .string(context.endpointPath ?? "unmatched"), "status": .stringConvertible(response.status.code),
            "durationSeconds": .stringConvertible(seconds),
        ]
        if let key = context.notes.keyID { metadata["keyId"] = .string(key) }
        context.logger.info("request", metadata: metadata)
        return response
    }

    /// The problem's answer with the request id; a 500's detail replaced by a generic one (its
    /// own detail logged).
    private func answer(_ problem: Problem, id: String, context: AppRequestContext, request: Request) throws -> Response {
        var problem = problem
        if problem.status == .internalServerError {
            context.logger.error("internal error", metadata: ["requestId": .string(id), "error": .string(problem.detail)])
            var generic = Problem(.internalServerError, "the server failed to answer this request; quote request id \(id) to its operator")
            generic.headers = problem.headers
            problem = generic
        }
        problem.extra["requestId"] = .string(id)
        return try problem.response(from: request, context: context)
    }
}
