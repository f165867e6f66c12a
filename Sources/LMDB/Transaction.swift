import CLMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What read and write transactions have in common: they can be read from.
public protocol ReadableTransaction: ~Copyable {
    /// A reference to this transaction, for code that must reach it where a borrow cannot go.
    var reference: UnsafeTransactionReference { get }
}

extension ReadableTransaction where Self: ~Copyable {
    /// The underlying `MDB_txn*`, for this module's calls into LMDB only.
    var handle: OpaquePointer { reference.handle }
}

/// An unowned reference to an open transaction, for code that must reach the transaction from a
/// place a borrow cannot reach (a snapshot handed to a closure, a callback of the log's writer).
///
/// Contract: it is valid only while the transaction it was taken from is open; using it later is
/// undefined, like any dangling reference, which is why its name says unsafe. It never ends the
/// transaction. Only this module sees the `MDB_txn*` it holds: code above LMDB reads and writes
/// through it as through the transaction itself.
public struct UnsafeTransactionReference: ReadableTransaction, @unchecked Sendable {
    let handle: OpaquePointer

    init(_ handle: OpaquePointer) { self.handle = handle }

    public var reference: UnsafeTransactionReference { self }

    /// Lends the write transaction this refers to as a `WriteTransaction` (never commit or abort
    /// it: its owner does). Only for a reference taken from a `WriteTransaction`.
    public func withWriteTransaction<R, E: Error>(_ body: (borrowing WriteTransaction) throws(E) -> R) throws(E) -> R {
        try body(WriteTransaction(borrowing: handle))
    }
}

/// A read-only snapshot of the environment. It cannot be copied, and it cannot be used after it
/// ended: `abort()` (or dropping it) ends it and frees its reader slot.
public struct ReadTransaction: ~Copyable, ReadableTransaction {
    let unsafeHandle: OpaquePointer
    public var reference: UnsafeTransactionReference { UnsafeTransactionReference(unsafeHandle) }
    let lock: UnsafeMutablePointer<pthread_rwlock_t>

    init(handle: OpaquePointer, lock: UnsafeMutablePointer<pthread_rwlock_t>) {
        self.unsafeHandle = handle
        self.lock = lock
    }

    /// Ends the transaction.
    public consuming func abort() {
        mdb_txn_abort(unsafeHandle)
        pthread_rwlock_unlock(lock)
        discard self
    }

    /// Ends the transaction keeping the database handles it opened (an abort would close them).
    consuming func commit() {
        mdb_txn_commit(unsafeHandle)
        pthread_rwlock_unlock(lock)
        discard self
    }

    deinit {
        mdb_txn_abort(unsafeHandle)
        pthread_rwlock_unlock(lock)
    }

    func openDatabase(_ name: String, flags: UInt32) throws(LMDBError) -> MDB_dbi {
        var dbi: MDB_dbi = 0
        try check(mdb_dbi_open(unsafeHandle, name, flags, &dbi), "cannot open database \(name)")
        return dbi
    }
}

/// A write transaction: the only writer of its environment while it is open. Usable for reads.
/// It cannot be copied and cannot be used after `commit()` or `abort()`; dropping it aborts.
public struct WriteTransaction: ~Copyable, ReadableTransaction {
    let unsafeHandle: OpaquePointer
    public var reference: UnsafeTransactionReference { UnsafeTransactionReference(unsafeHandle) }
    /// nil for a nested transaction (the parent holds the lock).
    let lock: UnsafeMutablePointer<pthread_rwlock_t>?
    /// false for a wrapper around a transaction that someone else ends.
    let owned: Bool

    init(handle: OpaquePointer, lock: UnsafeMutablePointer<pthread_rwlock_t>?) {
        self.unsafeHandle = handle
        self.lock = lock
        self.owned = true
    }

    /// Wraps a write transaction that is owned (and will be committed or aborted) by someone
    /// else, to lend it to code that takes a `WriteTransaction`. Dropping the wrapper leaves the
    /// transaction open; never commit or abort it.
    init(borrowing handle: OpaquePointer) {
        self.unsafeHandle = handle
        self.lock = nil
        self.owned = false
    }

    /// Commits: after it returns, the changes are durable (unless the environment is `noSync`).
    /// On failure nothing of this transaction is written.
    public consuming func commit() throws(LMDBError) {
        let rc = mdb_txn_commit(unsafeHandle)
        if let lock { pthread_rwlock_unlock(lock) }
        discard self
        try check(rc, "cannot commit")
    }

    consuming func commitReturningCode() -> Int32 {
        let rc = mdb_txn_commit(unsafeHandle)
        if let lock { pthread_rwlock_unlock(lock) }
        discard self
        return rc
    }

    /// Abandons every change of the transaction.
    public consuming func abort() {
        mdb_txn_abort(unsafeHandle)
        if let lock { pthread_rwlock_unlock(lock) }
        discard self
    }

    deinit {
        guard owned else { return }
        mdb_txn_abort(unsafeHandle)
        if let lock { pthread_rwlock_unlock(lock) }
    }

    /// Runs `body` in a nested transaction: its changes join this transaction if `body` returns,
    /// and are undone (leaving this transaction as it was) if it throws.
    public func nested<R, E: Error>(_ body: (borrowing WriteTransaction) throws(E) -> R) throws -> R {
        var child: OpaquePointer?
        try check(mdb_txn_begin(mdb_txn_env(unsafeHandle), unsafeHandle, 0, &child), "cannot begin nested transaction")
        guard let child else { throw LMDBError(returnCode: EINVAL, context: "cannot begin nested transaction") }
        let txn = WriteTransaction(handle: child, lock: nil)
        let result: R
        do {
            result = try body(txn)
        } catch {
            txn.abort()
            throw error
        }
        try txn.commit()
        return result
    }

    func openDatabase(_ name: String, flags: UInt32) throws(LMDBError) -> MDB_dbi {
        var dbi: MDB_dbi = 0
        try check(mdb_dbi_open(unsafeHandle, name, flags, &dbi), "cannot open database \(name)")
        return dbi
    }

    /// Removes the named database `name` from the environment, with its entries, when this
    /// transaction commits; false when there is none. LMDB closes the handle it opens for this:
    /// drop only a database this process holds no handle of (a handle kept would name whatever
    /// database reuses its number).
    @discardableResult
    public func dropDatabase(named name: String) throws(LMDBError) -> Bool {
        var dbi: MDB_dbi = 0
        let rc = mdb_dbi_open(unsafeHandle, name, 0, &dbi)
        if rc == MDB_NOTFOUND { return false }
        try check(rc, "cannot open database \(name)")
        try check(mdb_drop(unsafeHandle, dbi, 1), "cannot drop database \(name)")
        return true
    }
}
