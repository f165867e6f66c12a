import Crypto
import DocumentTracking
import EventLog
import Foundation
public import JSON
public import PersonalData

/// `replication.key`: 32 random bytes (0600) that seal the subjects' data keys a primary's relay
/// puts in the replication bucket (`lumbung-keys`), and that a replica's follower opens them with
/// (issue 14). Made by the relay when missing; the operator copies the file to the replicas. It is
/// not a key of the data directory (nothing in the log depends on it): a new one only means the
/// bucket's keys must be put again.
///
/// Contract:
/// - A subject's key travels as AES-256-GCM's combined form (nonce, ciphertext, tag) of its 32
///   bytes under the replication key, the associated data naming the subject
///   (`"lumbung replicated key v1\n" + subject`): a value moved to another key of the bucket does
///   not open.
/// - `fingerprint` names the key without revealing it (SHA-256 over a label and the key); the
///   relay puts it in the bucket under `checkKey`, so a follower with another key refuses to start
///   instead of failing on every subject.
/// - Loading refuses (`Refusal`, naming the file) a missing or unreadable file, one that is not
///   32 bytes, and one readable by group or others.
public struct ReplicationKey: Sendable {
    /// The file's usual name.
    public static let fileName = "replication.key"
    /// The bucket key under which the relay records the fingerprint of the key it seals with.
    public static let checkKey = "replication-key-check"

    let key: SymmetricKey
    /// The file it was read from.
    public let path: String

    /// Why a replication key file was refused.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// What opening a replicated key found.
    public struct OpenFailure: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// The key in `path` (see the contract's refusals).
    public static func load(path: String) throws(Refusal) -> ReplicationKey {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw Refusal(message: "\(path) (the replication key) does not exist: copy the primary's \(fileName) there (0600)")
        }
        if info.st_mode & 0o077 != 0 {
            throw Refusal(
                message:
                    "\(path) (the replication key) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))): make it the owner's alone with chmod 600 \(path)"
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Refusal(message: "\(path) (the replication key) cannot be read")
        }
        guard data.count == 32 else {
            throw Refusal(message: "\(path) is not a replication key (\(data.count) bytes, expected 32)")
        }
        return ReplicationKey(key: SymmetricKey(data: data), path: path)
    }

    /// The key in `path`, made (32 random bytes, 0600) when the file does not exist; `created`
    /// says whether it was.
    public static func loadOrCreate(path: String) throws(Refusal) -> (key: ReplicationKey, created: Bool) {
        if FileManager.default.fileExists(atPath: path) { return (try load(path: path), false) }
        let key = SymmetricKey(size: .bits256)
        let data = key.withUnsafeBytes { Data($0) }
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw Refusal(message: "cannot write the replication key \(path)")
        }
        return (ReplicationKey(key: key, path: path), true)
    }

    /// SHA-256 over `lumbung replication.key fingerprint v1` and the key, in hex.
    public var fingerprint: String {
        var hasher = SHA256()
        hasher.update(data: Array("lumbung replication.key fingerprint v1".utf8))
        key.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Hex.encode(Array(hasher.finalize()))
    }

    /// The fingerprint as the bucket records it (under `checkKey`).
    public var recordedFingerprint: [UInt8] { Array(fingerprint.utf8) }

    /// Whether `recorded` (the bucket's `checkKey` value, nil when none) allows this key: none
    /// recorded yet, or this key's.
    public func matches(recorded: [UInt8]?) -> Bool { recorded.map { $0 == recordedFingerprint } ?? true }

    static func associatedData(_ subject: String) -> [UInt8] { Array("lumbung replicated key v1\n\(subject)".utf8) }

    /// `subject`'s data key from `vault`, sealed under this key for the bucket; nil when the vault
    /// holds none (forgotten, or never made there).
    public func sealedKey(of subject: String, in vault: Vault) throws -> [UInt8]? {
        guard let dataKey = try vault.exportKey(subject) else { return nil }
        let box = try dataKey.withUnsafeBytes { raw in
            try AES.GCM.seal(Array(raw), using: key, authenticating: Self.associatedData(subject))
        }
        guard let combined = box.combined else { throw OpenFailure(message: "AES-GCM gave no combined form") }
        return Array(combined)
    }

    /// Opens `sealed` (a value of the bucket) as `subject`'s data key and stores it in `vault`
    /// (wrapped under that vault's own `vault.key`), with the blind index of the identifier
    /// `sealedIdentifier` holds, opened with the key (`SealedSubjects.identifier`). Returns
    /// whether a key was stored (false: the vault already held one, or forgot the subject).
    /// Throws `OpenFailure`, naming the file, when the value does not open under this key.
    @discardableResult
    public func importKey(
        _ sealed: [UInt8], subject: String, into vault: Vault,
        sealedIdentifier: (purpose: BlindIndexPurpose, field: String, value: SealedValue)?
    ) throws -> Bool {
        let raw: Data
        do {
            raw = try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: Self.associatedData(subject))
        } catch {
            throw OpenFailure(
                message:
                    "the replicated key of \(subject) does not open under \(path): it is not the primary's replication key (or the value was altered)"
            )
        }
        let dataKey = SymmetricKey(data: raw)
        var indexes: [(purpose: BlindIndexPurpose, identifier: String)] = []
        if let s = sealedIdentifier, s.value.subject == subject {
            indexes.append((s.purpose, try Vault.open(s.value, field: s.field, with: dataKey)))
        }
        return try vault.importKey(subject, key: dataKey, indexes: indexes)
    }
}

/// Which subject an event names, for the replication of keys: the events whose fields are sealed
/// under a subject's key (the replica needs the key before it serves them), and the event that
/// forgets one. Add a sealed event type here (and its identifier, when it has a blind index).
public enum SealedSubjects {
    /// The types whose events hold fields sealed under a subject's key.
    public static let sealedTypes: Set<String> = [DocumentEvents.applicationSubmitted]
    /// The type that forgets a subject (`privacy.subject-forgotten`).
    public static let forgottenType = PrivacyOffice.forgottenType

    /// The subject whose key an event of `type` with `data` needs: `applicant.subject` of
    /// `documents.application-submitted`; nil for any other event.
    public static func subject(needingKeyOf type: String, data: JSONValue) -> String? {
        guard sealedTypes.contains(type), case .string(let subject)? = data["applicant"]?["subject"], Vault.isPseudonym(subject)
        else { return nil }
        return subject
    }

    /// The subject a `privacy.subject-forgotten` event forgets; nil for any other event.
    public static func subject(forgottenBy type: String, data: JSONValue) -> String? {
        guard type == forgottenType, case .string(let subject)? = data["subject"], Vault.isPseudonym(subject) else { return nil }
        return subject
    }

    /// The sealed identifier an event of `type` holds that a blind index finds its subject by
    /// (`applicant.nik` of an application, purpose `.nik`); nil when none.
    public static func identifier(of type: String, data: JSONValue) -> (purpose: BlindIndexPurpose, field: String, value: SealedValue)? {
        guard type == DocumentEvents.applicationSubmitted, let nik = data["applicant"]?["nik"],
            let sealed = try? JSONValueDecoder(root: "applicant.nik").decode(SealedValue.self, from: nik)
        else { return nil }
        return (.nik, "applicant.nik", sealed)
    }
}
