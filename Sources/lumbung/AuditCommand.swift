import ArgumentParser
import EventLog
import Foundation
import JSON

extension Lumbung {
    /// `lumbung audit`: the auditor's proofs over the log's Merkle tree (RFC 6962) and signed
    /// tree heads (Ed25519, key in `<data-dir>/audit-signing.key`, made on first use; a read
    /// replica has none and answers with its primary's signed head).
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Signed tree heads, inclusion and consistency proofs, and checks of exports.",
            discussion: """
                The log's events are the leaves of an RFC 6962 Merkle tree (leaf i = the JCS of the event \
                at position i+1 without "hash"). Hashes, keys and signatures are lower-case hex.
                """,
            subcommands: [Digest.self, PublicKey.self, Pin.self, Prove.self, Consistency.self, VerifyExport.self])

        /// `audit digest`: the signed tree head of the log as it is now.
        struct Digest: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print the signed tree head {treeSize, rootHash, timestamp, signature, publicKey}.")
            @OptionGroup var store: StoreOptions

            func run() throws {
                let log = try store.openStore(mustExist: true)
                defer { log.close() }
                // A read replica signs nothing: its digest is the primary's, as it verified it.
                let digest =
                    try ReplicaAudit.primaryHead(log)
                    ?? AuditSigningKey.loadOrCreate(dataDirectory: store.resolvedDataDirectory).sign(try log.treeHead())
                Output.standard.line(CLIJSON.bytes(digest.json))
                Output.flush()
            }
        }

        /// `audit public-key`: the key digests are signed with.
        struct PublicKey: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "public-key", abstract: "Print {publicKey}: the Ed25519 key that signs digests.")
            @OptionGroup var store: StoreOptions

            func run() throws {
                let log = try store.openStore(mustExist: true)
                let primary = try ReplicaAudit.primaryHead(log)
                log.close()
                let key =
                    try primary.map { Hex.encode($0.publicKey) }
                    ?? AuditSigningKey.loadOrCreate(dataDirectory: store.resolvedDataDirectory).publicKeyHex
                Output.standard.line(JSONObject([("publicKey", .string(key))]))
                Output.flush()
            }
        }

        /// `audit pin`: pins the key digests must be signed by, once, for this user.
        struct Pin: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "pin",
                abstract: "Pin the audit public key (HEX or @FILE) that `consistency --digest` and `verify-export --digest` check against.",
                discussion:
                    "Writes it to $XDG_CONFIG_HOME/lumbung/audit-public-key (else ~/.config/lumbung/audit-public-key), mode 0600; prints {\"publicKey\",\"file\"}."
            )
            @Argument(help: ArgumentHelp("The key, as `audit public-key` prints it on the primary.", valueName: "HEX|@FILE"))
            var key: String

            func validate() throws {
                do { _ = try PinnedKey.parse(key, from: "key") } catch let error as CLIError { throw ValidationError(error.message) }
            }

            func run() throws {
                let bytes = try PinnedKey.parse(key, from: "key")
                let file = PinnedKey.file
                try FileManager.default.createDirectory(
                    atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700])
                guard
                    FileManager.default.createFile(
                        atPath: file, contents: Data((Hex.encode(bytes) + "\n").utf8), attributes: [.posixPermissions: 0o600])
                else { throw CLIError("cannot write \(file)") }
                Output.standard.line(JSONObject([("publicKey", .string(Hex.encode(bytes))), ("file", .string(file))]))
                Output.flush()
            }
        }

        /// `audit prove`: the inclusion proof of one event.
        struct Prove: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print the inclusion proof {position, treeSize, leafHash, rootHash, path} of the event at a position.")
            @OptionGroup var store: StoreOptions
            @Option(help: "The event's position (from 1).") var position: UInt64
            @Option(name: .customLong("tree-size"), help: "The tree to prove it in (default: the whole log).")
            var treeSize: UInt64?

            func validate() throws {
                guard position >= 1 else { throw ValidationError("--position starts at 1") }
                if let treeSize, treeSize < position {
                    throw ValidationError("--tree-size \(treeSize) is below --position \(position)")
                }
            }

            func run() throws {
                let log = try store.openStore(mustExist: true)
                defer { log.close() }
                let proof = try log.inclusionProof(position: position, treeSize: treeSize)
                Output.standard.line(CLIJSON.bytes(proof.json))
                Output.flush()
            }
        }

        /// `audit consistency`: the consistency proof between two sizes, or the check of this log
        /// against a digest signed earlier.
        struct Consistency: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print the consistency proof {from, to, fromRoot, toRoot, path}, or check the log against an earlier digest.",
                discussion: """
                    With --digest FILE (a digest printed earlier by `audit digest`), checks that its signature \
                    is valid and that this log's tree at its size has the root it signed, i.e. that nothing of \
                    those events was changed since: prints {"ok":true,...proof} or {"ok":false,"reason"} and \
                    exits 1.
                    """)
            @OptionGroup var store: StoreOptions
            @Option(help: "The older tree size.") var from: UInt64?
            @Option(help: "The newer tree size (default: the whole log).") var to: UInt64?
            @Option(help: "Check against this digest (its treeSize is the older size).") var digest: String?
            @Option(
                name: .customLong("public-key"),
                help: ArgumentHelp(
                    "With --digest: the pinned key it must be signed by (hex, or @FILE); else $LUMBUNG_AUDIT_PUBLIC_KEY, else the key pinned with `audit pin`.",
                    valueName: "HEX|@FILE"))
            var publicKey: String?

            func validate() throws {
                guard (from == nil) != (digest == nil) else { throw ValidationError("give --from M or --digest FILE") }
                if let from, let to, from > to { throw ValidationError("--from \(from) is after --to \(to)") }
                if publicKey != nil && digest == nil { throw ValidationError("--public-key goes with --digest") }
            }

            func run() throws {
                let log = try store.openStore(mustExist: true)
                defer { log.close() }
                guard let digestPath = digest else {
                    let proof = try log.consistencyProof(from: from ?? 0, to: to)
                    Output.standard.line(CLIJSON.bytes(proof.json))
                    Output.flush()
                    return
                }
                let pinned = try PinnedKey.resolve(publicKey)
                let signed = try AuditFiles.readDigest(digestPath)
                let head = try log.treeHead()
                let target = to ?? head.size
                func refuse(_ reason: String) throws -> Never {
                    Output.standard.line(
                        JSONObject([
                            ("ok", .bool(false)), ("from", .int(signed.treeSize)), ("to", .int(target)), ("reason", .string(reason)),
                        ]))
                    throw CLIError("the log is not consistent with the digest of \(signed.timestamp): \(reason)")
                }
                do {
                    try ExportVerifier.checkSignature(of: signed, publicKey: pinned)
                } catch {
                    try refuse(error.reason)
                }
                guard signed.treeSize <= target else {
                    try refuse("the digest signed a tree of \(signed.treeSize) events but this log has \(head.size) (events were removed)")
                }
                let proof = try log.consistencyProof(from: signed.treeSize, to: target)
                guard proof.fromRoot == signed.rootHash else {
                    try refuse(
                        "this log's tree of \(signed.treeSize) events has root \(proof.fromRoot), not the \(signed.rootHash) the digest signed (events up to position \(signed.treeSize) were changed, removed or rewritten)"
                    )
                }
                guard proof.isValid else { try refuse("the consistency proof does not verify") }
                var members: [(key: String, value: JSONValue)] = [("ok", .bool(true))]
                if case .object(let proofMembers) = proof.json { members += proofMembers }
                Output.standard.line(CLIJSON.bytes(.object(members)))
                Output.flush()
            }
        }

        /// `audit verify-export`: the chain of an NDJSON export, and optionally its match with a digest.
        struct VerifyExport: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "verify-export",
                abstract: "Check an NDJSON export's hash chain (and, with --digest, that it is exactly the tree the digest signed).",
                discussion: """
                    Recomputes every hash from the JSON (JCS of the event without "hash", SHA-256) and every \
                    prevHash link; with --digest, checks the digest's Ed25519 signature, that the export holds \
                    its treeSize events and that their Merkle root is its rootHash. Prints {"ok":true,...} or \
                    {"ok":false,"position":P,"reason":...} naming the first bad position (null when none can \
                    be named) and exits 1.
                    """)
            @Argument(help: "The NDJSON export (- for stdin).") var file: String
            @Option(help: "A digest printed by `audit digest`.") var digest: String?
            @Option(
                name: .customLong("public-key"),
                help: ArgumentHelp(
                    "With --digest: the pinned key it must be signed by (hex, or @FILE); else $LUMBUNG_AUDIT_PUBLIC_KEY, else the key pinned with `audit pin`.",
                    valueName: "HEX|@FILE"))
            var publicKey: String?
            @Flag(help: "Accept an export that starts after position 1 (made with export --from); not with --digest.")
            var partial = false

            func validate() throws {
                if partial && digest != nil {
                    throw ValidationError("--partial cannot go with --digest: a digest covers the log from position 1")
                }
                if publicKey != nil && digest == nil { throw ValidationError("--public-key goes with --digest") }
            }

            func run() throws {
                let pinned = try digest.map { _ in try PinnedKey.resolve(publicKey) }
                let signed = try digest.map(AuditFiles.readDigest)
                func refuse(_ failure: ExportVerifier.Failure) throws -> Never {
                    Output.standard.line(
                        JSONObject([
                            ("ok", .bool(false)), ("position", failure.position.map { .int($0) } ?? .null),
                            ("reason", .string(failure.reason)),
                        ]))
                    throw CLIError("the export does not verify: \(failure)")
                }
                if let signed, let pinned {
                    do {
                        try ExportVerifier.checkSignature(of: signed, publicKey: pinned)
                    } catch {
                        try refuse(error)
                    }
                }
                let lines = try NDJSONLines(path: file)
                let total = file == "-" ? 0 : (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? UInt64) ?? 0
                var progress = ProgressBar(label: "verify-export", unit: "bytes", enabled: Console.stderrIsTerminal && total > 0)
                var verifier = ExportVerifier(allowPartial: partial)
                var bytes: UInt64 = 0
                let summary: ExportVerifier.Summary
                do {
                    while let (_, line) = try lines.next() {
                        try verifier.check(line: line)
                        bytes += UInt64(line.count + 1)
                        if verifier.expectedPosition & 0x3FFF == 0 { progress.update(bytes, of: total) }
                    }
                    progress.finish(total, of: total)
                    summary = try verifier.finish()
                    if let signed { try ExportVerifier.check(summary, against: signed) }
                } catch let failure as ExportVerifier.Failure {
                    progress.finish(bytes, of: total)
                    try refuse(failure)
                }
                var members: [(String, JSONValue)] = [
                    ("ok", .bool(true)), ("events", .int(summary.events)), ("headHash", .string(summary.headHash.description)),
                ]
                if let root = summary.rootHash { members.append(("rootHash", .string(root.description))) }
                if let signed {
                    members += [("treeSize", .int(signed.treeSize)), ("signedAt", .string(signed.timestamp.description))]
                }
                Output.standard.line(JSONObject(members))
                Output.flush()
            }
        }
    }
}

/// The audit signing key an auditor trusts, pinned beforehand: a digest is checked against it,
/// never against the key it carries. In order: `--public-key HEX|@FILE`, the environment variable
/// `LUMBUNG_AUDIT_PUBLIC_KEY` (HEX or @FILE), the file `audit pin` wrote
/// (`$XDG_CONFIG_HOME/lumbung/audit-public-key`, else `~/.config/lumbung/audit-public-key`).
/// With none, the command fails saying that no key is pinned: it never answers ok.
enum PinnedKey {
    static let environmentVariable = "LUMBUNG_AUDIT_PUBLIC_KEY"

    static var file: String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.config")
        return base + "/lumbung/audit-public-key"
    }

    static func resolve(_ option: String?) throws -> [UInt8] {
        if let option { return try parse(option, from: "--public-key") }
        if let value = ProcessInfo.processInfo.environment[environmentVariable], !value.isEmpty {
            return try parse(value, from: environmentVariable)
        }
        if FileManager.default.fileExists(atPath: file) { return try parse("@" + file, from: file) }
        throw CLIError(
            "no public key is pinned: a digest proves nothing under the key it carries; give --public-key HEX|@FILE (the key the city "
                + "publishes, `lumbung audit public-key` on the primary), set \(environmentVariable), or pin it once with `lumbung audit pin HEX`"
        )
    }

    /// 64 lower-case hex digits, or @FILE holding them (whitespace around them is ignored).
    static func parse(_ value: String, from source: String) throws -> [UInt8] {
        var text = value
        if value.hasPrefix("@") {
            let path = String(value.dropFirst())
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read the public key file \(path)") }
            text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard text.utf8.count == 64, text == text.lowercased(), let key = Hex.decode(text), key.count == 32 else {
            throw CLIError("\(source): a public key is 64 lower-case hex digits (an Ed25519 key as `audit public-key` prints it)")
        }
        return key
    }
}

/// Reading the auditor's JSON files.
enum AuditFiles {
    /// A digest file (the JSON `audit digest` printed); a missing or malformed one is a `CLIError`.
    static func readDigest(_ path: String) throws -> SignedTreeHead {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read the digest \(path)") }
        do {
            return try SignedTreeHead(json: try JSONParser.parse([UInt8](data)))
        } catch let error as JSONError {
            throw CLIError("the digest \(path) is not JSON: \(error.description)")
        } catch let error as EventLogError {
            throw CLIError("the digest \(path) is not a digest: \(error.message)")
        }
    }
}

/// JSON objects with their members in the order built (not sorted), for readable output.
enum CLIJSON {
    static func bytes(_ value: JSONValue) -> [UInt8] {
        guard case .object(let members) = value else { return CanonicalJSON.encode(value) }
        return JSONObject(members.map { ($0.key, $0.value) }).bytes
    }
}

/// The audit of a read replica: it has no signing key; its digest is the last signed head of its
/// primary that `lumbung follow` verified.
enum ReplicaAudit {
    /// The primary's signed head when `log` is a replica (an error while it has none yet), nil
    /// when it is not a replica.
    static func primaryHead(_ log: EventStore) throws -> SignedTreeHead? {
        guard try log.replicaSource() != nil else { return nil }
        guard let head = try log.primarySignedHead() else {
            throw CLIError("this read replica has no signed head of its primary yet (lumbung follow stores one with each verified run)")
        }
        return head
    }
}
