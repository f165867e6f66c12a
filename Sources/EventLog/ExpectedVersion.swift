/// What the caller believes of a stream's version before appending to it.
public enum ExpectedVersion: Sendable, Hashable, CustomStringConvertible {
    /// No check.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream must exist (version >= 1).
    case exists
    /// The stream's current version must be exactly this (0 means: does not exist).
    case exact(UInt64)

    /// Parses `any`, `no-stream`, `exists` or a version number.
    public init?(_ text: String) {
        switch text {
        case "any": self = .any
        case "no-stream": self = .noStream
        case "exists": self = .exists
        default:
            guard let v = UInt64(text) else { return nil }
            self = .exact(v)
        }
    }

    public var description: String {
        switch self {
        case .any: "any"
        case .noStream: "no-stream"
        case .exists: "exists"
        case .exact(let v): String(v)
        }
    }

    func admits(_ current: UInt64) -> Bool {
        switch self {
        case .any: true
        case .noStream: current == 0
        case .exists: current > 0
        case .exact(let v): v == current
        }
    }
}
