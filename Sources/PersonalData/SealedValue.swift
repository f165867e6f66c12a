import Foundation
public import JSON

/// A personal field as the log stores it: `{"sealed":"v1","subject":"<pseudonym>","ciphertext":"<base64>"}`.
///
/// `ciphertext` is base64 (standard alphabet, padded) of AES-256-GCM's combined form (12-byte
/// nonce, ciphertext, 16-byte tag) under the subject's data key, with the associated data
/// `"lumbung sealed v1\n" + subject + "\n" + field` (`field` being the payload path, e.g.
/// `applicant.nik`): a sealed value moved to another field or another subject does not open.
/// Once the subject's key is destroyed (`Vault.forget`), nothing opens it again.
public struct SealedValue: Codable, Sendable, Hashable, JSONStringRecord {
    /// The format: always `v1`.
    public var sealed: String
    /// The subject's pseudonym (`Vault.isPseudonym`).
    public var subject: String
    public var ciphertext: String

    public static let version = "v1"
    /// The largest base64 ciphertext accepted: values up to about 750 bytes.
    public static let maxCiphertextBytes = 1024

    public init(subject: String, ciphertext: String) {
        sealed = Self.version
        self.subject = subject
        self.ciphertext = ciphertext
    }

    public static let memberNames = ["sealed", "subject", "ciphertext"]

    /// Read by `JSONValueDecoder` without `Codable`'s containers (every projector and the rules
    /// read every sealed field of every event).
    public init(strings: [String]) {
        sealed = strings[0]
        subject = strings[1]
        ciphertext = strings[2]
    }

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "sealed": sealedRule
        case "subject": subjectRule
        case "ciphertext": ciphertextRule
        default: nil
        }
    }

    static let sealedRule = JSONFieldRule(expected: "\"v1\"", maxBytes: 2, checkString: { $0 == version ? nil : "must be \"v1\"" })
    static let subjectRule = JSONFieldRule(
        expected: "a subject pseudonym", maxBytes: 40,
        checkString: { Vault.isPseudonym($0) ? nil : "must be a subject pseudonym (subj- and 24 hex digits)" })
    static let ciphertextRule = JSONFieldRule(
        expected: "base64 of an AES-GCM sealed box", maxBytes: maxCiphertextBytes,
        checkString: { s in isBase64(s) ? nil : "must be base64 of an AES-GCM sealed box (nonce, ciphertext, tag: at least 28 bytes)" })

    /// Whether `text` is padded standard base64 of at least 28 bytes (a nonce and a tag), checked
    /// without decoding it (every projector reads every sealed field).
    static func isBase64(_ text: String) -> Bool {
        let b = text.utf8
        let count = b.count
        guard count % 4 == 0, count >= 40 else { return false }
        var padding = 0
        var i = 0
        for c in b {
            defer { i += 1 }
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "+"), UInt8(ascii: "/"):
                if padding > 0 { return false }
            case UInt8(ascii: "="):
                padding += 1
                if padding > 2 || i < count - 2 { return false }
            default: return false
            }
        }
        return true
    }

    /// The associated data binding a sealed value to its subject and field.
    static func associatedData(subject: String, field: String) -> [UInt8] {
        Array("lumbung sealed v1\n\(subject)\n\(field)".utf8)
    }
}

/// Standard base64 with padding (Foundation's), strict on reading.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
    static func decode(_ text: String) -> [UInt8]? { Data(base64Encoded: text).map { Array($0) } }
}
