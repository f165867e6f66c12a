import LMDB

extension EventStore {
    /// Keys of the log's `meta` database that belong to the log itself; `setMetadata` refuses them.
    static let reservedMetadataKeys: Set<String> = ["head", "merkle", "format", "replicaOf", "primarySignedHead"]

    /// A value the data directory keeps in the log's `meta` database (not an event: it is not
    /// replicated, exported or hashed), e.g. the fingerprint of a secret the log's events depend on.
    /// Nil when absent.
    public func metadata(_ key: String) throws -> [UInt8]? {
        try environment.read { txn in try dbs.meta.get(Self.metadataKey(key), in: txn) }
    }

    /// Sets (or, with nil, removes) a value of `metadata(_:)`, in a transaction of its own.
    public func setMetadata(_ key: String, _ value: [UInt8]?) throws {
        try environment.write { txn in
            if let value {
                try dbs.meta.put(Self.metadataKey(key), value, in: txn)
            } else {
                _ = try dbs.meta.delete(Self.metadataKey(key), in: txn)
            }
        }
    }

    /// Whether the log holds any event of `type` (one look into the type index).
    public func containsEvent(ofType type: String) throws -> Bool {
        var found = false
        try forEachRecord(EventFilter(types: [type])) { _ in
            found = true
            return false
        }
        return found
    }

    /// Application metadata lives under `app.` so it can never collide with the log's own keys.
    static func metadataKey(_ key: String) -> String { "app." + key }
}
