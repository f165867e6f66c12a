/// The head of the log's Merkle tree at some size: how many events it covers and its root.
public struct TreeHead: Sendable, Equatable {
    /// Leaves (events) the tree covers: positions `1...size`.
    public var size: UInt64
    /// MTH of those leaves (RFC 6962); the empty root for size 0.
    public var rootHash: EventHash

    public init(size: UInt64, rootHash: EventHash) {
        self.size = size
        self.rootHash = rootHash
    }
}
