import ArgumentParser
import EventLog
import JSON

extension Lumbung {
    /// `lumbung stats`: counts and the head of the chain.
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print {events, streams, headPosition, headHash, bytes} (and, on a read replica, replication: {stream, streamLastSequence, lag, updatedAt, stopped[, reason, refusedPosition], verifiedTreeSize})."
        )

        @OptionGroup var store: StoreOptions

        func run() throws {
            let store = try self.store.openStore(mustExist: true)
            defer { store.close() }
            let s = try store.stats()
            var members: [(String, JSONValue)] = [
                ("events", .int(s.events)), ("streams", .int(s.streams)), ("headPosition", .int(s.headPosition)),
                ("headHash", .string(s.headHash.description)), ("bytes", .int(s.bytes)),
            ]
            // A read replica (lumbung follow): how far behind the stream it follows.
            // Once its follower stopped: true, with why and the refused position.
            if let r = ReplicationStatus.read(dataDirectory: self.store.resolvedDataDirectory) {
                var replication: [(String, JSONValue)] = [
                    ("stream", .string(r.stream)), ("streamLastSequence", .int(r.streamLastSequence)),
                    ("lag", .int(r.lag(headPosition: s.headPosition))), ("updatedAt", .string(r.updatedAt)),
                    ("stopped", .bool(!r.isHealthy)),
                ]
                if let reason = r.stoppedReason { replication.append(("reason", .string(reason))) }
                if let position = r.refusedPosition { replication.append(("refusedPosition", .int(position))) }
                if let size = r.verifiedTreeSize { replication.append(("verifiedTreeSize", .int(size))) }
                members.append(("replication", .object(replication)))
            }
            Output.standard.line(JSONObject(members))
            Output.flush()
        }
    }
}
