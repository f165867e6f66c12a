import Crypto
import Foundation
public import JSON

/// A signed tree head, the "digest" an auditor keeps: the log's Merkle tree size and root at a
/// time, signed with the data directory's Ed25519 key (`AuditSigningKey`).
///
/// Contract:
/// - JSON form: `{"treeSize","rootHash","timestamp","signature","publicKey"}` (in that order);
///   hashes, keys and signatures in lower-case hex, `timestamp` RFC 3339 UTC with milliseconds.
/// - The signature is Ed25519 over the RFC 8785 (JCS) bytes of
///   `{"rootHash":...,"timestamp":...,"treeSize":...}`, i.e. `signedBytes`.
/// - Anyone can check it with a JCS library and Ed25519, without Lumbung (Scripts/verify_export.py).
public struct SignedTreeHead: Sendable, Equatable {
    public var treeSize: UInt64
    public var rootHash: EventHash
    public var timestamp: Timestamp
    /// The 64-byte Ed25519 signature.
    public var signature: [UInt8]
    /// The 32-byte Ed25519 public key (raw).
    public var publicKey: [UInt8]

    public init(treeSize: UInt64, rootHash: EventHash, timestamp: Timestamp, signature: [UInt8], publicKey: [UInt8]) {
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.timestamp = timestamp
        self.signature = signature
        self.publicKey = publicKey
    }

    /// The head it signs.
    public var treeHead: TreeHead { TreeHead(size: treeSize, rootHash: rootHash) }

    /// The JCS bytes the signature covers.
    public static func signedBytes(treeSize: UInt64, rootHash: EventHash, timestamp: Timestamp) -> [UInt8] {
        CanonicalJSON.encode(
            .object([
                ("rootHash", .string(rootHash.description)),
                ("timestamp", .string(timestamp.description)),
                ("treeSize", .number(Double(treeSize))),
            ]))
    }

    public var signedBytes: [UInt8] { Self.signedBytes(treeSize: treeSize, rootHash: rootHash, timestamp: timestamp) }

    /// Whether `signature` is a valid Ed25519 signature of `signedBytes` by `publicKey`.
    public var hasValidSignature: Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: signedBytes)
    }

    /// The JSON object, members in the documented order.
    public var json: JSONValue {
        .object([
            ("treeSize", .number(Double(treeSize))),
            ("rootHash", .string(rootHash.description)),
            ("timestamp", .string(timestamp.description)),
            ("signature", .string(Hex.encode(signature))),
            ("publicKey", .string(Hex.encode(publicKey))),
        ])
    }

    /// Reads a digest's JSON object; throws `invalidInput` naming the member that is missing or
    /// malformed. It does not check the signature (see `hasValidSignature`).
    public init(json: JSONValue) throws(EventLogError) {
        guard json.objectValue != nil else { throw .invalid("digest", "a digest is a JSON object") }
        guard let size = json["treeSize"]?.intValue, size >= 0 else {
            throw .invalid("treeSize", "must be a non-negative integer")
        }
        guard let root = json["rootHash"]?.stringValue.flatMap({ EventHash(lowercaseHex: $0) }) else {
            throw .invalid("rootHash", "must be 64 lower-case hex digits")
        }
        guard let text = json["timestamp"]?.stringValue, let time = Timestamp(text) else {
            throw .invalid("timestamp", "must be an RFC 3339 time")
        }
        guard let signature = json["signature"]?.stringValue.flatMap(Hex.decode), signature.count == 64 else {
            throw .invalid("signature", "must be 128 lower-case hex digits (an Ed25519 signature)")
        }
        guard let key = json["publicKey"]?.stringValue.flatMap(Hex.decode), key.count == 32 else {
            throw .invalid("publicKey", "must be 64 lower-case hex digits (an Ed25519 public key)")
        }
        self.init(treeSize: UInt64(size), rootHash: root, timestamp: time, signature: signature, publicKey: key)
    }
}

extension EventHash {
    /// Parses exactly 64 lower-case hex digits (the only form Lumbung writes).
    public init?(lowercaseHex text: some StringProtocol) {
        guard text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        self.init(hex: text)
    }
}
