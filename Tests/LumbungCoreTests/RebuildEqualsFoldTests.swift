import Foundation
import LumbungCore
import Projections
import Testing

/// Every view of every domain, rebuilt in one pass (`ProjectionEngine.rebuild(_ names:)`), holds
/// byte for byte what the fold of the same log in small batches holds (issue 15: the rebuild's
/// shortcuts must not change an answer).
@Suite("A rebuild of every view equals the incremental fold")
struct RebuildEqualsFoldTests {
    /// Every key and value of every database of every view, as `<view>/<database>/<key>`.
    static func dump(_ engine: ProjectionEngine) throws -> [String: [UInt8]] {
        try engine.read { s in
            var out: [String: [UInt8]] = [:]
            for p in engine.projectors {
                let view = try s.view(p.name)
                for db in p.databases {
                    try view.scan(db) { key, value in
                        out["\(p.name)/\(db)/\(key)"] = value
                        return true
                    }
                }
            }
            return out
        }
    }

    /// The keys whose values differ between two dumps (one side missing counts), in order.
    static func differing(_ a: [String: [UInt8]], _ b: [String: [UInt8]]) -> [String] {
        Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
    }

    /// The engine of a scratch data directory seeded with the scenario's first `events` events,
    /// every view folded in batches of `batchSize`.
    static func withSeeded<R>(events: Int, batchSize: Int, _ body: (ProjectionEngine) throws -> R) throws -> R {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lumbung-rebuild-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let services = try LumbungServices(dataDirectory: dir)
        defer { services.close() }
        _ = try ScenarioSeeder.seed(services, events: events)
        let engine = services.engine
        engine.batchSize = batchSize
        try engine.catchUp()
        return try body(engine)
    }

    @Test("the seeded scenario (all three domains), folded in batches of 777, then rebuilt in one pass of batches of 4,000")
    func rebuildOfEveryViewEqualsTheFold() throws {
        try Self.withSeeded(events: 20_000, batchSize: 777) { engine in
            let folded = try Self.dump(engine)
            #expect(folded.count > 10_000, "\(folded.count)")

            engine.rebuildBatchSize = 4000
            try engine.rebuild(engine.projectors.map(\.name))
            let rebuilt = try Self.dump(engine)
            #expect(rebuilt.count == folded.count)
            let differing = Self.differing(folded, rebuilt)
            #expect(differing.isEmpty, "\(differing.count) differ: \(differing.prefix(5))")
            // Every view has something (the scenario reaches them all), so the comparison covers them.
            for p in engine.projectors {
                #expect(folded.keys.contains { $0.hasPrefix(p.name + "/") }, "\(p.name) is empty")
            }
        }
    }

    @Test("prices.daily and prices.alerts hold the same folded or rebuilt together (one shared batch) as each rebuilt alone")
    func viewsOfOneBatchGroupHoldWhatEachHoldsAlone() throws {
        try Self.withSeeded(events: 12_000, batchSize: 500) { engine in
            let folded = try Self.dump(engine)
            // Each rebuilt alone, neither view shares its batch: what they hold then is the truth.
            engine.rebuildBatchSize = 1700
            try engine.rebuild(["prices.alerts"])
            try engine.rebuild(["prices.daily"])
            let alone = try Self.dump(engine)
            let observations = alone.filter { $0.key.hasPrefix("prices.daily/") || $0.key.hasPrefix("prices.alerts/") }
            #expect(observations.count > 1000, "\(observations.count)")
            // Folded in batches of 500 and rebuilt together in batches of 1,700, they share each batch.
            try engine.rebuild(["prices.daily", "prices.alerts"])
            let together = try Self.dump(engine)
            for (name, dump) in [("folded", folded), ("rebuilt together", together)] {
                let differing = Self.differing(alone, dump)
                #expect(differing.isEmpty, "\(name): \(differing.count) differ: \(differing.prefix(5))")
            }
        }
    }
}
