import CSV

/// A CSV table embedded in a domain's code at build time (a `.csv` file of its source folder,
/// through the `EmbedFiles` plugin): rows by column name, read once.
///
/// Contract: the first line is the header; a cell of a column a row lacks reads as "", and a
/// number that does not parse as 0. The files are part of the build, so a malformed one is a bug
/// that the domain's tests find (they read every row), not an input error.
public struct EmbeddedTable: Sendable {
    public struct Row: Sendable {
        let values: [String: String]
        /// The cell, "" when absent.
        public subscript(_ column: String) -> String { values[column] ?? "" }
        /// The cell, or nil when it is empty.
        public func optional(_ column: String) -> String? { self[column].isEmpty ? nil : self[column] }
        public func int(_ column: String) -> Int { Int(self[column]) ?? 0 }
        public func double(_ column: String) -> Double { Double(self[column]) ?? 0 }
        /// The cell split at `;`.
        public func list(_ column: String) -> [String] { self[column].split(separator: ";").map(String.init) }
    }

    public let rows: [Row]

    public init(_ text: String) {
        guard let reader = try? CSVReader(string: text, hasHeaderRow: true), let header = reader.headerRow else {
            rows = []
            return
        }
        var rows: [Row] = []
        while let fields = reader.next() {
            rows.append(Row(values: Dictionary(zip(header, fields), uniquingKeysWith: { a, _ in a })))
        }
        self.rows = rows
    }
}
