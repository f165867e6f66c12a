import EventLog
import Foundation
import JSON
import Testing

private let verifyScript = packageRoot.appendingPathComponent("Scripts/verify_chain.py").path

/// Runs Scripts/verify_chain.py on `file`.
private func independentCheck(_ file: String) async throws -> (result: CLIResult, report: JSONValue?) {
    let r = try await CLI.runTool([AuditTool.python, verifyScript, file])
    return (r, try? r.json().first)
}

/// Replaces the first occurrence of `old` in line `number` (1-based) of the text file at `path`.
private func editLine(_ path: String, _ number: Int, _ edit: (String) -> String) throws {
    var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
    lines[number - 1] = edit(lines[number - 1])
    try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
}

/// Events with varied data for the independent check: unicode (keys sorted by UTF-16, not by code
/// point), escapes, nested objects, decimals, negatives, big integers, empty containers, metadata.
private func variedEvents() -> [String] {
    let payloads = [
        #"{"donor":{"name":"Yayasan Peduli Lombok","kind":"ngo"},"items":[{"item":"beras","unit":"kg","quantity":500},{"item":"air mineral","unit":"dus","quantity":120}]}"#,
        #"{"price":11750.25,"currency":"IDR","market":"Pasar Kebon Roek","change":-250.5,"ratio":0.0001}"#,
        #"{"note":"Kelurahan Pejanggik — bantuan 🍚 tiba","quote":"he said \"ok\"","path":"C:\\gudang\\1","tab":"a\tb","nl":"x\ny","ctrl":"\u0001","ls":"\u2028"}"#,
        #"{"empty":[],"nothing":{},"null":null,"yes":true,"no":false,"nested":{"a":{"b":{"c":[[],[{}],[1,[2,[3]]]]}}}}"#,
        #"{"max":9007199254740991,"min":-9007199254740991,"zero":0,"negzero":-0,"exp":1e2,"trailing":1.50,"small":-0.0005}"#,
        #"{"é":1,"z":2,"😀":3,"\uFFFD":4,"a":5,"A":6,"ß":7,"日本":8}"#,
        #"{"price":11750.25,"marker":"edit-me"}"#,
        #"{"list":["a","b",1,-1,2.5,null,true,{"k":"v"}],"deep":[{"x":{"y":[-3.1416]}}]}"#,
    ]
    var lines: [String] = []
    for i in 0..<24 {
        let occurred = i % 2 == 0 ? String(format: "2018-08-%02dT19:46:00+08:00", 5 + i) : nil
        let metadata = i % 3 == 0 ? #"{"correlationId":"corr-\#(i)","causationId":"cause-\#(i)"}"# : nil
        lines.append(
            ndjsonLine(
                stream: "audit-\(i % 4)", type: "audit.case-\(i % 3)", data: payloads[i % payloads.count], occurredAt: occurred,
                metadata: metadata))
    }
    return lines
}

@Suite("Audit: tamper detection by the CLI, independent verification of exports", .serialized)
struct AuditTests {
    @Test("a byte flipped in the log's file: lumbung verify exits 1 naming the event's position")
    func tamperDetectedByCLI() async throws {
        let dir = try Scratch("audit-tamper")
        let data = dir.file("data")
        let lines = (1...30).map {
            ndjsonLine(
                stream: "ledger-\($0 % 3)", type: "audit.entry", data: String(format: #"{"marker":"MARK-%04d-MARK","n":%d}"#, $0, $0))
        }
        let seed = try await CLI.run([
            "append", "--ndjson", try dir.write("seed.ndjson", lines.joined(separator: "\n")), "--data-dir", data,
        ])
        #expect(seed.status == 0, "\(seed)")
        let good = try await CLI.run(["verify", "--data-dir", data])
        #expect(good.status == 0, "\(good)")

        let file = URL(fileURLWithPath: data + "/log/data.mdb")
        var bytes = [UInt8](try Data(contentsOf: file))
        let marker = Array("MARK-0017-MARK".utf8)
        var flipped = 0
        var i = 0
        while i + marker.count <= bytes.count {
            if bytes[i] == marker[0] && bytes[i..<(i + marker.count)].elementsEqual(marker) {
                bytes[i + 6] ^= 0x02  // MARK-0017 -> MARK-0217
                flipped += 1
            }
            i += 1
        }
        try #require(flipped > 0, "the marker of event 17 is not in data.mdb")
        try Data(bytes).write(to: file)

        let r = try await CLI.run(["verify", "--data-dir", data])
        #expect(r.status == 1, "\(r)")
        let report = try #require(try r.json().first)
        #expect(report.keys == ["ok", "position", "reason"])
        #expect(report["ok"] == .bool(false))
        #expect(report["position"]?.int == 17)
        #expect(report["reason"]?.string?.contains("hash") == true)
        #expect(r.stderrIsOneLine)
        #expect(r.stderr.contains("position 17"))
        // Reads still work, and the export of the damaged log fails the independent check at 17 too.
        let exported = dir.file("tampered.ndjson")
        #expect(try await CLI.run(["export", "--output", exported, "--data-dir", data]).status == 0)
        let check = try await independentCheck(exported)
        #expect(check.result.status == 1, "\(check.result)")
        #expect(check.report?["position"]?.int == 17)
    }

    @Test("Scripts/verify_chain.py, with no Lumbung code, accepts a good export and names the edited event")
    func independentVerification() async throws {
        let dir = try Scratch("audit-python")
        let data = dir.file("data")
        let events = variedEvents()
        // Two appends (one atomic), so that the chain spans several transactions.
        let first = try await CLI.run([
            "append", "--ndjson", try dir.write("a.ndjson", events[..<10].joined(separator: "\n")), "--data-dir", data,
        ])
        #expect(first.status == 0, "\(first)")
        let second = try await CLI.run([
            "append", "--ndjson", try dir.write("b.ndjson", events[10...].joined(separator: "\n")), "--atomic", "--data-dir", data,
        ])
        #expect(second.status == 0, "\(second)")
        let stats = try #require(try JSONParser.parse(await CLI.stats(data)).objectValue)
        let headHash = try #require(stats.first { $0.key == "headHash" }?.value.string)

        let export = dir.file("export.ndjson")
        let exported = try await CLI.run(["export", "--format", "ndjson", "--output", export, "--data-dir", data])
        #expect(exported.status == 0, "\(exported)")
        let good = try await independentCheck(export)
        #expect(good.result.status == 0, "\(good.result)")
        #expect(good.report?.keys == ["ok", "events", "headHash"])
        #expect(good.report?["ok"] == .bool(true))
        #expect(good.report?["events"]?.int == events.count)
        #expect(good.report?["headHash"]?.string == headHash)

        // A partial export (--from) checks from its first event on.
        let partial = dir.file("partial.ndjson")
        #expect(try await CLI.run(["export", "--from", "5", "--output", partial, "--data-dir", data]).status == 0)
        let partialCheck = try await independentCheck(partial)
        #expect(partialCheck.result.status == 0, "\(partialCheck.result)")
        #expect(partialCheck.report?["events"]?.int == events.count - 4)

        // One edited event (a price in its data): the check fails at that position.
        let lines = try String(contentsOfFile: export, encoding: .utf8).components(separatedBy: "\n")
        #expect(lines[6].contains(#""marker":"edit-me""#) && lines[6].contains("11750.25"))
        let edited = dir.file("edited.ndjson")
        try FileManager.default.copyItem(atPath: export, toPath: edited)
        try editLine(edited, 7) { $0.replacingOccurrences(of: "11750.25", with: "11750.5") }
        let bad = try await independentCheck(edited)
        #expect(bad.result.status == 1, "\(bad.result)")
        #expect(bad.report?["ok"] == .bool(false))
        #expect(bad.report?["position"]?.int == 7)
        #expect(bad.report?["reason"]?.string?.contains("hash") == true)

        // An edited stored hash, a removed event and a wrong first prevHash are caught as well.
        let rehashed = dir.file("rehashed.ndjson")
        try FileManager.default.copyItem(atPath: export, toPath: rehashed)
        try editLine(rehashed, 12) { line in
            let hash = String(line.suffix(66).prefix(64))
            return line.replacingOccurrences(of: hash, with: String(hash.reversed()))
        }
        #expect(try await independentCheck(rehashed).report?["position"]?.int == 12)

        let removed = dir.file("removed.ndjson")
        var withoutFive = lines
        withoutFive.remove(at: 4)
        try withoutFive.joined(separator: "\n").write(toFile: removed, atomically: true, encoding: .utf8)
        let gap = try await independentCheck(removed)
        #expect(gap.result.status == 1)
        #expect(gap.report?["position"]?.int == 6)

        let firstLink = dir.file("first-link.ndjson")
        try FileManager.default.copyItem(atPath: export, toPath: firstLink)
        try editLine(firstLink, 1) {
            $0.replacingOccurrences(of: String(repeating: "0", count: 64), with: String(repeating: "0", count: 63) + "1")
        }
        #expect(try await independentCheck(firstLink).report?["position"]?.int == 1)
    }
}
