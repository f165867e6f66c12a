import CLMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An LMDB environment: one directory holding `data.mdb` and `lock.mdb`, with its named databases.
///
/// Contract:
/// - Read transactions never block the writer; any thread may hold one (`MDB_NOTLS`).
/// - Write transactions are serialized by LMDB (across processes, through the lock file) and
///   must begin and end on the thread that made them: the `write` body is synchronous.
/// - The map grows by itself: when a write hits `MDB_MAP_FULL` the transaction is aborted, the map
///   is doubled once every transaction of this process has ended, and the body runs again. Bodies
///   passed to `write` must therefore be safe to run more than once.
/// - When another process grew the map (`MDB_MAP_RESIZED`) the new size is adopted and the
///   transaction retried.
public final class Environment: @unchecked Sendable {
    /// How to open an environment.
    public struct Options: Sendable {
        /// Initial map size in bytes (rounded by LMDB to pages). The map grows by itself.
        public var mapSize: Int = 64 << 20
        /// The largest the map may grow to; past it `mapFull` is reported.
        public var maxMapSize: Int = 1 << 40
        /// Named databases the environment may hold.
        public var maxDatabases: UInt32 = 16
        /// Concurrent read transactions allowed (across processes).
        public var maxReaders: UInt32 = 512
        /// Skip fsync at commit (`MDB_NOSYNC`): only for benchmarks and throwaway data.
        public var noSync: Bool = false
        /// Open read-only.
        public var readOnly: Bool = false
        /// File mode for new files: the owner's alone (a log holds what the city was told).
        public var fileMode: UInt32 = 0o600

        public init() {}
    }

    let handle: OpaquePointer
    /// Held shared by every transaction of this process, exclusively while the map is resized.
    let resizeLock: UnsafeMutablePointer<pthread_rwlock_t>
    /// The directory that holds the environment.
    public let path: String
    public let options: Options

    /// Opens (creating if needed) the environment in directory `path`, which must exist.
    public init(path: String, options: Options = Options()) throws(LMDBError) {
        var env: OpaquePointer?
        try check(mdb_env_create(&env), "cannot create LMDB environment")
        guard let env else { throw LMDBError(returnCode: EINVAL, context: "cannot create LMDB environment") }
        var ok = false
        defer { if !ok { mdb_env_close(env) } }
        try check(mdb_env_set_maxdbs(env, MDB_dbi(options.maxDatabases)), "cannot set max databases")
        try check(mdb_env_set_maxreaders(env, options.maxReaders), "cannot set max readers")
        try check(mdb_env_set_mapsize(env, options.mapSize), "cannot set map size")
        var flags = UInt32(MDB_NOTLS)
        if options.noSync { flags |= UInt32(MDB_NOSYNC) }
        if options.readOnly { flags |= UInt32(MDB_RDONLY) }
        try check(mdb_env_open(env, path, flags, mode_t(options.fileMode)), "cannot open LMDB environment at \(path)")
        self.handle = env
        self.path = path
        self.options = options
        self.resizeLock = .allocate(capacity: 1)
        pthread_rwlock_init(resizeLock, nil)
        ok = true
        // If the file is larger than the requested map (made by an earlier, grown run), adopt it.
        _ = mdb_env_set_mapsize(env, 0)
    }

    deinit {
        mdb_env_close(handle)
        pthread_rwlock_destroy(resizeLock)
        resizeLock.deallocate()
    }

    /// Opens (creating if `create` and absent) the named database, typed by its codecs.
    public func database<K: LMDBCodec, V: LMDBCodec>(
        _ name: String, key: K.Type = K.self, value: V.Type = V.self, create: Bool = true
    ) throws -> Database<K, V> {
        let dbi: MDB_dbi
        if create && !options.readOnly {
            dbi = try write { (txn: borrowing WriteTransaction) in
                try txn.openDatabase(name, flags: UInt32(MDB_CREATE))
            }
        } else {
            // Committed, not aborted: LMDB closes the handles opened by an aborted transaction.
            let txn = try beginRead()
            do {
                dbi = try txn.openDatabase(name, flags: 0)
            } catch {
                txn.abort()
                throw error
            }
            txn.commit()
        }
        return Database(dbi: dbi, name: name)
    }

    /// The names of the named databases that start with `prefix`, in order: the keys of LMDB's
    /// main database, which holds a record for each named database (also for one no handle of
    /// this process has opened).
    public func databaseNames(prefix: String) throws -> [String] {
        try read { txn in
            var dbi: MDB_dbi = 0
            try check(mdb_dbi_open(txn.handle, nil, 0, &dbi), "cannot open the main database")
            var names: [String] = []
            try Database<Bytes, Bytes>(dbi: dbi, name: "main").forEachRaw(in: txn, prefix: prefix.isEmpty ? nil : Array(prefix.utf8)) {
                key, _ in
                names.append(String(decoding: key, as: UTF8.self))
                return true
            }
            return names
        }
    }

    // MARK: Transactions

    /// Begins a read transaction. Prefer `read(_:)`, which always ends it.
    public func beginRead() throws(LMDBError) -> ReadTransaction {
        pthread_rwlock_rdlock(resizeLock)
        var attempt = 0
        while true {
            var txn: OpaquePointer?
            let rc = mdb_txn_begin(handle, nil, UInt32(MDB_RDONLY), &txn)
            if rc == 0, let txn { return ReadTransaction(handle: txn, lock: resizeLock) }
            if rc == MDB_MAP_RESIZED && attempt < 3 {
                pthread_rwlock_unlock(resizeLock)
                try adoptResizedMap()
                pthread_rwlock_rdlock(resizeLock)
                attempt += 1
                continue
            }
            pthread_rwlock_unlock(resizeLock)
            throw LMDBError(returnCode: rc, context: "cannot begin read transaction")
        }
    }

    /// Runs `body` in a read transaction that ends when it returns.
    public func read<R, E: Error>(_ body: (borrowing ReadTransaction) throws(E) -> R) throws -> R {
        let txn = try beginRead()
        let result = try body(txn)
        txn.abort()
        return result
    }

    /// Begins a write transaction, blocking while another (of any process) is under way.
    /// Prefer `write(_:)`, which commits, aborts and grows the map for you.
    public func beginWrite() throws(LMDBError) -> WriteTransaction {
        pthread_rwlock_rdlock(resizeLock)
        var attempt = 0
        while true {
            var txn: OpaquePointer?
            let rc = mdb_txn_begin(handle, nil, 0, &txn)
            if rc == 0, let txn { return WriteTransaction(handle: txn, lock: resizeLock) }
            if rc == MDB_MAP_RESIZED && attempt < 3 {
                pthread_rwlock_unlock(resizeLock)
                try adoptResizedMap()
                pthread_rwlock_rdlock(resizeLock)
                attempt += 1
                continue
            }
            pthread_rwlock_unlock(resizeLock)
            throw LMDBError(returnCode: rc, context: "cannot begin write transaction")
        }
    }

    /// Runs `body` in a write transaction and commits it (durably, unless `noSync`).
    ///
    /// If `body` throws, the transaction is aborted and nothing is written. If LMDB reports the
    /// map full (in `body` or at commit), the map is grown and `body` runs again.
    public func write<R, E: Error>(_ body: (borrowing WriteTransaction) throws(E) -> R) throws -> R {
        while true {
            let txn = try beginWrite()
            let outcome: Result<R, any Error>
            do {
                outcome = .success(try body(txn))
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .failure(let error):
                txn.abort()
                if let lmdb = error as? LMDBError, lmdb.code == .mapFull {
                    try grow()
                    continue
                }
                throw error
            case .success(let result):
                let rc = txn.commitReturningCode()
                if rc == MDB_MAP_FULL {
                    try grow()
                    continue
                }
                try check(rc, "cannot commit")
                return result
            }
        }
    }

    // MARK: Map size

    /// The current map size in bytes.
    public var mapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return info.me_mapsize
    }

    /// Doubles the map (up to `maxMapSize`) once no transaction of this process is open.
    public func grow() throws(LMDBError) {
        pthread_rwlock_wrlock(resizeLock)
        defer { pthread_rwlock_unlock(resizeLock) }
        let current = mapSize
        guard current < options.maxMapSize else {
            throw LMDBError(
                code: .mapFull, rawValue: MDB_MAP_FULL,
                message: "the log reached its maximum size of \(options.maxMapSize) bytes")
        }
        let next = min(options.maxMapSize, current * 2)
        try check(mdb_env_set_mapsize(handle, next), "cannot grow the map to \(next) bytes")
    }

    func adoptResizedMap() throws(LMDBError) {
        pthread_rwlock_wrlock(resizeLock)
        defer { pthread_rwlock_unlock(resizeLock) }
        try check(mdb_env_set_mapsize(handle, 0), "cannot adopt the map size grown by another process")
    }

    // MARK: Maintenance

    /// Flushes buffers to disk (useful after `noSync` writes).
    public func sync(force: Bool = true) throws(LMDBError) {
        try check(mdb_env_sync(handle, force ? 1 : 0), "cannot sync environment")
    }

    /// Copies the environment to directory `path` (which must exist and be empty) as a
    /// consistent snapshot taken in one read transaction; `compact` omits free pages.
    public func copy(to path: String, compact: Bool = true) throws(LMDBError) {
        try check(
            mdb_env_copy2(handle, path, compact ? UInt32(MDB_CP_COMPACT) : 0),
            "cannot copy environment to \(path)")
    }

    /// Statistics of the main database and the environment.
    public struct Info: Sendable {
        public var mapSize: Int
        public var lastPageNumber: Int
        public var lastTransactionID: Int
        public var pageSize: Int
        /// Bytes the data file uses: (last page + 1) x page size.
        public var usedBytes: Int { (lastPageNumber + 1) * pageSize }
    }

    public func info() -> Info {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        var stat = MDB_stat()
        mdb_env_stat(handle, &stat)
        return Info(
            mapSize: info.me_mapsize, lastPageNumber: info.me_last_pgno,
            lastTransactionID: info.me_last_txnid, pageSize: Int(stat.ms_psize))
    }

    /// Removes reader slots left by dead processes; returns how many.
    @discardableResult
    public func clearStaleReaders() -> Int {
        var dead: Int32 = 0
        mdb_reader_check(handle, &dead)
        return Int(dead)
    }
}
