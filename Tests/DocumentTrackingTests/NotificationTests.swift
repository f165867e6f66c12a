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
        #expect(NotificationContact.indonesianMobile("62812345678") == "+62812345678")
        for bad in ["", "0370 123456", "+1 812 3456 7890", "08123", "0812345678901234", "0812x4567890", "08+1234567890"] {
            #expect(NotificationContact.indonesianMobile(bad) == nil, "\(bad)")
        }
    }

    /// The field a refusal names, or nil when nothing was refused.
    func refusedField(_ notify: [NotificationChannel], email: String?, phone: String?) -> String? {
        do {
            try NotificationContact.check(notify: notify, email: email, phone: phone)
            return nil
        } catch {
            #expect(error.code == .invalidInput)
            #expect(!error.message.contains("bukan-alamat") && !error.message.contains("12345"), "the contact is never repeated")
            return error.field
        }
    }

    @Test func channelChoice() throws {
        #expect(refusedField([.email, .sms], email: "a@b.co", phone: "081234567890") == nil)
        #expect(refusedField([], email: nil, phone: nil) == nil)
        // A landline is a phone number, but no SMS reaches it: refused only when SMS is chosen.
        #expect(refusedField([.email], email: "a@b.co", phone: "0370 123456") == nil)
        #expect(refusedField([.sms], email: nil, phone: "0370 123456") == "applicant.phone")
        #expect(refusedField([.email], email: "bukan-alamat", phone: nil) == "applicant.email")
        #expect(refusedField([.sms], email: nil, phone: "12345") == "applicant.phone")
        #expect(refusedField([.email], email: nil, phone: "081234567890") == "applicant.email")
        #expect(refusedField([.sms], email: "a@b.co", phone: nil) == "applicant.phone")
        #expect(refusedField([.sms, .sms], email: nil, phone: "081234567890") == "applicant.notify[1]")
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

    @Test func aDeliveryRetriesIsDeliveredOnceAndDeadLetters() throws {
        func at(_ ms: Int64) -> Timestamp { Timestamp(millisecondsSince1970: 1_533_888_000_000 + ms) }
        let id = "0190f3a2-0000-7000-8000-000000000001"
        var d = NotificationDelivery(
            eventId: id, receiptNumber: "MTR-7GQ2K9XW4D", channel: .sms, status: .revisionRequested, reasonCode: .missingAttachment,
            at: at(0))
        #expect(d.key == "\(id):sms")
        #expect(NotificationDelivery.parse(d.key)?.channel == .sms)
        #expect(NotificationDelivery.parse("not-an-id:sms") == nil && NotificationDelivery.parse("\(id):fax") == nil)
        #expect(d.isDue(at: at(0)))
        // Told of something weeks old (a long outage, a seeded log): stale, dead-lettered unsent.
        let old = NotificationDelivery(
            eventId: id, receiptNumber: "MTR-7GQ2K9XW4D", channel: .email, status: .ready, reasonCode: nil, at: at(30 * 86_400_000),
            occurredAt: at(0))
        #expect(old.isStale(at: at(30 * 86_400_000), maxAge: 7 * 86_400_000))
        #expect(!old.isStale(at: at(6 * 86_400_000), maxAge: 7 * 86_400_000))
        func fact(_ ms: Int64, attempt: Int? = nil, error: String? = nil, next: Int64? = nil) -> NotificationRecorded {
            NotificationRecorded(
                receiptNumber: "MTR-7GQ2K9XW4D", delivery: d.key, channel: .sms, at: at(ms), attempt: attempt, error: error,
                nextAttemptAt: next.map(at))
        }
        // The gateway answers 500: due again at the back-off's time, not before.
        d.record(.failed, fact(1, attempt: 1, error: "http-500", next: 31))
        #expect(d.state == .pending && d.failures == 1 && d.lastError == "http-500")
        #expect(!d.isDue(at: at(30)) && d.isDue(at: at(31)))
        // Out of attempts: dead, sent again only on request, with a fresh budget.
        d.record(.failed, fact(40, attempt: 2, error: "timeout"))
        #expect(d.state == .dead && !d.isDue(at: at(1_000_000)))
        d.record(.retryRequested, fact(2_000))
        #expect(d.state == .pending && d.failures == 0 && d.isDue(at: at(2_000)))
        // Acknowledged: final; a late failure or a retry changes nothing.
        d.record(.delivered, fact(2_001))
        d.record(.failed, fact(2_002, attempt: 1, error: "timeout", next: 3_000))
        d.record(.retryRequested, fact(2_003))
        #expect(d.state == .delivered && !d.isDue(at: at(9_999_999)))
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
