/// Why an import stopped. Nothing was written unless `written` says otherwise.
public struct WFPImportError: Error, Sendable, CustomStringConvertible {
    /// The line at fault (nil for the file as a whole).
    public let line: Int?
    public let reason: String
    /// Every invalid row found (validation reads the whole file before stopping).
    public let invalid: [WFPSkippedLine]
    /// Events written before the failure (0 unless appending itself failed mid-way).
    public let written: Int

    public init(line: Int?, reason: String, invalid: [WFPSkippedLine] = [], written: Int = 0) {
        (self.line, self.reason, self.invalid, self.written) = (line, reason, invalid, written)
    }

    /// One line: `line 57: price: "abc" is not a number (2 invalid rows; --skip-invalid imports the rest); nothing was written`.
    public var description: String {
        var s = line.map { "line \($0): \(reason)" } ?? reason
        if invalid.count > 1 { s += " (\(invalid.count) invalid rows in all; skipInvalid imports the rest)" }
        s +=
            written == 0
            ? "; nothing was written" : "; \(written) events were written before it (importing the file again adds only what is missing)"
        return s
    }
}
