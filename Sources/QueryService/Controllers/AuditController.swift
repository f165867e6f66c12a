import EventLog
import Foundation
import Hummingbird
import JSON
import LumbungCore

/// The auditor's proofs (role `auditor`): the signed tree head, the key that signs it, and
/// inclusion and consistency proofs over the log's Merkle tree (RFC 6962), shaped as the CLI's
/// `lumbung audit` prints them.
///
/// - `GET /v1/audit/digest` -> `{"treeSize","rootHash","timestamp","signature","publicKey"}`
/// - `GET /v1/audit/public-key` -> `{"publicKey"}`
/// - `GET /v1/audit/inclusion?position=P[&treeSize=N]` -> `{"position","treeSize","leafHash","rootHash","path"}`
/// - `GET /v1/audit/consistency?from=M[&to=N]` -> `{"from","to","fromRoot","toRoot","path"}`
///
/// A missing or malformed parameter is a 400 naming it; a position or size beyond the log's head
/// is a 404. The signing key is `<data-dir>/audit-signing.key`, made on first use. A read replica
/// has no key: its digest is the primary's last signed head it verified (its public key the
/// primary's), and its proofs are over its copy of the primary's tree.
struct AuditController {
    let services: LumbungServices
    private let key: SigningKeyCache

    init(services: LumbungServices, key: SigningKeyCache = SigningKeyCache()) {
        self.services = services
        self.key = key
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.group().add(middleware: RequireRole(.auditor))
            .get("/v1/audit/digest", use: digest)
            .get("/v1/audit/public-key", use: publicKey)
            .get("/v1/audit/inclusion", use: inclusion)
            .get("/v1/audit/consistency", use: consistency)
    }

    @Sendable func digest(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.response(try key.signedHead(services).json)
    }

    @Sendable func publicKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let primary = try SigningKeyCache.replicaHead(services) {
            return JSONResponse.object([("publicKey", .string(Hex.encode(primary.publicKey)))])
        }
        return JSONResponse.object([("publicKey", .string(try key.get(services.dataDirectory).publicKeyHex))])
    }

    @Sendable func inclusion(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let position = try request.queryUInt("position") else { throw Problem.field("position", "is required") }
        guard position >= 1 else { throw Problem.field("position", "positions start at 1") }
        let treeSize = try request.queryUInt("treeSize")
        let head = try services.store.treeHead().size
        if let treeSize {
            guard treeSize <= head else { throw Problem(.notFound, "treeSize \(treeSize) is beyond the log's head (\(head) events)") }
            guard position <= treeSize else { throw Problem.field("position", "\(position) is beyond treeSize \(treeSize)") }
        }
        guard position <= head else { throw Problem(.notFound, "position \(position) is beyond the log's head (\(head))") }
        return Self.response(try services.store.inclusionProof(position: position, treeSize: treeSize).json)
    }

    @Sendable func consistency(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let from = try request.queryUInt("from") else { throw Problem.field("from", "is required") }
        let to = try request.queryUInt("to")
        if let to, from > to { throw Problem.field("from", "\(from) is after to (\(to))") }
        let head = try services.store.treeHead().size
        if let to, to > head { throw Problem(.notFound, "to \(to) is beyond the log's head (\(head) events)") }
        guard from <= head else { throw Problem(.notFound, "from \(from) is beyond the log's head (\(head) events)") }
        return Self.response(try services.store.consistencyProof(from: from, to: to).json)
    }

    /// A JSON object response with its members in the order built.
    static func response(_ value: JSONValue) -> Response {
        guard case .object(let members) = value else { return JSONResponse.raw(CanonicalJSON.encode(value)) }
        return JSONResponse.object(members.map { ($0.key, $0.value) })
    }
}

/// The signing key, read (or made) on first use and kept; one per router, shared by the audit
/// routes and the public proof pages.
final class SigningKeyCache: @unchecked Sendable {
    private let lock = NSLock()
    private var key: AuditSigningKey?

    func get(_ dataDirectory: String) throws -> AuditSigningKey {
        try lock.withLock {
            if let key { return key }
            let loaded = try AuditSigningKey.loadOrCreate(dataDirectory: dataDirectory)
            key = loaded
            return loaded
        }
    }
}

extension SigningKeyCache {
    /// The head proofs are made against: on a primary the log's head, signed now; on a read
    /// replica the primary's last signed head it verified (503 until it has one).
    func signedHead(_ services: LumbungServices) throws -> SignedTreeHead {
        if let primary = try Self.replicaHead(services) { return primary }
        return try get(services.dataDirectory).sign(try services.store.treeHead())
    }

    /// On a read replica: the primary's last signed head the replica verified (a replica signs
    /// nothing and has no key of its own); a 503 until it has one. Nil on a primary.
    static func replicaHead(_ services: LumbungServices) throws -> SignedTreeHead? {
        guard try services.store.replicaSource() != nil else { return nil }
        guard let head = try services.store.primarySignedHead() else {
            throw Problem(
                .serviceUnavailable,
                "this read replica has no signed head of its primary yet (lumbung follow stores one with each verified run)")
        }
        return head
    }
}
