import CLMDB

/// A position in a database, bound to the transaction it was opened in. It cannot be copied and
/// is closed when dropped. Keys and values it yields point into the map: valid until the next
/// cursor operation or the end of the transaction.
public struct Cursor: ~Copyable {
    let handle: OpaquePointer

    public enum Direction: Sendable { case forward, backward }

    public typealias Entry = (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)

    init(handle: OpaquePointer) { self.handle = handle }

    deinit { mdb_cursor_close(handle) }

    @inline(__always)
    private func get(_ op: MDB_cursor_op, key: UnsafeRawBufferPointer? = nil) throws(LMDBError) -> Entry? {
        var k = MDB_val(mv_size: key?.count ?? 0, mv_data: UnsafeMutableRawPointer(mutating: key?.baseAddress))
        var v = MDB_val()
        let rc = mdb_cursor_get(handle, &k, &v, op)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "cursor read failed")
        return (
            UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size),
            UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size)
        )
    }

    public func first() throws(LMDBError) -> Entry? { try get(MDB_FIRST) }
    public func last() throws(LMDBError) -> Entry? { try get(MDB_LAST) }
    public func next() throws(LMDBError) -> Entry? { try get(MDB_NEXT) }
    public func previous() throws(LMDBError) -> Entry? { try get(MDB_PREV) }
    public func current() throws(LMDBError) -> Entry? { try get(MDB_GET_CURRENT) }

    /// Moves to exactly `key`.
    public func seek(exactly key: [UInt8]) throws -> Entry? {
        try key.withUnsafeBytes { kb in try get(MDB_SET_KEY, key: kb) }
    }

    /// Moves to the smallest key >= `key`.
    public func seek(atLeast key: [UInt8]) throws -> Entry? {
        try key.withUnsafeBytes { kb in try get(MDB_SET_RANGE, key: kb) }
    }

    /// Moves to the largest key <= `key`.
    public func seek(atMost key: [UInt8]) throws -> Entry? {
        if let e = try seek(atLeast: key) {
            if e.key.elementsEqual(key) { return e }
            return try previous()
        }
        return try last()
    }

    /// Visits entries from `start` in `direction`, restricted to keys beginning with `prefix`,
    /// until `body` returns false or the range ends.
    public func scan(
        from start: [UInt8]?, direction: Direction, prefix: [UInt8]?,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        var entry: Entry?
        switch (direction, start, prefix) {
        case (.forward, let s?, _): entry = try seek(atLeast: s)
        case (.forward, nil, let p?): entry = try seek(atLeast: p)
        case (.forward, nil, nil): entry = try first()
        case (.backward, let s?, _): entry = try seek(atMost: s)
        case (.backward, nil, let p?):
            // The last key with this prefix: seek just past the prefix, then step back.
            if let after = Cursor.successor(of: p) {
                entry = try seek(atLeast: after) != nil ? try previous() : try last()
            } else {
                entry = try last()
            }
        case (.backward, nil, nil): entry = try last()
        }
        while let e = entry {
            if let prefix, !e.key.starts(with: prefix) { return }
            guard try body(e.key, e.value) else { return }
            entry = direction == .forward ? try next() : try previous()
        }
    }

    /// The smallest byte string greater than every string starting with `prefix`, if any.
    static func successor(of prefix: [UInt8]) -> [UInt8]? {
        var s = prefix
        while let last = s.last {
            if last < 0xFF {
                s[s.count - 1] = last + 1
                return s
            }
            s.removeLast()
        }
        return nil
    }
}
