public import Crypto
import Foundation

/// The keyed hashes that keep a resident's NIK and PIN out of the log.
///
/// A plain SHA-256 of a 16-digit NIK could be reversed by trying every NIK, so both hashes are
/// HMAC-SHA256 under the server's secret (kept in the data directory, never in the log):
/// - `nikHash = hex(HMAC-SHA256(secret, "nik:" + NIK))`
/// - `pinHash = hex(HMAC-SHA256(secret, "pin:" + receiptNumber + ":" + PIN))`
/// Hex is lower case, 64 digits.
public enum DocumentSecrets {
    /// The NIK's keyed hash (the NIK must already be checked: 16 digits).
    public static func nikHash(nik: String, secret: SymmetricKey) -> String {
        hmacHex("nik:" + nik, secret)
    }

    /// The PIN's keyed hash, bound to its receipt number (the same PIN on another receipt hashes
    /// differently).
    public static func pinHash(receiptNumber: String, pin: String, secret: SymmetricKey) -> String {
        hmacHex("pin:" + receiptNumber + ":" + pin, secret)
    }

    static func hmacHex(_ message: String, _ secret: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: secret)
        return hex(Array(mac))
    }

    /// HMAC-SHA256 under one secret with the key schedule done once (a copy of the prepared state
    /// per message): the PIN check of every cek resi lookup. Same results as `pinHash`.
    public struct PreparedKey: Sendable {
        private let prepared: HMAC<SHA256>

        public init(_ secret: SymmetricKey) { prepared = HMAC<SHA256>(key: secret) }

        public func pinHash(receiptNumber: String, pin: String) -> String {
            var mac = prepared
            mac.update(data: Array(("pin:" + receiptNumber + ":" + pin).utf8))
            return hex(Array(mac.finalize()))
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `text` is 64 lower-case hex digits (the form of both hashes).
    public static func isHash(_ text: String) -> Bool {
        let b = text.utf8
        return b.count == 64 && b.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Whether `a` and `b` are the same bytes, taking a time that depends only on their lengths,
    /// never on where they first differ (for comparing a PIN's hash with the stored one).
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let n = max(a.count, b.count)
        var diff: UInt8 = a.count == b.count ? 0 : 1
        for i in 0..<n {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            diff |= x ^ y
        }
        return diff == 0
    }

    /// A fresh server secret (256 random bits), for a new data directory or a test.
    public static func newSecret() -> SymmetricKey { SymmetricKey(size: .bits256) }
}

/// A lookup's receipt number and PIN as the lookup compares them: the receipt number normalized
/// and the keyed hash of the PIN (`DocumentSecrets.pinHash`), computed whether or not either is
/// well formed, so that a malformed one costs the same as a wrong one.
public struct LookupCredential: Sendable {
    /// The normalized receipt number; nil when it is not one.
    public let receipt: String?
    /// The hash the view keeps for this receipt number and PIN (hex, as UTF-8).
    public let pinHash: [UInt8]
    /// Whether the PIN has a PIN's form (one that is not can match no application).
    public let wellFormed: Bool

    public init(receiptNumber: String, pin: String, key: DocumentSecrets.PreparedKey) {
        receipt = ReceiptNumber.normalize(receiptNumber)
        let pinText = PIN.normalize(pin)
        wellFormed = pinText != nil
        pinHash = Array(key.pinHash(receiptNumber: receipt ?? receiptNumber, pin: pinText ?? pin).utf8)
    }

    /// Whether `stored` is this credential's hash, compared in constant time.
    public func matches(_ stored: [UInt8]) -> Bool { DocumentSecrets.constantTimeEqual(pinHash, stored) }
}
