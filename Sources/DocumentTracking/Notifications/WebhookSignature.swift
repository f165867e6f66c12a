import Crypto

/// The signature of a webhook request to the SMS/WhatsApp gateway: the header
/// `X-Lumbung-Signature: sha256=<hex>` where hex is HMAC-SHA256, keyed by the shared secret, of
/// `<X-Lumbung-Timestamp>.<body>`. Binding the timestamp lets the receiver refuse old replays.
public enum WebhookSignature {
    public static let signatureHeader = "X-Lumbung-Signature"
    public static let timestampHeader = "X-Lumbung-Timestamp"
    public static let idempotencyHeader = "Idempotency-Key"

    /// `sha256=<hex>` for `body` sent at `timestamp` (seconds since 1970, as the header carries it).
    public static func sign(body: [UInt8], timestamp: String, secret: [UInt8]) -> String {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: secret))
        hmac.update(data: Array(timestamp.utf8) + [UInt8(ascii: ".")] + body)
        return "sha256="
            + Array(hmac.finalize()).map { byte in
                let hex = Array("0123456789abcdef".utf8)
                return String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]], as: UTF8.self)
            }.joined()
    }

    /// Whether `header` is the signature of `body` at `timestamp`, compared in constant time.
    public static func verify(header: String, body: [UInt8], timestamp: String, secret: [UInt8]) -> Bool {
        let expected = Array(sign(body: body, timestamp: timestamp, secret: secret).utf8)
        let given = Array(header.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
