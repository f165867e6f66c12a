import DomainKit
import EventLog
import Testing

@testable import DocumentTracking

@Suite("Notifications: addresses, messages, back-off, outbox, webhook signature")
struct NotificationTests {
    @Test func emailAddresses() {
        for good in ["warga@example.id", "sri.wahyuni+resi@mail.mataramkota.go.id", "a@b.co"] {
            #expect(NotificationContact.isEmail(good), "\(good)")
        }
        for bad in ["", "warga", "warga@", "@example.id", "warga@example", "wa rga@example.id", "a@@b.co", "a@-b.co", ".a@b.co", "a@b..co"]
        {
            #expect(!NotificationContact.isEmail(bad), "\(bad)")
        }
    }

    @Test func indonesianMobileNumbers() {
        #expect(NotificationContact.indonesianMobile("0812-3456-7890") == "+6281234567890")
        #expect(NotificationContact.indonesianMobile("+62 812 3456 7890") == "+6281234567890")
        #expect(NotificationContact.indonesianMobile("6281234567") == "+6281234567")
        for bad in ["", "0370 123456", "+1 812 3456 7890", "08123", "0812345678901234", "0812x4567890", "08+1234567890"] {
            #expect(NotificationContact.indonesianMobile(bad) == nil, "\(bad)")
        }
    }

    /// The field a refusal names, or nil when nothing was refused.
    func refusedField(_ notify: [String]?, email: String?, phone: String?) -> String? {
        do {
            _ = try NotificationContact.channels(notify: notify, email: email, phone: phone)
            return nil
        } catch {
            #expect(error.code == .invalidInput)
            return error.field
        }
    }

    @Test func channelChoice() throws {
        #expect(try NotificationContact.channels(notify: nil, email: "a@b.co", phone: "081234567890") == [.email, .sms])
        #expect(try NotificationContact.channels(notify: nil, email: nil, phone: "081234567890") == [.sms])
        #expect(try NotificationContact.channels(notify: nil, email: nil, phone: nil) == [])
        #expect(try NotificationContact.channels(notify: ["sms", "sms"], email: "a@b.co", phone: "081234567890") == [.sms])
        #expect(try NotificationContact.channels(notify: [], email: "a@b.co", phone: nil) == [])
        #expect(refusedField(nil, email: "bukan-alamat", phone: nil) == "applicant.email")
        #expect(refusedField(nil, email: nil, phone: "12345") == "applicant.phone")
        #expect(refusedField(["email"], email: nil, phone: "081234567890") == "applicant.email")
        #expect(refusedField(["sms"], email: "a@b.co", phone: nil) == "applicant.phone")
        #expect(refusedField(["email", "fax"], email: "a@b.co", phone: nil) == "applicant.notify[1]")
    }

    @Test func messageInBahasaIndonesia() throws {
        let from = try #require(CivilDate(year: 2018, month: 8, day: 14))
        let to = try #require(CivilDate(year: 2018, month: 8, day: 17))
        let m = NotificationMessage(
            receiptNumber: "MTR-7GQ2K9XW4D", status: .revisionRequested, reasonLabel: "Dokumen pendukung kurang",
            ready: (from, to))
        #expect(m.subject == "Resi MTR-7GQ2K9XW4D: Perlu perbaikan berkas")
        #expect(m.body.contains("nomor resi MTR-7GQ2K9XW4D sekarang: Perlu perbaikan berkas."))
        #expect(m.body.contains("Alasan: Dokumen pendukung kurang."))
        #expect(m.body.contains("Perkiraan siap: 14 Agustus 2018 - 17 Agustus 2018."))
        let plain = NotificationMessage(receiptNumber: "MTR-7GQ2K9XW4D", status: .ready, reasonLabel: nil, ready: (to, to))
        #expect(!plain.body.contains("Alasan"))
        #expect(plain.body.contains("Perkiraan siap: 17 Agustus 2018."))
    }

    @Test func backoffGrowsToItsCapThenDies() {
        let b = NotificationBackoff.standard
        #expect((1...7).map { b.delay(afterFailures: $0) } == [30_000, 120_000, 480_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000])
        let now = Timestamp(millisecondsSince1970: 1_000)
        #expect(b.nextAttempt(afterFailures: 1, at: now) == Timestamp(millisecondsSince1970: 31_000))
        #expect(b.nextAttempt(afterFailures: 7, at: now) != nil)
        #expect(b.nextAttempt(afterFailures: 8, at: now) == nil)
    }

    @Test func outboxRetriesDeliversOnceAndDeadLetters() {
        var outbox = NotificationOutbox(backoff: NotificationBackoff(base: 10, factor: 2, cap: 40, maxAttempts: 3))
        let t0 = Timestamp(millisecondsSince1970: 0)
        func at(_ ms: Int64) -> Timestamp { Timestamp(millisecondsSince1970: ms) }
        outbox.due(eventID: "e1", receiptNumber: "MTR-7GQ2K9XW4D", channels: [.email, .sms], at: t0)
        outbox.due(eventID: "e1", receiptNumber: "MTR-7GQ2K9XW4D", channels: [.email], at: at(500))  // a replay
        #expect(outbox.dueAt(t0).map(\.key) == ["e1:email", "e1:sms"])

        // The webhook answers 500: tried again after the back-off, not before.
        #expect(outbox.attemptFailed("e1:sms", at: at(1), error: "http-500") == .pending)
        #expect(outbox.dueAt(at(10)).map(\.key) == ["e1:email"])
        #expect(outbox.dueAt(at(11)).map(\.key) == ["e1:email", "e1:sms"])

        // Acknowledged once: never due again, a late failure report changes nothing.
        outbox.delivered("e1:email")
        #expect(outbox.attemptFailed("e1:email", at: at(12), error: "timeout") == .delivered)
        outbox.retryRequested("e1:email", at: at(13))
        #expect(outbox.dueAt(at(1_000)).map(\.key) == ["e1:sms"])

        // Out of attempts: dead, visible, and sent again only when asked.
        #expect(outbox.attemptFailed("e1:sms", at: at(20), error: "timeout") == .pending)
        #expect(outbox.attemptFailed("e1:sms", at: at(60), error: "timeout") == .dead)
        #expect(outbox.dead.map(\.key) == ["e1:sms"])
        #expect(outbox.dead.first?.lastError == "timeout")
        #expect(outbox.dueAt(at(1_000_000)).isEmpty)
        outbox.retryRequested("e1:sms", at: at(2_000))
        #expect(outbox.dead.isEmpty)
        #expect(outbox.dueAt(at(2_000)).map(\.key) == ["e1:sms"])
        #expect(outbox.deliveries["e1:sms"]?.failures == 0)
    }

    @Test func webhookSignature() {
        let body = Array(#"{"resi":"MTR-7GQ2K9XW4D"}"#.utf8)
        let secret = Array("rahasia".utf8)
        let header = WebhookSignature.sign(body: body, timestamp: "1533888000", secret: secret)
        // HMAC-SHA256 as Python's hmac module computes it.
        #expect(header == "sha256=f55cad0d1b4cccd49c918c56affeafd56a68529d51b188be20d8a7ece6efac22")
        #expect(WebhookSignature.verify(header: header, body: body, timestamp: "1533888000", secret: secret))
        #expect(!WebhookSignature.verify(header: header, body: body + [0x20], timestamp: "1533888000", secret: secret))
        #expect(!WebhookSignature.verify(header: header, body: body, timestamp: "1533888001", secret: secret))
        #expect(!WebhookSignature.verify(header: header, body: body, timestamp: "1533888000", secret: Array("lain".utf8)))
    }
}
