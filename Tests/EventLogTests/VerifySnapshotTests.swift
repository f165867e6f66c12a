import Foundation
import Synchronization
import Testing

@testable import EventLog

/// An auditor running `verify` on a live server must never get a false tamper alarm: verify checks
/// the log of the head it read at its start, whatever is appended while it reads.
@Suite("verify is snapshot-consistent")
struct VerifySnapshotTests {
    @Test("appends during verify (a log of several read chunks) never make it fail, and it checks exactly its head")
    func concurrentAppends() throws {
        let scratch = try ScratchLog("verify-snapshot")
        let store = scratch.log
        // More than one read chunk of verify (4 x 8192 records each), so it reads in several transactions.
        for batch in 0..<9 {
            let events = try (0..<5000).map { i in try LogTest.event("load-\(batch)-\(i % 50)", data: #"{"i":\#(i)}"#) }
            _ = try store.appendBlocking(LogTest.request(events))
        }
        let stop = Atomic<Bool>(false)
        let appended = Atomic<Int>(0)
        let writer = Thread {
            var n = 0
            while !stop.load(ordering: .relaxed) {
                let events = (0..<25).compactMap { i in try? LogTest.event("live-\(n % 7)", data: #"{"n":\#(n),"i":\#(i)}"#) }
                if (try? store.appendBlocking(LogTest.request(events))) != nil { appended.add(events.count, ordering: .relaxed) }
                n += 1
            }
        }
        writer.start()
        defer { stop.store(true, ordering: .relaxed) }
        // Wait until the writer is really writing, so every verify below races with it.
        while appended.load(ordering: .relaxed) < 100 { Thread.sleep(forTimeInterval: 0.005) }
        for _ in 0..<3 {
            let before = try store.head().position
            let report = try store.verify()
            let after = try store.head().position
            #expect(report.ok, "verify under appends: \(report.reason ?? "") at \(report.position.map(String.init) ?? "-")")
            #expect(report.events >= before && report.events <= after)
            #expect(report.rootHash != nil)
        }
        #expect(appended.load(ordering: .relaxed) > 0)
        stop.store(true, ordering: .relaxed)
        while writer.isExecuting { Thread.sleep(forTimeInterval: 0.01) }
        // Quiet again: the whole log verifies, every event counted.
        let final = try store.verify()
        #expect(final.ok)
        #expect(final.events == (try store.head().position))
    }
}
