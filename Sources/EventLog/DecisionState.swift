import LMDB

/// The append guards' decision state, kept in the log's environment (database `decisions`, key
/// bytes -> value bytes) next to the events it follows, so that a writer reads only the keys it
/// needs instead of folding the whole log into memory.
///
/// Contract:
/// - A guard writes it only through the `LogReader` it is given in `check`: the writes join the
///   request's transaction (a nested one when the request shares its group), so they are
///   committed with the request's events and undone by LMDB abort when the request is refused or
///   the transaction does not commit. No undo log is needed.
/// - Key layout is the guard's: start every key with a prefix of its own (a domain's name and a
///   separator) so that guards do not collide. Keys are at most 511 bytes (LMDB's limit).
/// - Anyone reads it on demand in a read transaction (`EventStore.readDecisions`), which sees the
///   state exactly as current as the log it sees.
extension LogReader {
    /// The decision value stored under `key`, or nil when there is none.
    public func decision(_ key: [UInt8]) throws -> [UInt8]? {
        let txn = handle
        return try dbs.decisions.get(key, in: txn)
    }

    /// Stores `value` under `key` (removes the key when `value` is nil), in the request's
    /// transaction: kept only if the request is written.
    public func setDecision(_ key: [UInt8], to value: [UInt8]?) throws {
        let dbs = self.dbs
        try handle.withWriteTransaction { (txn: borrowing WriteTransaction) throws(LMDBError) in
            if let value {
                try dbs.decisions.put(key, value, in: txn)
            } else {
                _ = try dbs.decisions.delete(key, in: txn)
            }
        }
    }
}

/// Read access to the decision state (see `LogReader.decision`) in one read transaction. Not
/// copyable, valid only during the call it is given to.
public struct DecisionReader: ~Copyable {
    let handle: UnsafeTransactionReference
    let dbs: LogDatabases
    /// The last position of the log this transaction sees.
    public let headPosition: UInt64
    /// The position the decision state is current to (0 when none was recorded): below
    /// `headPosition` when events were written without the guard that keeps it.
    public let statePosition: UInt64

    /// The decision value stored under `key`, or nil when there is none.
    public func decision(_ key: [UInt8]) throws -> [UInt8]? {
        let txn = handle
        return try dbs.decisions.get(key, in: txn)
    }
}

extension EventStore {
    /// Runs `body` with read access to the decision state, in one read transaction (a consistent
    /// snapshot of the log and the state).
    public func readDecisions<R>(_ body: (borrowing DecisionReader) throws -> R) throws -> R {
        let dbs = self.dbs
        return try environment.read { txn in
            let head = try ChainHead.read(dbs, in: txn)
            let state = try dbs.meta.withValueBytes(LogDatabases.decisionsKey, in: txn) { try UInt64BE.decode($0) } ?? 0
            return try body(DecisionReader(handle: txn.reference, dbs: dbs, headPosition: head.position, statePosition: state))
        }
    }
}
