import Foundation

/// What a read replica knows of the stream it follows, kept in `<data dir>/replication.json` by
/// `lumbung follow` and read by `lumbung stats` and `/health` (in any process) to show the
/// replica's lag: the stream's last sequence it saw minus its own head position.
///
/// Contract: `write` replaces the file atomically (write a temporary file, then rename), so a
/// reader sees either the old or the new status, never a torn one. `read` returns nil when there
/// is no such file (the data directory is not a replica) or it cannot be read.
public struct ReplicationStatus: Codable, Sendable, Equatable {
    /// The JetStream stream followed.
    public var stream: String
    /// The last sequence of the stream the follower saw (= the primary's last relayed position).
    public var streamLastSequence: UInt64
    /// When it saw it.
    public var updatedAt: String
    /// Whether the follower stopped for good (it refused what the stream holds, or could not go
    /// on); nil or false while it follows.
    public var stopped: Bool?
    /// Why it stopped.
    public var reason: String?
    /// The position it refused (the stream's sequence), when one is to blame.
    public var refusedPosition: UInt64?
    /// The size of the last signed head of the primary that it verified and committed.
    public var verifiedTreeSize: UInt64?

    public init(
        stream: String, streamLastSequence: UInt64, updatedAt: Timestamp = .now(), verifiedTreeSize: UInt64? = nil,
        stoppedBecause reason: String? = nil, refusedPosition: UInt64? = nil
    ) {
        self.stream = stream
        self.streamLastSequence = streamLastSequence
        self.updatedAt = updatedAt.description
        self.verifiedTreeSize = verifiedTreeSize
        self.stopped = reason == nil ? nil : true
        self.reason = reason
        self.refusedPosition = refusedPosition
    }

    /// Whether the follower is following: false once it has stopped (see `stoppedReason`).
    public var isHealthy: Bool { stopped != true }

    /// Why the follower stopped, nil while it follows.
    public var stoppedReason: String? { stopped == true ? (reason ?? "stopped") : nil }

    public static let fileName = "replication.json"

    public static func path(in dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent(fileName)
    }

    public static func read(dataDirectory: String) -> ReplicationStatus? {
        guard let data = FileManager.default.contents(atPath: path(in: dataDirectory)) else { return nil }
        return try? JSONDecoder().decode(ReplicationStatus.self, from: data)
    }

    public func write(dataDirectory: String) throws {
        let path = Self.path(in: dataDirectory)
        let temporary = path + ".tmp"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            throw EventLogError(.storage, "cannot replace \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// How many events the replica at `headPosition` is behind the stream (0 when it is not).
    public func lag(headPosition: UInt64) -> UInt64 {
        streamLastSequence > headPosition ? streamLastSequence - headPosition : 0
    }
}
