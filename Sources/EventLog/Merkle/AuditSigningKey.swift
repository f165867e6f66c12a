import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Ed25519 key that signs tree heads, kept in `<data-dir>/audit-signing.key`.
///
/// Contract:
/// - The file holds the 32 raw bytes of the private key, mode 0600. It is made on first use,
///   atomically: written to a private temporary file and linked into place, so processes that
///   race to make it (the server and the CLI) all end up with the one key that won.
/// - A key file that is not 32 bytes, or that others may read (any group/other mode bit), is
///   refused with an error saying what to do; it is never replaced.
public struct AuditSigningKey: Sendable {
    /// The file's name inside the data directory.
    public static let fileName = "audit-signing.key"

    private let privateKey: Curve25519.Signing.PrivateKey
    /// The file it was read from.
    public let path: String

    /// The 32-byte public key.
    public var publicKey: [UInt8] { [UInt8](privateKey.publicKey.rawRepresentation) }
    /// The public key in lower-case hex.
    public var publicKeyHex: String { Hex.encode(publicKey) }

    /// Reads the key of `dataDirectory`, making it (and the directory) when there is none.
    public static func loadOrCreate(dataDirectory: String) throws(EventLogError) -> AuditSigningKey {
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        if let key = try load(path: path) { return key }
        do {
            try FileManager.default.createDirectory(
                atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw EventLogError(.storage, "cannot create the data directory \(dataDirectory): \(error.localizedDescription)")
        }
        let fresh = Curve25519.Signing.PrivateKey()
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: .min ... .max))"
        defer { unlink(temporary) }
        try write([UInt8](fresh.rawRepresentation), to: temporary)
        if link(temporary, path) != 0 && errno != EEXIST {
            throw EventLogError(.storage, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        guard let key = try load(path: path) else {
            throw EventLogError(.storage, "cannot read \(path) just made")
        }
        return key
    }

    /// Signs `head` as of `timestamp`.
    public func sign(_ head: TreeHead, at timestamp: Timestamp = .now()) throws(EventLogError) -> SignedTreeHead {
        let bytes = SignedTreeHead.signedBytes(treeSize: head.size, rootHash: head.rootHash, timestamp: timestamp)
        let signature: Data
        do {
            signature = try privateKey.signature(for: bytes)
        } catch {
            throw EventLogError(.storage, "cannot sign the tree head: \(error)")
        }
        return SignedTreeHead(
            treeSize: head.size, rootHash: head.rootHash, timestamp: timestamp, signature: [UInt8](signature),
            publicKey: publicKey)
    }

    // MARK: Files

    private init(privateKey: Curve25519.Signing.PrivateKey, path: String) {
        self.privateKey = privateKey
        self.path = path
    }

    /// The key at `path`, nil when there is no file.
    private static func load(path: String) throws(EventLogError) -> AuditSigningKey? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw EventLogError(.storage, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw EventLogError(
                .storage,
                "\(path) may be read by others (mode \(String(info.st_mode & 0o777, radix: 8))); run chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EventLogError(.storage, "cannot read \(path)")
        }
        guard data.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: data) else {
            throw EventLogError(
                .storage,
                "\(path) is damaged (expected the 32 bytes of an Ed25519 private key, found \(data.count)); restore it from a backup")
        }
        return AuditSigningKey(privateKey: key, path: path)
    }

    private static func write(_ bytes: [UInt8], to path: String) throws(EventLogError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw EventLogError(.storage, "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            throw EventLogError(.storage, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
