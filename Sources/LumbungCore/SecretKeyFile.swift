public import Crypto
public import EventLog
import Foundation

/// `secret.key` of a data directory: 32 random bytes (0600) that key the hashes of NIKs and PINs.
/// The log's events depend on it (a PIN checks only under the key its hash was made with), so it
/// is guarded: its fingerprint is stored in the log's metadata at first use, and a data directory
/// refuses to open, naming the file and what to do, when the key is missing while the log depends
/// on it, is not the key the log was written with, or is readable by anyone but its owner. It is
/// never silently replaced.
public enum SecretKeyFile {
    public static let fileName = "secret.key"
    /// Where the fingerprint lives in the log's metadata.
    static let fingerprintKey = "secret.key.fingerprint"
    /// The event type whose payloads hold hashes under the key: a log with one depends on it.
    static let dependentType = "documents.application-submitted"

    /// A refusal to open the data directory because of its secret.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public enum Code: Sendable, Equatable { case missing, changed, exposed, damaged, unwritable }
        public let code: Code
        public let message: String
        public var description: String { message }
    }

    /// The fingerprint stored for a key: SHA-256 over a label and the key, in hex. It names the key
    /// without revealing it.
    public static func fingerprint(of key: SymmetricKey) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("lumbung secret.key fingerprint v1".utf8))
        key.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Hex.encode(Array(hasher.finalize()))
    }

    /// Loads the data directory's secret (making it when the log is new and does not depend on one),
    /// checking it against the fingerprint `store` keeps; records the fingerprint at first use.
    public static func load(dataDirectory: String, store: EventStore) throws -> SymmetricKey {
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        let stored = try store.metadata(fingerprintKey).map { String(decoding: $0, as: UTF8.self) }
        var info = stat()
        guard stat(path, &info) == 0 else {
            let dependent = try store.containsEvent(ofType: dependentType)
            if stored != nil || dependent {
                throw Refusal(
                    code: .missing,
                    message:
                        "\(path) is missing, and the log in \(dataDirectory) depends on it (the PINs and NIK hashes of its applications "
                        + "are keyed by it): restore secret.key from a backup of this data directory (lumbung backup copies it); "
                        + "a new key would make every existing PIN fail")
            }
            return try create(at: path, store: store)
        }
        if info.st_mode & 0o077 != 0 {
            throw Refusal(
                code: .exposed,
                message: "\(path) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))): it keys the hashes of "
                    + "NIKs and PINs; make it the owner's alone with chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path), data.count == 32 else {
            throw Refusal(code: .damaged, message: "\(path) is damaged (expected 32 bytes): restore it from a backup")
        }
        let key = SymmetricKey(data: data)
        let actual = fingerprint(of: key)
        if let stored {
            guard stored == actual else {
                throw Refusal(
                    code: .changed,
                    message: "\(path) is not the key the log in \(dataDirectory) was written with (fingerprint \(actual.prefix(16))…, "
                        + "the log expects \(stored.prefix(16))…): restore the original secret.key from a backup")
            }
        } else {
            try store.setMetadata(fingerprintKey, Array(actual.utf8))
        }
        return key
    }

    private static func create(at path: String, store: EventStore) throws -> SymmetricKey {
        let key = SymmetricKey(size: .bits256)
        let data = key.withUnsafeBytes { Data($0) }
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw Refusal(code: .unwritable, message: "cannot write \(path)")
        }
        try store.setMetadata(fingerprintKey, Array(fingerprint(of: key).utf8))
        return key
    }
}
