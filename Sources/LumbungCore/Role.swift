/// What a key may do: each writer role writes its own domain, `auditor` reads the raw log and
/// its proofs, `privacy-officer` answers for personal data, and `admin` may do everything.
public enum Role: String, Sendable, Codable, CaseIterable {
    case aidWriter = "aid-writer"
    case documentsWriter = "documents-writer"
    case pricesWriter = "prices-writer"
    /// Approves or rejects the price reports held for review, and sets the review rules.
    case pricesSupervisor = "prices-supervisor"
    case auditor
    /// Finds, exports and forgets residents' personal data, and reads who read it.
    case privacyOfficer = "privacy-officer"
    case admin

    /// What a scope of this role names (nil: the role takes no scope).
    public var scopeKind: String? {
        switch self {
        case .documentsWriter: "office"
        case .aidWriter: "warehouse"
        case .pricesWriter, .pricesSupervisor: "market"
        case .auditor, .privacyOfficer, .admin: nil
        }
    }
}

/// An authenticated caller.
public struct APIKey: Sendable, Equatable, Codable {
    public let keyId: String
    public let name: String
    public let role: Role
    /// The offices (documents-writer), warehouses (aid-writer) or markets (prices-writer) the key
    /// may work on; nil: all of them.
    public var scope: Set<String>? = nil
    /// What `metadata.actor` says for events this caller writes.
    public var actor: String { "key:\(keyId):\(name)" }
}
