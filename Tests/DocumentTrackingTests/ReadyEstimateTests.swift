import DomainKit
import EventLog
import Foundation
import JSON
import Projections
import Testing

@testable import DocumentTracking

@Suite("Estimated ready dates")
struct ReadyEstimateTests {
    /// The estimate of `receipt` as the lookup would give it.
    func estimate(_ h: Harness, _ receipt: String) throws -> ReadyEstimate? {
        try h.engine().catchUp()
        return try h.engine().read { snapshot in
            let app = try #require(
                try DocumentTrackingQueries.application(try snapshot.view(DocumentViews.applications), receiptNumber: receipt))
            return try h.domain.estimate(try snapshot.view(DocumentViews.processing), application: app)
        }
    }

    /// Completes a `type` application at `office` submitted at `from`, ready `days` later.
    func complete(_ h: Harness, _ type: String, office: String, nik: String, from: String, days: Int) async throws {
        let (receipt, _) = try await h.submit(type, office: office, nik: nik, at: from)
        let start = ts(from)
        func at(_ hours: Int64) -> String { Timestamp(millisecondsSince1970: start.millisecondsSince1970 + hours * 3_600_000).description }
        try await h.change(receipt, to: "verified", at: at(1))
        try await h.change(receipt, to: "in-process", at: at(2))
        try await h.change(receipt, to: "signed", at: at(Int64(days) * 24 - 1))
        try await h.change(receipt, to: "ready", at: at(Int64(days) * 24))
    }

    @Test("from the city's completions while the office has few: the median and p90 of what remains, with the SLA")
    func cityBasis() async throws {
        let h = try Harness()
        try await complete(h, "kk", office: "dukcapil-mataram", nik: "5271010101800001", from: "2018-08-01T09:00:00+08:00", days: 4)
        try await complete(h, "kk", office: "dukcapil-mataram", nik: "5271010101800002", from: "2018-08-02T09:00:00+08:00", days: 6)
        try await complete(h, "kk", office: "kec-ampenan", nik: "5271010101800003", from: "2018-08-03T09:00:00+08:00", days: 10)
        let (fresh, _) = try await h.submit("kk", office: "dukcapil-mataram", nik: "5271010101800004", at: "2018-08-16T09:00:00+08:00")
        let e = try #require(try estimate(h, fresh))
        #expect(e.basis == .city && e.sampleSize == 3)
        // Waited nothing yet: median 6 days, p90 (rank 3 of 3) 10 days.
        #expect(e.earliest.description == "2018-08-22" && e.latest.description == "2018-08-26")
        #expect(e.slaDays == 7 && e.slaDue?.description == "2018-08-23" && !e.overdue)
    }

    @Test("from the office's own latest completions once it has 5, conditional on the time waited")
    func officeBasis() async throws {
        let h = try Harness()
        for (i, days) in [2, 3, 4, 5, 8].enumerated() {
            try await complete(
                h, "ktp-el", office: "kec-ampenan", nik: "527101010180001\(i)", from: "2018-08-0\(i + 1)T09:00:00+08:00", days: days)
        }
        // Another office's much slower completions do not count.
        try await complete(h, "ktp-el", office: "dukcapil-mataram", nik: "5271010101800020", from: "2018-08-01T09:00:00+08:00", days: 30)
        let (waiting, _) = try await h.submit("ktp-el", office: "kec-ampenan", nik: "5271010101800030", at: "2018-08-30T09:00:00+08:00")
        var e = try #require(try estimate(h, waiting))
        #expect(e.basis == .office && e.sampleSize == 5)
        #expect(e.earliest.description == "2018-09-03" && e.latest.description == "2018-09-07")  // 4 and 8 days
        // 4.5 days later (another application's event moves the data's clock): only 5 and 8 remain.
        _ = try await h.submit("kk", office: "kec-ampenan", nik: "5271010101800031", at: "2018-09-03T21:00:00+08:00")
        e = try #require(try estimate(h, waiting))
        #expect(e.earliest.description == "2018-09-04" && e.latest.description == "2018-09-07" && !e.overdue)
        // Past every completion's time: overdue, "soon" is the present day.
        _ = try await h.submit("kk", office: "kec-ampenan", nik: "5271010101800032", at: "2018-09-10T09:00:00+08:00")
        e = try #require(try estimate(h, waiting))
        #expect(e.overdue && e.earliest.description == "2018-09-10" && e.latest == e.earliest)
    }

    @Test("no completion yet: the service target; none for an application that is no longer waiting")
    func slaAndFinished() async throws {
        let h = try Harness()
        let (waiting, _) = try await h.submit("surat-pindah", nik: "5271010101800001", at: "2018-08-06T09:00:00+08:00")
        let e = try #require(try estimate(h, waiting))
        #expect(e.basis == .sla && e.sampleSize == 0 && e.slaDays == 5)
        #expect(e.earliest.description == "2018-08-11" && e.latest == e.earliest && !e.overdue)
        try await h.change(waiting, to: "rejected", at: "2018-08-07T09:00:00+08:00", reason: "Berkas tidak lengkap")
        #expect(try estimate(h, waiting) == nil)
    }

    @Test("the lookup's answer carries the estimate, its members in sorted order")
    func lookupAnswer() async throws {
        let h = try Harness()
        let (receipt, pin) = try await h.submit("kk", nik: "5271010101800001", at: "2018-08-06T09:00:00+08:00")
        try h.engine().catchUp()
        let bytes = try h.engine().read { snapshot in
            try h.domain.lookupAnswer(
                try snapshot.view(DocumentViews.applications), processing: try snapshot.view(DocumentViews.processing),
                receiptNumber: receipt, pin: pin)
        }
        let answer = try #require(bytes)
        #expect(try CanonicalJSON.canonicalize(answer) == answer)
        let json = try JSONParser.parse(answer)
        #expect(json["estimate"]?["basis"]?.stringValue == "sla")
        #expect(json["estimate"]?["earliest"]?.stringValue == "2018-08-13")
        #expect(json["status"]?.stringValue == "submitted")
    }
}
