public import Foundation

/// A token bucket per client: `capacity` requests at once, refilled at `refillPerSecond`.
///
/// Contract:
/// - Clients are keyed by `RateLimiter.clientKey(_:)`: an IPv4 address as it is, an IPv6 address
///   by its /64 network (one subscriber line holds a whole /64, so counting single IPv6 addresses
///   would give an attacker endless buckets).
/// - At most `maxClients` buckets are kept, in least-recently-used order: taking a token moves the
///   client to the front in O(1), and a new client beyond the bound evicts the least recently seen
///   one (whose bucket had the longest time to refill), also in O(1). Memory stays bounded whatever
///   the number of addresses, and a lookup costs the same at 100,000 clients as at 10.
public final class RateLimiter: @unchecked Sendable {
    let capacity: Double
    let refill: Double
    let maxClients: Int
    private let lock = NSLock()
    /// Client key -> slot in `nodes`.
    private var index: [String: Int] = [:]
    private var nodes: [Node] = []
    /// Most and least recently used slots (-1: none).
    private var head = -1
    private var tail = -1

    private struct Node {
        var key: String
        var tokens: Double
        var at: Double
        var previous: Int
        var next: Int
    }

    public init(capacity: Int, refillPerSecond: Double, maxClients: Int = 100_000) {
        self.capacity = Double(capacity)
        self.refill = refillPerSecond
        self.maxClients = max(1, maxClients)
    }

    /// How many clients have a bucket now (at most `maxClients`).
    public var clientCount: Int { lock.withLock { index.count } }

    /// Takes one token for `client` (an address; see `clientKey`); nil when allowed, else the
    /// seconds to wait.
    public func take(_ client: String, now: Double = Date().timeIntervalSinceReferenceDate) -> Int? {
        let key = Self.clientKey(client)
        return lock.withLock {
            let slot = slot(for: key, now: now)
            var node = nodes[slot]
            node.tokens = min(capacity, node.tokens + max(0, now - node.at) * refill)
            node.at = now
            defer { nodes[slot] = node }
            if node.tokens >= 1 {
                node.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - node.tokens) / refill).rounded(.up)))
        }
    }

    /// The slot of `key`, moved to the front; a new full bucket when absent (evicting the least
    /// recently used one at the bound).
    private func slot(for key: String, now: Double) -> Int {
        if let slot = index[key] {
            unlink(slot)
            pushFront(slot)
            return slot
        }
        let slot: Int
        if index.count >= maxClients, tail >= 0 {
            slot = tail
            unlink(slot)
            index[nodes[slot].key] = nil
            nodes[slot] = Node(key: key, tokens: capacity, at: now, previous: -1, next: -1)
        } else {
            slot = nodes.count
            nodes.append(Node(key: key, tokens: capacity, at: now, previous: -1, next: -1))
        }
        index[key] = slot
        pushFront(slot)
        return slot
    }

    private func unlink(_ slot: Int) {
        let p = nodes[slot].previous
        let n = nodes[slot].next
        if p >= 0 { nodes[p].next = n } else { head = n }
        if n >= 0 { nodes[n].previous = p } else { tail = p }
        nodes[slot].previous = -1
        nodes[slot].next = -1
    }

    private func pushFront(_ slot: Int) {
        nodes[slot].next = head
        nodes[slot].previous = -1
        if head >= 0 { nodes[head].previous = slot }
        head = slot
        if tail < 0 { tail = slot }
    }

    /// The bucket key of an address: IPv4 (and anything not IPv6) as given; IPv6 by its /64 network
    /// (`2001:db8:1:2::/64`), an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) as its IPv4 address.
    public static func clientKey(_ address: String) -> String {
        guard address.utf8.contains(UInt8(ascii: ":")), let bytes = IPAddress.bytes(address) else { return address }
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return (0..<4).map { String(UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]), radix: 16) }.joined(separator: ":") + "::/64"
    }
}
