import DomainKit
import EventLog
import Foundation

/// The rows of a WFP/HDX file, checked one by one, as the domain's events.
extension WFPImporter {
    /// Ids made once per distinct market and commodity of a file (slugs are not cheap).
    struct IDCache {
        private var ids: [String: String] = [:]

        mutating func market(country: String, code: String?, name: String) throws -> String {
            try cached("market", "\(country)|\(code ?? "")|\(name)") {
                WFPImporter.marketID(country: country, marketCode: code, market: name)
            }
        }

        mutating func commodity(code: String?, name: String, unit: String) throws -> String {
            try cached("commodity", "\(code ?? "")|\(name)|\(unit)") {
                WFPImporter.commodityID(commodityCode: code, commodity: name, unit: unit)
            }
        }

        /// The id of `column`'s value named by `key`, made once and checked as an identifier.
        private mutating func cached(_ column: String, _ key: String, _ make: () -> String) throws -> String {
            let key = "\(column)|\(key)"
            if let id = ids[key] { return id }
            let id = make()
            if let problem = Identifier.problem(id) { throw RowError("\(column): the id made of it \(problem)") }
            ids[key] = id
            return id
        }
    }

    /// A row that does not fit, and why.
    struct RowError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// Where each column is.
    struct Columns {
        let count: Int
        let country: Int?
        let date: Int
        let admin1, admin2: Int?
        let market: Int
        let marketID, latitude, longitude, category: Int?
        let commodity: Int
        let commodityID: Int?
        let unit, priceType, currency, price: Int

        init(header: [String]) throws {
            let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            func find(_ name: String) -> Int? { names.firstIndex(of: name) }
            func require(_ name: String) throws -> Int {
                guard let i = find(name) else {
                    throw WFPImportError(
                        line: 1,
                        reason:
                            "the header has no \(name) column (columns: \(names.joined(separator: ","))); is this a WFP/HDX food price file?"
                    )
                }
                return i
            }
            count = names.count
            country = find("countryiso3")
            date = try require("date")
            admin1 = find("admin1")
            admin2 = find("admin2")
            market = try require("market")
            marketID = find("market_id")
            latitude = find("latitude")
            longitude = find("longitude")
            category = find("category")
            commodity = try require("commodity")
            commodityID = find("commodity_id")
            unit = try require("unit")
            priceType = try require("pricetype")
            currency = try require("currency")
            price = try require("price")
        }
    }

    /// One data row, checked, as the domain's events.
    struct Row {
        let market: MarketRegistered
        let commodity: CommodityRegistered
        let report: PriceReported
        let priceKey: String

        init(_ record: CSVTable.Record, _ c: Columns, fileCountry: String?, ids: inout IDCache) throws {
            let f = record.fields
            guard f.count == c.count else {
                throw RowError("has \(f.count) fields, the header has \(c.count)")
            }
            /// The field of column `i`, trimmed; nil when absent or blank. Payload text rules apply:
            /// at most `PricesFields.maxText` UTF-8 bytes, and no control characters in what is
            /// written to the log (`stored`; a code only named in ids may hold them).
            func text(_ i: Int?, _ name: String, required: Bool = false, stored: Bool = true) throws -> String? {
                guard let i else { return nil }
                let v = Self.trimmed(f[i])
                if v.allSatisfy(\.isWhitespace) {
                    if required { throw RowError("\(name): is empty") }
                    return nil
                }
                guard v.utf8.count <= PricesFields.maxText else {
                    throw RowError("\(name): longer than \(PricesFields.maxText) bytes")
                }
                if stored, v.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                    throw RowError("\(name): must not contain control characters")
                }
                return v
            }
            func coordinate(_ i: Int?, _ name: String, _ limit: Double) throws -> Double? {
                guard let v = try text(i, name) else { return nil }
                guard let d = Double(v), d.isFinite else { throw RowError("\(name): \"\(v)\" is not a number") }
                guard abs(d) <= limit else { throw RowError("\(name): \(v) is not between -\(Int(limit)) and \(Int(limit))") }
                return (d * 10_000).rounded() / 10_000
            }

            let country: String
            if let ci = c.country {
                guard let v = try text(ci, "countryiso3", required: true), ISOCode.isAlpha3(v.uppercased()) else {
                    throw RowError("countryiso3: \"\(f[ci])\" is not an ISO 3166-1 alpha-3 code")
                }
                country = v.uppercased()
            } else {
                country = fileCountry ?? ""
            }
            let dateText = try text(c.date, "date", required: true) ?? ""
            guard let date = CivilDate(dateText) else { throw RowError("date: \"\(dateText)\" is not a YYYY-MM-DD date") }
            let marketName = try text(c.market, "market", required: true) ?? ""
            let marketCode = try text(c.marketID, "market_id", stored: false)
            let commodityName = try text(c.commodity, "commodity", required: true) ?? ""
            let commodityCode = try text(c.commodityID, "commodity_id", stored: false)
            let unit = try text(c.unit, "unit", required: true) ?? ""
            let typeText = try text(c.priceType, "pricetype", required: true) ?? ""
            guard let priceType = PriceType(rawValue: typeText.lowercased()) else {
                throw RowError("pricetype: \"\(typeText)\" is neither Retail nor Wholesale")
            }
            let currencyText = try text(c.currency, "currency", required: true) ?? ""
            guard ISOCode.isAlpha3(currencyText.uppercased()) else {
                throw RowError("currency: \"\(currencyText)\" is not an ISO 4217 code (3 letters)")
            }
            let currency = currencyText.uppercased()
            let priceText = try text(c.price, "price", required: true) ?? ""
            guard let price = Price(text: priceText) else {
                throw RowError("price: \"\(priceText)\" is not a number with at most 4 fraction digits (like 635 or 2.54)")
            }
            guard price.scaled > 0 else { throw RowError("price: \(priceText) is not greater than 0") }

            let marketId = try ids.market(country: country, code: marketCode, name: marketName)
            let commodityId = try ids.commodity(code: commodityCode, name: commodityName, unit: unit)
            market = MarketRegistered(
                marketId: marketId, name: marketName, kind: .traditional, latitude: try coordinate(c.latitude, "latitude", 90),
                longitude: try coordinate(c.longitude, "longitude", 180), admin1: try text(c.admin1, "admin1"),
                admin2: try text(c.admin2, "admin2"), country: country)
            commodity = CommodityRegistered(
                commodityId: commodityId, name: commodityName, category: try text(c.category, "category") ?? WFPImporter.defaultCategory,
                unit: unit)
            report = PriceReported(
                marketId: marketId, commodityId: commodityId, unit: unit, price: price, currency: currency, priceType: priceType,
                observedOn: date, reporter: WFPImporter.reporter, source: WFPImporter.source)
            priceKey = [
                "price", country, date.description, marketCode ?? marketName, commodityCode ?? commodityName, unit, priceType.rawValue,
                currency,
            ].joined(separator: "|")
        }

        /// `s` without surrounding spaces and tabs (cheap when there are none, the usual case).
        static func trimmed(_ s: String) -> String {
            func isSpace(_ u: Unicode.Scalar?) -> Bool { u == " " || u == "\t" }
            guard isSpace(s.unicodeScalars.first) || isSpace(s.unicodeScalars.last) else { return s }
            return s.trimmingCharacters(in: .whitespaces)
        }
    }
}
