import DomainKit
public import JSON

/// `aid.items-requested` on stream `request-<requestId>`: a posko (or gudang) asks for what it
/// lacks. Each (item, unit) once; `neededBy` and `requestedAt` are RFC 3339 times, `requestedAt`
/// the event's occurredAt.
public struct ItemsRequested: AidPayload, Hashable {
    /// The priorities, most urgent first.
    public static let priorities = ["tinggi", "sedang", "rendah"]
    public var requestId, warehouseId: String
    public var lines: [ItemQuantity]
    public var priority, neededBy, requestedAt: String
    /// The incident (required by the rules).
    public var incidentId: String?

    public static func rule(forKey key: String) -> JSONFieldRule? {
        key == "priority" ? .oneOf(priorities) : key == "lines" ? RequestFields.lines : AidFields.rule(forKey: key)
    }
}

/// `aid.request-committed` on the request's stream: a gudang promises part or all of some lines
/// (never more of an item than the request still lacks after earlier commitments).
public struct RequestCommitted: AidPayload, Hashable {
    public var requestId, fromWarehouseId: String
    public var lines: [ItemQuantity]
    public var committedAt: String
    /// The request's incident (filled from it by the command).
    public var incidentId: String?

    public static func rule(forKey key: String) -> JSONFieldRule? {
        key == "lines" ? RequestFields.lines : AidFields.rule(forKey: key)
    }
}

/// `aid.request-cancelled` on the request's stream: no more is expected for it.
public struct RequestCancelled: AidPayload, Hashable {
    public var requestId, reason, cancelledAt: String
    /// The request's incident (filled from it by the command).
    public var incidentId: String?
}

/// Field rules of the request payloads beyond `AidFields`.
enum RequestFields {
    static let lines = JSONFieldRule.list(max: AidLimits.lines, of: "an array of {item, unit, quantity}")
}

/// A request's status, from its lines: `open` (nothing received yet), `partly-fulfilled`,
/// `fulfilled` (every line received in full), or `cancelled`.
public enum RequestStatus: String, Codable, Sendable, CaseIterable {
    case open
    case partlyFulfilled = "partly-fulfilled"
    case fulfilled
    case cancelled

    /// The status of a request from whether it was cancelled and, per line, what it asks and what
    /// arrived (the rules' `AidDecider.Request` and the view's `RequestReport.Request` alike).
    static func of(cancelled: Bool, _ lines: some Sequence<(requested: Int, delivered: Int)>) -> RequestStatus {
        if cancelled { return .cancelled }
        var all = true
        var any = false
        for l in lines {
            all = all && l.delivered >= l.requested
            any = any || l.delivered > 0
        }
        return all ? .fulfilled : any ? .partlyFulfilled : .open
    }
}
