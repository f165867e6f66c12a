import ArgumentParser
import EventLog
import Foundation
import JSON
import Logging
import LumbungCore
import PersonalData
import Replication

/// Options of `relay` and `follow` for the replication of subject keys (issue 14).
struct KeyReplicationOptions: ParsableArguments {
    @Option(
        name: .customLong("replication-key-file"),
        help: ArgumentHelp(
            "The replication key (32 bytes, 0600): relay: seal subject keys with it (made when missing); follow: open them. Without it no key is replicated.",
            valueName: "PATH"))
    var replicationKeyFile: String?
    @Option(name: .customLong("key-bucket"), help: "JetStream key-value bucket of the replicated subject keys.")
    var keyBucket = "lumbung-keys"

    func validate() throws {
        guard KeyValueBucket.isValidBucketName(keyBucket) else {
            throw ValidationError("--key-bucket may hold only letters, digits, - and _")
        }
    }
}

/// A refusal of the replication key: the command exits 64 naming the file.
func replicationKeyRefusal(_ message: String) -> ValidationError { ValidationError(message) }

/// The relay's side of key replication: before an event that names a subject is published, the
/// subject's data key (read from the primary's vault) is put in the bucket, sealed under the
/// replication key, and acknowledged; before a `privacy.subject-forgotten` is published, the
/// subject's key is purged from the bucket.
///
/// Contract:
/// - A subject is put once per process (a resync or a restart may put it again: history 1, the
///   same value replaces it). A subject forgotten in the log (read at start) or in the vault is
///   never put; one forgotten while the relay runs is purged and never put again by it.
/// - The bucket is opened (created with history 1 when missing) on first use, and the
///   replication key's fingerprint checked against the one the bucket records
///   (`ReplicationKey.checkKey`, recorded when absent): another key is refused (`Mismatch`) and
///   holds the relay back rather than seal keys no replica can open.
/// - Any failure throws: the relay holds the event back and retries (`Relay.Configuration.beforePublishing`).
final class RelayKeyPublisher: @unchecked Sendable {
    struct Mismatch: Error, CustomStringConvertible {
        let description: String
    }

    let vault: Vault
    let key: ReplicationKey
    let bucketName: String
    let urls: [String]
    let credentials: NATSConnection.Credentials
    let replicas: Int
    let memoryStorage: Bool
    let logger: Logger
    private let lock = NSLock()
    private var bucket: KeyValueBucket?
    private var published: Set<String> = []
    private var forgotten: Set<String>

    init(
        vault: Vault, key: ReplicationKey, forgottenInLog: Set<String>, bucketName: String, urls: [String],
        credentials: NATSConnection.Credentials, replicas: Int, memoryStorage: Bool = false, logger: Logger
    ) {
        self.vault = vault
        self.key = key
        self.forgotten = forgottenInLog
        self.bucketName = bucketName
        self.urls = urls
        self.credentials = credentials
        self.replicas = replicas
        self.memoryStorage = memoryStorage
        self.logger = logger
    }

    /// Every subject a `privacy.subject-forgotten` of `store` names.
    static func forgottenSubjects(in store: EventStore) throws -> Set<String> {
        var out: Set<String> = []
        try store.forEachRecord(EventFilter(types: [SealedSubjects.forgottenType])) { view in
            if let data = try? view.decode().dataValue(), let s = SealedSubjects.subject(forgottenBy: view.type, data: data) {
                out.insert(s)
            }
            return true
        }
        return out
    }

    /// The bucket, opened (and the key's fingerprint checked) on first use.
    func openBucket() throws -> KeyValueBucket {
        if let bucket = lock.withLock({ bucket }) { return bucket }
        let connection = try NATSConnection(urls: urls, name: "lumbung-relay-keys", credentials: credentials)
        let js = try JetStream(connection: connection)
        guard
            let opened = try KeyValueBucket.open(
                bucketName, in: js, create: true, history: 1, replicas: replicas, memoryStorage: memoryStorage)
        else { throw NATSError(status: 0, message: "cannot open key-value bucket \(bucketName)") }
        let recorded = try opened.get(ReplicationKey.checkKey)
        if recorded != nil {
            guard key.matches(recorded: recorded) else {
                throw Mismatch(
                    description:
                        "--replication-key-file \(key.path) is not the key the subject keys of bucket \(bucketName) are sealed under: give the replication key its replicas hold (or purge the bucket to start over with a new key)"
                )
            }
        } else {
            try opened.put(ReplicationKey.checkKey, key.recordedFingerprint)
            logger.info("bucket \(bucketName): recorded the fingerprint of \(key.path)")
        }
        let history = (try? opened.history()) ?? 1
        if history != 1 {
            logger.warning("bucket \(bucketName) keeps \(history) revisions of a key: a purge removes them all, but use history 1")
        }
        lock.withLock { bucket = opened }
        return opened
    }

    /// The types `beforePublishing` is for (`Relay.Configuration.beforePublishingTypes`).
    static var types: Set<String> { SealedSubjects.sealedTypes.union([SealedSubjects.forgottenType]) }

    /// `Relay.Configuration.beforePublishing`: see the contract.
    func beforePublishing(_ event: RecordedEvent) throws {
        let isForget = event.type == SealedSubjects.forgottenType
        guard isForget || SealedSubjects.sealedTypes.contains(event.type) else { return }
        let data = try event.dataValue()
        if isForget {
            guard let subject = SealedSubjects.subject(forgottenBy: event.type, data: data) else { return }
            try openBucket().purge(subject)
            lock.withLock {
                forgotten.insert(subject)
                published.remove(subject)
            }
            logger.info("position \(event.position): purged the key of \(subject) from bucket \(bucketName)")
            return
        }
        guard let subject = SealedSubjects.subject(needingKeyOf: event.type, data: data) else { return }
        let skip = lock.withLock { published.contains(subject) || forgotten.contains(subject) }
        guard !skip else { return }
        guard let sealed = try key.sealedKey(of: subject, in: vault) else {
            // Forgotten in the vault (its event is further on in the log): nothing to publish.
            lock.withLock { _ = forgotten.insert(subject) }
            return
        }
        try openBucket().put(subject, sealed)
        lock.withLock { _ = published.insert(subject) }
    }
}

/// The follower's side of key replication: after a run is committed to the replica's log, each
/// subject an event names whose key the replica's vault lacks (and has not forgotten) gets its
/// key from the bucket, opened with the replication key and stored in the replica's vault under
/// its own `vault.key`, with the blind index of the NIK; each `privacy.subject-forgotten`
/// forgets its subject in the replica's vault.
///
/// Contract:
/// - Never fails the follower: a key the bucket lacks (purged, never put, no bucket), NATS being
///   unreachable, or a value that does not open is logged, and the subject's fields stay erased
///   on the replica (until `catchUp` at the next start finds the key).
/// - `checkKey` (at start, before the data directory is opened) refuses a replication key whose
///   fingerprint is not the one the bucket records.
final class FollowerKeyImporter: @unchecked Sendable {
    let vault: Vault
    /// The replica's log: a rotation of its vault's master key is recorded in its metadata.
    let store: EventStore
    let key: ReplicationKey
    let bucketName: String
    let urls: [String]
    let credentials: NATSConnection.Credentials
    let logger: Logger
    private let lock = NSLock()
    private var bucket: KeyValueBucket?
    private var announcedMissingBucket = false
    /// When opening the bucket last failed: not tried again for 10 s (the follower waits on it).
    private var failedAt: ContinuousClock.Instant?

    init(
        vault: Vault, store: EventStore, key: ReplicationKey, bucketName: String, urls: [String], credentials: NATSConnection.Credentials,
        logger: Logger
    ) {
        self.store = store
        self.vault = vault
        self.key = key
        self.bucketName = bucketName
        self.urls = urls
        self.credentials = credentials
        self.logger = logger
    }

    /// Refuses (`ValidationError`, exit 64, naming the file) a replication key that is not the one
    /// the bucket's keys are sealed under. NATS unreachable, or no bucket yet: logged, not refused.
    static func checkKey(_ key: ReplicationKey, bucketName: String, urls: [String], credentials: NATSConnection.Credentials, logger: Logger)
        throws
    {
        let recorded: [UInt8]?
        do {
            let connection = try NATSConnection(urls: urls, name: "lumbung-follow-keys", credentials: credentials)
            defer { connection.close() }
            let js = try JetStream(connection: connection)
            guard let bucket = try KeyValueBucket.open(bucketName, in: js, create: false) else {
                logger.info("no key-value bucket \(bucketName) yet: personal fields stay erased until the relay puts keys in it")
                return
            }
            recorded = try bucket.get(ReplicationKey.checkKey)
        } catch {
            logger.warning("cannot check the replication key against bucket \(bucketName) now: \(error)")
            return
        }
        if !key.matches(recorded: recorded) {
            throw replicationKeyRefusal(
                "--replication-key-file \(key.path) is not the primary's replication key: the keys of bucket \(bucketName) are sealed under another; copy the primary's \(ReplicationKey.fileName)"
            )
        }
    }

    private func openBucket() -> KeyValueBucket? {
        let (cached, failed) = lock.withLock { (bucket, failedAt) }
        if let cached { return cached }
        if let failed, ContinuousClock.now - failed < .seconds(10) { return nil }
        lock.withLock { failedAt = .now }
        do {
            let connection = try NATSConnection(urls: urls, name: "lumbung-follow-keys", credentials: credentials)
            let js = try JetStream(connection: connection)
            guard let opened = try KeyValueBucket.open(bucketName, in: js, create: false) else {
                if !lock.withLock({ announcedMissingBucket }) {
                    logger.warning("no key-value bucket \(bucketName): personal fields stay erased on this replica")
                    lock.withLock { announcedMissingBucket = true }
                }
                return nil
            }
            lock.withLock {
                bucket = opened
                failedAt = nil
            }
            return opened
        } catch {
            logger.warning("cannot open key-value bucket \(bucketName): \(error)")
            return nil
        }
    }

    /// `Follower.Configuration.afterApplying`: see the contract.
    func afterApplying(_ events: [RecordedEvent]) {
        for event in events {
            guard let data = try? event.dataValue() else { continue }
            if let subject = SealedSubjects.subject(forgottenBy: event.type, data: data) {
                do {
                    try vault.forget(subject)
                    // As on the primary: what freed pages keep of the key is left under a master key that is gone.
                    try PrivacyOffice.rotateMasterKey(store: store, vault: vault)
                    logger.info("position \(event.position): forgot \(subject) in this replica's vault (its vault.key rotated)")
                } catch {
                    logger.error("position \(event.position): cannot forget \(subject) in this replica's vault: \(error)")
                }
            } else if let subject = SealedSubjects.subject(needingKeyOf: event.type, data: data) {
                importKey(subject, position: event.position, identifier: SealedSubjects.identifier(of: event.type, data: data))
            }
        }
    }

    /// Gets the key of every subject the replica's log names that its vault lacks and has not
    /// forgotten (a crash between a commit and `afterApplying`, or a replica followed before with
    /// no replication key). Returns how many keys it stored.
    @discardableResult
    func catchUp(store: EventStore) -> Int {
        var wanted: [(subject: String, position: UInt64, identifier: (purpose: BlindIndexPurpose, field: String, value: SealedValue)?)] = []
        var seen: Set<String> = []
        do {
            try store.forEachRecord(EventFilter(types: SealedSubjects.sealedTypes)) { view in
                let event = view.decode()
                guard let data = try? event.dataValue(), let subject = SealedSubjects.subject(needingKeyOf: event.type, data: data),
                    seen.insert(subject).inserted
                else { return true }
                wanted.append((subject, event.position, SealedSubjects.identifier(of: event.type, data: data)))
                return true
            }
        } catch {
            logger.error("cannot read this replica's log for the subjects it names: \(error)")
            return 0
        }
        guard !wanted.isEmpty, openBucket() != nil else { return 0 }
        var stored = 0
        for w in wanted where importKey(w.subject, position: w.position, identifier: w.identifier) { stored += 1 }
        if stored > 0 { logger.info("got the keys of \(stored) subjects from bucket \(bucketName)") }
        return stored
    }

    /// Gets `subject`'s key from the bucket into the vault when the vault lacks it and has not
    /// forgotten it; whether it stored one.
    @discardableResult
    private func importKey(
        _ subject: String, position: UInt64, identifier: (purpose: BlindIndexPurpose, field: String, value: SealedValue)?
    ) -> Bool {
        do {
            guard try !vault.hasKey(subject), try !vault.isForgotten(subject) else { return false }
        } catch {
            logger.error("cannot read this replica's vault: \(error)")
            return false
        }
        guard let bucket = openBucket() else { return false }
        do {
            guard let sealed = try bucket.get(subject) else {
                logger.info(
                    "position \(position): bucket \(bucketName) holds no key for \(subject) (forgotten, or not relayed with a replication key): its fields stay erased here"
                )
                return false
            }
            return try key.importKey(sealed, subject: subject, into: vault, sealedIdentifier: identifier)
        } catch {
            logger.error("position \(position): cannot get the key of \(subject): \(error); its fields stay erased here")
            return false
        }
    }
}
