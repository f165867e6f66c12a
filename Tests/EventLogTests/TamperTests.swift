import Foundation
import Testing

@testable import EventLog

/// Byte offsets of every occurrence of `needle` in `haystack`.
private func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
    guard let first = needle.first, haystack.count >= needle.count else { return [] }
    var found: [Int] = []
    var i = 0
    while i <= haystack.count - needle.count {
        if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { found.append(i) }
        i += 1
    }
    return found
}

/// A log of 50 events whose data each hold a unique marker, written one append at a time, then closed.
private struct TamperedLog {
    static func stream(_ i: Int) -> String { "audit-\(i % 5)" }
    static let type = "test.audited"
    static func marker(_ i: Int) -> String { String(format: "MARK-%04d-MARK", i) }
    static let dataPrefix = #"{"marker":""#

    let scratch: ScratchLog
    let results: [AppendResult]
    let headBefore: EventStore.Stats

    init() throws {
        scratch = try ScratchLog("tamper")
        var results: [AppendResult] = []
        for i in 1...50 {
            results.append(
                try LogTest.append(
                    scratch.log, Self.stream(i), Self.type, data: #"{"marker":"\#(Self.marker(i))","n":\#(i)}"#))
        }
        self.results = results
        headBefore = try scratch.log.stats()
        #expect(try scratch.log.verify().ok)
        scratch.release()
    }

    /// Applies `edit` to the bytes of `data.mdb` (the store is closed meanwhile).
    func editDataFile(_ edit: (inout [UInt8]) throws -> Void) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: scratch.dataFile)))
        try edit(&bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: scratch.dataFile))
    }

    /// Start offsets of the stored records of event `i` in `bytes` (LMDB may keep stale copies of
    /// pages, so there may be several), each checked by its header: format byte, stream length and hash.
    func recordOffsets(ofEvent i: Int, in bytes: [UInt8]) -> [Int] {
        let metadata = #"{"actor":"\#(LogTest.actor)"}"#.utf8.count
        let before = EventCoding.headerSize + Self.stream(i).utf8.count + Self.type.utf8.count + metadata + Self.dataPrefix.utf8.count
        let hash = results[i - 1].hash.raw
        return occurrences(of: Array(Self.marker(i).utf8), in: bytes).compactMap { o -> Int? in
            let start = o - before
            guard start >= 0, bytes[start] == EventCoding.format,
                Int(bytes[start + 105]) << 8 | Int(bytes[start + 106]) == Self.stream(i).utf8.count,
                bytes[(start + 73)..<(start + 105)].elementsEqual(hash)
            else { return nil }
            return start
        }
    }
}

@Suite("Tampering is detected", .serialized)
struct TamperTests {
    @Test("one flipped byte in event 23's data: verify says not ok at position 23, and nothing crashes")
    func flippedDataByte() throws {
        let log = try TamperedLog()
        var flipped = 0
        try log.editDataFile { bytes in
            let marker = Array(TamperedLog.marker(23).utf8)
            let found = occurrences(of: marker, in: bytes)
            try #require(!found.isEmpty, "marker of event 23 not found in data.mdb")
            // Neighbours' markers are untouched: MARK-0023 becomes MARK-1023, which no event has.
            for o in found {
                bytes[o + 5] ^= 0x01
                flipped += 1
            }
        }
        #expect(flipped >= 1)
        try log.scratch.reopen()
        let store = log.scratch.log
        let report = try store.verify()
        #expect(!report.ok)
        #expect(report.position == 23)
        #expect(report.events == 22)
        #expect(report.headHash == log.results[21].hash)
        #expect(report.reason?.contains("hash") == true)
        // The damaged event still reads (reads do not verify), with the edited data.
        let event = try #require(try store.event(at: 23))
        #expect(String(decoding: event.data, as: UTF8.self).contains("MARK-1023-MARK"))
        #expect(EventHash.sha256(event.canonicalBytesWithoutHash) != event.hash)
        #expect(try store.readAll(limit: .max).count == 50)
        #expect(try store.stats().headHash == log.headBefore.headHash)
    }

    @Test("one flipped byte in event 23's stored hash: verify says not ok at position 23")
    func flippedHashByte() throws {
        let log = try TamperedLog()
        try log.editDataFile { bytes in
            let records = log.recordOffsets(ofEvent: 23, in: bytes)
            try #require(!records.isEmpty, "the record of event 23 not found in data.mdb")
            for start in records { bytes[start + 73 + 7] ^= 0x40 }
        }
        try log.scratch.reopen()
        let store = log.scratch.log
        let report = try store.verify()
        #expect(!report.ok)
        #expect(report.position == 23)
        #expect(try store.event(at: 23)?.hash != log.results[22].hash)
        #expect(try store.event(at: 24)?.prevHash == log.results[22].hash)
    }

    @Test("a damaged record length is reported at its position, by verify and by reads, without crashing")
    func damagedLength() throws {
        let log = try TamperedLog()
        try log.editDataFile { bytes in
            let records = log.recordOffsets(ofEvent: 23, in: bytes)
            try #require(!records.isEmpty, "the record of event 23 not found in data.mdb")
            for start in records { bytes[start + 112] ^= 0x10 }  // data length + 2^28
        }
        try log.scratch.reopen()
        let store = log.scratch.log
        let report = try store.verify()
        #expect(!report.ok)
        #expect(report.position == 23)
        #expect(report.reason?.contains("cannot be read") == true)
        #expect(try store.readAll(limit: 22).count == 22)
        do {
            _ = try store.readAll(limit: .max)
            Issue.record("reading a damaged record should fail")
        } catch let error as EventLogError {
            #expect(error.code == .corrupt)
            #expect(error.position == 23)
        }
        #expect(throws: EventLogError.self) { try store.event(at: 23) }
        #expect(try store.event(at: 24)?.position == 24)
    }
}

@Suite("Store lifecycle")
struct StoreLifecycleTests {
    @Test("after close, appends fail with .closed and write nothing; reopening continues the log")
    func closeAndReopen() throws {
        let scratch = try ScratchLog("lifecycle")
        let first = try LogTest.append(scratch.log, "a-1")
        do {
            let store = scratch.log
            store.close()
            do {
                _ = try store.appendBlocking(LogTest.request(LogTest.event("a-1")))
                Issue.record("append after close should fail")
            } catch let error as EventLogError {
                #expect(error.code == .closed)
            }
            #expect(try store.head().position == 1)
        }
        try scratch.reopen()
        let second = try LogTest.append(scratch.log, "a-1")
        #expect(second.position == 2)
        #expect(try scratch.log.event(at: 2)?.prevHash == first.hash)
    }

    @Test("a closed store is released at once, so its environment can be opened again in this process")
    func closedStoreIsReleased() throws {
        let scratch = try ScratchLog("lifecycle-release")
        try LogTest.append(scratch.log, "a-1")
        weak let released = scratch.log
        scratch.release()
        #expect(released == nil, "the store outlived close() and its last reference")
    }

    @Test("a store dropped without close is released too (its writer thread does not keep it alive)")
    func droppedStoreIsReleased() throws {
        let scratch = try ScratchLog("lifecycle-drop")
        scratch.release()
        weak var released: EventStore?
        do {
            let store = try EventStore(dataDirectory: scratch.dataDirectory)
            try LogTest.append(store, "a-1")
            released = store
        }
        // The writer may hold it for a moment after its last commit; the deadline only guards against a leak.
        let deadline = Date().addingTimeInterval(10)
        while released != nil && Date() < deadline { usleep(1000) }
        #expect(released == nil, "the store was never released")
    }
}
