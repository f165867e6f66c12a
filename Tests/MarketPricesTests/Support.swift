import DomainKit
import EventLog
import Foundation
import Projections
import Testing

@testable import MarketPrices

/// A throwaway data directory with a log guarded by the prices rules.
final class TestStore {
    let directory: String
    let store: EventStore
    let rules: MarketPricesRules
    let ruleGuard: RuleGuard

    init(guarded: Bool = true) throws {
        directory = NSTemporaryDirectory() + "lumbung-prices-\(UUID().uuidString)"
        var options = EventStore.Options()
        options.noSync = true
        store = try EventStore(dataDirectory: directory, options: options)
        rules = MarketPricesRules()
        ruleGuard = RuleGuard(rules: [rules])
        if guarded { store.appendGuard = ruleGuard }
    }

    deinit {
        store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func engine(_ projectors: [any Projector] = MarketPricesDomain().projectors) throws -> ProjectionEngine {
        try ProjectionEngine(store: store, directory: directory + "/views", projectors: projectors)
    }

    @discardableResult
    func append(_ events: [ProposedEvent], actor: String = "test") throws -> AppendOutcome {
        try store.appendBlocking(try AppendRequest(events: events, actor: actor))
    }

    @discardableResult
    func append(_ events: PricesEvent..., occurredAt: Timestamp? = nil) throws -> AppendOutcome {
        try append(events.map { try $0.proposed(occurredAt: occurredAt) })
    }

    /// Expects `body` to fail with `code` and a message containing `text`, and the log unchanged.
    func expectRefused(
        _ code: EventLogError.Code, _ text: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) throws {
        let before = try store.stats()
        do {
            try body()
            Issue.record("expected a refusal containing \"\(text)\"", sourceLocation: sourceLocation)
        } catch let e as EventLogError {
            #expect(e.code == code, "\(e.message)", sourceLocation: sourceLocation)
            #expect(e.message.contains(text), "\(e.message)", sourceLocation: sourceLocation)
        }
        let after = try store.stats()
        #expect(after.events == before.events, sourceLocation: sourceLocation)
        #expect(after.headHash == before.headHash, sourceLocation: sourceLocation)
    }
}

enum Fixture {
    /// The repository's root (two levels above this file's folder).
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func path(_ relative: String) -> String { root + "/Fixtures/" + relative }
}

/// Sample events.
enum Sample {
    static let day = CivilDate(year: 2018, month: 8, day: 6)!

    static func market(_ id: String = "pasar-kebon-roek", kind: MarketKind = .traditional, kelurahan: String? = "52.71.01.1005")
        -> PricesEvent
    {
        .marketRegistered(
            MarketRegistered(marketId: id, name: "Pasar \(id)", kind: kind, kelurahanCode: kelurahan, latitude: -8.5652, longitude: 116.078)
        )
    }

    static func commodity(_ id: String = "beras-km1", unit: String = "kg") -> PricesEvent {
        .commodityRegistered(CommodityRegistered(commodityId: id, name: "Beras \(id)", category: "Beras", unit: unit))
    }

    static func report(
        _ id: EventID? = EventID.random(), market: String = "pasar-kebon-roek", commodity: String = "beras-km1", price: Int = 11_800,
        on day: CivilDate = Sample.day, type: PriceType = .retail, currency: String = "IDR", unit: String = "kg"
    ) -> PricesEvent {
        .priceReported(
            id: id,
            PriceReported(
                marketId: market, commodityId: commodity, unit: unit, price: Price(price), currency: currency, priceType: type,
                observedOn: day, reporter: "Baiq Nurul", source: "test"))
    }

    static func correction(of report: EventID, market: String = "pasar-kebon-roek", price: Int, id: EventID = EventID.random())
        -> PricesEvent
    {
        .priceCorrected(
            id: id, marketId: market, PriceCorrected(correctsEventId: report.description, price: Price(price), reason: "salah ketik"))
    }
}
