import Crypto
import Foundation
import JSON
import Synchronization
import TestSupport
import Testing

@testable import PersonalData

@Suite struct VaultTests {
    static func temporaryDirectory() throws -> String {
        let path = RemovedAtExit.path(NSTemporaryDirectory() + "vault-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func allBytes(under directory: String) throws -> [UInt8] {
        var out: [UInt8] = []
        let fm = FileManager.default
        for case let name as String in fm.enumerator(atPath: directory)! {
            if let d = fm.contents(atPath: directory + "/" + name) { out += Array(d) }
        }
        return out
    }

    @Test func sealedValueOpensOnlyAsItsFieldAndNeverHoldsTheClearText() throws {
        let dir = try Self.temporaryDirectory()
        let vault = try Vault(directory: dir, masterKey: SymmetricKey(size: .bits256))
        let subject = try vault.subjectCreating(.nik, "5271010101900001")
        #expect(Vault.isPseudonym(subject))
        let sealed = try vault.seal("Baiq Nurul Aini", field: "applicant.name", subject: subject)
        #expect(sealed.sealed == "v1" && sealed.subject == subject)
        #expect(!sealed.ciphertext.contains("Baiq"))
        #expect(try vault.open(sealed, field: "applicant.name") == .value("Baiq Nurul Aini"))
        #expect(throws: Vault.Failure.self) { try vault.open(sealed, field: "applicant.phone") }
        // The vault's files hold neither the NIK nor the name.
        let bytes = try Self.allBytes(under: dir)
        #expect(bytes.firstRange(of: Array("5271010101900001".utf8)) == nil)
        #expect(bytes.firstRange(of: Array("Baiq".utf8)) == nil)
    }

    @Test func theSameNIKFindsTheSameSubjectAndAnotherNIKAnother() throws {
        let vault = try Vault(directory: try Self.temporaryDirectory(), masterKey: SymmetricKey(size: .bits256))
        let a = try vault.subjectCreating(.nik, "5271010101900001")
        #expect(try vault.subjectCreating(.nik, "5271010101900001") == a)
        #expect(try vault.subject(.nik, "5271010101900001") == a)
        #expect(try vault.subjectCreating(.nik, "5271010101900002") != a)
        #expect(try vault.subject(.nik, "5271010101900009") == nil)
        // Purposes are separate: the same digits as a KK number find nothing.
        #expect(try vault.subject(.kk, "5271010101900001") == nil)
    }

    @Test func forgetDestroysTheKeyAndTheIndexForGood() throws {
        let dir = try Self.temporaryDirectory()
        let master = SymmetricKey(size: .bits256)
        let vault = try Vault(directory: dir, masterKey: master)
        let subject = try vault.subjectCreating(.nik, "5271010101900001")
        let other = try vault.subjectCreating(.nik, "5271010101900002")
        let sealed = try vault.seal("081234567890", field: "applicant.phone", subject: subject)
        #expect(try vault.forget(subject))
        #expect(try vault.open(sealed, field: "applicant.phone") == .erased)
        #expect(try vault.subject(.nik, "5271010101900001") == nil)
        #expect(try !vault.hasKey(subject))
        #expect(try vault.isForgotten(subject))
        #expect(try vault.forgottenSubjects() == [subject])
        #expect(try vault.hasKey(other))
        #expect(throws: Vault.Failure.self) { try vault.seal("x", field: "applicant.name", subject: subject) }
        // Forgetting again is harmless, and a new application by the same NIK is a new subject.
        #expect(try !vault.forget(subject))
        #expect(try vault.subjectCreating(.nik, "5271010101900001") != subject)
        // A compacted copy holds no trace of the forgotten subject.
        let copy = try Self.temporaryDirectory() + "/copy"
        try vault.copy(to: copy)
        #expect(try Self.allBytes(under: copy).firstRange(of: Array(subject.utf8.dropFirst(5))) != nil)  // in `forgotten`
        let reopened = try Vault(directory: copy, masterKey: master)
        #expect(try !reopened.hasKey(subject))
    }

    @Test func aSealedValueReadsStrictly() throws {
        let vault = try Vault(directory: try Self.temporaryDirectory(), masterKey: SymmetricKey(size: .bits256))
        let subject = try vault.subjectCreating(.nik, "5271010101900001")
        let sealed = try vault.seal("a", field: "f", subject: subject)
        let value = JSONValueEncoder().encode(sealed)
        let back = try JSONValueDecoder(root: "data").decode(SealedValue.self, from: value)
        #expect(back == sealed)
        let bad: JSONValue = .object([("sealed", .string("v1")), ("subject", .string("Baiq")), ("ciphertext", .string("eA=="))])
        #expect(throws: (any Error).self) { try JSONValueDecoder(root: "data").decode(SealedValue.self, from: bad) }
        // Read without Codable's containers (`JSONStringRecord`), with the same refusals, by path.
        func refusal(_ edit: (inout [(key: String, value: JSONValue)]) -> Void) -> String? {
            guard case .object(var members) = value else { return nil }
            edit(&members)
            let wrapped: JSONValue = .object([("applicant", .object([("nik", .object(members))]))])
            struct Holder: Decodable {
                struct Inner: Decodable { var nik: SealedValue }
                var applicant: Inner
            }
            do {
                _ = try JSONValueDecoder(root: "data").decode(Holder.self, from: wrapped)
                return nil
            } catch { return error.description }
        }
        #expect(refusal { _ in } == nil)
        #expect(refusal { $0.removeAll { $0.key == "subject" } } == "data.applicant.nik.subject: is required (a subject pseudonym)")
        #expect(refusal { $0.append(("name", .string("Baiq"))) } == "data.applicant.nik.name: is not a field of this payload")
        #expect(
            refusal { $0 = $0.map { $0.key == "sealed" ? ($0.key, .string("v2")) : $0 } } == "data.applicant.nik.sealed: must be \"v1\"")
        #expect(
            refusal { $0 = $0.map { $0.key == "ciphertext" ? ($0.key, .number(1)) : $0 } }
                == "data.applicant.nik.ciphertext: must be a string")
        #expect(
            refusal { $0 = $0.map { $0.key == "subject" ? ($0.key, .null) : $0 } }
                == "data.applicant.nik.subject: is required (a subject pseudonym)")
    }

    @Test func anotherMasterKeyOpensNothing() throws {
        let dir = try Self.temporaryDirectory()
        let vault = try Vault(directory: dir, masterKey: SymmetricKey(size: .bits256))
        let subject = try vault.subjectCreating(.nik, "5271010101900001")
        _ = try vault.seal("a", field: "f", subject: subject)
        // Refused when opened (the vault records its master key's fingerprint) ...
        #expect(throws: Vault.Failure.self) { try Vault(directory: dir, masterKey: SymmetricKey(size: .bits256)) }
        // ... and a wrapped key does not open under another master key.
        let wrapped = try #require(try vault.env.read { txn in try vault.subjects.get(subject, in: txn) })
        #expect(throws: Vault.Failure.self) {
            try vault.unwrap(wrapped, subject: subject, with: MasterKeys(generation: 0, master: SymmetricKey(size: .bits256)))
        }
    }

    @Test func aCompactedCopyAfterForgetHoldsNotTheWrappedKey() throws {
        let dir = try Self.temporaryDirectory()
        let vault = try Vault(directory: dir, masterKey: SymmetricKey(size: .bits256))
        // Enough subjects that the forgotten one shares its pages with others.
        for i in 0..<200 { _ = try vault.subjectCreating(.nik, "52710101019\(String(format: "%05d", i))") }
        let subject = try vault.subjectCreating(.nik, "5271010101900001")
        let wrapped = try #require(try vault.env.read { txn in try vault.subjects.get(subject, in: txn) })
        let index = vault.blindIndex(.nik, "5271010101900001")
        #expect(try Self.allBytes(under: dir).firstRange(of: wrapped) != nil)
        try vault.forget(subject)
        let copy = try Self.temporaryDirectory() + "/copy"
        try vault.copy(to: copy)
        let copied = try Self.allBytes(under: copy)
        #expect(copied.firstRange(of: wrapped) == nil)
        // Not asserted: the blind index's bytes may survive in the free space of a live page (a
        // deleted LMDB key is not wiped), and the live file may still hold both on freed pages
        // (LMDB copies on write): see docs/privacy.md, "What remains on disk".
        _ = index
    }

    /// `forget` overwrites a key with noise in one commit and deletes it in the next: a reader or a
    /// sealer in between must see an erased subject (or make a new one), never a damaged vault.
    @Test func readersAndSealersRacingAForgetSeeItErasedNeverDamaged() throws {
        let dir = try Self.temporaryDirectory()
        let vault = try Vault(directory: dir, masterKey: SymmetricKey(size: .bits256))
        let niks = (0..<200).map { String(format: "52710101019%05d", $0) }
        let sealed = try niks.map { nik in
            try vault.seal("Baiq Nurul Aini", field: "applicant.name", subject: try vault.subjectCreating(.nik, nik))
        }
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: niks.count * 3) { i in
            let n = i / 3
            do {
                switch i % 3 {
                case 0: try vault.forget(sealed[n].subject)
                case 1:
                    let opened = try vault.open(sealed[n], field: "applicant.name")
                    if opened != .erased && opened != .value("Baiq Nurul Aini") { failures.withLock { $0.append("\(opened)") } }
                default:
                    let (subject, values) = try vault.sealCreating(.nik, niks[n], [("applicant.name", "Lalu Ahmad")])
                    if try vault.open(values[0], field: "applicant.name") == .erased, try !vault.isForgotten(subject) {
                        failures.withLock { $0.append("sealed under \(subject) but it does not open") }
                    }
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        // Every forgotten subject reads as erased now; a NIK sealed again after its erasure has a new subject.
        for s in sealed { #expect(try vault.open(s, field: "applicant.name") == .erased) }
        let again = try vault.sealCreating(.nik, niks[0], [("applicant.name", "Lalu Ahmad")])
        #expect(again.subject != sealed[0].subject)
        #expect(try vault.open(again.sealed[0], field: "applicant.name") == .value("Lalu Ahmad"))
    }

    /// The blind indexes in the vault's file (not the pending ones).
    static func filed(_ vault: Vault) throws -> [String: String] {
        try vault.env.read { txn in
            var out: [String: String] = [:]
            try vault.indexes.forEach(in: txn) { k, v in
                out[k] = v
                return true
            }
            return out
        }
    }

    @Test func aNewSubjectsKeyIsInTheFileAtOnceItsIndexAtTheCheckpoint() throws {
        let dir = try Self.temporaryDirectory()
        let master = SymmetricKey(size: .bits256)
        let vault = try Vault(directory: dir, masterKey: master)
        final class Head: @unchecked Sendable { var position: UInt64 = 7 }
        let head = Head()
        vault.startCheckpoints(every: .seconds(3600)) { head.position }
        let subject = try vault.subjectCreating(.nik, "5271010101900001")
        let sealed = try vault.seal("Baiq", field: "applicant.name", subject: subject)
        // A crash now (another vault on the file, as a process started after it): the key opens,
        // the index is not there.
        let afterCrash = try Vault(directory: dir, masterKey: master)
        #expect(try afterCrash.open(sealed, field: "applicant.name") == .value("Baiq"))
        #expect(try afterCrash.subject(.nik, "5271010101900001") == nil)
        #expect(try Self.filed(vault).isEmpty)
        #expect(try vault.subject(.nik, "5271010101900001") == subject)  // pending, found here
        // The checkpoint writes it with the position it covers.
        #expect(try vault.checkpoint() == 1)
        #expect(try afterCrash.subject(.nik, "5271010101900001") == subject)
        #expect(try afterCrash.indexedThrough() == 7)
        head.position = 5  // never lowered
        try vault.checkpoint()
        #expect(try vault.indexedThrough() == 7)
    }

    @Test func restoredIndexesFindTheSubjectAgainButNeverAForgottenOne() throws {
        let dir = try Self.temporaryDirectory()
        let master = SymmetricKey(size: .bits256)
        let vault = try Vault(directory: dir, masterKey: master)
        let a = try vault.subjectCreating(.nik, "5271010101900001")
        let b = try vault.subjectCreating(.nik, "5271010101900002")
        let afterCrash = try Vault(directory: dir, masterKey: master)
        try afterCrash.forget(b)
        let links: [(purpose: BlindIndexPurpose, identifier: String, subject: String)] = [
            (.nik, "5271010101900001", a), (.nik, "5271010101900002", b),
        ]
        #expect(try afterCrash.restoreIndexes(links, through: 12) == 1)
        #expect(try afterCrash.subject(.nik, "5271010101900001") == a)
        #expect(try afterCrash.subject(.nik, "5271010101900002") == nil)
        #expect(try afterCrash.indexedThrough() == 12)
        // Again: nothing more to write; an index held by another subject is left as it is.
        #expect(try afterCrash.restoreIndexes(links, through: 12) == 0)
        #expect(try afterCrash.restoreIndexes([(.nik, "5271010101900001", b)], through: 12) == 0)
        #expect(try afterCrash.subject(.nik, "5271010101900001") == a)
        // The first vault's pending index of the forgotten subject is dropped at its checkpoint.
        #expect(try vault.checkpoint() == 0)
        #expect(try Self.filed(vault).count == 1)
    }

    @Test func forgettingAPendingSubjectDropsItsIndex() throws {
        let vault = try Vault(directory: try Self.temporaryDirectory(), masterKey: SymmetricKey(size: .bits256))
        let subject = try vault.subjectCreating(.nik, "5271010101900001")
        try vault.forget(subject)
        #expect(try vault.subject(.nik, "5271010101900001") == nil)
        #expect(try vault.checkpoint() == 0)
        #expect(try Self.filed(vault).isEmpty)
        #expect(try vault.subjectCreating(.nik, "5271010101900001") != subject)
    }

    @Test func aKeyDestroyedByAnotherProcessIsNotUsedFromTheCache() throws {
        let dir = try Self.temporaryDirectory()
        let master = SymmetricKey(size: .bits256)
        let server = try Vault(directory: dir, masterKey: master)
        let subject = try server.subjectCreating(.nik, "5271010101900001")
        let sealed = try server.seal("081234567890", field: "applicant.phone", subject: subject)
        #expect(try server.open(sealed, field: "applicant.phone") == .value("081234567890"))  // cached now
        try Vault(directory: dir, masterKey: master).forget(subject)  // `lumbung privacy forget` beside the server
        #expect(try server.open(sealed, field: "applicant.phone") == .erased)
        #expect(throws: Vault.Failure.self) { try server.seal("x", field: "applicant.name", subject: subject) }
    }

    @Test func closeWritesThePendingIndexesAndDeletesTheUnusedPool() throws {
        let dir = try Self.temporaryDirectory()
        let master = SymmetricKey(size: .bits256)
        let vault = try Vault(directory: dir, masterKey: master)
        let subject = try vault.subjectCreating(.nik, "5271010101900001")
        let keys = { try vault.env.read { txn in try vault.subjects.count(in: txn) } }
        #expect(try keys() == Vault.minPoolBatch)
        try vault.close()
        #expect(try keys() == 1)
        #expect(try Vault(directory: dir, masterKey: master).subject(.nik, "5271010101900001") == subject)
        // Still usable: a new subject refills the pool.
        #expect(try vault.subjectCreating(.nik, "5271010101900002") != subject)
    }
}

/// Rotating the master key after an erasure (`Vault.rotateMasterKey`, `MasterKeyFiles`).
@Suite struct VaultRotationTests {
    static func dataDirectory() throws -> (data: String, files: MasterKeyFiles, master: SymmetricKey) {
        let data = try VaultTests.temporaryDirectory()
        let files = MasterKeyFiles(dataDirectory: data)
        let master = SymmetricKey(size: .bits256)
        try MasterKeyFiles.write(master, to: files.current)
        return (data, files, master)
    }

    static func bytes(of key: SymmetricKey) -> [UInt8] { key.withUnsafeBytes { Array($0) } }

    /// Every 60-byte window of every file that opens as `subject`'s wrapped key under `vault`'s
    /// current master key.
    static func unwrappable(_ subject: String, under directory: String, by vault: Vault) throws -> Int {
        let all = try VaultTests.allBytes(under: directory)
        var found = 0
        guard all.count >= 60 else { return 0 }
        for start in 0...(all.count - 60)
        where (try? vault.unwrap(Array(all[start..<(start + 60)]), subject: subject, with: vault.keys)) != nil {
            found += 1
        }
        return found
    }

    @Test func afterARotationNoFileHoldsAKeyThatOpensAForgottenSubject() throws {
        let (data, files, master) = try Self.dataDirectory()
        let vault = try Vault(directory: data + "/vault", masterKey: master, keyFiles: files)
        // Another process on the same vault (a CLI beside the server), opened before the rotation.
        let other = try Vault(directory: data + "/vault", masterKey: master, keyFiles: files)
        for i in 0..<200 { _ = try vault.sealCreating(.nik, String(format: "52710101019%05d", i), [("applicant.name", "warga \(i)")]) }
        let (gone, goneSealed) = try vault.sealCreating(.nik, "5271010101900001", [("applicant.name", "Baiq Nurul Aini")])
        let (kept, keptSealed) = try vault.sealCreating(.nik, "5271010101900002", [("applicant.name", "Lalu Ahmad")])
        try vault.checkpoint()
        let wrapped = try #require(try vault.env.read { txn in try vault.subjects.get(gone, in: txn) })
        #expect(try Self.unwrappable(gone, under: data, by: vault) >= 1)

        try vault.forget(gone)
        let newMaster = try vault.rotateMasterKey()

        // vault.key is the new key; the old one is in no file, and nothing in any file opens as the
        // forgotten subject's key under the key that exists.
        #expect(FileManager.default.contents(atPath: files.current).map(Array.init) == Self.bytes(of: newMaster))
        #expect(!FileManager.default.fileExists(atPath: files.next))
        let all = try VaultTests.allBytes(under: data)
        #expect(all.firstRange(of: Self.bytes(of: master)) == nil)
        #expect(try Self.unwrappable(gone, under: data, by: vault) == 0)
        _ = wrapped
        // The others are found by their NIK and open, here and in the other process.
        for v in [vault, other] {
            #expect(try v.subject(.nik, "5271010101900002") == kept)
            #expect(try v.subject(.nik, "5271010101900001") == nil)
            #expect(try v.open(keptSealed[0], field: "applicant.name") == .value("Lalu Ahmad"))
            #expect(try v.open(goneSealed[0], field: "applicant.name") == .erased)
            #expect(try v.subject(.nik, "52710101019" + "00150") != nil)
        }
        // The other process makes subjects under the new key; the first finds them.
        let (late, _) = try other.sealCreating(.nik, "5271010101900003", [("applicant.name", "Ni Made")])
        try other.checkpoint()
        #expect(try vault.subject(.nik, "5271010101900003") == late)
        // Reopened with the old key: refused by name; with the new: everything as before.
        #expect(throws: Vault.Failure.self) { try Vault(directory: data + "/vault", masterKey: master).close() }
        #expect(try Vault(directory: data + "/vault", masterKey: newMaster, keyFiles: files).subject(.nik, "5271010101900002") == kept)
    }

    @Test func aVaultRefusesAMasterKeyItWasNotMadeWith() throws {
        let dir = try VaultTests.temporaryDirectory()
        let vault = try Vault(directory: dir, masterKey: SymmetricKey(size: .bits256))
        _ = try vault.subjectCreating(.nik, "5271010101900001")
        #expect {
            try Vault(directory: dir, masterKey: SymmetricKey(size: .bits256))
        } throws: { ($0 as? Vault.Failure)?.code == .wrongMasterKey }
    }

    @Test func aRotationACrashInterruptedIsCompletedOrUndoneOnOpen() throws {
        let (data, files, master) = try Self.dataDirectory()
        let vault = try Vault(directory: data + "/vault", masterKey: master, keyFiles: files)
        let (subject, sealed) = try vault.sealCreating(.nik, "5271010101900001", [("applicant.name", "Baiq")])
        try vault.checkpoint()

        // Crashed after writing the next key, before the vault committed: the next key is dropped.
        let unused = SymmetricKey(size: .bits256)
        try MasterKeyFiles.write(unused, to: files.next)
        #expect(try files.finishRotation(vaultDirectory: data + "/vault") == false)
        #expect(!FileManager.default.fileExists(atPath: files.next))
        #expect(FileManager.default.contents(atPath: files.current).map(Array.init) == Self.bytes(of: master))

        // Crashed after the vault committed, before the file was renamed: the rename is done.
        let next = SymmetricKey(size: .bits256)
        try MasterKeyFiles.write(next, to: files.next)
        try vault.rewrap(under: next)
        #expect(try files.finishRotation(vaultDirectory: data + "/vault") == true)
        #expect(FileManager.default.contents(atPath: files.current).map(Array.init) == Self.bytes(of: next))
        let reopened = try Vault(directory: data + "/vault", masterKey: next, keyFiles: files)
        #expect(try reopened.subject(.nik, "5271010101900001") == subject)
        #expect(try reopened.open(sealed[0], field: "applicant.name") == .value("Baiq"))
    }
}
