public import EventLog

/// A format the log can be exported in (CLI `lumbung export --format` and `GET /v1/export`).
///
/// Contract of an export (see `Exporters.prepare` and `PreparedExport`, which both doors use):
/// 1. `prepare(store:filter:)` runs once, before anything is written, and reads from the log
///    whatever state the format needs to write one event alone (names of warehouses and
///    markets, corrections of prices, ...), whatever the filter leaves out. It returns the
///    exporter to write with; the registered instances in `Exporters.all` stay stateless.
/// 2. `header(into:)` writes what comes before the first event (a CSV header, ...).
/// 3. `write(_:into:)` is called once per event the filter selects, in position order, and
///    appends that event's rows (possibly none: a format may show only some event types).
///    It never fails: an event it cannot read (a payload of a newer schema) gives no row.
///
/// Events are visited one at a time inside short read transactions and written out between
/// them: an export streams in memory independent of the number of events. Only what
/// `prepare` keeps (documented per format) grows with the log, never with the rows exported.
public protocol Exporter: Sendable {
    /// The `format` name (`ndjson`, `csv`, ...).
    var name: String { get }
    /// The HTTP `Content-Type`.
    var contentType: String { get }
    /// The extension of an exported file, without the dot.
    var fileExtension: String { get }
    /// The file name offered by `Content-Disposition`.
    var fileName: String { get }
    /// The event types this format shows anything of (nil: every type). Exports narrow their
    /// filter to these, so a format of one type walks the type index instead of the whole log.
    var eventTypes: Set<String>? { get }
    /// Reads what the format needs before the first event of an export selected by `filter`
    /// (already pinned to the head, see `Exporters.prepare`) and returns the exporter to write
    /// with. The default returns `self` (formats that need no state).
    func prepare(store: EventStore, filter: EventFilter) throws -> Self
    /// What comes before the first event (a CSV header, ...). The default writes nothing.
    func header(into out: inout [UInt8])
    /// Appends the rows of one event (possibly nothing, for formats that show only some types).
    func write(_ event: EventRecordView, into out: inout [UInt8])
}

extension Exporter {
    public func header(into out: inout [UInt8]) {}
    public func prepare(store: EventStore, filter: EventFilter) throws -> Self { self }
    public var eventTypes: Set<String>? { nil }
    public var fileName: String { "lumbung-export.\(fileExtension)" }
}

/// The events in the log's JSON form, one object per line: `position`, `stream`, `version`,
/// `id`, `type`, `occurredAt`, `recordedAt`, `metadata`, `data`, `prevHash`, `hash`, as
/// `writeJSON` writes them (what `/v1/events` and `lumbung read` show).
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

/// An exporter after `prepare`, with the filter to scan the log with.
public struct PreparedExport: Sendable {
    /// The exporter to call `header` and `write` on.
    public let exporter: any Exporter
    /// The caller's filter narrowed to the exporter's `eventTypes` and pinned to the head the
    /// log had when the export was prepared (`toPosition <= head`), so that everything written
    /// is described by the state `prepare` read, and an export of a log being written to ends.
    public let filter: EventFilter
}

/// Every export format, by name.
public enum Exporters {
    /// The formats, in the order the CLI and the API list them.
    public static let all: [any Exporter] = [NDJSONExporter(), CSVExporter(), HXLExporter(), WFPExporter()]
    public static var names: [String] { all.map(\.name) }
    public static func named(_ name: String) -> (any Exporter)? { all.first { $0.name == name } }

    /// Pins `filter` to the log's current head, narrows it to `exporter`'s event types, and
    /// runs the exporter's `prepare` with it (see `PreparedExport`).
    public static func prepare(_ exporter: any Exporter, store: EventStore, filter: EventFilter) throws -> PreparedExport {
        var pinned = filter
        let head = try store.head().position
        pinned.toPosition = min(filter.toPosition ?? head, head)
        if let own = exporter.eventTypes {
            pinned.types = filter.types.map { $0.intersection(own) } ?? own
        }
        return PreparedExport(exporter: try exporter.prepare(store: store, filter: pinned), filter: pinned)
    }
}
