import LMDB
import Testing

/// A key of the shape the log's indexes use: name bytes, 0x00, big-endian number.
private func indexKey(_ name: [UInt8], _ n: UInt64) -> [UInt8] {
    name + [0] + UInt64BE.withEncoded(n) { [UInt8]($0) }
}

private func indexKey(_ name: String, _ n: UInt64) -> [UInt8] { indexKey(Array(name.utf8), n) }

@Suite("LMDB cursors and scans")
struct CursorTests {
    /// Numbers whose little-endian byte order differs from their numeric order.
    static let numbers: [UInt64] = [
        0, 1, 2, 255, 256, 257, 65_535, 65_536, 1 << 24, 1 << 32, (1 << 32) + 1, 1 << 56, UInt64.max - 1, UInt64.max,
    ]

    let dir: TemporaryDirectory
    let env: Environment
    let numbered: Database<UInt64BE, UInt64BE>
    let indexed: Database<Bytes, UInt64BE>

    init() throws {
        dir = try TemporaryDirectory("cursor")
        env = try Environment(path: dir.path)
        numbered = try env.database("numbered")
        indexed = try env.database("indexed")
        let numbered = self.numbered
        let indexed = self.indexed
        var shuffled = Self.numbers
        var rng = SystemRandomNumberGenerator()
        shuffled.shuffle(using: &rng)
        try env.write { txn in
            for n in shuffled { try numbered.put(n, n, in: txn) }
            // Three "streams" plus neighbours that share a textual prefix but not the 0x00 separator.
            for (name, count) in [("ab", 3), ("a", 2), ("abc", 2), ("b", 1), ("zz", 4)] {
                for v in 1...UInt64(count) { try indexed.put(indexKey(name, v), v, in: txn) }
            }
            try indexed.put(Array("ab\u{1}".utf8), 100, in: txn)
            // A prefix ending in 0xFF, followed by a greater key, and a prefix of 0xFF bytes at the very end.
            try indexed.put([0x7A, 0xFF, 1], 201, in: txn)
            try indexed.put([0x7A, 0xFF, 2], 202, in: txn)
            try indexed.put([0xFF, 0xFF, 1], 301, in: txn)
            try indexed.put([0xFF, 0xFF, 2], 302, in: txn)
        }
    }

    private func scanNumbers(from: UInt64? = nil, direction: Cursor.Direction = .forward, stopAfter: Int = .max) throws -> [UInt64] {
        var out: [UInt64] = []
        try env.read { txn in
            try numbered.forEach(in: txn, from: from, direction: direction) { k, v in
                #expect(k == v)
                out.append(k)
                return out.count < stopAfter
            }
        }
        return out
    }

    private func scanIndex(from: [UInt8]? = nil, direction: Cursor.Direction = .forward, prefix: [UInt8]?) throws -> [UInt64] {
        var out: [UInt64] = []
        try env.read { txn in
            try indexed.forEachRaw(in: txn, from: from, direction: direction, prefix: prefix) { _, v in
                out.append(try UInt64BE.decode(v))
                return true
            }
        }
        return out
    }

    @Test("big-endian keys scan in numeric order, forward and backward")
    func numericOrder() throws {
        #expect(try scanNumbers() == Self.numbers)
        #expect(try scanNumbers(direction: .backward) == Self.numbers.reversed())
        var rawKeys: [[UInt8]] = []
        try env.read { txn in
            try numbered.forEachRaw(in: txn) { k, _ in
                rawKeys.append([UInt8](k))
                return true
            }
        }
        #expect(rawKeys == rawKeys.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(rawKeys.first == [0, 0, 0, 0, 0, 0, 0, 0])
        #expect(rawKeys[4] == [0, 0, 0, 0, 0, 0, 1, 0])  // 256
    }

    @Test("scans from a key: forward takes the first key >= it, backward the last key <= it")
    func scanFrom() throws {
        #expect(
            try scanNumbers(from: 256) == [256, 257, 65_535, 65_536, 1 << 24, 1 << 32, (1 << 32) + 1, 1 << 56, UInt64.max - 1, UInt64.max])
        #expect(try scanNumbers(from: 300) == [65_535, 65_536, 1 << 24, 1 << 32, (1 << 32) + 1, 1 << 56, UInt64.max - 1, UInt64.max])
        #expect(try scanNumbers(from: 256, direction: .backward) == [256, 255, 2, 1, 0])
        #expect(try scanNumbers(from: 300, direction: .backward) == [257, 256, 255, 2, 1, 0])
        #expect(try scanNumbers(from: UInt64.max, direction: .backward, stopAfter: 2) == [UInt64.max, UInt64.max - 1])
        #expect(try scanNumbers(from: (1 << 56) + 5) == [UInt64.max - 1, UInt64.max])
        #expect(try scanNumbers(from: 3, stopAfter: 3) == [255, 256, 257])
    }

    @Test("prefix scans stay inside the prefix, forward and backward")
    func prefixScans() throws {
        let ab = Array("ab".utf8) + [0]
        #expect(try scanIndex(prefix: ab) == [1, 2, 3])
        #expect(try scanIndex(direction: .backward, prefix: ab) == [3, 2, 1])
        #expect(try scanIndex(from: indexKey("ab", 2), prefix: ab) == [2, 3])
        #expect(try scanIndex(from: indexKey("ab", 2), direction: .backward, prefix: ab) == [2, 1])
        #expect(try scanIndex(from: indexKey("ab", 50), direction: .backward, prefix: ab) == [3, 2, 1])
        #expect(try scanIndex(prefix: Array("a".utf8) + [0]) == [1, 2])
        #expect(try scanIndex(direction: .backward, prefix: Array("a".utf8) + [0]) == [2, 1])
        #expect(try scanIndex(direction: .backward, prefix: Array("abc".utf8) + [0]) == [2, 1])
        // The last stream-like range: the key after it is not a stream key.
        #expect(try scanIndex(direction: .backward, prefix: Array("zz".utf8) + [0]) == [4, 3, 2, 1])
        // A prefix ending in 0xFF and one made only of 0xFF bytes.
        #expect(try scanIndex(direction: .backward, prefix: [0x7A, 0xFF]) == [202, 201])
        #expect(try scanIndex(prefix: [0x7A, 0xFF]) == [201, 202])
        #expect(try scanIndex(direction: .backward, prefix: [0xFF, 0xFF]) == [302, 301])
        // A prefix nothing has.
        #expect(try scanIndex(prefix: Array("ac".utf8) + [0]) == [])
        #expect(try scanIndex(direction: .backward, prefix: Array("ac".utf8) + [0]) == [])
        #expect(try scanIndex(direction: .backward, prefix: [0x00]) == [])
        // A textual prefix without the separator takes the neighbours too, in byte order.
        #expect(try scanIndex(prefix: Array("ab".utf8)) == [1, 2, 3, 100, 1, 2])
        #expect(try scanIndex(direction: .backward, prefix: Array("ab".utf8)) == [2, 1, 100, 3, 2, 1])
    }

    @Test("cursor moves: first, last, next, previous, seek exactly / at least / at most")
    func cursorMoves() throws {
        try env.read { txn in
            let c = try numbered.cursor(in: txn)
            func key(_ e: Cursor.Entry?) throws -> UInt64? { try e.map { try UInt64BE.decode($0.key) } }
            let first = try key(c.first())
            let beforeFirst = try key(c.previous())
            let last = try key(c.last())
            let afterLast = try key(c.next())
            let exact = try key(c.seek(exactly: UInt64BE.withEncoded(65_536) { [UInt8]($0) }))
            let current = try key(c.current())
            let missing = try key(c.seek(exactly: UInt64BE.withEncoded(3) { [UInt8]($0) }))
            let atLeast = try key(c.seek(atLeast: UInt64BE.withEncoded(3) { [UInt8]($0) }))
            let atMost = try key(c.seek(atMost: UInt64BE.withEncoded(3) { [UInt8]($0) }))
            let atMostExact = try key(c.seek(atMost: UInt64BE.withEncoded(257) { [UInt8]($0) }))
            let pastEnd = try key(c.seek(atLeast: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00]))
            let atMostPastEnd = try key(c.seek(atMost: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00]))
            #expect(first == 0)
            #expect(beforeFirst == nil)
            #expect(last == UInt64.max)
            #expect(afterLast == nil)
            #expect(exact == 65_536)
            #expect(current == 65_536)
            #expect(missing == nil)
            #expect(atLeast == 255)
            #expect(atMost == 2)
            #expect(atMostExact == 257)
            #expect(pastEnd == nil)
            #expect(atMostPastEnd == UInt64.max)
        }
    }

    @Test("a backward scan from below every key visits nothing")
    func backwardFromBelowEverything() throws {
        let dir = try TemporaryDirectory("cursor-empty")
        let env = try Environment(path: dir.path)
        let db: Database<UInt64BE, Bytes> = try env.database("d")
        var visited = 0
        try env.read { txn in
            try db.forEach(in: txn, direction: .backward) { _, _ in
                visited += 1
                return true
            }
            try db.forEach(in: txn, from: 5) { _, _ in
                visited += 1
                return true
            }
        }
        #expect(visited == 0)
        try env.write { txn in for k in UInt64(10)...12 { try db.put(k, [], in: txn) } }
        try env.read { txn in
            try db.forEach(in: txn, from: 9, direction: .backward) { _, _ in
                visited += 1
                return true
            }
        }
        #expect(visited == 0)
    }
}
