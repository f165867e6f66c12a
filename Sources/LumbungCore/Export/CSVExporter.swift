public import EventLog
import JSON

/// Every event as one CSV row (RFC 4180, see `CSVText`), after a header row:
///
/// `position,stream,version,id,type,occurredAt,recordedAt,actor,prevHash,hash,metadata,data`
///
/// The envelope's fields as the log's JSON form shows them (times RFC 3339 UTC with
/// milliseconds, hashes 64 hex digits); `actor` is `metadata.actor` (empty when absent); `metadata` and
/// `data` are the event's canonical JSON text (RFC 8785), so a hash can be recomputed from a
/// row. Needs no state: `prepare` is the default.
public struct CSVExporter: Exporter {
    public let name = "csv"
    public let contentType = "text/csv; charset=utf-8; header=present"
    public let fileExtension = "csv"
    public var fileName: String { "lumbung-events.csv" }
    public init() {}

    /// The columns, in order.
    public static let columns = [
        "position", "stream", "version", "id", "type", "occurredAt", "recordedAt", "actor", "prevHash", "hash", "metadata", "data",
    ]

    public func header(into out: inout [UInt8]) {
        CSVText.appendRecord(Self.columns, to: &out)
    }

    public func write(_ event: EventRecordView, into out: inout [UInt8]) {
        out.append(contentsOf: String(event.position).utf8)
        out.append(CSVText.comma)
        CSVText.appendField(event.streamBytes, to: &out)
        out.append(CSVText.comma)
        out.append(contentsOf: String(event.version).utf8)
        out.append(CSVText.comma)
        event.id.write(to: &out)
        out.append(CSVText.comma)
        CSVText.appendField(event.typeBytes, to: &out)
        out.append(CSVText.comma)
        event.occurredAt.write(to: &out)
        out.append(CSVText.comma)
        event.recordedAt.write(to: &out)
        out.append(CSVText.comma)
        if let actor = Self.actor(event.metadataBytes) { CSVText.appendField(actor, to: &out) }
        out.append(CSVText.comma)
        event.prevHash.writeHex(to: &out)
        out.append(CSVText.comma)
        event.hash.writeHex(to: &out)
        out.append(CSVText.comma)
        CSVText.appendField(event.metadataBytes, to: &out)
        out.append(CSVText.comma)
        CSVText.appendField(event.dataBytes, to: &out)
        out.append(contentsOf: CSVText.lineEnd)
    }

    /// `actor` of the metadata's JSON object, if it is a string.
    static func actor(_ metadata: UnsafeRawBufferPointer) -> String? {
        guard !metadata.isEmpty, let value = try? JSONParser.parse(metadata) else { return nil }
        return value["actor"]?.stringValue
    }
}
