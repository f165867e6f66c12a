import EventLog
import Foundation
import QueryService
import Testing

@testable import LumbungCore

/// A flag and a counter shared with a writing task.
final class WriterControl: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private var appended = 0

    var isStopped: Bool { lock.withLock { stopped } }
    var batches: Int { lock.withLock { appended } }
    func stop() { lock.withLock { stopped = true } }
    func didAppend() { lock.withLock { appended += 1 } }

    /// Returns once at least `n` batches were appended, or the writer stopped (polling; no deadline).
    func wait(forBatches n: Int) async throws {
        while batches < n && !isStopped { try await Task.sleep(for: .milliseconds(2)) }
    }
}

/// Appends batches of events to `store` until `control` stops it; returns how many batches.
func appendContinuously(_ store: EventStore, _ control: WriterControl) -> Task<Int, any Error> {
    Task.detached {
        defer { control.stop() }
        var batches = 0
        while !control.isStopped {
            let events = try (0..<20).map { i in
                try ProposedEvent(
                    stream: "tick-\(batches % 7)", type: "test.ticked", value: ["batch": .number(Double(batches)), "i": .number(Double(i))])
            }
            _ = try await store.append(AppendRequest(events: events, actor: "writer"))
            batches += 1
            control.didAppend()
        }
        return batches
    }
}

/// Every event of `store` from 1 to `to`.
func events(_ store: EventStore, to: UInt64) throws -> [RecordedEvent] {
    var out: [RecordedEvent] = []
    try store.forEachRecord(EventFilter(toPosition: to)) {
        out.append($0.decode())
        return true
    }
    return out
}

@Suite("Backup")
struct BackupTests {
    static func seedData(_ dir: TemporaryDirectory) throws -> (store: EventStore, data: String) {
        let data = dir.appending("data")
        let store = try EventStore(dataDirectory: data)
        let events = try (0..<300).map {
            try ProposedEvent(stream: "seed-\($0 % 11)", type: "test.seeded", value: ["n": .number(Double($0))])
        }
        _ = try store.appendBlocking(AppendRequest(events: events, actor: "seed"))
        try Data((0..<32).map { UInt8($0) }).write(to: URL(fileURLWithPath: (data as NSString).appendingPathComponent("secret.key")))
        try Data("audit".utf8).write(to: URL(fileURLWithPath: (data as NSString).appendingPathComponent("audit-signing.key")))
        try FileManager.default.createDirectory(
            atPath: (data as NSString).appendingPathComponent("views"), withIntermediateDirectories: true)
        return (store, data)
    }

    @Test("a backup taken while a task appends opens, verifies, and holds a prefix of the log")
    func duringWrites() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (store, data) = try Self.seedData(dir)
        defer { store.close() }
        let control = WriterControl()
        let writer = appendContinuously(store, control)
        try await control.wait(forBatches: 5)
        let destination = dir.appending("backups/first")
        let report = try DataDirectoryBackup.run(store: store, dataDirectory: data, destination: destination)
        control.stop()
        let batches = try await writer.value
        #expect(batches >= 5)

        let sourceHead = try store.head().position
        #expect(sourceHead == 300 + UInt64(batches) * 20)
        #expect(report.events >= 300 + 5 * 20)
        #expect(report.events <= sourceHead)
        #expect(report.destination == URL(fileURLWithPath: destination).standardizedFileURL.path)

        let copy = try EventStore(dataDirectory: destination)
        defer { copy.close() }
        let verified = try copy.verify()
        #expect(verified.ok)
        #expect(verified.events == report.events)
        #expect(verified.headHash == report.headHash)
        #expect(try copy.head().position == report.events)
        #expect(try events(copy, to: report.events) == events(store, to: report.events))

        // Secrets 0600 and equal; no views.
        for name in ["secret.key", "audit-signing.key"] {
            let path = (destination as NSString).appendingPathComponent(name)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(name)")
            #expect(
                FileManager.default.contents(atPath: path)
                    == FileManager.default.contents(atPath: (data as NSString).appendingPathComponent(name)))
        }
        #expect(report.secretFiles == ["secret.key", "audit-signing.key"])
        #expect(!FileManager.default.fileExists(atPath: (destination as NSString).appendingPathComponent("views")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appending("backups")) == ["first"])
    }

    @Test("a destination that exists and is not empty (or is a file) is refused, and left as it was")
    func refusesNonEmptyDestination() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (store, data) = try Self.seedData(dir)
        defer { store.close() }
        let full = dir.appending("full")
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: (full as NSString).appendingPathComponent("note.txt")))
        #expect(throws: DataDirectoryBackup.Failure.self) {
            try DataDirectoryBackup.run(store: store, dataDirectory: data, destination: full)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: full) == ["note.txt"])
        let file = dir.appending("file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        #expect(throws: DataDirectoryBackup.Failure.self) {
            try DataDirectoryBackup.run(store: store, dataDirectory: data, destination: file)
        }
        // Nothing left behind (no partial copies).
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["data", "full", "file"])
    }

    @Test("an empty existing directory is used; a data directory without secrets backs up the log alone")
    func emptyDestination() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try EventStore(dataDirectory: dir.appending("data"))
        defer { store.close() }
        _ = try store.appendBlocking(
            AppendRequest(events: [try ProposedEvent(stream: "a-1", type: "test.one", value: ["n": 1])], actor: "t"))
        let empty = dir.appending("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let report = try DataDirectoryBackup.run(store: store, dataDirectory: dir.appending("data"), destination: empty)
        #expect(report.events == 1)
        #expect(report.secretFiles.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty) == ["log"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: (empty as NSString).appendingPathComponent("log")) == ["data.mdb"])
    }
}
