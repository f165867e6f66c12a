import DomainKit
public import EventLog
import Foundation
import JSON
import Projections

/// Imports WFP food prices as published on HDX (CSV), in both layouts:
/// - per country (`wfp_food_prices_<iso3>.csv`): `date,admin1,admin2,market,market_id,latitude,
///   longitude,category,commodity,commodity_id,unit,priceflag,pricetype,currency,price,usdprice`
///   (the country comes from `country:` or the file name);
/// - global (`countryiso3,date,...` the same columns after it).
/// Columns are found by name, in any order; only `date`, `market`, `commodity`, `unit`,
/// `pricetype`, `currency` and `price` are required. The HXL hashtag row (a second row whose
/// first field starts with `#`) is skipped when present. Any unit and currency, `Retail` and
/// `Wholesale` prices.
///
/// WFP says nothing of a market's kind: imported markets register as `traditional`, with their
/// `country`, `admin1`, `admin2` and coordinates (rounded to 4 decimals) and no kelurahan. The
/// `priceflag` and `usdprice` columns are not imported.
///
/// Each market and commodity is registered once, with ids derived from the row
/// (`wfp-<iso3>-<market_id>-<market slug>`, `wfp-<commodity_id>-<commodity slug>-<unit slug>`,
/// stream-name-safe), and each row becomes a `prices.price-reported` event whose id is derived
/// from a stable key of the row (country, date, market, commodity, unit, price type, currency)
/// by SHA-256 truncated to a UUID (version 5 form). So importing a file again, or a file that
/// overlaps one imported before (the COG rows of the global file), adds nothing for the rows
/// already there.
///
/// All or nothing: the whole file is validated (schema, then the domain's rules against the
/// log's current state) before anything is written; a bad row stops the import with its line
/// number and nothing written. With `skipInvalid`, bad rows are left out and listed. The events
/// are then appended in batches (a file may exceed the 10,000 events of one request); should a
/// later batch fail (a concurrent writer), the events written stay and importing again adds
/// only what is missing.
public struct WFPImporter: Sendable {
    /// The country (ISO 3166-1 alpha-3) of a per-country file without a `countryiso3` column;
    /// nil: taken from a file name like `wfp_food_prices_cog.csv`.
    public var country: String?
    /// Who writes (`metadata.actor`).
    public var actor: String
    /// Events per append request (at most `AppendRequest.maxEvents`).
    public var batchSize: Int

    /// `reporter` and `source` of the imported reports.
    public static let reporter = "WFP"
    public static let source = "WFP/HDX food prices"
    /// Category of a commodity when the file has no `category` column.
    public static let defaultCategory = "uncategorized"

    public init(country: String? = nil, actor: String = "wfp-import", batchSize: Int = AppendRequest.maxEvents) {
        self.country = country
        self.actor = actor
        self.batchSize = max(1, min(batchSize, AppendRequest.maxEvents))
    }

    // MARK: Ids

    /// A UUID (version 5 form) from SHA-256 of `key`: the same key always gives the same id.
    public static func eventID(forKey key: String) -> EventID {
        let hash = EventHash.sha256(Array("lumbung:wfp-import:v1\n\(key)".utf8))
        var hi = hash.words.0
        var lo = hash.words.1
        hi = (hi & ~0xF000) | 0x5000
        lo = (lo & ~(0xC0 << 56)) | (0x80 << 56)
        return EventID(high: hi, low: lo)
    }

    /// The market id of a WFP market.
    public static func marketID(country: String, marketCode: String?, market: String) -> String {
        let parts = ["wfp", country.lowercased(), marketCode.map { Slug.make($0, maxLength: 20) } ?? "", Slug.make(market, maxLength: 60)]
        return parts.filter { !$0.isEmpty }.joined(separator: "-")
    }

    /// The commodity id of a WFP commodity in a unit.
    public static func commodityID(commodityCode: String?, commodity: String, unit: String) -> String {
        let parts = [
            "wfp", commodityCode.map { Slug.make($0, maxLength: 20) } ?? "", Slug.make(commodity, maxLength: 50),
            Slug.make(unit, maxLength: 20),
        ]
        return parts.filter { !$0.isEmpty }.joined(separator: "-")
    }

    // MARK: Plan

    /// Reads and validates the file at `path` (see `plan(csv:fileName:skipInvalid:)`).
    public func plan(file path: String, skipInvalid: Bool = false) throws -> WFPImportPlan {
        let table: CSVTable
        do {
            table = try CSVTable.read(path: path)
        } catch {
            throw WFPImportError(line: nil, reason: "cannot read \(path) as CSV: \(error)")
        }
        return try plan(table, fileName: path, skipInvalid: skipInvalid)
    }

    /// Reads and validates CSV text row by row. Throws `WFPImportError` naming the first bad
    /// row's line (after reading them all) unless `skipInvalid`, which lists them instead.
    public func plan(csv text: String, fileName: String? = nil, skipInvalid: Bool = false) throws -> WFPImportPlan {
        let table: CSVTable
        do {
            table = try CSVTable.parse(text)
        } catch {
            throw WFPImportError(line: nil, reason: "cannot read the CSV: \(error)")
        }
        return try plan(table, fileName: fileName, skipInvalid: skipInvalid)
    }

    private func plan(_ table: CSVTable, fileName: String?, skipInvalid: Bool) throws -> WFPImportPlan {
        let columns = try Columns(header: table.header)
        var records = table.records[...]
        var hadHXL = false
        if let first = records.first, first.fields.first?.hasPrefix("#") == true {
            hadHXL = true
            records = records.dropFirst()
        }
        let fileCountry = try columns.country == nil ? defaultCountry(fileName: fileName) : nil

        var events: [WFPImportPlan.Planned] = []
        var skipped: [WFPSkippedLine] = []
        var markets: Set<String> = []
        var commodities: Set<String> = []
        var priceRows: [EventID: (line: Int, data: [UInt8])] = [:]
        var duplicates = 0
        var ids = IDCache()
        for (index, record) in records.enumerated() {
            do {
                let row = try Row(record, columns, fileCountry: fileCountry, ids: &ids)
                var rowEvents: [WFPImportPlan.Planned] = []
                if !markets.contains(row.market.marketId) {
                    let typed = PricesEvent.marketRegistered(row.market)
                    let e = try typed.proposed(id: Self.eventID(forKey: "market|\(row.market.marketId)"))
                    rowEvents.append(.init(kind: .market, line: record.line, row: index, event: e, typed: typed))
                }
                if !commodities.contains(row.commodity.commodityId) {
                    let typed = PricesEvent.commodityRegistered(row.commodity)
                    let e = try typed.proposed(id: Self.eventID(forKey: "commodity|\(row.commodity.commodityId)"))
                    rowEvents.append(.init(kind: .commodity, line: record.line, row: index, event: e, typed: typed))
                }
                let id = Self.eventID(forKey: row.priceKey)
                let typed = PricesEvent.priceReported(id: id, row.report)
                let price = try typed.proposed(occurredAt: row.report.observedOn.timestamp())
                if let earlier = priceRows[id] {
                    guard earlier.data == price.data else {
                        throw RowError(
                            "repeats line \(earlier.line) (same country, date, market, commodity, unit, price type and currency) with another price"
                        )
                    }
                    duplicates += 1
                    continue
                }
                priceRows[id] = (record.line, price.data)
                rowEvents.append(.init(kind: .price, line: record.line, row: index, event: price, typed: typed))
                markets.insert(row.market.marketId)
                commodities.insert(row.commodity.commodityId)
                events.append(contentsOf: rowEvents)
            } catch let e as RowError {
                skipped.append(WFPSkippedLine(line: record.line, reason: e.message))
            } catch let e as EventLogError {
                skipped.append(WFPSkippedLine(line: record.line, reason: e.message))
            }
        }
        if !skipInvalid, let first = skipped.first {
            throw WFPImportError(line: first.line, reason: first.reason, invalid: skipped)
        }
        return WFPImportPlan(
            file: fileName, events: events, skipped: skipped, rows: records.count, duplicateRows: duplicates, hadHXLRow: hadHXL,
            skipInvalid: skipInvalid)
    }

    /// The country of a per-country file: `country`, else its file name.
    private func defaultCountry(fileName: String?) throws -> String {
        if let country {
            guard ISOCode.isAlpha3(country) else {
                throw WFPImportError(line: nil, reason: "country: \(country) is not an ISO 3166-1 alpha-3 code (3 upper-case letters)")
            }
            return country
        }
        if let fileName {
            let base = (fileName as NSString).lastPathComponent.lowercased()
            let prefix = "wfp_food_prices_"
            if base.hasPrefix(prefix), base.hasSuffix(".csv") {
                let code = base.dropFirst(prefix.count).dropLast(4).uppercased()
                if ISOCode.isAlpha3(code) { return code }
            }
        }
        throw WFPImportError(
            line: 1,
            reason:
                "the file has no countryiso3 column and its name does not say the country (wfp_food_prices_<iso3>.csv): give the country")
    }

    // MARK: Run

    /// Plans the file and writes it (see `run(_:into:progress:)`).
    public func run(
        file path: String, into store: EventStore, skipInvalid: Bool = false, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> WFPImportReport {
        try await run(try plan(file: path, skipInvalid: skipInvalid), into: store, progress: progress)
    }

    /// Checks the plan against the log's current state with the domain's rules (events already
    /// in the log with the same content are left out; a market or commodity registered before is
    /// not registered again), then appends the rest in batches. `progress(rowsDone, rows)` is
    /// called after each batch. Throws `WFPImportError` naming the line of the first event the
    /// rules refuse (unless the plan skips invalid rows), with nothing written.
    public func run(
        _ plan: WFPImportPlan, into store: EventStore, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> WFPImportReport {
        var report = WFPImportReport(
            file: plan.file, rows: plan.rows, marketsRegistered: 0, commoditiesRegistered: 0, pricesReported: 0, alreadyInLog: 0,
            duplicateRows: plan.duplicateRows, skipped: plan.skipped, batches: 0)

        // Events whose ids are in the log already: the same content is left out, other content is the row's error.
        var inLog: [Int: RowError?] = [:]
        for (i, planned) in plan.events.enumerated() {
            let event = planned.event
            guard let id = event.id, let position = try store.position(of: id) else { continue }
            guard let existing = try store.event(at: position), existing.stream == event.stream, existing.type == event.type,
                existing.data == event.data
            else {
                inLog[i] = RowError(
                    "event \(id) (\(event.type)) is already in the log at position \(position) with other content: the row changed since it was imported"
                )
                continue
            }
            inLog[i] = .some(nil)
        }

        // The rules on the log as it is now, tried on every new event in a transaction that is undone.
        let rules = MarketPricesRules()
        var toWrite: [WFPImportPlan.Planned] = []
        var failedRows: Set<Int> = []
        try RuleGuard(rules: [rules]).trial(store) {
            for (i, planned) in plan.events.enumerated() {
                let event = planned.event
                if failedRows.contains(planned.row) { continue }
                do {
                    if let found = inLog[i] {
                        if let conflict = found { throw conflict }
                        report.alreadyInLog += 1
                        continue
                    }
                    switch planned.kind {
                    case .market where try rules.market(event.stream.dropPrefix("market-")) != nil,
                        .commodity where try rules.commodity(event.stream.dropPrefix("commodity-")) != nil:
                        report.alreadyInLog += 1
                        continue
                    default:
                        break
                    }
                    try rules.admit(planned.typed)
                    toWrite.append(planned)
                } catch {
                    let reason = (error as? RowError)?.message ?? (error as? EventLogError)?.message ?? String(describing: error)
                    guard plan.skipInvalid else {
                        throw WFPImportError(
                            line: planned.line, reason: reason, invalid: plan.skipped + [WFPSkippedLine(line: planned.line, reason: reason)]
                        )
                    }
                    report.skipped.append(WFPSkippedLine(line: planned.line, reason: reason))
                    failedRows.insert(planned.row)
                }
            }
        }
        report.skipped.sort { $0.line < $1.line }

        // Batches within the request limits.
        var written = 0
        var start = 0
        while start < toWrite.count {
            var end = start
            var bytes = 0
            while end < toWrite.count, end - start < batchSize {
                let size = toWrite[end].event.data.count + actor.utf8.count + 64
                if end > start && bytes + size > AppendRequest.maxBytes { break }
                bytes += size
                end += 1
            }
            let batch = toWrite[start..<end]
            let outcome: AppendOutcome
            do {
                outcome = try await store.append(try AppendRequest(events: batch.map(\.event), actor: actor))
            } catch {
                let line = batch.first?.line
                throw WFPImportError(line: line, reason: "appending failed: \(error)", written: written)
            }
            written += batch.count
            report.batches += 1
            for p in batch {
                switch p.kind {
                case .market: report.marketsRegistered += 1
                case .commodity: report.commoditiesRegistered += 1
                case .price: report.pricesReported += 1
                }
            }
            if report.firstPosition == nil { report.firstPosition = outcome.results.first?.position }
            report.lastPosition = outcome.lastPosition
            progress?((batch.last?.row ?? 0) + 1, plan.rows)
            start = end
        }
        progress?(plan.rows, plan.rows)
        return report
    }
}

extension String {
    fileprivate func dropPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
