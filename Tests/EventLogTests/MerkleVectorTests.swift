import Foundation
import JSON
import Testing

@testable import EventLog

/// Fixtures/merkle-rfc6962 (C2SP CCTV test vectors; hashes in base64).
enum MerkleVectors {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/merkle-rfc6962")

    static func load(_ name: String) throws -> [JSONValue] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try #require(try JSONParser.parse([UInt8](data)).arrayValue, "\(name) is not an array")
    }

    static func hash(_ value: JSONValue?) throws -> EventHash {
        let text = try #require(value?.stringValue, "not a string: \(String(describing: value))")
        let data = try #require(Data(base64Encoded: text), "not base64: \(text)")
        try #require(data.count == 32, "not 32 bytes: \(text)")
        return data.withUnsafeBytes { EventHash(raw: $0) }
    }

    static func hashes(_ value: JSONValue?) throws -> [EventHash] {
        try #require(value?.arrayValue).map { try hash($0) }
    }

    static func size(_ value: JSONValue?) throws -> UInt64 {
        UInt64(try #require(value?.intValue))
    }

    /// The leaves of merkle_tree.json ("a", "b", ...), as bytes.
    static func leaves() throws -> [[UInt8]] {
        try load("merkle_tree.json").map { Array(try #require($0["leaf_data"]?.stringValue).utf8) }
    }
}

@Suite("Merkle tree: RFC 6962 test vectors")
struct MerkleVectorTests {
    @Test("merkle_tree.json: every leaf hash and every root, by the frontier and by the subtree algorithm")
    func treeRoots() throws {
        let cases = try MerkleVectors.load("merkle_tree.json")
        try #require(cases.count == 16)
        var frontier = MerkleFrontier()
        var leafHashes: [EventHash] = []
        for (i, c) in cases.enumerated() {
            let leaf = Array(try #require(c["leaf_data"]?.stringValue).utf8)
            let leafHash = MerkleTree.leafHash(leaf)
            #expect(leafHash == (try MerkleVectors.hash(c["leaf_hash"])), "leaf \(i)")
            frontier.append(leafHash: leafHash)
            leafHashes.append(leafHash)
            let expected = try MerkleVectors.hash(c["root_hash"])
            #expect(frontier.root == expected, "root of \(i + 1) leaves (frontier)")
            #expect(frontier.size == UInt64(i + 1))
            let source = InMemoryMerkleLeaves(leafHashes: leafHashes)
            #expect(try MerkleTree.root(size: UInt64(i + 1), source: source) == expected, "root of \(i + 1) leaves (subtrees)")
            #expect(MerkleTree.root(leafHashes: leafHashes) == expected)
            // The stored form of the right edge round-trips.
            let encoded = frontier.encoded
            #expect(encoded.withUnsafeBytes { MerkleFrontier(encoded: $0) } == frontier)
        }
        #expect(MerkleFrontier().root == MerkleTree.emptyRoot)
        #expect(MerkleTree.emptyRoot.description == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("inclusion-valid.json: paths generated from the leaves equal the vectors', and verify")
    func inclusionValid() throws {
        let leaves = InMemoryMerkleLeaves(leafHashes: try MerkleVectors.leaves().map(MerkleTree.leafHash))
        let cases = try MerkleVectors.load("inclusion-valid.json")
        try #require(!cases.isEmpty)
        for c in cases {
            let index = try MerkleVectors.size(c["leaf_index"])
            let size = try MerkleVectors.size(c["tree_size"])
            let leaf = try MerkleVectors.hash(c["leaf_hash"])
            let root = try MerkleVectors.hash(c["root_hash"])
            let path = try MerkleVectors.hashes(c["inclusion_path"])
            #expect(MerkleTree.verifyInclusion(leafHash: leaf, index: index, treeSize: size, path: path, root: root))
            let subset = InMemoryMerkleLeaves(leafHashes: Array(leaves.leafHashes.prefix(Int(size))))
            #expect(subset.leafHashes[Int(index)] == leaf)
            #expect(try MerkleTree.inclusionPath(index: index, size: size, source: subset) == path, "index \(index), size \(size)")
            #expect(try MerkleTree.root(size: size, source: subset) == root)
        }
    }

    @Test("inclusion-invalid.json: every case is refused")
    func inclusionInvalid() throws {
        let cases = try MerkleVectors.load("inclusion-invalid.json")
        try #require(!cases.isEmpty)
        for c in cases {
            let ok = MerkleTree.verifyInclusion(
                leafHash: try MerkleVectors.hash(c["leaf_hash"]), index: try MerkleVectors.size(c["leaf_index"]),
                treeSize: try MerkleVectors.size(c["tree_size"]), path: try MerkleVectors.hashes(c["inclusion_path"]),
                root: try MerkleVectors.hash(c["root_hash"]))
            #expect(!ok, "accepted: \(c)")
        }
    }

    @Test("consistency-valid.json: paths generated from the leaves equal the vectors', and verify")
    func consistencyValid() throws {
        let leaves = try MerkleVectors.leaves().map(MerkleTree.leafHash)
        let cases = try MerkleVectors.load("consistency-valid.json")
        try #require(!cases.isEmpty)
        for c in cases {
            let from = try MerkleVectors.size(c["old_size"])
            let to = try MerkleVectors.size(c["new_size"])
            let fromRoot = try MerkleVectors.hash(c["old_root"])
            let toRoot = try MerkleVectors.hash(c["new_root"])
            let path = try MerkleVectors.hashes(c["consistency_path"])
            #expect(MerkleTree.verifyConsistency(fromSize: from, toSize: to, fromRoot: fromRoot, toRoot: toRoot, path: path))
            let source = InMemoryMerkleLeaves(leafHashes: Array(leaves.prefix(Int(to))))
            #expect(try MerkleTree.consistencyPath(from: from, to: to, source: source) == path, "\(from) -> \(to)")
            #expect(try MerkleTree.root(size: from, source: source) == fromRoot)
            #expect(try MerkleTree.root(size: to, source: source) == toRoot)
        }
    }

    @Test("consistency-invalid.json: every case is refused")
    func consistencyInvalid() throws {
        let cases = try MerkleVectors.load("consistency-invalid.json")
        try #require(!cases.isEmpty)
        for c in cases {
            let ok = MerkleTree.verifyConsistency(
                fromSize: try MerkleVectors.size(c["old_size"]), toSize: try MerkleVectors.size(c["new_size"]),
                fromRoot: try MerkleVectors.hash(c["old_root"]), toRoot: try MerkleVectors.hash(c["new_root"]),
                path: try MerkleVectors.hashes(c["consistency_path"]))
            #expect(!ok, "accepted: \(c)")
        }
    }

    @Test("every proof of trees up to 40 leaves verifies, and every altered one is refused")
    func exhaustiveSmallTrees() throws {
        let leaves = (0..<40).map { MerkleTree.leafHash(Array("leaf-\($0)".utf8)) }
        let source = InMemoryMerkleLeaves(leafHashes: leaves)
        let roots = (0...40).map { MerkleTree.root(leafHashes: Array(leaves.prefix($0))) }
        let other = MerkleTree.leafHash(Array("other".utf8))
        for n in UInt64(1)...40 {
            for i in 0..<n {
                let path = try MerkleTree.inclusionPath(index: i, size: n, source: source)
                #expect(path.count <= 64 - (n - 1).leadingZeroBitCount)
                #expect(MerkleTree.verifyInclusion(leafHash: leaves[Int(i)], index: i, treeSize: n, path: path, root: roots[Int(n)]))
                #expect(!MerkleTree.verifyInclusion(leafHash: other, index: i, treeSize: n, path: path, root: roots[Int(n)]))
                if n > 1 {
                    #expect(
                        !MerkleTree.verifyInclusion(
                            leafHash: leaves[Int(i)], index: (i + 1) % n, treeSize: n, path: path, root: roots[Int(n)]))
                    var altered = path
                    altered[altered.count - 1] = other
                    #expect(
                        !MerkleTree.verifyInclusion(leafHash: leaves[Int(i)], index: i, treeSize: n, path: altered, root: roots[Int(n)]))
                }
            }
            for m in 0...n {
                let path = try MerkleTree.consistencyPath(from: m, to: n, source: source)
                #expect(
                    MerkleTree.verifyConsistency(fromSize: m, toSize: n, fromRoot: roots[Int(m)], toRoot: roots[Int(n)], path: path),
                    "\(m) -> \(n)")
                if m > 0 && m < n {
                    #expect(!MerkleTree.verifyConsistency(fromSize: m, toSize: n, fromRoot: other, toRoot: roots[Int(n)], path: path))
                    #expect(!MerkleTree.verifyConsistency(fromSize: m, toSize: n, fromRoot: roots[Int(m)], toRoot: other, path: path))
                    var altered = path
                    altered[0] = other
                    #expect(
                        !MerkleTree.verifyConsistency(fromSize: m, toSize: n, fromRoot: roots[Int(m)], toRoot: roots[Int(n)], path: altered)
                    )
                    #expect(!MerkleTree.verifyConsistency(fromSize: m, toSize: n, fromRoot: roots[Int(m)], toRoot: roots[Int(n)], path: []))
                }
            }
        }
    }

    @Test("generation refuses trees it cannot prove in, instead of trapping")
    func badArguments() throws {
        let source = InMemoryMerkleLeaves(leafHashes: [MerkleTree.leafHash([1]), MerkleTree.leafHash([2])])
        #expect(throws: EventLogError.self) { try MerkleTree.inclusionPath(index: 2, size: 2, source: source) }
        #expect(throws: EventLogError.self) { try MerkleTree.consistencyPath(from: 3, to: 2, source: source) }
        #expect(throws: EventLogError.self) { try MerkleTree.rangeHash(start: 1, end: 1, source: source) }
        #expect(throws: EventLogError.self) { try MerkleTree.root(size: 3, source: source) }
        #expect(MerkleTree.rootFromInclusion(leafHash: source.leafHashes[0], index: 5, size: 2, path: []) == nil)
    }
}
