import Crypto
import DocumentTracking
import DomainKit
import EventLog
import Foundation
import JSON
import PersonalData
import Projections

// privacy-bench: the cost of sealing personal fields in the vault (issue 14). Each line of
// output is one JSON object. From Benchmarks/:
//
// swift run -c release privacy-bench --applications N --batch B --rounds R [--vault-sync 0]
//     Submits N applications (each a new NIK) through the document tracking domain, deciding each
//     under the rule guard as the service does and appending B decisions per request (durable:
//     fsync at each commit), into a fresh data directory, once `plain` (no vault: the NIK's keyed
//     hash only, the body without name and phone) and once `sealed` (the vault: a subject per NIK,
//     its key from the vault's pool, its blind index written at the next checkpoint, about once a
//     second, NIK, name and phone sealed with AES-GCM), the order
//     alternating by round; then builds the `documents.*` views from the whole log (a rebuild).
//     Prints each run and the median overhead of `sealed` over `plain` for appends and rebuilds.
//     `--vault-sync 0` opens the vault without fsync (never so in production): what sealing costs
//     without the vault's own commit to disk for each new subject.
//     `--lifecycle 1` takes each application through its life as an office does (verified,
//     in-process, signed, ready, collected: five status changes through the rules after its
//     submission), so that the log holds what a deployed one holds rather than submissions only.

struct Arguments {
    var applications = 20_000
    var batch = 100
    var rounds = 3
    /// Whether the vault syncs at each commit (as in production); 0 isolates the cost of sealing.
    var vaultSync = true
    /// Whether each application also goes through its five status changes.
    var lifecycle = false

    init() {
        var args = CommandLine.arguments.dropFirst()
        while let flag = args.popFirst() {
            guard let value = args.popFirst() else { break }
            switch flag {
            case "--applications": applications = Int(value) ?? applications
            case "--batch": batch = Int(value) ?? batch
            case "--rounds": rounds = Int(value) ?? rounds
            case "--vault-sync": vaultSync = value != "0"
            case "--lifecycle": lifecycle = value != "0"
            default: FileHandle.standardError.write(Data("unknown flag \(flag)\n".utf8))
            }
        }
    }
}

func line(_ members: [(String, JSONValue)]) {
    print(String(decoding: CanonicalJSON.encode(.object(members)), as: UTF8.self))
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

func nik(_ i: Int) -> String {
    let s = String(i)
    return "5271" + String(repeating: "0", count: 12 - s.count) + s
}

/// One run: appends, then a rebuild of the views. Returns (append seconds, rebuild seconds).
func run(sealed: Bool, _ a: Arguments) async throws -> (Double, Double) {
    let directory = NSTemporaryDirectory() + "privacy-bench-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = try EventStore(dataDirectory: directory)
    defer { store.close() }
    let vault = sealed ? try Vault(directory: directory + "/vault", masterKey: SymmetricKey(size: .bits256), durable: a.vaultSync) : nil
    // As the service runs it: the vault's pending indexes written about once a second.
    vault?.startCheckpoints { try store.head().position }
    let domain = DocumentTrackingDomain(secret: SymmetricKey(size: .bits256), vault: vault)
    let guardian = RuleGuard(rules: [domain.rules])
    store.appendGuard = guardian
    let now = Timestamp("2018-12-31T00:00:00+08:00")!
    let clock = ContinuousClock()
    let start = clock.now
    var pending: [ProposedEvent] = []
    var receipts: [String] = []
    for i in 0..<a.applications {
        var applicant: [(key: String, value: JSONValue)] = [("nik", .string(nik(i)))]
        if sealed { applicant += [("name", .string("Baiq Nurul Aini \(i)")), ("phone", .string("0812\(10_000_000 + i)"))] }
        let body: JSONValue = [
            "documentType": "ktp-el", "office": "dukcapil-mataram", "channel": "counter", "applicant": .object(applicant),
            "submittedAt": "2018-08-06T09:00:00+08:00",
        ]
        let command = try domain.parse("submit-application", body: body)
        let decision = try guardian.withCurrentState(store) { try domain.decide(command, now: now) }
        pending += decision.events
        if pending.count >= a.batch {
            _ = try await store.append(AppendRequest(events: pending, actor: "bench"))
            pending = []
        }
        if a.lifecycle, let first = decision.events.first, let receipt = try JSONParser.parse(first.data)["receiptNumber"]?.stringValue {
            receipts.append(receipt)
        }
    }
    // The life of every application, one step at a time for all of them (each step is decided on
    // the state that holds the one before it), batched as the submissions.
    for to in a.lifecycle ? ["verified", "in-process", "signed", "ready", "collected"] : [] {
        if !pending.isEmpty { _ = try await store.append(AppendRequest(events: pending, actor: "bench")) }
        pending = []
        for receipt in receipts {
            let change = try domain.parse(
                "change-status", body: ["receiptNumber": .string(receipt), "to": .string(to), "officer": "petugas-01"])
            pending += try guardian.withCurrentState(store) { try domain.decide(change, now: now) }.events
            if pending.count >= a.batch {
                _ = try await store.append(AppendRequest(events: pending, actor: "bench"))
                pending = []
            }
        }
    }
    if !pending.isEmpty { _ = try await store.append(AppendRequest(events: pending, actor: "bench")) }
    try vault?.close()  // the last checkpoint, as on the service's close
    let appended = clock.now - start
    let engine = try ProjectionEngine(store: store, dataDirectory: directory, projectors: domain.projectors)
    let rebuildStart = clock.now
    try engine.catchUp()
    let rebuilt = clock.now - rebuildStart
    engine.stop()
    return (seconds(appended), seconds(rebuilt))
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

let arguments = Arguments()
var appendOverheads: [Double] = []
var rebuildOverheads: [Double] = []
for round in 1...arguments.rounds {
    var results: [Bool: (Double, Double)] = [:]
    for sealed in round % 2 == 1 ? [false, true] : [true, false] {
        let r = try await run(sealed: sealed, arguments)
        results[sealed] = r
        line([
            ("round", .number(Double(round))), ("mode", .string(sealed ? "sealed" : "plain")),
            ("applications", .number(Double(arguments.applications))), ("batch", .number(Double(arguments.batch))),
            ("vaultSync", .bool(arguments.vaultSync)), ("lifecycle", .bool(arguments.lifecycle)),
            ("appendSeconds", .number((r.0 * 1000).rounded() / 1000)), ("rebuildSeconds", .number((r.1 * 1000).rounded() / 1000)),
            ("appendsPerSecond", .number((Double(arguments.applications) / r.0).rounded())),
        ])
    }
    appendOverheads.append(results[true]!.0 / results[false]!.0 - 1)
    rebuildOverheads.append(results[true]!.1 / results[false]!.1 - 1)
}
line([
    ("summary", .string("sealed over plain, median of per-round ratios")),
    ("appendOverhead", .number((median(appendOverheads) * 1000).rounded() / 1000)),
    ("rebuildOverhead", .number((median(rebuildOverheads) * 1000).rounded() / 1000)),
])
