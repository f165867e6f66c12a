public import EventLog
import Foundation
import LMDB
import Synchronization

/// Failed cek resi lookups counted per receipt number, so that a PIN cannot be guessed: after
/// `freeFailures` wrong PINs the receipt locks, for `baseLock` doubled with every further failure
/// (capped at `maxLock`). While it is locked every lookup of it is refused, the right PIN too, so a
/// guesser learns nothing; a right PIN while unlocked clears the count.
///
/// The counts live in an LMDB environment of their own in the data directory (`guards/`), so every
/// process serving that directory (the server, a second server on the same machine) shares them;
/// they are not events (a guess is not a fact of the city's) and are written without fsync (a crash
/// may forget a few failures; it never loses an event). Read replicas keep counts of their own: a
/// guesser spreading over n replicas gets n times the attempts before each locks (see the README).
public final class LookupGuard: @unchecked Sendable {
    public struct Policy: Sendable {
        /// Wrong PINs allowed before the receipt locks.
        public var freeFailures: UInt32 = 5
        /// The first lock; each further failure doubles it.
        public var baseLock: Int64 = 60_000
        /// The longest lock.
        public var maxLock: Int64 = 24 * 3_600_000
        public init() {}
    }

    /// What a lookup may do now.
    public enum Verdict: Sendable, Equatable {
        case allowed
        /// Locked: retry after this many seconds (at least 1).
        case locked(retryAfter: Int)
    }

    let environment: Environment
    let counts: Database<UTF8String, Bytes>
    public let policy: Policy
    /// The environment's last transaction id when `counts` was last read empty (-1: not yet):
    /// while it is the same, no receipt is counted (by this process or another), and a lookup is
    /// allowed without a read transaction, the common case of cek resi.
    private let emptyStamp = Atomic<Int>(-1)

    /// Opens (creating, 0700/0600) `<dataDirectory>/guards`.
    public init(dataDirectory: String, policy: Policy = Policy()) throws {
        let path = (dataDirectory as NSString).appendingPathComponent("guards")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var options = Environment.Options()
        options.mapSize = 64 << 20
        options.noSync = true
        options.maxDatabases = 4
        environment = try Environment(path: path, options: options)
        environment.clearStaleReaders()
        counts = try environment.database("lookup-failures")
        self.policy = policy
    }

    /// Whether a lookup of `receipt` may be checked now.
    public func verdict(_ receipt: String, now: Int64 = Timestamp.now().millisecondsSince1970) throws -> Verdict {
        try state(receipt, now: now).verdict
    }

    /// The verdict, and whether wrong PINs are counted for `receipt` (so a success has a count to clear).
    func state(_ receipt: String, now: Int64) throws -> (verdict: Verdict, counted: Bool) {
        // Read before the transaction: a write after it only makes the next lookup read again.
        let stamp = environment.info().lastTransactionID
        if emptyStamp.load(ordering: .acquiring) == stamp { return (.allowed, false) }
        let (stored, empty) = try environment.read { txn in (try counts.get(receipt, in: txn), try counts.count(in: txn) == 0) }
        if empty { emptyStamp.store(stamp, ordering: .releasing) }
        let state = stored.flatMap(State.init) ?? State()
        return (state.lockedUntil > now ? .locked(retryAfter: Self.seconds(state.lockedUntil - now)) : .allowed, state.failures > 0)
    }

    /// Runs a PIN check of `receipt` under the guard: refused with `LookupLocked` while the receipt
    /// is locked (the check does not run); a miss (nil) is counted, and may lock it; a hit clears
    /// the count. Only misses and the first hit after misses write.
    /// A receipt number longer than `maxKeyBytes` names no application and is not counted (an LMDB
    /// key holds at most 511 bytes).
    public func guarded<R>(_ receipt: String, _ check: () async throws -> R?) async throws -> R? {
        guard !receipt.isEmpty, receipt.utf8.count <= Self.maxKeyBytes else { return try await check() }
        let now = Timestamp.now().millisecondsSince1970
        let (verdict, counted) = try state(receipt, now: now)
        if case .locked(let seconds) = verdict { throw LookupLocked(retryAfter: seconds) }
        guard let found = try await check() else {
            try failed(receipt, now: now)
            return nil
        }
        if counted { try succeeded(receipt) }
        return found
    }

    /// Counts a wrong PIN (or an unknown receipt); returns the verdict after it.
    @discardableResult
    public func failed(_ receipt: String, now: Int64 = Timestamp.now().millisecondsSince1970) throws -> Verdict {
        try environment.write { txn in
            var state = try counts.get(receipt, in: txn).flatMap(State.init) ?? State()
            state.failures &+= 1
            if state.failures >= policy.freeFailures {
                let doublings = min(Int64(state.failures - policy.freeFailures), 30)
                state.lockedUntil = now + min(policy.maxLock, policy.baseLock << doublings)
            }
            try counts.put(receipt, state.bytes, in: txn)
            return state.lockedUntil > now ? .locked(retryAfter: Self.seconds(state.lockedUntil - now)) : .allowed
        }
    }

    /// A right PIN while unlocked (or, later, a new PIN issued): the count starts again.
    public func succeeded(_ receipt: String) throws {
        try environment.write { txn in _ = try counts.delete(receipt, in: txn) }
    }

    /// The longest receipt number that is counted.
    public static let maxKeyBytes = 100

    static func seconds(_ ms: Int64) -> Int { max(1, Int((ms + 999) / 1000)) }

    /// Failures and the end of the lock (ms since 1970), 12 bytes big-endian.
    struct State {
        var failures: UInt32 = 0
        var lockedUntil: Int64 = 0

        init() {}

        init?(_ bytes: [UInt8]) {
            guard bytes.count == 12 else { return nil }
            failures = bytes[0..<4].reduce(0) { $0 << 8 | UInt32($1) }
            lockedUntil = Int64(bitPattern: bytes[4..<12].reduce(0) { $0 << 8 | UInt64($1) })
        }

        var bytes: [UInt8] {
            withUnsafeBytes(of: failures.bigEndian, Array.init) + withUnsafeBytes(of: UInt64(bitPattern: lockedUntil).bigEndian, Array.init)
        }
    }
}

/// A lookup of a receipt that is locked after too many wrong PINs (HTTP 429 with `Retry-After`).
public struct LookupLocked: Error, Sendable, CustomStringConvertible {
    public let retryAfter: Int
    public var description: String {
        "this receipt number is locked after too many wrong PINs; try again in \(retryAfter) s (the right PIN too waits until then)"
    }
}
