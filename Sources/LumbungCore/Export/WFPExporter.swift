import DomainKit
public import EventLog
import JSON
import MarketPrices
import Projections

/// Price reports in the column layout of WFP's global food price file on HDX
/// (`wfp_food_prices_global_*.csv`), which `lumbung import wfp` reads back:
///
/// `countryiso3,date,admin1,admin2,market,market_id,latitude,longitude,category,commodity,commodity_id,unit,priceflag,pricetype,currency,price,usdprice`
///
/// One row (RFC 4180, see `CSVText`) per `prices.price-reported`; other events give no row.
/// - `countryiso3`, `admin1`, `admin2`: the market's registration; a market registered without
///   a country is one of the city's (`IDN`), and one with a kelurahan is in `Nusa Tenggara
///   Barat`, `Kota Mataram` unless its registration names other areas.
/// - `date`: the report's `observedOn`; `market`, `latitude`, `longitude`: the market's
///   registration; `market_id`: Lumbung's market id.
/// - `category`, `commodity`: the commodity's registration; `commodity_id`: Lumbung's id.
/// - `unit`, `currency`, `pricetype` (`Retail`/`Wholesale`): the report's.
/// - `price`: the report's price, or the price of its last correction (`prices.price-corrected`)
///   when it was corrected; the log keeps both, the export shows the price every view shows.
/// - `priceflag` is `actual`; `usdprice` is empty (Lumbung keeps no exchange rates).
///
/// Importing the file into an empty store gives the same daily statistics per commodity,
/// price type, currency, unit and day (ids differ: the importer makes its own). WFP's layout
/// holds one price per market, commodity, unit, price type and day: a log with several such
/// reports (two enumerators at one market) exports them all, and the importer refuses the
/// second one when its price differs.
///
/// `prepare` reads every market and commodity registration (names, areas) and every
/// correction up to the export's last position, whatever the filter selects; of the
/// corrections only those recorded and occurred within the filter's `until` limits count ("as
/// of"). It keeps the registrations and one entry per correction.
public struct WFPExporter: Exporter {
    public let name = "wfp"
    public let contentType = "text/csv; charset=utf-8; header=present"
    public let fileExtension = "csv"
    public var fileName: String { "wfp_food_prices_lumbung.csv" }
    public var eventTypes: Set<String>? { [MarketPricesEventType.priceReported] }

    /// The header, exactly as WFP's global file has it.
    public static let columns = [
        "countryiso3", "date", "admin1", "admin2", "market", "market_id", "latitude", "longitude", "category", "commodity",
        "commodity_id", "unit", "priceflag", "pricetype", "currency", "price", "usdprice",
    ]
    /// The country, province and city of a market registered with a kelurahan and no areas.
    public static let cityCountry = "IDN"
    public static let cityAdmin1 = "Nusa Tenggara Barat"
    public static let cityAdmin2 = "Kota Mataram"

    var markets: [String: MarketRegistered] = [:]
    var commodities: [String: CommodityRegistered] = [:]
    /// Corrected price by the corrected report's event id (lower case).
    var corrections: [String: Price] = [:]

    public init() {}

    public func prepare(store: EventStore, filter: EventFilter) throws -> WFPExporter {
        var prepared = WFPExporter()
        let scan = EventFilter(
            types: [
                MarketPricesEventType.marketRegistered, MarketPricesEventType.commodityRegistered, MarketPricesEventType.priceCorrected,
            ],
            toPosition: filter.toPosition)
        try store.forEachRecord(scan) { view in
            guard let event = Self.decode(view) else { return true }
            switch event {
            case .marketRegistered(let m): prepared.markets[m.marketId] = m
            case .commodityRegistered(let c): prepared.commodities[c.commodityId] = c
            case .priceCorrected(_, _, let c):
                if let until = filter.recordedUntil, view.recordedAt > until { return true }
                if let until = filter.occurredUntil, view.occurredAt > until { return true }
                prepared.corrections[c.correctedReport] = c.price
            case .priceReported, .referencePriceSet, .reportHeld, .reportApproved, .reportRejected, .reviewRuleSet:
                break
            }
            return true
        }
        return prepared
    }

    public func header(into out: inout [UInt8]) {
        CSVText.appendRecord(Self.columns, to: &out)
    }

    public func write(_ event: EventRecordView, into out: inout [UInt8]) {
        guard event.typeBytes.elementsEqual(MarketPricesEventType.priceReported.utf8),
            case .priceReported(_, let r)? = Self.decode(event)
        else { return }
        let market = markets[r.marketId]
        let commodity = commodities[r.commodityId]
        let inCity = market?.kelurahanCode != nil
        let price = corrections[event.id.description.lowercased()] ?? r.price
        CSVText.appendRecord(
            [
                market?.country ?? Self.cityCountry,
                r.observedOn.description,
                market?.admin1 ?? (inCity ? Self.cityAdmin1 : ""),
                market?.admin2 ?? (inCity ? Self.cityAdmin2 : ""),
                market?.name ?? r.marketId,
                r.marketId,
                market?.latitude.map(CSVText.number) ?? "",
                market?.longitude.map(CSVText.number) ?? "",
                commodity?.category ?? "",
                commodity?.name ?? r.commodityId,
                r.commodityId,
                r.unit,
                "actual",
                r.priceType == .wholesale ? "Wholesale" : "Retail",
                r.currency,
                price.description,
                "",
            ], to: &out)
    }

    /// A `prices.*` event of the log, or nil when this version cannot read it.
    static func decode(_ view: EventRecordView) -> PricesEvent? { PricesEvent.read(view) }
}
