public import Crypto
public import EventLog
import Foundation

/// A key file of a data directory that the log depends on: 32 random bytes (0600), created on
/// first use, guarded. Its fingerprint is stored in the log's metadata at first use, and a data
/// directory refuses to open, naming the file and what to do, when the key is missing while the
/// log depends on it, is not the key the log was written with, or is readable by anyone but its
/// owner. It is never silently replaced. `SecretKeyFile` and `VaultKeyFile` are the two.
public struct GuardedKeyFile: Sendable {
    /// The file's name in the data directory.
    public let fileName: String
    /// What the key does, for refusals: "keys the hashes of NIKs and PINs".
    let purpose: String
    /// Why the log needs it and what is lost without it, for the refusal of a missing key.
    let dependence: String
    /// Whether a log without a recorded fingerprint already depends on the key (events written
    /// before fingerprints were recorded).
    let dependsWithoutFingerprint: @Sendable (EventStore) throws -> Bool

    var fingerprintKey: String { fileName + ".fingerprint" }

    /// The fingerprint stored for a key: SHA-256 over a label naming the file and the key, in hex.
    /// It names the key without revealing it.
    public func fingerprint(of key: SymmetricKey) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("lumbung \(fileName) fingerprint v1".utf8))
        key.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Hex.encode(Array(hasher.finalize()))
    }

    /// Loads the key of `dataDirectory` (making it when the log does not depend on one yet),
    /// checking it against the fingerprint `store` keeps; records the fingerprint at first use.
    public func load(dataDirectory: String, store: EventStore) throws -> SymmetricKey {
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        let stored = try store.metadata(fingerprintKey).map { String(decoding: $0, as: UTF8.self) }
        var info = stat()
        guard stat(path, &info) == 0 else {
            if try stored != nil || dependsWithoutFingerprint(store) { throw missing(path, dataDirectory) }
            return try create(at: path, store: store)
        }
        if info.st_mode & 0o077 != 0 {
            throw SecretKeyFile.Refusal(
                code: .exposed,
                message: "\(path) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))): it \(purpose); "
                    + "make it the owner's alone with chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path), data.count == 32 else {
            throw SecretKeyFile.Refusal(code: .damaged, message: "\(path) is damaged (expected 32 bytes): restore it from a backup")
        }
        let key = SymmetricKey(data: data)
        let actual = fingerprint(of: key)
        if let stored {
            guard stored == actual else {
                throw SecretKeyFile.Refusal(
                    code: .changed,
                    message: "\(path) is not the key the log in \(dataDirectory) was written with (fingerprint \(actual.prefix(16))…, "
                        + "the log expects \(stored.prefix(16))…): restore the original \(fileName) from a backup")
            }
        } else {
            try store.setMetadata(fingerprintKey, Array(actual.utf8))
        }
        return key
    }

    private func missing(_ path: String, _ dataDirectory: String) -> SecretKeyFile.Refusal {
        SecretKeyFile.Refusal(
            code: .missing,
            message: "\(path) is missing, and the log in \(dataDirectory) depends on it (\(dependence)): restore \(fileName) "
                + "from a backup of this data directory (lumbung backup copies it)")
    }

    private func create(at path: String, store: EventStore) throws -> SymmetricKey {
        let key = SymmetricKey(size: .bits256)
        let data = key.withUnsafeBytes { Data($0) }
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw SecretKeyFile.Refusal(code: .unwritable, message: "cannot write \(path)")
        }
        try store.setMetadata(fingerprintKey, Array(fingerprint(of: key).utf8))
        return key
    }
}

/// `secret.key` of a data directory: it keys the hashes of NIKs and PINs, so the log's events
/// depend on it (a PIN checks only under the key its hash was made with). A `GuardedKeyFile`.
public enum SecretKeyFile {
    public static let file = GuardedKeyFile(
        fileName: "secret.key", purpose: "keys the hashes of NIKs and PINs",
        dependence: "the PINs and NIK hashes of its applications are keyed by it; a new key would make every existing PIN fail",
        dependsWithoutFingerprint: { try $0.containsEvent(ofType: dependentType) })
    public static var fileName: String { file.fileName }
    /// The event type whose payloads hold hashes under the key: a log with one depends on it.
    static let dependentType = "documents.application-submitted"

    /// A refusal to open the data directory because of one of its key files.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public enum Code: Sendable, Equatable { case missing, changed, exposed, damaged, unwritable }
        public let code: Code
        public let message: String
        public var description: String { message }
    }

    public static func fingerprint(of key: SymmetricKey) -> String { file.fingerprint(of: key) }

    public static func load(dataDirectory: String, store: EventStore) throws -> SymmetricKey {
        try file.load(dataDirectory: dataDirectory, store: store)
    }
}
