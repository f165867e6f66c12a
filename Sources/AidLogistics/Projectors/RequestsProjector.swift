public import DomainKit
public import EventLog
public import Projections

/// `aid.requests`: every request with, per line, what was asked, committed, dispatched in the
/// shipments naming it, and received; its status; and the need against what was delivered per
/// desa and incident (OCHA 3W "targeted" and "reached").
///
/// Databases:
/// - `requests`: `<requestId>` -> `RequestReport.Request`
/// - `warehouses`: `<warehouseId>` -> `{name, kelurahanCode}`
/// - `shipments`: `<shipmentId>` -> `{requestId}` while a shipment naming a request is on its way
public struct RequestsProjector: DomainProjector {
    public static let definition = ViewDefinition(
        AidViews.requests, version: 1,
        folding: [
            AidEventType.warehouseRegistered, AidEventType.itemsRequested, AidEventType.requestCommitted, AidEventType.requestCancelled,
            AidEventType.shipmentDispatched, AidEventType.shipmentReceived,
        ], databases: ["requests", "warehouses", "shipments"])

    struct Place: Codable, Equatable {
        var name, kelurahanCode: String
    }

    struct OpenShipment: Codable, Equatable {
        var requestId: String
    }

    public func apply(_ e: AidEvent, of event: RecordedEvent, to view: ViewWriter) throws {
        func update(_ id: String, _ change: (inout RequestReport.Request) -> Void) throws {
            guard var r = try view.value(RequestReport.Request.self, "requests", id) else { return }
            change(&r)
            r.status = r.derivedStatus
            try view.put("requests", id, value: r)
        }
        func add(_ r: inout RequestReport.Request, _ item: String, _ unit: String, _ change: (inout RequestReport.Line) -> Void) {
            guard let i = r.lines.firstIndex(where: { $0.item == item && $0.unit == unit }) else { return }
            change(&r.lines[i])
        }
        switch e {
        case .warehouseRegistered(let w):
            try view.put("warehouses", w.warehouseId, value: Place(name: w.name, kelurahanCode: w.kelurahanCode))
        case .itemsRequested(let q):
            let place = try view.value(Place.self, "warehouses", q.warehouseId)
            var r = RequestReport.Request(
                requestId: q.requestId, incidentId: q.incidentId, warehouseId: q.warehouseId, warehouseName: place?.name ?? "",
                kelurahanCode: place?.kelurahanCode ?? "", priority: q.priority, neededBy: q.neededBy, requestedAt: q.requestedAt,
                status: .open, lines: q.lines.map { RequestReport.Line(item: $0.item, unit: $0.unit, requested: $0.quantity) },
                shipments: [], cancelledReason: nil)
            r.status = r.derivedStatus
            try view.put("requests", q.requestId, value: r)
        case .requestCommitted(let c):
            try update(c.requestId) { r in
                for line in c.lines { add(&r, line.item, line.unit) { $0.committed += line.quantity } }
            }
        case .requestCancelled(let c):
            try update(c.requestId) { $0.cancelledReason = c.reason }
        case .shipmentDispatched(let s):
            guard let id = s.requestId else { return }
            try view.put("shipments", s.shipmentId, value: OpenShipment(requestId: id))
            try update(id) { r in
                r.shipments.append(s.shipmentId)
                for line in s.lines { add(&r, line.item, line.unit) { $0.dispatched += line.quantity } }
            }
        case .shipmentReceived(let s):
            guard let open = try view.value(OpenShipment.self, "shipments", s.shipmentId) else { return }
            try view.delete("shipments", s.shipmentId)
            try update(open.requestId) { r in
                for line in s.lines { add(&r, line.item, line.unit) { $0.delivered += line.quantity } }
            }
        default:
            return
        }
    }
}

/// The requests (the `aid.requests` view), as `AidQueries.requests`, `AidQueries.request` and
/// `AidQueries.needs` return them.
public struct RequestReport: Codable, Sendable, Equatable {
    /// One line of a request: asked, promised by gudang, sent in shipments naming the request,
    /// and received at the requesting post.
    public struct Line: Codable, Sendable, Equatable {
        public var item, unit: String
        public var requested: Int
        public var committed = 0, dispatched = 0, delivered = 0
    }

    /// One request.
    public struct Request: Codable, Sendable, Equatable {
        public var requestId: String
        public var incidentId: String?
        public var warehouseId, warehouseName, kelurahanCode, priority, neededBy, requestedAt: String
        public var status: RequestStatus
        public var lines: [Line]
        /// The shipments naming the request, in dispatch order.
        public var shipments: [String]
        public var cancelledReason: String?

        /// The status from the lines (`cancelled` once a reason is recorded).
        var derivedStatus: RequestStatus {
            .of(cancelled: cancelledReason != nil, lines.lazy.map { (requested: $0.requested, delivered: $0.delivered) })
        }
    }

    public var requests: [Request]
}

/// Need against delivery per desa and incident (OCHA 3W): `targeted` is what the posts of the
/// desa asked for (requests not cancelled), `reached` what arrived for those requests.
public struct NeedsReport: Codable, Sendable, Equatable {
    public struct Item: Codable, Sendable, Equatable {
        public var item, unit: String
        public var targeted, reached: Int
    }

    public struct Desa: Codable, Sendable, Equatable {
        public var incidentId: String
        public var kelurahanCode, name: String
        public var requests: Int
        public var items: [Item]
    }

    public var desa: [Desa]
}
