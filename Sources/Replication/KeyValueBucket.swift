import CNATS
import Foundation

/// A JetStream key-value bucket (nats.c's KV API: a stream `KV_<bucket>` whose subjects are
/// `$KV.<bucket>.<key>`), opened through a `JetStream` context.
///
/// Contract:
/// - `open(..., create: true)` binds to the bucket, creating it when missing with the given
///   `history` (1 by default: a key's new value replaces the old one in the stream), file storage
///   unless `memoryStorage`, and `replicas` copies. An existing bucket is used as it is (its
///   history is reported by `history`, never changed here).
/// - `put` returns only once JetStream acknowledged the value (its revision): a reader that then
///   `get`s the key from any node of the cluster finds it.
/// - `purge` puts a purge marker with the rollup header: JetStream removes every earlier revision
///   of the key from the stream; `get` then answers nil. (What a file store does with the removed
///   bytes on disk is JetStream's business: see docs/privacy.md.)
/// - `get` answers the key's latest value, or nil when the key was never put, was deleted or was
///   purged.
/// - Every failure is a `NATSError` naming the bucket and the key.
public final class KeyValueBucket: @unchecked Sendable {
    let handle: OpaquePointer
    /// The bucket's name.
    public let name: String
    /// The context it was opened through (kept alive as long as the bucket).
    public let context: JetStream

    private init(handle: OpaquePointer, name: String, context: JetStream) {
        self.handle = handle
        self.name = name
        self.context = context
    }

    deinit { kvStore_Destroy(handle) }

    /// The name of the stream JetStream keeps the bucket `bucket` in.
    public static func streamName(_ bucket: String) -> String { "KV_" + bucket }

    /// The subject of `key` in the bucket `bucket` (what the stream's messages are published on).
    public static func subject(bucket: String, key: String) -> String { "$KV.\(bucket).\(key)" }

    /// Whether `text` may name a bucket (letters, digits, `-` and `_`).
    public static func isValidBucketName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { Self.nameByte($0) }
    }

    /// Whether `text` may be a key (letters, digits, `-`, `_`, `=`, `/` and `.`, not at either end).
    public static func isValidKey(_ text: String) -> Bool {
        guard !text.isEmpty, !text.hasPrefix("."), !text.hasSuffix(".") else { return false }
        return text.utf8.allSatisfy { Self.nameByte($0) || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ".") }
    }

    private static func nameByte(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x2D || c == 0x5F
    }

    /// The bucket `name`: nil when it does not exist and `create` is false; created (see the
    /// contract) when it does not exist and `create` is true.
    public static func open(
        _ name: String, in context: JetStream, create: Bool, history: Int = 1, replicas: Int = 1, memoryStorage: Bool = false
    ) throws(NATSError) -> KeyValueBucket? {
        guard isValidBucketName(name) else {
            throw NATSError(
                status: NATS_INVALID_ARG.rawValue, message: "\(name) cannot name a key-value bucket (letters, digits, - and _)")
        }
        var kv: OpaquePointer? = nil
        let status = js_KeyValue(&kv, context.handle, name)
        if status == NATS_OK, let kv { return KeyValueBucket(handle: kv, name: name, context: context) }
        if status != NATS_NOT_FOUND {
            let failure = NATSError(status, "cannot open key-value bucket \(name)")
            // The client may answer a missing bucket otherwise: its stream tells.
            guard try context.streamInfo(streamName(name)) == nil else { throw failure }
        }
        guard create else { return nil }
        var config = kvConfig()
        try check(kvConfig_Init(&config), "cannot initialise a key-value configuration")
        let nameC = strdup(name)
        defer { free(nameC) }
        config.Bucket = UnsafePointer(nameC)
        config.History = UInt8(clamping: history)
        config.Replicas = Int32(replicas)
        config.StorageType = memoryStorage ? js_MemoryStorage : js_FileStorage
        var made: OpaquePointer? = nil
        try check(js_CreateKeyValue(&made, context.handle, &config), "cannot create key-value bucket \(name)")
        guard let made else { throw NATSError(status: NATS_ERR.rawValue, message: "the NATS client gave no key-value bucket") }
        return KeyValueBucket(handle: made, name: name, context: context)
    }

    /// Puts `value` under `key` and waits for JetStream's acknowledgment; returns its revision.
    @discardableResult
    public func put(_ key: String, _ value: [UInt8]) throws(NATSError) -> UInt64 {
        var revision: UInt64 = 0
        let status = value.withUnsafeBytes { raw in
            kvStore_Put(&revision, handle, key, raw.baseAddress, Int32(raw.count))
        }
        try check(status, "cannot put key \(key) in bucket \(name)")
        return revision
    }

    /// The latest value of `key`, or nil when there is none (never put, deleted or purged).
    public func get(_ key: String) throws(NATSError) -> [UInt8]? {
        var entry: OpaquePointer? = nil
        let status = kvStore_Get(&entry, handle, key)
        defer { if let entry { kvEntry_Destroy(entry) } }
        if status == NATS_NOT_FOUND { return nil }
        try check(status, "cannot get key \(key) of bucket \(name)")
        guard let entry, kvEntry_Operation(entry) == kvOp_Put else { return nil }
        let count = Int(kvEntry_ValueLen(entry))
        guard count > 0, let p = kvEntry_Value(entry) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: p, count: count))
    }

    /// Purges `key`: a purge marker (rollup) replaces every revision of it in the stream, and
    /// JetStream acknowledged it.
    public func purge(_ key: String) throws(NATSError) {
        try check(kvStore_Purge(handle, key, nil), "cannot purge key \(key) of bucket \(name)")
    }

    /// How many revisions of a key the bucket keeps (its stream's per-subject limit).
    public func history() throws(NATSError) -> Int {
        var status: OpaquePointer? = nil
        try check(kvStore_Status(&status, handle), "cannot read the status of bucket \(name)")
        defer { kvStatus_Destroy(status) }
        guard let status else { return 0 }
        return Int(kvStatus_History(status))
    }
}
