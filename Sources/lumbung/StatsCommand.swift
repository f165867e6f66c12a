import ArgumentParser
import EventLog
import JSON

extension Lumbung {
    /// `lumbung stats`: counts and the head of the chain.
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print {events, streams, headPosition, headHash, bytes} (and, on a read replica, replication: {stream, streamLastSequence, lag, updatedAt})."
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
            if let r = ReplicationStatus.read(dataDirectory: self.store.resolvedDataDirectory) {
                members.append(
                    (
                        "replication",
                        .object([
                            ("stream", .string(r.stream)), ("streamLastSequence", .int(r.streamLastSequence)),
                            ("lag", .int(r.lag(headPosition: s.headPosition))), ("updatedAt", .string(r.updatedAt)),
                        ])
                    ))
            }
            Output.standard.line(JSONObject(members))
            Output.flush()
        }
    }
}
