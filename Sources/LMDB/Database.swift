import CLMDB

/// Flags of `put`.
public struct PutFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Fail with `keyExists` instead of overwriting.
    public static let noOverwrite = PutFlags(rawValue: UInt32(MDB_NOOVERWRITE))
    /// The key is greater than every key in the database (fast sequential load); a smaller
    /// key fails with `keyExists`.
    public static let append = PutFlags(rawValue: UInt32(MDB_APPEND))
}

/// A named database inside an environment, typed by the codecs of its keys and values
/// (after heed's `Database<KC, DC>`). It is a handle only: every operation takes the
/// transaction it runs in.
public struct Database<Key: LMDBCodec, Value: LMDBCodec>: Sendable {
    let dbi: MDB_dbi
    public let name: String

    init(dbi: MDB_dbi, name: String) {
        self.dbi = dbi
        self.name = name
    }

    // MARK: Reads

    /// The value stored under `key`, or nil when there is none.
    public func get<T: ReadableTransaction & ~Copyable>(_ key: Key.Value, in txn: borrowing T) throws(LMDBError) -> Value.Value? {
        var data = MDB_val()
        guard try rawGet(key, handle: txn.handle, into: &data) else { return nil }
        return try Value.decode(UnsafeRawBufferPointer(start: data.mv_data, count: data.mv_size))
    }

    /// Calls `body` with the stored bytes of `key` without copying them (they point into the
    /// map and are valid only during the call). Returns nil when the key is absent.
    public func withValueBytes<T: ReadableTransaction & ~Copyable, R>(
        _ key: Key.Value, in txn: borrowing T, _ body: (UnsafeRawBufferPointer) throws -> R
    ) throws -> R? {
        var data = MDB_val()
        guard try rawGet(key, handle: txn.handle, into: &data) else { return nil }
        return try body(UnsafeRawBufferPointer(start: data.mv_data, count: data.mv_size))
    }

    /// Whether `key` is present.
    public func contains<T: ReadableTransaction & ~Copyable>(_ key: Key.Value, in txn: borrowing T) throws(LMDBError) -> Bool {
        var data = MDB_val()
        return try rawGet(key, handle: txn.handle, into: &data)
    }

    @inline(__always)
    private func rawGet(_ key: Key.Value, handle: OpaquePointer, into data: inout MDB_val) throws(LMDBError) -> Bool {
        let rc: Int32 = Key.withEncoded(key) { kb in
            var k = MDB_val(mv_size: kb.count, mv_data: UnsafeMutableRawPointer(mutating: kb.baseAddress))
            return mdb_get(handle, dbi, &k, &data)
        }
        if rc == MDB_NOTFOUND { return false }
        try check(rc, "cannot read from \(name)")
        return true
    }

    /// Number of entries.
    public func count<T: ReadableTransaction & ~Copyable>(in txn: borrowing T) throws(LMDBError) -> Int {
        var stat = MDB_stat()
        try check(mdb_stat(txn.handle, dbi, &stat), "cannot stat \(name)")
        return stat.ms_entries
    }

    // MARK: Writes

    /// Stores `value` under `key`.
    public func put(_ key: Key.Value, _ value: Value.Value, flags: PutFlags = [], in txn: borrowing WriteTransaction) throws(LMDBError) {
        let handle = txn.handle
        let rc: Int32 = Key.withEncoded(key) { kb in Value.withEncoded(value) { vb in rawPut(kb, vb, flags, handle) } }
        try check(rc, "cannot write to \(name)")
    }

    /// Stores raw bytes under `key`, as written by `fill` into a buffer of `size` bytes reserved
    /// in the map (`MDB_RESERVE`): the value is built in place with no extra copy.
    public func putReserved(
        _ key: Key.Value, size: Int, flags: PutFlags = [], in txn: borrowing WriteTransaction,
        _ fill: (UnsafeMutableRawBufferPointer) -> Void
    ) throws(LMDBError) {
        let handle = txn.handle
        var v = MDB_val(mv_size: size, mv_data: nil)
        let rc: Int32 = Key.withEncoded(key) { kb in
            var k = MDB_val(mv_size: kb.count, mv_data: UnsafeMutableRawPointer(mutating: kb.baseAddress))
            return mdb_put(handle, dbi, &k, &v, flags.rawValue | UInt32(MDB_RESERVE))
        }
        try check(rc, "cannot write to \(name)")
        fill(UnsafeMutableRawBufferPointer(start: v.mv_data, count: size))
    }

    /// Stores `value` under `key`, both given as encoded bytes (what `put` writes once its codecs
    /// have encoded them): for a caller that keeps many keys in one buffer.
    public func putRaw(
        key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, flags: PutFlags = [], in txn: borrowing WriteTransaction
    ) throws(LMDBError) {
        try check(rawPut(key, value, flags, txn.handle), "cannot write to \(name)")
    }

    /// Removes the key given as encoded bytes; returns whether it was there.
    @discardableResult
    public func deleteRaw(key: UnsafeRawBufferPointer, in txn: borrowing WriteTransaction) throws(LMDBError) -> Bool {
        try removed(rawDelete(key, txn.handle))
    }

    @inline(__always)
    private func rawPut(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, _ flags: PutFlags, _ handle: OpaquePointer) -> Int32
    {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        return mdb_put(handle, dbi, &k, &v, flags.rawValue)
    }

    @inline(__always)
    private func rawDelete(_ key: UnsafeRawBufferPointer, _ handle: OpaquePointer) -> Int32 {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        return mdb_del(handle, dbi, &k, nil)
    }

    /// Whether a delete that returned `rc` removed its key (`MDB_NOTFOUND`: it was not there).
    private func removed(_ rc: Int32) throws(LMDBError) -> Bool {
        if rc == MDB_NOTFOUND { return false }
        try check(rc, "cannot delete from \(name)")
        return true
    }

    /// Removes `key`; returns whether it was there.
    @discardableResult
    public func delete(_ key: Key.Value, in txn: borrowing WriteTransaction) throws(LMDBError) -> Bool {
        let handle = txn.handle
        return try removed(Key.withEncoded(key) { kb in rawDelete(kb, handle) })
    }

    /// Removes every entry (the database stays).
    public func clear(in txn: borrowing WriteTransaction) throws(LMDBError) {
        try check(mdb_drop(txn.handle, dbi, 0), "cannot clear \(name)")
    }

    /// Removes the database itself from the environment.
    public func drop(in txn: borrowing WriteTransaction) throws(LMDBError) {
        try check(mdb_drop(txn.handle, dbi, 1), "cannot drop \(name)")
    }

    // MARK: Cursors

    /// Opens a cursor over this database, valid within `txn`.
    public func cursor<T: ReadableTransaction & ~Copyable>(in txn: borrowing T) throws(LMDBError) -> Cursor {
        var c: OpaquePointer?
        try check(mdb_cursor_open(txn.handle, dbi, &c), "cannot open cursor on \(name)")
        guard let c else { throw LMDBError(returnCode: 22, context: "cannot open cursor on \(name)") }
        return Cursor(handle: c)
    }

    /// Visits entries in key order (or reverse), decoded, until `body` returns false.
    ///
    /// - `from`: first key to visit (forward: the smallest key >= it; backward: the largest key <= it).
    /// - `prefix`: only keys that start with these bytes.
    public func forEach<T: ReadableTransaction & ~Copyable>(
        in txn: borrowing T, from start: Key.Value? = nil, direction: Cursor.Direction = .forward,
        prefix: [UInt8]? = nil, _ body: (Key.Value, Value.Value) throws -> Bool
    ) throws {
        let cursor = try self.cursor(in: txn)
        try cursor.scan(from: start.map { Key.withEncoded($0) { [UInt8]($0) } }, direction: direction, prefix: prefix) { k, v in
            try body(try Key.decode(k), try Value.decode(v))
        }
    }

    /// As `forEach`, with the raw bytes of keys and values (valid only during each call).
    public func forEachRaw<T: ReadableTransaction & ~Copyable>(
        in txn: borrowing T, from start: [UInt8]? = nil, direction: Cursor.Direction = .forward,
        prefix: [UInt8]? = nil, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        let cursor = try self.cursor(in: txn)
        try cursor.scan(from: start, direction: direction, prefix: prefix, body)
    }
}
