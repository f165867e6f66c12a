import EventLog

/// A format the log can be exported in (CLI `lumbung export --format` and `GET /v1/export`).
/// Exporters write one event at a time into a buffer: exports stream in constant memory.
public protocol Exporter: Sendable {
    var name: String { get }
    var contentType: String { get }
    var fileExtension: String { get }
    /// What comes before the first event (a CSV header, ...).
    func header(into out: inout [UInt8])
    /// One event (possibly nothing, for formats that show only some event types).
    func write(_ event: EventRecordView, into out: inout [UInt8])
}

extension Exporter {
    public func header(into out: inout [UInt8]) {}
}

/// The events as DESIGN section 3 shows them, one JSON object per line.
public struct NDJSONExporter: Exporter {
    public let name = "ndjson"
    public let contentType = "application/x-ndjson"
    public let fileExtension = "ndjson"
    public init() {}

    public func write(_ event: EventRecordView, into out: inout [UInt8]) {
        event.writeJSON(to: &out)
        out.append(0x0A)
    }
}

/// Every export format, by name.
public enum Exporters {
    public static let all: [any Exporter] = [NDJSONExporter()]
    public static var names: [String] { all.map(\.name) }
    public static func named(_ name: String) -> (any Exporter)? { all.first { $0.name == name } }
}
