import LMDB

/// The databases of the log environment and their key layouts.
struct LogDatabases: Sendable {
    /// position (UInt64 BE) -> record (see `EventCoding`).
    let events: Database<UInt64BE, Bytes>
    /// stream bytes + 0x00 + version (UInt64 BE) -> position (UInt64 BE).
    let streams: Database<Bytes, UInt64BE>
    /// stream -> current version.
    let heads: Database<UTF8String, UInt64BE>
    /// event id (16 bytes) -> position.
    let ids: Database<Bytes, UInt64BE>
    /// type bytes + 0x00 + position (UInt64 BE) -> nothing.
    let types: Database<Bytes, Unit>
    /// "format" -> UInt32 BE; "head" -> position (8) + hash (32) + recordedAt (8);
    /// "merkle" -> the Merkle tree's right edge (`MerkleFrontier.encoded`), always covering
    /// exactly positions 1...head (absent in a log made before the tree, until it is built).
    let meta: Database<UTF8String, Bytes>
    /// The Merkle tree's complete subtrees at levels >= `MerkleStore.storedLevels` (see
    /// `MerkleStore`): end leaf count (UInt64 BE) + level (1 byte) -> 32-byte node hash. Keys
    /// grow with every node made, so they are written with `MDB_APPEND`.
    let merkle: Database<Bytes, Bytes>
    /// The append guards' decision state (see `DecisionState.swift`): key bytes, prefixed by the
    /// guard's own name -> value bytes. Written only inside the writer's transaction.
    let decisions: Database<Bytes, Bytes>

    static let formatVersion: UInt32 = 1
    /// The key in `meta` of the position the decision state is current to (UInt64 BE; absent
    /// when no guard that keeps decision state ever wrote).
    static let decisionsKey = "decisions"
    /// The key in `meta` of the layout the decision state was built with (text, the guard's).
    static let decisionsLayoutKey = "decisions-layout"

    init(environment env: Environment) throws {
        events = try env.database("events")
        streams = try env.database("streams")
        heads = try env.database("heads")
        ids = try env.database("ids")
        types = try env.database("types")
        meta = try env.database("meta")
        merkle = try env.database("merkle")
        decisions = try env.database("decisions")
    }

    /// The key layout of `streams` and `types`: a name's bytes, 0x00, then `number` (UInt64 BE),
    /// written into `key` (replacing what it held). The per-event write reuses one buffer for
    /// its puts; `streamKey` allocates one.
    static func writeKey(_ name: UnsafeRawBufferPointer, _ number: UInt64, into key: inout [UInt8]) {
        key.removeAll(keepingCapacity: true)
        key.append(contentsOf: name)
        key.append(0)
        withUnsafeBytes(of: number.bigEndian) { key.append(contentsOf: $0) }
    }

    static func streamKey(_ stream: UnsafeRawBufferPointer, version: UInt64) -> [UInt8] {
        var key = [UInt8]()
        key.reserveCapacity(stream.count + 9)
        writeKey(stream, version, into: &key)
        return key
    }

    static func streamKey(_ stream: String, version: UInt64) -> [UInt8] {
        var s = stream
        return s.withUTF8 { streamKey(UnsafeRawBufferPointer($0), version: version) }
    }
}

/// The head of the chain: the last position, its hash and its `recordedAt`.
struct ChainHead: Sendable, Equatable {
    var position: UInt64
    var hash: EventHash
    var recordedAt: Timestamp

    static let empty = ChainHead(position: 0, hash: .zero, recordedAt: Timestamp(millisecondsSince1970: 0))

    var encoded: [UInt8] {
        var out = [UInt8]()
        withUnsafeBytes(of: position.bigEndian) { out.append(contentsOf: $0) }
        hash.appendRaw(to: &out)
        withUnsafeBytes(of: recordedAt.millisecondsSince1970.bigEndian) { out.append(contentsOf: $0) }
        return out
    }

    init(position: UInt64, hash: EventHash, recordedAt: Timestamp) {
        self.position = position
        self.hash = hash
        self.recordedAt = recordedAt
    }

    init?(encoded b: UnsafeRawBufferPointer) {
        guard b.count == 48 else { return nil }
        position = UInt64(bigEndian: b.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        hash = EventHash(raw: UnsafeRawBufferPointer(rebasing: b[8..<40]))
        recordedAt = Timestamp(millisecondsSince1970: Int64(bigEndian: b.loadUnaligned(fromByteOffset: 40, as: Int64.self)))
    }

    static func read<T: ReadableTransaction & ~Copyable>(_ dbs: LogDatabases, in txn: borrowing T) throws -> ChainHead {
        try dbs.meta.withValueBytes("head", in: txn) { b throws(LMDBError) in
            guard let head = ChainHead(encoded: b) else { throw .decoding("the log head") }
            return head
        } ?? .empty
    }

}

extension LogDatabases {
    // The decision state's bookkeeping in `meta`.

    /// The position the decision state is current to (0 when none was recorded).
    func statePosition<T: ReadableTransaction & ~Copyable>(in txn: borrowing T) throws -> UInt64 {
        try meta.withValueBytes(Self.decisionsKey, in: txn) { try UInt64BE.decode($0) } ?? 0
    }

    /// Records the position the decision state is current to.
    func setStatePosition(_ position: UInt64, in txn: borrowing WriteTransaction) throws(LMDBError) {
        try meta.put(Self.decisionsKey, bigEndian(position), in: txn)
    }

    /// Whether the log is a read replica (`EventStore.replicaKey` set).
    func isReplica<T: ReadableTransaction & ~Copyable>(in txn: borrowing T) throws -> Bool {
        try meta.withValueBytes(EventStore.replicaKey, in: txn, { _ in true }) ?? false
    }
}
