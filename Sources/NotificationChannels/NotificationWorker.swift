public import DocumentTracking
import DomainKit
public import EventLog
import Foundation
public import Logging
public import LumbungCore
import PersonalData
import Projections
public import ServiceLifecycle

/// Where the notifications go: e-mail over SMTP, SMS/WhatsApp through the gateway's webhook.
/// A channel without its sender stays pending (nothing is lost; it goes once one is configured).
public struct NotificationSenders: Sendable {
    public var smtp: SMTPClient?
    public var webhook: WebhookClient?
    public var backoff: NotificationBackoff
    /// How often the outbox is looked at.
    public var interval: Duration
    /// A delivery telling of something older than this (milliseconds) is dead-lettered as
    /// `stale` instead of sent: after a long outage, or on a log seeded with old events.
    public var maxAge: Int64

    public init(
        smtp: SMTPClient?, webhook: WebhookClient?, backoff: NotificationBackoff = .standard, interval: Duration = .seconds(1),
        maxAge: Int64 = 7 * 86_400_000
    ) {
        (self.smtp, self.webhook, self.backoff, self.interval, self.maxAge) = (smtp, webhook, backoff, interval, maxAge)
    }
}

/// The delivery worker of `serve` on a primary: every `interval` it reads the due deliveries of
/// `documents.notifications`, opens each applicant's address from the vault, sends the message,
/// and records the outcome as an event on the application's stream (`NotificationRecorded`), so
/// the outbox is a fold of the log: a delivery acknowledged (2xx, SMTP 250) is recorded before the
/// next look and never sent again; a failure is retried by `NotificationBackoff`, then
/// dead-lettered. Deliveries are sent one at a time, oldest first.
///
/// At least once: a crash between a receiver's acknowledgement and the record sends that one
/// message again, with the same idempotency key (`Idempotency-Key`, `Message-ID`).
public struct NotificationWorker: Service {
    let services: LumbungServices
    let started: LumbungService?
    let senders: NotificationSenders
    let logger: Logger

    public init(services: LumbungServices, startedBy started: LumbungService? = nil, senders: NotificationSenders, logger: Logger) {
        (self.services, self.started, self.senders, self.logger) = (services, started, senders, logger)
    }

    public func run() async throws {
        if let started {
            guard (try? await cancelWhenGracefulShutdown({ try await started.waitUntilStarted() })) != nil else { return }
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                _ = try await deliverDue(now: Timestamp.now())
            } catch {
                logger.error("notifications: \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: senders.interval) }
        }
    }

    /// Sends every delivery due at `now` whose channel has a sender; the number recorded.
    public func deliverDue(now: Timestamp) async throws -> Int {
        let due = try services.engine.read { snapshot in
            try DocumentTrackingQueries.pendingNotifications(try snapshot.view(DocumentViews.notifications))
        }.filter { $0.isDue(at: now) }
        var recorded = 0
        for delivery in due {
            if Task.isShuttingDownGracefully { break }
            switch delivery.channel {
            case .email where senders.smtp == nil, .sms where senders.webhook == nil: continue
            default: break
            }
            let outcome = delivery.isStale(at: now, maxAge: senders.maxAge) ? .failure("stale", permanent: true) : await attempt(delivery)
            let at = Timestamp.now()
            var e = NotificationRecorded(receiptNumber: delivery.receiptNumber, delivery: delivery.key, channel: delivery.channel, at: at)
            let kind: NotificationRecorded.Outcome
            switch outcome {
            case .success:
                kind = .delivered
            case .failure(let failure, let permanent):
                kind = .failed
                e.attempt = delivery.failures + 1
                e.error = failure
                e.nextAttemptAt = permanent ? nil : senders.backoff.nextAttempt(afterFailures: delivery.failures + 1, at: at)
                logger.warning(
                    "notifications: \(delivery.key) failed (\(failure)), attempt \(delivery.failures + 1)\(e.nextAttemptAt.map { "; next at \($0)" } ?? "; dead-lettered")"
                )
            }
            _ = try await services.write([try services.domains.documents.notificationEvent(kind, e)], actor: "system:notifications")
            recorded += 1
        }
        return recorded
    }

    enum Outcome {
        case success
        case failure(String, permanent: Bool)
    }

    func attempt(_ d: NotificationDelivery) async -> Outcome {
        let opened: (contact: String, message: NotificationMessage)
        do {
            guard let found = try contactAndMessage(d) else { return .failure("erased", permanent: true) }
            opened = found
        } catch {
            logger.error("notifications: cannot open the contact of \(d.key): \(error)")
            return .failure("vault", permanent: false)
        }
        do {
            switch d.channel {
            case .email:
                try await senders.smtp!.send(to: opened.contact, message: opened.message, idempotencyKey: d.key)
            case .sms:
                try await senders.webhook!.send(
                    to: opened.contact, message: opened.message, receiptNumber: d.receiptNumber, idempotencyKey: d.key)
            }
            return .success
        } catch let error as SMTPError {
            // 5xx: the server will not take it however often it is asked (a mailbox that does not exist).
            return .failure("smtp-\(error.code)", permanent: (500..<600).contains(error.code) && error.command != "connect")
        } catch let error as WebhookError {
            return .failure(error.failure, permanent: false)
        } catch {
            return .failure("connect", permanent: false)
        }
    }

    /// The applicant's address for the delivery's channel, opened from the vault, and the message;
    /// nil when the applicant was erased or gave no such address.
    func contactAndMessage(_ d: NotificationDelivery) throws -> (contact: String, message: NotificationMessage)? {
        let domain = services.domains.documents
        return try services.engine.read { snapshot -> (contact: String, message: NotificationMessage)? in
            let applications = try snapshot.view(DocumentViews.applications)
            guard let applicant = try DocumentTrackingQueries.sealedApplicant(applications, receiptNumber: d.receiptNumber),
                let sealed = d.channel == .email ? applicant.email : applicant.phone
            else { return nil }
            let field = d.channel == .email ? "applicant.email" : "applicant.phone"
            guard case .value(let text) = try services.vault.open(sealed, field: field) else { return nil }
            let contact = d.channel == .sms ? (NotificationContact.indonesianMobile(text) ?? text) : text
            var ready: (CivilDate, CivilDate)?
            if !d.status.isFinal, d.status != .ready,
                let app = try DocumentTrackingQueries.application(applications, receiptNumber: d.receiptNumber),
                let estimate = try domain.estimate(try snapshot.view(DocumentViews.processing), application: app)
            {
                ready = (estimate.earliest, estimate.latest)
            }
            let message = NotificationMessage(
                receiptNumber: d.receiptNumber, status: d.status, reasonLabel: d.reasonCode?.label, ready: ready)
            return (contact, message)
        }
    }
}
