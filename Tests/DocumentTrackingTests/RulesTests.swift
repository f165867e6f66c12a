import DomainKit
import EventLog
import JSON
import Projections
import Testing

@testable import DocumentTracking

/// One refused event: what to append first, then the bad event and what must be said of it.
struct RefusalCase: Sendable, CustomTestStringConvertible {
    var name: String
    var setup: [(stream: String, type: String, data: String)] = []
    var stream = "application-MTR-0123456789"
    var type = DocumentEvents.applicationSubmitted
    var data: String
    var code: EventLogError.Code
    var field: String
    var testDescription: String { name }
}

let submittedSetup = [("application-MTR-0123456789", DocumentEvents.applicationSubmitted, submittedJSON())]

let refusalCases: [RefusalCase] = [
    RefusalCase(
        name: "unknown documents type", type: "documents.application-cancelled", data: submittedJSON(), code: .invalidInput, field: "type"),
    RefusalCase(
        name: "clear NIK in applicant", data: submittedJSON(applicant: "{\"nik\":\"5271014507850001\"}"), code: .invalidInput,
        field: "data.applicant.nik"),
    RefusalCase(
        name: "clear NIK beside the hash",
        data: submittedJSON(applicant: "{\"nikHash\":\"\(String(repeating: "a", count: 64))\",\"nik\":\"5271014507850001\"}"),
        code: .invalidInput, field: "data.applicant.nik"),
    RefusalCase(
        name: "NIK at top level", data: submittedJSON(extra: ",\"nik\":\"5271014507850001\""), code: .invalidInput, field: "data.nik"),
    RefusalCase(
        name: "personal data under another name", data: submittedJSON(extra: ",\"applicantName\":\"Baiq Nurul\""),
        code: .invalidInput, field: "data.applicantName"),
    RefusalCase(
        name: "NIK given as nikHash", data: submittedJSON(applicant: "{\"nikHash\":\"5271014507850001\"}"), code: .invalidInput,
        field: "data.applicant.nikHash"),
    RefusalCase(name: "missing applicant", data: submittedJSON(applicant: "null"), code: .invalidInput, field: "data.applicant"),
    RefusalCase(name: "PIN instead of its hash", data: submittedJSON(pinHash: "\"123456\""), code: .invalidInput, field: "data.pinHash"),
    RefusalCase(
        name: "upper-case hex hash", data: submittedJSON(pinHash: "\"\(String(repeating: "A", count: 64))\""), code: .invalidInput,
        field: "data.pinHash"),
    RefusalCase(
        name: "malformed receipt number", stream: "application-MTR-123", data: submittedJSON(receipt: "MTR-123"), code: .invalidInput,
        field: "data.receiptNumber"),
    RefusalCase(
        name: "look-alike letter in receipt", stream: "application-MTR-O123456789", data: submittedJSON(receipt: "MTR-O123456789"),
        code: .invalidInput, field: "data.receiptNumber"),
    RefusalCase(
        name: "stream of another receipt", stream: "application-MTR-9999999999", data: submittedJSON(), code: .invalidInput, field: "stream"
    ),
    RefusalCase(name: "unknown document type", data: submittedJSON(type: "\"paspor\""), code: .invalidInput, field: "data.documentType"),
    RefusalCase(name: "document type as a number", data: submittedJSON(type: "5"), code: .invalidInput, field: "data.documentType"),
    RefusalCase(
        name: "unknown office", data: submittedJSON(office: "\"dukcapil-lombok-barat\""), code: .invalidInput, field: "data.office"),
    RefusalCase(name: "unknown channel", data: submittedJSON(channel: "\"pos\""), code: .invalidInput, field: "data.channel"),
    RefusalCase(
        name: "bad submittedAt", data: submittedJSON(submittedAt: "\"6 Agustus 2018\""), code: .invalidInput, field: "data.submittedAt"),
    RefusalCase(
        name: "receipt number used twice", setup: submittedSetup, data: submittedJSON(), code: .ruleViolation, field: "data.receiptNumber"),
    RefusalCase(
        name: "change of an unknown application", type: DocumentEvents.statusChanged, data: changedJSON(), code: .ruleViolation,
        field: "data.receiptNumber"),
    RefusalCase(
        name: "from is not the current status", setup: submittedSetup, type: DocumentEvents.statusChanged,
        data: changedJSON(from: "verified", to: "in-process"), code: .ruleViolation, field: "data.from"),
    RefusalCase(
        name: "move the lifecycle forbids", setup: submittedSetup, type: DocumentEvents.statusChanged,
        data: changedJSON(from: "submitted", to: "ready"), code: .ruleViolation, field: "data.to"),
    RefusalCase(
        name: "nothing after rejected",
        setup: submittedSetup + [
            ("application-MTR-0123456789", DocumentEvents.statusChanged, changedJSON(to: "rejected", reason: "Bukan penduduk Kota Mataram"))
        ],
        type: DocumentEvents.statusChanged, data: changedJSON(from: "rejected", to: "submitted", changedAt: "2018-08-08T01:00:00.000Z"),
        code: .ruleViolation, field: "data.to"),
    RefusalCase(
        name: "rejection without a reason", setup: submittedSetup, type: DocumentEvents.statusChanged, data: changedJSON(to: "rejected"),
        code: .ruleViolation, field: "data.reason"),
    RefusalCase(
        name: "revision request without a reason", setup: submittedSetup, type: DocumentEvents.statusChanged,
        data: changedJSON(to: "revision-requested"), code: .ruleViolation, field: "data.reason"),
    RefusalCase(
        name: "change before the submission", setup: submittedSetup, type: DocumentEvents.statusChanged,
        data: changedJSON(changedAt: "2018-08-05T23:00:00.000Z"), code: .ruleViolation, field: "data.changedAt"),
    RefusalCase(
        name: "unknown status", setup: submittedSetup, type: DocumentEvents.statusChanged, data: changedJSON(to: "lost"),
        code: .invalidInput, field: "data.to"),
    RefusalCase(
        name: "missing officer", setup: submittedSetup, type: DocumentEvents.statusChanged, data: changedJSON(officer: ""),
        code: .invalidInput, field: "data.officer"),
    RefusalCase(
        name: "an officer by name, not by key or role", setup: submittedSetup, type: DocumentEvents.statusChanged,
        data: changedJSON(officer: "Baiq Nurul Aini"), code: .invalidInput, field: "data.officer"),
]

@Suite("Rules: every refusal through admit and through a raw append")
struct RulesTests {
    @Test(arguments: refusalCases)
    func admitRefusesAndLeavesTheStateUnchanged(_ c: RefusalCase) throws {
        let rules = DocumentTrackingRules()
        try RuleGuard.withScratchState([rules]) {
            for s in c.setup {
                let data = try JSONParser.parse(s.data)
                try rules.admit(DomainEvent(stream: s.stream, type: s.type, data: data))
            }
            let before = try rules.decisions.entries()
            let data = try JSONParser.parse(c.data)
            do {
                try rules.admit(DomainEvent(stream: c.stream, type: c.type, data: data))
                Issue.record("admitted: \(c.name)")
            } catch let e as EventLogError {
                #expect(e.code == c.code, "\(e.message)")
                #expect(e.field == c.field, "\(e.message)")
                #expect(e.message.hasPrefix(c.field + ": "), "\(e.message)")
            }
            #expect(try rules.decisions.entries() == before)
        }
    }

    @Test(arguments: refusalCases)
    func aRawAppendIsRefusedAndNothingIsWritten(_ c: RefusalCase) async throws {
        let h = try Harness()
        for s in c.setup { try await h.appendRaw(stream: s.stream, type: s.type, data: s.data) }
        try await h.expectRefused(c.code, field: c.field) {
            try await h.appendRaw(stream: c.stream, type: c.type, data: c.data)
        }
    }

    @Test func aRefusedEventTakesItsWholeRequestWithIt() async throws {
        let h = try Harness()
        let good = try ProposedEvent(
            stream: "application-MTR-0123456789", type: DocumentEvents.applicationSubmitted, data: Array(submittedJSON().utf8))
        let bad = try ProposedEvent(
            stream: "application-MTR-0123456789", type: DocumentEvents.statusChanged, data: Array(changedJSON(to: "ready").utf8))
        try await h.expectRefused(.ruleViolation, field: "data.to") { try await h.append([good, bad]) }
        // The good event alone is fine, and the rules did not keep the refused trial.
        try await h.append([good])
        #expect(try h.store.stats().events == 1)
    }

    @Test func theRulesFollowTheLogAndAcceptAValidHistory() async throws {
        let h = try Harness()
        try await h.appendRaw(stream: "application-MTR-0123456789", type: DocumentEvents.applicationSubmitted, data: submittedJSON())
        try await h.appendRaw(
            stream: "application-MTR-0123456789", type: DocumentEvents.statusChanged,
            data: changedJSON(to: "revision-requested", reason: "Surat kehilangan belum ada"))
        try await h.appendRaw(
            stream: "application-MTR-0123456789", type: DocumentEvents.statusChanged,
            data: changedJSON(from: "revision-requested", to: "submitted", changedAt: "2018-08-09T01:00:00.000Z"))
        #expect(try h.store.stats().events == 3)
        #expect(try h.ruleGuard.withCurrentState(h.store) { try h.domain.rules.state(of: "MTR-0123456789").status } == .submitted)
        #expect(h.domain.rules.owns("documents.anything"))
        #expect(!h.domain.rules.owns("aid.donation-received"))
    }
}
