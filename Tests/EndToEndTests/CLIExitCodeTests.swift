import EventLog
import Foundation
import JSON
import Testing

/// A data directory holding one event: stream `order-1`, id `knownID`, data {"a":1}.
private struct OneEventLog {
    static let knownID = "0b8c2f4e-1a3d-4e5f-8a9b-0c1d2e3f4a5b"
    let dir: Scratch
    let data: String

    init() async throws {
        dir = try Scratch("exit")
        data = dir.file("data")
        let r = try await CLI.run([
            "append", "--data-dir", data, "--stream", "order-1", "--type", "shop.order-placed", "--data", #"{"a":1}"#,
            "--id", Self.knownID,
        ])
        #expect(r.status == 0, "\(r)")
    }

    func append(_ args: [String]) -> [String] {
        ["append", "--data-dir", data] + args
    }
}

@Suite("CLI exit codes: 1 for bad input (one line on stderr, nothing written), 64 for usage errors", .serialized)
struct CLIExitCodeTests {
    @Test("bad input exits 1 with one stderr line naming the problem, and the log is unchanged")
    func badInput() async throws {
        let log = try await OneEventLog()
        let ev: [String] = ["--type", "shop.order-placed"]
        let cases: [(args: [String], says: [String])] = [
            (log.append(["--stream=-order", "--data", "{}"] + ev), ["stream", "-order"]),
            (log.append(["--stream", "order 1", "--data", "{}"] + ev), ["stream"]),
            (log.append(["--stream", String(repeating: "o", count: 201), "--data", "{}"] + ev), ["stream", "201"]),
            (log.append(["--stream", "order-2", "--type", "Shop.Order", "--data", "{}"]), ["type"]),
            (log.append(["--stream", "order-2", "--type", "shoporder", "--data", "{}"]), ["type"]),
            (log.append(["--stream", "order-2", "--data", #"{"a":"#] + ev), ["data"]),
            (log.append(["--stream", "order-2", "--data", #"{"price":1.23456}"#] + ev), ["data", "$.price"]),
            (log.append(["--stream", "order-2", "--data", #"{"n":9007199254740993}"#] + ev), ["data"]),
            (log.append(["--stream", "order-2", "--data", #"{"x":1e300}"#] + ev), ["data"]),
            (log.append(["--stream", "order-2", "--data", "[1,2]"] + ev), ["data", "object"]),
            (log.append(["--stream", "order-2", "--data", "{}", "--metadata", "[1]"] + ev), ["metadata"]),
            (log.append(["--stream", "order-1", "--data", "{}", "--expected-version", "no-stream"] + ev), ["expectedVersion", "order-1"]),
            (log.append(["--stream", "order-1", "--data", "{}", "--expected-version", "5"] + ev), ["expectedVersion", "version 1"]),
            (log.append(["--stream", "order-9", "--data", "{}", "--expected-version", "exists"] + ev), ["expectedVersion"]),
            (log.append(["--stream", "order-1", "--data", #"{"a":2}"#, "--id", OneEventLog.knownID] + ev), ["id", OneEventLog.knownID]),
            (log.append(["--stream", "order-2", "--data", "@" + log.dir.file("missing.json")] + ev), ["cannot read"]),
            (log.append(["--ndjson", log.dir.file("missing.ndjson")]), ["cannot read"]),
            (["read", "--data-dir", log.data, "--stream", "order 1"], ["stream"]),
            // The domains' rules run on a raw append too (DESIGN section 4).
            (
                log.append([
                    "--stream", "warehouse-gudang-x", "--type", "aid.warehouse-registered", "--data",
                    #"{"incidentId":"gempa-uji","warehouseId":"gudang-x","name":"Gudang X","kind":"gudang","kelurahanCode":"52.71.99.9999"}"#,
                ]), ["kelurahanCode", "52.71.99.9999"]
            ),
            (
                log.append([
                    "--stream", "application-MTR-0000000000", "--type", "documents.status-changed", "--data",
                    #"{"receiptNumber":"MTR-0000000000","from":"submitted","to":"signed","reason":"x","officer":"y","changedAt":"2018-08-10T10:00:00Z"}"#,
                ]), ["MTR-0000000000"]
            ),
            (
                log.append([
                    "--stream", "market-pasar-x", "--type", "prices.price-reported", "--data",
                    #"{"marketId":"pasar-x","commodityId":"beras","unit":"kg","price":11750,"currency":"IDR","priceType":"retail","observedOn":"2018-08-10","reporter":"r","source":"s"}"#,
                ]), ["pasar-x"]
            ),
            (log.append(["--stream", "aid-1", "--type", "aid.unknown-thing", "--data", "{}"]), ["aid.unknown-thing"]),
        ]
        // Over 1 MiB of data.
        let big = try log.dir.write("big.json", #"{"s":""# + String(repeating: "x", count: 1 << 20) + #""}"#)
        let all = cases + [(log.append(["--stream", "order-2", "--data", "@" + big] + ev), ["data", "1048576"])]
        let before = try await CLI.stats(log.data)
        for c in all {
            let r = try await CLI.run(c.args)
            #expect(r.status == 1, "\(c.args.dropFirst(3).prefix(6)): \(r)")
            #expect(r.stderrIsOneLine, "\(c.args.dropFirst(3).prefix(6)): \(r)")
            #expect(r.stdout.isEmpty, "\(c.args.dropFirst(3).prefix(6)): \(r)")
            for s in c.says {
                #expect(r.stderr.contains(s), "stderr should name \(s): \(r.stderr)")
            }
            #expect(try await CLI.stats(log.data) == before, "\(c.args.dropFirst(3).prefix(6)) changed the log")
        }
    }

    @Test("reading commands on a directory without a log exit 1 and say so")
    func noLog() async throws {
        let dir = try Scratch("no-log")
        for args in [["stats"], ["verify"], ["read", "--all"], ["export"]] {
            let r = try await CLI.run(args + ["--data-dir", dir.file("nothing")])
            #expect(r.status == 1, "\(args): \(r)")
            #expect(r.stderrIsOneLine)
            #expect(r.stderr.contains("no log in"))
            #expect(!FileManager.default.fileExists(atPath: dir.file("nothing/log/data.mdb")))
        }
    }

    @Test("usage errors exit 64 and write nothing")
    func usageErrors() async throws {
        let log = try await OneEventLog()
        let file = try log.dir.write("one.ndjson", ndjsonLine(stream: "order-3", type: "shop.order-placed", data: "{}") + "\n")
        let cases: [[String]] = [
            log.append(["--stream", "order-2"]),
            log.append(["--stream", "order-2", "--type", "shop.order-placed"]),
            log.append(["--ndjson", file, "--stream", "order-2"]),
            log.append(["--atomic", "--stream", "order-2", "--type", "shop.order-placed", "--data", "{}"]),
            log.append(["--stream", "order-2", "--type", "shop.order-placed", "--data", "{}", "--id", "not-a-uuid"]),
            log.append(["--stream", "order-2", "--type", "shop.order-placed", "--data", "{}", "--expected-version", "sometimes"]),
            log.append(["--stream", "order-2", "--type", "shop.order-placed", "--data", "{}", "--occurred-at", "2018-02-30"]),
            log.append(["--stream", "order-2", "--type", "shop.order-placed", "--data", "{}", "--no-such-flag"]),
            ["read", "--data-dir", log.data, "--stream", "order-1", "--all"],
            ["read", "--data-dir", log.data],
            ["read", "--data-dir", log.data, "--all", "--backwards"],
            ["read", "--data-dir", log.data, "--stream", "order-1", "--type", "shop.order-placed"],
            ["export", "--data-dir", log.data, "--from", "5", "--to", "2"],
            ["export", "--data-dir", log.data, "--format", "xml"],
            ["export", "--data-dir", log.data, "--since", "not-a-time"],
            ["no-such-command", "--data-dir", log.data],
            ["projections", "rebuild", "--data-dir", log.data, "--all", "--batch-size", "0"],
            ["projections", "rebuild", "--data-dir", log.data, "--all", "--batch-size", "many"],
        ]
        let before = try await CLI.stats(log.data)
        for args in cases {
            let r = try await CLI.run(args)
            #expect(r.status == 64, "\(args.dropFirst(3)): \(r)")
            #expect(r.stdout.isEmpty)
            #expect(!r.stderr.isEmpty)
        }
        #expect(try await CLI.stats(log.data) == before)
    }

    @Test("an idempotent retry through the CLI prints the original result and writes nothing")
    func idempotentRetry() async throws {
        let log = try await OneEventLog()
        let before = try await CLI.stats(log.data)
        let r = try await CLI.run(
            log.append([
                "--stream", "order-1", "--type", "shop.order-placed", "--data", #"{ "a" : 1 }"#, "--id", OneEventLog.knownID.uppercased(),
            ]))
        #expect(r.status == 0, "\(r)")
        let o = try #require(try r.json().first)
        #expect(o["position"]?.int == 1)
        #expect(o["id"]?.string == OneEventLog.knownID)
        #expect(try await CLI.stats(log.data) == before)
    }
}

@Suite("CLI append --ndjson", .serialized)
struct CLINDJSONTests {
    private func lines(_ count: Int, stream: String = "lot-1") -> [String] {
        (0..<count).map { ndjsonLine(stream: stream, type: "relief.stock-adjusted", data: #"{"n":\#($0)}"#) }
    }

    @Test("one result line per event, with the file's line numbers (blank lines skipped)")
    func oneResultPerEvent() async throws {
        let dir = try Scratch("ndjson")
        let data = dir.file("data")
        var l = lines(5)
        l.insert("   ", at: 2)
        let file = try dir.write("events.ndjson", l.joined(separator: "\n") + "\n")
        let r = try await CLI.run(["append", "--ndjson", file, "--data-dir", data])
        #expect(r.status == 0, "\(r)")
        let results = try r.json()
        #expect(results.count == 5)
        #expect(results.allSatisfy { $0.keys == ["line", "position", "version", "id", "hash"] })
        #expect(results.map { $0["line"]?.int } == [1, 2, 4, 5, 6])
        #expect(results.map { $0["position"]?.int } == [1, 2, 3, 4, 5])
        #expect(results.map { $0["version"]?.int } == [1, 2, 3, 4, 5])
        // From stdin too.
        let s = try await CLI.run(
            ["append", "--ndjson", "-", "--data-dir", data], stdin: Array((lines(2).joined(separator: "\n") + "\n").utf8))
        #expect(s.status == 0, "\(s)")
        #expect(try s.json().map { $0["position"]?.int } == [6, 7])
        let read = try await CLI.run(["read", "--all", "--data-dir", data])
        #expect(try read.json().map { $0["data"]?["n"]?.int } == [0, 1, 2, 3, 4, 0, 1])
    }

    @Test("the log follows the file: expected versions 0, 1, 2, ... of one stream all hold, positions in file order")
    func fileOrder() async throws {
        let dir = try Scratch("ndjson-order")
        let data = dir.file("data")
        let count = 1500  // more than the CLI keeps in flight
        let l = (0..<count).map {
            ndjsonLine(
                stream: $0 % 3 == 0 ? "other-1" : "seq-1", type: "relief.stock-adjusted", data: #"{"n":\#($0)}"#,
                expectedVersion: $0 % 3 == 0 ? nil : String($0 - $0 / 3 - 1))
        }
        let file = try dir.write("ordered.ndjson", l.joined(separator: "\n") + "\n")
        let r = try await CLI.run(["append", "--ndjson", file, "--data-dir", data])
        #expect(r.status == 0, "\(r.stderr)")
        let results = try r.json()
        #expect(results.count == count)
        #expect(results.map { $0["line"]?.int } == (1...count).map { $0 })
        #expect(results.map { $0["position"]?.int } == (1...count).map { $0 })
        let read = try await CLI.run(["read", "--all", "--data-dir", data])
        #expect(try read.json().map { $0["data"]?["n"]?.int } == (0..<count).map { $0 })
    }

    @Test("without --atomic a bad line is reported on its line and the others are written; exit 1")
    func badLineNotAtomic() async throws {
        let dir = try Scratch("ndjson-bad")
        let data = dir.file("data")
        var l = lines(5)
        l[2] = ndjsonLine(stream: "lot-1", type: "Aid.Bad", data: "{}")
        l[3] = ndjsonLine(stream: "lot-2", type: "relief.stock-adjusted", data: "{}", expectedVersion: "3")
        let file = try dir.write("events.ndjson", l.joined(separator: "\n") + "\n")
        let r = try await CLI.run(["append", "--ndjson", file, "--data-dir", data])
        #expect(r.status == 1, "\(r)")
        #expect(r.stderrIsOneLine)
        #expect(r.stderr.contains("2 of 5"))
        let results = try r.json()
        #expect(results.map { $0["line"]?.int } == [1, 2, 3, 4, 5])
        #expect(results[2].keys == ["line", "error"])
        #expect(results[2]["error"]?.string?.contains("type") == true)
        #expect(results[3].keys == ["line", "error"])
        #expect(results[3]["error"]?.string?.contains("expectedVersion") == true)
        #expect(results[4]["position"]?.int == 3)
        let stats = try #require(try JSONParser.parse(await CLI.stats(data))["events"]?.int)
        #expect(stats == 3)
    }

    @Test("--atomic writes the whole file as one batch: all or nothing, naming the bad line")
    func atomic() async throws {
        let dir = try Scratch("ndjson-atomic")
        let data = dir.file("data")
        let seed = try await CLI.run([
            "append", "--data-dir", data, "--stream", "lot-2", "--type", "relief.stock-adjusted", "--data", "{}",
        ])
        #expect(seed.status == 0, "\(seed)")
        let before = try await CLI.stats(data)

        var bad = lines(5)
        bad[2] = #"{"stream":"lot-1","type":"relief.stock-adjusted","data":{"n":}}"#
        let badFile = try dir.write("bad.ndjson", bad.joined(separator: "\n") + "\n")
        let r1 = try await CLI.run(["append", "--ndjson", badFile, "--atomic", "--data-dir", data])
        #expect(r1.status == 1, "\(r1)")
        #expect(r1.stderrIsOneLine)
        #expect(r1.stderr.contains("line 3"))
        #expect(r1.stdout.isEmpty)
        #expect(try await CLI.stats(data) == before)

        var badType = lines(5)
        badType[3] = ndjsonLine(stream: "lot-1", type: "aid.", data: "{}")
        let r2 = try await CLI.run([
            "append", "--ndjson", try dir.write("t.ndjson", badType.joined(separator: "\n")), "--atomic", "--data-dir", data,
        ])
        #expect(r2.status == 1, "\(r2)")
        #expect(r2.stderrIsOneLine && r2.stderr.contains("line 4") && r2.stderr.contains("type"))
        #expect(try await CLI.stats(data) == before)

        var conflict = lines(5)
        conflict[4] = ndjsonLine(stream: "lot-2", type: "relief.stock-adjusted", data: "{}", expectedVersion: #""no-stream""#)
        let r3 = try await CLI.run([
            "append", "--ndjson", try dir.write("c.ndjson", conflict.joined(separator: "\n")), "--atomic", "--data-dir", data,
        ])
        #expect(r3.status == 1, "\(r3)")
        #expect(r3.stderrIsOneLine && r3.stderr.contains("nothing written") && r3.stderr.contains("lot-2"))
        #expect(try await CLI.stats(data) == before)

        let good = try dir.write("good.ndjson", lines(5).joined(separator: "\n") + "\n")
        let r4 = try await CLI.run(["append", "--ndjson", good, "--atomic", "--data-dir", data])
        #expect(r4.status == 0, "\(r4)")
        let results = try r4.json()
        #expect(results.map { $0["line"]?.int } == [1, 2, 3, 4, 5])
        #expect(results.map { $0["position"]?.int } == [2, 3, 4, 5, 6])
        let read = try await CLI.run(["read", "--all", "--data-dir", data, "--from", "2"])
        let recordedAt = Set(try read.json().map { try #require($0["recordedAt"]?.string) })
        #expect(recordedAt.count == 1, "one batch, one transaction, one commit time")
    }

    @Test("resending a file with client ids returns the original positions and writes nothing new")
    func idempotentFile() async throws {
        let dir = try Scratch("ndjson-retry")
        let data = dir.file("data")
        let l = (0..<6).map {
            ndjsonLine(stream: "lot-\($0 % 2)", type: "relief.stock-adjusted", data: #"{"n":\#($0)}"#, id: UUID().uuidString.lowercased())
        }
        let file = try dir.write("ids.ndjson", l.joined(separator: "\n") + "\n")
        let first = try await CLI.run(["append", "--ndjson", file, "--data-dir", data])
        #expect(first.status == 0, "\(first)")
        let before = try await CLI.stats(data)
        let again = try await CLI.run(["append", "--ndjson", file, "--data-dir", data])
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout == first.stdout)
        #expect(try await CLI.stats(data) == before)
    }
}
