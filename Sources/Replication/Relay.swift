import CoreMetrics
public import EventLog
import Foundation
public import Logging
import LumbungVersion

/// Publishes a Lumbung log, in position order, to a JetStream stream, so that the stream's
/// sequence IS the log's position.
///
/// Contract:
/// - Every event goes out as `EventWire` says, with `Nats-Msg-Id` = its id and
///   `Nats-Expected-Last-Sequence` = position - 1: JetStream stores it only right after position
///   - 1, so no gap and no duplicate can enter the stream, whatever relays run or restart.
/// - The stream is created when missing (file storage, `replicas` copies, limits that never drop
///   a message, deletes and purges denied). The relay resumes from the stream's last sequence,
///   after checking that the stream's last message is this log's event at that position (a
///   stream holding another log, or ahead of this log, is refused: `run` throws).
/// - Publishes are pipelined, in runs of up to `runLength` events of which only the last asks
///   for a PubAck: JetStream gets a run's messages in order over one connection, so an ack of its
///   last (stored right after position - 1) proves every earlier one stored (by this relay or,
///   identically, another relay of the same log); one the stream dropped makes the last fail with
///   a wrong last sequence. The first run after every (re)sync is a single event, so that a
///   refusal (a limit, a permission) comes back with its own reason. Up to `maxInFlight` events
///   await their run's PubAck at once. Any failure (a wrong last sequence: another relay got there
///   first; a timeout; a leader election) stops publishing; once every ack in flight has come
///   back, the relay re-reads the stream's last sequence and continues from there. A duplicate
///   ack is success.
/// - The last message of every run carries the primary's signed tree head at its position
///   (`EventWire.signedHeadHeader`), signed with `signingKey` (the data directory's audit key,
///   the one `/v1/audit/digest` signs with): a replica commits nothing that such a head does not
///   cover. Runs are at most `EventStore.maxReplicatedEvents` long, so that a replica can hold a
///   whole run before committing it.
/// - `beforePublishing` (when set) sees every event of `beforePublishingTypes`, in position
///   order, after the log's read transaction and before the event is published: an event is
///   published only after it returned for it (the replication of subject keys puts a key in its
///   bucket, acknowledged, before the first event sealed under it). When it throws, the event and
///   every later one wait (what was read before it is published), and it is called again for that
///   event after a pause.
/// - NATS being unreachable is waited out (retries with back-off, logged), never fatal.
/// - `run` returns when its task is cancelled, or after `stop()` once every event published is
///   acknowledged (or its ack has failed or timed out); it throws `ReplicationError` only for
///   what retrying cannot mend.
public final class Relay: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var urls: [String]
        public var stream: String = "LUMBUNG"
        public var subjectPrefix: String = "lumbung"
        public var replicas: Int = 3
        /// Most events published and awaiting their run's PubAck at once.
        public var maxInFlight: Int = 8192
        /// Most events per run (see the contract): 1 asks JetStream to acknowledge every event.
        public var runLength: Int = 256
        /// How long a publish waits for its PubAck before counting as failed.
        public var ackWait: Duration = .seconds(5)
        /// JetStream's duplicate window (how long it remembers a `Nats-Msg-Id`).
        public var duplicateWindow: Duration = .seconds(120)
        /// File storage (false: memory, for tests that do not restart NATS).
        public var fileStorage: Bool = true
        /// How the relay authenticates to NATS (and checks it, with TLS).
        public var credentials = NATSConnection.Credentials()
        /// Where it counts what it published.
        public var metrics = ReplicationMetrics()
        /// Called with each event whose type is in `beforePublishingTypes`, in position order,
        /// after the relay read it from the log (outside the read transaction) and before it is
        /// published (so before any later event is): what the event needs outside the stream (a
        /// subject's key in the replication bucket) is put in place here, and must be
        /// acknowledged when it returns. Throwing holds the event (and every later one) back: the
        /// error is logged and the event is offered again after a pause. Called again for an event
        /// read again (after a resync): it must be idempotent. Nil: nothing is done.
        public var beforePublishing: (@Sendable (RecordedEvent) throws -> Void)? = nil
        /// The event types `beforePublishing` is called for.
        public var beforePublishingTypes: Set<String> = []

        public init(urls: [String]) { self.urls = urls }
    }

    /// Where the relay stands.
    public struct Status: Sendable, Equatable {
        /// The log's head position.
        public var head: UInt64
        /// The last position JetStream confirmed holding.
        public var published: UInt64
        /// `head - published`.
        public var lag: UInt64 { head > published ? head - published : 0 }
    }

    public let store: EventStore
    public let configuration: Configuration
    let signingKey: AuditSigningKey
    let logger: Logger
    let log: @Sendable (String) -> Void
    let window: PublishWindow
    private let stopLock = NSLock()
    private var stopped = false

    /// - Parameters:
    ///   - signingKey: the primary's audit signing key; every run's last message carries a tree
    ///     head it signed.
    ///   - logger: receives one line per notable event (connection, resync, failures).
    public init(store: EventStore, signingKey: AuditSigningKey, configuration: Configuration, logger: Logger) {
        self.store = store
        self.signingKey = signingKey
        self.configuration = configuration
        self.logger = logger
        log = { logger.info("\($0)") }
        let published = configuration.metrics.publishedEvents
        window = PublishWindow(limit: configuration.maxInFlight) { published.increment(by: Int64($0)) }
    }

    /// Makes `run` publish nothing more and return once what it published is acknowledged (a
    /// graceful stop: the stream then holds every event the relay sent, and the next relay
    /// resumes from its last sequence).
    public func stop() { stopLock.withLock { stopped = true } }
    var isStopped: Bool { stopLock.withLock { stopped } }
    /// Whether `run` should end: its task is cancelled or `stop()` was called.
    var shouldEnd: Bool { Task.isCancelled || isStopped }

    public func status() -> Status {
        Status(head: (try? store.head().position) ?? 0, published: window.confirmedPosition)
    }

    /// Relays until the task is cancelled (see the contract).
    public func run() async throws(ReplicationError) {
        let urls = configuration.urls
        let credentials = configuration.credentials
        guard
            let connection = await Retry.until(
                log: log, what: "connect to NATS at \(urls.joined(separator: ","))", stop: { self.isStopped },
                {
                    () throws(NATSError) -> NATSConnection in
                    try NATSConnection(urls: urls, name: LumbungVersion.agent("relay"), credentials: credentials)
                })
        else { return }
        log("connected to \(connection.connectedURL ?? configuration.urls[0])")
        let window = self.window
        let js: JetStream
        do throws(NATSError) {
            js = try JetStream(connection: connection, maxPendingAsync: configuration.maxInFlight * 2) { window.record($0) }
        } catch {
            throw ReplicationError(error.message)
        }
        guard await ensureStream(js) else { return }
        var pause = Duration.milliseconds(100)
        while !shouldEnd {
            guard let last = try await resyncPoint(js) else { return }
            window.reset(confirmed: last)
            await publish(from: last + 1, js)
            await window.waitUntilDrained()
            if let fatal = window.fatalError { throw ReplicationError(fatal) }
            guard let failure = window.pendingFailure else { continue }  // cancelled or stopped
            if failure.isWrongLastSequence {
                log("the stream moved under this relay (another relay?): resuming from its last sequence")
                pause = .milliseconds(100)
            } else {
                logger.warning("publishing stopped: \(failure.message); resuming from the stream's last sequence in \(pause)")
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(2))
            }
        }
    }

    /// Creates the stream when missing; false when cancelled first.
    private func ensureStream(_ js: JetStream) async -> Bool {
        let c = configuration
        let subjects = ["\(c.subjectPrefix).>"]
        return await Retry.until(log: log, what: "open stream \(c.stream)", stop: { self.isStopped }) { () throws(NATSError) -> Bool in
            if let info = try js.streamInfo(c.stream) {
                if !subjects.allSatisfy(info.subjects.contains) {
                    log("note: stream \(c.stream) takes subjects \(info.subjects) (expected \(subjects))")
                }
                log("stream \(c.stream): last sequence \(info.lastSequence), \(info.replicas) replicas")
                return true
            }
            let info = try js.addStream(
                StreamConfiguration(
                    name: c.stream, subjects: subjects, replicas: c.replicas, duplicateWindow: c.duplicateWindow,
                    memoryStorage: !c.fileStorage))
            log("created stream \(c.stream) (subjects \(subjects.joined(separator: ",")), \(info.replicas) replicas)")
            return true
        } ?? false
    }

    /// The stream's last sequence, checked against the log; nil when cancelled.
    private func resyncPoint(_ js: JetStream) async throws(ReplicationError) -> UInt64? {
        let c = configuration
        let store = self.store
        let found = await Retry.until(log: log, what: "read stream \(c.stream)", stop: { self.isStopped }) {
            () throws(NATSError) -> Result<UInt64, ReplicationError> in
            guard let info = try js.streamInfo(c.stream) else {
                return .failure(ReplicationError("stream \(c.stream) disappeared"))
            }
            let last = info.lastSequence
            guard last > 0 else { return .success(0) }
            let head: UInt64
            let mine: RecordedEvent?
            do {
                head = try store.head().position
                mine = last <= head ? try store.event(at: last) : nil
            } catch {
                return .failure(ReplicationError("cannot read the log: \(error)"))
            }
            guard last <= head, let mine else {
                return .failure(
                    ReplicationError(
                        "stream \(c.stream) is ahead of this log (last sequence \(last), log head \(head)): it holds another log, or this log lost events"
                    ))
            }
            guard let stored = try js.storedMessage(stream: c.stream, sequence: last) else {
                return .failure(ReplicationError("stream \(c.stream) has no message at its last sequence \(last)"))
            }
            guard stored.data == mine.json else {
                return .failure(
                    ReplicationError(
                        "stream \(c.stream) holds another log: its message \(last) is not this log's event at position \(last)"))
            }
            return .success(last)
        }
        guard let found else { return nil }
        return try found.get()
    }

    /// Publishes from `position` on until a failure is recorded, the task is cancelled or the relay stopped.
    private func publish(from position: UInt64, _ js: JetStream) async {
        let window = self.window
        let store = self.store
        let c = configuration
        let log = self.log
        let key = signingKey
        // A run ends where a replica may commit: at most what one replicated append holds.
        let longestRun = max(1, min(c.runLength, EventStore.maxReplicatedEvents))
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Events go out from the log's records as read (no decoded copies): each batch's
                // messages are laid out in one buffer, then published one by one as the window
                // admits them.
                var batch = RelayBatch(subjectPrefix: c.subjectPrefix)
                var next = position
                // The first run after a (re)sync: one event, acknowledged (see the contract).
                var runLength = 1
                var lastHeld = ""
                let hookTypes = c.beforePublishingTypes.map { Array($0.utf8) }
                while !self.shouldEnd {
                    batch.removeAll()
                    // The events the hook is for, decoded, with their index in the batch: the hook
                    // runs once the log's read transaction is over (it waits on the network).
                    var hooked: [(index: Int, event: RecordedEvent)] = []
                    do {
                        try store.forEachRecord(EventFilter(fromPosition: next), limit: 4096) { view in
                            if c.beforePublishing != nil, hookTypes.contains(where: { view.typeBytes.elementsEqual($0) }) {
                                hooked.append((batch.count, view.decode()))
                            }
                            batch.append(view)
                            return true
                        }
                    } catch {
                        log("cannot read the log: \(error)")
                        try? await Task.sleep(for: .seconds(1))
                        continue
                    }
                    // The hook's failure for the first event held back (the batch then ends before it).
                    var held: (any Error)? = nil
                    if let before = c.beforePublishing {
                        for (index, event) in hooked {
                            do {
                                try before(event)
                            } catch {
                                held = error
                                batch.truncate(to: index)
                                break
                            }
                        }
                    }
                    if let held {
                        let position = next + UInt64(batch.count)
                        if "\(held)" != lastHeld {
                            self.logger.warning("position \(position) held back (retrying): \(held)")
                            lastHeld = "\(held)"
                        }
                        if batch.count == 0 {
                            try? await Task.sleep(for: .seconds(1))
                            continue
                        }
                    } else {
                        lastHeld = ""
                    }
                    if batch.count == 0 {
                        await store.waitForAppend(beyond: next - 1, timeout: .milliseconds(50))
                        continue
                    }
                    var k = 0
                    while k < batch.count {
                        let end = min(batch.count, k + runLength)
                        let last = batch.position(end - 1)
                        // The primary's signed tree head at the run's last event, for its last message.
                        let signedHead: [CChar]
                        do {
                            signedHead = Array(EventWire.signedHeadValue(try key.sign(try store.treeHead(size: last))).utf8CString)
                        } catch {
                            log("cannot sign the tree head at position \(last): \(error)")
                            try? await Task.sleep(for: .seconds(1))
                            break
                        }
                        guard await window.acquire(count: end - k, endingAt: last) else { return }
                        do throws(NATSError) {
                            for i in k..<(end - 1) {
                                try batch.withMessage(i) { (subject, data, id, expected) throws(NATSError) in
                                    try js.publishUnacknowledged(
                                        subject: subject, data: data, messageID: id, expectedLastSequence: expected)
                                }
                            }
                            try batch.withMessage(end - 1) { (subject, data, id, expected) throws(NATSError) in
                                try signedHead.withUnsafeBufferPointer { head throws(NATSError) in
                                    try js.publishAsync(
                                        subject: subject, data: data, messageID: id, expectedLastSequence: expected,
                                        signedHead: head.baseAddress, ackWait: c.ackWait)
                                }
                            }
                        } catch {
                            window.abandon(error, endingAt: last)
                            return
                        }
                        k = end
                        runLength = longestRun
                    }
                    guard k == batch.count else {
                        // Signing failed: read again from the first event not published.
                        next = batch.position(k)
                        continue
                    }
                    next = batch.position(batch.count - 1) + 1
                }
            }
            group.addTask { await window.waitForFailure() }
            await group.next()
            group.cancelAll()
        }
    }
}

/// Retrying what fails because NATS is unreachable or busy.
enum Retry {
    /// Calls `body` until it returns, logging each new error and waiting between tries (100 ms,
    /// doubling to 2 s); nil when the task is cancelled or `stop` says so first.
    static func until<T>(
        log: (String) -> Void, what: String, stop: () -> Bool = { false }, _ body: () throws(NATSError) -> T
    ) async -> T? {
        var pause = Duration.milliseconds(100)
        var lastMessage = ""
        while !Task.isCancelled && !stop() {
            do throws(NATSError) {
                return try body()
            } catch {
                if error.message != lastMessage {
                    log("cannot \(what) (retrying): \(error.message)")
                    lastMessage = error.message
                }
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(2))
            }
        }
        return nil
    }
}

/// A batch of the log's events laid out as the relay's messages, in one buffer: for each, the
/// subject, the id and `position - 1` as NUL-terminated texts, and the JSON line
/// (`EventWire`'s form, byte for byte what `RecordedEvent.writeJSON` writes).
struct RelayBatch {
    private let prefix: [UInt8]
    private var bytes: [UInt8] = []
    /// Per message: where its subject, id, expected last sequence, JSON start, and its end are.
    private var offsets: [(subject: Int, id: Int, expected: Int, json: Int, end: Int)] = []
    /// Per message: its event's position.
    private var positions: [UInt64] = []

    init(subjectPrefix: String) {
        prefix = Array(subjectPrefix.utf8)
        bytes.reserveCapacity(1 << 20)
        offsets.reserveCapacity(4096)
        positions.reserveCapacity(4096)
    }

    var count: Int { offsets.count }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
    }

    /// Message `k`'s event position.
    func position(_ k: Int) -> UInt64 { positions[k] }

    /// Keeps the first `count` messages.
    mutating func truncate(to count: Int) {
        guard count < offsets.count else { return }
        bytes.removeSubrange(offsets[count].subject...)
        offsets.removeSubrange(count...)
        positions.removeSubrange(count...)
    }

    mutating func append(_ view: EventRecordView) {
        let subject = bytes.count
        EventWire.appendSubject(prefix: prefix, stream: view.streamBytes, type: view.typeBytes, to: &bytes)
        bytes.append(0)
        let id = bytes.count
        view.id.write(to: &bytes)
        bytes.append(0)
        let expected = bytes.count
        bytes.append(contentsOf: String(view.position - 1).utf8)
        bytes.append(0)
        let json = bytes.count
        view.writeJSON(to: &bytes)
        offsets.append((subject, id, expected, json, bytes.count))
        positions.append(view.position)
    }

    /// Calls `body` with message `k`'s subject, data, id and expected last sequence (valid only
    /// during the call).
    func withMessage<E: Error>(
        _ k: Int,
        _ body: (UnsafePointer<CChar>, UnsafeRawBufferPointer, UnsafePointer<CChar>, UnsafePointer<CChar>) throws(E) -> Void
    ) throws(E) {
        let o = offsets[k]
        let result: Result<Void, E> = bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
            do throws(E) {
                try body(
                    base + o.subject, UnsafeRawBufferPointer(rebasing: raw[o.json..<o.end]), base + o.id, base + o.expected)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }
}
