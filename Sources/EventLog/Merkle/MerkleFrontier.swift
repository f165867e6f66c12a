/// The right edge of a Merkle tree: the roots of the perfect subtrees that make up a tree of
/// `size` leaves, one per set bit of `size`, largest first. It is all that appending a leaf and
/// computing the root need: O(log n) memory, amortized one node hash per leaf.
///
/// Contract: after appending the leaf hashes `h0 ... h(n-1)`, `size == n` and `root` is
/// MTH(D[n]) of RFC 6962 (the empty root for n = 0). `encoded` round-trips through `init(encoded:)`.
public struct MerkleFrontier: Sendable, Equatable {
    /// Leaves appended so far.
    public private(set) var size: UInt64
    /// One root per set bit of `size`, from the highest bit (the leftmost, largest subtree) down.
    public private(set) var nodes: [EventHash]

    /// The empty tree.
    public init() {
        size = 0
        nodes = []
        nodes.reserveCapacity(64)
    }

    /// Appends a leaf (its leaf hash, SHA-256(0x00 || leaf)).
    public mutating func append(leafHash: EventHash) {
        var hash = leafHash
        var bits = size
        while bits & 1 == 1 {
            hash = MerkleTree.nodeHash(nodes.removeLast(), hash)
            bits >>= 1
        }
        nodes.append(hash)
        size += 1
    }

    /// Appends a leaf and sets `completed` to the perfect subtrees it completes, from the leaf
    /// itself (level 0) upwards: the subtree `(level, index)` holds leaves
    /// `[index << level, (index + 1) << level)`. `completed` is a buffer the caller reuses.
    public mutating func append(leafHash: EventHash, completed: inout [MerkleNode]) {
        completed.removeAll(keepingCapacity: true)
        let newSize = size + 1
        var hash = leafHash
        completed.append(MerkleNode(level: 0, index: size, hash: hash))
        var level = 0
        var bits = size
        while bits & 1 == 1 {
            hash = MerkleTree.nodeHash(nodes.removeLast(), hash)
            level += 1
            bits >>= 1
            completed.append(MerkleNode(level: level, index: (newSize >> level) - 1, hash: hash))
        }
        nodes.append(hash)
        size = newSize
    }

    /// MTH of the leaves appended so far.
    public var root: EventHash {
        guard var r = nodes.last else { return MerkleTree.emptyRoot }
        var i = nodes.count - 2
        while i >= 0 {
            r = MerkleTree.nodeHash(nodes[i], r)
            i -= 1
        }
        return r
    }

    /// `size` (8 bytes, big-endian) followed by the 32 raw bytes of each node.
    public var encoded: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(8 + 32 * nodes.count)
        withUnsafeBytes(of: size.bigEndian) { out.append(contentsOf: $0) }
        for n in nodes { n.appendRaw(to: &out) }
        return out
    }

    /// Reads `encoded`; nil when the length does not fit the size (one node per set bit).
    public init?(encoded b: UnsafeRawBufferPointer) {
        guard b.count >= 8 else { return nil }
        let size = UInt64(bigEndian: b.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        let count = size.nonzeroBitCount
        guard b.count == 8 + 32 * count else { return nil }
        self.size = size
        nodes = (0..<count).map { i in EventHash(raw: UnsafeRawBufferPointer(rebasing: b[(8 + 32 * i)..<(40 + 32 * i)])) }
    }
}

/// A perfect subtree of a Merkle tree: the `2^level` leaves from `index << level`, and its root.
public struct MerkleNode: Sendable, Equatable {
    public var level: Int
    public var index: UInt64
    public var hash: EventHash

    public init(level: Int, index: UInt64, hash: EventHash) {
        self.level = level
        self.index = index
        self.hash = hash
    }

    /// The position of its last event (leaves are positions from 1).
    public var lastPosition: UInt64 { (index + 1) << level }
}
