import Foundation
import LMDB
import Testing

private struct Boom: Error {}

/// Big, recognisable values: the key (big-endian) at both ends, a byte of it in between.
private func pattern(_ key: UInt64, size: Int) -> [UInt8] {
    let tag = UInt64BE.withEncoded(key) { [UInt8]($0) }
    return tag + [UInt8](repeating: UInt8(truncatingIfNeeded: key &* 31 &+ 7), count: size - 16) + tag
}

@Suite("LMDB environment, databases and transactions")
struct EnvironmentTests {
    @Test("an environment opens in an empty directory, creates its files and reopens")
    func openCreatesFilesAndReopens() throws {
        let dir = try TemporaryDirectory()
        do {
            let env = try Environment(path: dir.path)
            let db: Database<UTF8String, UTF8String> = try env.database("names")
            try env.write { txn in try db.put("kota", "Mataram", in: txn) }
            #expect(env.mapSize == Environment.Options().mapSize)
        }
        #expect(FileManager.default.fileExists(atPath: dir.path + "/data.mdb"))
        #expect(FileManager.default.fileExists(atPath: dir.path + "/lock.mdb"))
        let env = try Environment(path: dir.path)
        let db: Database<UTF8String, UTF8String> = try env.database("names", create: false)
        let value = try env.read { txn in try db.get("kota", in: txn) }
        #expect(value == "Mataram")
    }

    @Test("put, get, contains, count and delete with UInt64BE, UTF8String and Bytes codecs")
    func putGetDelete() throws {
        let dir = try TemporaryDirectory()
        let env = try Environment(path: dir.path)
        let numbers: Database<UInt64BE, UTF8String> = try env.database("numbers")
        let words: Database<UTF8String, Bytes> = try env.database("words")
        let raw: Database<Bytes, UInt64BE> = try env.database("raw")

        try env.write { txn in
            try numbers.put(42, "empat puluh dua", in: txn)
            try numbers.put(UInt64.max, "max", in: txn)
            try words.put("gempa", [0, 1, 2, 255], in: txn)
            try words.put("kosong", [], in: txn)
            try words.put("ünïcødé ☃", [9], in: txn)
            try raw.put([0xDE, 0xAD, 0x00, 0xBE, 0xEF], 7, in: txn)
        }
        try env.read { txn in
            let a = try numbers.get(42, in: txn)
            let b = try numbers.get(UInt64.max, in: txn)
            let c = try numbers.get(43, in: txn)
            let d = try words.get("gempa", in: txn)
            let e = try words.get("kosong", in: txn)
            let f = try words.get("ünïcødé ☃", in: txn)
            let g = try raw.get([0xDE, 0xAD, 0x00, 0xBE, 0xEF], in: txn)
            let h = try raw.get([0xDE, 0xAD], in: txn)
            let has = try numbers.contains(42, in: txn)
            let hasNot = try numbers.contains(41, in: txn)
            let count = try numbers.count(in: txn)
            #expect(a == "empat puluh dua")
            #expect(b == "max")
            #expect(c == nil)
            #expect(d == [0, 1, 2, 255])
            #expect(e == [])
            #expect(f == [9])
            #expect(g == 7)
            #expect(h == nil)
            #expect(has)
            #expect(!hasNot)
            #expect(count == 2)
        }
        // Overwrite, then delete.
        try env.write { txn in
            try numbers.put(42, "forty-two", in: txn)
            let removed = try words.delete("gempa", in: txn)
            let removedAgain = try words.delete("gempa", in: txn)
            let absent = try words.delete("never-there", in: txn)
            #expect(removed)
            #expect(!removedAgain)
            #expect(!absent)
        }
        try env.read { txn in
            let a = try numbers.get(42, in: txn)
            let d = try words.get("gempa", in: txn)
            let count = try words.count(in: txn)
            #expect(a == "forty-two")
            #expect(d == nil)
            #expect(count == 2)
        }
        // The stored bytes of a UInt64BE are big-endian.
        let stored = try env.read { txn in
            try numbers.withValueBytes(UInt64.max, in: txn) { [UInt8]($0) }
        }
        #expect(stored == Array("max".utf8))
        var keys: [[UInt8]] = []
        try env.read { txn in
            try numbers.forEachRaw(in: txn) { k, _ in
                keys.append([UInt8](k))
                return true
            }
        }
        #expect(keys == [[0, 0, 0, 0, 0, 0, 0, 42], [UInt8](repeating: 0xFF, count: 8)])
    }

    @Test("putRaw and deleteRaw write and remove encoded bytes as put and delete do; append refuses a key not after the last")
    func rawBytes() throws {
        let dir = try TemporaryDirectory()
        let env = try Environment(path: dir.path)
        let numbers: Database<UInt64BE, UTF8String> = try env.database("numbers")
        let key: (UInt64) -> [UInt8] = { withUnsafeBytes(of: $0.bigEndian) { [UInt8]($0) } }
        try env.write { txn in
            for n in [UInt64(1), 2, 300] {
                try key(n).withUnsafeBytes { k in
                    try Array("n\(n)".utf8).withUnsafeBytes { v in try numbers.putRaw(key: k, value: v, flags: .append, in: txn) }
                }
            }
            #expect(throws: LMDBError.self) {
                try key(5).withUnsafeBytes { k in
                    try [UInt8]().withUnsafeBytes { v in try numbers.putRaw(key: k, value: v, flags: .append, in: txn) }
                }
            }
        }
        try env.write { txn in
            let removed = try key(2).withUnsafeBytes { try numbers.deleteRaw(key: $0, in: txn) }
            let absent = try key(7).withUnsafeBytes { try numbers.deleteRaw(key: $0, in: txn) }
            #expect(removed)
            #expect(!absent)
        }
        try env.read { txn in
            let one = try numbers.get(1, in: txn)
            let two = try numbers.get(2, in: txn)
            let big = try numbers.get(300, in: txn)
            let five = try numbers.get(5, in: txn)
            #expect(one == "n1")
            #expect(two == nil)
            #expect(big == "n300")
            #expect(five == nil)
        }
    }

    @Test("a write transaction whose body throws writes nothing")
    func writeRollsBackOnThrow() throws {
        let dir = try TemporaryDirectory()
        let env = try Environment(path: dir.path)
        let db: Database<UTF8String, UTF8String> = try env.database("kv")
        try env.write { txn in try db.put("kept", "1", in: txn) }
        #expect(throws: Boom.self) {
            try env.write { txn in
                try db.put("lost", "2", in: txn)
                try db.put("kept", "overwritten", in: txn)
                throw Boom()
            }
        }
        try env.read { txn in
            let lost = try db.get("lost", in: txn)
            let kept = try db.get("kept", in: txn)
            #expect(lost == nil)
            #expect(kept == "1")
        }
    }

    @Test("a nested write transaction that throws is undone; its parent and its successful siblings commit")
    func nestedTransactionRollsBack() throws {
        let dir = try TemporaryDirectory()
        let env = try Environment(path: dir.path)
        let db: Database<UTF8String, UTF8String> = try env.database("kv")
        try env.write { txn in
            try db.put("before", "a", in: txn)
            var threw = false
            do {
                try txn.nested { child in
                    try db.put("in-failed-child", "b", in: child)
                    try db.put("before", "changed by the failed child", in: child)
                    let seen = try db.get("in-failed-child", in: child)
                    #expect(seen == "b")
                    throw Boom()
                }
            } catch is Boom {
                threw = true
            }
            #expect(threw)
            let undone = try db.get("in-failed-child", in: txn)
            let parentValue = try db.get("before", in: txn)
            #expect(undone == nil)
            #expect(parentValue == "a")
            let returned = try txn.nested { child in
                try db.put("in-good-child", "c", in: child)
                return 7
            }
            #expect(returned == 7)
            try db.put("after", "d", in: txn)
        }
        try env.read { txn in
            let a = try db.get("before", in: txn)
            let b = try db.get("in-failed-child", in: txn)
            let c = try db.get("in-good-child", in: txn)
            let d = try db.get("after", in: txn)
            #expect(a == "a")
            #expect(b == nil)
            #expect(c == "c")
            #expect(d == "d")
        }
    }

    @Test("the map grows by itself from 64 KiB while several MB are written, and everything stays readable")
    func mapGrowsByItself() throws {
        let dir = try TemporaryDirectory()
        var options = Environment.Options()
        options.mapSize = 64 << 10
        options.noSync = true
        let valueSize = 4096
        var keys: [UInt64] = []
        do {
            let env = try Environment(path: dir.path, options: options)
            let initial = env.mapSize
            #expect(initial <= 64 << 10)
            let db: Database<UInt64BE, Bytes> = try env.database("blobs")
            // Many small transactions (64 KiB each) ...
            for t in 0..<48 {
                try env.write { txn in
                    for i in 0..<16 {
                        let key = UInt64(t * 16 + i)
                        try db.put(key, pattern(key, size: valueSize), in: txn)
                    }
                }
            }
            // ... and one transaction far larger than the map at that point.
            try env.write { txn in
                for i in 0..<512 {
                    let key = UInt64(10_000 + i)
                    try db.put(key, pattern(key, size: valueSize), in: txn)
                }
            }
            keys = (0..<(48 * 16)).map { UInt64($0) } + (0..<512).map { UInt64(10_000 + $0) }
            let total = keys.count * valueSize
            #expect(total >= 5 << 20)
            #expect(env.mapSize > total)
            #expect(env.mapSize > initial)
            try env.read { txn in
                let count = try db.count(in: txn)
                #expect(count == keys.count)
                for key in keys {
                    let value = try db.get(key, in: txn)
                    guard value == pattern(key, size: valueSize) else {
                        Issue.record("value of key \(key) is wrong after the map grew")
                        return
                    }
                }
            }
        }
        // Reopened with the tiny initial size, the grown file is adopted and read whole.
        let env = try Environment(path: dir.path, options: options)
        #expect(env.mapSize > 5 << 20)
        let db: Database<UInt64BE, Bytes> = try env.database("blobs", create: false)
        let last = try env.read { txn in try db.get(10_511, in: txn) }
        #expect(last == pattern(10_511, size: valueSize))
    }

    @Test("a map that may not grow further reports mapFull and keeps what was written before")
    func mapFullAtMaximum() throws {
        let dir = try TemporaryDirectory()
        var options = Environment.Options()
        options.mapSize = 64 << 10
        options.maxMapSize = 256 << 10
        options.noSync = true
        let env = try Environment(path: dir.path, options: options)
        let db: Database<UInt64BE, Bytes> = try env.database("blobs")
        try env.write { txn in try db.put(1, [1, 2, 3], in: txn) }
        do {
            try env.write { txn in
                for i in 0..<256 {
                    try db.put(UInt64(100 + i), pattern(UInt64(i), size: 4096), in: txn)
                }
            }
            Issue.record("writing 1 MiB into a map limited to 256 KiB should fail")
        } catch let error as LMDBError {
            #expect(error.code == .mapFull)
            #expect(error.message.contains("maximum size"))
        }
        try env.read { txn in
            let first = try db.get(1, in: txn)
            let count = try db.count(in: txn)
            #expect(first == [1, 2, 3])
            #expect(count == 1)
        }
    }
}

@Suite("LMDBError")
struct LMDBErrorTests {
    @Test("get of an absent key returns nil and never throws notFound")
    func getAbsentReturnsNil() throws {
        let dir = try TemporaryDirectory()
        let env = try Environment(path: dir.path)
        let db: Database<UInt64BE, Bytes> = try env.database("d")
        let value = try env.read { txn in try db.get(99, in: txn) }
        #expect(value == nil)
        let bytes = try env.read { txn in try db.withValueBytes(99, in: txn) { [UInt8]($0) } }
        #expect(bytes == nil)
    }

    @Test("put with .noOverwrite on an existing key throws keyExists with LMDB's code and a message, and keeps the value")
    func noOverwrite() throws {
        let dir = try TemporaryDirectory()
        let env = try Environment(path: dir.path)
        let db: Database<UTF8String, UTF8String> = try env.database("heads")
        try env.write { txn in try db.put("stream-1", "v1", in: txn) }
        do {
            try env.write { txn in try db.put("stream-1", "v2", flags: .noOverwrite, in: txn) }
            Issue.record("noOverwrite should refuse an existing key")
        } catch let error as LMDBError {
            #expect(error.code == .keyExists)
            #expect(error.rawValue == -30799)  // MDB_KEYEXIST
            #expect(error.message.contains("heads"))
            #expect(error.message.contains("MDB_KEYEXIST"))
            #expect(error.description == error.message)
        }
        let value = try env.read { txn in try db.get("stream-1", in: txn) }
        #expect(value == "v1")
        // A new key is accepted with the same flag.
        try env.write { txn in try db.put("stream-2", "v1", flags: .noOverwrite, in: txn) }
    }

    @Test("put with .append refuses a key smaller than the last one")
    func appendOutOfOrder() throws {
        let dir = try TemporaryDirectory()
        let env = try Environment(path: dir.path)
        let db: Database<UInt64BE, Bytes> = try env.database("events")
        try env.write { txn in
            for p in UInt64(1)...5 { try db.put(p, [UInt8(p)], flags: .append, in: txn) }
        }
        #expect {
            try env.write { txn in try db.put(3, [0], flags: .append, in: txn) }
        } throws: { error in
            (error as? LMDBError)?.code == .keyExists
        }
        let count = try env.read { txn in try db.count(in: txn) }
        #expect(count == 5)
    }

    @Test("a key longer than LMDB allows is badValueSize")
    func keyTooLong() throws {
        let dir = try TemporaryDirectory()
        let env = try Environment(path: dir.path)
        let db: Database<Bytes, Bytes> = try env.database("d")
        #expect {
            try env.write { txn in try db.put([UInt8](repeating: 0x61, count: 600), [1], in: txn) }
        } throws: { error in
            (error as? LMDBError)?.code == .badValueSize
        }
    }

    @Test("opening an environment in a missing directory names the path")
    func missingDirectory() throws {
        let dir = try TemporaryDirectory()
        let missing = dir.path + "/does/not/exist"
        do {
            _ = try Environment(path: missing)
            Issue.record("opening \(missing) should fail")
        } catch {
            #expect(error.code == .noSuchFile)
            #expect(error.rawValue == 2)
            #expect(error.message.contains(missing))
        }
    }

    @Test("codecs refuse bytes they cannot decode with a decoding error")
    func decodingErrors() throws {
        #expect(throws: LMDBError.self) { try [UInt8](repeating: 1, count: 3).withUnsafeBytes { try UInt64BE.decode($0) } }
        do {
            _ = try [UInt8]([0xFF, 0xFE]).withUnsafeBytes { try UTF8String.decode($0) }
            Issue.record("invalid UTF-8 should not decode")
        } catch let error as LMDBError {
            #expect(error.code == .decoding)
            #expect(error.rawValue == 0)
            #expect(error.message.contains("UTF-8"))
        }
        // A database read with the wrong key codec reports it instead of misreading.
        let dir = try TemporaryDirectory()
        let env = try Environment(path: dir.path)
        let asBytes: Database<Bytes, Bytes> = try env.database("mixed")
        try env.write { txn in try asBytes.put([1, 2, 3], [4], in: txn) }
        let asNumbers: Database<UInt64BE, Bytes> = try env.database("mixed", create: false)
        do {
            try env.read { txn in
                try asNumbers.forEach(in: txn) { _, _ in true }
            }
            Issue.record("a 3-byte key should not decode as UInt64BE")
        } catch let error as LMDBError {
            #expect(error.code == .decoding)
        }
        let roundTrip = UInt64BE.withEncoded(0x0102_0304_0506_0708) { [UInt8]($0) }
        #expect(roundTrip == [1, 2, 3, 4, 5, 6, 7, 8])
        let u32 = UInt32BE.withEncoded(0x0A0B_0C0D) { [UInt8]($0) }
        #expect(u32 == [0x0A, 0x0B, 0x0C, 0x0D])
    }
}
