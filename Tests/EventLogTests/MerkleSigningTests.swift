import Foundation
import JSON
import Testing

@testable import EventLog

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Signed tree heads and export checks")
struct MerkleSigningTests {
    @Test("the signing key is made once, mode 0600, 32 bytes, and read back the same")
    func keyFile() throws {
        let scratch = try MerkleScratchStore("key")
        let key = try AuditSigningKey.loadOrCreate(dataDirectory: scratch.dataDirectory)
        var info = stat()
        #expect(stat(key.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(try Data(contentsOf: URL(fileURLWithPath: key.path)).count == 32)
        #expect(key.path == scratch.dataDirectory + "/audit-signing.key")
        let again = try AuditSigningKey.loadOrCreate(dataDirectory: scratch.dataDirectory)
        #expect(again.publicKey == key.publicKey)
        #expect(key.publicKeyHex.count == 64)
        // No temporary files left behind.
        let files = try FileManager.default.contentsOfDirectory(atPath: scratch.dataDirectory)
        #expect(!files.contains { $0.contains(".tmp-") }, "\(files)")
    }

    @Test("processes racing to make the key all get the one that won")
    func keyRace() async throws {
        let scratch = try MerkleScratchStore("key-race")
        let dir = scratch.dataDirectory + "/fresh"
        let keys = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<8 {
                group.addTask { try AuditSigningKey.loadOrCreate(dataDirectory: dir).publicKey }
            }
            var out: [[UInt8]] = []
            for try await k in group { out.append(k) }
            return out
        }
        #expect(Set(keys).count == 1)
    }

    @Test("a key file others may read, or of the wrong length, is refused and left alone")
    func badKeyFiles() throws {
        let scratch = try MerkleScratchStore("key-bad")
        let key = try AuditSigningKey.loadOrCreate(dataDirectory: scratch.dataDirectory)
        chmod(key.path, 0o644)
        let loose = try #require(throws: EventLogError.self) { try AuditSigningKey.loadOrCreate(dataDirectory: scratch.dataDirectory) }
        #expect(loose.message.contains("chmod 600"), "\(loose)")
        chmod(key.path, 0o600)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: key.path))
        chmod(key.path, 0o600)
        let damaged = try #require(throws: EventLogError.self) { try AuditSigningKey.loadOrCreate(dataDirectory: scratch.dataDirectory) }
        #expect(damaged.message.contains("damaged"), "\(damaged)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: key.path)) == Data([1, 2, 3]))
    }

    @Test("a digest signs the JCS of {rootHash, timestamp, treeSize}; any change breaks the signature; JSON round-trips")
    func digestSignature() throws {
        let scratch = try MerkleScratchStore("digest")
        let key = try AuditSigningKey.loadOrCreate(dataDirectory: scratch.dataDirectory)
        let head = TreeHead(size: 42, rootHash: MerkleTree.leafHash(Array("x".utf8)))
        let time = try #require(Timestamp("2026-11-28T10:00:00.123Z"))
        let digest = try key.sign(head, at: time)
        #expect(digest.hasValidSignature)
        #expect(
            String(decoding: digest.signedBytes, as: UTF8.self)
                == #"{"rootHash":"\#(head.rootHash)","timestamp":"2026-11-28T10:00:00.123Z","treeSize":42}"#)
        #expect(digest.json.objectValue?.map(\.key) == ["treeSize", "rootHash", "timestamp", "signature", "publicKey"])
        #expect(try SignedTreeHead(json: digest.json) == digest)
        #expect(try SignedTreeHead(json: JSONParser.parse(CanonicalJSON.encode(digest.json))) == digest)
        var d = digest
        d.treeSize = 43
        #expect(!d.hasValidSignature)
        d = digest
        d.rootHash = MerkleTree.emptyRoot
        #expect(!d.hasValidSignature)
        d = digest
        d.timestamp = Timestamp(millisecondsSince1970: time.millisecondsSince1970 + 1)
        #expect(!d.hasValidSignature)
        d = digest
        d.signature[10] ^= 1
        #expect(!d.hasValidSignature)
        d = digest
        d.publicKey = try AuditSigningKey.loadOrCreate(dataDirectory: scratch.dataDirectory + "/other").publicKey
        #expect(!d.hasValidSignature)
        #expect(throws: ExportVerifier.Failure.self) { try ExportVerifier.checkSignature(of: d, publicKey: d.publicKey) }
        #expect(throws: ExportVerifier.Failure.self) { try ExportVerifier.checkSignature(of: digest, publicKey: d.publicKey) }
        try ExportVerifier.checkSignature(of: digest, publicKey: key.publicKey)
        // Malformed digests name the member.
        var members = try #require(digest.json.objectValue)
        members[1].value = .string("ABC")
        let error = try #require(throws: EventLogError.self) { try SignedTreeHead(json: .object(members)) }
        #expect(error.field == "rootHash")
    }

    @Test("an export checks out with its root; edits, removals, reorders and insertions are named by position")
    func exportVerifier() async throws {
        let scratch = try MerkleScratchStore("export")
        let store = try scratch.log
        for i in 1...40 {
            _ = try await store.append(try MerkleCheck.request([try MerkleCheck.event("ledger-\(i % 3)", i)]))
        }
        let lines = try store.readAll(limit: .max).map(\.json)
        func run(_ lines: [[UInt8]], partial: Bool = false) -> Result<ExportVerifier.Summary, ExportVerifier.Failure> {
            var v = ExportVerifier(allowPartial: partial)
            do {
                for l in lines { try v.check(line: l) }
                return .success(try v.finish())
            } catch {
                return .failure(error)
            }
        }
        let head = try store.treeHead()
        let summary = try run(lines).get()
        let headHash = try store.head().hash
        #expect(summary.events == 40 && summary.rootHash == head.rootHash && summary.headHash == headHash)
        let key = try AuditSigningKey.loadOrCreate(dataDirectory: scratch.dataDirectory)
        let digest = try key.sign(head)
        try ExportVerifier.check(summary, against: digest)

        func failure(_ lines: [[UInt8]]) -> ExportVerifier.Failure? {
            if case .failure(let f) = run(lines) { return f }
            return nil
        }
        // Edited: event 12's data.
        var edited = lines
        edited[11] = Array(String(decoding: edited[11], as: UTF8.self).replacingOccurrences(of: #""n":12"#, with: #""n":13"#).utf8)
        #expect(failure(edited)?.position == 12)
        // Removed: event 20.
        var removed = lines
        removed.remove(at: 19)
        #expect(failure(removed)?.position == 20)
        // Reordered: 30 and 31 swapped.
        var reordered = lines
        reordered.swapAt(29, 30)
        #expect(failure(reordered)?.position == 30)
        // Inserted: a copy of event 3 after event 25.
        var inserted = lines
        inserted.insert(lines[2], at: 25)
        #expect(failure(inserted)?.position == 26)
        // The last event removed: the chain is fine, the digest is not.
        let shorter = try run(Array(lines.dropLast())).get()
        let short = try #require(throws: ExportVerifier.Failure.self) { try ExportVerifier.check(shorter, against: digest) }
        #expect(short.position == 40)
        // A partial export checks out only when asked for, and has no root.
        #expect(failure(Array(lines.dropFirst(5)))?.position == 1)
        let partial = try run(Array(lines.dropFirst(5)), partial: true).get()
        #expect(partial.firstPosition == 6 && partial.events == 35 && partial.rootHash == nil)
    }
}
