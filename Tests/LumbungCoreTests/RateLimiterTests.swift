import Testing

@testable import LumbungCore

/// The per-address limit of public lookups: bounded in memory, O(1) per request, and not fooled by
/// an attacker's endless IPv6 addresses.
@Suite("Rate limiter")
struct RateLimiterTests {
    @Test("a burst of `capacity`, then one per refill; the wait is told in seconds")
    func bucket() {
        let limiter = RateLimiter(capacity: 3, refillPerSecond: 1)
        for _ in 0..<3 { #expect(limiter.take("203.0.113.9", now: 100) == nil) }
        #expect(limiter.take("203.0.113.9", now: 100) == 1)
        #expect(limiter.take("203.0.113.9", now: 101) == nil)
        #expect(limiter.take("198.51.100.1", now: 101) == nil, "another client has its own bucket")
    }

    @Test("IPv6 addresses of one /64 share one bucket; mapped IPv4 is its IPv4 address")
    func ipv6Networks() {
        #expect(RateLimiter.clientKey("2001:db8:1:2::1") == "2001:db8:1:2::/64")
        #expect(RateLimiter.clientKey("2001:db8:1:2:ffff:ffff:ffff:ffff") == "2001:db8:1:2::/64")
        #expect(RateLimiter.clientKey("[2001:db8:1:3::7]") == "2001:db8:1:3::/64")
        #expect(RateLimiter.clientKey("fe80::1%eth0") == "fe80:0:0:0::/64")
        #expect(RateLimiter.clientKey("::ffff:192.0.2.1") == "192.0.2.1")
        #expect(RateLimiter.clientKey("192.0.2.1") == "192.0.2.1")
        let limiter = RateLimiter(capacity: 10, refillPerSecond: 1)
        // 794 addresses of one /64 (the attack measured on main) meet one bucket of 10.
        var refused = 0
        for i in 1...794 where limiter.take("2001:db8:aa:bb::\(String(i, radix: 16))", now: 50) != nil { refused += 1 }
        #expect(refused == 784)
    }

    @Test("memory is bounded: beyond maxClients the least recently used bucket goes, a recent one stays")
    func bounded() {
        let limiter = RateLimiter(capacity: 2, refillPerSecond: 0.001, maxClients: 1000)
        #expect(limiter.take("10.0.0.1", now: 0) == nil)
        #expect(limiter.take("10.0.0.1", now: 0) == nil)
        for i in 0..<5000 {
            _ = limiter.take("172.16.\(i / 256).\(i % 256)", now: 1)
            if i % 100 == 0 { _ = limiter.take("10.0.0.1", now: 1) }  // kept recent: its empty bucket stays
        }
        #expect(limiter.clientCount == 1000)
        #expect(limiter.take("10.0.0.1", now: 2) != nil, "a recently seen client keeps its (empty) bucket")
        #expect(limiter.take("172.16.0.0", now: 2) == nil, "the oldest was evicted and starts full")
    }
}
