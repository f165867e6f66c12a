import EventLog
import Foundation
import Projections
import Testing

@testable import DocumentTracking

@Suite("Views and queries")
struct ProjectionTests {
    /// Six applications with known times (WITA); see each comment for what the views must say.
    func seeded() async throws -> (Harness, [String: (receipt: String, pin: String)]) {
        let h = try Harness()
        var apps: [String: (receipt: String, pin: String)] = [:]
        // A: kk, ready after exactly 4 days, then collected.
        apps["A"] = try await h.submit("kk", nik: "5271010101800001", at: "2018-08-06T09:00:00+08:00")
        // D: ktp-el, rejected the same day.
        apps["D"] = try await h.submit("ktp-el", nik: "5271010101800004", at: "2018-08-06T08:00:00+08:00")
        // B: kk, a revision, ready after exactly 10 days (over the 7-day SLA).
        apps["B"] = try await h.submit("kk", nik: "5271010101800002", at: "2018-08-06T10:00:00+08:00")
        // C: kk, ready after exactly 6 days.
        apps["C"] = try await h.submit("kk", nik: "5271010101800003", at: "2018-08-07T09:00:00+08:00")
        // E: ktp-el at Kecamatan Ampenan, still submitted.
        apps["E"] = try await h.submit("ktp-el", office: "kec-ampenan", nik: "5271010101800005", at: "2018-08-08T09:00:00+08:00")
        // F: akta-kelahiran, verified and waiting.
        apps["F"] = try await h.submit("akta-kelahiran", nik: "5271010101800006", at: "2018-08-09T09:00:00+08:00")
        let a = apps["A"]!.receipt
        let b = apps["B"]!.receipt
        let c = apps["C"]!.receipt
        try await h.change(a, to: "verified", at: "2018-08-07T09:00:00+08:00")
        try await h.change(a, to: "in-process", at: "2018-08-07T10:00:00+08:00")
        try await h.change(a, to: "signed", at: "2018-08-09T09:00:00+08:00")
        try await h.change(a, to: "ready", at: "2018-08-10T09:00:00+08:00")
        try await h.change(a, to: "collected", at: "2018-08-13T11:00:00+08:00")
        try await h.change(
            apps["D"]!.receipt, to: "rejected", at: "2018-08-06T12:00:00+08:00", reason: "Pemohon bukan penduduk Kota Mataram")
        try await h.change(b, to: "revision-requested", at: "2018-08-06T14:00:00+08:00", reason: "Fotokopi KK tidak terbaca")
        try await h.change(b, to: "submitted", at: "2018-08-08T09:00:00+08:00")
        try await h.change(b, to: "verified", at: "2018-08-08T11:00:00+08:00")
        try await h.change(b, to: "in-process", at: "2018-08-09T09:00:00+08:00")
        try await h.change(b, to: "signed", at: "2018-08-14T09:00:00+08:00")
        try await h.change(b, to: "ready", at: "2018-08-16T10:00:00+08:00")
        try await h.change(c, to: "verified", at: "2018-08-08T09:00:00+08:00")
        try await h.change(c, to: "in-process", at: "2018-08-08T10:00:00+08:00")
        try await h.change(c, to: "signed", at: "2018-08-10T09:00:00+08:00")
        try await h.change(c, to: "ready", at: "2018-08-13T09:00:00+08:00")
        try await h.change(apps["F"]!.receipt, to: "verified", at: "2018-08-10T09:00:00+08:00")
        try h.engine().catchUp()
        return (h, apps)
    }

    @Test func lookupWithTheRightPINShowsThePublicTimelineOnly() async throws {
        let (h, apps) = try await seeded()
        let b = apps["B"]!
        let found = try h.read(DocumentViews.applications) { try h.domain.lookup($0, receiptNumber: b.receipt, pin: b.pin) }
        let app = try #require(found)
        #expect(app.receiptNumber == b.receipt)
        #expect(app.status == .ready)
        #expect(app.documentType == .kk)
        #expect(app.office == "dukcapil-mataram" && app.officeName == "Dukcapil Kota Mataram")
        #expect(app.timeline.map(\.status) == [.submitted, .revisionRequested, .submitted, .verified, .inProcess, .signed, .ready])
        #expect(app.timeline[1].reason == "Fotokopi KK tidak terbaca")
        #expect(app.timeline[1].at == "2018-08-06T06:00:00.000Z")
        #expect(app.submittedAt == "2018-08-06T02:00:00.000Z")
        #expect(app.updatedAt == "2018-08-16T02:00:00.000Z")
        let json = String(decoding: try ViewCoding.encode(app), as: UTF8.self)
        for secret in ["officer", "petugas", "nikHash", "pinHash", "nik", "5271010101800002", b.pin] {
            #expect(!json.contains(secret), "public record contains \(secret)")
        }
    }

    @Test func lookupAcceptsWhatAResidentTypes() async throws {
        let (h, apps) = try await seeded()
        let a = apps["A"]!
        let typed = " " + a.receipt.lowercased().replacingOccurrences(of: "1", with: "l") + " "
        let found = try h.read(DocumentViews.applications) { try h.domain.lookup($0, receiptNumber: typed, pin: a.pin) }
        #expect(found?.status == .collected)
    }

    @Test func aWrongPINAndAnUnknownReceiptLookTheSame() async throws {
        let (h, apps) = try await seeded()
        let a = apps["A"]!
        let b = apps["B"]!
        let wrong = a.pin == "000000" ? "000001" : "000000"
        let attempts: [(String, String, Bool)] = [
            (a.receipt, wrong, false),
            ("MTR-ZZZZZZZZZZ", a.pin, false),
            ("bukan resi", a.pin, false),
            (a.receipt, "", false),
            (a.receipt, a.pin + "0", false),
            (a.receipt, String(a.pin.dropLast()), false),
            (b.receipt, a.pin, a.pin == b.pin),
            (a.receipt, a.pin, true),
        ]
        for (receipt, pin, expected) in attempts {
            let found = try h.read(DocumentViews.applications) { try h.domain.lookup($0, receiptNumber: receipt, pin: pin) }
            #expect((found != nil) == expected, "\(receipt) \(pin)")
        }
        // Another secret (another server) cannot read it either.
        let elsewhere = try h.read(DocumentViews.applications) {
            try DocumentTrackingQueries.lookup($0, receiptNumber: a.receipt, pin: a.pin, secret: DocumentSecrets.newSecret())
        }
        #expect(elsewhere == nil)
    }

    @Test func theQueueOfAnOfficeCountsAndListsOldestFirst() async throws {
        let (h, apps) = try await seeded()
        let asOf = ts("2018-08-20T09:00:00+08:00")
        let q = try #require(try h.read(DocumentViews.queue) { try h.domain.queue($0, office: "dukcapil-mataram", asOf: asOf) })
        let counts = Dictionary(uniqueKeysWithValues: q.statuses.map { ($0.status, $0.count) })
        #expect(
            counts == [
                .submitted: 0, .verified: 1, .revisionRequested: 0, .rejected: 1, .inProcess: 0, .signed: 0, .ready: 2, .collected: 1,
            ])
        #expect(q.open == 3)
        #expect(q.officeName == "Dukcapil Kota Mataram")
        let ready = try #require(q.statuses.first { $0.status == .ready })
        #expect(ready.applications.map(\.receiptNumber) == [apps["B"]!.receipt, apps["C"]!.receipt])
        #expect(ready.applications.map(\.ageDays) == [13, 13])
        #expect(ready.applications.map(\.overSLA) == [true, false])
        #expect(ready.applications.map(\.daysInStatus) == [3, 7])
        #expect(!ready.truncated)
        let verified = try #require(q.statuses.first { $0.status == .verified })
        #expect(verified.applications.map(\.receiptNumber) == [apps["F"]!.receipt])
        #expect(verified.applications.first?.ageDays == 11)
        #expect(verified.applications.first?.overSLA == true)  // akta-kelahiran: 7 days
        #expect(q.statuses.first { $0.status == .collected }?.applications.isEmpty == true)

        let limited = try #require(
            try h.read(DocumentViews.queue) { try h.domain.queue($0, office: "dukcapil-mataram", asOf: asOf, limit: 1) })
        #expect(limited.statuses.first { $0.status == .ready }?.applications.count == 1)
        #expect(limited.statuses.first { $0.status == .ready }?.truncated == true)

        let ampenan = try #require(try h.read(DocumentViews.queue) { try h.domain.queue($0, office: "kec-ampenan", asOf: asOf) })
        #expect(ampenan.open == 1)
        #expect(ampenan.statuses.first { $0.status == .submitted }?.applications.first?.ageDays == 12)
        #expect(ampenan.statuses.first { $0.status == .submitted }?.applications.first?.overSLA == false)  // ktp-el: 14 days
        #expect(try h.read(DocumentViews.queue) { try h.domain.queue($0, office: "kantor-bupati", asOf: asOf) } == nil)
    }

    @Test func theQueueSummaryCoversEveryOffice() async throws {
        let (h, _) = try await seeded()
        let summary = try h.read(DocumentViews.queue) { try DocumentTrackingQueries.queueSummary($0) }
        #expect(summary.map(\.office) == Office.all.map(\.id))
        #expect(summary[0].counts == ["verified": 1, "rejected": 1, "ready": 2, "collected": 1])
        #expect(summary[0].open == 3)
        #expect(summary.first { $0.office == "kec-ampenan" }?.counts == ["submitted": 1])
        #expect(summary.first { $0.office == "kec-sandubaya" }?.counts == [:])
    }

    @Test func processingTimesPerTypeWithMedianP90AndSLA() async throws {
        let (h, _) = try await seeded()
        let report = try h.read(DocumentViews.processing) { try h.domain.processing($0) }
        #expect(report.types.map(\.documentType) == DocumentType.allCases)
        let kk = try #require(report.types.first { $0.documentType == .kk })
        #expect(kk.count == 3)
        #expect(kk.medianDays == 6)
        #expect(kk.p90Days == 10)
        #expect(kk.slaDays == 7)
        #expect(kk.overSLA == 1)
        #expect(kk.overSLAShare == 0.3333)
        let ktp = try #require(report.types.first { $0.documentType == .ktpEl })
        #expect(ktp.count == 0 && ktp.medianDays == nil && ktp.overSLA == 0)
        // Another target, no rebuild: with 5 days for KK, two of three are over.
        let strict = try h.read(DocumentViews.processing) {
            try DocumentTrackingQueries.processing($0, documentType: .kk, sla: SLATable(days: [.kk: 5]))
        }
        #expect(strict.overSLA == 2 && strict.slaDays == 5)
        let none = try h.read(DocumentViews.processing) {
            try DocumentTrackingQueries.processing($0, documentType: .kk, sla: SLATable(days: [:]))
        }
        #expect(none.overSLA == 0 && none.slaDays == nil)
    }

    @Test func medianOfAnEvenCountAveragesAndFractionsKeepTwoDecimals() async throws {
        let h = try Harness()
        // Two surat-pindah: 1 day 6 hours (1.25) and 2 days 2 hours (2.0833...).
        for (nik, start, ready) in [
            ("5271060101900001", "2018-09-03T08:00:00+08:00", "2018-09-04T14:00:00+08:00"),
            ("5271060101900002", "2018-09-03T08:00:00+08:00", "2018-09-05T10:00:00+08:00"),
        ] {
            let app = try await h.submit("surat-pindah", office: "kec-sandubaya", nik: nik, at: start)
            for to in ["verified", "in-process", "signed"] { try await h.change(app.receipt, to: to, at: start) }
            try await h.change(app.receipt, to: "ready", at: ready)
        }
        try h.engine().catchUp()
        let s = try h.read(DocumentViews.processing) { try DocumentTrackingQueries.processing($0, documentType: .suratPindah) }
        #expect(s.count == 2)
        #expect(s.medianDays == 1.67)  // (1.25 + 2.0833) / 2 = 1.6667
        #expect(s.p90Days == 2.08)
        #expect(s.overSLA == 0)
    }

    @Test func projectorsNameTheirViewsAndDatabases() {
        let domain = DocumentTrackingDomain(secret: testSecret)
        #expect(
            domain.projectors.map(\.name) == [
                "documents.applications", "documents.queue", "documents.processing", "documents.notifications",
            ])
        #expect(
            domain.projectors.map(\.databases) == [
                ["applications", "pins", "applicants", "subjects"], ["counts", "items", "current"],
                ["open", "durations", "recent", "clock"], ["channels", "deliveries", "pending"],
            ])
        // Queue is at 2 since its keys are made by `ViewKey`; applications since they keep the
        // sealed applicant, 3 since it folds `privacy.legacy-subject-linked`; processing at 3 since
        // it keeps the latest completions per office for the ready-date estimate.
        #expect(domain.projectors.map(\.version) == [3, 2, 3, 1])
        #expect(domain.projectors.allSatisfy { $0.eventTypes.map { DocumentEvents.lifecycle.isSubset(of: $0) } ?? false })
        #expect(DocumentTrackingDomain.viewNames == domain.projectors.map(\.name))
    }
}
