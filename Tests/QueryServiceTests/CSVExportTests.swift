import EventLog
import Foundation
import JSON
import Testing

@testable import LumbungCore
@testable import QueryService

@Suite("CSV export")
struct CSVExportTests {
    /// A raw log (no domain rules) with payloads that need quoting.
    static func store(_ dir: TemporaryDirectory) throws -> EventStore {
        let store = try EventStore(dataDirectory: dir.path)
        let events: [ProposedEvent] = [
            try ProposedEvent(stream: "note-1", type: "test.noted", value: ["text": "plain"]),
            try ProposedEvent(stream: "note-2", type: "test.noted", value: ["text": "a, b and \"c\""]),
            try ProposedEvent(stream: "note-1", type: "test.noted", value: ["text": "two\nlines\r\nand a CR", "n": 3]),
            try ProposedEvent(stream: "other-1", type: "test.other", value: ["text": "Sayang-sayang, Cakranegara — ✓"]),
        ]
        _ = try store.appendBlocking(AppendRequest(events: events, actor: #"cli:ni "luh", putu"#))
        return store
    }

    @Test("one row per event under the header, fields as the log holds them, quoted per RFC 4180")
    func rowsMatchTheLog() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try Self.store(dir)
        defer { store.close() }
        let text = try exportText("csv", store)
        let records = try #require(parseCSV(text), "not RFC 4180 CSV:\n\(text)")
        #expect(records.first == CSVExporter.columns)
        #expect(
            records.first == [
                "position", "stream", "version", "id", "type", "occurredAt", "recordedAt", "actor", "prevHash", "hash", "metadata", "data",
            ])
        let events = try store.readAll()
        #expect(records.count == events.count + 1)
        for (row, event) in zip(records.dropFirst(), events) {
            #expect(row.count == 12)
            #expect(row[0] == String(event.position))
            #expect(row[1] == event.stream)
            #expect(row[2] == String(event.version))
            #expect(row[3] == event.id.description)
            #expect(row[4] == event.type)
            #expect(row[5] == event.occurredAt.description)
            #expect(row[6] == event.recordedAt.description)
            #expect(row[7] == #"cli:ni "luh", putu"#)
            #expect(row[8] == event.prevHash.description)
            #expect(row[9] == event.hash.description)
            #expect(row[10] == String(decoding: event.metadata, as: UTF8.self))
            #expect(row[11] == String(decoding: event.data, as: UTF8.self))
        }
        #expect(records[3][11].contains("two\\nlines"))
    }

    @Test("every filter of the ndjson export selects the same events")
    func filtersMatchNDJSON() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try Self.store(dir)
        defer { store.close() }
        let filters = [
            EventFilter(types: ["test.noted"]), EventFilter(categories: ["note"]), EventFilter(fromPosition: 2, toPosition: 3),
            EventFilter(types: ["test.other", "test.noted"], fromPosition: 3), EventFilter(types: ["test.none"]),
        ]
        for filter in filters {
            let csv = try #require(parseCSV(try exportText("csv", store, filter)))
            let ndjson = try exportText("ndjson", store, filter).split(separator: "\n")
            let positions = try ndjson.map { line -> String in
                let value = try JSONParser.parse(String(line))
                return String(try #require(value["position"]?.intValue))
            }
            #expect(csv.dropFirst().map { $0[0] } == positions, "filter \(filter)")
        }
    }

    @Test("an export ends at the head it started with")
    func pinnedToHead() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try Self.store(dir)
        defer { store.close() }
        let prepared = try Exporters.prepare(CSVExporter(), store: store, filter: EventFilter(toPosition: 99))
        #expect(prepared.filter.toPosition == 4)
        _ = try store.appendBlocking(
            AppendRequest(events: [try ProposedEvent(stream: "note-9", type: "test.noted", value: ["n": 9])], actor: "t"))
        var seen: [UInt64] = []
        try store.forEachRecord(prepared.filter) {
            seen.append($0.position)
            return true
        }
        #expect(seen == [1, 2, 3, 4])
    }

    @Test("RFC 4180 quoting: only fields with a comma, quote, CR or LF are quoted; quotes doubled; CRLF ends a record")
    func quoting() {
        var out: [UInt8] = []
        CSVText.appendRecord(["plain", "a,b", #"say "hi""#, "two\nlines", "cr\rhere", "", "ümlaut ✓"], to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",,ümlaut ✓\r\n")
        #expect(
            parseCSV(String(decoding: out, as: UTF8.self)) == [["plain", "a,b", #"say "hi""#, "two\nlines", "cr\rhere", "", "ümlaut ✓"]])
    }

    @Test("every format is registered by name, with a CSV or NDJSON content type and its own file name")
    func registry() {
        #expect(Exporters.names == ["ndjson", "csv", "hxl", "wfp"])
        for name in ["csv", "hxl", "wfp"] {
            #expect(Exporters.named(name)?.contentType.hasPrefix("text/csv") == true)
        }
        #expect(Set(Exporters.all.map(\.fileName)).count == 4)
        #expect(Exporters.named("xlsx") == nil)
    }
}
