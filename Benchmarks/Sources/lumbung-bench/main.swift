// lumbung-bench: Lumbung's side of compare.sh. Each command prints one JSON line.
//
//   lumbung-bench record-size                          size of the stored record of the workload's event
//   lumbung-bench single     DIR COUNT                 COUNT durable appends of 1 event, one task
//   lumbung-bench batch      DIR COUNT BATCH           COUNT events in durable appends of BATCH events
//   lumbung-bench concurrent DIR COUNT WRITERS         COUNT events, 1 per append, from WRITERS tasks
//   lumbung-bench scan       DIR REPEAT [decode|fields] full log scan, REPEAT times (best and median)
//
// DIR is a data directory (the log is DIR/log); write commands start from an empty one.
// LUMBUNG_BENCH_NOSYNC=1 opens the store without fsync (diagnostics: the software cost of a commit).
import BenchSupport
import EventLog
import Foundation
import LMDB

func emit(_ fields: KeyValuePairs<String, Any>) {
    var parts: [String] = []
    for (k, v) in fields {
        switch v {
        case let s as String: parts.append("\"\(k)\":\"\(s)\"")
        case let d as Double: parts.append("\"\(k)\":\(String(format: "%.6f", d))")
        default: parts.append("\"\(k)\":\(v)")
        }
    }
    print("{" + parts.joined(separator: ",") + "}")
    fflush(nil)
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

/// The log environment's last transaction id (opened after the store is closed).
func lastTransactionID(_ dataDir: String) throws -> Int {
    var options = Environment.Options()
    options.readOnly = true
    let env = try Environment(path: dataDir + "/log", options: options)
    return env.info().lastTransactionID
}

/// Opens the store, closes it and reopens it: the transactions an open itself commits are
/// measured so that `commits` counts only the appends' transactions.
func openCounted(_ dataDir: String) throws -> (EventStore, firstTxn: Int) {
    var options = EventStore.Options()
    options.noSync = ProcessInfo.processInfo.environment["LUMBUNG_BENCH_NOSYNC"] == "1"
    do { let s = try EventStore(dataDirectory: dataDir, options: options); s.close() }
    let a = try lastTransactionID(dataDir)
    do { let s = try EventStore(dataDirectory: dataDir, options: options); s.close() }
    let b = try lastTransactionID(dataDir)
    let store = try EventStore(dataDirectory: dataDir, options: options)
    return (store, b + (b - a))
}

func options_noSync() -> Bool { ProcessInfo.processInfo.environment["LUMBUNG_BENCH_NOSYNC"] == "1" }

let args = CommandLine.arguments
guard args.count >= 2 else { fail("usage: see the head of main.swift") }

do {
    switch args[1] {
    case "record-size":
        let dir = try Workload.freshDirectory("size")
        defer { Workload.remove(dir) }
        let store = try EventStore(dataDirectory: dir)
        _ = try store.appendBlocking(try Workload.request(first: 1_000, count: 1))
        guard let e = try store.event(at: 1) else { fail("no event") }
        store.close()
        emit(["bench": "lumbung.record-size", "record_bytes": Workload.recordBytes(e)])

    case "single" where args.count == 4, "concurrent" where args.count == 5:
        let dir = args[2]
        let count = Int(args[3])!
        let writers = args[1] == "single" ? 1 : Int(args[4])!
        let pool = try Workload.singleRequests(1000)
        let (store, firstTxn) = try openCounted(dir)
        let perWriter = count / writers
        let t0 = monotonicSeconds()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    for i in 0..<perWriter {
                        _ = try await store.append(pool[(w * perWriter + i) % pool.count])
                    }
                }
            }
            try await group.waitForAll()
        }
        let secs = monotonicSeconds() - t0
        store.close()
        let commits = try lastTransactionID(dir) - firstTxn
        let events = perWriter * writers
        let suffix = options_noSync() ? "-nosync" : ""
        emit([
            "bench": (args[1] == "single" ? "lumbung.single" : "lumbung.concurrent") + suffix, "events": events,
            "writers": writers, "commits": commits, "events_per_commit": Double(events) / Double(max(1, commits)),
            "seconds": secs, "events_per_s": Double(events) / secs, "commits_per_s": Double(commits) / secs,
        ])

    case "batch" where args.count == 5:
        let dir = args[2]
        let count = Int(args[3])!, batch = Int(args[4])!
        let requests = try (0..<4).map { try Workload.request(first: $0 * batch, count: batch) }
        let (store, firstTxn) = try openCounted(dir)
        var written = 0, k = 0
        let t0 = monotonicSeconds()
        while written < count {
            _ = try await store.append(requests[k % requests.count])
            written += batch
            k += 1
        }
        let secs = monotonicSeconds() - t0
        let recordBytes = try store.event(at: 1).map(Workload.recordBytes) ?? 0
        store.close()
        let commits = try lastTransactionID(dir) - firstTxn
        emit([
            "bench": "lumbung.batch" + (options_noSync() ? "-nosync" : ""), "events": written, "batch": batch, "commits": commits,
            "record_bytes": recordBytes, "seconds": secs, "events_per_s": Double(written) / secs,
            "commits_per_s": Double(commits) / secs,
        ])

    case "scan" where args.count >= 4:
        let dir = args[2]
        let repeats = Int(args[3])!
        let mode = args.count >= 5 ? args[4] : "decode"
        let store = try EventStore(dataDirectory: dir)
        var times: [Double] = [], cpu: [Double] = []
        var events = 0
        for _ in 0..<repeats {
            var n = 0
            let t0 = monotonicSeconds(), c0 = processCPUSeconds()
            switch mode {
            case "decode":
                try store.forEachRecord { view in
                    consume(view.decode())
                    n += 1
                    return true
                }
            case "fields":
                // Every field read in place, nothing copied out of the map.
                var acc: UInt64 = 0
                try store.forEachRecord { view in
                    acc &+= view.version &+ view.id.bytes.0 &+ UInt64(bitPattern: view.recordedAt.millisecondsSince1970)
                    acc &+= UInt64(bitPattern: view.occurredAt.millisecondsSince1970)
                    acc &+= UInt64(view.streamBytes.count + view.typeBytes.count + view.metadataBytes.count + view.dataBytes.count)
                    consume(view.hash)
                    consume(view.prevHash)
                    n += 1
                    return true
                }
                consume(acc)
            default: fail("scan mode: decode or fields")
            }
            times.append(monotonicSeconds() - t0)
            cpu.append(processCPUSeconds() - c0)
            events = n
        }
        store.close()
        let sorted = times.sorted()
        let median = sorted[sorted.count / 2]
        let cpuMedian = cpu.sorted()[cpu.count / 2]
        emit([
            "bench": "lumbung.scan-\(mode)", "events": events, "repeats": repeats, "seconds_best": sorted[0],
            "seconds_median": median, "events_per_s": Double(events) / median,
            "events_per_s_best": Double(events) / sorted[0], "cpu_seconds_median": cpuMedian,
            "events_per_cpu_s": Double(events) / cpuMedian,
        ])

    default:
        fail("usage: see the head of Sources/lumbung-bench/main.swift")
    }
} catch {
    fail("lumbung-bench: \(error)")
}
