public import Crypto
import Foundation
import LMDB

/// Moving a subject's data key between vaults (issue 14: a read replica gets the keys of the
/// subjects its log names from the primary, through the replication bucket).
extension Vault {
    /// `subject`'s data key, unwrapped, for replication to a replica: nil when this vault holds
    /// none (never made here, or forgotten). Whoever gets it can open every field sealed under it:
    /// it leaves the vault only sealed again (under the replication key).
    public func exportKey(_ subject: String) throws -> SymmetricKey? {
        try dataKey(subject)
    }

    /// Stores `key` as `subject`'s data key, wrapped under this vault's own master key, with the
    /// blind indexes `indexes` (`(purpose, identifier)`, each written unless another subject holds
    /// it), in one durable transaction. A subject forgotten here is never given a key again
    /// (returns false, writes nothing); a subject that already holds a key keeps it (its missing
    /// indexes are written; returns false). Returns whether the key was stored.
    @discardableResult
    public func importKey(
        _ subject: String, key: SymmetricKey, indexes identifiers: [(purpose: BlindIndexPurpose, identifier: String)] = []
    ) throws -> Bool {
        guard Self.isPseudonym(subject) else { throw Failure(.unknownSubject, "\(subject) is not a subject pseudonym") }
        guard key.bitCount == 256 else { throw Failure(.damaged, "the key of \(subject) is not 256 bits") }
        lock.lock()
        defer { lock.unlock() }
        return try env.write { txn in
            guard try !forgotten.contains(subject, in: txn) else { return false }
            // Wrapped under this vault's current master key (another process may have rotated it).
            let keys = try currentKeys(in: txn)
            let stored: Bool
            if try subjects.get(subject, in: txn) == nil {
                try subjects.put(subject, try wrap(key, subject: subject, with: keys), in: txn)
                stored = true
            } else {
                stored = false
            }
            // The index, and the identifier kept sealed under the subject's key for rotations.
            for (purpose, identifier) in identifiers {
                _ = try link(subject, purpose, identifier, keys: keys, key: stored ? key : nil, in: txn)
            }
            return stored
        }
    }

    /// The clear text of `sealed` (read as `field`) opened with `key` directly, not through the
    /// vault (a key received for import, before it is stored): `Failure.damaged` when it does not
    /// open under that key.
    public static func open(_ sealed: SealedValue, field: String, with key: SymmetricKey) throws -> String {
        guard let bytes = Base64.decode(sealed.ciphertext) else { throw Failure(.damaged, "\(field): the ciphertext is not base64") }
        do {
            let box = try AES.GCM.SealedBox(combined: bytes)
            let clear = try AES.GCM.open(box, using: key, authenticating: SealedValue.associatedData(subject: sealed.subject, field: field))
            return String(decoding: clear, as: UTF8.self)
        } catch {
            throw Failure(.damaged, "\(field): the sealed value of \(sealed.subject) does not open under the key given")
        }
    }
}
