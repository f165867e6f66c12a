import Foundation

/// A token bucket per client: `capacity` requests at once, refilled at `refillPerSecond`.
public final class RateLimiter: @unchecked Sendable {
    let capacity: Double
    let refill: Double
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, at: Double)] = [:]

    public init(capacity: Int, refillPerSecond: Double) {
        self.capacity = Double(capacity)
        self.refill = refillPerSecond
    }

    /// Takes one token for `client`; nil when allowed, else the seconds to wait.
    public func take(_ client: String, now: Double = Date().timeIntervalSinceReferenceDate) -> Int? {
        lock.withLock {
            if buckets.count > 100_000 { buckets = buckets.filter { now - $0.value.at < 3600 } }
            var b = buckets[client] ?? (capacity, now)
            b.tokens = min(capacity, b.tokens + (now - b.at) * refill)
            b.at = now
            defer { buckets[client] = b }
            if b.tokens >= 1 {
                b.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - b.tokens) / refill).rounded(.up)))
        }
    }
}
