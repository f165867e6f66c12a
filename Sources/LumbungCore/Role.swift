/// What a key may do (DESIGN section 8). `admin` may do everything.
public enum Role: String, Sendable, Codable, CaseIterable {
    case aidWriter = "aid-writer"
    case documentsWriter = "documents-writer"
    case pricesWriter = "prices-writer"
    case auditor
    case admin
}

/// An authenticated caller.
public struct APIKey: Sendable, Equatable, Codable {
    public let keyId: String
    public let name: String
    public let role: Role
    /// What `metadata.actor` says for events this caller writes.
    public var actor: String { "key:\(keyId):\(name)" }
}
