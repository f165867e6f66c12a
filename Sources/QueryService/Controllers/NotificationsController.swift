import DocumentTracking
import DomainKit
import EventLog
import Foundation
import Hummingbird
import JSON
import LumbungCore
import Projections

/// The cek resi notifications' outbox (`documents.notifications`): what was sent, what waits,
/// what is dead-lettered, and a retry of a dead one. For officers (a key scoped to offices sees and
/// retries their applications' only), auditors and admin.
struct NotificationsController {
    let services: LumbungServices
    var domain: DocumentTrackingDomain { services.domains.documents }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.group().add(middleware: RequireRole(anyOf: [.documentsWriter, .auditor]))
            .get("/v1/notifications", use: list)
        router.group().add(middleware: RequireRole(.documentsWriter))
            .post("/v1/notifications/{delivery}/retry", use: retry)
    }

    /// `GET /v1/notifications?state=pending|delivered|dead&receiptNumber=&limit=`:
    /// `{"notifications": [NotificationDelivery]}`, by delivery key.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.authenticatedCaller()
        let state = try request.query("state").map { text in
            guard let s = NotificationDelivery.State(rawValue: text) else {
                throw Problem.field("state", "must be pending, delivered or dead")
            }
            return s
        }
        let receipt = try request.query("receiptNumber").map { text in
            guard let r = ReceiptNumber.normalize(text) else { throw Problem.field("receiptNumber", "is not a receipt number") }
            return r
        }
        let limit = try request.queryLimit(default: 500, max: 5000)
        let found = try await services.views(request) { views in
            let all = try DocumentTrackingQueries.notifications(
                try views.view(DocumentViews.notifications), state: state, receiptNumber: receipt,
                limit: caller.scope == nil ? limit : 100_000)
            guard let scope = caller.scope else { return all }
            let applications = try views.view(DocumentViews.applications)
            var offices: [String: Bool] = [:]
            return try Array(
                all.filter { d in
                    if let known = offices[d.receiptNumber] { return known }
                    let inScope =
                        try DocumentTrackingQueries.application(applications, receiptNumber: d.receiptNumber)
                        .map { scope.contains($0.office) } ?? false
                    offices[d.receiptNumber] = inScope
                    return inScope
                }.prefix(limit))
        }
        return try JSONResponse.make(["notifications": found])
    }

    /// `POST /v1/notifications/{delivery}/retry`: a dead-lettered delivery is pending again, with
    /// a fresh budget of attempts (`documents.notification-retry-requested`). 404 for an unknown
    /// delivery, 409 for one that is not dead (pending, or delivered: never sent twice).
    @Sendable func retry(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.authenticatedCaller()
        let key = try context.path("delivery")
        guard NotificationDelivery.parse(key) != nil else {
            throw Problem.field("delivery", "must be <event id>:email or <event id>:sms")
        }
        // No body, or an empty object: the path says everything.
        if let length = request.headers[.contentLength].flatMap(Int.init), length > 0 {
            let body = try await request.jsonBody(context: context, limit: 4096)
            guard case .object(let members) = body else { throw Problem.field("body", "must be a JSON object") }
            if let member = members.first { throw Problem.field(member.key, "is not a member of a retry (send {} or nothing)") }
        }
        guard
            let delivery = try services.engine.read({ snapshot in
                try DocumentTrackingQueries.notification(try snapshot.view(DocumentViews.notifications), key: key)
            })
        else {
            throw Problem(.notFound, "no notification \(key)")
        }
        guard delivery.state == .dead else {
            throw Problem(
                .conflict,
                "notification \(key) is \(delivery.state.rawValue): only a dead-lettered one is sent again"
                    + (delivery.state == .delivered ? " (a delivered one never is)" : ""))
        }
        let event = NotificationRecorded(
            receiptNumber: delivery.receiptNumber, delivery: key, channel: delivery.channel, at: .now(), requestedBy: caller.actor)
        return try await services.run(caller: caller) {
            CommandOutcome(events: [try domain.notificationEvent(.retryRequested, event)], ids: ["delivery": key], secrets: [:])
        }
    }
}
