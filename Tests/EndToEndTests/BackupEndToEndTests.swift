import EventLog
import Foundation
import JSON
import Testing

/// Whether a writing task should stop, and how far it got.
final class WriterFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private var count = 0
    var isStopped: Bool { lock.withLock { stopped } }
    var batches: Int { lock.withLock { count } }
    func stop() { lock.withLock { stopped = true } }
    func appended() { lock.withLock { count += 1 } }
}

@Suite("lumbung backup (the real binary)")
struct BackupEndToEndTests {
    @Test("a backup taken by another process while this one appends is a verified prefix of the log")
    func backupDuringWrites() async throws {
        let root = (NSTemporaryDirectory() as NSString).appendingPathComponent("lumbung-e2e-backup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = (root as NSString).appendingPathComponent("data")
        let destination = (root as NSString).appendingPathComponent("backup")
        let store = try EventStore(dataDirectory: data)
        defer { store.close() }
        try Data(repeating: 7, count: 32).write(to: URL(fileURLWithPath: (data as NSString).appendingPathComponent("secret.key")))
        let seed = try (0..<500).map {
            try ProposedEvent(stream: "seed-\($0 % 13)", type: "test.seeded", value: ["n": .number(Double($0))])
        }
        _ = try store.appendBlocking(AppendRequest(events: seed, actor: "seed"))

        let flag = WriterFlag()
        let writer = Task.detached { () throws -> Int in
            defer { flag.stop() }
            var n = 0
            while !flag.isStopped {
                let events = try (0..<25).map { i in
                    try ProposedEvent(
                        stream: "tick-\(n % 5)", type: "test.ticked", value: ["batch": .number(Double(n)), "i": .number(Double(i))])
                }
                _ = try await store.append(AppendRequest(events: events, actor: "writer"))
                n += 1
                flag.appended()
            }
            return n
        }
        while flag.batches < 3 && !flag.isStopped { try await Task.sleep(for: .milliseconds(2)) }
        let result = try await Binary.run(["backup", "--data-dir", data, destination])
        flag.stop()
        let batches = try await writer.value

        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try JSONParser.parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(json["ok"]?.boolValue == true)
        let events = UInt64(try #require(json["events"]?.intValue))
        let headHash = try #require(json["headHash"]?.stringValue)
        #expect(json["destination"]?.stringValue == destination)
        let sourceHead = try store.head().position
        #expect(sourceHead == 500 + UInt64(batches) * 25)
        #expect(events >= 500 + 3 * 25)
        #expect(events <= sourceHead)

        let copy = try EventStore(dataDirectory: destination)
        defer { copy.close() }
        let report = try copy.verify()
        #expect(report.ok)
        #expect(report.events == events)
        #expect(report.headHash.description == headHash)
        var mine: [RecordedEvent] = []
        var theirs: [RecordedEvent] = []
        try store.forEachRecord(EventFilter(toPosition: events)) {
            mine.append($0.decode())
            return true
        }
        try copy.forEachRecord {
            theirs.append($0.decode())
            return true
        }
        #expect(theirs.count == Int(events))
        #expect(theirs == mine)
        let attributes = try FileManager.default.attributesOfItem(atPath: (destination as NSString).appendingPathComponent("secret.key"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        // A second backup into the same (now full) place is refused with exit 1.
        let again = try await Binary.run(["backup", "--data-dir", data, destination])
        #expect(again.status == 1)
        #expect(again.stderr.contains("not empty"))
    }
}
