import DocumentTracking
import EventLog
import Foundation
import JSON
import Logging
import LumbungCore
import NotificationChannels
import PersonalData
import Testing

@Suite("The 2018 scenario's notifications, and the worker on a seeded log")
struct SeededNotificationsTests {
    @Test(
        "seeded with a vault: notified applicants' contacts are sealed, every notification is delivered (some after a 503), so a worker sends nothing from 2018; a new one to an unreachable server fails and waits its back-off"
    )
    func seededOutboxIsDeliveredAndTheWorkerRetries() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lumbung-notify-seed-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let services = try LumbungServices(dataDirectory: dir)
        defer { services.close() }
        _ = try ScenarioSeeder.seed(services, events: 12_000)
        try services.start()

        let all = try services.engine.read {
            try DocumentTrackingQueries.notifications(try $0.view(DocumentViews.notifications), limit: .max)
        }
        #expect(all.count > 100, "\(all.count)")
        // Delivered in 2018, but for the events written last before the seed's cut at 12,000 (their
        // outcomes fell after it).
        let undelivered = all.filter { $0.state != .delivered }
        #expect(undelivered.count <= 4 && undelivered.allSatisfy { $0.state == .pending }, "\(undelivered)")
        let sms = all.filter { $0.channel == .sms }
        #expect(!sms.isEmpty && sms.contains { $0.lastError == "http-503" && $0.failures == 1 })
        #expect(Set(all.map(\.status)).isSuperset(of: [.submitted, .verified, .ready]))

        // A notified applicant's address opens from the vault; the log holds it sealed only.
        let first = try #require(all.first { $0.channel == .email })
        let applicant = try #require(
            try services.engine.read {
                try DocumentTrackingQueries.sealedApplicant(try $0.view(DocumentViews.applications), receiptNumber: first.receiptNumber)
            })
        let email = try #require(applicant.email)
        guard case .value(let address) = try services.vault.open(email, field: "applicant.email") else {
            Issue.record("the address does not open")
            return
        }
        #expect(address.hasPrefix("pemohon") && address.hasSuffix("@example.org"))

        // Nothing from 2018 is sent: a worker configured now dead-letters what was left as stale
        // (without trying: the server is unreachable, which would record `connect`).
        let unreachable = NotificationSenders(
            smtp: SMTPClient(host: "127.0.0.1", port: 1, from: "cek-resi@mataramkota.go.id", timeout: .seconds(2)),
            webhook: WebhookClient(url: "http://127.0.0.1:1/kirim", secret: Array("rahasia-gerbang-sms".utf8)))
        let worker = NotificationWorker(services: services, senders: unreachable, logger: Logger(label: "test"))
        #expect(try await worker.deliverDue(now: .now()) == undelivered.count)
        let afterwards = try services.engine.read {
            try DocumentTrackingQueries.notifications(try $0.view(DocumentViews.notifications), state: .dead, limit: .max)
        }
        #expect(afterwards.map(\.key).sorted() == undelivered.map(\.key).sorted())
        #expect(afterwards.allSatisfy { $0.lastError == "stale" })
        #expect(try await worker.deliverDue(now: .now()) == 0)

        // A new application choosing e-mail: the server cannot be reached, so it fails, is
        // recorded (attempt 1, `connect`), and waits 30 s before the next attempt.
        let domain = services.domains.documents
        let command = try domain.parse(
            DocumentTrackingCommand.submitApplicationName,
            body: try JSONParser.parse(
                #"{"documentType":"kk","office":"dukcapil-mataram","channel":"online","applicant":{"nik":"5271010101900077","email":"warga@example.id","notify":["email"]}}"#
            ))
        let decision = try services.rules.withCurrentState(services.store) { try domain.decide(command, now: .now()) }
        _ = try await services.write(decision.events, actor: "test")
        let receipt = try #require(decision.ids["receiptNumber"])
        let attempted = Timestamp.now()
        #expect(try await worker.deliverDue(now: attempted) == 1)
        let recorded = Timestamp.now()
        let pending = try services.engine.read {
            try DocumentTrackingQueries.notifications(try $0.view(DocumentViews.notifications), receiptNumber: receipt)
        }
        #expect(pending.count == 1)
        #expect(pending.first?.state == .pending && pending.first?.failures == 1 && pending.first?.lastError == "connect")
        let next = try #require(pending.first?.nextAttemptAt.flatMap(Timestamp.init))
        // 30 s after the failed attempt, which lies between `attempted` and `recorded` (a loaded
        // machine may take seconds between them, so the bounds are not taken from the clock now).
        #expect(next.millisecondsSince1970 >= attempted.millisecondsSince1970 + 30_000)
        #expect(next.millisecondsSince1970 <= recorded.millisecondsSince1970 + 30_000)
        let justBefore = Timestamp(millisecondsSince1970: next.millisecondsSince1970 - 1)
        #expect(try await worker.deliverDue(now: justBefore) == 0, "not before its back-off")
    }
}
