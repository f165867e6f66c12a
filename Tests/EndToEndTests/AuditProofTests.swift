import EventLog
import Foundation
import JSON
import Testing

/// A data directory with `count` events, its export and a digest of it, made with the real binary.
private struct AuditedLog {
    let scratch: AuditScratch
    let dataDir: String
    let export: String
    let digest: String
    let digestJSON: JSONValue
    let exportLines: [String]
    /// The log's audit public key, as an auditor pins it (read from the primary, not from a digest).
    let key: String

    init(_ label: String, count: Int = 30) throws {
        scratch = try AuditScratch(label)
        dataDir = scratch.file("data")
        try AuditTool.seed(dataDir, (1...count).map { AuditTool.eventLine($0) }, in: scratch)
        let d = try AuditTool.lumbung(["audit", "digest", "--data-dir", dataDir])
        try #require(d.status == 0, "\(d)")
        digest = try scratch.write("digest.json", bytes: d.stdout)
        digestJSON = try d.json()
        let k = try AuditTool.lumbung(["audit", "public-key", "--data-dir", dataDir])
        key = try #require(try k.json()["publicKey"]?.stringValue, "\(k)")
        export = scratch.file("export.ndjson")
        let e = try AuditTool.lumbung(["export", "--data-dir", dataDir, "--output", export])
        try #require(e.status == 0, "\(e)")
        exportLines = try scratch.lines("export.ndjson")
        try #require(exportLines.count == count)
    }

    /// Writes `lines` as an export file named `name`.
    func writeExport(_ name: String, _ lines: [String]) throws -> String {
        try scratch.write(name, lines.joined(separator: "\n") + "\n")
    }
}

/// Both checkers on `file` (with the digest, checked against the pinned `key`, when given): (CLI run, script run).
private func bothCheck(_ file: String, digest: String? = nil, key: String? = nil) throws -> (AuditRun, AuditRun) {
    var args = [file]
    if let digest { args += ["--digest", digest] }
    if let key { args += ["--public-key", key] }
    return (try AuditTool.lumbung(["audit", "verify-export"] + args), try AuditTool.script(args))
}

/// Expects both checkers to refuse, naming `position` (nil: JSON null).
private func expectBothRefuse(
    _ runs: (AuditRun, AuditRun), position: UInt64?, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    for (name, r) in [("lumbung", runs.0), ("script", runs.1)] {
        #expect(r.status == 1, "\(name): \(r)", sourceLocation: sourceLocation)
        let report = try r.json()
        #expect(report.objectValue?.map(\.key) == ["ok", "position", "reason"], "\(name): \(r)", sourceLocation: sourceLocation)
        #expect(report["ok"] == .bool(false), sourceLocation: sourceLocation)
        if let position {
            #expect(report["position"]?.intValue == Int(position), "\(name): \(r)", sourceLocation: sourceLocation)
        } else {
            #expect(report["position"] == .null, "\(name): \(r)", sourceLocation: sourceLocation)
        }
    }
    #expect(runs.0.stderrIsOneLine, "\(runs.0)", sourceLocation: sourceLocation)
}

@Suite("Audit toolkit: signed tree heads, proofs and export checks, by the CLI and the independent script", .serialized)
struct AuditProofTests {
    @Test("digest, public-key, prove and consistency print their documented shapes; proofs verify with the script")
    func shapes() throws {
        let log = try AuditedLog("shapes")
        let digest = log.digestJSON
        #expect(digest.objectValue?.map(\.key) == ["treeSize", "rootHash", "timestamp", "signature", "publicKey"])
        #expect(digest["treeSize"]?.intValue == 30)
        #expect(digest["timestamp"]?.stringValue?.count == 24)
        let signed = try SignedTreeHead(json: digest)
        #expect(signed.hasValidSignature)

        let pk = try AuditTool.lumbung(["audit", "public-key", "--data-dir", log.dataDir])
        #expect(pk.status == 0, "\(pk)")
        #expect(try pk.json().objectValue?.map(\.key) == ["publicKey"])
        #expect(try pk.json()["publicKey"]?.stringValue == Hex.encode(signed.publicKey))

        for position in [1, 7, 16, 17, 30] {
            let r = try AuditTool.lumbung(["audit", "prove", "--position", "\(position)", "--data-dir", log.dataDir])
            #expect(r.status == 0, "\(r)")
            let json = try r.json()
            #expect(json.objectValue?.map(\.key) == ["position", "treeSize", "leafHash", "rootHash", "path"])
            let proof = try InclusionProof(json: json)
            #expect(proof.isValid && proof.rootHash == signed.rootHash && proof.treeSize == 30)
            // The independent script: the proof leads to the digest's root, and it is this event's leaf.
            let proofFile = try log.scratch.write("proof-\(position).json", bytes: r.stdout)
            let eventFile = try log.scratch.write("event-\(position).json", log.exportLines[position - 1])
            let s = try AuditTool.script(["--prove", proofFile, "--digest", log.digest, "--public-key", log.key, "--event", eventFile])
            #expect(s.status == 0, "\(s)")
            #expect(try s.json()["ok"] == .bool(true))
            // ... and another event is not.
            let other = try log.scratch.write("other-\(position).json", log.exportLines[position % 30])
            let wrong = try AuditTool.script(["--prove", proofFile, "--digest", log.digest, "--public-key", log.key, "--event", other])
            #expect(wrong.status == 1, "\(wrong)")
        }
        // A proof in a past tree.
        let past = try AuditTool.lumbung(["audit", "prove", "--position", "3", "--tree-size", "20", "--data-dir", log.dataDir])
        #expect(past.status == 0, "\(past)")
        #expect(try InclusionProof(json: past.json()).isValid)
        #expect(try past.json()["treeSize"]?.intValue == 20)

        let c = try AuditTool.lumbung(["audit", "consistency", "--from", "13", "--to", "30", "--data-dir", log.dataDir])
        #expect(c.status == 0, "\(c)")
        #expect(try c.json().objectValue?.map(\.key) == ["from", "to", "fromRoot", "toRoot", "path"])
        let consistency = try ConsistencyProof(json: c.json())
        #expect(consistency.isValid && consistency.toRoot == signed.rootHash)

        // Usage errors exit 64; a position beyond the head exits 1 with one line.
        for args in [
            ["audit", "prove"], ["audit", "prove", "--position", "0"], ["audit", "consistency"],
            ["audit", "prove", "--position", "5", "--tree-size", "4"],
        ] {
            let r = try AuditTool.lumbung(args + ["--data-dir", log.dataDir])
            #expect(r.status == 64, "\(args): \(r)")
        }
        let beyond = try AuditTool.lumbung(["audit", "prove", "--position", "31", "--data-dir", log.dataDir])
        #expect(beyond.status == 1 && beyond.stderrIsOneLine && beyond.stdout.isEmpty, "\(beyond)")
        let noLog = try AuditTool.lumbung(["audit", "digest", "--data-dir", log.scratch.file("nothing")])
        #expect(noLog.status == 1 && noLog.stderrIsOneLine, "\(noLog)")
    }

    @Test("an untouched export checks out against its digest, by the CLI and by the script, with the same root")
    func cleanExport() throws {
        let log = try AuditedLog("clean")
        let (cli, script) = try bothCheck(log.export, digest: log.digest, key: log.key)
        #expect(cli.status == 0, "\(cli)")
        #expect(script.status == 0, "\(script)")
        let root = log.digestJSON["rootHash"]?.stringValue
        #expect(try cli.json()["rootHash"]?.stringValue == root)
        #expect(try script.json()["rootHash"]?.stringValue == root)
        #expect(try cli.json()["events"]?.intValue == 30)
        #expect(try script.json()["events"]?.intValue == 30)
        // Without a digest: the chain alone.
        let (plainCLI, plainScript) = try bothCheck(log.export)
        #expect(plainCLI.status == 0 && plainScript.status == 0, "\(plainCLI)\n\(plainScript)")
        // The digest pinned to the right key passes, to another key fails.
        let key = try #require(log.digestJSON["publicKey"]?.stringValue)
        let pinned = try AuditTool.script([log.export, "--digest", log.digest, "--public-key", key])
        #expect(pinned.status == 0, "\(pinned)")
        let otherKey = String(repeating: "ab", count: 32)
        let wrongPin = try AuditTool.lumbung(["audit", "verify-export", log.export, "--digest", log.digest, "--public-key", otherKey])
        #expect(wrongPin.status == 1, "\(wrongPin)")
    }

    @Test("an edited, removed, reordered or inserted event fails both checkers at its position")
    func tampering() throws {
        let log = try AuditedLog("tamper")
        let lines = log.exportLines

        var edited = lines
        edited[11] = edited[11].replacingOccurrences(of: "orig-12", with: "evil-12")
        try #require(edited[11] != lines[11])
        try expectBothRefuse(try bothCheck(try log.writeExport("edited.ndjson", edited)), position: 12)
        try expectBothRefuse(try bothCheck(try log.writeExport("edited2.ndjson", edited), digest: log.digest, key: log.key), position: 12)

        var removed = lines
        removed.remove(at: 19)
        try expectBothRefuse(try bothCheck(try log.writeExport("removed.ndjson", removed), digest: log.digest, key: log.key), position: 20)

        var reordered = lines
        reordered.swapAt(4, 5)
        try expectBothRefuse(
            try bothCheck(try log.writeExport("reordered.ndjson", reordered), digest: log.digest, key: log.key), position: 5)

        var inserted = lines
        inserted.insert(lines[2], at: 25)
        try expectBothRefuse(
            try bothCheck(try log.writeExport("inserted.ndjson", inserted), digest: log.digest, key: log.key), position: 26)

        // The last event dropped: the chain is whole, the digest's size is not.
        try expectBothRefuse(
            try bothCheck(try log.writeExport("short.ndjson", Array(lines.dropLast())), digest: log.digest, key: log.key), position: 30)
        // The first event dropped: not an export from position 1.
        try expectBothRefuse(try bothCheck(try log.writeExport("headless.ndjson", Array(lines.dropFirst()))), position: 1)
    }

    @Test("a forged digest fails: changed size, root or signature, or another key's signature")
    func forgedDigest() throws {
        let log = try AuditedLog("forged")
        let members = try #require(log.digestJSON.objectValue)
        func forged(_ name: String, _ change: (inout [(key: String, value: JSONValue)]) -> Void) throws -> String {
            var m = members
            change(&m)
            return try log.scratch.write(name, bytes: CanonicalJSON.encode(.object(m)))
        }
        let bumped = try forged("size.json") { $0[0].value = .number(29) }
        try expectBothRefuse(try bothCheck(log.export, digest: bumped, key: log.key), position: nil)
        let signature = try #require(log.digestJSON["signature"]?.stringValue)
        let flipped = (signature.first == "0" ? "1" : "0") + signature.dropFirst()
        let badSignature = try forged("signature.json") { $0[3].value = .string(flipped) }
        try expectBothRefuse(try bothCheck(log.export, digest: badSignature, key: log.key), position: nil)
        // A digest signed by another data directory's key for this very root: valid signature,
        // but not the expected key when the auditor pins it.
        let other = try AuditedLog("forged-other", count: 3)
        let otherKey = try #require(other.digestJSON["publicKey"]?.stringValue)
        let realKey = try #require(log.digestJSON["publicKey"]?.stringValue)
        #expect(otherKey != realKey)
        let pinned = try AuditTool.script([log.export, "--digest", other.digest, "--public-key", realKey])
        #expect(pinned.status == 1, "\(pinned)")
        #expect(try pinned.json()["position"] == .null, "\(pinned)")
        let pinnedCLI = try AuditTool.lumbung(["audit", "verify-export", log.export, "--digest", other.digest, "--public-key", realKey])
        #expect(pinnedCLI.status == 1, "\(pinnedCLI)")
    }

    @Test("a log truncated and rewritten after a signed head fails the consistency check against that head")
    func truncatedAndRewritten() throws {
        let n = 30
        let original = try AuditedLog("rewrite-a", count: n)
        // The honest log grows: it stays consistent with the old digest.
        try AuditTool.seed(original.dataDir, (31...37).map { AuditTool.eventLine($0) }, in: original.scratch)
        let honest = try AuditTool.lumbung([
            "audit", "consistency", "--digest", original.digest, "--public-key", original.key, "--data-dir", original.dataDir,
        ])
        #expect(honest.status == 0, "\(honest)")
        #expect(try honest.json()["ok"] == .bool(true))
        let proofRun = try AuditTool.lumbung(["audit", "consistency", "--from", "\(n)", "--data-dir", original.dataDir])
        let honestProof = try original.scratch.write("honest-consistency.json", bytes: proofRun.stdout)
        let honestScript = try AuditTool.script(["--prove", honestProof, "--digest", original.digest, "--public-key", original.key])
        #expect(honestScript.status == 0, "\(honestScript)")

        // The rewritten log: the first n-3 events' data again, then other events.
        let rewritten = try AuditScratch("rewrite-b")
        let dataDir = rewritten.file("data")
        try AuditTool.seed(dataDir, (1...(n - 3)).map { AuditTool.eventLine($0) }, in: rewritten)
        try AuditTool.seed(dataDir, (1...8).map { AuditTool.eventLine(100 + $0, marker: "rewritten") }, in: rewritten)
        let check = try AuditTool.lumbung([
            "audit", "consistency", "--digest", original.digest, "--public-key", original.key, "--data-dir", dataDir,
        ])
        #expect(check.status == 1, "\(check)")
        #expect(check.stderrIsOneLine, "\(check)")
        #expect(try check.json()["ok"] == .bool(false))
        #expect(try check.json()["reason"]?.stringValue?.contains("root") == true, "\(check)")
        // Its own consistency proof from size n, checked by the script against the old digest.
        let forgedRun = try AuditTool.lumbung(["audit", "consistency", "--from", "\(n)", "--data-dir", dataDir])
        #expect(forgedRun.status == 0, "\(forgedRun)")
        let forgedProof = try rewritten.write("forged-consistency.json", bytes: forgedRun.stdout)
        let script = try AuditTool.script(["--prove", forgedProof, "--digest", original.digest, "--public-key", original.key])
        #expect(script.status == 1, "\(script)")
        // Its export of the first n events does not match the old digest either.
        let export = rewritten.file("export.ndjson")
        let e = try AuditTool.lumbung(["export", "--to", "\(n)", "--data-dir", dataDir, "--output", export])
        #expect(e.status == 0, "\(e)")
        try expectBothRefuse(try bothCheck(export, digest: original.digest, key: original.key), position: nil)
        // And a log cut below the digest's size is refused outright.
        let cut = try AuditScratch("rewrite-c")
        try AuditTool.seed(cut.file("data"), (1...(n - 3)).map { AuditTool.eventLine($0) }, in: cut)
        let short = try AuditTool.lumbung([
            "audit", "consistency", "--digest", original.digest, "--public-key", original.key, "--data-dir", cut.file("data"),
        ])
        #expect(short.status == 1, "\(short)")
        #expect(try short.json()["ok"] == .bool(false), "\(short)")
    }

    @Test(
        "the attack: an edited export, re-chained and signed with a fresh key, never verifies ok; with no key pinned both checkers refuse to judge"
    )
    func rechainedAndResigned() throws {
        let honest = try AuditedLog("resign-honest", count: 20)
        // The forger rebuilds the log with one event changed (every hash re-chained) in a data
        // directory of its own, whose fresh key signs a digest of it.
        let forged = try AuditScratch("resign-forged")
        var lines = (1...20).map { AuditTool.eventLine($0) }
        lines[9] = AuditTool.eventLine(10, marker: "forged")
        try AuditTool.seed(forged.file("data"), lines, in: forged)
        let digestRun = try AuditTool.lumbung(["audit", "digest", "--data-dir", forged.file("data")])
        let forgedDigest = try forged.write("digest.json", bytes: digestRun.stdout)
        let forgedExport = forged.file("export.ndjson")
        #expect(try AuditTool.lumbung(["export", "--data-dir", forged.file("data"), "--output", forgedExport]).status == 0)

        // No pinned key: no "ok" from either checker, and the error says why.
        let unpinned = try AuditScratch("resign-config")
        let cli = try AuditTool.lumbung(["audit", "verify-export", forgedExport, "--digest", forgedDigest], configHome: unpinned.path)
        #expect(cli.status == 1, "\(cli)")
        #expect(cli.stderr.contains("no public key is pinned"), "\(cli)")
        #expect(!cli.stdoutText.contains("\"ok\":true"))
        let script = try AuditTool.script([forgedExport, "--digest", forgedDigest], configHome: unpinned.path)
        #expect(script.status == 2, "\(script)")
        #expect(script.stderr.contains("no public key is pinned"), "\(script)")
        #expect(!script.stdoutText.contains("\"ok\": true"))
        let consistency = try AuditTool.lumbung(
            ["audit", "consistency", "--digest", forgedDigest, "--data-dir", forged.file("data")], configHome: unpinned.path)
        #expect(consistency.status == 1, "\(consistency)")
        #expect(consistency.stderr.contains("no public key is pinned"), "\(consistency)")

        // The honest key pinned (by flag, by the environment, or once with `audit pin`): refused.
        try expectBothRefuse(try bothCheck(forgedExport, digest: forgedDigest, key: honest.key), position: nil)
        let env = try AuditTool.lumbung(
            ["audit", "verify-export", forgedExport, "--digest", forgedDigest], configHome: unpinned.path,
            environment: ["LUMBUNG_AUDIT_PUBLIC_KEY": honest.key])
        #expect(env.status == 1, "\(env)")
        let pin = try AuditTool.lumbung(["audit", "pin", honest.key], configHome: unpinned.path)
        #expect(pin.status == 0, "\(pin)")
        let pinFile = unpinned.path + "/lumbung/audit-public-key"
        #expect((try FileManager.default.attributesOfItem(atPath: pinFile)[.posixPermissions] as? Int) == 0o600)
        let pinnedCLI = try AuditTool.lumbung(
            ["audit", "verify-export", forgedExport, "--digest", forgedDigest], configHome: unpinned.path)
        #expect(pinnedCLI.status == 1, "\(pinnedCLI)")
        #expect(pinnedCLI.stdoutText.contains("not by the expected key"), "\(pinnedCLI)")
        let pinnedScript = try AuditTool.script([forgedExport, "--digest", forgedDigest], configHome: unpinned.path)
        #expect(pinnedScript.status == 1, "\(pinnedScript)")
        // And the honest export under the pinned honest key is ok, from the pin file alone.
        let good = try AuditTool.lumbung(["audit", "verify-export", honest.export, "--digest", honest.digest], configHome: unpinned.path)
        #expect(good.status == 0, "\(good)")
        let goodScript = try AuditTool.script([honest.export, "--digest", honest.digest], configHome: unpinned.path)
        #expect(goodScript.status == 0, "\(goodScript)")
        let badPin = try AuditTool.lumbung(["audit", "pin", "not-a-key"], configHome: unpinned.path)
        #expect(badPin.status == 64, "\(badPin)")
    }
}
