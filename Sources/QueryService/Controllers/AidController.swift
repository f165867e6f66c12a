import AidLogistics
import DomainKit
import EventLog
import Foundation
import Hummingbird
import JSON
import LumbungCore

/// Quick win 1, aid logistics: warehouses, donations, shipments, receipts, distributions and
/// adjustments (role aid-writer); stock and aid per kelurahan (public); the donation trace (auditors).
struct AidController {
    let services: LumbungServices
    let cache = ResponseCache()
    var domain: AidLogisticsDomain { services.domains.aid }

    /// The views `?asOf=`/`?recordedAsOf=` fold again up to that point (`ReplayCache`): every aid view.
    static let replayed = AidViews.all.map(\.rawValue)

    func addRoutes(to router: Router<AppRequestContext>) {
        router.group().add(middleware: RequireRole(.aidWriter))
            .post("/v1/aid/warehouses", use: command("register-warehouse"))
            .post("/v1/aid/donations", use: command("receive-donation"))
            .post("/v1/aid/shipments", use: command("dispatch-shipment"))
            .post("/v1/aid/shipments/{shipmentId}/receipt", use: command("receive-shipment", pathField: "shipmentId"))
            .post("/v1/aid/distributions", use: command("distribute-aid"))
            .post("/v1/aid/adjustments", use: command("adjust-stock"))
            .post(
                "/v1/aid/adjustments/{adjustmentId}/approval", use: command("approve-adjustment", pathField: "adjustmentId")
            )
            .post(
                "/v1/aid/adjustments/{adjustmentId}/rejection", use: command("reject-adjustment", pathField: "adjustmentId")
            )
            .post("/v1/aid/incidents", use: command("declare-incident"))
            .post("/v1/aid/requests", use: command("request-items"))
            .post("/v1/aid/requests/{requestId}/commitments", use: command("commit-request", pathField: "requestId"))
            .post("/v1/aid/requests/{requestId}/cancellation", use: command("cancel-request", pathField: "requestId"))
            .post("/v1/aid/incidents/{incidentId}/impact", use: command("report-impact", pathField: "incidentId"))
            .post("/v1/aid/households", use: command("register-household"))
            .post("/v1/aid/households/served", use: command("serve-households"))
            .post("/v1/aid/households/roster", use: roster)
            .post("/v1/aid/catalog", use: command("catalog-item"))
            .post("/v1/aid/warehouses/{warehouseId}/minimums", use: command("set-minimum-stock", pathField: "warehouseId"))
        // Public answers, made once per new aid event (`ResponseCache`).
        func cached(_ parameters: [String], _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response)
            -> @Sendable (Request, AppRequestContext) async throws -> Response
        {
            // A forgotten donor's name changes what donors and traces show.
            cache.cached(types: AidEventType.all.union([PrivacyOffice.forgottenType]), parameters: parameters, services: services, handler)
        }
        router.get("/v1/aid/stock", use: cached(["warehouseId", "item", "unit", "incident"], stock))
        router.get("/v1/aid/stock/{warehouseId}", use: cached(["item", "unit", "incident"], stock))
        router.get("/v1/aid/kelurahan", use: cached(["incident"], kelurahan))
        router.get("/v1/aid/kelurahan/{code}", use: cached(["incident"], kelurahanOne))
        router.get("/v1/aid/donors", use: cached(["name", "incident"], donors))
        router.get("/v1/aid/incidents", use: cached([], incidents))
        router.get("/v1/aid/requests", use: cached(["incident", "warehouseId", "status"], requests))
        router.get("/v1/aid/requests/{requestId}", use: cached([], request))
        router.get("/v1/aid/needs", use: cached(["incident"], needs))
        router.get("/v1/aid/incidents/{incidentId}", use: cached([], incident))
        router.get("/v1/aid/catalog", use: cached([], catalog))
        // Not cached: the day defaults to today.
        router.get("/v1/aid/alerts", use: alerts)
        router.group().add(middleware: RequireRole(.auditor))
            .get("/v1/aid/donations/{donationId}/trace", use: trace)
        router.group().add(middleware: RequireRole(anyOf: [.aidWriter, .auditor]))
            .get("/v1/aid/adjustments", use: adjustments)
    }

    /// A write route (role aid-writer): the body carries the event's data fields (ids made when absent); a path
    /// parameter, when named, fills that field (`shipmentId` of a receipt, `incidentId` of an
    /// impact report: 404 when no such shipment was dispatched or incident declared).
    func command(_ name: String, pathField: String? = nil) -> @Sendable (Request, AppRequestContext) async throws -> Response {
        { [services] request, context in
            let caller = try context.authenticatedCaller()
            var body = try await request.jsonBody(context: context)
            if let pathField {
                let value = try context.path(pathField)
                // The path names a shipment, incident or request that must exist: 404 when it cannot
                // or does not. An adjustment lies on its warehouse's stream: the rules refuse an
                // unknown one.
                switch pathField {
                case "adjustmentId":
                    guard (try? AidIDs.check(value, field: pathField)) != nil else {
                        throw Problem(.notFound, "no adjustment \(value.prefix(100)) awaits approval")
                    }
                default:
                    let (stream, missing) =
                        switch pathField {
                        case "incidentId": (AidIDs.incidentStream(value), "no incident \(value.prefix(100)) was declared")
                        case "requestId": (AidIDs.requestStream(value), "no request \(value.prefix(100)) was made")
                        case "warehouseId": (AidIDs.warehouseStream(value), "no warehouse \(value.prefix(100)) is registered")
                        default: (AidIDs.shipmentStream(value), "no shipment \(value.prefix(100)) was dispatched")
                        }
                    guard (try? AidIDs.check(value, field: pathField)) != nil, try services.store.version(of: stream) > 0 else {
                        throw Problem(.notFound, missing)
                    }
                }
                guard case .object(var members) = body else { throw Problem.field("body", "must be a JSON object") }
                members.removeAll { $0.key == pathField }
                members.append((key: pathField, value: .string(value)))
                body = .object(members)
            }
            // Four eyes: who writes an adjustment or approves one is the authenticated caller.
            if let field = Self.authorField[name], case .object(var members) = body {
                members.removeAll { $0.key == field }
                members.append((key: field, value: .string(caller.actor)))
                body = .object(members)
            }
            let domain = services.domains.aid
            let command = try domain.parse(name, body: body)
            return try await services.run(caller: caller) {
                let d = try domain.decide(command, now: .now())
                return CommandOutcome(events: d.events, ids: d.ids, secrets: d.secrets)
            }
        }
    }

    /// The body field a command names its author in, set from the caller (a body's own is replaced).
    static let authorField = ["adjust-stock": "requestedBy", "approve-adjustment": "approvedBy", "reject-adjustment": "rejectedBy"]

    /// `GET /v1/aid/adjustments?state=pending[&warehouseId=][&incident=]` (aid-writer or auditor):
    /// the adjustments waiting for a second officer's approval, oldest first.
    @Sendable func adjustments(_ request: Request, context: AppRequestContext) async throws -> Response {
        let state = request.query("state") ?? "pending"
        guard state == "pending" else { throw Problem.field("state", "must be pending (the adjustments awaiting approval)") }
        let (warehouse, incident) = (request.query("warehouseId"), request.query("incident"))
        let report = try await services.views(request, replaying: Self.replayed) { views in
            try AidQueries.pendingAdjustments(try views.view(AidViews.stock), warehouseId: warehouse, incidentId: incident)
        }
        return try JSONResponse.make(report)
    }

    /// `GET /v1/aid/catalog`: the item catalog, by item.
    @Sendable func catalog(_ request: Request, context: AppRequestContext) async throws -> Response {
        let report = try await services.views(request, replaying: Self.replayed) { views in
            try AidQueries.catalog(try views.view(AidViews.stock))
        }
        return try JSONResponse.make(report)
    }

    /// `GET /v1/aid/alerts?on=&days=&warehouseId=&incident=`: lots on hand expiring within `days`
    /// (default 14, 0-366) of `on` (a `YYYY-MM-DD` day, default today in WITA) or expired, and
    /// items below their warehouse's minimum stock.
    @Sendable func alerts(_ request: Request, context: AppRequestContext) async throws -> Response {
        let day: CivilDate
        if let text = request.query("on") {
            guard let d = CivilDate(text) else { throw Problem.field("on", "must be a day written YYYY-MM-DD, e.g. 2018-08-20") }
            day = d
        } else {
            day = CivilDate(.now(), offsetHours: CivilDate.witaOffsetHours)
        }
        var days = AidQueries.expiryWindowDays
        if let text = request.query("days") {
            guard let n = Int(text), (0...366).contains(n) else {
                throw Problem.field("days", "must be a whole number of days from 0 to 366")
            }
            days = n
        }
        let warehouse = request.query("warehouseId")
        let incident = request.query("incident")
        let report = try await services.views(request, replaying: Self.replayed) { views in
            try AidQueries.alerts(try views.view(AidViews.stock), on: day, withinDays: days, warehouseId: warehouse, incidentId: incident)
        }
        return try JSONResponse.make(report)
    }

    /// `GET /v1/aid/stock[/{warehouseId}]?item=&unit=`: on hand and in transit per warehouse, item and lot.
    @Sendable func stock(_ request: Request, context: AppRequestContext) async throws -> Response {
        let warehouse = context.optionalPath("warehouseId") ?? request.query("warehouseId")
        let item = request.query("item")
        let unit = request.query("unit")
        let incident = request.query("incident")
        guard
            let report = try await services.views(
                request, replaying: Self.replayed,
                { views in
                    try AidQueries.stock(
                        try views.view(AidViews.stock), warehouseId: warehouse, item: item, unit: unit, incidentId: incident)
                })
        else {
            throw Problem(.notFound, "no warehouse \(warehouse ?? "")")
        }
        return try JSONResponse.make(report)
    }

    /// `GET /v1/aid/kelurahan`: aid received and distributed in each of the 50 kelurahan.
    @Sendable func kelurahan(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(
            try await services.views(request, replaying: Self.replayed) { [incident = request.query("incident")] views in
                try AidQueries.kelurahan(try views.view(AidViews.kelurahan), incidentId: incident)
            })
    }

    /// `GET /v1/aid/kelurahan/{code}`.
    @Sendable func kelurahanOne(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = try context.path("code")
        let incident = request.query("incident")
        guard
            let one = try await services.views(
                request, replaying: Self.replayed,
                { views in try AidQueries.kelurahan(try views.view(AidViews.kelurahan), code: code, incidentId: incident) })
        else {
            throw Problem(.notFound, "no kelurahan \(code) in Kota Mataram (codes look like 52.71.01.1004)")
        }
        return try JSONResponse.make(one)
    }

    /// `GET /v1/aid/donors[?name=]`: what each donor gave and how much of it reached households.
    @Sendable func donors(_ request: Request, context: AppRequestContext) async throws -> Response {
        let open = Donor.nameOpener(services.vault)
        if let name = request.query("name") {
            guard
                let donor = try await services.views(
                    request, replaying: Self.replayed,
                    { views in try AidQueries.donor(try views.view(AidViews.donors), name: name, opening: open) })
            else {
                throw Problem(.notFound, "no donor named \(name)")
            }
            return try JSONResponse.make(donor)
        }
        return try JSONResponse.make(
            try await services.views(request, replaying: Self.replayed) { [incident = request.query("incident")] views in
                try AidQueries.donors(try views.view(AidViews.donors), opening: open, incidentId: incident)
            })
    }

    /// `GET /v1/aid/requests?incident=&warehouseId=&status=`: requests with their lines and status.
    @Sendable func requests(_ request: Request, context: AppRequestContext) async throws -> Response {
        var status: RequestStatus?
        if let text = request.query("status") {
            guard let s = RequestStatus(rawValue: text) else {
                throw Problem.field(
                    "status", "must be one of \(RequestStatus.allCases.map(\.rawValue).joined(separator: ", ")), not \(text.prefix(40))")
            }
            status = s
        }
        let (incident, warehouse) = (request.query("incident"), request.query("warehouseId"))
        return try JSONResponse.make(
            try await services.views(request, replaying: Self.replayed) { views in
                try AidQueries.requests(try views.view(AidViews.requests), incidentId: incident, warehouseId: warehouse, status: status)
            })
    }

    /// `GET /v1/aid/requests/{requestId}`.
    @Sendable func request(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.path("requestId")
        guard
            let one = try await services.views(
                request, replaying: Self.replayed, { views in try AidQueries.request(try views.view(AidViews.requests), requestId: id) })
        else {
            throw Problem(.notFound, "no request \(id.prefix(100)) was made")
        }
        return try JSONResponse.make(one)
    }

    /// `GET /v1/aid/needs?incident=`: need against delivery per incident and desa (3W targeted/reached).
    @Sendable func needs(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(
            try await services.views(request, replaying: Self.replayed) { [incident = request.query("incident")] views in
                try AidQueries.needs(try views.view(AidViews.requests), incidentId: incident)
            })
    }

    /// `GET /v1/aid/incidents`: every incident, its displaced total and the aid that reached it.
    @Sendable func incidents(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(
            try await services.views(request, replaying: Self.replayed) { views in
                try AidQueries.incidents(try views.view(AidViews.incidents))
            })
    }

    /// `GET /v1/aid/incidents/{incidentId}`: one incident with the latest impact of each area.
    @Sendable func incident(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.path("incidentId")
        guard
            let one = try await services.views(
                request, replaying: Self.replayed, { views in try AidQueries.incident(try views.view(AidViews.incidents), incidentId: id) })
        else {
            throw Problem(.notFound, "no incident \(id.prefix(100)) was declared")
        }
        return try JSONResponse.make(one)
    }

    /// `GET /v1/aid/donations/{donationId}/trace` (auditors): every movement of the donation's lots, adding up.
    @Sendable func trace(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.path("donationId")
        let open = Donor.nameOpener(services.vault)
        guard
            let trace = try await services.views(
                request, replaying: Self.replayed,
                { views in try AidQueries.trace(try views.view(AidViews.trace), donationId: id, opening: open) })
        else {
            throw Problem(.notFound, "no donation \(id)")
        }
        return try JSONResponse.make(trace)
    }
}
