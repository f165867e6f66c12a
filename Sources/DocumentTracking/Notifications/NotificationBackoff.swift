public import EventLog

/// When a failed delivery is tried again: exponential back-off with a cap, then the dead letter.
public struct NotificationBackoff: Sendable, Equatable {
    /// The wait after the first failure.
    public var base: Int64
    /// The factor each further failure multiplies the wait by.
    public var factor: Int64
    /// No wait is longer than this.
    public var cap: Int64
    /// After this many failed attempts the delivery is dead-lettered (retried only on request).
    public var maxAttempts: Int

    /// 30 s, 2 min, 8 min, 32 min, then every hour, dead after 8 attempts.
    public static let standard = NotificationBackoff(base: 30_000, factor: 4, cap: 3_600_000, maxAttempts: 8)

    public init(base: Int64, factor: Int64, cap: Int64, maxAttempts: Int) {
        precondition(base > 0 && factor >= 1 && cap >= base && maxAttempts >= 1)
        self.base = base
        self.factor = factor
        self.cap = cap
        self.maxAttempts = maxAttempts
    }

    /// The wait in milliseconds after `failures` failed attempts (1 for the first failure).
    public func delay(afterFailures failures: Int) -> Int64 {
        var wait = base
        for _ in 1..<max(failures, 1) {
            guard wait < cap else { break }
            wait = min(cap, wait * factor)
        }
        return min(wait, cap)
    }

    /// When to try again after `failures` failures at `now`; nil when the delivery is dead.
    public func nextAttempt(afterFailures failures: Int, at now: Timestamp) -> Timestamp? {
        guard failures < maxAttempts else { return nil }
        return Timestamp(millisecondsSince1970: now.millisecondsSince1970 + delay(afterFailures: failures))
    }
}
