public import EventLog
import Foundation
public import HTTPTypes
public import Hummingbird
public import JSON
import Logging
import LumbungCore

/// An RFC 9457 problem: every failure of the API answers `application/problem+json` with
/// `type`, `title`, `status`, `detail`, `requestId` (the `X-Request-Id` of the answer, set by
/// `AccessLogMiddleware`), and `errors` (per field) for validation failures.
public struct Problem: Error, HTTPResponseError, Sendable {
    public struct FieldError: Codable, Sendable, Equatable {
        public var field: String
        public var message: String
    }

    public let status: HTTPResponse.Status
    public let detail: String
    public let errors: [FieldError]
    public var headers: HTTPFields = [:]
    /// Extra members (e.g. `actualVersion` of a conflict).
    public var extra: [String: JSONValue] = [:]

    public init(_ status: HTTPResponse.Status, _ detail: String, errors: [FieldError] = []) {
        self.status = status
        self.detail = detail
        self.errors = errors
    }

    /// The problem type URI for a status: a stable, documented name.
    var type: String {
        switch status.code {
        case 400: "https://lumbung.mataramkota.go.id/problems/bad-request"
        case 401: "https://lumbung.mataramkota.go.id/problems/unauthorized"
        case 403: "https://lumbung.mataramkota.go.id/problems/forbidden"
        case 404: "https://lumbung.mataramkota.go.id/problems/not-found"
        case 405: "https://lumbung.mataramkota.go.id/problems/method-not-allowed"
        case 409: "https://lumbung.mataramkota.go.id/problems/conflict"
        case 413: "https://lumbung.mataramkota.go.id/problems/too-large"
        case 422: "https://lumbung.mataramkota.go.id/problems/rule-violation"
        case 429: "https://lumbung.mataramkota.go.id/problems/rate-limited"
        case 503: "https://lumbung.mataramkota.go.id/problems/unavailable"
        default: "about:blank"
        }
    }

    public var body: [UInt8] {
        var members: [(key: String, value: JSONValue)] = [
            ("type", .string(type)), ("title", .string(status.reasonPhrase)), ("status", .number(Double(status.code))),
            ("detail", .string(detail)),
        ]
        if !errors.isEmpty {
            members.append(
                (
                    "errors",
                    .array(errors.map { .object([("field", .string($0.field)), ("message", .string($0.message))]) })
                ))
        }
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) { members.append((k, v)) }
        return CanonicalJSON.encode(.object(members))
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The problem for an error of the log: 400 bad input, 409 an expected-version or event-id
    /// conflict or a domain's conflict (done once already), 413 too large, 422 a domain rule refused it, 503 the log is closed, 403 a write
    /// to a read replica or outside the caller key's scope, 500 a damaged or failing store.
    public init(_ error: EventLogError) {
        let status: HTTPResponse.Status =
            switch error.code {
            case .invalidInput: .badRequest
            case .wrongExpectedVersion, .duplicateIDConflict, .conflict: .conflict
            case .tooLarge: .contentTooLarge
            case .ruleViolation: .unprocessableContent
            case .closed: .serviceUnavailable
            case .readOnlyReplica, .forbidden: .forbidden
            case .corrupt, .storage: .internalServerError
            }
        var errors: [FieldError] = []
        if let field = error.field { errors.append(FieldError(field: field, message: error.message)) }
        self.init(status, error.message, errors: errors)
        if let actual = error.actualVersion { extra["actualVersion"] = .number(Double(actual)) }
    }
}

/// Turns every error into a problem+json response: never a stack trace or an empty 500.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as EventLogError {
            throw Problem(error)
        } catch let locked as LookupLocked {
            var p = Problem(.tooManyRequests, locked.description)
            p.headers[.retryAfter] = String(locked.retryAfter)
            p.headers[.cacheControl] = "no-store"
            throw p
        } catch let refusal as PrivacyOffice.Refusal {
            throw Problem(
                refusal.code == .unknownSubject ? .notFound : .badRequest, refusal.message,
                errors: [Problem.FieldError(field: refusal.field, message: refusal.message)])
        } catch let refusal as ReadOnlyReplicaRefusal {
            var p = Problem(.forbidden, refusal.description)
            p.extra["primary"] = .string(refusal.primary)
            throw p
        } catch let error as JSONError {
            throw Problem(.badRequest, "invalid JSON body: \(error.description)")
        } catch let error as HTTPError {
            var p = Problem(error.status, error.body ?? error.status.reasonPhrase)
            p.headers = error.headers
            throw p
        } catch let error as any HTTPResponseError {
            throw Problem(error.status, error.status.reasonPhrase)
        } catch is CancellationError {
            throw Problem(.serviceUnavailable, "the request was cancelled")
        } catch {
            // The text reaches the log only: AccessLogMiddleware answers a generic detail.
            throw Problem(.internalServerError, "unexpected error: \(String(describing: error))")
        }
    }
}
