import Foundation

/// Reading a client's address as text: what the rate limiter buckets and trusted-proxy ranges
/// compare.
public enum IPAddress {
    /// The bytes of an IPv4 (4) or IPv6 (16) address, brackets and a zone (`%eth0`) allowed; an
    /// IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) gives its IPv4 bytes. Nil for anything else.
    public static func bytes(_ text: String) -> [UInt8]? {
        var v4 = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, text, &v4) == 1 { return v4 }
        var host = Substring(text)
        if let zone = host.firstIndex(of: "%") { host = host[..<zone] }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        var v6 = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, String(host), &v6) == 1 else { return nil }
        if v6[0..<10].allSatisfy({ $0 == 0 }) && v6[10] == 0xFF && v6[11] == 0xFF { return Array(v6[12...]) }
        return v6
    }
}
