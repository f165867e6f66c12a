import BenchSupport
import EventLog
import Foundation
import JSON

// merkle-bench: the Merkle tree's cost and proof times (issue 5), over the workload of
// BenchSupport (the events compare.sh and the package-benchmark suite append). Each line of
// output is one JSON object. Run by audit.sh; by hand from Benchmarks/:
//
// merkle-bench overhead --events N --batch B --rounds R [--sync 1]
//     Appends N events in requests of B events (one writer, sequential, without fsync unless
//     --sync 1) into a fresh log with the Merkle tree off, then on (the order alternating by
//     round), R times; prints each run (wall and process CPU seconds), the median events/s of
//     each mode, the overhead of the medians, and the medians of the per-round overheads in wall
//     time and in CPU time (the cost itself, less at the mercy of the machine's other load).
// merkle-bench proofs --events N --batch B [--keep DIR] [--samples S]
//     Appends N events (tree on, no fsync) to DIR (a data directory the lumbung CLI can open),
//     then times S tree heads at past sizes, inclusion proofs (current and past trees) and
//     consistency proofs at random sizes; writes DIR/digest.json (signed with DIR's key),
//     DIR/proof.json (an inclusion proof of a random position), DIR/event.json (that event's
//     JSON) and DIR/consistency.json for Scripts/verify_export.py.

struct Arguments {
    var mode = "overhead"
    var events = 1_000_000
    var batch = 1000
    var rounds = 3
    var samples = 2000
    var keep: String?
    var sync = false

    init() {
        var args = CommandLine.arguments.dropFirst()
        if let first = args.first, !first.hasPrefix("--") {
            mode = first
            args = args.dropFirst()
        }
        while let flag = args.popFirst() {
            guard let value = args.popFirst() else { break }
            switch flag {
            case "--events": events = Int(value) ?? events
            case "--batch": batch = Int(value) ?? batch
            case "--rounds": rounds = Int(value) ?? rounds
            case "--samples": samples = Int(value) ?? samples
            case "--keep": keep = value
            case "--sync": sync = value == "1" || value == "true"
            default: FileHandle.standardError.write(Data("unknown flag \(flag)\n".utf8))
            }
        }
    }
}

func temporaryDirectory(_ label: String) -> String {
    do {
        return try Workload.freshDirectory("merkle-\(label)")
    } catch {
        FileHandle.standardError.write(Data("merkle-bench: cannot make a directory: \(error)\n".utf8))
        exit(1)
    }
}

/// The requests, built before any timing: the workload's events `0..<events` in requests of `batch`.
func makeRequests(events: Int, batch: Int) throws -> [AppendRequest] {
    var requests: [AppendRequest] = []
    var n = 0
    while n < events {
        let size = min(batch, events - n)
        requests.append(try Workload.request(first: n, count: size))
        n += size
    }
    return requests
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// Appends `requests` in order; returns the wall seconds and the process's CPU seconds (every
/// thread: the caller and the store's writer) they took.
func fill(_ store: EventStore, _ requests: [AppendRequest]) throws -> (seconds: Double, cpuSeconds: Double) {
    let start = now(), cpu = processCPUSeconds()
    for r in requests { _ = try store.appendBlocking(r) }
    return (Double(now() - start) / 1e9, processCPUSeconds() - cpu)
}

func openStore(_ dir: String, tree: Bool, sync: Bool = false) throws -> EventStore {
    var options = EventStore.Options()
    options.noSync = !sync
    options.merkleTree = tree
    options.mapSize = 4 << 30  // room for 1M+ events without growing the map mid-run
    return try EventStore(dataDirectory: dir, options: options)
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.isEmpty ? 0 : s[s.count / 2]
}

func line(_ members: [(String, JSONValue)]) {
    var out: [UInt8] = [0x7B]
    for (i, (k, v)) in members.enumerated() {
        if i > 0 { out.append(0x2C) }
        CanonicalJSON.appendString(k, to: &out)
        out.append(0x3A)
        CanonicalJSON.append(v, to: &out)
    }
    out.append(0x7D)
    out.append(0x0A)
    FileHandle.standardOutput.write(Data(out))
}

func overhead(_ a: Arguments) throws {
    let requests = try makeRequests(events: a.events, batch: a.batch)
    var rates: [Bool: [Double]] = [false: [], true: []]
    var roundOverheads: [Double] = []
    var cpuRoundOverheads: [Double] = []
    for round in 1...a.rounds {
        var rate: [Bool: Double] = [:], cpu: [Bool: Double] = [:]
        // Alternate which mode goes first, so that drift in the machine's load favours neither.
        for tree in round % 2 == 1 ? [false, true] : [true, false] {
            let dir = temporaryDirectory(tree ? "on" : "off")
            defer { Workload.remove(dir) }
            let store = try openStore(dir, tree: tree, sync: a.sync)
            let (seconds, cpuSeconds) = try fill(store, requests)
            store.close()
            rate[tree] = Double(a.events) / seconds
            cpu[tree] = cpuSeconds
            rates[tree, default: []].append(Double(a.events) / seconds)
            line([("round", .number(Double(round))), ("merkleTree", .bool(tree)), ("events", .number(Double(a.events))),
                  ("batch", .number(Double(a.batch))), ("fsync", .bool(a.sync)),
                  ("seconds", .number((seconds * 1000).rounded() / 1000)),
                  ("cpuSeconds", .number((cpuSeconds * 1000).rounded() / 1000)),
                  ("eventsPerSecond", .number((Double(a.events) / seconds).rounded())),
                  ("eventsPerCPUSecond", .number((Double(a.events) / cpuSeconds).rounded()))])
        }
        if let off = rate[false], let on = rate[true] { roundOverheads.append(off / on - 1) }
        if let off = cpu[false], let on = cpu[true] { cpuRoundOverheads.append(on / off - 1) }
    }
    let off = median(rates[false] ?? []), on = median(rates[true] ?? [])
    line([("medianEventsPerSecondWithoutTree", .number(off.rounded())), ("medianEventsPerSecondWithTree", .number(on.rounded())),
          ("overheadPercent", .number(((off / on - 1) * 1000).rounded() / 10)),
          ("medianRoundOverheadPercent", .number((median(roundOverheads) * 1000).rounded() / 10)),
          ("roundOverheadsPercent", .array(roundOverheads.map { .number(($0 * 1000).rounded() / 10) })),
          ("medianRoundCPUOverheadPercent", .number((median(cpuRoundOverheads) * 1000).rounded() / 10)),
          ("roundCPUOverheadsPercent", .array(cpuRoundOverheads.map { .number(($0 * 1000).rounded() / 10) }))])
}

func proofs(_ a: Arguments) throws {
    let dir = a.keep ?? temporaryDirectory("proofs")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    // Fill (in its own store, released before the timed one opens: one environment per process).
    try {
        let store = try openStore(dir, tree: true)
        defer { store.close() }
        let have = try store.head().position
        guard have < UInt64(a.events) else { return }
        let requests = try makeRequests(events: a.events - Int(have), batch: a.batch)
        let (seconds, _) = try fill(store, requests)
        line([("filled", .number(Double(a.events) - Double(have))), ("seconds", .number((seconds * 1000).rounded() / 1000))])
    }()
    let reopened = try openStore(dir, tree: true)
    let n = try reopened.head().position
    var g = SystemRandomNumberGenerator()
    func time(_ label: String, _ body: () throws -> Void) throws {
        var samples: [Double] = []
        for _ in 0..<a.samples {
            let start = now()
            try body()
            samples.append(Double(now() - start) / 1000)
        }
        samples.sort()
        let mean = samples.reduce(0, +) / Double(samples.count)
        line([("operation", .string(label)), ("treeSize", .number(Double(n))), ("samples", .number(Double(samples.count))),
              ("meanMicroseconds", .number((mean * 10).rounded() / 10)),
              ("p50Microseconds", .number((samples[samples.count / 2] * 10).rounded() / 10)),
              ("p99Microseconds", .number((samples[samples.count * 99 / 100] * 10).rounded() / 10)),
              ("maxMicroseconds", .number((samples[samples.count - 1] * 10).rounded() / 10))])
    }
    try time("treeHead(current)") { _ = try reopened.treeHead() }
    try time("treeHead(size: random)") { _ = try reopened.treeHead(size: UInt64.random(in: 1...n, using: &g)) }
    var valid = true
    try time("inclusionProof(random position, current tree)") {
        let p = try reopened.inclusionProof(position: UInt64.random(in: 1...n, using: &g))
        valid = valid && p.path.count <= 64
    }
    try time("inclusionProof(random position, random past tree)") {
        let size = UInt64.random(in: 1...n, using: &g)
        _ = try reopened.inclusionProof(position: UInt64.random(in: 1...size, using: &g), treeSize: size)
    }
    try time("consistencyProof(random from, current tree)") {
        _ = try reopened.consistencyProof(from: UInt64.random(in: 0...n, using: &g))
    }
    try time("inclusionProof + isValid (generate and verify)") {
        let p = try reopened.inclusionProof(position: UInt64.random(in: 1...n, using: &g))
        valid = valid && p.isValid
    }
    // Files for the independent script.
    let key = try AuditSigningKey.loadOrCreate(dataDirectory: dir)
    let digest = try key.sign(try reopened.treeHead())
    let position = UInt64.random(in: 1...n, using: &g)
    let proof = try reopened.inclusionProof(position: position)
    let consistency = try reopened.consistencyProof(from: UInt64.random(in: 1...n, using: &g))
    guard let event = try reopened.event(at: position) else { throw EventLogError(.corrupt, "no event at \(position)") }
    try Data(CanonicalJSON.encode(digest.json)).write(to: URL(fileURLWithPath: dir + "/digest.json"))
    try Data(CanonicalJSON.encode(proof.json)).write(to: URL(fileURLWithPath: dir + "/proof.json"))
    try Data(CanonicalJSON.encode(consistency.json)).write(to: URL(fileURLWithPath: dir + "/consistency.json"))
    try Data(event.json).write(to: URL(fileURLWithPath: dir + "/event.json"))
    line([("allProofsValid", .bool(valid && proof.isValid && consistency.isValid)), ("files", .string(dir)),
          ("provenPosition", .number(Double(position))), ("pathLength", .number(Double(proof.path.count)))])
    reopened.close()
    if a.keep == nil { Workload.remove(dir) }
}

let arguments = Arguments()
do {
    switch arguments.mode {
    case "overhead": try overhead(arguments)
    case "proofs": try proofs(arguments)
    default: FileHandle.standardError.write(Data("modes: overhead, proofs\n".utf8))
    }
} catch {
    FileHandle.standardError.write(Data("merkle-bench: \(error)\n".utf8))
    exit(1)
}
