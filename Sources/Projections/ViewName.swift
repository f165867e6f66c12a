/// The name of a view, as its projector carries it and `ViewSnapshot.view(_:)` finds it
/// (`aid.stock`). Each domain declares its views' names once, as constants, and every reader uses
/// those constants instead of spelling the name again.
public struct ViewName: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }
}
