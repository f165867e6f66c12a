import Foundation
public import JSON

/// A personal field as the log stores it: `{"sealed":"v1","subject":"<pseudonym>","ciphertext":"<base64>"}`.
///
/// `ciphertext` is base64 (standard alphabet, padded) of AES-256-GCM's combined form (12-byte
/// nonce, ciphertext, 16-byte tag) under the subject's data key, with the associated data
/// `"lumbung sealed v1\n" + subject + "\n" + field` (`field` being the payload path, e.g.
/// `applicant.nik`): a sealed value moved to another field or another subject does not open.
/// Once the subject's key is destroyed (`Vault.forget`), nothing opens it again.
public struct SealedValue: Codable, Sendable, Hashable, JSONFieldRules {
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

    public static func rule(forKey key: String) -> JSONFieldRule? {
        switch CodingKeys(stringValue: key) {
        case .sealed:
            JSONFieldRule(expected: "\"v1\"", maxBytes: 2, checkString: { $0 == version ? nil : "must be \"v1\"" })
        case .subject:
            JSONFieldRule(
                expected: "a subject pseudonym", maxBytes: 40,
                checkString: { Vault.isPseudonym($0) ? nil : "must be a subject pseudonym (subj- and 24 hex digits)" })
        case .ciphertext:
            JSONFieldRule(
                expected: "base64 of an AES-GCM sealed box", maxBytes: maxCiphertextBytes,
                checkString: { s in
                    guard let bytes = Base64.decode(s), bytes.count >= 28 else {
                        return "must be base64 of an AES-GCM sealed box (nonce, ciphertext, tag)"
                    }
                    return nil
                })
        default: nil
        }
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
