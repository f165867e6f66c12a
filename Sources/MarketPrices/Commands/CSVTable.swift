import CSV
import Foundation

/// A CSV file read whole with yaslab/CSV.swift (RFC 4180: quoted fields, `""` escapes, line
/// breaks inside quotes, CRLF or LF), with the physical line number each record starts on.
struct CSVTable {
    struct Record {
        /// 1-based line of the file where the record starts (the header is line 1).
        let line: Int
        let fields: [String]
    }

    let header: [String]
    /// The records after the header; blank lines left out.
    let records: [Record]

    /// Reads `text`; the first record is the header (a UTF-8 byte-order mark before it is dropped).
    static func parse(_ text: String) throws -> CSVTable {
        var body = Substring(text)
        if body.unicodeScalars.first == "\u{FEFF}" { body = Substring(body.unicodeScalars.dropFirst()) }
        let reader = try CSVReader(string: String(body), hasHeaderRow: false)
        var line = 1
        var header: [String]? = nil
        var records: [Record] = []
        while let fields = reader.next() {
            let start = line
            line += 1 + fields.reduce(0) { $0 + lineBreaks(in: $1) }
            if header == nil {
                header = fields
                continue
            }
            if fields.count == 1 && fields[0].isEmpty { continue }
            records.append(Record(line: start, fields: fields))
        }
        if let error = reader.error { throw error }
        return CSVTable(header: header ?? [], records: records)
    }

    /// Reads the file at `path` as UTF-8.
    static func read(path: String) throws -> CSVTable {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let text = String(data: data, encoding: .utf8) else {
            throw CSVTableError("\(path) is not UTF-8 text")
        }
        return try parse(text)
    }

    /// Line breaks inside a (quoted) field: CRLF, LF or CR each count once.
    private static func lineBreaks(in field: String) -> Int {
        var n = 0
        var previousCR = false
        for s in field.unicodeScalars {
            if s == "\r" {
                n += 1
                previousCR = true
            } else {
                if s == "\n" && !previousCR { n += 1 }
                previousCR = false
            }
        }
        return n
    }
}

/// A file that cannot be read as CSV.
struct CSVTableError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
