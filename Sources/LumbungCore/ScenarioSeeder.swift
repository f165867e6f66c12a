import AidLogistics
import DocumentTracking
import EventLog
import Foundation
import MarketPrices

/// Writes the deterministic 2018 scenario of Kota Mataram (all three domains, interleaved by
/// `occurredAt`) into a log, through the same rules as every write.
///
/// The same seed gives the same events (streams, types, ids, data, `occurredAt`); `recordedAt`
/// is the commit time, so hashes differ from run to run.
public enum ScenarioSeeder {
    public static let defaultSeed: UInt64 = 2018
    /// The key the scenario's events are written under (but those naming their writer).
    public static let actor = "seed:mataram-2018"
    /// Events of the scenario at scale 1, roughly (aid ~5k, documents ~14.5k, prices ~5.8k).
    public static let baselineEvents = 25_000
    /// Scale up to which every domain grows; beyond it the price reports fill the rest (they
    /// stream, the others are built in memory).
    static let maxArrayScale = 4.0

    public struct Report: Sendable, Codable {
        public var events: Int
        public var headPosition: UInt64
        public var seed: UInt64
        public var demoReceiptNumber: String
        public var demoPIN: String
    }

    private struct Enough: Error {}

    /// Seeds `services`' log, which must be empty. `events` asks for about that many (exactly,
    /// when given: the scenario is cut there); nil gives the realistic scenario at scale 1.
    public static func seed(
        _ services: LumbungServices, seed: UInt64 = defaultSeed, events target: Int? = nil,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> Report {
        let existing = try services.store.head().position
        guard existing == 0 else {
            throw EventLogError(.invalidInput, "seed writes into an empty data directory; this one holds \(existing) events")
        }
        let scale = target.map { max(0.01, Double($0) / Double(baselineEvents)) } ?? 1
        let arrayScale = min(scale, maxArrayScale)
        var fixed =
            services.domains.aid.scenario(seed: seed, scale: arrayScale)
            + services.domains.documents.scenario(seed: seed, scale: arrayScale)
        let pricesScale: Double
        if scale <= maxArrayScale {
            pricesScale = scale
        } else {
            pricesScale = max(0.01, Double((target ?? 0) - fixed.count) / Double(baselineEvents) * 4.3)
        }
        fixed.sort { $0.occurredAt < $1.occurredAt }
        let total = target ?? (fixed.count + MarketPricesScenario.scenario(seed: seed, scale: pricesScale).count)

        var written = 0
        var batch: [ProposedEvent] = []
        var batchBytes = 0
        // Events the four-eyes rules hold to their writer go under the key they name.
        var batchActor = actor
        func flush() throws {
            guard !batch.isEmpty else { return }
            _ = try services.store.appendBlocking(AppendRequest(events: batch, actor: batchActor))
            written += batch.count
            batch.removeAll(keepingCapacity: true)
            batchBytes = 0
            progress?(written, total)
        }
        func add(_ event: ProposedEvent) throws {
            if written + batch.count >= total { throw Enough() }
            let author = AidScenario.author(of: event) ?? actor
            if author != batchActor {
                try flush()
                batchActor = author
            }
            batch.append(event)
            batchBytes += event.data.count + 256
            if batch.count >= 5000 || batchBytes >= 8 << 20 { try flush() }
        }
        var next = 0
        do {
            try MarketPricesScenario.forEachEvent(seed: seed, scale: pricesScale) { at, event in
                while next < fixed.count, fixed[next].occurredAt <= at {
                    try add(fixed[next].event)
                    next += 1
                }
                try add(event)
            }
            while next < fixed.count {
                try add(fixed[next].event)
                next += 1
            }
        } catch is Enough {}
        try flush()
        let demo = DocumentTrackingScenario.demoApplication(seed: seed)
        return Report(
            events: written, headPosition: try services.store.head().position, seed: seed,
            demoReceiptNumber: demo.receiptNumber, demoPIN: demo.pin)
    }
}
