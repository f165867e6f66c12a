/// The version of Lumbung: the one source of `lumbung --version`, the OpenAPI document's
/// `info.version`, `/health` and the name relay and follow give their NATS connections.
/// `-dev` marks a build between releases; CHANGELOG.md names every release (a test holds them to
/// each other).
public enum LumbungVersion {
    public static let current = "0.2.0-dev"

    /// How a Lumbung process names itself to a peer: `lumbung-<role>/<version>`.
    public static func agent(_ role: String) -> String { "lumbung-\(role)/\(current)" }
}
