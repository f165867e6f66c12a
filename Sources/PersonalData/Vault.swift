public import Crypto
import Dispatch
import Foundation
import LMDB

/// The vault beside the log: one random data key per subject (a person, or later a household),
/// kept in its own LMDB environment (`<data dir>/vault/`), each key wrapped (AES-256-GCM) by a
/// key derived from the master key (`vault.key`), and the blind indexes that find a subject by
/// an identifier (a NIK) without storing the identifier.
///
/// Contract:
/// - Personal fields reach the log only as `SealedValue`s under a subject's key; subject keys and
///   blind indexes live only here, never in the log, views or exports.
/// - Keys derived from the master key with HKDF-SHA256, one per purpose: the wrapping key
///   (`lumbung vault wrap v1`) and one blind-index key per `BlindIndexPurpose`
///   (`lumbung blind index v1 <purpose>`).
/// - A blind index is `purpose + ":" + hex(HMAC-SHA256(indexKey, identifier))`; it maps to the
///   subject's pseudonym.
/// - `forget` destroys a subject's key and its blind-index entries: the wrapped key is first
///   overwritten with random bytes (one transaction), then deleted with the index entries and
///   the subject recorded as forgotten (a second). Everything sealed under it stays unreadable.
///   LMDB writes copy-on-write, so the page that held the wrapped key before the overwrite is on
///   the free list until reused: see docs/privacy.md for what remains on disk.
/// - Making a subject costs no commit of the vault (issue 14's cost goal), and stays crash safe:
///   - keys are made ahead, in a **pool**: a batch of pseudonyms with their wrapped keys written
///     in one durable transaction (`refillPool`), before any of them is handed out. A key of the
///     pool is in the vault's file before any event can be sealed under it; one never handed out
///     (a process that ended) is a key that seals nothing.
///   - a new subject's blind index is **pending**: held in memory (and found there) until the next
///     `checkpoint` writes it, durably, with the log position it covers (`indexedThrough`). The
///     owner checkpoints about once a second and on close (`startCheckpoints`, `close`).
///   - after a crash, the indexes lost with the memory are made again from the log: every event
///     after `indexedThrough` names its subject and holds its identifier sealed under the subject's
///     (durable) key (`PrivacyOffice.recoverIndexes`, `restoreIndexes`).
/// - Unwrapped keys are cached (`keyCacheLimit` subjects), each checked at use against the wrapped
///   key in the file: a key destroyed by another process is never used from the cache.
/// - The master key is **rotated** after erasures (`rotateMasterKey`): every remaining subject key
///   is wrapped again, and every blind index made again, under a new master key, in one
///   transaction; the old `vault.key` is then replaced. What LMDB's copy-on-write leaves on freed
///   pages (a forgotten subject's wrapped key, its blind index) is under a master key that no
///   longer exists. To make indexes again, each subject's identifiers are kept sealed under its own
///   key (`identities`). The vault records its master key's fingerprint and a generation; another
///   process on the same vault sees the generation change and loads the new key from the files.
public final class Vault: @unchecked Sendable {
    public static let directoryName = "vault"

    /// Why the vault refused or failed.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public enum Code: Sendable, Equatable { case storage, damaged, unknownSubject, wrongMasterKey }
        public let code: Code
        public let message: String
        public init(_ code: Code, _ message: String) {
            self.code = code
            self.message = message
        }
        public var description: String { message }
    }

    let env: Environment
    /// pseudonym -> wrapped data key (60 bytes: nonce, key, tag).
    let subjects: Database<UTF8String, Bytes>
    /// blind index -> pseudonym.
    let indexes: Database<UTF8String, UTF8String>
    /// pseudonym -> its blind indexes, one per line (to delete them with the subject).
    let subjectIndexes: Database<UTF8String, UTF8String>
    /// pseudonyms forgotten.
    let forgotten: Database<UTF8String, LMDB.Unit>
    /// `indexed-through` -> the log position through which every subject's indexes are written;
    /// `generation` -> how many times the master key was rotated; `identities` -> 1 once every
    /// subject's identifiers are kept in `identities`.
    let meta: Database<UTF8String, UInt64BE>
    /// pseudonym -> the subject's identifiers (`purpose` TAB `identifier`, one per line), sealed
    /// under the subject's own key: what a rotation makes the blind indexes again from.
    let identities: Database<UTF8String, Bytes>
    /// `master-fingerprint` -> `masterFingerprint` of the master key the vault is wrapped under.
    let keyring: Database<UTF8String, Bytes>
    /// The keys derived from the current master key (guarded by `lock`).
    var keys: MasterKeys
    /// Where the master key lives, for rotations and for reloading a key another process rotated
    /// (nil: a vault with no key files, as in benchmarks and unit tests; it cannot rotate).
    public let keyFiles: MasterKeyFiles?

    /// Guards the pool, the pending indexes, the key cache and the checkpoint timer.
    let lock = NSLock()
    /// Keys made ahead (durable), not yet handed out, with their wrapped form.
    var pool: [(pseudonym: String, key: SymmetricKey, wrapped: [UInt8])] = []
    /// How many keys the next refill makes: doubles (to `maxPoolBatch`) when the pool ran dry
    /// within a second of the last refill, back to `minPoolBatch` otherwise.
    var poolBatch = minPoolBatch
    var lastRefill: ContinuousClock.Instant?
    static let minPoolBatch = 32
    static let maxPoolBatch = 1024
    /// Blind index -> subject made since the last checkpoint (not yet in the file), with the
    /// identifier it was made for.
    var pending: [String: PendingIndex] = [:]
    /// Unwrapped keys by subject, with the wrapped form they came from.
    var keyCache: [String: (wrapped: [UInt8], key: SymmetricKey)] = [:]
    /// How many unwrapped keys the cache holds at most.
    public static let keyCacheLimit = 4096
    var checkpointTimer: (any DispatchSourceTimer)?
    /// The log's head position, read by each checkpoint before it writes (`startCheckpoints`).
    var logPosition: (@Sendable () throws -> UInt64)?
    /// The last checkpoint's failure (nil after one that succeeded).
    public private(set) var lastCheckpointError: (any Error)?

    /// Opens (creating, 0700) the vault environment in `directory` under `masterKey`, refusing a
    /// master key that is not the one the vault records (`Failure.Code.wrongMasterKey`).
    /// `keyFiles` name the files that hold it (needed to rotate). `durable` false skips fsync at
    /// commit (benchmarks only: a subject made just before a crash could lose its key while the
    /// log keeps its sealed fields).
    public init(directory: String, masterKey: SymmetricKey, keyFiles: MasterKeyFiles? = nil, durable: Bool = true) throws {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var options = Environment.Options()
        options.noSync = !durable
        options.mapSize = 8 << 20
        options.maxDatabases = Self.maxDatabases
        env = try Environment(path: directory, options: options)
        subjects = try env.database("subjects", key: UTF8String.self, value: Bytes.self)
        indexes = try env.database("indexes", key: UTF8String.self, value: UTF8String.self)
        subjectIndexes = try env.database("subject-indexes", key: UTF8String.self, value: UTF8String.self)
        forgotten = try env.database("forgotten", key: UTF8String.self, value: LMDB.Unit.self)
        meta = try env.database("meta", key: UTF8String.self, value: UInt64BE.self)
        identities = try env.database("identities", key: UTF8String.self, value: Bytes.self)
        keyring = try env.database("keyring", key: UTF8String.self, value: Bytes.self)
        self.keyFiles = keyFiles
        let fingerprint = Self.masterFingerprint(masterKey)
        let (subjects, keyring, meta) = (self.subjects, self.keyring, self.meta)
        let (recorded, generation, aWrappedKey) = try env.read { txn in
            var first: (String, [UInt8])?
            try subjects.forEach(in: txn) { k, v in
                first = (k, v)
                return false
            }
            return (try keyring.get(Self.fingerprintEntry, in: txn), try meta.get(Self.generationEntry, in: txn) ?? 0, first)
        }
        keys = MasterKeys(generation: generation, master: masterKey)
        if let recorded {
            guard recorded == fingerprint else { throw Self.wrongMaster(directory) }
        } else {
            // A vault from before fingerprints: its keys must unwrap under this master key.
            if let (subject, wrapped) = aWrappedKey, (try? unwrap(wrapped, subject: subject, with: keys)) == nil {
                throw Self.wrongMaster(directory)
            }
            try env.write { txn in try keyring.put(Self.fingerprintEntry, fingerprint, in: txn) }
        }
    }

    static let maxDatabases: UInt32 = 10
    static let fingerprintEntry = "master-fingerprint"
    static let generationEntry = "generation"

    static func wrongMaster(_ directory: String) -> Failure {
        Failure(.wrongMasterKey, "vault.key is not the master key the vault in \(directory) was made with: restore vault.key from a backup")
    }

    /// The fingerprint the vault records of its master key: SHA-256 over a label and the key.
    public static func masterFingerprint(_ key: SymmetricKey) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array("lumbung vault master v1".utf8))
        key.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Array(hasher.finalize())
    }

    /// The master key fingerprint the vault in `directory` records (nil: no vault there, or one from
    /// before fingerprints). Opens and closes the environment: call it before this process opens
    /// the vault.
    public static func recordedMasterFingerprint(directory: String) throws -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("data.mdb")) else { return nil }
        var options = Environment.Options()
        options.maxDatabases = maxDatabases
        let env = try Environment(path: directory, options: options)
        let keyring = try env.database("keyring", key: UTF8String.self, value: Bytes.self)
        return try env.read { txn in try keyring.get(fingerprintEntry, in: txn) }
    }

    deinit { checkpointTimer?.cancel() }

    static func derive(_ master: SymmetricKey, _ info: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Array(info.utf8), outputByteCount: 32)
    }

    // MARK: Subjects

    /// Whether `text` is a pseudonym as the vault makes them: `subj-` and 24 lower-case hex digits.
    public static func isPseudonym(_ text: String) -> Bool {
        let b = Array(text.utf8)
        return b.count == 29 && text.hasPrefix("subj-")
            && b[5...].allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The blind index of `identifier` for `purpose` under the current master key (never stored
    /// anywhere but the vault).
    public func blindIndex(_ purpose: BlindIndexPurpose, _ identifier: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        return keys.blindIndex(purpose, identifier)
    }

    /// The subject found by `identifier` (nil when none, or it was forgotten).
    public func subject(_ purpose: BlindIndexPurpose, _ identifier: String) throws -> String? {
        lock.lock()
        defer { lock.unlock() }
        return try lookUp(purpose, identifier)
    }

    /// The subject of `identifier`: pending, else in the file, under the current master key (loaded
    /// again when another process rotated it). The caller holds `lock` (a checkpoint removes an
    /// index from `pending` only after it is in the file).
    func lookUp(_ purpose: BlindIndexPurpose, _ identifier: String) throws -> String? {
        for _ in 0..<3 {
            let index = keys.blindIndex(purpose, identifier)
            if let found = pending[index] { return found.subject }
            // A subject being forgotten (marked, its index not yet removed) is found no more.
            let (found, generation, fingerprint) = try env.read { txn in
                let found = try indexes.get(index, in: txn).flatMap { try forgotten.contains($0, in: txn) ? nil : $0 }
                return (found, try meta.get(Self.generationEntry, in: txn) ?? 0, try keyring.get(Self.fingerprintEntry, in: txn))
            }
            if generation == keys.generation { return found }
            try reloadKeys(generation: generation, fingerprint: fingerprint)
        }
        throw Failure(.storage, "the vault's master key kept changing during a lookup")
    }

    /// The subject found by `identifier`, made when there is none: a pseudonym and key from the
    /// pool (durable before it is handed out), its blind index pending until the next checkpoint.
    public func subjectCreating(_ purpose: BlindIndexPurpose, _ identifier: String) throws -> String {
        try findOrMake(purpose, identifier).subject
    }

    /// `subjectCreating`, with the key of a subject it made (nil when it found one): no one else
    /// knows the new pseudonym yet, so its key needs no reading back from the file.
    func findOrMake(_ purpose: BlindIndexPurpose, _ identifier: String) throws -> (subject: String, madeKey: SymmetricKey?) {
        lock.lock()
        defer { lock.unlock() }
        if let found = try lookUp(purpose, identifier) { return (found, nil) }
        if pool.isEmpty { try refillPool() }
        let made = pool.removeLast()
        pending[keys.blindIndex(purpose, identifier)] = PendingIndex(
            subject: made.pseudonym, purpose: purpose, identifier: identifier, key: made.key)
        cacheKey(made.pseudonym, wrapped: made.wrapped, key: made.key)
        return (made.pseudonym, made.key)
    }

    // MARK: Master keys

    /// Takes the master key of `generation` (whose fingerprint is `fingerprint`) from the key files,
    /// after another process rotated it. The caller holds `lock`.
    func reloadKeys(generation: UInt64, fingerprint: [UInt8]?) throws {
        guard generation != keys.generation else { return }
        guard let keyFiles, let fingerprint else {
            throw Failure(
                .wrongMasterKey, "the vault's master key was rotated by another process, and this one has no key files to load it from")
        }
        for path in [keyFiles.current, keyFiles.next] {
            guard let data = FileManager.default.contents(atPath: path), data.count == 32 else { continue }
            let key = SymmetricKey(data: data)
            if Self.masterFingerprint(key) == fingerprint {
                keys = MasterKeys(generation: generation, master: key)
                keyCache.removeAll()
                pending = Dictionary(
                    pending.values.map { (keys.blindIndex($0.purpose, $0.identifier), $0) }, uniquingKeysWith: { a, _ in a })
                return
            }
        }
        throw Failure(
            .wrongMasterKey,
            "the vault's master key was rotated by another process, and neither \(keyFiles.current) nor \(keyFiles.next) is the new one")
    }

    /// The current keys, loaded again if another process rotated them: read in `txn`. The caller
    /// holds `lock`.
    func currentKeys<T: ReadableTransaction & ~Copyable>(in txn: borrowing T) throws -> MasterKeys {
        let generation = try meta.get(Self.generationEntry, in: txn) ?? 0
        if generation != keys.generation {
            try reloadKeys(generation: generation, fingerprint: try keyring.get(Self.fingerprintEntry, in: txn))
        }
        return keys
    }

    /// Wraps every subject key again, and makes every blind index again, under `newMaster`, in
    /// one durable transaction that also records its fingerprint and the next generation; the
    /// caller replaces the key file (`rotateMasterKey` does both). Pending indexes follow in
    /// memory. Returns how many subject keys it wrapped again.
    ///
    /// A subject whose identifiers are not in `identities` (a vault from before they were kept:
    /// `hasAllIdentities` false) would lose its blind index; the owner restores identities first.
    @discardableResult
    public func rewrap(under newMaster: SymmetricKey) throws -> Int {
        lock.lock()
        defer { lock.unlock() }
        let next = try env.write { txn in
            let old = try currentKeys(in: txn)
            let next = MasterKeys(generation: old.generation + 1, master: newMaster)
            var held: [(subject: String, wrapped: [UInt8])] = []
            try subjects.forEach(in: txn) { subject, wrapped in
                held.append((subject, wrapped))
                return true
            }
            var rewrapped: [(subject: String, wrapped: [UInt8])] = []
            var links: [(index: String, subject: String)] = []
            for (subject, wrapped) in held where try !forgotten.contains(subject, in: txn) {
                guard let key = try? unwrap(wrapped, subject: subject, with: old) else {
                    throw Failure(.damaged, "the key of subject \(subject) does not unwrap: the vault is damaged, nothing was rotated")
                }
                rewrapped.append((subject, try wrap(key, subject: subject, with: next)))
                for (purpose, identifier) in try identifiers(of: subject, key: key, in: txn) {
                    links.append((next.blindIndex(purpose, identifier), subject))
                }
            }
            try indexes.clear(in: txn)
            try subjectIndexes.clear(in: txn)
            for r in rewrapped { try subjects.put(r.subject, r.wrapped, in: txn) }
            for l in links {
                try indexes.put(l.index, l.subject, in: txn)
                try addSubjectIndex(l.subject, l.index, in: txn)
            }
            try meta.put(Self.generationEntry, next.generation, in: txn)
            try keyring.put(Self.fingerprintEntry, Self.masterFingerprint(newMaster), in: txn)
            return (next, rewrapped.count)
        }
        keys = next.0
        keyCache.removeAll()
        pending = Dictionary(pending.values.map { (keys.blindIndex($0.purpose, $0.identifier), $0) }, uniquingKeysWith: { a, _ in a })
        pool = pool.map { ($0.pseudonym, $0.key, (try? wrap($0.key, subject: $0.pseudonym, with: keys)) ?? $0.wrapped) }
        return next.1
    }

    /// Rotates the master key: a new random key is written to `keyFiles.next` (0600, synced),
    /// the vault is wrapped again under it (`rewrap`), then the file replaces `keyFiles.current`.
    /// Runs under an exclusive lock of `keyFiles.lock`, which `MasterKeyFiles.finishRotation` also
    /// takes, so a process opening the directory meanwhile never sees half a rotation. Returns the
    /// new master key (the owner records its fingerprint where it keeps one).
    public func rotateMasterKey() throws -> SymmetricKey {
        guard let keyFiles else { throw Failure(.storage, "this vault was opened without its key files: it cannot rotate its master key") }
        return try keyFiles.exclusively {
            let newMaster = SymmetricKey(size: .bits256)
            try MasterKeyFiles.write(newMaster, to: keyFiles.next)
            try rewrap(under: newMaster)
            try MasterKeyFiles.replace(keyFiles.current, with: keyFiles.next)
            return newMaster
        }
    }

    /// Whether every subject's identifiers are kept in `identities` (so a rotation keeps every
    /// blind index). False for a vault from before they were kept, until `markAllIdentities`.
    public func hasAllIdentities() throws -> Bool {
        try env.read { txn in try meta.get("identities", in: txn) } == 1
    }

    /// Records that every subject's identifiers are in `identities` (after the owner restored
    /// them from the log with `restoreIndexes`).
    public func markAllIdentities() throws {
        try env.write { txn in try meta.put("identities", 1, in: txn) }
    }

    /// The identifiers kept for `subject`, opened with its `key`.
    func identifiers<T: ReadableTransaction & ~Copyable>(of subject: String, key: SymmetricKey, in txn: borrowing T) throws
        -> [(BlindIndexPurpose, String)]
    {
        guard let sealed = try identities.get(subject, in: txn) else { return [] }
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
            let clear = try? AES.GCM.open(box, using: key, authenticating: Self.identitiesAssociatedData(subject))
        else { throw Failure(.damaged, "the identifiers of subject \(subject) do not open: the vault is damaged") }
        return String(decoding: clear, as: UTF8.self).split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2, let purpose = BlindIndexPurpose(rawValue: String(parts[0])) else { return nil }
            return (purpose, String(parts[1]))
        }
    }

    /// Links `subject` to `identifier` in `txn`: its blind index and its identifiers kept sealed
    /// under its key, unless the index belongs to another subject (left as it is). The caller
    /// holds `lock`. Returns whether it wrote the index.
    func link(
        _ subject: String, _ purpose: BlindIndexPurpose, _ identifier: String, keys: MasterKeys, key known: SymmetricKey? = nil,
        in txn: borrowing WriteTransaction
    ) throws -> Bool {
        guard let wrapped = try subjects.get(subject, in: txn), try !forgotten.contains(subject, in: txn) else { return false }
        let index = keys.blindIndex(purpose, identifier)
        let holder = try indexes.get(index, in: txn)
        guard holder == nil || holder == subject else { return false }
        let key = try known ?? unwrap(wrapped, subject: subject, with: keys)
        var known = try identifiers(of: subject, key: key, in: txn)
        if !known.contains(where: { $0 == purpose && $1 == identifier }) {
            known.append((purpose, identifier))
            let clear = known.map { "\($0.rawValue)\t\($1)" }.joined(separator: "\n")
            let box = try AES.GCM.seal(Array(clear.utf8), using: key, authenticating: Self.identitiesAssociatedData(subject))
            guard let combined = box.combined else { throw Failure(.storage, "AES-GCM gave no combined form") }
            try identities.put(subject, Array(combined), in: txn)
        }
        guard holder == nil else { return false }
        try indexes.put(index, subject, in: txn)
        try addSubjectIndex(subject, index, in: txn)
        return true
    }

    static func identitiesAssociatedData(_ subject: String) -> [UInt8] { Array("lumbung vault identities v1\n\(subject)".utf8) }

    /// Makes `poolBatch` keys in one durable transaction. The caller holds `lock`.
    func refillPool() throws {
        let now = ContinuousClock.now
        if let last = lastRefill, now - last < .seconds(1) {
            poolBatch = min(Self.maxPoolBatch, poolBatch * 2)
        } else {
            poolBatch = Self.minPoolBatch
        }
        lastRefill = now
        let batch = poolBatch
        pool = try env.write { txn in
            let keys = try currentKeys(in: txn)
            var made: [(pseudonym: String, key: SymmetricKey, wrapped: [UInt8])] = []
            // The batch's randomness in one read of the system's generator: 12 bytes of pseudonym
            // and 32 of key per subject.
            let random = SymmetricKey(size: SymmetricKeySize(bitCount: batch * 44 * 8)).withUnsafeBytes { Array($0) }
            for i in 0..<batch {
                let bytes = random[(i * 44)..<(i * 44 + 44)]
                let pseudonym = "subj-" + Self.hex(Array(bytes.prefix(12)))
                let key = SymmetricKey(data: bytes.suffix(32))
                made.append((pseudonym, key, try wrap(key, subject: pseudonym, with: keys)))
            }
            for m in made { try subjects.put(m.pseudonym, m.wrapped, flags: .noOverwrite, in: txn) }
            return made
        }
    }

    /// Writes the pending blind indexes to the file in one durable transaction, with the log
    /// position they cover (read from the `logPosition` given to `startCheckpoints`, before the
    /// pending indexes are taken: every event at or before it was sealed under a subject made
    /// before, so its index is written now or was before). An index whose subject was forgotten
    /// meanwhile (here or by another process) is dropped. Returns how many indexes it wrote.
    @discardableResult
    public func checkpoint() throws -> Int {
        let through = try logPosition?()
        lock.lock()
        let batch = pending
        lock.unlock()
        guard !batch.isEmpty || through != nil else { return 0 }
        lock.lock()
        defer { lock.unlock() }
        let written = try env.write { txn in
            let keys = try currentKeys(in: txn)
            var written = 0
            for p in batch.values where try link(p.subject, p.purpose, p.identifier, keys: keys, key: p.key, in: txn) { written += 1 }
            if let through { try raiseIndexedThrough(through, in: txn) }
            return written
        }
        for p in batch.values {
            let index = keys.blindIndex(p.purpose, p.identifier)
            if pending[index]?.subject == p.subject { pending[index] = nil }
        }
        return written
    }

    func addSubjectIndex(_ subject: String, _ index: String, in txn: borrowing WriteTransaction) throws {
        let list = try subjectIndexes.get(subject, in: txn)
        guard list?.split(separator: "\n").contains(Substring(index)) != true else { return }
        try subjectIndexes.put(subject, list.map { $0 + "\n" + index } ?? index, in: txn)
    }

    func raiseIndexedThrough(_ position: UInt64, in txn: borrowing WriteTransaction) throws {
        if try meta.get("indexed-through", in: txn) ?? 0 < position { try meta.put("indexed-through", position, in: txn) }
    }

    /// The log position through which every subject's blind indexes are in the file (0 when no
    /// checkpoint recorded one).
    public func indexedThrough() throws -> UInt64 {
        try env.read { txn in try meta.get("indexed-through", in: txn) } ?? 0
    }

    /// Writes the blind indexes a crash lost, recovered from the log (`PrivacyOffice.recoverIndexes`):
    /// each `(purpose, identifier, subject)` whose subject still holds a key and whose index is
    /// absent; then records `through` as covered. One durable transaction. Returns how many it
    /// wrote (an index held by another subject is left as it is).
    @discardableResult
    public func restoreIndexes(_ links: [(purpose: BlindIndexPurpose, identifier: String, subject: String)], through: UInt64) throws -> Int
    {
        lock.lock()
        defer { lock.unlock() }
        return try env.write { txn in
            let keys = try currentKeys(in: txn)
            var written = 0
            for l in links where try link(l.subject, l.purpose, l.identifier, keys: keys, in: txn) { written += 1 }
            try raiseIndexedThrough(through, in: txn)
            return written
        }
    }

    /// Checkpoints every `interval` (when indexes are pending) from now until `close`, each
    /// recording `logPosition()` as covered (the owner's log head).
    public func startCheckpoints(every interval: Duration = .seconds(1), logPosition: @escaping @Sendable () throws -> UInt64) {
        lock.lock()
        defer { lock.unlock() }
        self.logPosition = logPosition
        guard checkpointTimer == nil else { return }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "lumbung-vault-checkpoint"))
        let nanos = Int(interval.components.seconds * 1_000_000_000 + interval.components.attoseconds / 1_000_000_000)
        timer.schedule(deadline: .now() + .nanoseconds(nanos), repeating: .nanoseconds(nanos))
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            self.lock.lock()
            let idle = self.pending.isEmpty
            self.lock.unlock()
            if idle { return }
            do {
                try self.checkpoint()
                self.lastCheckpointError = nil
            } catch {
                self.lastCheckpointError = error
            }
        }
        checkpointTimer = timer
        timer.resume()
    }

    /// Stops the checkpoints, writes what is pending, and deletes the keys of the pool that were
    /// never handed out (they seal nothing). The vault stays usable (a later subject refills).
    public func close() throws {
        lock.lock()
        let timer = checkpointTimer
        checkpointTimer = nil
        lock.unlock()
        timer?.cancel()
        try checkpoint()
        lock.lock()
        defer { lock.unlock() }
        let unused = pool.map(\.pseudonym)
        pool = []
        guard !unused.isEmpty else { return }
        try env.write { txn in
            for p in unused { _ = try subjects.delete(p, in: txn) }
        }
    }

    /// Whether `subject` has a key here (false once forgotten, and for one never made here).
    public func hasKey(_ subject: String) throws -> Bool {
        try env.read { txn in try subjects.contains(subject, in: txn) }
    }

    /// Whether `subject` was forgotten here.
    public func isForgotten(_ subject: String) throws -> Bool {
        try env.read { txn in try forgotten.contains(subject, in: txn) }
    }

    /// Every subject forgotten here.
    public func forgottenSubjects() throws -> [String] {
        try env.read { txn in
            var out: [String] = []
            try forgotten.forEach(in: txn) { k, _ in
                out.append(k)
                return true
            }
            return out
        }
    }

    /// Destroys `subject`'s key and blind-index entries (see the type's contract). Returns
    /// whether it held a key (false: already forgotten or unknown; the subject is recorded as
    /// forgotten all the same).
    @discardableResult
    public func forget(_ subject: String) throws -> Bool {
        // The key's bytes are overwritten in a commit of their own (so that the page freed by the
        // delete holds noise), and the subject is marked forgotten in that same commit: a reader
        // between the two commits finds noise under a forgotten subject, which reads as erased.
        lock.lock()
        for (index, p) in pending where p.subject == subject { pending[index] = nil }
        keyCache[subject] = nil
        lock.unlock()
        let had = try env.write { txn in
            guard let wrapped = try subjects.get(subject, in: txn) else { return false }
            var g = SystemRandomNumberGenerator()
            try subjects.put(subject, wrapped.map { _ in UInt8.random(in: 0...255, using: &g) }, in: txn)
            try forgotten.put(subject, (), in: txn)
            return true
        }
        try env.write { txn in
            _ = try subjects.delete(subject, in: txn)
            _ = try identities.delete(subject, in: txn)
            if let list = try subjectIndexes.get(subject, in: txn) {
                for index in list.split(separator: "\n") { _ = try indexes.delete(String(index), in: txn) }
                _ = try subjectIndexes.delete(subject, in: txn)
            }
            try forgotten.put(subject, (), in: txn)
        }
        try env.sync()
        return had
    }

    // MARK: Sealing

    /// `value` sealed under `subject`'s key for `field` (a payload path such as `applicant.nik`).
    public func seal(_ value: String, field: String, subject: String) throws -> SealedValue {
        try seal([(field, value)], subject: subject)[0]
    }

    /// The subject of `identifier` (made when there is none, see `subjectCreating`) and each
    /// `(field, value)` sealed under its key. A `forget` of that subject between the two steps makes
    /// a new subject (the data comes after the erasure), tried up to three times.
    public func sealCreating(
        _ purpose: BlindIndexPurpose, _ identifier: String, _ values: [(field: String, value: String)]
    ) throws -> (subject: String, sealed: [SealedValue]) {
        var attempt = 0
        while true {
            let (subject, madeKey) = try findOrMake(purpose, identifier)
            if let madeKey {
                let sealed = try seal(values, subject: subject, key: madeKey)
                // `forget` drops a subject from the cache first: still there, it was not forgotten
                // meanwhile (otherwise, or when the cache was emptied, the file decides below).
                lock.lock()
                let held = keyCache[subject] != nil
                lock.unlock()
                if held { return (subject, sealed) }
            }
            do {
                return (subject, try seal(values, subject: subject))
            } catch let failure as Failure where failure.code == .unknownSubject && attempt < 2 {
                attempt += 1
            }
        }
    }

    /// Each `(field, value)` sealed under `subject`'s key, which is read and unwrapped once.
    public func seal(_ values: [(field: String, value: String)], subject: String) throws -> [SealedValue] {
        guard let key = try dataKey(subject) else {
            throw Failure(.unknownSubject, "subject \(subject) has no key in the vault (forgotten, or made elsewhere)")
        }
        return try seal(values, subject: subject, key: key)
    }

    func seal(_ values: [(field: String, value: String)], subject: String, key: SymmetricKey) throws -> [SealedValue] {
        try values.map { field, value in
            let box = try AES.GCM.seal(
                Array(value.utf8), using: key, authenticating: SealedValue.associatedData(subject: subject, field: field))
            guard let combined = box.combined else { throw Failure(.storage, "AES-GCM gave no combined form") }
            return SealedValue(subject: subject, ciphertext: Base64.encode(Array(combined)))
        }
    }

    /// The clear text of `sealed` read as `field`: `.erased` when its subject's key is gone.
    public func open(_ sealed: SealedValue, field: String) throws -> Opened {
        guard let key = try dataKey(sealed.subject) else { return .erased }
        guard let bytes = Base64.decode(sealed.ciphertext) else {
            throw Failure(.damaged, "\(field): the ciphertext is not base64")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: bytes)
            let clear = try AES.GCM.open(box, using: key, authenticating: SealedValue.associatedData(subject: sealed.subject, field: field))
            return .value(String(decoding: clear, as: UTF8.self))
        } catch {
            throw Failure(.damaged, "\(field): the sealed value of \(sealed.subject) does not open (altered, or moved from another field)")
        }
    }

    /// What opening a sealed value gives.
    public enum Opened: Sendable, Equatable {
        case value(String)
        /// The subject was forgotten: the value can never be read again.
        case erased

        /// The value, or `placeholder` when erased.
        public func text(or placeholder: String) -> String {
            if case .value(let v) = self { return v }
            return placeholder
        }
    }

    /// `subject`'s data key: nil when the file holds none. The wrapped key is read from the file
    /// each time (another process may have destroyed it); its unwrapping is cached.
    func dataKey(_ subject: String) throws -> SymmetricKey? {
        for _ in 0..<3 {
            let (stored, isForgotten, generation, fingerprint) = try env.read { txn in
                (
                    try subjects.get(subject, in: txn), try forgotten.contains(subject, in: txn),
                    try meta.get(Self.generationEntry, in: txn) ?? 0, try keyring.get(Self.fingerprintEntry, in: txn)
                )
            }
            // A forgotten subject's key is gone, or noise while `forget` finishes: erased either way.
            guard let wrapped = stored, !isForgotten else { return nil }
            lock.lock()
            defer { lock.unlock() }
            if let cached = keyCache[subject], cached.wrapped == wrapped { return cached.key }
            // Read before a rotation of this process committed: read again.
            if generation < keys.generation { continue }
            // Another process rotated the master key: load the one this wrapped key is under.
            if generation > keys.generation { try reloadKeys(generation: generation, fingerprint: fingerprint) }
            let key = try unwrap(wrapped, subject: subject, with: keys)
            cacheKey(subject, wrapped: wrapped, key: key)
            return key
        }
        throw Failure(.storage, "the vault's master key kept changing while the key of \(subject) was read")
    }

    /// `wrapped` opened with `keys`' wrapping key.
    func unwrap(_ wrapped: [UInt8], subject: String, with keys: MasterKeys) throws -> SymmetricKey {
        do {
            let box = try AES.GCM.SealedBox(combined: wrapped)
            return SymmetricKey(data: try AES.GCM.open(box, using: keys.wrap, authenticating: Self.wrapAssociatedData(subject)))
        } catch {
            throw Failure(.damaged, "the key of subject \(subject) does not unwrap: vault.key is not the key this vault was made with")
        }
    }

    /// Caches `key` (the caller holds `lock`), making room by dropping an entry when full.
    func cacheKey(_ subject: String, wrapped: [UInt8], key: SymmetricKey) {
        // Emptied when full: removing one entry at a time from the front of a Swift dictionary
        // makes its probe sequences long (measured: 10 µs per insert at 4,096 entries).
        if keyCache.count >= Self.keyCacheLimit, keyCache[subject] == nil { keyCache.removeAll(keepingCapacity: true) }
        keyCache[subject] = (wrapped, key)
    }

    func wrap(_ key: SymmetricKey, subject: String, with keys: MasterKeys) throws -> [UInt8] {
        let box = try key.withUnsafeBytes { raw in
            try AES.GCM.seal(Array(raw), using: keys.wrap, authenticating: Self.wrapAssociatedData(subject))
        }
        guard let combined = box.combined else { throw Failure(.storage, "AES-GCM gave no combined form") }
        return Array(combined)
    }

    static func wrapAssociatedData(_ subject: String) -> [UInt8] { Array("lumbung vault wrap v1\n\(subject)".utf8) }

    /// Copies the vault with LMDB's compacting copy (only live pages: nothing freed by `forget`).
    public func copy(to directory: String) throws {
        try checkpoint()
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try env.copy(to: directory, compact: true)
    }

    /// Copies the vault environment in `source` (without its key) to `directory`, compacted as
    /// `copy(to:)`; false when `source` holds no vault.
    public static func copyEnvironment(from source: String, to directory: String) throws -> Bool {
        guard FileManager.default.fileExists(atPath: (source as NSString).appendingPathComponent("data.mdb")) else { return false }
        var options = Environment.Options()
        options.maxDatabases = maxDatabases
        let env = try Environment(path: source, options: options)
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try env.copy(to: directory, compact: true)
        return true
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// What a blind index finds a subject by. Each purpose has its own HMAC key.
public enum BlindIndexPurpose: String, Sendable, CaseIterable {
    /// A resident's NIK (16 digits).
    case nik
    /// A household's KK number (reserved for aid).
    case kk
    /// A donor id (an individual donor of aid).
    case donor
    /// The `nikHash` of applications written before the vault (`lumbung privacy migrate`):
    /// `hex(HMAC-SHA256(secret.key, "nik:" + NIK))`, found again from a NIK with `secret.key`.
    case legacyNikHash = "legacy-nik-hash"
}

/// A blind index made since the last checkpoint, held in memory until written.
struct PendingIndex: @unchecked Sendable {
    var subject: String
    var purpose: BlindIndexPurpose
    var identifier: String
    /// The subject's key, when this process made it (the checkpoint then needs no unwrapping).
    var key: SymmetricKey?
}

/// The keys derived from one master key with HKDF-SHA256: the wrapping key (`lumbung vault wrap
/// v1`) and one blind-index key per purpose (`lumbung blind index v1 <purpose>`).
struct MasterKeys: @unchecked Sendable {
    let generation: UInt64
    let wrap: SymmetricKey
    /// One HMAC per purpose, keyed and not yet fed: each blind index copies one (keying an HMAC
    /// costs more than the identifier's MAC).
    let index: [BlindIndexPurpose: HMAC<SHA256>]

    init(generation: UInt64, master: SymmetricKey) {
        self.generation = generation
        wrap = Vault.derive(master, "lumbung vault wrap v1")
        var index: [BlindIndexPurpose: HMAC<SHA256>] = [:]
        for p in BlindIndexPurpose.allCases { index[p] = HMAC(key: Vault.derive(master, "lumbung blind index v1 \(p.rawValue)")) }
        self.index = index
    }

    func blindIndex(_ purpose: BlindIndexPurpose, _ identifier: String) -> String {
        var mac = index[purpose]!
        mac.update(data: Array(identifier.utf8))
        return purpose.rawValue + ":" + Vault.hex(Array(mac.finalize()))
    }
}
