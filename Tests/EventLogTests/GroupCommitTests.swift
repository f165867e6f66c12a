import Foundation
import Testing

@testable import EventLog

/// A guard that holds the writer inside the first transaction until released, so that every
/// request submitted meanwhile is gathered into the next group; it records each transaction.
private final class GateGuard: AppendGuard, @unchecked Sendable {
    private let lock = NSLock()
    private var gated = true
    private var checks = 0
    private(set) var transactions: [(checks: Int, committed: Bool)] = []
    /// Versions of `watched` the guard saw, in check order.
    private(set) var seenVersions: [UInt64] = []
    let entered = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)
    let watched: String

    init(watching stream: String) { watched = stream }

    func check(_ request: AppendRequest, log: borrowing LogReader) throws {
        let version = try log.version(of: watched)
        let gate: Bool = lock.withLock {
            checks += 1
            seenVersions.append(version)
            defer { gated = false }
            return gated
        }
        if gate {
            entered.signal()
            release.wait()
        }
        if request.events.contains(where: { $0.type == "test.refused-by-guard" }) {
            throw EventLogError(.ruleViolation, "type: refused by the test guard", field: "type")
        }
    }

    func transactionEnded(committed: Bool) {
        lock.withLock {
            transactions.append((checks, committed))
            checks = 0
        }
    }

    var snapshot: (transactions: [(checks: Int, committed: Bool)], seen: [UInt64]) {
        lock.withLock { (transactions, seenVersions) }
    }
}

private final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Int: Result<AppendOutcome, EventLogError>] = [:]
    let done = DispatchSemaphore(value: 0)

    func record(_ index: Int, _ result: Result<AppendOutcome, EventLogError>) {
        lock.withLock { results[index] = result }
        done.signal()
    }

    subscript(_ index: Int) -> Result<AppendOutcome, EventLogError>? { lock.withLock { results[index] } }
}

@Suite("Group commit and concurrent writers")
struct GroupCommitTests {
    @Test("in one group, a failing request fails alone: the others are written, gapless, in submission order")
    func failingRequestFailsAloneInGroup() throws {
        let scratch = try ScratchLog("group")
        let store = scratch.log
        try LogTest.append(store, "existing-1")
        let gate = GateGuard(watching: "shared-1")
        store.appendGuard = gate
        let outcomes = Outcomes()

        // Request 0 holds the writer inside its transaction ...
        store.writer.submit(try LogTest.request(LogTest.event("first-1"))) { outcomes.record(0, $0) }
        gate.entered.wait()
        // ... while these queue up; they form the next group, in this order.
        let otherContent = EventID.random()
        let requests: [AppendRequest] = [
            try LogTest.request(LogTest.event("shared-1", expected: .noStream)),  // 1 good
            try LogTest.request(LogTest.event("existing-1", expected: .noStream)),  // 2 wrong version
            try LogTest.request(LogTest.event("shared-1", expected: .exact(1))),  // 3 good: sees 1 in the same transaction
            try LogTest.request(LogTest.event("shared-1", expected: .noStream)),  // 4 wrong version: 3 made it version 2
            try LogTest.request(LogTest.event("b-1", data: #"{"k":1}"#, id: otherContent), LogTest.event("b-2")),  // 5 good, two events
            try LogTest.request(LogTest.event("b-3", data: #"{"k":2}"#, id: otherContent)),  // 6 id conflict with 5
            try LogTest.request(LogTest.event("b-4", "test.refused-by-guard")),  // 7 refused by the guard
            try LogTest.request(LogTest.event("b-5"), LogTest.event("existing-1", expected: .exact(9))),  // 8 wrong version, 2nd event
            try LogTest.request(LogTest.event("shared-1", expected: .exact(2))),  // 9 good
        ]
        for (i, r) in requests.enumerated() {
            store.writer.submit(r) { outcomes.record(i + 1, $0) }
        }
        gate.release.signal()
        for _ in 0...requests.count { outcomes.done.wait() }
        store.appendGuard = nil

        let snapshot = gate.snapshot
        #expect(snapshot.transactions.count == 2, "request 0 alone, then one group of \(requests.count)")
        #expect(snapshot.transactions.allSatisfy { $0.committed })
        #expect(snapshot.transactions.first?.checks == 1)
        #expect((snapshot.transactions.last?.checks ?? 0) >= 5)

        func position(_ i: Int) -> [UInt64]? { try? outcomes[i]?.get().results.map(\.position) }
        func failure(_ i: Int) -> EventLogError? {
            if case .failure(let e)? = outcomes[i] { return e }
            return nil
        }
        #expect(position(0) == [2])
        #expect(position(1) == [3])
        #expect(failure(2)?.code == .wrongExpectedVersion)
        #expect(failure(2)?.actualVersion == 1)
        #expect(position(3) == [4])
        #expect(failure(4)?.code == .wrongExpectedVersion)
        #expect(failure(4)?.actualVersion == 2)
        #expect(position(5) == [5, 6])
        #expect(failure(6)?.code == .duplicateIDConflict)
        #expect(failure(7)?.code == .ruleViolation)
        #expect(failure(8)?.code == .wrongExpectedVersion)
        #expect(failure(8)?.actualVersion == 1)
        #expect(position(9) == [7])
        // The guard saw shared-1 grow inside the group's transaction.
        #expect(snapshot.seen.first == 0)
        #expect(snapshot.seen.contains(1) && snapshot.seen.contains(2))
        #expect(try store.version(of: "b-5") == 0)
        #expect(try store.version(of: "b-4") == 0)
        #expect(try store.version(of: "b-3") == 0)
        #expect(try store.version(of: "shared-1") == 3)
        try LogTest.expectWellFormed(store, count: 7)
    }

    @Test("concurrent async appends, some with wrong expected versions: the good ones are all written, the bad ones refused")
    func concurrentMixedRequests() async throws {
        let scratch = try ScratchLog("concurrent-mixed")
        let store = scratch.log
        for i in 0..<10 { try LogTest.append(store, "acct-\(i)") }
        let count = 200
        let results = try await withThrowingTaskGroup(of: (Int, Result<AppendOutcome, EventLogError>).self) { group in
            for i in 0..<count {
                let request: AppendRequest
                switch i % 4 {
                case 0: request = try LogTest.request(LogTest.event("acct-\(i % 10)", expected: .noStream))  // bad
                case 1: request = try LogTest.request(LogTest.event("acct-\(i % 10)", expected: .exact(UInt64(50 + i))))  // bad
                case 2: request = try LogTest.request(LogTest.event("new-\(i)", data: #"{"i":\#(i)}"#, expected: .noStream))
                default: request = try LogTest.request(LogTest.event("pool-\(i % 3)", data: #"{"i":\#(i)}"#))
                }
                group.addTask {
                    do throws(EventLogError) {
                        return (i, .success(try await store.append(request)))
                    } catch {
                        return (i, .failure(error))
                    }
                }
            }
            var all: [Int: Result<AppendOutcome, EventLogError>] = [:]
            for try await (i, r) in group { all[i] = r }
            return all
        }
        #expect(results.count == count)
        var goodPositions: [UInt64] = []
        for i in 0..<count {
            switch (i % 4, results[i]) {
            case (0, .failure(let e)?), (1, .failure(let e)?):
                #expect(e.code == .wrongExpectedVersion, "request \(i): \(e.message)")
            case (2, .success(let o)?), (3, .success(let o)?):
                goodPositions.append(o.results[0].position)
                let stored = try store.event(at: o.results[0].position)
                #expect(stored?.id == o.results[0].id)
                #expect(try stored?.dataValue()["i"] == .number(Double(i)))
            default:
                Issue.record("request \(i) ended wrongly: \(String(describing: results[i]))")
            }
        }
        #expect(goodPositions.sorted() == (11...UInt64(10 + count / 2)).map { $0 })
        for i in 0..<10 { #expect(try store.version(of: "acct-\(i)") == 1) }
        try LogTest.expectWellFormed(store, count: 10 + count / 2)
    }

    @Test("8 concurrent writers x 1,000 appends, some to shared streams: positions 1...8000, every stream gapless, verify ok")
    func eightWriters() async throws {
        var options = EventStore.Options()
        options.noSync = true  // durability is not what this test is about; the commit path is the same
        let scratch = try ScratchLog("eight-writers", options: options)
        let store = scratch.log
        let writers = 8
        let perWriter = 1000
        let positions = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for w in 0..<writers {
                group.addTask {
                    var mine: [UInt64] = []
                    var ownVersion: UInt64 = 0
                    for k in 0..<perWriter {
                        let event: ProposedEvent
                        if k % 4 == 0 {
                            event = try LogTest.event("shared-\(k / 4 % 3)", data: #"{"w":\#(w),"k":\#(k)}"#, expected: .any)
                        } else {
                            event = try LogTest.event("writer-\(w)", data: #"{"w":\#(w),"k":\#(k)}"#, expected: .exact(ownVersion))
                        }
                        let outcome = try await store.append(LogTest.request(event))
                        if k % 4 != 0 {
                            ownVersion += 1
                            #expect(outcome.results[0].version == ownVersion)
                        }
                        mine.append(outcome.results[0].position)
                    }
                    return mine
                }
            }
            var all: [UInt64] = []
            for try await p in group { all += p }
            return all
        }
        #expect(positions.count == writers * perWriter)
        #expect(positions.sorted() == (1...UInt64(writers * perWriter)).map { $0 })
        for w in 0..<writers { #expect(try store.version(of: "writer-\(w)") == 750) }
        let shared = try (0..<3).map { try store.version(of: "shared-\($0)") }
        #expect(shared.reduce(0, +) == UInt64(writers * 250))
        // Each writer's own events are in its own order in the log.
        for w in 0..<writers {
            let ks = try store.readStream("writer-\(w)", limit: .max).map { try $0.dataValue()["k"]?.intValue ?? -1 }
            #expect(ks == (0..<perWriter).filter { $0 % 4 != 0 })
        }
        try LogTest.expectWellFormed(store, count: writers * perWriter)
    }
}
