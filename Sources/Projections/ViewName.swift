/// The name of a view, as its projector carries it and `ViewSnapshot.view(_:)` finds it
/// (`aid.stock`). Each domain declares its views' names once, as constants, and every reader uses
/// those constants instead of spelling the name again.
public struct ViewName: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }
}

/// What the projection engine knows of a view besides its fold: its name, its version (a new one
/// makes the engine rebuild it), the event types it folds (nil: every type) and the local names of
/// its databases. A projector declares it once, as a static constant.
public struct ViewDefinition: Sendable {
    public let name: ViewName
    public let version: Int
    public let eventTypes: Set<String>?
    public let databases: [String]

    public init(_ name: ViewName, version: Int, folding eventTypes: Set<String>?, databases: [String]) {
        (self.name, self.version, self.eventTypes, self.databases) = (name, version, eventTypes, databases)
    }
}

/// A projector whose name, version, event types and databases are its `definition`.
public protocol DefinedProjector: Projector {
    static var definition: ViewDefinition { get }
}

extension DefinedProjector {
    public var name: String { Self.definition.name.rawValue }
    public var version: Int { Self.definition.version }
    public var eventTypes: Set<String>? { Self.definition.eventTypes }
    public var databases: [String] { Self.definition.databases }
    /// The view's name as readers find it.
    public static var viewName: ViewName { definition.name }
}
