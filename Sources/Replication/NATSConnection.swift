import CNATS
import Foundation

/// A connection to a NATS server or cluster through the official NATS C client (`libnats`).
///
/// Contract:
/// - `init` connects to one of `urls` (tried in the order given) and fails if none answers
///   within `timeout`. Once connected, the client reconnects by itself, for ever, to any server
///   of the cluster it knows (those given and those the cluster announces); requests made while
///   it is disconnected fail or time out, they never hang.
/// - The connection is safe to use from several threads (the C client locks internally).
/// - `close()` ends it; it is also closed when the value is released.
/// - `credentials` are handed to the client as given; no secret is ever part of an error's text.
public final class NATSConnection: @unchecked Sendable {
    /// How the connection proves who it is and checks the server: user and password, a token, or
    /// a credentials file (a user JWT and its NKey seed); TLS with a CA, and a client certificate
    /// and key. All optional (an open server needs none); at most one of the three identities.
    public struct Credentials: Sendable, Equatable {
        public var user: String?
        public var password: String?
        public var token: String?
        /// A `.creds` file (user JWT and NKey seed), as `nsc` writes it.
        public var credentialsFile: String?
        /// The CA certificate(s) (PEM) the server's certificate must chain to; setting it (or a
        /// client certificate) requires TLS.
        public var tlsCAFile: String?
        /// The client certificate (PEM) and its private key, for servers that verify clients.
        public var tlsCertificateFile: String?
        public var tlsKeyFile: String?

        public init() {}

        /// Whether TLS is required.
        public var usesTLS: Bool { tlsCAFile != nil || tlsCertificateFile != nil }
    }

    let handle: OpaquePointer
    public let urls: [String]

    public init(urls: [String], name: String, credentials: Credentials = Credentials(), timeout: Duration = .seconds(5))
        throws(NATSError)
    {
        guard !urls.isEmpty else { throw NATSError(status: NATS_INVALID_ARG.rawValue, message: "no NATS URL given") }
        self.urls = urls
        var options: OpaquePointer? = nil
        try check(natsOptions_Create(&options), "cannot create the NATS options")
        defer { natsOptions_Destroy(options) }
        let cStrings = urls.map { strdup($0) }
        defer { for s in cStrings { free(s) } }
        var pointers = cStrings.map { UnsafePointer<CChar>($0) }
        try pointers.withUnsafeMutableBufferPointer { p throws(NATSError) in
            try check(natsOptions_SetServers(options, p.baseAddress, Int32(p.count)), "bad NATS URL list \(urls.joined(separator: ","))")
        }
        try check(natsOptions_SetName(options, name), "cannot name the connection")
        try check(natsOptions_SetNoRandomize(options, true), "cannot set the server order")
        try check(natsOptions_SetTimeout(options, Self.milliseconds(timeout)), "cannot set the connect timeout")
        try check(natsOptions_SetMaxReconnect(options, -1), "cannot set reconnects")
        try check(natsOptions_SetReconnectWait(options, 250), "cannot set the reconnect wait")
        try check(natsOptions_SetReconnectBufSize(options, 64 << 20), "cannot set the reconnect buffer")
        try Self.apply(credentials, to: options)
        try check(natsOptions_SetPingInterval(options, 2000), "cannot set the ping interval")
        try check(natsOptions_SetMaxPingsOut(options, 3), "cannot set the pings")
        var connection: OpaquePointer? = nil
        try check(natsConnection_Connect(&connection, options), "cannot connect to NATS at \(urls.joined(separator: ","))")
        guard let connection else { throw NATSError(status: NATS_ERR.rawValue, message: "the NATS client gave no connection") }
        handle = connection
    }

    /// Sets `credentials` on `options` (the messages name the option or file, never a secret).
    private static func apply(_ credentials: Credentials, to options: OpaquePointer?) throws(NATSError) {
        let c = credentials
        if let user = c.user {
            try check(natsOptions_SetUserInfo(options, user, c.password), "cannot set the NATS user")
        }
        if let token = c.token { try check(natsOptions_SetToken(options, token), "cannot set the NATS token") }
        if let file = c.credentialsFile {
            try check(
                natsOptions_SetUserCredentialsFromFiles(options, file, nil), "cannot use the NATS credentials file \(file)")
        }
        if c.usesTLS { try check(natsOptions_SetSecure(options, true), "cannot require TLS") }
        if let ca = c.tlsCAFile {
            try check(natsOptions_LoadCATrustedCertificates(options, ca), "cannot load the TLS CA certificates of \(ca)")
        }
        if let certificate = c.tlsCertificateFile, let key = c.tlsKeyFile {
            try check(
                natsOptions_LoadCertificatesChain(options, certificate, key),
                "cannot load the TLS client certificate \(certificate) and key \(key)")
        }
    }

    deinit {
        natsConnection_Close(handle)
        natsConnection_Destroy(handle)
    }

    /// Closes the connection (pending publishes that were not flushed are lost).
    public func close() {
        natsConnection_Close(handle)
    }

    /// Whether the connection is currently connected (not reconnecting, not closed).
    public var isConnected: Bool { natsConnection_Status(handle) == NATS_CONN_STATUS_CONNECTED }

    /// The URL of the server it is connected to, if any.
    public var connectedURL: String? {
        var buffer = [CChar](repeating: 0, count: 512)
        guard natsConnection_GetConnectedUrl(handle, &buffer, buffer.count) == NATS_OK else { return nil }
        let url = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return url.isEmpty ? nil : url
    }

    static func milliseconds(_ d: Duration) -> Int64 {
        let (s, attos) = d.components
        return s * 1000 + attos / 1_000_000_000_000_000
    }

    /// Splits `--nats nats://a:4222,nats://b:4222` into URLs.
    public static func urls(from list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
