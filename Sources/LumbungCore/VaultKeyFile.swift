public import Crypto
public import EventLog
import Foundation
public import PersonalData

/// `vault.key` of a data directory: the vault's master key. It wraps every subject's data key and
/// derives the blind-index keys (`Vault`); a new key would make every sealed field unreadable. A
/// `GuardedKeyFile` (as `secret.key`): a log depends on it once its fingerprint is recorded.
public enum VaultKeyFile {
    public static let file = GuardedKeyFile(
        fileName: "vault.key", purpose: "wraps the keys of every resident's personal data",
        dependence: "the personal fields of its events are sealed under keys it wraps; without it no personal field can be read again",
        dependsWithoutFingerprint: { _ in false })
    public static var fileName: String { file.fileName }

    public static func fingerprint(of key: SymmetricKey) -> String { file.fingerprint(of: key) }

    /// The files of the key in `dataDirectory` (`vault.key`, `.next` during a rotation, `.lock`).
    public static func files(dataDirectory: String) -> MasterKeyFiles { MasterKeyFiles(dataDirectory: dataDirectory, fileName: fileName) }

    /// Loads the key of `dataDirectory` (guarded as `GuardedKeyFile.load`), first completing a
    /// rotation of it that a crash interrupted (`MasterKeyFiles.finishRotation`). A key the log's
    /// metadata does not know yet is taken when the vault itself records it (a rotation whose
    /// last step, recording it in the log, did not happen), and recorded.
    public static func load(dataDirectory: String, store: EventStore) throws -> SymmetricKey {
        let vaultDirectory = (dataDirectory as NSString).appendingPathComponent(Vault.directoryName)
        try files(dataDirectory: dataDirectory).finishRotation(vaultDirectory: vaultDirectory)
        do {
            return try file.load(dataDirectory: dataDirectory, store: store)
        } catch let refusal as SecretKeyFile.Refusal where refusal.code == .changed {
            let path = (dataDirectory as NSString).appendingPathComponent(fileName)
            guard let data = FileManager.default.contents(atPath: path), data.count == 32,
                try Vault.recordedMasterFingerprint(directory: vaultDirectory) == Vault.masterFingerprint(SymmetricKey(data: data))
            else { throw refusal }
            let key = SymmetricKey(data: data)
            try recordRotation(to: key, store: store)
            return key
        }
    }

    /// Records `key`, the vault's new master key after a rotation, as the one the log depends on.
    public static func recordRotation(to key: SymmetricKey, store: EventStore) throws {
        try store.setMetadata(file.fingerprintKey, Array(fingerprint(of: key).utf8))
    }
}
