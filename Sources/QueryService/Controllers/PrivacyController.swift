import DocumentTracking
import EventLog
import Hummingbird
import JSON
import LumbungCore

/// The privacy officer's routes (role `privacy-officer`, or `admin`): forget a subject, export
/// everything held about one, and list who read personal data. Identifiers travel in bodies,
/// never in URLs (which end up in access logs).
///
/// - `POST /v1/privacy/forget` `{"nik"}`, `{"subject"}`, `{"donorId"}` or `{"kk"}` (exactly one): destroys the subject's key and blind
///   indexes and appends `privacy.subject-forgotten`. Answers `{"subject","forgotten":true,"position"}`
///   (`position` null when the subject was already forgotten). 404 for an identifier that finds no
///   subject (a KK finds none until aid's household register makes KK subjects).
/// - `POST /v1/privacy/export` one of the same, `"purpose"`?: everything held about the
///   subject, opened (`SubjectExport`); appends `privacy.data-accessed`.
/// - `GET /v1/privacy/access-log?limit=`: the `privacy.data-accessed` events, oldest first.
struct PrivacyController {
    let services: LumbungServices
    var office: PrivacyOffice { PrivacyOffice(services) }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.group().add(middleware: RequireRole(.privacyOfficer))
            .post("/v1/privacy/forget", use: forget)
            .post("/v1/privacy/export", use: export)
            .get("/v1/privacy/access-log", use: accessLog)
    }

    /// Who a body names (`nik`, `subject`, `donorId`, `kk`: each optional; `PrivacyOffice.subject`
    /// wants exactly one) and its `purpose`.
    struct Identifiers {
        var nik, subject, donorId, kk, purpose: String?
    }

    /// The identifier strings of a body, each optional.
    static func identifiers(_ body: JSONValue) throws -> Identifiers {
        guard case .object(let members) = body else { throw Problem.field("body", "must be a JSON object") }
        var ids = Identifiers()
        for (k, v) in members {
            guard case .string(let s) = v else { throw Problem.field(k, "must be a string") }
            switch k {
            case "nik": ids.nik = s
            case "subject": ids.subject = s
            case "donorId": ids.donorId = s
            case "kk": ids.kk = s
            case "purpose":
                guard (1...200).contains(s.utf8.count) else { throw Problem.field("purpose", "must be 1 to 200 bytes") }
                ids.purpose = s
            default: throw Problem.field(k, "is not a member; send one of nik, subject, donorId or kk (and purpose)")
            }
        }
        return ids
    }

    func resolve(_ ids: Identifiers) throws -> String {
        try office.subject(nik: ids.nik, subject: ids.subject, donorId: ids.donorId, kk: ids.kk)
    }

    @Sendable func forget(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.authenticatedCaller()
        try services.refuseIfReadOnly()
        let ids = try Self.identifiers(try await request.jsonBody(context: context))
        let subject = try resolve(ids)
        let position = try await office.forget(subject: subject, actor: caller.actor)
        let answer: JSONValue = .object([
            ("subject", .string(subject)), ("forgotten", .bool(true)), ("position", position.map { .number(Double($0)) } ?? .null),
        ])
        return JSONResponse.raw(CanonicalJSON.encode(answer))
    }

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.authenticatedCaller()
        let ids = try Self.identifiers(try await request.jsonBody(context: context))
        let subject = try resolve(ids)
        let export = try office.export(subject: subject)
        if !export.forgotten {
            try await office.recordAccess(
                subject: subject, keyId: caller.keyId, actor: caller.actor, purpose: ids.purpose ?? "subject-access-request")
        }
        var response = try JSONResponse.make(export)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func accessLog(_ request: Request, context: AppRequestContext) async throws -> Response {
        let limit = try request.queryLimit(default: 1000, max: 10_000)
        return try JSONResponse.make(["entries": try office.accessLog(limit: limit)])
    }
}
