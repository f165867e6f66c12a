import EventLog
import Foundation
import JSON
import Testing

/// Writes one decision key no rule would write, as if the state had been altered beside the log.
private final class Tamperer: AppendGuard, @unchecked Sendable {
    var keepsDecisionState: Bool { true }
    func check(_ request: AppendRequest, log: borrowing LogReader) throws {
        try log.setDecision(
            Array("aid/warehouse/gudang-palsu".utf8), to: Array(#"{"kelurahanCode":"52.71.01.1001","kind":"gudang","name":"Palsu"}"#.utf8))
    }
    func transactionEnded(committed: Bool) {}
}

@Suite("verify --decisions")
struct DecisionStateCLITests {
    @Test("verify --decisions: the kept state of a seeded log is the fold of its events; a key written beside the rules is found")
    func verifyDecisions() async throws {
        let dir = try Scratch("verify-decisions")
        let data = dir.file("data")
        let seed = try await CLI.run(["seed", "--events", "400", "--no-views", "--data-dir", data])
        #expect(seed.status == 0, "\(seed)")

        let good = try await CLI.run(["verify", "--decisions", "--data-dir", data])
        #expect(good.status == 0, "\(good)")
        let report = try #require(try good.json().first)
        #expect(report["ok"] == .bool(true))
        #expect(report["decisionState"]?["ok"] == .bool(true))
        #expect(report["decisionState"]?["differing"] == .number(0))
        #expect((report["decisionState"]?["keys"]?.int ?? 0) > 50)
        #expect(report["decisionState"]?["statePosition"] == .number(400))

        // Without --decisions, verify says nothing of it.
        let plain = try await CLI.run(["verify", "--data-dir", data])
        #expect(try plain.json().first?["decisionState"] == nil)

        // One event appended through a guard that also writes a key no rule would.
        do {
            let store = try EventStore(dataDirectory: data)
            defer { store.close() }
            store.appendGuard = Tamperer()
            _ = try store.appendBlocking(
                try AppendRequest(events: [try ProposedEvent(stream: "note-1", type: "test.noted", value: .object([]))], actor: "test"))
        }
        let bad = try await CLI.run(["verify", "--decisions", "--data-dir", data])
        #expect(bad.status == 1, "\(bad)")
        let badReport = try #require(try bad.json().first)
        #expect(badReport["ok"] == .bool(false))
        #expect(badReport["decisionState"]?["differing"] == .number(1))
        #expect(bad.stderr.contains("decision state"), "\(bad.stderr)")
    }
}
