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
public final class Vault: @unchecked Sendable {
    public static let directoryName = "vault"

    /// Why the vault refused or failed.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public enum Code: Sendable, Equatable { case storage, damaged, unknownSubject }
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
    /// `indexed-through` -> the log position through which every subject's indexes are written.
    let meta: Database<UTF8String, UInt64BE>
    let wrapKey: SymmetricKey
    let indexKeys: [BlindIndexPurpose: SymmetricKey]

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
    /// Blind index -> pseudonym of subjects made since the last checkpoint (not yet in the file).
    var pending: [String: String] = [:]
    /// Unwrapped keys by subject, with the wrapped form they came from.
    var keyCache: [String: (wrapped: [UInt8], key: SymmetricKey)] = [:]
    /// How many unwrapped keys the cache holds at most.
    public static let keyCacheLimit = 4096
    var checkpointTimer: (any DispatchSourceTimer)?
    /// The log's head position, read by each checkpoint before it writes (`startCheckpoints`).
    var logPosition: (@Sendable () throws -> UInt64)?
    /// The last checkpoint's failure (nil after one that succeeded).
    public private(set) var lastCheckpointError: (any Error)?

    /// Opens (creating, 0700) the vault environment in `directory` under `masterKey`.
    /// `durable` false skips fsync at commit (benchmarks only: a subject made just before a crash
    /// could lose its key while the log keeps its sealed fields).
    public init(directory: String, masterKey: SymmetricKey, durable: Bool = true) throws {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var options = Environment.Options()
        options.noSync = !durable
        options.mapSize = 8 << 20
        options.maxDatabases = 8
        env = try Environment(path: directory, options: options)
        subjects = try env.database("subjects", key: UTF8String.self, value: Bytes.self)
        indexes = try env.database("indexes", key: UTF8String.self, value: UTF8String.self)
        subjectIndexes = try env.database("subject-indexes", key: UTF8String.self, value: UTF8String.self)
        forgotten = try env.database("forgotten", key: UTF8String.self, value: LMDB.Unit.self)
        meta = try env.database("meta", key: UTF8String.self, value: UInt64BE.self)
        wrapKey = Self.derive(masterKey, "lumbung vault wrap v1")
        var keys: [BlindIndexPurpose: SymmetricKey] = [:]
        for p in BlindIndexPurpose.allCases { keys[p] = Self.derive(masterKey, "lumbung blind index v1 \(p.rawValue)") }
        indexKeys = keys
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

    static func newPseudonym() -> String {
        var g = SystemRandomNumberGenerator()
        return "subj-" + hex((0..<12).map { _ in UInt8.random(in: 0...255, using: &g) })
    }

    /// The blind index of `identifier` for `purpose` (never stored anywhere but the vault).
    public func blindIndex(_ purpose: BlindIndexPurpose, _ identifier: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(identifier.utf8), using: indexKeys[purpose]!)
        return purpose.rawValue + ":" + Self.hex(Array(mac))
    }

    /// The subject found by `identifier` (nil when none, or it was forgotten).
    public func subject(_ purpose: BlindIndexPurpose, _ identifier: String) throws -> String? {
        let index = blindIndex(purpose, identifier)
        lock.lock()
        defer { lock.unlock() }
        return try lookUp(index)
    }

    /// The subject of `index`: pending, else in the file. The caller holds `lock` (a checkpoint
    /// removes an index from `pending` only after it is in the file).
    func lookUp(_ index: String) throws -> String? {
        if let found = pending[index] { return found }
        // A subject being forgotten (marked, its index not yet removed) is found no more.
        return try env.read { txn in
            guard let found = try indexes.get(index, in: txn), try !forgotten.contains(found, in: txn) else { return nil }
            return found
        }
    }

    /// The subject found by `identifier`, made when there is none: a pseudonym and key from the
    /// pool (durable before it is handed out), its blind index pending until the next checkpoint.
    public func subjectCreating(_ purpose: BlindIndexPurpose, _ identifier: String) throws -> String {
        let index = blindIndex(purpose, identifier)
        lock.lock()
        defer { lock.unlock() }
        if let found = try lookUp(index) { return found }
        if pool.isEmpty { try refillPool() }
        let made = pool.removeLast()
        pending[index] = made.pseudonym
        cacheKey(made.pseudonym, wrapped: made.wrapped, key: made.key)
        return made.pseudonym
    }

    /// Makes `poolBatch` keys in one durable transaction. The caller holds `lock`.
    func refillPool() throws {
        let now = ContinuousClock.now
        if let last = lastRefill, now - last < .seconds(1) {
            poolBatch = min(Self.maxPoolBatch, poolBatch * 2)
        } else {
            poolBatch = Self.minPoolBatch
        }
        lastRefill = now
        var made: [(pseudonym: String, key: SymmetricKey, wrapped: [UInt8])] = []
        for _ in 0..<poolBatch {
            let pseudonym = Self.newPseudonym()
            let key = SymmetricKey(size: .bits256)
            made.append((pseudonym, key, try wrap(key, subject: pseudonym)))
        }
        try env.write { txn in
            for m in made { try subjects.put(m.pseudonym, m.wrapped, flags: .noOverwrite, in: txn) }
        }
        pool = made
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
        var written = 0
        try env.write { txn in
            for (index, subject) in batch where try subjects.contains(subject, in: txn) && !forgotten.contains(subject, in: txn) {
                if try indexes.get(index, in: txn) == nil {
                    try indexes.put(index, subject, in: txn)
                    try addSubjectIndex(subject, index, in: txn)
                    written += 1
                }
            }
            if let through { try raiseIndexedThrough(through, in: txn) }
        }
        lock.lock()
        for (index, subject) in batch where pending[index] == subject { pending[index] = nil }
        lock.unlock()
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
        let entries = links.map { (index: blindIndex($0.purpose, $0.identifier), subject: $0.subject) }
        lock.lock()
        defer { lock.unlock() }
        return try env.write { txn in
            var written = 0
            for e in entries where try subjects.contains(e.subject, in: txn) && !forgotten.contains(e.subject, in: txn) {
                if try indexes.get(e.index, in: txn) == nil {
                    try indexes.put(e.index, e.subject, in: txn)
                    try addSubjectIndex(e.subject, e.index, in: txn)
                    written += 1
                }
            }
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
        for (index, s) in pending where s == subject { pending[index] = nil }
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
            let subject = try subjectCreating(purpose, identifier)
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
        return try values.map { field, value in
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
        let (stored, isForgotten) = try env.read { txn in (try subjects.get(subject, in: txn), try forgotten.contains(subject, in: txn)) }
        // A forgotten subject's key is gone, or noise while `forget` finishes: erased either way.
        guard let wrapped = stored, !isForgotten else { return nil }
        lock.lock()
        let cached = keyCache[subject]
        lock.unlock()
        if let cached, cached.wrapped == wrapped { return cached.key }
        do {
            let box = try AES.GCM.SealedBox(combined: wrapped)
            let raw = try AES.GCM.open(box, using: wrapKey, authenticating: Self.wrapAssociatedData(subject))
            let key = SymmetricKey(data: raw)
            lock.lock()
            cacheKey(subject, wrapped: wrapped, key: key)
            lock.unlock()
            return key
        } catch {
            throw Failure(.damaged, "the key of subject \(subject) does not unwrap: vault.key is not the key this vault was made with")
        }
    }

    /// Caches `key` (the caller holds `lock`), making room by dropping an entry when full.
    func cacheKey(_ subject: String, wrapped: [UInt8], key: SymmetricKey) {
        if keyCache.count >= Self.keyCacheLimit, keyCache[subject] == nil { keyCache.remove(at: keyCache.startIndex) }
        keyCache[subject] = (wrapped, key)
    }

    func wrap(_ key: SymmetricKey, subject: String) throws -> [UInt8] {
        let box = try key.withUnsafeBytes { raw in
            try AES.GCM.seal(Array(raw), using: wrapKey, authenticating: Self.wrapAssociatedData(subject))
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
        options.maxDatabases = 8
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
