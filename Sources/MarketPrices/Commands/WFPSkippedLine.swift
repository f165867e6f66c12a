/// A row left out of an import, and why.
public struct WFPSkippedLine: Sendable, Codable, Equatable, CustomStringConvertible {
    public let line: Int, reason: String

    public init(line: Int, reason: String) { (self.line, self.reason) = (line, reason) }

    public var description: String { "line \(line): \(reason)" }
}
