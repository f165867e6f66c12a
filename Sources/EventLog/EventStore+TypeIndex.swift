import LMDB

extension EventStore {
    /// The position of the latest event of any of `types` at or before `position` (the head when
    /// nil); 0 when there is none. One backward seek in the type index per type, whatever the
    /// log's size: what a cache of pages over the views of these types keys its entries on (the
    /// views cannot have changed since, as far as these types go).
    public func lastPosition(ofTypes types: Set<String>, atOrBefore position: UInt64? = nil) throws -> UInt64 {
        try environment.read { txn in
            let cursor = try dbs.types.cursor(in: txn)
            var latest: UInt64 = 0
            for type in types {
                let prefix = Array(type.utf8) + [0]
                guard let entry = try cursor.seek(atMost: prefix + bigEndian(position ?? .max)),
                    entry.key.count == prefix.count + 8, entry.key.starts(with: prefix)
                else { continue }
                var p: UInt64 = 0
                for byte in entry.key.suffix(8) { p = p << 8 | UInt64(byte) }
                latest = max(latest, p)
            }
            return latest
        }
    }
}
