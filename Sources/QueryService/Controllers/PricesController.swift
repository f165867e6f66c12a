import DomainKit
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import JSON
import LumbungCore
import MarketPrices

/// Quick win 3, market prices: registrations, reports and corrections (role prices-writer);
/// latest prices, daily statistics, trends and alerts (public).
struct PricesController {
    let services: LumbungServices
    let cache = ResponseCache()

    func addRoutes(to router: Router<AppRequestContext>) {
        router.group().add(middleware: RequireRole(.pricesWriter))
            .post("/v1/prices/markets", use: command("register-market"))
            .post("/v1/prices/commodities", use: command("register-commodity"))
            .post("/v1/prices/reports", use: command("report-price"))
            .post("/v1/prices/corrections", use: command("correct-price"))
            .post("/v1/prices/reference-prices", use: command("set-reference-price"))
        router.group().add(middleware: RequireRole(.pricesSupervisor))
            .post("/v1/prices/review-rules", use: command("set-review-rule"))
            .post("/v1/prices/reports/{eventId}/approve", use: review(approve: true))
            .post("/v1/prices/reports/{eventId}/reject", use: review(approve: false))
        router.group().add(middleware: RequireRole(anyOf: [.pricesWriter, .pricesSupervisor, .auditor]))
            .get("/v1/prices/review-queue", use: reviewQueue)
        // Public answers, made once per new prices event (`ResponseCache`).
        func cached(_ parameters: [String], _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response)
            -> @Sendable (Request, AppRequestContext) async throws -> Response
        {
            cache.cached(types: MarketPricesEventType.all, parameters: parameters, services: services, handler)
        }
        router.get("/v1/prices/markets", use: cached([], markets))
        router.get("/v1/prices/commodities", use: cached([], commodities))
        router.get("/v1/prices/latest", use: cached(["marketId", "commodityId"], latest))
        router.get("/v1/prices/daily", use: cached(["commodityId", "on", "from", "to"], daily))
        router.get("/v1/prices/trend/{commodityId}", use: cached(["from", "to", "priceType", "level"], trend))
        router.get("/v1/prices/alerts", use: cached(["from", "to", "commodityId"], alerts))
        router.get("/v1/prices/reference-prices", use: cached(["commodityId"], referencePrices))
        router.get("/v1/prices/levels/{level}/daily.csv", use: cached(["from", "to"], levelTable))
        router.get("/v1/prices/reference-checks", use: cached(["marketId", "commodityId", "above"], referenceChecks))
    }

    func command(_ name: String) -> @Sendable (Request, AppRequestContext) async throws -> Response {
        { [services] request, context in
            let caller = try context.authenticatedCaller()
            let body = try await request.jsonBody(context: context)
            let domain = services.domains.prices
            let command = try domain.parse(name, body: body)
            return try await services.run(caller: caller) {
                let d = try domain.decide(command, now: .now())
                return CommandOutcome(events: d.events, ids: d.ids, secrets: d.secrets)
            }
        }
    }

    /// `POST /v1/prices/reports/{eventId}/approve|reject`: `{"reasonCode"?, "reason"?,
    /// "supervisor"?}` on the held report the path names (`supervisor` defaults to the key).
    /// An approval writes the report's `prices.price-reported` beside it.
    func review(approve: Bool) -> @Sendable (Request, AppRequestContext) async throws -> Response {
        { [services] request, context in
            let caller = try context.authenticatedCaller()
            let held = try context.path("eventId")
            guard let id = EventID(held), try services.store.position(of: id) != nil else {
                throw Problem(.notFound, "no held report has id \(held.prefix(60))")
            }
            guard case .object(var members) = try await request.jsonBody(context: context) else {
                throw Problem.field("body", "must be a JSON object")
            }
            members.removeAll { $0.key == "heldEventId" }
            members.append((key: "heldEventId", value: .string(held)))
            if !members.contains(where: { $0.key == "supervisor" }) {
                members.append((key: "supervisor", value: .string("key:\(caller.keyId)")))
            }
            let domain = services.domains.prices
            let command = try domain.parse(approve ? "approve-report" : "reject-report", body: .object(members))
            return try await services.run(caller: caller) {
                let d = try domain.decide(command, now: .now())
                return CommandOutcome(events: d.events, ids: d.ids, secrets: d.secrets)
            }
        }
    }

    /// `GET /v1/prices/review-queue?marketId=&status=`: the held reports (`status` `held` by
    /// default; `approved`, `rejected` or `all`), a scoped key's markets only.
    @Sendable func reviewQueue(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.authenticatedCaller()
        let marketId = request.query("marketId")
        let status = request.query("status") ?? "held"
        guard ["held", "approved", "rejected", "all"].contains(status) else {
            throw Problem.field("status", "must be one of held, approved, rejected, all")
        }
        if let marketId, let scope = caller.scope, !scope.contains(marketId) {
            throw Problem(.forbidden, "marketId: \(marketId) is outside this key's scope (\(scope.sorted().joined(separator: ", ")))")
        }
        let entries = try await services.views(request) { views in
            try MarketPricesQueries.reviewQueue(
                try views.view(PricesViews.review), marketId: marketId, status: status == "all" ? nil : status)
        }
        let visible = entries.filter { e in caller.scope.map { $0.contains(e.held.marketId) } ?? true }
        return try JSONResponse.make(["reports": visible])
    }

    /// `text` as a value of `E` (nil for nil); a 400 naming `name` and the allowed values otherwise.
    static func choice<E: JSONEnumeration>(_ text: String?, _ name: String) throws -> E? {
        guard let text else { return nil }
        guard let value = E(rawValue: text) else {
            throw Problem.field(name, "must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    static func date(_ request: Request, _ name: String) throws -> CivilDate? {
        guard let text = request.query(name) else { return nil }
        guard let d = CivilDate(text) else { throw Problem.field(name, "must be a date YYYY-MM-DD") }
        return d
    }

    @Sendable func markets(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make([
            "markets": try await services.views(request) { try MarketPricesQueries.markets(try $0.view(PricesViews.latest)) }
        ])
    }

    @Sendable func commodities(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make([
            "commodities": try await services.views(request) { try MarketPricesQueries.commodities(try $0.view(PricesViews.latest)) }
        ])
    }

    /// `GET /v1/prices/latest?marketId=&commodityId=`: the latest price per market and commodity.
    @Sendable func latest(_ request: Request, context: AppRequestContext) async throws -> Response {
        let market = request.query("marketId")
        let commodity = request.query("commodityId")
        let json = try await services.views(request) { views in
            try MarketPricesQueries.latestJSON(try views.view(PricesViews.latest), marketId: market, commodityId: commodity)
        }
        return JSONResponse.raw(json)
    }

    /// `GET /v1/prices/daily?commodityId=&from=&to=` or `?on=`: statistics across markets per day.
    @Sendable func daily(_ request: Request, context: AppRequestContext) async throws -> Response {
        let commodity = request.query("commodityId")
        let on = try Self.date(request, "on")
        let from = try Self.date(request, "from")
        let to = try Self.date(request, "to")
        let stats = try await services.views(request) { views in
            let view = try views.view(PricesViews.daily)
            if let on { return try MarketPricesQueries.daily(view, on: on, commodityId: commodity) }
            return try MarketPricesQueries.daily(view, commodityId: commodity, from: from, to: to)
        }
        return try JSONResponse.make(["daily": stats])
    }

    /// `GET /v1/prices/trend/{commodityId}?from=&to=&priceType=&level=`: daily city medians per price
    /// level (default: 30 days).
    @Sendable func trend(_ request: Request, context: AppRequestContext) async throws -> Response {
        let commodity = try context.path("commodityId")
        let from = try Self.date(request, "from")
        let to = try Self.date(request, "to")
        let priceType: PriceType? = try Self.choice(request.query("priceType"), "priceType")
        let level: PriceLevel? = try Self.choice(request.query("level"), "level")
        let series = try await services.views(request) { views in
            try MarketPricesQueries.trend(
                try views.view(PricesViews.daily), commodityId: commodity, from: from, to: to, priceType: priceType, level: level)
        }
        return try JSONResponse.make(["series": series])
    }

    /// `GET /v1/prices/alerts?from=&to=&commodityId=`: medians up 10% or more on the previous 7 days.
    @Sendable func alerts(_ request: Request, context: AppRequestContext) async throws -> Response {
        let from = try Self.date(request, "from")
        let to = try Self.date(request, "to")
        let commodity = request.query("commodityId")
        let alerts = try await services.views(request) { views in
            try MarketPricesQueries.alerts(
                try views.view(PricesViews.alerts), names: try views.view(PricesViews.latest), from: from, to: to, commodityId: commodity)
        }
        return try JSONResponse.make(["alerts": alerts])
    }

    /// `GET /v1/prices/reference-prices?commodityId=`: the reference prices (HET, HAP) set.
    @Sendable func referencePrices(_ request: Request, context: AppRequestContext) async throws -> Response {
        let commodity = request.query("commodityId")
        let prices = try await services.views(request) { views in
            try MarketPricesQueries.referencePrices(try views.view(PricesViews.references), commodityId: commodity)
        }
        return try JSONResponse.make(["referencePrices": prices])
    }

    /// `GET /v1/prices/reference-checks?marketId=&commodityId=&above=true`: the latest prices judged
    /// against the reference prices that hold for them (`above=true`: only those above one).
    @Sendable func referenceChecks(_ request: Request, context: AppRequestContext) async throws -> Response {
        let market = request.query("marketId")
        let commodity = request.query("commodityId")
        var aboveOnly = false
        if let text = request.query("above") {
            guard let flag = Bool(text) else { throw Problem.field("above", "must be true or false") }
            aboveOnly = flag
        }
        let checks = try await services.views(request) { views in
            try MarketPricesQueries.referenceChecks(
                latest: try views.view(PricesViews.latest), references: try views.view(PricesViews.references), marketId: market,
                commodityId: commodity, aboveOnly: aboveOnly)
        }
        return try JSONResponse.make(["checks": checks])
    }

    /// `GET /v1/prices/levels/{level}/daily.csv?from=&to=`: the level's daily mean prices as PIHPS
    /// publishes them, a row per day and a column per commodity.
    @Sendable func levelTable(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let level: PriceLevel = try Self.choice(try context.path("level"), "level") else {
            throw Problem.field("level", "is required")
        }
        let from = try Self.date(request, "from")
        let to = try Self.date(request, "to")
        let table = try await services.views(request) { views in
            try MarketPricesQueries.levelTable(
                daily: try views.view(PricesViews.daily), latest: try views.view(PricesViews.latest), level: level, from: from, to: to)
        }
        var headers = HTTPFields()
        headers[.contentDisposition] = "attachment; filename=\"\(LevelTableCSV.fileName(level))\""
        return JSONResponse.raw(LevelTableCSV.csv(table), contentType: LevelTableCSV.contentType, headers: headers)
    }
}
