public import EventLog
import Foundation
import LumbungVersion

/// A read replica's follower: consumes the stream a `Relay` fills, with a durable JetStream
/// consumer, and appends each event verbatim to the replica's log.
///
/// Contract:
/// - The log is marked as a replica of the stream (then nothing but this follower writes it). A
///   log that has events but is not a replica is refused, unless `adopt` (a copy of the
///   primary's log made into a replica: the stream's next event must chain onto its head hash,
///   which covers every event before it).
/// - Each message must carry the event whose position is its stream sequence, its `prevHash`
///   must be this log's head hash, its hash must match its content: the store checks the chain
///   (`EventStore.appendReplicated`) and writes nothing that does not fit. A message for a
///   position this log already holds (a redelivery) must be identical to it. Anything that does
///   not fit ends `run` with a `ReplicationError` naming the position: the replica never
///   diverges silently. (A gap in delivery, which the stream itself cannot have, is first met by
///   recreating the consumer at the head; it is fatal only if it persists.)
/// - Where the replica stands is its own log's head, nothing else. The durable consumer expects
///   no acks (its position advances as it delivers: no per-message state in JetStream, no ack
///   traffic); whenever the follower (re)subscribes and the consumer is not exactly at the head
///   (a crash between a fetch and its commit left it ahead), it is recreated at head + 1. A
///   crash at any point loses nothing: what was fetched and not committed is fetched again.
/// - The stream's last sequence it saw is written to `ReplicationStatus` in the data directory
///   (for `stats` and `/health`), after each batch and, when idle, every `idleInterval`.
/// - NATS being unreachable is waited out (retries, logged), never fatal. `stop()` makes `run`
///   return within about `fetchWait`.
public final class Follower: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var urls: [String]
        public var stream: String = "LUMBUNG"
        public var subjectPrefix: String = "lumbung"
        /// The durable consumer's name (one per replica).
        public var durable: String
        /// Most messages fetched (and appended in one transaction) at once. Large by default: a
        /// catching-up replica's cost per event falls with the batch (one fsync, one write of
        /// each touched index page per transaction); a replica that keeps up fetches only what
        /// is pending anyway.
        public var batchSize: Int = EventStore.maxReplicatedEvents
        /// How long a fetch waits for messages.
        public var fetchWait: Duration = .milliseconds(500)
        /// Accept a log with events that is not yet a replica (see the contract).
        public var adopt: Bool = false
        /// How often, when idle, the stream's last sequence is read and recorded.
        public var idleInterval: Duration = .seconds(1)
        /// When set, a line `<position> <lag ms> <commit ms>` is appended to this file after each
        /// committed batch: its last event's position, how long after the primary recorded it the
        /// replica committed it, and when (milliseconds since 1970), for benchmarks (the lag is
        /// only meaningful on one clock). Reading its last line is how a benchmark watches the
        /// replica without spending CPU beside it.
        public var lagLog: String? = nil

        public init(urls: [String], durable: String) {
            self.urls = urls
            self.durable = durable
        }
    }

    public let store: EventStore
    public let dataDirectory: String
    public let configuration: Configuration
    let log: @Sendable (String) -> Void
    private let lock = NSLock()
    private var stopped = false

    public init(store: EventStore, dataDirectory: String, configuration: Configuration, log: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.dataDirectory = dataDirectory
        self.configuration = configuration
        self.log = log
    }

    /// Makes `run` return soon.
    public func stop() { lock.withLock { stopped = true } }
    var isStopped: Bool { lock.withLock { stopped } }

    /// A durable name for the replica in `dataDirectory` on this host: stable across restarts,
    /// distinct between replicas.
    public static func defaultDurable(dataDirectory: String) -> String {
        let path = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        let host = ProcessInfo.processInfo.hostName
        let digest = EventHash.sha256(Array("\(host)\n\(path)".utf8)).description
        return "lumbung-replica-" + digest.prefix(16)
    }

    /// Follows the stream until `stop()` (see the contract). Blocks the calling thread.
    public func run() throws(ReplicationError) {
        let c = configuration
        try claimLog()
        guard
            let connection = retry(
                "connect to NATS at \(c.urls.joined(separator: ","))",
                {
                    () throws(NATSError) -> NATSConnection? in try NATSConnection(urls: c.urls, name: LumbungVersion.agent("follow"))
                })
        else { return }
        log("connected to \(connection.connectedURL ?? c.urls[0])")
        let js: JetStream
        do throws(NATSError) {
            js = try JetStream(connection: connection)
        } catch {
            throw ReplicationError(error.message)
        }
        var gaps = 0
        var gapHead: UInt64 = .max
        while !isStopped {
            guard let subscription = try subscribe(js) else { return }
            switch try follow(subscription, js) {
            case .stopped: return
            case .resubscribe: break
            case .gap(let message):
                let head = (try? store.head().position) ?? 0
                gaps = head == gapHead ? gaps + 1 : 1
                gapHead = head
                guard gaps <= 3 else {
                    throw ReplicationError("\(message), again after recreating the consumer: the stream lacks that position")
                }
                log("\(message): recreating the consumer at this log's head")
                _ = retry("delete consumer \(c.durable)") { () throws(NATSError) -> Bool? in
                    try js.deleteConsumer(stream: c.stream, durable: c.durable)
                    return true
                }
            }
        }
    }

    /// Marks the log as a replica of the stream, or checks it is one.
    private func claimLog() throws(ReplicationError) {
        let c = configuration
        do {
            if let source = try store.replicaSource() {
                guard source == c.stream else {
                    throw ReplicationError("the log in \(dataDirectory) is a replica of stream \(source), not of \(c.stream)")
                }
                return
            }
            let head = try store.head().position
            guard head == 0 || c.adopt else {
                throw ReplicationError(
                    "the log in \(dataDirectory) has \(head) events and is not a replica: follow into an empty data directory (or --adopt a copy of the primary's)"
                )
            }
            try store.setReplicaSource(c.stream)
        } catch let error as ReplicationError {
            throw error
        } catch {
            throw ReplicationError("cannot open the replica's log: \(error)")
        }
    }

    /// A pull subscription to the durable consumer, created (at this log's head) when missing
    /// or when it is ahead of the log; nil when stopped first.
    private func subscribe(_ js: JetStream) throws(ReplicationError) -> PullSubscription? {
        let c = configuration
        let filter = "\(c.subjectPrefix).>"
        var announced = false
        let subscription = retry("subscribe to stream \(c.stream)") { () throws(NATSError) -> PullSubscription? in
            guard try js.streamInfo(c.stream) != nil else {
                if !announced { log("waiting for stream \(c.stream) (the relay creates it)") }
                announced = true
                return nil
            }
            let head = (try? store.head().position) ?? 0
            if let info = try js.consumerInfo(stream: c.stream, durable: c.durable) {
                // Ahead of the head: delivered what a crash kept from the log. Behind it: would
                // deliver again what the log holds. Expecting acks or filtering subjects: made
                // by an older follower. Either way, start it afresh right after this log's head.
                if info.deliveredStreamSequence != head || info.expectsAcks || info.filterSubject != nil {
                    let made = info.expectsAcks ? " and expects acks" : info.filterSubject.map { " and filters \($0)" } ?? ""
                    log(
                        "consumer \(c.durable) has delivered up to \(info.deliveredStreamSequence)\(made), this log is at \(head): recreating it from \(head + 1)"
                    )
                    try js.deleteConsumer(stream: c.stream, durable: c.durable)
                    _ = try js.addPullConsumer(stream: c.stream, durable: c.durable, startSequence: head + 1)
                }
            } else {
                // The whole stream (no filter): every message of it must be the log's next event
                // anyway, and anything else is refused when it arrives.
                _ = try js.addPullConsumer(stream: c.stream, durable: c.durable, startSequence: head + 1)
                log("created consumer \(c.durable) from position \(head + 1)")
            }
            return try js.pullSubscribe(stream: c.stream, durable: c.durable, filterSubject: filter)
        }
        return subscription
    }

    enum Outcome {
        case stopped
        case resubscribe
        case gap(String)
    }

    /// Fetches, checks and appends until stopped or the subscription fails.
    private func follow(_ subscription: PullSubscription, _ js: JetStream) throws(ReplicationError) -> Outcome {
        let c = configuration
        var errors = 0
        var lastStatus = ContinuousClock.now - c.idleInterval
        var head: UInt64
        do {
            head = try store.head().position
        } catch {
            throw ReplicationError("cannot read the replica's log: \(error)")
        }
        // The batch being committed while the next one is fetched: fetching (network, decoding)
        // overlaps the commit (fsync). It is finished (awaited) before the next batch's messages
        // are checked against the log, so every check sees a durable head.
        var pending: PendingCommit? = nil
        func finishPending() throws(ReplicationError) {
            guard let p = pending else { return }
            pending = nil
            p.done.wait()
            guard let result = p.result else { throw ReplicationError("the replica's log was closed") }
            if case .failure(let error) = result {
                throw ReplicationError("refused position \(error.position ?? p.first) of stream \(c.stream): \(error.message)")
            }
            if let lagLog = c.lagLog, let committedAt = p.committedAt {
                let at = committedAt.millisecondsSince1970
                Self.appendLine("\(p.last.position) \(at - p.last.recordedAt.millisecondsSince1970) \(at)\n", to: lagLog)
            }
            let head = p.last.position
            if p.streamLast > 0, ContinuousClock.now - lastStatus >= .milliseconds(200) || p.streamLast <= head {
                record(max(p.streamLast, head))
                lastStatus = ContinuousClock.now
            }
        }
        defer { if pending != nil { try? finishPending() } }
        // How many messages to ask for: what the consumer had left after the last batch (a fetch
        // returns at once when that many are there), at most a batch, at least one. A fetch of a
        // whole batch when only a few are pending would wait until the batch fills or
        // `fetchWait` is up, and the replica of a slow log would lag by that much.
        var request = c.batchSize
        while !isStopped {
            let messages: [JetStreamMessage]
            do throws(NATSError) {
                messages = try subscription.fetch(batch: request, timeout: c.fetchWait)
                errors = 0
            } catch {
                try finishPending()
                errors += 1
                log("cannot fetch from stream \(c.stream) (\(errors)): \(error.message)")
                if errors >= 3 { return .resubscribe }
                Thread.sleep(forTimeInterval: 0.25 * Double(errors))
                continue
            }
            try finishPending()
            if messages.isEmpty {
                if ContinuousClock.now - lastStatus >= c.idleInterval, let info = try? js.streamInfo(c.stream) {
                    record(info.lastSequence)
                    lastStatus = ContinuousClock.now
                }
                continue
            }
            var events: [RecordedEvent] = []
            events.reserveCapacity(messages.count)
            var streamLast: UInt64 = 0
            var next = head + 1
            for message in messages {
                let meta: MessageMetadata
                do throws(NATSError) {
                    meta = try message.metadata()
                } catch {
                    throw ReplicationError("a message of stream \(c.stream) has no JetStream metadata: \(error.message)")
                }
                let sequence = meta.streamSequence
                let event: RecordedEvent
                do throws(ReplicationError) {
                    event = try message.withData { b throws(ReplicationError) in try EventWire.decode(b) }
                } catch {
                    throw ReplicationError("message \(sequence) of stream \(c.stream) is not an event: \(error.message); refused")
                }
                guard event.position == sequence else {
                    throw ReplicationError(
                        "message \(sequence) of stream \(c.stream) carries position \(event.position): the stream does not hold a Lumbung log in order; refused"
                    )
                }
                streamLast = max(streamLast, sequence + meta.pending)
                request = Int(min(UInt64(c.batchSize), max(1, meta.pending)))
                if sequence < next {
                    // Delivered again (after a NATS node's restart): it must be what this log holds.
                    let mine: RecordedEvent?
                    do {
                        mine = try store.event(at: sequence)
                    } catch {
                        throw ReplicationError("cannot read the replica's log: \(error)")
                    }
                    guard mine == event else {
                        throw ReplicationError(
                            "position \(sequence) of stream \(c.stream) differs from this replica's event at that position: they diverged; refused"
                        )
                    }
                    continue
                }
                guard sequence == next else {
                    if !events.isEmpty { break }
                    return .gap("stream \(c.stream) delivered position \(sequence) after \(head)")
                }
                events.append(event)
                next += 1
            }
            guard let first = events.first, let last = events.last else { continue }  // only what the log already holds
            let commit = PendingCommit(first: first.position, last: last, streamLast: streamLast)
            do throws(EventLogError) {
                try store.submitReplicated(events) { result in
                    // On the log's writer thread: the commit's time is taken now (for --lag-log),
                    // the line written by this loop, while the writer goes on.
                    if case .success = result { commit.committedAt = Timestamp.now() }
                    commit.result = result
                    commit.done.signal()
                }
            } catch {
                throw ReplicationError("refused position \(error.position ?? events[0].position) of stream \(c.stream): \(error.message)")
            }
            pending = commit
            head = next - 1
        }
        try finishPending()
        return .stopped
    }

    private static func appendLine(_ line: String, to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { return }
        _ = line.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }

    private func record(_ streamLastSequence: UInt64) {
        do {
            try ReplicationStatus(stream: configuration.stream, streamLastSequence: streamLastSequence).write(dataDirectory: dataDirectory)
        } catch {
            log("cannot record the replication status: \(error)")
        }
    }

    /// Calls `body` until it returns a value, logging each new error, waiting between tries
    /// (after an error 0.1 s doubling to 2 s; after a nil, "not yet", a steady 0.1 s, so that a
    /// replica starts as soon as what it waits for appears); nil when stopped first.
    private func retry<T>(_ what: String, _ body: () throws(NATSError) -> T?) -> T? {
        var pause = 0.1
        var lastMessage = ""
        while !isStopped {
            do throws(NATSError) {
                if let value = try body() { return value }
                Thread.sleep(forTimeInterval: 0.1)
                continue
            } catch {
                if error.message != lastMessage {
                    log("cannot \(what) (retrying): \(error.message)")
                    lastMessage = error.message
                }
            }
            Thread.sleep(forTimeInterval: pause)
            pause = min(pause * 2, 2)
        }
        return nil
    }
}

/// A batch handed to the log's writer and not yet known committed by the follower's loop.
private final class PendingCommit: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    /// Set by the writer's thread before `done` is signalled: the outcome, and when it committed.
    var result: Result<AppendOutcome, EventLogError>?
    var committedAt: Timestamp?
    let first: UInt64
    /// The batch's last event (its position is the log's head once the batch is committed).
    let last: RecordedEvent
    let streamLast: UInt64

    init(first: UInt64, last: RecordedEvent, streamLast: UInt64) {
        self.first = first
        self.last = last
        self.streamLast = streamLast
    }
}
