import CoreMetrics
public import EventLog
import Foundation
public import Logging
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
/// - Only the primary is trusted, through its key (`primaryKey`): fetched events are held, not
///   written, until a message carries a signed tree head (`EventWire.signedHeadHeader`) signed
///   by that key at the message's own position; then the events up to it are appended in one
///   write transaction that commits only if the replica's Merkle root at that size is the signed
///   root (`EventStore.appendReplicated(_:signedHead:)`), and the head is kept as the replica's
///   digest. A head signed by another key, with a bad signature, at another size or over another
///   root, refuses the run: nothing of it is written and `run` throws naming the position. So
///   does a run with no signed head after `EventStore.maxReplicatedEvents` events or within
///   `signedHeadWait` (a publisher other than the primary's relay, which cannot sign).
/// - When `run` throws, the status file says so (`ReplicationStatus.stopped`, the reason and the
///   refused position) for `/health`; the next `run` clears it.
/// - Where the replica stands is its own log's head, nothing else. The durable consumer expects
///   no acks (its position advances as it delivers: no per-message state in JetStream, no ack
///   traffic); whenever the follower (re)subscribes and the consumer is not exactly at the head
///   (a crash between a fetch and its commit left it ahead), it is recreated at head + 1. A
///   crash at any point loses nothing: what was fetched and not committed is fetched again.
/// - The stream's last sequence it saw is written to `ReplicationStatus` in the data directory
///   (for `stats` and `/health`), after each batch and, when idle, every `idleInterval`.
/// - `afterApplying` (when set) is called with each run once it is committed, on the follower's
///   thread, before the next run is checked (the replication of subject keys imports keys and
///   forgets subjects there).
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
        /// The primary's Ed25519 public key (32 bytes, its audit key): the only key whose signed
        /// heads the replica commits under.
        public var primaryKey: [UInt8]
        /// How long fetched events may wait for a signed head covering them before the follower
        /// refuses them (the primary's relay signs the last message of every run).
        public var signedHeadWait: Duration = .seconds(300)
        /// How the follower authenticates to NATS (and checks it, with TLS).
        public var credentials = NATSConnection.Credentials()
        /// Where it counts what it applied and refused.
        public var metrics = ReplicationMetrics()
        /// Called on the follower's thread with each run of events once it is committed (durable
        /// in the replica's log), in position order: what the events need beside the log (a
        /// subject's key, its erasure) is done here. It must not throw nor fail the follower (it
        /// logs what it could not do). Events a crash kept from it are in the log: whoever sets
        /// it catches up on them before `run`. Nil: nothing is done.
        public var afterApplying: (@Sendable ([RecordedEvent]) -> Void)? = nil

        public init(urls: [String], durable: String, primaryKey: [UInt8]) {
            self.urls = urls
            self.durable = durable
            self.primaryKey = primaryKey
        }
    }

    public let store: EventStore
    public let dataDirectory: String
    public let configuration: Configuration
    let logger: Logger
    let log: @Sendable (String) -> Void
    private let lock = NSLock()
    private var stopped = false
    /// The size of the last signed head verified and committed (the follower's thread only).
    private var verifiedTreeSize: UInt64?

    public init(store: EventStore, dataDirectory: String, configuration: Configuration, logger: Logger) {
        self.store = store
        self.dataDirectory = dataDirectory
        self.configuration = configuration
        self.logger = logger
        log = { logger.info("\($0)") }
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
        do throws(ReplicationError) {
            try follow()
        } catch {
            if error.position != nil { configuration.metrics.refusedRuns.increment() }
            logger.error("stopped: \(error.message)", metadata: error.position.map { ["position": "\($0)"] } ?? [:])
            let last = ReplicationStatus.read(dataDirectory: dataDirectory)?.streamLastSequence ?? 0
            do {
                try ReplicationStatus(
                    stream: configuration.stream, streamLastSequence: last, verifiedTreeSize: verifiedTreeSize,
                    stoppedBecause: error.message, refusedPosition: error.position
                ).write(dataDirectory: dataDirectory)
            } catch {
                logger.error("cannot record the replication status: \(error)")
            }
            throw error
        }
    }

    private func follow() throws(ReplicationError) {
        let c = configuration
        try claimLog()
        verifiedTreeSize = try? store.primarySignedHead()?.treeSize
        let start = (try? store.head().position) ?? 0
        record(max(ReplicationStatus.read(dataDirectory: dataDirectory)?.streamLastSequence ?? 0, start))
        let credentials = c.credentials
        guard
            let connection = retry(
                "connect to NATS at \(c.urls.joined(separator: ","))",
                {
                    () throws(NATSError) -> NATSConnection? in
                    try NATSConnection(urls: c.urls, name: LumbungVersion.agent("follow"), credentials: credentials)
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
            switch try consume(subscription, js) {
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
    private func consume(_ subscription: PullSubscription, _ js: JetStream) throws(ReplicationError) -> Outcome {
        let c = configuration
        var errors = 0
        var lastStatus = ContinuousClock.now - c.idleInterval
        // `head`: the log's head once what was handed to the writer is committed. `held`: events
        // fetched after it, not yet covered by a verified signed head (never written), held since
        // `heldSince`.
        var head: UInt64
        do {
            head = try store.head().position
        } catch {
            throw ReplicationError("cannot read the replica's log: \(error)")
        }
        var held: [RecordedEvent] = []
        var heldSince = ContinuousClock.now
        // The run being committed while the next one is fetched: fetching (network, decoding)
        // overlaps the commit (fsync). It is finished (awaited) before the next batch's messages
        // are checked against the log, so every check sees a durable head.
        var pending: PendingCommit? = nil
        func finishPending() throws(ReplicationError) {
            guard let p = pending else { return }
            pending = nil
            p.done.wait()
            guard let result = p.result else { throw ReplicationError("the replica's log was closed") }
            if case .failure(let error) = result {
                let position = error.position ?? p.first
                throw ReplicationError(
                    "refused the run of positions \(p.first)-\(p.last.position) of stream \(c.stream) at position \(position): \(error.message)",
                    position: position)
            }
            c.metrics.appliedEvents.increment(by: Int64(p.last.position - p.first + 1))
            c.afterApplying?(p.events)
            let took = ((p.committedAt ?? ContinuousClock.now) - p.submittedAt).components
            c.metrics.runApplyLatency.recordNanoseconds(took.seconds * 1_000_000_000 + took.attoseconds / 1_000_000_000)
            verifiedTreeSize = p.signedHead.treeSize
            if let lagLog = c.lagLog, let committedAt = p.committedAtTime {
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
        // `fetchWait` is up, and the replica of a slow log would lag by that much. Never more
        // than a replicated append takes besides what is held.
        var request = c.batchSize
        while !isStopped {
            let messages: [JetStreamMessage]
            do throws(NATSError) {
                let room = max(1, EventStore.maxReplicatedEvents - held.count)
                messages = try subscription.fetch(batch: min(request, room), timeout: c.fetchWait)
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
                try refuseIfUnsignedTooLong(held, since: heldSince)
                if ContinuousClock.now - lastStatus >= c.idleInterval, let info = try? js.streamInfo(c.stream) {
                    record(info.lastSequence)
                    lastStatus = ContinuousClock.now
                }
                continue
            }
            var streamLast: UInt64 = 0
            var next = head + UInt64(held.count) + 1
            var took = false
            // How many of `held` the latest verified signed head covers, and that head.
            var covered = 0
            var signed: SignedTreeHead? = nil
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
                    throw ReplicationError(
                        "message \(sequence) of stream \(c.stream) is not an event: \(error.message); refused", position: sequence)
                }
                guard event.position == sequence else {
                    throw ReplicationError(
                        "message \(sequence) of stream \(c.stream) carries position \(event.position): the stream does not hold a Lumbung log in order; refused",
                        position: sequence)
                }
                streamLast = max(streamLast, sequence + meta.pending)
                request = Int(min(UInt64(c.batchSize), max(1, meta.pending)))
                if sequence < next {
                    // Delivered again (after a NATS node's restart): it must be what this log
                    // holds, or what is held.
                    let mine: RecordedEvent?
                    if sequence > head {
                        mine = held[Int(sequence - head - 1)]
                    } else {
                        do {
                            mine = try store.event(at: sequence)
                        } catch {
                            throw ReplicationError("cannot read the replica's log: \(error)")
                        }
                    }
                    guard mine == event else {
                        throw ReplicationError(
                            "position \(sequence) of stream \(c.stream) differs from this replica's event at that position: they diverged; refused",
                            position: sequence)
                    }
                    continue
                }
                guard sequence == next else {
                    if took { break }
                    return .gap("stream \(c.stream) delivered position \(sequence) after \(next - 1)")
                }
                if held.isEmpty { heldSince = .now }
                held.append(event)
                took = true
                next += 1
                if let value = message.header(EventWire.signedHeadHeader) {
                    signed = try verifiedHead(value, at: sequence)
                    covered = held.count
                } else if held.count - covered >= EventStore.maxReplicatedEvents {
                    throw ReplicationError(
                        "\(held.count - covered) events from position \(head + UInt64(covered) + 1) of stream \(c.stream) came without a signed head of the primary: they were not published by the primary's relay; refused",
                        position: head + UInt64(covered) + 1)
                }
            }
            guard let signed else {
                try refuseIfUnsignedTooLong(held, since: heldSince)
                continue
            }
            let run = Array(held[..<covered])
            held.removeFirst(covered)
            heldSince = .now
            let commit = PendingCommit(
                first: run[0].position, last: run[run.count - 1], streamLast: streamLast, signedHead: signed,
                events: c.afterApplying == nil ? [] : run)
            do throws(EventLogError) {
                try store.submitReplicated(run, signedHead: signed) { result in
                    // On the log's writer thread: the commit's time is taken now (for --lag-log),
                    // the line written by this loop, while the writer goes on.
                    if case .success = result {
                        commit.committedAt = .now
                        commit.committedAtTime = Timestamp.now()
                    }
                    commit.result = result
                    commit.done.signal()
                }
            } catch {
                let position = error.position ?? run[0].position
                throw ReplicationError("refused position \(position) of stream \(c.stream): \(error.message)", position: position)
            }
            pending = commit
            head += UInt64(run.count)
        }
        try finishPending()
        return .stopped
    }

    /// The signed head in a `Lumbung-Signed-Head` header of the message at `position`, checked:
    /// signed by the primary's key, validly, at that very position. (Its root is checked against
    /// the replica's own tree when the run is written.)
    private func verifiedHead(_ value: String, at position: UInt64) throws(ReplicationError) -> SignedTreeHead {
        let c = configuration
        func refused(_ why: String) -> ReplicationError {
            ReplicationError("message \(position) of stream \(c.stream) \(why): its run is refused", position: position)
        }
        let head: SignedTreeHead
        do throws(ReplicationError) {
            head = try EventWire.signedHead(value)
        } catch {
            throw refused(error.message)
        }
        guard head.publicKey == c.primaryKey else {
            throw refused(
                "carries a head signed by key \(Hex.encode(head.publicKey)), not by the primary's key \(Hex.encode(c.primaryKey))")
        }
        guard head.hasValidSignature else { throw refused("carries a head whose signature is not valid for the primary's key") }
        guard head.treeSize == position else { throw refused("carries a head of \(head.treeSize) events, not of \(position)") }
        return head
    }

    /// Refuses `held` events (never written) that waited longer than `signedHeadWait` for a
    /// signed head.
    private func refuseIfUnsignedTooLong(_ held: [RecordedEvent], since: ContinuousClock.Instant) throws(ReplicationError) {
        guard let first = held.first, ContinuousClock.now - since > configuration.signedHeadWait else { return }
        throw ReplicationError(
            "\(held.count) events from position \(first.position) of stream \(configuration.stream) waited more than \(configuration.signedHeadWait) for a signed head of the primary: they were not published by the primary's relay; refused",
            position: first.position)
    }

    private static func appendLine(_ line: String, to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { return }
        _ = line.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }

    private func record(_ streamLastSequence: UInt64) {
        do {
            try ReplicationStatus(stream: configuration.stream, streamLastSequence: streamLastSequence, verifiedTreeSize: verifiedTreeSize)
                .write(dataDirectory: dataDirectory)
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
    var committedAt: ContinuousClock.Instant?
    var committedAtTime: Timestamp?
    let submittedAt = ContinuousClock.now
    let first: UInt64
    /// The batch's last event (its position is the log's head once the batch is committed).
    let last: RecordedEvent
    let streamLast: UInt64
    /// The primary's signed head at `last`, which the commit verified.
    let signedHead: SignedTreeHead
    /// The run's events, for `Configuration.afterApplying` (empty when it is not set).
    let events: [RecordedEvent]

    init(first: UInt64, last: RecordedEvent, streamLast: UInt64, signedHead: SignedTreeHead, events: [RecordedEvent]) {
        self.first = first
        self.last = last
        self.streamLast = streamLast
        self.signedHead = signedHead
        self.events = events
    }
}
