public import Crypto
public import EventLog
import Foundation

/// `vault.key` of a data directory: the vault's master key, 32 random bytes (0600), created on
/// first use. It wraps every subject's data key and derives the blind-index keys (`Vault`).
/// Guarded as `secret.key` is (`SecretKeyFile`): its fingerprint is stored in the log's metadata at
/// first use, and a data directory refuses to open, naming the file and what to do, when the key
/// is missing while the log has recorded one, is not the recorded key, or is readable by anyone
/// but its owner. It is never silently replaced (a new key would make every sealed field unreadable).
public enum VaultKeyFile {
    public static let fileName = "vault.key"
    static let fingerprintKey = "vault.key.fingerprint"

    /// The fingerprint stored for a key: SHA-256 over a label and the key, in hex.
    public static func fingerprint(of key: SymmetricKey) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("lumbung vault.key fingerprint v1".utf8))
        key.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Hex.encode(Array(hasher.finalize()))
    }

    /// Loads the data directory's vault key (making it when none was recorded), checking it
    /// against the fingerprint `store` keeps; records the fingerprint at first use.
    public static func load(dataDirectory: String, store: EventStore) throws -> SymmetricKey {
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        let stored = try store.metadata(fingerprintKey).map { String(decoding: $0, as: UTF8.self) }
        var info = stat()
        guard stat(path, &info) == 0 else {
            if stored != nil {
                throw SecretKeyFile.Refusal(
                    code: .missing,
                    message:
                        "\(path) is missing, and the log in \(dataDirectory) depends on it (the personal fields of its events are "
                        + "sealed under keys it wraps): restore vault.key from a backup of this data directory (lumbung backup copies "
                        + "it); without it no personal field can be read again")
            }
            let key = SymmetricKey(size: .bits256)
            let data = key.withUnsafeBytes { Data($0) }
            guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw SecretKeyFile.Refusal(code: .unwritable, message: "cannot write \(path)")
            }
            try store.setMetadata(fingerprintKey, Array(fingerprint(of: key).utf8))
            return key
        }
        if info.st_mode & 0o077 != 0 {
            throw SecretKeyFile.Refusal(
                code: .exposed,
                message: "\(path) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))): it wraps the keys of "
                    + "every resident's personal data; make it the owner's alone with chmod 600 \(path)")
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
                        + "the log expects \(stored.prefix(16))…): restore the original vault.key from a backup")
            }
        } else {
            try store.setMetadata(fingerprintKey, Array(actual.utf8))
        }
        return key
    }
}
