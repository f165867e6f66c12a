import EventLog
import Foundation
import QueryService
import Testing

@testable import LumbungCore

/// A directory under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init(_ label: String = "lumbung-test") throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func appending(_ component: String) -> String { (path as NSString).appendingPathComponent(component) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs an export the way both doors do (prepare, header, every selected event) into memory.
func exportText(_ format: String, _ store: EventStore, _ filter: EventFilter = EventFilter()) throws -> String {
    let exporter = try #require(Exporters.named(format))
    let prepared = try Exporters.prepare(exporter, store: store, filter: filter)
    var out: [UInt8] = []
    prepared.exporter.header(into: &out)
    try store.forEachRecord(prepared.filter) { view in
        prepared.exporter.write(view, into: &out)
        return true
    }
    return String(decoding: out, as: UTF8.self)
}

/// A strict RFC 4180 reader for the tests: CRLF record ends, quoted fields with `""`.
/// Returns nil on anything RFC 4180 does not allow (a bare LF, a quote inside an unquoted field).
func parseCSV(_ text: String) -> [[String]]? {
    var records: [[String]] = []
    var record: [String] = []
    var field: [UInt8] = []
    let bytes = Array(text.utf8)
    var i = 0
    var quoted = false
    var fieldStarted = false
    while i < bytes.count {
        let b = bytes[i]
        if quoted {
            if b == 0x22 {
                if i + 1 < bytes.count && bytes[i + 1] == 0x22 {
                    field.append(0x22)
                    i += 2
                    continue
                }
                quoted = false
                i += 1
                guard i == bytes.count || bytes[i] == 0x2C || bytes[i] == 0x0D else { return nil }
                continue
            }
            field.append(b)
            i += 1
            continue
        }
        switch b {
        case 0x22:
            guard !fieldStarted && field.isEmpty else { return nil }
            quoted = true
            fieldStarted = true
        case 0x2C:
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll()
            fieldStarted = false
        case 0x0D:
            guard i + 1 < bytes.count, bytes[i + 1] == 0x0A else { return nil }
            record.append(String(decoding: field, as: UTF8.self))
            records.append(record)
            record = []
            field.removeAll()
            fieldStarted = false
            i += 1
        case 0x0A:
            return nil
        default:
            field.append(b)
            fieldStarted = true
        }
        i += 1
    }
    guard !quoted, record.isEmpty, field.isEmpty else { return nil }
    return records
}

/// Records as dictionaries by the header's names.
func csvRows(_ records: [[String]], headerRows: Int = 1) -> [[String: String]] {
    guard let header = records.first else { return [] }
    return records.dropFirst(headerRows).map { Dictionary(uniqueKeysWithValues: zip(header, $0).map { ($0, $1) }) }
}
