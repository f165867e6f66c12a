public import EventLog
import Foundation
import PersonalData

/// A backup of a data directory (`lumbung backup DEST`), safe while the server keeps writing.
///
/// Contract of `run`:
/// - `destination` must not exist, or be an empty directory; anything else is refused before
///   anything is written.
/// - The log is copied with LMDB's compacting copy (`mdb_env_copy2` with `MDB_CP_COMPACT`),
///   which runs in one read transaction: the copy is a consistent snapshot of the log as it was
///   when the copy began, that is a prefix `1...P` of the log (every event, hash and index as
///   they are in the source), whatever is appended meanwhile.
/// - The personal data vault (`vault/`) is copied the same way (compacted: the pages a forget
///   freed are not copied), after the log: every subject the backup's log names is in it, unless
///   forgotten meanwhile (then its fields read as erased in the backup, as they should).
/// - The data directory's secret files (`secretFiles` present in it) are copied with mode 0600.
///   Views (`views/`) are not copied: they are rebuilt from the log when the backup is served.
/// - The copy is then opened and its hash chain verified (`EventStore.verify`); only a backup
///   that verifies is put in place.
/// - Everything is written into a hidden sibling directory, synced to disk, and renamed to
///   `destination` at the end: `destination` either holds a whole, verified backup or does not
///   change. On failure the partial copy is removed and the error says why.
public enum DataDirectoryBackup {
    /// Files of a data directory that hold secrets and go into a backup (0600) when present.
    public static let secretFiles = ["secret.key", "audit-signing.key", "vault.key"]

    /// What a successful backup holds.
    public struct Report: Sendable, Equatable {
        /// Events in the backup (its head position: the backup is the log's prefix 1...events).
        public var events: UInt64
        /// The hash of its last event.
        public var headHash: EventHash
        /// The backup's directory, absolute.
        public var destination: String
        /// The secret files copied.
        public var secretFiles: [String]
    }

    /// Why a backup was refused or failed.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// Backs up the log `store` (of the data directory `dataDirectory`) into `destination`
    /// (see the type's contract).
    public static func run(store: EventStore, dataDirectory: String, destination: String) throws -> Report {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: destination).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: target, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw Failure("\(target) exists and is not a directory") }
            let entries: [String]
            do {
                entries = try fm.contentsOfDirectory(atPath: target)
            } catch {
                throw Failure("cannot read \(target): \(error.localizedDescription)")
            }
            guard entries.isEmpty else { throw Failure("\(target) exists and is not empty; give a new or empty directory") }
        }
        let parent = (target as NSString).deletingLastPathComponent
        do {
            try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw Failure("cannot create \(parent): \(error.localizedDescription)")
        }
        let staging = (parent as NSString).appendingPathComponent(
            ".\((target as NSString).lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        )
        do {
            try fm.createDirectory(atPath: staging, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure("cannot create \(staging): \(error.localizedDescription)")
        }
        var placed = false
        defer { if !placed { try? fm.removeItem(atPath: staging) } }

        // 1. The log: one read transaction, compacted.
        let log = (staging as NSString).appendingPathComponent("log")
        do {
            try store.copy(to: log)
        } catch {
            throw Failure("copying the log failed: \(error)")
        }
        // 2. The vault, compacted (only live pages: no key destroyed by a forget before the copy).
        let vaultCopy = (staging as NSString).appendingPathComponent(Vault.directoryName)
        let hasVault: Bool
        do {
            hasVault = try Vault.copyEnvironment(
                from: (dataDirectory as NSString).appendingPathComponent(Vault.directoryName), to: vaultCopy)
        } catch {
            throw Failure("copying the vault failed: \(error)")
        }
        if hasVault { try? fm.removeItem(atPath: (vaultCopy as NSString).appendingPathComponent("lock.mdb")) }
        // 3. The secrets, 0600.
        var copied: [String] = []
        for name in secretFiles {
            let source = (dataDirectory as NSString).appendingPathComponent(name)
            guard fm.fileExists(atPath: source) else { continue }
            guard let bytes = fm.contents(atPath: source) else { throw Failure("cannot read \(source)") }
            try writeSecret(bytes, to: (staging as NSString).appendingPathComponent(name))
            copied.append(name)
        }
        // 4. The copy must verify.
        let report = try verifyCopy(logDirectory: log)
        guard report.ok else {
            throw Failure(
                "the copy does not verify at position \(report.position ?? 0): \(report.reason ?? "unknown reason"); nothing was put at \(target)"
            )
        }
        try? fm.removeItem(atPath: (log as NSString).appendingPathComponent("lock.mdb"))
        // 5. On disk, then in place.
        try sync((log as NSString).appendingPathComponent("data.mdb"))
        if hasVault {
            try sync((vaultCopy as NSString).appendingPathComponent("data.mdb"))
            try sync(vaultCopy)
        }
        for name in copied { try sync((staging as NSString).appendingPathComponent(name)) }
        try sync(log)
        try sync(staging)
        guard rename(staging, target) == 0 else {
            throw Failure("cannot move the backup to \(target): \(String(cString: strerror(errno)))")
        }
        placed = true
        try? sync(parent)
        return Report(events: report.events, headHash: report.headHash, destination: target, secretFiles: copied)
    }

    /// Opens the copied log, verifies it and closes it again (before the caller moves it).
    private static func verifyCopy(logDirectory: String) throws -> VerifyReport {
        let copy: EventStore
        do {
            copy = try EventStore(logDirectory: logDirectory)
        } catch {
            throw Failure("cannot open the copy: \(error)")
        }
        defer { copy.close() }
        do {
            return try copy.verify()
        } catch {
            throw Failure("verifying the copy failed: \(error)")
        }
    }

    /// Writes a new file of mode 0600 (never an existing one).
    private static func writeSecret(_ bytes: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw Failure("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fchmod(fd, 0o600) == 0 else { throw Failure("cannot set the mode of \(path): \(String(cString: strerror(errno)))") }
        var offset = 0
        try bytes.withUnsafeBytes { (p: UnsafeRawBufferPointer) in
            guard let base = p.baseAddress else { return }
            while offset < p.count {
                let n = write(fd, base + offset, p.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw Failure("cannot write \(path): \(String(cString: strerror(errno)))") }
                offset += n
            }
        }
    }

    /// fsync of a file or directory.
    private static func sync(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure("cannot open \(path) to sync it: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Failure("cannot sync \(path): \(String(cString: strerror(errno)))") }
    }
}
