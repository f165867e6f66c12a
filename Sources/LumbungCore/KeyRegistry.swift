import Crypto
import DomainKit
public import EventLog
import Foundation
import JSON

/// API keys, kept as events in the log: `auth.key-created` (the secret's SHA-256 only, never the
/// secret) and `auth.key-revoked`, on stream `apikey-<keyId>`. A key reads
/// `lmb_<keyId>_<secret>`; the secret is shown once, when the key is made.
public final class KeyRegistry: @unchecked Sendable {
    public static let createdType = "auth.key-created"
    public static let revokedType = "auth.key-revoked"

    public struct KeyInfo: Sendable, Codable, Equatable {
        public let keyId: String
        public let name: String
        public let role: Role
        public let createdAt: String
        public var revokedAt: String?
        /// See `APIKey.scope`.
        public var scope: [String]?
        let secretHash: String
    }

    let store: EventStore
    private let lock = NSLock()
    private var keys: [String: KeyInfo] = [:]
    private var seen: UInt64 = 0

    public init(store: EventStore) {
        self.store = store
    }

    /// Makes a key; returns it and the token to hand to its holder (shown only now).
    /// `scope`: the offices, warehouses or markets (by the role, `Role.scopeKind`) the key may
    /// work on; nil for all. Only the three writer roles take one, of 1-100 ids.
    public func create(role: Role, name: String, scope: [String]? = nil, actor: String) async throws -> (key: APIKey, token: String) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 100 else {
            throw EventLogError(.invalidInput, "name: a key needs a name of 1-100 characters", field: "name")
        }
        if let scope {
            guard let kind = role.scopeKind else {
                throw EventLogError(
                    .invalidInput,
                    "scope: a key of role \(role.rawValue) takes no scope (only aid-writer, documents-writer, prices-writer and prices-supervisor do)",
                    field: "scope")
            }
            guard (1...100).contains(scope.count) else {
                throw EventLogError(.invalidInput, "scope: give 1-100 \(kind) ids", field: "scope")
            }
            for id in scope {
                if let problem = Identifier.problem(id) {
                    throw EventLogError(.invalidInput, "scope: the \(kind) id \(problem)", field: "scope")
                }
            }
        }
        let keyId = Self.randomID()
        var rng = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in String(format: "%02x", rng.next() as UInt8) }.joined()
        let data: JSONValue = .object(
            [
                ("keyId", .string(keyId)), ("name", .string(trimmed)), ("role", .string(role.rawValue)),
                ("secretHash", .string(Self.hash(secret))),
            ] + (scope.map { [("scope", JSONValue.array(Array(Set($0)).sorted().map { .string($0) }))] } ?? []))
        let event = try ProposedEvent(stream: "apikey-\(keyId)", type: Self.createdType, value: data, expectedVersion: .noStream)
        _ = try await store.append(AppendRequest.system(events: [event], actor: actor))
        return (APIKey(keyId: keyId, name: trimmed, role: role, scope: scope.map(Set.init)), "lmb_\(keyId)_\(secret)")
    }

    /// Revokes a key: from the next request on it is refused.
    public func revoke(keyId: String, reason: String, actor: String) async throws {
        try refresh()
        guard let info = lock.withLock({ keys[keyId] }) else {
            throw EventLogError(.invalidInput, "keyId: no key \(keyId)", field: "keyId")
        }
        guard info.revokedAt == nil else {
            throw EventLogError(.ruleViolation, "keyId: key \(keyId) is already revoked", field: "keyId")
        }
        let data: JSONValue = .object([("keyId", .string(keyId)), ("reason", .string(reason))])
        let event = try ProposedEvent(stream: "apikey-\(keyId)", type: Self.revokedType, value: data, expectedVersion: .exists)
        _ = try await store.append(AppendRequest.system(events: [event], actor: actor))
        try refresh()
    }

    /// Whether the key `keyId` exists and is not revoked, as the log says now (a revocation by any
    /// process counts from its commit on). Costs a fold of the key events committed since the last
    /// call, so an open stream can ask it every second.
    public func isActive(keyId: String) throws -> Bool {
        try refresh()
        return lock.withLock { keys[keyId].map { $0.revokedAt == nil } ?? false }
    }

    /// Every key, revoked ones included.
    public func list() throws -> [KeyInfo] {
        try refresh()
        return lock.withLock { keys.values.sorted { $0.createdAt == $1.createdAt ? $0.keyId < $1.keyId : $0.createdAt < $1.createdAt } }
    }

    /// The key a bearer token stands for, if it is valid and not revoked. The secret's hash is
    /// compared in constant time.
    public func authenticate(_ token: String) throws -> APIKey? {
        let parts = token.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "lmb", !parts[1].isEmpty, parts[2].utf8.count == 64 else { return nil }
        try refresh()
        guard let info = lock.withLock({ keys[String(parts[1])] }), info.revokedAt == nil else { return nil }
        guard Self.constantTimeEqual(Array(Self.hash(String(parts[2])).utf8), Array(info.secretHash.utf8)) else { return nil }
        return APIKey(keyId: info.keyId, name: info.name, role: info.role, scope: info.scope.map(Set.init))
    }

    /// Folds the key events the registry has not seen yet, in position order (a revocation before
    /// a creation of the same id would otherwise be lost). The first `created` of a key id is the
    /// key: a later `created` for the same id (which only a system append could write, and the
    /// registry never does: every id is new and its stream must not exist) changes nothing, so the
    /// server and the CLI, folding the same log, always agree.
    func refresh() throws {
        let head = try store.head().position
        guard head > lock.withLock({ seen }) else { return }
        try lock.withLock {
            let filter = EventFilter(types: [Self.createdType, Self.revokedType], fromPosition: seen + 1, toPosition: head)
            try store.forEachRecord(filter) { view in
                guard let data = try? JSONParser.parse(view.dataBytes), let keyId = data["keyId"]?.stringValue else { return true }
                if view.type == Self.createdType {
                    guard keys[keyId] == nil, view.stream == "apikey-\(keyId)",
                        let name = data["name"]?.stringValue, let role = data["role"]?.stringValue.flatMap(Role.init),
                        let hash = data["secretHash"]?.stringValue
                    else { return true }
                    keys[keyId] = KeyInfo(
                        keyId: keyId, name: name, role: role, createdAt: view.recordedAt.description, revokedAt: nil,
                        scope: data["scope"]?.arrayValue?.compactMap(\.stringValue), secretHash: hash)
                } else if view.stream == "apikey-\(keyId)", keys[keyId]?.revokedAt == nil {
                    keys[keyId]?.revokedAt = view.recordedAt.description
                }
                return true
            }
            seen = head
        }
    }

    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func randomID() -> String {
        let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")
        var rng = SystemRandomNumberGenerator()
        return String((0..<10).map { _ in alphabet[Int(rng.next(upperBound: UInt32(alphabet.count)))] })
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}
