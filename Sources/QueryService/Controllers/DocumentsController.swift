import DocumentTracking
import DomainKit
import EventLog
import Foundation
import Hummingbird
import JSON
import LumbungCore
import PersonalData
import Projections

/// Quick win 2, document tracking ("cek resi"): submissions and status changes by officers,
/// the public lookup by receipt number + PIN, queues and processing times.
struct DocumentsController {
    let services: LumbungServices
    /// The public processing times, made once per new documents event (`ResponseCache`).
    let processingCache = ResponseCache()
    /// The lookups answered since the views last changed (`LookupAnswerCache`).
    let lookupCache = LookupAnswerCache()
    var domain: DocumentTrackingDomain { services.domains.documents }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.group().add(middleware: RequireRole(.documentsWriter))
            .post("/v1/documents/applications", use: submit)
            .post("/v1/documents/applications/{receiptNumber}/status", use: changeStatus)
            .post("/v1/documents/applications/{receiptNumber}/pin", use: reissuePin)
            .get("/v1/documents/applications/{receiptNumber}/applicant", use: applicant)
            .post("/v1/documents/search", use: search)
        router.get("/v1/documents/applications/{receiptNumber}", use: lookup)
        router.post("/v1/documents/lookup", use: lookupPost)
        router.group().add(middleware: RequireRole(anyOf: [.documentsWriter, .auditor]))
            .get("/v1/documents/queue", use: queue)
        router.get(
            "/v1/documents/processing", use: processingCache.cached(types: DocumentEvents.lifecycle, services: services, processing))
    }

    /// `POST /v1/documents/applications`: answers `{"receiptNumber","pin","position"}`; the
    /// only time the PIN is shown.
    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.authenticatedCaller()
        let body = try await request.jsonBody(context: context)
        let command = try domain.parse(DocumentTrackingCommand.submitApplicationName, body: body)
        return try await services.run(caller: caller) {
            let d = try domain.decide(command, now: .now())
            return CommandOutcome(events: d.events, ids: d.ids, secrets: d.secrets)
        }
    }

    /// `POST /v1/documents/applications/{receiptNumber}/status`: `{"to","reason"?,"officer","changedAt"?}`.
    @Sendable func changeStatus(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await applicationCommand(DocumentTrackingCommand.changeStatusName, request, context).response
    }

    /// `POST /v1/documents/applications/{receiptNumber}/pin`: `{"officer","reissuedAt"?}` gives the
    /// application a new PIN, answered once as `pin`; the old PIN stops working at once, and the
    /// receipt's lookup lockout (`LookupGuard`) is lifted: the resident stands at the counter.
    @Sendable func reissuePin(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (response, receipt) = try await applicationCommand(DocumentTrackingCommand.reissuePinName, request, context)
        try services.lookupGuard.succeeded(receipt)
        var answer = response
        answer.headers[.cacheControl] = "no-store"
        return answer
    }

    /// Runs the command `name` on the application the path names: its body with the path's
    /// receipt number (canonical) as `receiptNumber`. 404 when no application has that number.
    private func applicationCommand(_ name: String, _ request: Request, _ context: AppRequestContext) async throws
        -> (response: Response, receiptNumber: String)
    {
        let caller = try context.authenticatedCaller()
        let receipt = try context.path("receiptNumber")
        // The path names an application that must exist: 404 when it cannot or does not (as the lookup).
        guard let canonical = ReceiptNumber.normalize(receipt),
            try services.store.version(of: DocumentEvents.stream(receiptNumber: canonical)) > 0
        else {
            throw Problem(.notFound, "no application has receipt number \(receipt.prefix(40))")
        }
        var body = try await request.jsonBody(context: context)
        guard case .object(var members) = body else { throw Problem.field("body", "must be a JSON object") }
        members.removeAll { $0.key == "receiptNumber" }
        members.append((key: "receiptNumber", value: .string(canonical)))
        body = .object(members)
        let command = try domain.parse(name, body: body)
        let response = try await services.run(caller: caller) {
            let d = try domain.decide(command, now: .now())
            return CommandOutcome(events: d.events, ids: d.ids, secrets: d.secrets)
        }
        return (response, canonical)
    }

    /// `GET /v1/documents/applications/{receiptNumber}?pin=`: public. Unknown receipt and wrong
    /// PIN answer the same 404; lookups are rate-limited per client (429 with Retry-After) and
    /// per receipt (`LookupGuard`: 429 while a receipt is locked after failed PINs).
    /// `POST /v1/documents/lookup` does the same with the PIN in the body, out of URLs and logs.
    @Sendable func lookup(_ request: Request, context: AppRequestContext) async throws -> Response {
        try limitLookups(context)
        let receipt = try context.path("receiptNumber")
        guard let pin = request.query("pin"), !pin.isEmpty else {
            throw Problem.field("pin", "the PIN given with the receipt is required")
        }
        return try await answerLookup(request, receipt: receipt, pin: pin)
    }

    /// `POST /v1/documents/lookup`: `{"receiptNumber","pin"}`, answered as the GET lookup.
    @Sendable func lookupPost(_ request: Request, context: AppRequestContext) async throws -> Response {
        try limitLookups(context)
        let body = try await request.jsonBody(context: context)
        guard case .object(let members) = body else { throw Problem.field("body", "must be a JSON object") }
        for (key, _) in members where key != "receiptNumber" && key != "pin" {
            throw Problem.field(key, "is not a member of a lookup; send only receiptNumber and pin")
        }
        func text(_ name: String, _ what: String) throws -> String {
            guard case .string(let value)? = members.first(where: { $0.key == name })?.value, !value.isEmpty else {
                throw Problem.field(name, "\(what) is required, as a string")
            }
            return value
        }
        let receipt = try text("receiptNumber", "the receipt number")
        let pin = try text("pin", "the PIN given with the receipt")
        return try await answerLookup(request, receipt: receipt, pin: pin)
    }

    private func limitLookups(_ context: AppRequestContext) throws {
        if let wait = services.lookupLimiter.take(context.clientAddress) {
            var p = Problem(.tooManyRequests, "too many lookups from this address; try again in \(wait) s")
            p.headers[.retryAfter] = String(wait)
            throw p
        }
    }

    private func answerLookup(_ request: Request, receipt: String, pin: String) async throws -> Response {
        // Read-your-writes waits for the views: answered from them, not from memory.
        let key = request.uri.queryParameters["minPosition"] == nil ? LookupAnswerCache.Key(receiptNumber: receipt, pin: pin) : nil
        let found = try await services.lookupGuard.guarded(key?.receipt ?? ReceiptNumber.normalize(receipt) ?? receipt) {
            // Read before the views: a change after it only makes the next lookup read again.
            let stamp = services.engine.changeStamp()
            if let key, let kept = lookupCache.answer(key, stamp: stamp) { return kept }
            let credential = domain.lookupCredential(receiptNumber: receipt, pin: pin)
            let answer = try await services.views(request) { views in
                try domain.lookupAnswer(
                    try views.view(DocumentTrackingDomain.applicationsView),
                    processing: try views.view(DocumentTrackingDomain.processingView), credential: credential)
            }
            if let key, let answer { lookupCache.keep(answer, for: key, stamp: stamp) }
            return answer
        }
        guard let found else {
            throw Problem(.notFound, "no application matches this receipt number and PIN")
        }
        // The view stores the public record in the answer's own form (sorted keys), to which a
        // waiting application's estimated ready date is added; a personal record is never kept by
        // a cache.
        var response = JSONResponse.raw(found)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// `GET /v1/documents/applications/{receiptNumber}/applicant?purpose=`: the applicant's
    /// personal fields opened from the vault (`ApplicantRecord`; `[dihapus]` once forgotten), for
    /// officers. Each read of fields not erased appends `privacy.data-accessed` (purpose
    /// `application-review` unless given). 404 for an unknown receipt or one from before the vault.
    @Sendable func applicant(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.authenticatedCaller()
        let receipt = try context.path("receiptNumber")
        let purpose = request.query("purpose") ?? "application-review"
        guard (1...200).contains(purpose.utf8.count) else { throw Problem.field("purpose", "must be 1 to 200 bytes") }
        guard let vault = domain.vault,
            let sealed = try await services.views(
                request,
                { views in
                    try DocumentTrackingQueries.sealedApplicant(
                        try views.view(DocumentTrackingDomain.applicationsView), receiptNumber: receipt)
                }),
            let record = try DocumentTrackingQueries.open(sealed, receiptNumber: ReceiptNumber.normalize(receipt) ?? receipt, vault: vault)
        else {
            throw Problem(.notFound, "no sealed applicant is held for receipt number \(receipt.prefix(40))")
        }
        if !record.erased {
            try await PrivacyOffice(services).recordAccess(
                subject: record.subject, keyId: caller.keyId, actor: caller.actor, purpose: purpose)
        }
        var response = try JSONResponse.make(record)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// `POST /v1/documents/search` `{"nik"}`: the applications of the person with this
    /// NIK (found through the vault's blind index; the NIK travels in the body, never the URL), as
    /// their public records. Appends `privacy.data-accessed` (purpose `search`) when some are found.
    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.authenticatedCaller()
        let body = try await request.jsonBody(context: context)
        guard case .object(let members) = body, members.count == 1, case .string(let nik)? = body["nik"] else {
            throw Problem.field("nik", "send {\"nik\": \"<16 digits>\"} and nothing else")
        }
        guard nik.utf8.count == 16, nik.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw Problem.field("nik", "a NIK has 16 digits")
        }
        guard let subject = try domain.subject(nik: nik) else {
            return try JSONResponse.make(["applications": [PublicApplication]()])
        }
        let found = try await services.views(request) { views in
            let view = try views.view(DocumentTrackingDomain.applicationsView)
            return try DocumentTrackingQueries.receipts(view, subject: subject).compactMap {
                try DocumentTrackingQueries.application(view, receiptNumber: $0)
            }
        }
        if !found.isEmpty {
            try await PrivacyOffice(services).recordAccess(subject: subject, keyId: caller.keyId, actor: caller.actor, purpose: "search")
        }
        var response = try JSONResponse.make(["applications": found])
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// `GET /v1/documents/queue?office=`: the queue of an office by status (officers and auditors).
    @Sendable func queue(_ request: Request, context: AppRequestContext) async throws -> Response {
        let asOf = try request.queryTime("asOf") ?? .now()
        let limit = try request.queryLimit(default: 500, max: 5000)
        guard let office = request.query("office") else {
            let summary = try await services.views(request) { views in
                try DocumentTrackingQueries.queueSummary(try views.view(DocumentTrackingDomain.queueView))
            }
            return try JSONResponse.make(["offices": summary])
        }
        guard
            let queue = try await services.views(
                request,
                { views in
                    try domain.queue(try views.view(DocumentTrackingDomain.queueView), office: office, asOf: asOf, limit: limit)
                })
        else {
            throw Problem(.notFound, "no office \(office); offices: \(Office.all.map(\.id).joined(separator: ", "))")
        }
        return try JSONResponse.make(queue)
    }

    /// `GET /v1/documents/processing`: processing time per document type (public aggregates).
    @Sendable func processing(_ request: Request, context: AppRequestContext) async throws -> Response {
        let report = try await services.views(request) { views in
            try domain.processing(try views.view(DocumentTrackingDomain.processingView))
        }
        return try JSONResponse.make(report)
    }
}
