public import EventLog
public import Foundation
public import JSON
import LMDB
import Synchronization

/// Read access to the databases of the views environment, by the local names projectors use.
/// Valid only during the closure it is given to (it wraps a transaction).
public struct ViewReader {
    let handle: UnsafeTransactionReference
    let resolve: (String) throws -> Database<Bytes, Bytes>

    /// LMDB's largest key, in bytes (its default build). No key outside 1...511 bytes can be
    /// stored, so a lookup of one finds nothing (LMDB itself would refuse it with MDB_BAD_VALSIZE:
    /// a query with an empty or very long id must answer "not found", not fail).
    public static let maxKeyBytes = 511

    @usableFromInline
    static func storable(_ key: String) -> Bool { !key.isEmpty && key.utf8.count <= maxKeyBytes }

    /// The bytes stored under `key` in database `db`, or nil.
    public func get(_ db: String, _ key: String) throws -> [UInt8]? {
        guard Self.storable(key) else { return nil }
        return try resolve(db).get(Array(key.utf8), in: handle)
    }

    /// A JSON value stored under `key` (see `ViewWriter.putJSON`), or nil.
    public func json(_ db: String, _ key: String) throws -> JSONValue? {
        guard Self.storable(key) else { return nil }
        return try resolve(db).withValueBytes(Array(key.utf8), in: handle) { try JSONParser.parse($0) }
    }

    /// A Codable value stored under `key` (see `ViewWriter.put(_:_:value:)`), or nil.
    public func value<T: Decodable>(_ type: T.Type, _ db: String, _ key: String) throws -> T? {
        guard let bytes = try get(db, key) else { return nil }
        return try ViewCoding.decode(type, bytes)
    }

    /// Visits `(key, value)` of `db` whose keys start with `prefix`, in key order (or reverse),
    /// until `body` returns false. `from` starts at that key instead of the prefix's first.
    public func scan(
        _ db: String, prefix: String = "", from: String? = nil, reverse: Bool = false,
        _ body: (String, [UInt8]) throws -> Bool
    ) throws {
        // No stored key is longer than `maxKeyBytes`: a longer prefix selects nothing.
        guard prefix.utf8.count <= Self.maxKeyBytes else { return }
        let from = from.map {
            $0.utf8.count <= Self.maxKeyBytes ? $0 : String(decoding: Array($0.utf8.prefix(Self.maxKeyBytes - 4)), as: UTF8.self)
        }
        try resolve(db).forEachRaw(
            in: handle, from: from.map { Array($0.utf8) }, direction: reverse ? .backward : .forward,
            prefix: prefix.isEmpty ? nil : Array(prefix.utf8)
        ) { k, v in
            try body(String(decoding: k, as: UTF8.self), [UInt8](v))
        }
    }

    /// As `scan`, decoding each value as `T`.
    public func scanValues<T: Decodable>(
        _ type: T.Type, _ db: String, prefix: String = "", reverse: Bool = false, _ body: (String, T) throws -> Bool
    ) throws {
        try scan(db, prefix: prefix, reverse: reverse) { k, v in try body(k, try ViewCoding.decode(type, v)) }
    }

    /// Number of entries in `db`.
    public func count(_ db: String) throws -> Int {
        try resolve(db).count(in: handle)
    }
}

/// Write access for a projector's `apply`: its own databases, inside the engine's write
/// transaction (the one that also writes its checkpoint). Valid only during `apply` and
/// `finishBatch`.
///
/// The engine gives each projector a writer per write transaction with a `ViewWriteCache`: reads
/// see the writes made before them. A key read or written in the batch (raw bytes, a Codable
/// value, a delete) is kept in the cache, and its changes reach LMDB when the engine flushes the
/// cache at the end of the batch (before the checkpoint): such a key is written once, in key order,
/// and a Codable value stays typed (read back without decoding, encoded once at the flush). A scan
/// writes its database's pending changes first, so it sees them.
///
/// A class: the engine hands the same writer to every event of a batch, which a struct of four
/// references copied (retained and released) per event and view.
public final class ViewWriter {
    @usableFromInline let reader: ViewReader
    @usableFromInline let cache: ViewWriteCache?
    /// The log the view is folded from (nil for a writer without one, in tests of a fold alone).
    let log: EventStore?
    private let batch: BatchState

    init(reader: ViewReader, cache: ViewWriteCache? = nil, log: EventStore? = nil, batch: BatchState = BatchState(sharers: 1)) {
        self.reader = reader
        self.cache = cache
        self.log = log
        self.batch = batch
    }

    /// The event of the log with the id `id` (text, any case), or nil when the log holds none or
    /// the writer has no log. Every event a fold is given comes after the events it names (a
    /// correction after its report), so a view need not keep a copy of what the log already holds
    /// for the rare event that refers back (`prices.daily`'s report of a correction).
    public func loggedEvent(_ id: String) throws -> RecordedEvent? {
        guard let log, let eventID = EventID(id), let position = try log.position(of: eventID) else { return nil }
        return try log.event(at: position)
    }

    /// Objects a fold keeps for one write transaction, one per type; shared by the writers of
    /// one `Projector.batchGroup` that fold the same events.
    ///
    /// A fold has one or two kinds of object: they are found by comparing identifiers (a
    /// dictionary hashed one per report of prices, four views per report), and set and read in
    /// single statements (unchecked for overlapping access).
    final class BatchState {
        @exclusivity(unchecked) var types: [ObjectIdentifier] = []
        @exclusivity(unchecked) var objects: [AnyObject] = []
        let sharers: Int

        init(sharers: Int) { self.sharers = sharers }
    }

    /// How many writers of this write transaction share this one's batch state (1: none other):
    /// views of one `Projector.batchGroup` folding the same events, in the order the engine
    /// applies each event to them. A shared fold does its common work once per event (for the
    /// first writer to see it) and lets go of its state at the last writer's `finishBatch`.
    public var batchSharers: Int { batch.sharers }

    /// The object of type `T` kept for the rest of this write transaction, made by `make` on its
    /// first use: what a fold gathers over a batch in `apply` and writes out once in `finishBatch`
    /// (the engine calls it in the same transaction, before the checkpoint, so nothing kept here
    /// is lost or seen half-written; an error aborts the transaction with it). Each projector has
    /// a writer of its own, so the object is the projector's alone, unless its
    /// `Projector.batchGroup` shares it with views that fold the same events (`batchSharers`).
    public func batchState<T: AnyObject>(_ make: () -> T) -> T {
        let id = ObjectIdentifier(T.self)
        // Kept under its own type's identifier, so it is a `T` (no dynamic cast per call).
        for i in batch.types.indices where batch.types[i] == id { return unsafeDowncast(batch.objects[i], to: T.self) }
        let made = make()
        batch.types.append(id)
        batch.objects.append(made)
        return made
    }

    var handle: UnsafeTransactionReference { reader.handle }

    public func get(_ db: String, _ key: String) throws -> [UInt8]? {
        guard let cache, ViewReader.storable(key) else { return try reader.get(db, key) }
        return try cache.bytes(db, key, reader)
    }

    public func json(_ db: String, _ key: String) throws -> JSONValue? {
        guard cache != nil else { return try reader.json(db, key) }
        return try get(db, key).map { try JSONParser.parse($0) }
    }

    @inlinable
    public func value<T: Decodable>(_ type: T.Type, _ db: String, _ key: String) throws -> T? {
        guard let cache, ViewReader.storable(key) else { return try reader.value(type, db, key) }
        return try cache.value(type, db, key, reader)
    }

    public func scan(
        _ db: String, prefix: String = "", from: String? = nil, reverse: Bool = false,
        _ body: (String, [UInt8]) throws -> Bool
    ) throws {
        try cache?.flush(db, reader)
        try reader.scan(db, prefix: prefix, from: from, reverse: reverse, body)
    }

    /// Stores raw bytes, in the cache (written with the batch's other changes, in key order: a
    /// rebuild's appended to its fresh databases; a key put and deleted in one batch is never
    /// written). They went straight into LMDB when the cache did not hold the key: a B-tree
    /// insert in random order per put, ~4,000 instructions, a tenth of the document views' folds
    /// (callgrind, a rebuild of 300,000 events).
    public func put(_ db: String, _ key: String, bytes: [UInt8]) throws {
        guard let cache, ViewReader.storable(key) else { return try putNow(db, key, bytes) }
        cache.set(db, key, to: .stored(bytes))
    }

    /// Stores a JSON value (canonical form).
    public func putJSON(_ db: String, _ key: String, _ value: JSONValue) throws {
        try put(db, key, bytes: CanonicalJSON.encode(value))
    }

    /// Stores a Codable value. Inlined where it is called, with the cache's typed operations, so
    /// that they run for the value's own type: generic code of this module looked the type's
    /// metadata up at run time (an optional's, a box's) per operation.
    @inlinable
    public func put<T: Encodable>(_ db: String, _ key: String, value: T) throws {
        // A class would be shared with the caller, who may change it after the put.
        guard let cache, ViewReader.storable(key), !(T.self is AnyObject.Type) else {
            return try put(db, key, bytes: ViewCoding.encode(value))
        }
        cache.put(value, db, key)
    }

    /// Reads, changes and stores a Codable value (`initial` when absent). With a cache, the value
    /// is changed in place, where the cache keeps it (a value holding collections is not copied):
    /// `change` must not read or write this writer's views (it changes a value only).
    @inlinable
    public func update<T: Codable>(_ db: String, _ key: String, initial: @autoclosure () -> T, _ change: (inout T) throws -> Void) throws {
        guard let cache, ViewReader.storable(key), !(T.self is AnyObject.Type) else {
            var v = try value(T.self, db, key) ?? initial()
            try change(&v)
            return try put(db, key, value: v)
        }
        // Changed in place even when `change` throws: the engine aborts the transaction on any
        // error of a fold, so nothing of this batch is written.
        try cache.update(T.self, db, key, reader, initial: initial, change)
    }

    /// Changes the Codable value of `key` in place, as `update`, when the key holds one; false
    /// (and nothing written) when it holds none. For a value read to be changed and stored back
    /// (a read and a put copied it, and a collection in it was copied again when it grew).
    @discardableResult
    @inlinable
    public func updateIfPresent<T: Codable>(_ db: String, _ key: String, _ change: (inout T) throws -> Void) throws -> Bool {
        guard let cache, ViewReader.storable(key), !(T.self is AnyObject.Type) else {
            guard var v = try value(T.self, db, key) else { return false }
            try change(&v)
            try put(db, key, value: v)
            return true
        }
        return try cache.updateIfPresent(T.self, db, key, reader, change)
    }

    /// Deletes `key` (in the cache, as `put(_:_:bytes:)`).
    public func delete(_ db: String, _ key: String) throws {
        guard let cache, ViewReader.storable(key) else {
            let d = try reader.resolve(db)
            return try ViewWriter.withWriteTransaction(handle) { txn in _ = try d.delete(Array(key.utf8), in: txn) }
        }
        cache.set(db, key, to: .absent)
    }

    /// Writes every pending change of `writers` to LMDB and forgets their slots (the engine calls
    /// it at the end of each batch, before the checkpoint). A rebuild's batch ends with hundreds of
    /// thousands of typed values to encode; encoding is a pure function of each value, so from 64
    /// values on it is done on two threads: both take chunks of values, in the order of their
    /// databases, and this thread writes each database as soon as its values are encoded, in
    /// between chunks (it holds the write transaction), and leaves the freeing of what the batch
    /// kept to a thread of its own. A value that fails to encode is left to the write, which
    /// reports it.
    static func flush(_ writers: [ViewWriter]) throws {
        let tables = writers.flatMap { writer in writer.cache.map { cache in cache.pendingTables().map { (writer, $0) } } ?? [] }
        let chunks = EncodingChunks(tables.map(\.1.values))
        guard chunks.values >= 64 else {
            for (writer, table) in tables { try writer.cache?.write(table.db, table.table, writer.reader) }
            for writer in writers { writer.cache?.forget() }
            return
        }
        do {  // the helper has ended when this block does
            let helper = DispatchGroup()
            DispatchQueue.global(qos: .userInitiated).async(group: helper) {
                let orders = ViewJSON.KeyOrders()
                while chunks.encodeNext(orders) {}
            }
            defer {
                chunks.stop()
                helper.wait()
            }
            let orders = ViewJSON.KeyOrders()
            for (i, (writer, table)) in tables.enumerated() {
                // Encode while the other thread finishes this database's last chunks.
                while !chunks.isEncoded(i) {
                    if !chunks.encodeNext(orders) { sched_yield() }
                }
                try writer.cache?.write(table.db, table.table, writer.reader)
            }
        }
        // Freed on a thread of its own, while this one commits (and a CLI ends without waiting for
        // it): freeing the slots, keys, values and boxes of a 1M rebuild's batch took this thread
        // 0.3-0.4 s. Everything is moved into `leftovers`, so that its reference is the last.
        let leftovers = Leftovers((consume tables, chunks.takeValues(), writers.compactMap { $0.cache?.forget() }))
        Thread.detachNewThread { leftovers.drop() }
    }

    /// What a batch kept, for another thread to let go of.
    final class Leftovers: @unchecked Sendable {
        private var held: Any?
        init(_ held: Any) { self.held = held }
        func drop() { held = nil }
    }

    private func putNow(_ db: String, _ key: String, _ bytes: [UInt8]) throws {
        let d = try reader.resolve(db)
        try ViewWriter.withWriteTransaction(handle) { txn in try d.put(Array(key.utf8), bytes, in: txn) }
    }

    /// Lends the engine's write transaction to an LMDB call (it stays open afterwards).
    static func withWriteTransaction<R>(_ handle: UnsafeTransactionReference, _ body: (borrowing WriteTransaction) throws -> R) throws -> R
    {
        try handle.withWriteTransaction(body)
    }
}

/// The typed values of a batch's databases to encode, in chunks, for `ViewWriter.flush`: threads
/// take the next chunk (in the databases' order) until none is left, and a database is encoded
/// when its last chunk is. A chunk's values are encoded into their slots (`stored` bytes), which
/// the writing thread reads after `isEncoded` says so (the lock orders the two).
final class EncodingChunks: @unchecked Sendable {
    /// Values per chunk: small enough that the two threads end together, large enough that the
    /// lock is taken seldom.
    static let size = 64

    private var tables: [[(slot: ViewWriteCache.Slot, box: ViewWriteCache.Box)]]
    /// Every chunk: its database's index and its range of values there.
    private let chunks: [(table: Int, range: Range<Int>)]
    private struct State {
        var next = 0
        var stopped = false
        /// Chunks not yet encoded, per database.
        var left: [Int]
    }
    private let state: Mutex<State>
    let values: Int

    init(_ tables: [[(slot: ViewWriteCache.Slot, box: ViewWriteCache.Box)]]) {
        self.tables = tables
        var chunks: [(table: Int, range: Range<Int>)] = []
        for (i, values) in tables.enumerated() {
            for start in stride(from: 0, to: values.count, by: Self.size) {
                chunks.append((i, start..<min(values.count, start + Self.size)))
            }
        }
        self.chunks = chunks
        var left = [Int](repeating: 0, count: tables.count)
        for c in chunks { left[c.table] += 1 }
        state = Mutex(State(left: left))
        values = tables.reduce(0) { $0 + $1.count }
    }

    /// Encodes the next chunk; false when none is left (or `stop()` was called).
    func encodeNext(_ orders: ViewJSON.KeyOrders) -> Bool {
        let taken: Int? = state.withLock { s in
            guard !s.stopped, s.next < chunks.count else { return nil }
            s.next += 1
            return s.next - 1
        }
        guard let taken else { return false }
        let chunk = chunks[taken]
        for (slot, box) in tables[chunk.table][chunk.range] {
            if let bytes = try? box.encode(orders) { slot.state = .stored(bytes) }
        }
        state.withLock { $0.left[chunk.table] -= 1 }
        return true
    }

    /// Whether every value of database `table` is encoded.
    func isEncoded(_ table: Int) -> Bool { state.withLock { $0.left[table] == 0 } }

    /// No chunk is taken after this.
    func stop() { state.withLock { $0.stopped = true } }

    /// The values, taken out (once no thread encodes any more): whoever holds them last frees
    /// them, and this object may be released last by the thread that encoded.
    func takeValues() -> [[(slot: ViewWriteCache.Slot, box: ViewWriteCache.Box)]] {
        defer { tables = [] }
        return tables
    }
}

/// The entries one projector read and wrote in one write transaction, by database and key.
///
/// Contract: a key's slot holds what the key holds now (for this transaction); `dirty` slots
/// differ from LMDB and are written by `flush`. A typed value read from LMDB keeps the bytes it
/// was decoded from (`stored`) until it changes; a changed one is encoded (`ViewCoding`) when
/// flushed, so the stored bytes are those a put of it would have stored. Only keys LMDB can store
/// (`ViewReader.storable`) get here: others go to LMDB at once, as before.
///
/// A slot is an object and a typed value sits in a box of its type: an operation finds its key
/// once (a change is made in the slot, not stored back under the key), reads a value back with a
/// class cast, and changes it in place.
@usableFromInline
final class ViewWriteCache {
    /// A typed value, of the type its subclass names.
    @usableFromInline
    class Box {
        /// The type of the value (the `T` of its `TypedBox<T>`), so that a read finds its box by
        /// comparing types (`typed(_:)`): a cast with `as?` looked the box's generic class up at
        /// run time, a tenth of a document or aid event's fold.
        @usableFromInline let valueType: ObjectIdentifier

        @usableFromInline
        init(valueType: ObjectIdentifier) { self.valueType = valueType }

        /// This box as a `TypedBox<T>`, when it holds a `T`.
        @inlinable @inline(__always)
        final func typed<T>(_: T.Type) -> TypedBox<T>? {
            valueType == ObjectIdentifier(T.self) ? unsafeDowncast(self, to: TypedBox<T>.self) : nil
        }

        /// The value's bytes (`ViewCoding`).
        func encode(_ orders: ViewJSON.KeyOrders? = nil) throws -> [UInt8] {
            fatalError("a slot holds only EncodableBoxes")
        }

        /// `encode()`, for the cache's inlined operations.
        @usableFromInline
        final func encodedBytes() throws -> [UInt8] { try encode() }
    }

    /// A value of type `T`. A slot holds only `EncodableBox`es; a plain one carries a value read
    /// as another type, for the moment of the read.
    @usableFromInline
    class TypedBox<T>: Box {
        @usableFromInline var value: T
        @usableFromInline
        init(_ value: T) {
            self.value = value
            super.init(valueType: ObjectIdentifier(T.self))
        }
    }

    @usableFromInline
    final class EncodableBox<T: Encodable>: TypedBox<T> {
        @usableFromInline
        override init(_ value: T) { super.init(value) }

        override func encode(_ orders: ViewJSON.KeyOrders?) throws -> [UInt8] {
            try ViewCoding.encode(value, orders: orders)
        }
    }

    /// What one key holds.
    ///
    /// Its fields are read and set in single statements by the cache's methods, never across a
    /// call out: unchecked for overlapping access (a check per operation of every fold).
    @usableFromInline
    final class Slot {
        @usableFromInline
        enum State {
            case absent
            case stored([UInt8])
            /// A typed value; `stored`: the bytes LMDB holds, which it was decoded from (nil once
            /// changed).
            case value(Box, stored: [UInt8]?)
        }
        @exclusivity(unchecked) @usableFromInline var state: State
        /// Differs from LMDB (listed in its table's `changed`).
        @exclusivity(unchecked) @usableFromInline var dirty: Bool

        @usableFromInline
        init(_ state: State, dirty: Bool) {
            self.state = state
            self.dirty = dirty
        }
    }

    /// One database's slots, and the keys that became dirty since its last flush (each once),
    /// with their slots.
    ///
    /// Only the cache (and its flush, after the folds) touches a table, never two accesses at
    /// once: unchecked for overlapping access, a check per operation of every fold.
    @usableFromInline
    final class Table {
        @exclusivity(unchecked) @usableFromInline var slots: [SlotKey: Slot] = [:]
        @exclusivity(unchecked) var changed: [(key: String, slot: Slot)] = []
    }

    /// A key of a table's slots, with a hash of its UTF-8 made once: SipHash-1-3 under this
    /// process's random key (`SipHash.process`; as `Hasher` hashes, so that keys taken from
    /// payloads cannot be chosen to collide), which the table's dictionary takes as it is
    /// (`_rawHashValue(seed:)`, mixed with the dictionary's own seed) and compares before the
    /// keys' bytes. `String`'s hashing went through `Hasher.combine(bytes:)` per lookup and again
    /// for every key at each growth of the table, and a probe compared the bytes of every key it
    /// met (~600 instructions a lookup, the largest single cost of the aid and document folds).
    @usableFromInline
    struct SlotKey: Hashable {
        @usableFromInline let key: String
        @usableFromInline let hash: Int

        @usableFromInline
        init(_ key: String) {
            var key = key
            hash = key.withUTF8 { Int(truncatingIfNeeded: SipHash.process.hash(UnsafeRawBufferPointer($0))) }
            self.key = key
        }

        @usableFromInline
        static func == (a: SlotKey, b: SlotKey) -> Bool { a.hash == b.hash && a.key == b.key }

        @usableFromInline
        func hash(into hasher: inout Hasher) { hasher.combine(hash) }

        @usableFromInline
        func _rawHashValue(seed: Int) -> Int { SipHash.mixed(hash, seed: seed) }
    }

    /// The tables by database name (`names[i]` names `tables[i]`), in the order first used: a view
    /// has a few databases, whose names (short literals) compare at once, where a dictionary
    /// hashed the name per operation. Only this cache's own methods touch them, none while
    /// another has them: unchecked for overlapping access (the check cost as much as the lookup).
    @exclusivity(unchecked) private var names: [String] = []
    @exclusivity(unchecked) private var tables: [Table] = []

    /// The index of `db`'s table.
    @inline(__always)
    private func index(of db: String) -> Int? { indexOfName(db, in: names) }

    @usableFromInline
    func table(_ db: String) -> Table {
        if let i = index(of: db) { return tables[i] }
        let t = Table()
        names.append(db)
        tables.append(t)
        return t
    }

    /// The slot of `key`, read from LMDB when the cache has none.
    @usableFromInline
    func slot(_ db: String, _ key: String, _ reader: ViewReader) throws -> Slot {
        let t = table(db)
        let found = SlotKey(key)
        if let s = t.slots[found] { return s }
        let s = Slot(try reader.get(db, key).map { .stored($0) } ?? .absent, dirty: false)
        t.slots[found] = s
        return s
    }

    /// Marks `slot` (of `key` in `db`) changed: written at the next flush.
    @usableFromInline
    func touch(_ slot: Slot, _ db: String, _ key: String) {
        touch(slot, in: table(db), key)
    }

    /// Marks `slot` (of `key` in table `t`) changed.
    @usableFromInline
    func touch(_ slot: Slot, in t: Table, _ key: String) {
        if !slot.dirty {
            slot.dirty = true
            t.changed.append((key, slot))
        }
    }

    /// Sets what `key` holds (raw bytes, or absent), without reading what LMDB holds (a slot made
    /// for it when the cache has none).
    func set(_ db: String, _ key: String, to state: Slot.State) {
        let t = table(db)
        let found = SlotKey(key)
        if let s = t.slots[found] {
            s.state = state
            touch(s, in: t, key)
        } else {
            add(Slot(state, dirty: true), found, to: t)
        }
    }

    /// Stores `value` under `key` (in its box when the key holds one of its type). As `set`, with
    /// the slot's box reused: a closure given the slot's state copied the state per put.
    @inlinable
    func put<T: Encodable>(_ value: T, _ db: String, _ key: String) {
        let t = table(db)
        let found = SlotKey(key)
        if let s = t.slots[found] {
            if case .value(let box, _) = s.state, let typed = box.typed(T.self) {
                typed.value = value
                s.state = .value(typed, stored: nil)
            } else {
                s.state = .value(EncodableBox(value), stored: nil)
            }
            touch(s, in: t, key)
        } else {
            add(Slot(.value(EncodableBox(value), stored: nil), dirty: true), found, to: t)
        }
    }

    /// Adds the new dirty slot `s` of `key` to table `t`.
    @usableFromInline
    func add(_ s: Slot, _ key: SlotKey, to t: Table) {
        t.slots[key] = s
        t.changed.append((key.key, s))
    }

    func bytes(_ db: String, _ key: String, _ reader: ViewReader) throws -> [UInt8]? {
        let s = try slot(db, key, reader)
        switch s.state {
        case .absent: return nil
        case .stored(let bytes): return bytes
        case .value(let box, let stored): return try stored ?? box.encode()
        }
    }

    @inlinable
    func value<T: Decodable>(_ type: T.Type, _ db: String, _ key: String, _ reader: ViewReader) throws -> T? {
        try typed(type, try slot(db, key, reader))?.value
    }

    /// The box of type `T` that `slot` holds, made from its bytes when it holds bytes (and kept,
    /// typed, when they are LMDB's: raw bytes written in this batch stay bytes); nil when absent.
    @inlinable
    func typed<T: Decodable>(_ type: T.Type, _ slot: Slot) throws -> TypedBox<T>? {
        switch slot.state {
        case .absent:
            return nil
        case .stored(let bytes):
            let v = try ViewCoding.decode(type, bytes)
            guard !slot.dirty, let e = v as? any Encodable, !(T.self is AnyObject.Type) else { return TypedBox(v) }
            let box = Self.box(e)
            slot.state = .value(box, stored: bytes)
            return box.typed(T.self) ?? TypedBox(v)
        case .value(let box, let stored):
            if let typed = box.typed(T.self) { return typed }
            return TypedBox(try ViewCoding.decode(type, stored ?? box.encodedBytes()))
        }
    }

    /// `value` in a box of its own type.
    @inlinable
    static func box<E: Encodable>(_ value: E) -> Box { EncodableBox(value) }

    /// Changes the value of `key` in place (`initial` when absent).
    @inlinable
    func update<T: Codable>(
        _ type: T.Type, _ db: String, _ key: String, _ reader: ViewReader, initial: () -> T, _ change: (inout T) throws -> Void
    ) throws {
        let s = try slot(db, key, reader)
        let box: TypedBox<T>
        if case .value(let kept, _) = s.state, let typed = kept.typed(T.self) {
            box = typed
        } else {
            box = EncodableBox(try typed(type, s)?.value ?? initial())
        }
        s.state = .value(box, stored: nil)
        touch(s, db, key)
        try change(&box.value)
    }

    /// Changes the value of `key` in place when it holds one; false when absent.
    @inlinable
    func updateIfPresent<T: Codable>(
        _ type: T.Type, _ db: String, _ key: String, _ reader: ViewReader, _ change: (inout T) throws -> Void
    ) throws -> Bool {
        let s = try slot(db, key, reader)
        guard let found = try typed(type, s) else { return false }
        // The slot's own box when it holds one of this type, else a box of the value read.
        let box = found as? EncodableBox<T> ?? EncodableBox(found.value)
        s.state = .value(box, stored: nil)
        touch(s, db, key)
        try change(&box.value)
        return true
    }

    /// The databases with changes since the last flush, each with the typed values among them
    /// (each once, with its slot).
    func pendingTables() -> [(db: String, table: Table, values: [(slot: Slot, box: Box)])] {
        zip(names, tables).compactMap { db, t in
            guard !t.changed.isEmpty else { return nil }
            var values: [(slot: Slot, box: Box)] = []
            for (_, s) in t.changed where s.dirty {
                if case .value(let box, _) = s.state { values.append((s, box)) }
            }
            return (db, t, values)
        }
    }

    /// Writes the pending changes of `db` (its slots stay, clean).
    func flush(_ db: String, _ reader: ViewReader) throws {
        guard let i = index(of: db), case let t = tables[i], !t.changed.isEmpty else { return }
        for (slot, bytes) in try write(db, t, reader) {
            slot.state = bytes.map { .stored($0) } ?? .absent
            slot.dirty = false
        }
    }

    /// Forgets every slot (after their changes are written); returns them, for the caller to let
    /// go of where it wants.
    @discardableResult
    func forget() -> [Table] {
        defer { (names, tables) = ([], []) }
        return tables
    }

    /// Writes the dirty slots in key order (appending when every key comes after the database's
    /// last); returns each slot written with what it now holds. The keys' bytes sit in one
    /// buffer and are ordered by index (sorting the entries themselves moved references per
    /// step, and a batch ends with a few hundred thousand).
    @discardableResult
    func write(_ db: String, _ table: Table, _ reader: ViewReader) throws -> [(Slot, [UInt8]?)] {
        var keys: [UInt8] = []
        var spans: [Range<Int>] = []
        var written: [(Slot, [UInt8]?)] = []
        spans.reserveCapacity(table.changed.count)
        written.reserveCapacity(table.changed.count)
        for (key, s) in table.changed where s.dirty {
            let bytes: [UInt8]? =
                switch s.state {
                case .absent: nil
                case .stored(let b): b
                case .value(let box, _): try box.encode()
                }
            let start = keys.count
            keys.append(contentsOf: key.utf8)
            spans.append(start..<keys.count)
            written.append((s, bytes))
        }
        table.changed.removeAll()
        let ranges = spans  // a constant: the sort's comparisons read it without an access check each
        let d = try reader.resolve(db)
        try keys.withUnsafeBytes { arena in
            func key(_ i: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: arena[ranges[i]]) }
            // Each key is listed once (when its slot becomes dirty), so the order is strict. Sorted
            // by its first 16 bytes as two big-endian words (zero-padded: the same order, a key
            // that ends first being less), then in full where those are equal: comparing two
            // integers cost a fraction of a call comparing slices of the arena.
            var heads: [(UInt64, UInt64, Int)] = []
            heads.reserveCapacity(ranges.count)
            for i in ranges.indices {
                let k = key(i)
                var words: (UInt64, UInt64) = (0, 0)
                withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: k.prefix(16))) }
                heads.append((UInt64(bigEndian: words.0), UInt64(bigEndian: words.1), i))
            }
            heads.sort { a, b in
                if a.0 != b.0 { return a.0 < b.0 }
                if a.1 != b.1 { return a.1 < b.1 }
                return compareBytes(key(a.2), key(b.2)) < 0
            }
            try ViewWriter.withWriteTransaction(reader.handle) { txn in
                // Every key after the last one stored: LMDB appends (no search, full pages).
                var appending = true
                if let first = heads.first?.2, let last = try d.cursor(in: txn).last().map({ [UInt8]($0.key) }) {
                    appending = last.withUnsafeBytes { compareBytes($0, key(first)) < 0 }
                }
                for (_, _, i) in heads {
                    if let bytes = written[i].1 {
                        try bytes.withUnsafeBytes { value in
                            try d.putRaw(key: key(i), value: value, flags: appending ? .append : [], in: txn)
                        }
                    } else if !appending {
                        try d.deleteRaw(key: key(i), in: txn)
                    }
                }
            }
        }
        return written
    }
}

/// How Codable view values are stored: JSON with sorted keys (readable with `mdb_dump`).
public enum ViewCoding {
    /// Sorted keys, slashes unescaped: the form views store and the API answers (a query may
    /// answer stored bytes as they are). One encoder and one decoder for every fold and query
    /// (both are safe to share once configured).
    public static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
    static let decoder = JSONDecoder()

    /// `ViewJSON` writes the bytes `encoder` would (checked against it in debug builds, so by
    /// every test), falling back to `encoder` for what it leaves to it.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] { try encode(value, orders: nil) }

    /// As `encode(_:)`, sharing `orders` with other calls of this thread (`ViewJSON.KeyOrders`).
    static func encode<T: Encodable>(_ value: T, orders: ViewJSON.KeyOrders?) throws -> [UInt8] {
        let written: [UInt8]? =
            if let orders { writtenJSON(value, orders) } else { (value as? any ViewJSONWritable)?.viewJSON ?? ViewJSON.encode(value) }
        guard let bytes = written else { return [UInt8](try encoder.encode(value)) }
        #if DEBUG
        let expected = [UInt8](try encoder.encode(value))
        if bytes != expected {
            preconditionFailure(
                "ViewJSON wrote \(String(decoding: bytes, as: UTF8.self)) where JSONEncoder writes \(String(decoding: expected, as: UTF8.self))"
            )
        }
        #endif
        return bytes
    }

    /// `value`'s own JSON when its type writes it (`ViewJSONWritable`), else `ViewJSON`'s; whether
    /// the type writes it is looked up once per type and thread (`orders.writer(of:)`): a cast
    /// to the protocol searched the type's conformances per value.
    private static func writtenJSON<T: Encodable>(_ value: T, _ orders: ViewJSON.KeyOrders) -> [UInt8]? {
        func written<W: ViewJSONWritable>(_: W.Type) -> [UInt8]? { (value as? W)?.viewJSON }
        guard let writer = orders.writer(of: T.self) else { return ViewJSON.encode(value, orders: orders) }
        return written(writer)
    }

    public static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        try decoder.decode(type, from: Data(bytes))
    }
}
