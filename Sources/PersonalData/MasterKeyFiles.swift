public import Crypto
import Foundation

/// The files of a vault's master key in a data directory: `vault.key`, and `vault.key.next` while
/// a rotation is under way, with `vault.key.lock` serialising rotations and their completion
/// between processes.
///
/// Contract of a rotation (`Vault.rotateMasterKey`), each step durable before the next:
/// 1. the new key is written to `next` (0600);
/// 2. the vault is wrapped again under it, recording its fingerprint (one LMDB transaction);
/// 3. `next` is renamed over `current`.
/// A crash anywhere leaves a state `finishRotation` completes: when `next` exists, it replaces
/// `current` if the vault records `next`'s fingerprint (step 2 committed), and is deleted otherwise.
public struct MasterKeyFiles: Sendable {
    public let current: String
    public let next: String
    public let lock: String

    /// The files of `vault.key` in `dataDirectory`.
    public init(dataDirectory: String, fileName: String = "vault.key") {
        current = (dataDirectory as NSString).appendingPathComponent(fileName)
        next = current + ".next"
        lock = current + ".lock"
    }

    /// Runs `body` holding an exclusive lock of `lock` (flock), across processes.
    func exclusively<R>(_ body: () throws -> R) throws -> R {
        let fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Vault.Failure(.storage, "cannot open \(lock): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw Vault.Failure(.storage, "cannot lock \(lock): \(String(cString: strerror(errno)))") }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// Completes or undoes a rotation a crash interrupted (see the type's contract), for the vault
    /// in `vaultDirectory`. Call it before opening the key and the vault. Returns whether it
    /// completed one.
    @discardableResult
    public func finishRotation(vaultDirectory: String) throws -> Bool {
        try exclusively {
            guard FileManager.default.fileExists(atPath: next) else { return false }
            let recorded = try Vault.recordedMasterFingerprint(directory: vaultDirectory)
            if let data = FileManager.default.contents(atPath: next), data.count == 32,
                Vault.masterFingerprint(SymmetricKey(data: data)) == recorded
            {
                try Self.replace(current, with: next)
                return true
            }
            unlink(next)
            return false
        }
    }

    /// Writes `key` to `path` (0600, replacing any file there), synced with its directory.
    static func write(_ key: SymmetricKey, to path: String) throws {
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Vault.Failure(.storage, "cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = key.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == 32, fsync(fd) == 0 else {
            throw Vault.Failure(.storage, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        try syncDirectory(of: path)
    }

    /// Renames `source` over `target`, synced with their directory.
    static func replace(_ target: String, with source: String) throws {
        guard rename(source, target) == 0 else {
            throw Vault.Failure(.storage, "cannot rename \(source) to \(target): \(String(cString: strerror(errno)))")
        }
        try syncDirectory(of: target)
    }

    static func syncDirectory(of path: String) throws {
        let fd = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = fsync(fd)
    }
}
