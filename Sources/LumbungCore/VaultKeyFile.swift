public import Crypto
public import EventLog

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

    public static func load(dataDirectory: String, store: EventStore) throws -> SymmetricKey {
        try file.load(dataDirectory: dataDirectory, store: store)
    }
}
