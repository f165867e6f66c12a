public import DomainKit
public import EventLog

// Requests and commitments of the aid decider: `request-items`, `commit-request` and
// `cancel-request`, the events `aid.items-requested`, `aid.request-committed` and
// `aid.request-cancelled`, shipments that name the request they fulfil, their rules and their fold.

extension AidDecider {
    /// A request as the rules need it: what it asks, what gudang committed, what arrived in the
    /// shipments naming it, and whether it was cancelled.
    public struct Request: Sendable, Hashable, Codable {
        public let warehouseId: String
        public let incidentId: String?
        /// Sorted when stored, so the decision state's bytes are the same in every process.
        @SortedEntries public var requested: [Item: Int]
        @SortedEntries public var committed: [Item: Int]
        @SortedEntries public var delivered: [Item: Int]
        public var cancelled: Bool

        /// The request's status (see `RequestStatus`).
        public var status: RequestStatus {
            .of(cancelled: cancelled, requested.map { (requested: $0.value, delivered: delivered[$0.key, default: 0]) })
        }
    }

    /// The event of a request command.
    static func requestEvent(of command: Command, _ state: State) throws(EventLogError) -> AidEvent? {
        switch command {
        case .requestItems(let c):
            return .itemsRequested(
                ItemsRequested(
                    requestId: try need(c.requestId, "requestId"), warehouseId: c.warehouseId, lines: c.lines, priority: c.priority,
                    neededBy: c.neededBy, requestedAt: try need(c.requestedAt, "requestedAt"), incidentId: c.incidentId))
        case .commitRequest(let c):
            return .requestCommitted(
                RequestCommitted(
                    requestId: c.requestId, fromWarehouseId: c.fromWarehouseId, lines: c.lines,
                    committedAt: try need(c.committedAt, "committedAt"),
                    incidentId: c.incidentId ?? state.requests[c.requestId]?.incidentId))
        case .cancelRequest(let c):
            return .requestCancelled(
                RequestCancelled(
                    requestId: c.requestId, reason: c.reason, cancelledAt: try need(c.cancelledAt, "cancelledAt"),
                    incidentId: c.incidentId ?? state.requests[c.requestId]?.incidentId))
        default:
            return nil
        }
    }

    /// The rules of the request events (see `AidLogisticsCommand` for the commands).
    static func checkRequest(_ event: AidEvent, _ state: State) throws(EventLogError) {
        func open(_ id: String) throws(EventLogError) -> Request {
            guard let r = state.requests[id] else { throw violation("requestId", "no request \(id) was made (aid.items-requested)") }
            guard !r.cancelled else { throw violation("requestId", "request \(id) is cancelled") }
            return r
        }
        switch event {
        case .itemsRequested(let e):
            guard state.requests[e.requestId] == nil else {
                throw violation("requestId", "request \(e.requestId) is already made; a request is made once")
            }
            try requireWarehouse(state, e.warehouseId, "warehouseId")
            try requireDistinct(e.lines.map { ($0.item, $0.unit) }, "lines")
            if let needed = Timestamp(e.neededBy), let asked = Timestamp(e.requestedAt), needed < asked {
                throw violation("neededBy", "\(e.neededBy) is before the request was made (\(e.requestedAt))")
            }
        case .requestCommitted(let e):
            let r = try open(e.requestId)
            if let given = r.incidentId, let named = e.incidentId, given != named {
                throw violation("incidentId", "request \(e.requestId) is for incident \(given), not \(named)")
            }
            try requireWarehouse(state, e.fromWarehouseId, "fromWarehouseId")
            guard e.fromWarehouseId != r.warehouseId else {
                throw violation("fromWarehouseId", "\(e.fromWarehouseId) made request \(e.requestId); another warehouse commits to it")
            }
            try requireDistinct(e.lines.map { ($0.item, $0.unit) }, "lines")
            for (i, line) in e.lines.enumerated() {
                let item = Item(item: line.item, unit: line.unit)
                guard let asked = r.requested[item] else {
                    throw violation("lines[\(i)]", "request \(e.requestId) does not ask for \(item)")
                }
                let left = asked - r.committed[item, default: 0]
                guard line.quantity <= left else {
                    throw violation(
                        "lines[\(i)].quantity",
                        "\(line.quantity) \(line.unit) of \(line.item) is more than the \(max(0, left)) request \(e.requestId) still lacks after earlier commitments"
                    )
                }
            }
        case .requestCancelled(let e):
            let r = try open(e.requestId)
            guard r.status != .fulfilled else { throw violation("requestId", "request \(e.requestId) is already fulfilled") }
            if let given = r.incidentId, let named = e.incidentId, given != named {
                throw violation("incidentId", "request \(e.requestId) is for incident \(given), not \(named)")
            }
        case .shipmentDispatched(let e):
            guard let id = e.requestId else { return }
            let r = try open(id)
            guard r.warehouseId == e.toWarehouseId else {
                throw violation(
                    "requestId",
                    "request \(id) is of \(r.warehouseId); a shipment to \(e.toWarehouseId) cannot fulfil another post's request")
            }
            if let given = r.incidentId, let named = e.incidentId, given != named {
                throw violation("requestId", "request \(id) is for incident \(given), not \(named)")
            }
            for (i, line) in e.lines.enumerated() where r.requested[Item(item: line.item, unit: line.unit)] == nil {
                throw violation("lines[\(i)]", "request \(id) does not ask for \(line.item) (\(line.unit))")
            }
        default:
            return
        }
    }
}

extension AidDecider.State {
    /// Applies a request event, or the receipt of a shipment that names a request.
    func evolvingRequests(_ event: AidEvent, shipment: AidDecider.Shipment?) -> AidDecider.State {
        var s = self
        func items(_ lines: [ItemQuantity]) -> [AidDecider.Item: Int] {
            var out: [AidDecider.Item: Int] = [:]
            for l in lines { out[AidDecider.Item(item: l.item, unit: l.unit), default: 0] += l.quantity }
            return out
        }
        switch event {
        case .itemsRequested(let e):
            s.requests[e.requestId] = AidDecider.Request(
                warehouseId: e.warehouseId, incidentId: e.incidentId, requested: items(e.lines), committed: [:], delivered: [:],
                cancelled: false)
        case .requestCommitted(let e):
            guard var r = s.requests[e.requestId] else { return s }
            for (item, q) in items(e.lines) { r.committed[item, default: 0] += q }
            s.requests[e.requestId] = r
        case .requestCancelled(let e):
            s.requests[e.requestId]?.cancelled = true
        case .shipmentReceived(let e):
            guard let id = shipment?.requestId, var r = s.requests[id] else { return s }
            for line in e.lines { r.delivered[AidDecider.Item(item: line.item, unit: line.unit), default: 0] += line.quantity }
            s.requests[id] = r
        default:
            break
        }
        return s
    }

}
