import Foundation
import Testing

@testable import EventLog

/// A store in a fresh temporary data directory; the directory is removed when this is released.
final class ScratchLog: @unchecked Sendable {
    let dataDirectory: String
    private(set) var store: EventStore?

    init(_ label: String = "log", options: EventStore.Options = EventStore.Options()) throws {
        dataDirectory = (NSTemporaryDirectory() as NSString)
            .appendingPathComponent("lumbung-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        store = try EventStore(dataDirectory: dataDirectory, options: options)
    }

    var log: EventStore { store! }

    /// The `data.mdb` file of the log environment.
    var dataFile: String { dataDirectory + "/log/data.mdb" }

    /// Stops the writer and releases this object's store (the environment closes once no one else holds it).
    func release() {
        store?.close()
        store = nil
    }

    func reopen(options: EventStore.Options = EventStore.Options()) throws {
        release()
        store = try EventStore(dataDirectory: dataDirectory, options: options)
    }

    deinit {
        store?.close()
        store = nil
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }
}

/// Builders and checks shared by the event log suites.
enum LogTest {
    static let actor = "test-actor"

    static func event(
        _ stream: String, _ type: String = "test.happened", data: String = "{}", id: EventID? = nil,
        occurredAt: Timestamp? = nil, metadata: String? = nil, expected: ExpectedVersion = .any
    ) throws -> ProposedEvent {
        try ProposedEvent(
            stream: stream, type: type, data: Array(data.utf8), id: id, occurredAt: occurredAt,
            metadata: metadata.map { Array($0.utf8) }, expectedVersion: expected)
    }

    static func request(_ events: ProposedEvent..., actor: String = actor) throws -> AppendRequest {
        try AppendRequest(events: events, actor: actor)
    }

    static func request(_ events: [ProposedEvent], actor: String = actor) throws -> AppendRequest {
        try AppendRequest(events: events, actor: actor)
    }

    /// Appends one event per call, blocking.
    @discardableResult
    static func append(
        _ store: EventStore, _ stream: String, _ type: String = "test.happened", data: String = "{}",
        id: EventID? = nil, occurredAt: Timestamp? = nil, expected: ExpectedVersion = .any
    ) throws -> AppendResult {
        let outcome = try store.appendBlocking(
            request(event(stream, type, data: data, id: id, occurredAt: occurredAt, expected: expected)))
        return outcome.results[0]
    }

    /// Builds and appends what `build` makes, expecting a refusal with `code` naming `field`; checks that the
    /// log's stats (events, streams, head position and hash, bytes) are the same afterwards.
    /// Returns the error for further checks.
    @discardableResult
    static func expectRefusal(
        _ store: EventStore, _ code: EventLogError.Code, field: String?,
        sourceLocation: SourceLocation = #_sourceLocation, _ build: () throws -> AppendRequest
    ) throws -> EventLogError? {
        let before = try store.stats()
        var caught: EventLogError?
        do {
            let request = try build()
            _ = try store.appendBlocking(request)
            Issue.record("expected a refusal with \(code), but the append succeeded", sourceLocation: sourceLocation)
        } catch let error as EventLogError {
            caught = error
        }
        let after = try store.stats()
        #expect(before == after, "the refused append changed the log", sourceLocation: sourceLocation)
        guard let caught else { return nil }
        #expect(caught.code == code, "\(caught.message)", sourceLocation: sourceLocation)
        if let field {
            // The field, or a path inside it (`data.items[0].price` for a number refused in `data`).
            let named = caught.field.map { $0 == field || $0.hasPrefix(field + ".") || $0.hasPrefix(field + "[") } ?? false
            #expect(named, "field \(caught.field ?? "nil") of: \(caught.message)", sourceLocation: sourceLocation)
            #expect(caught.message.contains(field), "message should name \(field): \(caught.message)", sourceLocation: sourceLocation)
        }
        return caught
    }

    /// All events of the log, in order.
    static func all(_ store: EventStore) throws -> [RecordedEvent] {
        try store.readAll(limit: .max)
    }

    /// Checks positions 1...n, per-stream versions gapless from 1, the prevHash links and `verify()`.
    static func expectWellFormed(_ store: EventStore, count: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let events = try all(store)
        #expect(events.map(\.position) == (0..<UInt64(count)).map { $0 + 1 }, sourceLocation: sourceLocation)
        var versions: [String: UInt64] = [:]
        var prev = EventHash.zero
        var lastRecorded = Timestamp(millisecondsSince1970: .min)
        for e in events {
            let expected = (versions[e.stream] ?? 0) + 1
            #expect(e.version == expected, "stream \(e.stream) at position \(e.position)", sourceLocation: sourceLocation)
            versions[e.stream] = e.version
            #expect(e.prevHash == prev, "prevHash at \(e.position)", sourceLocation: sourceLocation)
            #expect(EventHash.sha256(e.canonicalBytesWithoutHash) == e.hash, "hash at \(e.position)", sourceLocation: sourceLocation)
            #expect(e.recordedAt >= lastRecorded, "recordedAt at \(e.position)", sourceLocation: sourceLocation)
            lastRecorded = e.recordedAt
            prev = e.hash
        }
        for (stream, version) in versions {
            #expect(try store.version(of: stream) == version, sourceLocation: sourceLocation)
        }
        let report = try store.verify()
        #expect(report.ok, "verify: \(report.reason ?? "")", sourceLocation: sourceLocation)
        #expect(report.events == UInt64(count), sourceLocation: sourceLocation)
        #expect(report.headHash == prev, sourceLocation: sourceLocation)
        let stats = try store.stats()
        #expect(stats.events == UInt64(count), sourceLocation: sourceLocation)
        #expect(stats.headPosition == UInt64(count), sourceLocation: sourceLocation)
        #expect(stats.headHash == prev, sourceLocation: sourceLocation)
        #expect(stats.streams == versions.count, sourceLocation: sourceLocation)
    }

    /// Runs `body` with a deadline that only guards against hanging: past it, the test fails and
    /// nil is returned (`body` is cancelled and left behind, even if it does not stop).
    static func withDeadline<T: Sendable>(
        seconds: Int, sourceLocation: SourceLocation = #_sourceLocation, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        let race = Race<T>()
        let worker = Task {
            do { race.finish(.success(try await body())) } catch { race.finish(.failure(error)) }
        }
        let timer = Task {
            try? await Task.sleep(for: .seconds(seconds))
            race.finish(nil)
        }
        let outcome = await race.value
        timer.cancel()
        guard let outcome else {
            worker.cancel()
            Issue.record("gave up after \(seconds) s (hanging?)", sourceLocation: sourceLocation)
            return nil
        }
        return try outcome.get()
    }
}

/// The first of several results, delivered once.
final class Race<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error>??
    private var waiter: CheckedContinuation<Result<T, any Error>?, Never>?

    func finish(_ value: Result<T, any Error>?) {
        lock.lock()
        guard result == nil else {
            lock.unlock()
            return
        }
        result = .some(value)
        let w = waiter
        waiter = nil
        lock.unlock()
        w?.resume(returning: value)
    }

    var value: Result<T, any Error>? {
        get async {
            await withCheckedContinuation { c in
                lock.lock()
                if let result {
                    lock.unlock()
                    c.resume(returning: result)
                } else {
                    waiter = c
                    lock.unlock()
                }
            }
        }
    }
}
