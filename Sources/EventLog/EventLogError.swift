import LMDB

/// Why the log refused or failed an operation. `message` is one line that names the problem
/// (and the field, where there is one) and says what to do; nothing was written when an append
/// fails with any code.
public struct EventLogError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The stream's version is not the one the caller expected (HTTP 409).
        case wrongExpectedVersion
        /// An event id already in the log with other content, or a batch mixing new events with
        /// events already written (HTTP 409).
        case duplicateIDConflict
        /// Bad input: names, ids, timestamps, JSON, numbers (HTTP 400).
        case invalidInput
        /// Over a size limit (HTTP 413).
        case tooLarge
        /// A rule of the domain refused the events (HTTP 422).
        case ruleViolation
        /// The stored log does not check out (verify, decoding).
        case corrupt
        /// LMDB or the file system failed.
        case storage
        /// The store was closed.
        case closed
        /// The log is a read replica (`lumbung follow` writes it): append on its primary (HTTP 403).
        case readOnlyReplica
        /// The request touches what its author may not: an office, warehouse or market outside the
        /// scope of the caller's key (`AppendRequest.scope`) (HTTP 403).
        case forbidden
        /// A rule of the domain refused what was already done once, naming the earlier event (a
        /// household served twice in one round, a KK registered twice) (HTTP 409).
        case conflict
    }

    public let code: Code
    public let message: String
    /// The input field at fault, as a path (`data.items[0].quantity`, `stream`, `id`), if any.
    public let field: String?
    /// For `wrongExpectedVersion`: the stream's actual version (0 when the stream does not exist).
    public let actualVersion: UInt64?
    /// For `corrupt`: the first position found bad.
    public let position: UInt64?
    /// For `storage`: the LMDB error it wraps, so that the writer can tell a full map (which it
    /// grows, then writes again) from a failure, wherever the error was wrapped (a guard writing
    /// its decision state wraps it).
    let lmdb: LMDBError?

    public init(
        _ code: Code, _ message: String, field: String? = nil, actualVersion: UInt64? = nil, position: UInt64? = nil
    ) {
        self.code = code
        self.message = message
        self.field = field
        self.actualVersion = actualVersion
        self.position = position
        self.lmdb = nil
    }

    init(storage error: LMDBError) {
        (code, message, field, actualVersion, position, lmdb) = (.storage, error.message, nil, nil, nil, error)
    }

    public var description: String { message }

    static func storage(_ error: LMDBError) -> EventLogError {
        EventLogError(storage: error)
    }

    /// The full map this error reports, if it is one (the writer grows the map and tries again).
    var mapFull: LMDBError? { lmdb.flatMap { $0.code == .mapFull ? $0 : nil } }

    static func invalid(_ field: String, _ message: String) -> EventLogError {
        EventLogError(.invalidInput, "\(field): \(message)", field: field)
    }
}

extension EventLogError {
    /// Wraps any error thrown below the log into an `EventLogError`.
    static func wrap(_ error: any Error) -> EventLogError {
        switch error {
        case let e as EventLogError: return e
        case let e as LMDBError: return .storage(e)
        default: return EventLogError(.storage, String(describing: error))
        }
    }
}
