import EventLog
import Foundation
import TestSupport
import Testing

private let eventFields = [
    "position", "stream", "version", "id", "type", "occurredAt", "recordedAt", "metadata", "data", "prevHash", "hash",
]

private func isHex64(_ s: String?) -> Bool {
    guard let s, s.utf8.count == 64 else { return false }
    return s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
}

/// Positions of the events in `result`'s stdout (NDJSON events).
private func positions(_ result: CLIResult) throws -> [Int] {
    try result.json().map { try #require($0["position"]?.int) }
}

/// 30 events through `append --ndjson`: i % 3 == 0 donations (streams donation-D0/D1), 1 shipments
/// (shipment-S1), 2 prices (price-P0...P3); data {"i":i}; occurredAt 2018-08-(i+1).
private func seedThirty(_ dir: Scratch) async throws -> String {
    let data = dir.file("data")
    var lines: [String] = []
    for i in 0..<30 {
        let (stream, type): (String, String) =
            switch i % 3 {
            case 0: ("donation-D\(i % 2)", "relief.donation-received")
            case 1: ("shipment-S1", "relief.shipment-dispatched")
            default: ("price-P\(i % 4)", "market.price-reported")
            }
        lines.append(
            ndjsonLine(
                stream: stream, type: type, data: #"{"i":\#(i)}"#, occurredAt: String(format: "2018-08-%02dT00:00:00Z", i + 1)))
    }
    let file = try dir.write("seed.ndjson", lines.joined(separator: "\n") + "\n")
    let r = try await CLI.run(["append", "--ndjson", file, "--data-dir", data])
    #expect(r.status == 0, "\(r)")
    #expect(r.lines.count == 30)
    return data
}

@Suite("CLI commands and their output", .serialized)
struct CLICommandTests {
    @Test("append --ndjson - appends piped lines as they come: each is acknowledged before stdin closes")
    func appendStreamsStandardInput() async throws {
        let dir = try Scratch("append-stream")
        let process = ChildProcess()
        process.executableURL = try CLI.requireBinary()
        process.arguments = ["append", "--data-dir", dir.file("data"), "--ndjson", "-"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let reader = output.fileHandleForReading
        for k in 1...3 {
            input.fileHandleForWriting.write(Data(#"{"stream":"sensor-\#(k)","type":"sensor.ticked","data":{"k":\#(k)}}"#.utf8 + [0x0A]))
            // The acknowledgement comes while stdin is still open (availableData blocks until some
            // output arrives; a reader waiting for a full buffer would never answer here).
            var line = Data()
            while !line.contains(0x0A) {
                let more = reader.availableData
                try #require(!more.isEmpty, "lumbung append ended early")
                line.append(more)
            }
            let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
            #expect(object["position"] as? Int == k)
        }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test("append prints {position, version, id, hash}; read --stream shows the events as stored")
    func appendAndReadStream() async throws {
        let dir = try Scratch("append")
        let data = dir.file("data")
        let stream = "donation-DN-2018-0001"
        let r1 = try await CLI.run([
            "append", "--data-dir", data, "--stream", stream, "--type", "relief.donation-received", "--data",
            #"{ "items": [ {"item": "beras", "unit": "kg", "quantity": 500} ], "donor": {"name": "PT Maju", "kind": "company"} }"#,
        ])
        #expect(r1.status == 0, "\(r1)")
        #expect(r1.lines.count == 1)
        #expect(r1.stderr.isEmpty)
        let o1 = try #require(try r1.json().first)
        #expect(o1.keys == ["position", "version", "id", "hash"])
        #expect(o1["position"]?.int == 1)
        #expect(o1["version"]?.int == 1)
        let id1 = try #require(o1["id"]?.string)
        #expect(EventID(id1) != nil && id1 == id1.lowercased())
        #expect(isHex64(o1["hash"]?.string))

        // With a client id (upper case), an expected version, occurredAt, metadata and data from a file.
        let file = try dir.write("data.json", #"{"quantity": 11750.25, "note": "Bantuan gempa Lombok ☃"}"#)
        let id2 = "6F1C8A9E-2D5B-4C61-9A0E-3B7F5D2C1E44"
        let r2 = try await CLI.run([
            "append", "--data-dir", data, "--stream", stream, "--type", "relief.donation-received", "--data", "@" + file,
            "--id", id2, "--expected-version", "1", "--occurred-at", "2018-08-06T10:13:00+08:00",
            "--metadata", #"{"correlationId":"corr-7","actor":"mallory"}"#,
        ])
        #expect(r2.status == 0, "\(r2)")
        let o2 = try #require(try r2.json().first)
        #expect(o2["position"]?.int == 2)
        #expect(o2["version"]?.int == 2)
        #expect(o2["id"]?.string == id2.lowercased())
        // Data from stdin.
        let r3 = try await CLI.run(
            [
                "append", "--data-dir", data, "--stream", stream, "--type", "relief.stock-adjusted", "--data", "-", "--expected-version",
                "exists",
            ],
            stdin: Array(#"{"delta":-3}"#.utf8))
        #expect(r3.status == 0, "\(r3)")
        let o3 = try #require(try r3.json().first)
        #expect(o3["position"]?.int == 3)

        let read = try await CLI.run(["read", "--data-dir", data, "--stream", stream])
        #expect(read.status == 0, "\(read)")
        let events = try read.json()
        #expect(events.count == 3)
        for (i, e) in events.enumerated() {
            #expect(e.keys == eventFields)
            #expect(e["position"]?.int == i + 1)
            #expect(e["version"]?.int == i + 1)
            #expect(e["stream"]?.string == stream)
            #expect(e["metadata"]?["actor"]?.string == CLI.actor)
            #expect(isHex64(e["hash"]?.string) && isHex64(e["prevHash"]?.string))
            if i > 0 { #expect(e["prevHash"] == events[i - 1]["hash"]) }
        }
        #expect(events[0]["prevHash"]?.string == String(repeating: "0", count: 64))
        #expect(events[0]["id"]?.string == id1)
        #expect(events[0]["hash"] == o1["hash"])
        #expect(events[1]["hash"] == o2["hash"])
        #expect(events[2]["hash"] == o3["hash"])
        #expect(events[1]["id"]?.string == id2.lowercased())
        #expect(events[1]["occurredAt"]?.string == "2018-08-06T02:13:00.000Z")
        #expect(events[0]["occurredAt"] == events[0]["recordedAt"])
        #expect(events[1]["metadata"]?.keys == ["actor", "correlationId"])
        #expect(events[1]["metadata"]?["correlationId"]?.string == "corr-7")
        #expect(events[2]["type"]?.string == "relief.stock-adjusted")
        // Data is stored canonical (JCS).
        #expect(
            read.lines[0].contains(
                #""data":{"donor":{"kind":"company","name":"PT Maju"},"items":[{"item":"beras","quantity":500,"unit":"kg"}]}"#))
        #expect(read.lines[1].contains(#""data":{"note":"Bantuan gempa Lombok ☃","quantity":11750.25}"#))

        let backward = try await CLI.run(["read", "--data-dir", data, "--stream", stream, "--backwards", "--limit", "2"])
        #expect(try backward.json().map { $0["version"]?.int } == [3, 2])
        let from2 = try await CLI.run(["read", "--data-dir", data, "--stream", stream, "--from", "2"])
        #expect(try from2.json().map { $0["version"]?.int } == [2, 3])
        let from2Back = try await CLI.run(["read", "--data-dir", data, "--stream", stream, "--from", "2", "--backwards"])
        #expect(try from2Back.json().map { $0["version"]?.int } == [2, 1])
        let none = try await CLI.run(["read", "--data-dir", data, "--stream", "donation-unknown"])
        #expect(none.status == 0 && none.stdout.isEmpty)
    }

    @Test("read --all with --type, --category, --from, --to, --limit, --occurred-until")
    func readAll() async throws {
        let dir = try Scratch("read-all")
        let data = try await seedThirty(dir)
        func read(_ args: [String]) async throws -> [Int] {
            let r = try await CLI.run(["read", "--data-dir", data, "--all"] + args)
            #expect(r.status == 0, "\(r)")
            return try positions(r)
        }
        let all = try await CLI.run(["read", "--data-dir", data, "--all"])
        let events = try all.json()
        #expect(events.map { $0["position"]?.int } == (1...30).map { $0 })
        #expect(events.map { $0["data"]?["i"]?.int } == (0..<30).map { $0 })
        #expect(events.allSatisfy { $0.keys == eventFields })
        #expect(try await read(["--type", "relief.shipment-dispatched"]) == stride(from: 2, through: 30, by: 3).map { $0 })
        #expect(
            try await read(["--type", "relief.shipment-dispatched", "--type", "market.price-reported"])
                == (1...30).filter { $0 % 3 != 1 })
        #expect(try await read(["--category", "price"]) == stride(from: 3, through: 30, by: 3).map { $0 })
        #expect(try await read(["--category", "donation", "--category", "shipment"]) == (1...30).filter { $0 % 3 != 0 })
        #expect(try await read(["--category", "pric"]) == [])
        #expect(try await read(["--limit", "5"]) == [1, 2, 3, 4, 5])
        #expect(try await read(["--from", "10", "--limit", "3"]) == [10, 11, 12])
        #expect(try await read(["--to", "4"]) == [1, 2, 3, 4])
        #expect(try await read(["--type", "relief.donation-received", "--from", "10", "--to", "20"]) == [10, 13, 16, 19])
        #expect(try await read(["--type", "relief.donation-received", "--limit", "2"]) == [1, 4])
        #expect(try await read(["--occurred-until", "2018-08-05T00:00:00Z"]) == [1, 2, 3, 4, 5])
        #expect(try await read(["--from", "31"]) == [])
        let last = try #require(events.last?["recordedAt"]?.string)
        #expect(try await read(["--recorded-until", last]).count == 30)
    }

    @Test("stats and verify print their JSON objects, and agree with the log")
    func statsAndVerify() async throws {
        let dir = try Scratch("stats")
        let data = try await seedThirty(dir)
        let stats = try await CLI.run(["stats", "--data-dir", data])
        #expect(stats.status == 0, "\(stats)")
        let s = try #require(try stats.json().first)
        #expect(s.keys == ["events", "streams", "headPosition", "headHash", "bytes"])
        #expect(s["events"]?.int == 30)
        #expect(s["streams"]?.int == 7)  // donation-D0, D1, shipment-S1, price-P0...P3
        #expect(s["headPosition"]?.int == 30)
        #expect((s["bytes"]?.int ?? 0) > 0)
        let verify = try await CLI.run(["verify", "--data-dir", data])
        #expect(verify.status == 0, "\(verify)")
        let v = try #require(try verify.json().first)
        #expect(v.keys == ["ok", "events", "headHash", "rootHash"])
        #expect(v["ok"] == .bool(true))
        #expect(v["events"]?.int == 30)
        #expect(v["headHash"] == s["headHash"])
        // The root verify recomputed is the one the signed digest carries.
        let digest = try await CLI.run(["audit", "digest", "--data-dir", data])
        #expect(digest.status == 0, "\(digest)")
        let d = try #require(try digest.json().first)
        #expect(v["rootHash"] != nil && v["rootHash"] == d["rootHash"])
        let last = try await CLI.run(["read", "--data-dir", data, "--all", "--from", "30"])
        #expect(try last.json().first?["hash"] == s["headHash"])
    }

    @Test("export --format ndjson to a file and to stdout, with --from/--to/--type/--category/--since/--until")
    func export() async throws {
        let dir = try Scratch("export")
        let data = try await seedThirty(dir)
        // A second batch, by a later process: recorded later than the first.
        let more = (30..<40).map { ndjsonLine(stream: "price-P9", type: "market.price-corrected", data: #"{"i":\#($0)}"#) }
        let moreFile = try dir.write("more.ndjson", more.joined(separator: "\n") + "\n")
        #expect(try await CLI.run(["append", "--ndjson", moreFile, "--data-dir", data]).status == 0)

        let stdout = try await CLI.run(["export", "--format", "ndjson", "--data-dir", data])
        #expect(stdout.status == 0, "\(stdout)")
        #expect(stdout.lines.count == 40)
        let out = dir.file("export.ndjson")
        let toFile = try await CLI.run(["export", "--format", "ndjson", "--output", out, "--data-dir", data])
        #expect(toFile.status == 0, "\(toFile)")
        #expect(toFile.stdout.isEmpty)
        #expect(toFile.stderr.contains("exported 40 events"))
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: out))) == stdout.stdout)
        let read = try await CLI.run(["read", "--all", "--data-dir", data])
        #expect(read.stdout == stdout.stdout)
        let events = try stdout.json()

        func export(_ args: [String]) async throws -> [Int] {
            let r = try await CLI.run(["export", "--data-dir", data] + args)
            #expect(r.status == 0, "\(r)")
            return try positions(r)
        }
        #expect(try await export(["--from", "5", "--to", "9"]) == [5, 6, 7, 8, 9])
        #expect(try await export(["--from", "38"]) == [38, 39, 40])
        #expect(try await export(["--type", "market.price-corrected"]) == Array(31...40))
        #expect(try await export(["--type", "relief.shipment-dispatched", "--to", "10"]) == [2, 5, 8])
        #expect(try await export(["--category", "shipment"]) == stride(from: 2, through: 30, by: 3).map { $0 })
        #expect(try await export(["--category", "price", "--from", "28"]) == [30] + Array(31...40))

        // --since/--until are inclusive bounds on recordedAt.
        let recorded = try events.map { try #require($0["recordedAt"]?.string) }
        let since = recorded[5]
        let until = recorded[33]
        let expected = (1...40).filter { recorded[$0 - 1] >= since && recorded[$0 - 1] <= until }
        #expect(try await export(["--since", since, "--until", until]) == expected)
        #expect(expected.contains(6) && expected.contains(34))
        #expect(try await export(["--since", recorded[39]]) == (1...40).filter { recorded[$0 - 1] >= recorded[39] })
        #expect(
            try await export(["--until", recorded[0], "--type", "relief.donation-received"])
                == (1...40).filter { recorded[$0 - 1] <= recorded[0] && $0 % 3 == 1 && $0 <= 30 })
        #expect(
            try await export(["--until", recorded[29], "--category", "price"])
                == (1...40).filter { recorded[$0 - 1] <= recorded[29] && ($0 % 3 == 0 || $0 > 30) })
    }
}
