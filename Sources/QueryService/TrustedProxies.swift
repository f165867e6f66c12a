import Foundation
public import HTTPTypes
import LumbungCore

/// The reverse proxies whose word about the client's address is taken (`serve --trusted-proxy
/// CIDR`), and the rule that finds the client behind them.
///
/// Contract: a request whose peer is not a trusted proxy is from its peer, whatever
/// `Forwarded` or `X-Forwarded-For` say (any client can send those). A request from a trusted
/// proxy is from the right-most address of the forwarding chain that is not itself a trusted
/// proxy: each proxy appends the address it was reached from, so the addresses to the right of
/// the first untrusted one were written by proxies we trust, and anything to its left may be the
/// client's own invention. `Forwarded` (RFC 7239, its `for=` parameters) is read when present,
/// else `X-Forwarded-For`. With no such header, or when every address in it is trusted, the peer
/// (or the left-most address) is the client. An element that is not an address (`unknown`, an
/// obfuscated `_name`) stops the walk and is the client's key as written: it came from a
/// trusted proxy, which chose it.
public struct TrustedProxies: Sendable, Equatable {
    /// An address range: the first `prefixLength` bits of `address` (4 bytes for IPv4, 16 for IPv6).
    public struct Range: Sendable, Equatable, CustomStringConvertible {
        public let address: [UInt8]
        public let prefixLength: Int

        /// Reads `192.0.2.0/24`, `2001:db8::/32`, or a single address (all its bits). Nil when it is
        /// none of these.
        public init?(_ text: String) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2, let address = IPAddress.bytes(String(parts[0])) else { return nil }
            let bits = address.count * 8
            if parts.count == 2 {
                guard let n = Int(parts[1]), (0...bits).contains(n) else { return nil }
                prefixLength = n
            } else {
                prefixLength = bits
            }
            self.address = address
        }

        /// Whether `bytes` (an address of the same family) lies in the range.
        public func contains(_ bytes: [UInt8]) -> Bool {
            guard bytes.count == address.count else { return false }
            var left = prefixLength
            for i in 0..<bytes.count where left > 0 {
                let mask: UInt8 = left >= 8 ? 0xFF : ~(0xFF >> UInt8(left))
                if bytes[i] & mask != address[i] & mask { return false }
                left -= 8
            }
            return true
        }

        public var description: String {
            let text =
                address.count == 4
                ? address.map(String.init).joined(separator: ".")
                : stride(from: 0, to: 16, by: 2).map { String(UInt16(address[$0]) << 8 | UInt16(address[$0 + 1]), radix: 16) }
                    .joined(separator: ":")
            return "\(text)/\(prefixLength)"
        }
    }

    /// Why a `--trusted-proxy` value was refused.
    public struct ParseError: Error, CustomStringConvertible {
        public let value: String
        public var description: String {
            "\"\(value.prefix(60))\" is not an address range: give an IPv4 or IPv6 address with an optional /prefix, as 10.0.0.0/8 or 2001:db8::/32"
        }
    }

    public let ranges: [Range]

    /// No proxy is trusted: every request is from its peer.
    public static let none = TrustedProxies(ranges: [])

    public init(ranges: [Range]) { self.ranges = ranges }

    /// Reads each value as a `Range`; throws `ParseError` naming the first that is not one.
    public init(_ values: [String]) throws(ParseError) {
        var ranges: [Range] = []
        for value in values {
            guard let range = Range(value.trimmingCharacters(in: .whitespaces)) else { throw ParseError(value: value) }
            ranges.append(range)
        }
        self.ranges = ranges
    }

    /// Whether `address` (text) is inside a trusted range.
    public func isTrusted(_ address: String) -> Bool {
        guard let bytes = IPAddress.bytes(address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The client of a request from `peer` carrying `headers` (see the type's contract).
    public func clientAddress(peer: String, headers: HTTPFields) -> String {
        guard !ranges.isEmpty, isTrusted(peer) else { return peer }
        let chain: [String]
        if let forwarded = headers[values: Self.forwarded].nonEmpty {
            chain = forwarded.flatMap(Self.forwardedFor)
        } else if let xff = headers[values: Self.xForwardedFor].nonEmpty {
            chain = xff.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        } else {
            return peer
        }
        for element in chain.reversed() {
            guard let address = Self.hostPart(element), IPAddress.bytes(address) != nil else { return element }
            if !isTrusted(address) { return address }
        }
        return chain.first.flatMap(Self.hostPart) ?? peer
    }

    /// Whether a request from `peer` reached the proxy over HTTPS: the peer is trusted and says so
    /// (`Forwarded: proto=https`, else `X-Forwarded-Proto: https`, the nearest proxy's word). The
    /// staff session's cookie is then `Secure`.
    public func forwardedHTTPS(peer: String, headers: HTTPFields) -> Bool {
        guard !ranges.isEmpty, isTrusted(peer) else { return false }
        if let line = headers[values: Self.forwarded].last {
            let protos = line.split(separator: ",").last?.split(separator: ";").compactMap { pair -> String? in
                let kv = pair.split(separator: "=", maxSplits: 1)
                return kv.count == 2 && kv[0].trimmingCharacters(in: .whitespaces).lowercased() == "proto"
                    ? kv[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased() : nil
            }
            if let proto = protos?.first { return proto == "https" }
        }
        let proto = headers[values: Self.xForwardedProto].last?.split(separator: ",").last?.trimmingCharacters(in: .whitespaces)
        return proto?.lowercased() == "https"
    }

    static let forwarded = HTTPField.Name("Forwarded")!
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// The `for=` values of one `Forwarded` header line, in order (quotes removed).
    static func forwardedFor(_ line: String) -> [String] {
        line.split(separator: ",").compactMap { element in
            for pair in element.split(separator: ";") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == "for" else { continue }
                var value = kv[1].trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                return value
            }
            return nil
        }
    }

    /// The address of a chain element: `[v6]:port` and `[v6]` lose brackets and port, `v4:port`
    /// loses the port, a bare IPv6 address stays. Nil for an empty element.
    static func hostPart(_ element: String) -> String? {
        let text = element.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            return String(text[text.index(after: text.startIndex)..<close])
        }
        let colons = text.filter { $0 == ":" }.count
        if colons == 1, let colon = text.firstIndex(of: ":") { return String(text[..<colon]) }
        return text
    }
}

extension Array {
    fileprivate var nonEmpty: Self? { isEmpty ? nil : self }
}
