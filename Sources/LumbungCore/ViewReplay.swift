import AidLogistics
import DocumentTracking
public import EventLog
import Foundation
import MarketPrices
import Projections

/// The auditor's "as of" replay: folds the log from scratch, up to a point, into a temporary
/// views environment with the same projectors the service uses, and answers a query there.
public enum ViewReplay {
    public enum View: String, CaseIterable, Sendable {
        case stock, kelurahan, trace, application, prices

        var projector: String {
            switch self {
            case .stock: AidViews.stock.rawValue
            case .kelurahan: AidViews.kelurahan.rawValue
            case .trace: AidViews.trace.rawValue
            case .application: DocumentViews.applications.rawValue
            case .prices: PricesViews.latest.rawValue
            }
        }

        /// Whether `--id` is required.
        public var needsID: Bool { self == .trace || self == .application }
    }

    /// The point of the replay.
    public enum AsOf: Sendable {
        /// Events that occurred (in the world) at or before this time: "as it happened".
        case occurred(Timestamp)
        /// Events recorded at or before this time: "as the system knew it".
        case recorded(Timestamp)
        /// Events up to this position.
        case position(UInt64)
        /// The whole log.
        case now

        var filter: EventFilter {
            switch self {
            case .occurred(let t): EventFilter(occurredUntil: t)
            case .recorded(let t): EventFilter(recordedUntil: t)
            case .position(let p): EventFilter(toPosition: p)
            case .now: EventFilter()
            }
        }
    }

    /// Folds and queries; returns the view as JSON bytes. `progress(done, total)` on positions.
    public static func run(
        _ services: LumbungServices, view: View, id: String?, asOf: AsOf, progress: ((UInt64, UInt64) -> Void)? = nil
    ) throws -> [UInt8] {
        if view.needsID && id == nil {
            throw EventLogError(.invalidInput, "--id is required for the \(view.rawValue) view", field: "id")
        }
        guard let projector = services.domains.projectors.first(where: { $0.name == view.projector }) else {
            throw EventLogError(.invalidInput, "no projector \(view.projector)")
        }
        let scratch = NSTemporaryDirectory() + "lumbung-replay-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let engine = try ProjectionEngine(store: services.store, directory: scratch, projectors: [projector])
        engine.replayFilter = asOf.filter
        engine.batchSize = 10_000
        var target: UInt64 = try services.store.head().position
        if case .position(let p) = asOf { target = min(target, p) }
        try engine.catchUp(to: target, progress: progress)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try engine.read { snapshot -> [UInt8] in
            let reader = try snapshot.view(view.projector)
            func encode<T: Encodable>(_ value: T?) throws -> [UInt8] {
                guard let value else {
                    throw EventLogError(.invalidInput, "nothing named \(id ?? "") in the \(view.rawValue) view at that point", field: "id")
                }
                return Array(try encoder.encode(value))
            }
            switch view {
            case .stock: return try encode(try AidQueries.stock(reader, warehouseId: id))
            case .kelurahan:
                if let id { return try encode(try AidQueries.kelurahan(reader, code: id)) }
                return try encode(try AidQueries.kelurahan(reader))
            case .trace: return try encode(try AidQueries.trace(reader, donationId: id ?? ""))
            case .application: return try encode(try DocumentTrackingQueries.application(reader, receiptNumber: id ?? ""))
            case .prices: return try encode(try MarketPricesQueries.latest(reader, marketId: id))
            }
        }
    }
}
