import Crypto

/// Gives the root hash of any perfect subtree of a Merkle tree: the `2^level` leaves starting at
/// leaf index `index << level`. The proof algorithms of `MerkleTree` ask only for subtrees that lie
/// entirely inside the tree they work on.
public protocol MerkleSubtreeSource {
    /// MTH of leaves `[index << level, (index + 1) << level)`; for level 0 that is the leaf hash.
    func perfectSubtree(level: Int, index: UInt64) throws -> EventHash
}

/// RFC 6962 (section 2.1) / RFC 9162 (section 2.1) Merkle tree hashing, proofs and their
/// verification, as pure functions.
///
/// Contract:
/// - Leaf hash = SHA-256(0x00 || leaf), node hash = SHA-256(0x01 || left || right), and the root
///   of the empty tree is SHA-256 of the empty string. Every hash is an `EventHash` (a SHA-256 digest).
/// - For a tree of `n` leaves, MTH(D[n]) splits at the largest power of two `k < n`:
///   MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n])).
/// - Proof paths are in the RFC's order: from the leaf (or the old tree) up to the root.
/// - Generating a proof reads O(log n) subtree hashes from its `MerkleSubtreeSource`; the
///   verifiers read nothing and never throw: they answer `false` for any malformed input.
public enum MerkleTree {
    /// The root of the empty tree: SHA-256 of the empty string.
    public static let emptyRoot: EventHash = EventHash.sha256([UInt8]())

    // MARK: Hashing

    /// SHA-256(0x00 || `leaf`).
    public static func leafHash(_ leaf: UnsafeRawBufferPointer) -> EventHash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: leaf)
        return hasher.finalize().withUnsafeBytes { EventHash(raw: $0) }
    }

    /// SHA-256(0x00 || `leaf`).
    public static func leafHash(_ leaf: [UInt8]) -> EventHash {
        leaf.withUnsafeBytes { leafHash($0) }
    }

    /// SHA-256(0x01 || `left` || `right`).
    public static func nodeHash(_ left: EventHash, _ right: EventHash) -> EventHash {
        withUnsafeTemporaryAllocation(byteCount: 65, alignment: 8) { p in
            p[0] = 1
            p.storeBytes(of: left.words.0.bigEndian, toByteOffset: 1, as: UInt64.self)
            p.storeBytes(of: left.words.1.bigEndian, toByteOffset: 9, as: UInt64.self)
            p.storeBytes(of: left.words.2.bigEndian, toByteOffset: 17, as: UInt64.self)
            p.storeBytes(of: left.words.3.bigEndian, toByteOffset: 25, as: UInt64.self)
            p.storeBytes(of: right.words.0.bigEndian, toByteOffset: 33, as: UInt64.self)
            p.storeBytes(of: right.words.1.bigEndian, toByteOffset: 41, as: UInt64.self)
            p.storeBytes(of: right.words.2.bigEndian, toByteOffset: 49, as: UInt64.self)
            p.storeBytes(of: right.words.3.bigEndian, toByteOffset: 57, as: UInt64.self)
            return EventHash.sha256(UnsafeRawBufferPointer(p))
        }
    }

    /// The root of the tree whose leaf hashes are `leafHashes` (in memory; for small trees and tests).
    public static func root(leafHashes: [EventHash]) -> EventHash {
        var frontier = MerkleFrontier()
        for h in leafHashes { frontier.append(leafHash: h) }
        return frontier.root
    }

    // MARK: Sizes

    /// The largest power of two strictly below `n` (n >= 2).
    @inline(__always)
    static func splitPoint(_ n: UInt64) -> UInt64 {
        UInt64(1) << (63 - (n - 1).leadingZeroBitCount)
    }

    // MARK: Generating

    /// MTH(D[start:end]) (at least one leaf: `start < end`), from the perfect subtrees of
    /// `source`: O(log n) reads when `start` is a multiple of the largest power of two below
    /// `end - start` (always so inside the proofs), more otherwise.
    public static func rangeHash(
        start: UInt64, end: UInt64, source: some MerkleSubtreeSource
    ) throws -> EventHash {
        guard start < end else { throw EventLogError.invalid("range", "the leaf range \(start)..<\(end) is empty") }
        let n = end - start
        if n & (n - 1) == 0 {
            let level = n.trailingZeroBitCount
            if start & (n - 1) == 0 { return try source.perfectSubtree(level: level, index: start >> level) }
        }
        let k = splitPoint(n)
        return nodeHash(
            try rangeHash(start: start, end: start + k, source: source),
            try rangeHash(start: start + k, end: end, source: source))
    }

    /// MTH of the first `size` leaves (the empty root for size 0).
    public static func root(size: UInt64, source: some MerkleSubtreeSource) throws -> EventHash {
        size == 0 ? emptyRoot : try rangeHash(start: 0, end: size, source: source)
    }

    /// The audit path PATH(index, D[size]) of RFC 6962 section 2.1.1: the sibling hashes from the
    /// leaf up to the root. Requires `index < size`.
    public static func inclusionPath(
        index: UInt64, size: UInt64, source: some MerkleSubtreeSource
    ) throws -> [EventHash] {
        guard index < size else { throw EventLogError.invalid("index", "leaf \(index) is not in a tree of \(size)") }
        var path: [EventHash] = []
        var lo: UInt64 = 0
        var hi = size
        while hi - lo > 1 {
            let k = splitPoint(hi - lo)
            if index < lo + k {
                path.append(try rangeHash(start: lo + k, end: hi, source: source))
                hi = lo + k
            } else {
                path.append(try rangeHash(start: lo, end: lo + k, source: source))
                lo += k
            }
        }
        return path.reversed()
    }

    /// The consistency proof PROOF(from, D[to]) of RFC 6962 section 2.1.2 (SUBPROOF with b = true);
    /// empty when `from` is 0 or equals `to`. Requires `from <= to`.
    public static func consistencyPath(
        from: UInt64, to: UInt64, source: some MerkleSubtreeSource
    ) throws -> [EventHash] {
        guard from <= to else { throw EventLogError.invalid("from", "\(from) is beyond \(to)") }
        guard from > 0 && from < to else { return [] }
        var path: [EventHash] = []
        var lo: UInt64 = 0
        var hi = to
        var m = from
        var completeSubtree = true
        while true {
            let n = hi - lo
            if m == n {
                if !completeSubtree { path.append(try rangeHash(start: lo, end: hi, source: source)) }
                break
            }
            let k = splitPoint(n)
            if m <= k {
                path.append(try rangeHash(start: lo + k, end: hi, source: source))
                hi = lo + k
            } else {
                path.append(try rangeHash(start: lo, end: lo + k, source: source))
                lo += k
                m -= k
                completeSubtree = false
            }
        }
        return path.reversed()
    }

    // MARK: Verifying

    /// The root that `path` leads to from `leafHash` at `index` in a tree of `size` (RFC 9162
    /// section 2.1.3.2), or nil when the path cannot belong to such a tree (wrong length, index
    /// out of range).
    public static func rootFromInclusion(
        leafHash: EventHash, index: UInt64, size: UInt64, path: [EventHash]
    ) -> EventHash? {
        guard index < size else { return nil }
        var fn = index
        var sn = size - 1
        var r = leafHash
        for p in path {
            guard sn != 0 else { return nil }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 ? r : nil
    }

    /// Whether `path` proves that `leafHash` is leaf `index` of the tree of `size` leaves whose
    /// root is `root` (RFC 9162 section 2.1.3.2).
    public static func verifyInclusion(
        leafHash: EventHash, index: UInt64, treeSize size: UInt64, path: [EventHash], root: EventHash
    ) -> Bool {
        rootFromInclusion(leafHash: leafHash, index: index, size: size, path: path) == root
    }

    /// Whether `path` proves that the tree of `fromSize` leaves with root `fromRoot` is a prefix of
    /// the tree of `toSize` leaves with root `toRoot` (RFC 9162 section 2.1.4.2). Equal sizes need
    /// an empty path and equal roots; size 0 needs an empty path and the empty root as `fromRoot`.
    public static func verifyConsistency(
        fromSize first: UInt64, toSize second: UInt64, fromRoot: EventHash, toRoot: EventHash, path: [EventHash]
    ) -> Bool {
        guard first <= second else { return false }
        if first == second { return path.isEmpty && fromRoot == toRoot }
        if first == 0 { return path.isEmpty && fromRoot == emptyRoot }
        guard !path.isEmpty else { return false }
        var proof = path[...]
        var fr: EventHash
        var sr: EventHash
        if first & (first - 1) == 0 {
            fr = fromRoot
            sr = fromRoot
        } else {
            fr = proof.removeFirst()
            sr = fr
        }
        var fn = first - 1
        var sn = second - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        for c in proof {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && fr == fromRoot && sr == toRoot
    }
}

/// Leaf hashes held in memory, as a `MerkleSubtreeSource` (for small trees, tests and tools).
public struct InMemoryMerkleLeaves: MerkleSubtreeSource, Sendable {
    public var leafHashes: [EventHash]

    public init(leafHashes: [EventHash]) { self.leafHashes = leafHashes }

    public func perfectSubtree(level: Int, index: UInt64) throws -> EventHash {
        let start = index << level
        let count = UInt64(1) << level
        guard start + count <= UInt64(leafHashes.count) else {
            throw EventLogError.invalid("index", "the subtree at level \(level), index \(index) is beyond \(leafHashes.count) leaves")
        }
        if level == 0 { return leafHashes[Int(start)] }
        return MerkleTree.nodeHash(
            try perfectSubtree(level: level - 1, index: index << 1),
            try perfectSubtree(level: level - 1, index: index << 1 | 1))
    }
}
