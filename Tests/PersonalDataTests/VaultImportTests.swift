import Crypto
import Foundation
import Testing

@testable import PersonalData

/// `Vault.exportKey` / `importKey` (a replica's vault gets the primary's subject keys, issue 14).
@Suite struct VaultImportTests {
    @Test func anImportedKeyOpensThePrimarysFieldsUnderTheReplicasOwnMasterKeyAndIndexesTheNIK() throws {
        let primary = try Vault(directory: try VaultTests.temporaryDirectory(), masterKey: SymmetricKey(size: .bits256))
        let replicaDir = try VaultTests.temporaryDirectory()
        let replicaMaster = SymmetricKey(size: .bits256)
        let replica = try Vault(directory: replicaDir, masterKey: replicaMaster)
        let nik = "5271010101900003"
        let (subject, sealed) = try primary.sealCreating(.nik, nik, [("applicant.nik", nik), ("applicant.name", "Inaq Sahnun")])
        try primary.checkpoint()
        #expect(try replica.open(sealed[1], field: "applicant.name") == .erased)

        let key = try #require(try primary.exportKey(subject))
        #expect(try Vault.open(sealed[0], field: "applicant.nik", with: key) == nik)
        #expect(try replica.importKey(subject, key: key, indexes: [(.nik, nik)]))
        #expect(try replica.open(sealed[1], field: "applicant.name") == .value("Inaq Sahnun"))
        #expect(try replica.subject(.nik, nik) == subject)
        // Stored wrapped under the replica's own master key: not the primary's wrapped form.
        #expect(try replica.env.read { txn in try replica.subjects.get(subject, in: txn) } != nil)
        let reopened = try Vault(directory: replicaDir, masterKey: replicaMaster)
        #expect(try reopened.open(sealed[1], field: "applicant.name") == .value("Inaq Sahnun"))
        // Importing again keeps the key (no change).
        #expect(try !replica.importKey(subject, key: key))

        // Forgotten: the key and index are gone, and no import brings them back.
        try replica.forget(subject)
        #expect(try replica.open(sealed[1], field: "applicant.name") == .erased)
        #expect(try !replica.importKey(subject, key: key, indexes: [(.nik, nik)]))
        #expect(try !replica.hasKey(subject))
        #expect(try replica.subject(.nik, nik) == nil)
        // A key that is not the subject's does not open its fields.
        #expect(throws: Vault.Failure.self) { _ = try Vault.open(sealed[0], field: "applicant.nik", with: SymmetricKey(size: .bits256)) }
        #expect(throws: Vault.Failure.self) { try replica.importKey("not-a-subject", key: key) }
    }
}
