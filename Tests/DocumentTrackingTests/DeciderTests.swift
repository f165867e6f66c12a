import EventLog
import Testing

@testable import DocumentTracking

@Suite("Application decider (no storage)")
struct DeciderTests {
    let receipt = "MTR-0123456789"
    let t0 = ts("2018-08-06T09:00:00+08:00")

    var submitted: ApplicationSubmitted {
        ApplicationSubmitted(
            receiptNumber: receipt, documentType: .kk, office: "kec-ampenan", channel: .counter,
            applicant: Applicant(nikHash: String(repeating: "a", count: 64)), pinHash: String(repeating: "b", count: 64),
            submittedAt: t0)
    }

    func change(_ to: ApplicationStatus, from: ApplicationStatus? = nil, reason: String? = nil, at: String = "2018-08-07T09:00:00+08:00")
        -> Application.Command
    {
        .changeStatus(receiptNumber: receipt, from: from, to: to, reason: reason, officer: "petugas-01", changedAt: ts(at))
    }

    func state(_ status: ApplicationStatus) -> Application.State {
        Application.State(status: status, submittedAt: t0, lastChangedAt: t0)
    }

    func expectViolation(_ field: String, _ body: () throws(EventLogError) -> Void) {
        do {
            try body()
            Issue.record("expected a violation of \(field)")
        } catch {
            #expect(error.code == .ruleViolation)
            #expect(error.field == field)
            #expect(error.message.hasPrefix(field + ": "))
        }
    }

    @Test func submitOnAFreshReceiptGivesOneEventAndEvolvesToSubmitted() throws {
        let events = try Application.decide(.submit(submitted), .initial)
        #expect(events == [.submitted(submitted)])
        let s = Application.evolve(.initial, events[0])
        #expect(s.status == .submitted)
        #expect(s.submittedAt == t0)
        #expect(s.lastChangedAt == t0)
    }

    @Test func aReceiptNumberIsUsedOnce() {
        expectViolation("data.receiptNumber") { () throws(EventLogError) in
            _ = try Application.decide(.submit(submitted), state(.submitted))
        }
    }

    @Test func aChangeNeedsASubmittedApplication() {
        expectViolation("data.receiptNumber") { () throws(EventLogError) in
            _ = try Application.decide(change(.verified), .initial)
        }
    }

    @Test func theWholeLifecycleIsAllowedAndFromIsTakenFromTheState() throws {
        var s = Application.evolve(.initial, .submitted(submitted))
        let path: [ApplicationStatus] = [.revisionRequested, .submitted, .verified, .inProcess, .signed, .ready, .collected]
        for (i, to) in path.enumerated() {
            let events = try Application.decide(
                change(to, reason: to == .revisionRequested ? "KK tidak terbaca" : nil, at: "2018-08-\(10 + i)T09:00:00+08:00"), s)
            guard case .statusChanged(let e) = events.first else {
                Issue.record("no status change")
                return
            }
            #expect(e.from == s.status)
            #expect(e.to == to)
            s = Application.evolve(s, events[0])
        }
        #expect(s.status == .collected)
        #expect(s.lastChangedAt == ts("2018-08-16T09:00:00+08:00"))
    }

    @Test(arguments: ApplicationStatus.allCases)
    func onlyTheLifecycleMovesAreAllowed(from: ApplicationStatus) throws {
        for to in ApplicationStatus.allCases {
            let command = change(to, reason: "alasan")
            if from.canMove(to: to) {
                let events = try Application.decide(command, state(from))
                #expect(events.count == 1)
            } else {
                expectViolation("data.to") { () throws(EventLogError) in _ = try Application.decide(command, state(from)) }
            }
        }
    }

    @Test func finalStatusesAcceptNothing() {
        #expect(ApplicationStatus.rejected.isFinal && ApplicationStatus.collected.isFinal)
        #expect(ApplicationStatus.allCases.filter(\.isFinal) == [.rejected, .collected])
        for final in [ApplicationStatus.rejected, .collected] {
            do {
                _ = try Application.decide(change(.submitted), state(final))
                Issue.record("a final status moved")
            } catch {
                #expect(error.field == "data.to")
                #expect(error.message.contains("final"))
            }
        }
    }

    @Test func fromMustBeTheCurrentStatus() {
        expectViolation("data.from") { () throws(EventLogError) in
            _ = try Application.decide(change(.inProcess, from: .verified), state(.submitted))
        }
    }

    @Test(arguments: [ApplicationStatus.revisionRequested, .rejected])
    func revisionAndRejectionNeedAReason(to: ApplicationStatus) throws {
        expectViolation("data.reason") { () throws(EventLogError) in _ = try Application.decide(change(to), state(.submitted)) }
        expectViolation("data.reason") { () throws(EventLogError) in
            _ = try Application.decide(change(to, reason: "   "), state(.submitted))
        }
        #expect(try Application.decide(change(to, reason: "Surat kehilangan belum ada"), state(.submitted)).count == 1)
    }

    @Test func aChangeCannotPrecedeTheLastEvent() {
        expectViolation("data.changedAt") { () throws(EventLogError) in
            _ = try Application.decide(change(.verified, at: "2018-08-06T08:59:59+08:00"), state(.submitted))
        }
    }

    @Test func theSameInstantAsTheLastEventIsAllowed() throws {
        #expect(try Application.decide(change(.verified, at: "2018-08-06T09:00:00+08:00"), state(.submitted)).count == 1)
    }
}

@Suite("Reason codes (no storage)")
struct ReasonCodeTests {
    let base = DeciderTests()

    func change(_ to: ApplicationStatus, code: ReasonCode?, reason: String? = nil) -> Application.Command {
        .changeStatus(
            receiptNumber: base.receipt, from: nil, to: to, reasonCode: code, reason: reason, officer: "petugas-01",
            changedAt: ts("2018-08-07T09:00:00+08:00"))
    }

    @Test func aCodeAloneExplainsARejectionAndIsKeptOnTheEvent() throws {
        let events = try Application.decide(change(.rejected, code: .nikNotFound), base.state(.submitted))
        guard case .statusChanged(let e) = events.first else {
            Issue.record("no status change")
            return
        }
        #expect(e.reasonCode == .nikNotFound)
        #expect(e.reason == nil)
        #expect(e.json["reasonCode"] == "nik-tidak-ditemukan")
    }

    @Test func aCodeMustExplainTheStatusItCameWith() {
        base.expectViolation("data.reasonCode") { () throws(EventLogError) in
            _ = try Application.decide(change(.rejected, code: .illegibleDocument), base.state(.submitted))
        }
        base.expectViolation("data.reasonCode") { () throws(EventLogError) in
            _ = try Application.decide(change(.verified, code: .collectedByProxy), base.state(.submitted))
        }
    }

    @Test func everyStatusThatNeedsAReasonHasCodes() {
        for status in ApplicationStatus.allCases where status.requiresReason {
            #expect(!ReasonCode.codes(for: status).isEmpty, "\(status)")
        }
        #expect(ReasonCode.allCases.allSatisfy { !$0.statuses.isEmpty && !$0.label.isEmpty })
    }

    @Test func theExplanationJoinsTheLabelAndTheText() {
        #expect(
            TimelineEntry(status: .rejected, at: "", reasonCode: .duplicateApplication).explanation == ReasonCode.duplicateApplication.label
        )
        #expect(
            TimelineEntry(status: .rejected, at: "", reasonCode: .nikNotFound, reason: "Cek ulang").explanation
                == "\(ReasonCode.nikNotFound.label). Cek ulang")
        #expect(TimelineEntry(status: .verified, at: "").explanation == nil)
    }
}
