import CLMDB

/// An error reported by LMDB (or by this wrapper around it), carrying the LMDB return code
/// and a readable message that says what went wrong and, where it helps, what to do.
public struct LMDBError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of failure callers may want to act on. `other` carries any remaining code.
    public enum Code: Sendable, Equatable {
        case notFound
        case keyExists
        case mapFull
        case mapResized
        case readersFull
        case transactionFull
        case corrupted
        case panic
        case versionMismatch
        case invalid
        case badValueSize
        case badDatabase
        case incompatible
        case noSpace
        case permissionDenied
        case noSuchFile
        case decoding
        case other(Int32)
    }

    /// The classified code.
    public let code: Code
    /// The raw return code from LMDB (0 for errors raised by this wrapper, such as decoding).
    public let rawValue: Int32
    /// What failed, with LMDB's own explanation.
    public let message: String

    public init(code: Code, rawValue: Int32, message: String) {
        self.code = code
        self.rawValue = rawValue
        self.message = message
    }

    /// Builds the error for an LMDB return code; `context` names the operation that failed.
    public init(returnCode rc: Int32, context: String) {
        let reason = String(cString: mdb_strerror(rc))
        self.rawValue = rc
        switch rc {
        case MDB_NOTFOUND: code = .notFound
        case MDB_KEYEXIST: code = .keyExists
        case MDB_MAP_FULL: code = .mapFull
        case MDB_MAP_RESIZED: code = .mapResized
        case MDB_READERS_FULL: code = .readersFull
        case MDB_TXN_FULL: code = .transactionFull
        case MDB_CORRUPTED: code = .corrupted
        case MDB_PANIC: code = .panic
        case MDB_VERSION_MISMATCH: code = .versionMismatch
        case MDB_INVALID: code = .invalid
        case MDB_BAD_VALSIZE: code = .badValueSize
        case MDB_BAD_DBI: code = .badDatabase
        case MDB_INCOMPATIBLE: code = .incompatible
        case 28 /* ENOSPC */: code = .noSpace
        case 13 /* EACCES */: code = .permissionDenied
        case 2 /* ENOENT */: code = .noSuchFile
        default: code = .other(rc)
        }
        switch code {
        case .noSpace:
            message = "\(context): the disk is full (\(reason)); free some space and retry, nothing was written"
        case .corrupted, .panic:
            message = "\(context): the database file is damaged (\(reason)); restore from a backup"
        default:
            message = "\(context): \(reason)"
        }
    }

    /// An error for a value that could not be decoded by a codec.
    public static func decoding(_ what: String) -> LMDBError {
        LMDBError(code: .decoding, rawValue: 0, message: "cannot decode \(what)")
    }

    public var description: String { message }
}

@inline(__always)
func check(_ rc: Int32, _ context: @autoclosure () -> String) throws(LMDBError) {
    if rc != 0 { throw LMDBError(returnCode: rc, context: context()) }
}
