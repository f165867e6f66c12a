import Foundation
import LumbungCore

/// The signed-in staff of the screens (`/petugas`): a session stands for one API key, made by
/// signing in with it, and lives in this process only (a restart signs everyone out).
///
/// Contract:
/// - a session id and its CSRF token are 32 random bytes each (hex), the id sent only in an
///   `HttpOnly; SameSite=Strict` cookie, the token only in the forms of its pages;
/// - a session ends at sign-out, after `idleLimit` without a request, after `lifetime`, or as soon
///   as its key is revoked (checked on every use);
/// - at most `capacity` sessions are held; beyond it the least recently used one ends.
final class StaffSessions: @unchecked Sendable {
    /// One signed-in member of staff.
    struct Session: Sendable {
        let id: String
        let key: APIKey
        /// What every form of this session carries (`csrf`), compared in constant time.
        let csrf: String
        let created: Date
        var lastSeen: Date
    }

    static let cookieName = "lumbung_petugas"
    let idleLimit: TimeInterval
    let lifetime: TimeInterval
    let capacity: Int
    private let keys: KeyRegistry
    private let lock = NSLock()
    private var sessions: [String: Session] = [:]

    init(keys: KeyRegistry, idleLimit: TimeInterval = 2 * 3600, lifetime: TimeInterval = 12 * 3600, capacity: Int = 10_000) {
        (self.keys, self.idleLimit, self.lifetime, self.capacity) = (keys, idleLimit, lifetime, capacity)
    }

    /// A new session for `key`.
    func open(_ key: APIKey, now: Date = Date()) -> Session {
        let session = Session(id: Self.randomHex(), key: key, csrf: Self.randomHex(), created: now, lastSeen: now)
        lock.withLock {
            if sessions.count >= capacity, let oldest = sessions.values.min(by: { $0.lastSeen < $1.lastSeen }) {
                sessions[oldest.id] = nil
            }
            sessions[session.id] = session
        }
        return session
    }

    /// The live session `id`, its last use moved to `now`; nil when there is none, it expired or its
    /// key was revoked (the session ends then).
    func session(_ id: String, now: Date = Date()) throws -> Session? {
        let found: Session? = lock.withLock {
            guard var s = sessions[id] else { return nil }
            guard now.timeIntervalSince(s.lastSeen) <= idleLimit, now.timeIntervalSince(s.created) <= lifetime else {
                sessions[id] = nil
                return nil
            }
            s.lastSeen = now
            sessions[id] = s
            return s
        }
        guard let found else { return nil }
        guard try keys.isActive(keyId: found.key.keyId) else {
            close(id)
            return nil
        }
        return found
    }

    /// Ends the session `id` (nothing if there is none).
    func close(_ id: String) { lock.withLock { sessions[id] = nil } }

    /// Whether `token` is the session's CSRF token, compared in constant time.
    static func tokenMatches(_ token: String?, _ session: Session) -> Bool {
        guard let token else { return false }
        let a = Array(token.utf8)
        let b = Array(session.csrf.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func randomHex() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }
}
