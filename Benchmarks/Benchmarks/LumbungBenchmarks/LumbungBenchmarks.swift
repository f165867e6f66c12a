// The standard suite (package-benchmark): `cd Benchmarks && swift package --disable-sandbox benchmark`.
// Every store lives in a fresh directory on the real disk ($LUMBUNG_BENCH_DIR or /tmp), durable
// (fsync per commit) unless said otherwise, and is removed in teardown.
// Throughput is in events per second wherever the name says "events": a benchmark whose
// iteration moves 1,000 events uses scalingFactor .kilo, so the `*`-marked figures are per event.
import Benchmark
import BenchSupport
import EventLog
import Foundation

/// A store and its directory, shared between a benchmark's setup, body and teardown.
final class Fixture: @unchecked Sendable {
    let directory: String
    let store: EventStore
    let singles: [AppendRequest]
    let batch: AppendRequest?
    var next = 0

    init(label: String, populate: Int = 0, batch: Int? = nil) throws {
        directory = try Workload.freshDirectory(label)
        if populate > 0 {
            // Setup only: written without fsync (the scan does not care how it was written).
            var options = EventStore.Options()
            options.noSync = true
            let loader = try EventStore(dataDirectory: directory, options: options)
            try Workload.populate(loader, total: populate, batch: 1000)
            loader.close()
        }
        store = try EventStore(dataDirectory: directory)
        singles = try Workload.singleRequests(1000)
        self.batch = try batch.map { try Workload.request(first: 0, count: $0) }
    }

    func nextSingle() -> AppendRequest {
        next &+= 1
        return singles[next % singles.count]
    }

    func tearDown() {
        store.close()
        Workload.remove(directory)
    }
}

nonisolated(unsafe) var fixture: Fixture?

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .cpuTotal, .mallocCountTotal],
        warmupIterations: 3,
        maxDuration: .seconds(5)
    )

    Benchmark(
        "append: 1 event per durable commit, 1 writer",
        configuration: .init(maxDuration: .seconds(4), maxIterations: 2_000),
        closure: { benchmark in
            let f = fixture!
            for _ in benchmark.scaledIterations {
                blackHole(try await f.store.append(f.nextSingle()))
            }
        },
        setup: { fixture = try Fixture(label: "pb-single") },
        teardown: { fixture?.tearDown(); fixture = nil }
    )

    Benchmark(
        "append: 1000 events per durable commit (events)",
        configuration: .init(scalingFactor: .kilo, maxDuration: .seconds(10), maxIterations: 200),
        closure: { benchmark in
            let f = fixture!
            // One request of scalingFactor (1,000) events per iteration.
            blackHole(try await f.store.append(f.batch!))
        },
        setup: { fixture = try Fixture(label: "pb-batch", batch: 1000) },
        teardown: { fixture?.tearDown(); fixture = nil }
    )

    Benchmark(
        "append: 8 writers, 1 event per request, group commit (events)",
        configuration: .init(scalingFactor: .kilo, maxDuration: .seconds(10), maxIterations: 50),
        closure: { benchmark in
            let f = fixture!
            let perTask = benchmark.scaledIterations.count / 8
            // 8 tasks x 125 appends = scalingFactor (1,000) events per iteration.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<8 {
                    group.addTask {
                        for i in 0..<perTask {
                            blackHole(try await f.store.append(f.singles[(w * perTask + i) % f.singles.count]))
                        }
                    }
                }
                try await group.waitForAll()
            }
        },
        setup: { fixture = try Fixture(label: "pb-concurrent") },
        teardown: { fixture?.tearDown(); fixture = nil }
    )

    Benchmark(
        "scan: 1M events, forEachRecord + decode (events)",
        configuration: .init(warmupIterations: 1, scalingFactor: .mega, maxDuration: .seconds(10), maxIterations: 5),
        closure: { benchmark in
            var n = 0
            try fixture!.store.forEachRecord { view in
                blackHole(view.decode())
                n += 1
                return true
            }
            precondition(n == benchmark.scaledIterations.count, "expected \(benchmark.scaledIterations.count) events, scanned \(n)")
        },
        setup: { fixture = try Fixture(label: "pb-scan", populate: 1_000_000) },
        teardown: { fixture?.tearDown(); fixture = nil }
    )

    Benchmark(
        "audit: inclusion proof of a random position, 1M-event log",
        configuration: .init(warmupIterations: 10, maxDuration: .seconds(10), maxIterations: 20_000),
        closure: { benchmark in
            let store = fixture!.store
            var g = SystemRandomNumberGenerator()
            for _ in benchmark.scaledIterations {
                blackHole(try store.inclusionProof(position: UInt64.random(in: 1...1_000_000, using: &g)))
            }
        },
        setup: { fixture = try Fixture(label: "pb-proof", populate: 1_000_000) },
        teardown: { fixture?.tearDown(); fixture = nil }
    )
}
