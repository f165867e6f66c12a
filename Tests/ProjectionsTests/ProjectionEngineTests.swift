import DomainKit
import EventLog
import Foundation
import Synchronization
import Testing

@testable import Projections

@Suite("Projection engine")
struct ProjectionEngineTests {
    @Test("catch-up folds every event once and the checkpoint follows the data")
    func catchUp() throws {
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        _ = try store.write([try move("acct-a", 5), try move("acct-b", 7), try move("acct-a", 3)])
        let engine = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [CountingProjector()])
        #expect(try engine.checkpoint() == 0)
        #expect(try engine.catchUp() == 3)
        let sums = try engine.read { try $0.view("test.counts").value(Int.self, "sums", "acct-a") }
        #expect(sums == 8)
        _ = try store.write([try move("acct-a", 1)])
        try engine.catchUp()
        #expect(try engine.read { try $0.view("test.counts").value(Int.self, "sums", "acct-a") } == 9)
        #expect(try engine.read { try $0.view("test.counts").value(Int.self, "types", "acct.moved") } == 4)
        #expect(try engine.checkpoint() == 4)
    }

    @Test("small batches give the same view as one pass; rebuild gives the same view again")
    func rebuildEqualsIncremental() throws {
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        let engine = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [CountingProjector()])
        engine.batchSize = 7
        for i in 0..<20 {
            _ = try store.write((0..<5).map { j in try move("acct-\(j % 3)", i + j) })
            if i % 3 == 0 { try engine.catchUp() }
        }
        try engine.catchUp()
        let incremental = try dump(engine, "test.counts", databases: ["types", "sums"])
        let before = try engine.status().first { $0.name == "test.counts" }
        try engine.rebuild("test.counts")
        let after = try engine.status().first { $0.name == "test.counts" }
        #expect(after?.generation == (before?.generation ?? 0) + 1)
        #expect(after?.checkpoint == 100)
        #expect(try dump(engine, "test.counts", databases: ["types", "sums"]) == incremental)
        #expect(incremental["sums"]?.count == 3)
    }

    /// What `prepared` makes in these tests: the event it was made for.
    final class Form {
        let position: UInt64
        init(_ position: UInt64) { self.position = position }
    }

    @Test("a rebuild prepares events ahead on another thread, hands each fold its own event's form, and its views are the same")
    func rebuildPreparesAhead() throws {
        /// Counts like `CountingProjector`; notes which events `prepared` saw (how often, on which
        /// thread) and any fold handed a form not made for its event.
        final class Preparing: Projector, @unchecked Sendable {
            let name = "test.counts"
            let version = 1
            let eventTypes: Set<String>? = ["acct.moved"]
            var databases: [String] { ["types", "sums"] }
            let seen = Mutex<(made: [UInt64: Int], ahead: Int, otherThread: Bool, wrong: Set<UInt64>)>(([:], 0, false, []))
            func apply(_ event: RecordedEvent, to view: ViewWriter) throws {
                // A fold that takes its time now and then, so that the thread ahead gets to run
                // on a busy machine.
                if event.position % 100 == 0 { usleep(2_000) }
                try CountingProjector().apply(event, to: view)
            }
            func apply(_ event: RecordedEvent, prepared: AnyObject?, to view: ViewWriter) throws {
                if (prepared as? Form)?.position != event.position { seen.withLock { $0.wrong.insert(event.position) } }
                try apply(event, to: view)
            }
            func prepared(_ event: RecordedEvent, ahead: Bool) -> AnyObject? {
                let other = !Thread.isMainThread && Thread.current != Self.folding.withLock { $0 }
                seen.withLock {
                    $0.made[event.position, default: 0] += 1
                    if ahead { $0.ahead += 1 }
                    $0.otherThread = $0.otherThread || (ahead && other)
                }
                return Form(event.position)
            }
            static let folding = Mutex<Thread?>(nil)
        }
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        for i in 0..<30 { _ = try store.write((0..<100).map { j in try move("acct-\(j % 7)", i + j) }) }
        let plain = try ProjectionEngine(store: store, dataDirectory: dir.path + "/plain", projectors: [CountingProjector()])
        plain.batchSize = 500
        try plain.catchUp()
        let preparing = Preparing()
        let engine = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [preparing])
        engine.rebuildBatchSize = 1_200
        Preparing.folding.withLock { $0 = Thread.current }
        try engine.rebuild("test.counts")
        #expect(try dump(engine, "test.counts", databases: ["types", "sums"]) == dump(plain, "test.counts", databases: ["types", "sums"]))
        let seen = preparing.seen.withLock { $0 }
        #expect(seen.wrong.min() == nil, "every fold was handed its own event's form")
        #expect(Set(seen.made.keys) == Set(1...3000) && seen.made.values.allSatisfy { $0 == 1 }, "every event prepared once")
        #expect(seen.ahead > 0, "some ahead of the folds")
        #expect(seen.otherThread, "on a thread of its own")

        // Folding as events come (not a rebuild): each event prepared once, by its fold.
        let caughtUp = Preparing()
        let live = try ProjectionEngine(store: store, dataDirectory: dir.path + "/live", projectors: [caughtUp])
        live.batchSize = 700
        try live.catchUp()
        let liveSeen = caughtUp.seen.withLock { $0 }
        #expect(try dump(live, "test.counts", databases: ["types", "sums"]) == dump(plain, "test.counts", databases: ["types", "sums"]))
        #expect(liveSeen.wrong.min() == nil, "every fold was handed its own event's form")
        #expect(Set(liveSeen.made.keys) == Set(1...3000) && liveSeen.made.values.allSatisfy { $0 == 1 } && liveSeen.ahead == 0)
    }

    @Test("views that prepare the same kind of thing have an event prepared once, by the first of them, and each fold gets it")
    func preparedOncePerKind() throws {
        /// Sums like `CountingProjector` into a view of its own; counts its `prepared` calls and
        /// the folds handed a form not made for their event.
        final class Sharing: Projector, @unchecked Sendable {
            let name: String
            let version = 1
            let eventTypes: Set<String>? = ["acct.moved"]
            var databases: [String] { ["types", "sums"] }
            let counts = Mutex((made: 0, wrong: 0))
            init(_ name: String) { self.name = name }
            func apply(_ event: RecordedEvent, to view: ViewWriter) throws {
                if event.position % 100 == 0 { usleep(2_000) }
                try CountingProjector().apply(event, to: view)
            }
            func apply(_ event: RecordedEvent, prepared: AnyObject?, to view: ViewWriter) throws {
                if (prepared as? Form)?.position != event.position { counts.withLock { $0.wrong += 1 } }
                try apply(event, to: view)
            }
            func prepared(_ event: RecordedEvent, ahead: Bool) -> AnyObject? {
                counts.withLock { $0.made += 1 }
                return Form(event.position)
            }
            var preparation: ObjectIdentifier? { ObjectIdentifier(Sharing.self) }
        }
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        for i in 0..<20 { _ = try store.write((0..<100).map { j in try move("acct-\(j % 5)", i + j) }) }
        let (first, second) = (Sharing("test.first"), Sharing("test.second"))
        let engine = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [first, second])
        engine.rebuildBatchSize = 1_500
        try engine.rebuild(["test.first", "test.second"])
        let (a, b) = (first.counts.withLock { $0 }, second.counts.withLock { $0 })
        #expect(a.made == 2_000, "once per event, by the first view")
        #expect(b.made == 0)
        #expect(a.wrong == 0 && b.wrong == 0)
        #expect(try dump(engine, "test.first", databases: ["types", "sums"]) == dump(engine, "test.second", databases: ["types", "sums"]))
    }

    @Test("updateIfPresent changes a value in place when the key holds one, and writes nothing when not")
    func updateIfPresent() throws {
        /// `acct.opened` makes a history; `acct.moved` adds to it only when the account is open.
        struct HistoryProjector: Projector {
            var name = "test.history"
            var version = 1
            var eventTypes: Set<String>? = nil
            var databases: [String] { ["history", "refused"] }

            func apply(_ event: RecordedEvent, to view: ViewWriter) throws {
                if event.type == "acct.opened" { return try view.put("history", event.stream, value: [Int]()) }
                let amount = try event.dataValue()["amount"]?.intValue ?? 0
                let found = try view.updateIfPresent("history", event.stream) { (history: inout [Int]) in history.append(amount) }
                if !found { try view.update("refused", event.stream, initial: 0) { $0 += 1 } }
            }
        }
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        let open = { (stream: String) in try ProposedEvent(stream: stream, type: "acct.opened", data: Array("{}".utf8)) }
        _ = try store.write([try move("acct-a", 1), try open("acct-a"), try move("acct-a", 2), try move("acct-b", 5)])
        _ = try store.write([try move("acct-a", 3), try open("acct-b"), try move("acct-b", 4), try move("acct-a", 5)])
        let engine = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [HistoryProjector()])
        // Batches of 3: some values are changed where the batch read them from LMDB, some where it made them.
        engine.batchSize = 3
        try engine.catchUp()
        let history = { (stream: String) in try engine.read { try $0.view("test.history").value([Int].self, "history", stream) } }
        let refused = { (stream: String) in try engine.read { try $0.view("test.history").value(Int.self, "refused", stream) } }
        #expect(try history("acct-a") == [2, 3, 5])
        #expect(try history("acct-b") == [4])
        #expect(try refused("acct-a") == 1)
        #expect(try refused("acct-b") == 1)
        let folded = try dump(engine, "test.history", databases: ["history", "refused"])
        try engine.rebuild("test.history")
        #expect(try dump(engine, "test.history", databases: ["history", "refused"]) == folded)
    }

    @Test("raw puts and deletes kept in a batch are written in key order, and a key put and deleted in one batch is not written")
    func rawWritesInKeyOrder() throws {
        /// Each `acct.moved` of amount n puts raw bytes under keys that share their first 16 bytes
        /// or more, are prefixes of each other, or hold a NUL or a 0x7F byte, and deletes the keys
        /// of amount n - 2 (some put in an earlier batch, some in the same one).
        struct RawProjector: Projector {
            var name = "test.raw"
            var version = 1
            var eventTypes: Set<String>? = nil
            var databases: [String] { ["raw"] }

            static func keys(_ n: Int) -> [String] {
                let long = "0123456789abcdef-shared"
                return [
                    "\(long)\(n)", "\(long)\(n)-tail", "k\(n)", "k\(n)\u{0}", "k\(n)\u{0}z", "k\(n)\u{7F}", "\u{7F}\(n)",
                    String(repeating: "x", count: 15) + "\(n)", "\(n)",
                ]
            }

            func apply(_ event: RecordedEvent, to view: ViewWriter) throws {
                let n = try event.dataValue()["amount"]?.intValue ?? 0
                for key in Self.keys(n) { try view.put("raw", key, bytes: Array("\(n)".utf8)) }
                for key in Self.keys(n - 2) { try view.delete("raw", key) }
            }
        }
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        _ = try store.write((1...9).map { try move("acct-\($0 % 3)", $0) })
        let engine = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [RawProjector()])
        engine.batchSize = 4
        try engine.catchUp()
        var expected: [String: [UInt8]] = [:]
        for n in 1...9 {
            for key in RawProjector.keys(n) { expected[key] = Array("\(n)".utf8) }
            for key in RawProjector.keys(n - 2) { expected[key] = nil }
        }
        let byBytes = { (a: String, b: String) in Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)) }
        let folded = try entries(engine, "test.raw", "raw")
        #expect(folded.map(\.0) == expected.keys.sorted(by: byBytes))
        #expect(folded.allSatisfy { expected[$0.0] == $0.1 })
        try engine.rebuild("test.raw")
        let rebuilt = try entries(engine, "test.raw", "raw")
        #expect(rebuilt.map(\.0) == folded.map(\.0))
        #expect(rebuilt.map(\.1) == folded.map(\.1))
    }

    @Test("a value kept in a batch reads back as the type asked for: its own box for its type, its bytes for another")
    func typedReads() throws {
        /// Each `acct.moved` adds to a total kept as `Int`, then reads it as `Int`, as `Double` and
        /// as `[String: Int]` (a type it cannot be), and records what each read gave.
        struct TypesProjector: Projector {
            var name = "test.types"
            var version = 1
            var eventTypes: Set<String>? = nil
            var databases: [String] { ["total", "seen"] }

            func apply(_ event: RecordedEvent, to view: ViewWriter) throws {
                let amount = try event.dataValue()["amount"]?.intValue ?? 0
                try view.update("total", event.stream, initial: 0) { (total: inout Int) in total += amount }
                let asInt = try view.value(Int.self, "total", event.stream)
                let asDouble = try view.value(Double.self, "total", event.stream)
                let asObject = try? view.value([String: Int].self, "total", event.stream)
                try view.put("seen", event.stream, value: "\(asInt ?? -1) \(asDouble ?? -1) \(asObject == nil ? "refused" : "read")")
            }
        }
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        _ = try store.write([try move("acct-a", 2), try move("acct-a", 3), try move("acct-b", 5), try move("acct-a", 4)])
        let engine = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [TypesProjector()])
        // Batches of 2: reads of values made in the batch and of values read from LMDB.
        engine.batchSize = 2
        try engine.catchUp()
        let seen = { (stream: String) in try engine.read { try $0.view("test.types").value(String.self, "seen", stream) } }
        #expect(try seen("acct-a") == "9 9.0 refused")
        #expect(try seen("acct-b") == "5 5.0 refused")
        #expect(try engine.read { try $0.view("test.types").value(Int.self, "total", "acct-a") } == 9)
    }

    @Test("bumping a projector's version rebuilds its view into a new generation")
    func versionBump() throws {
        let dir = ScratchDirectory()
        do {
            let store = try EventStore(dataDirectory: dir.path)
            _ = try store.write([try move("acct-a", 2)])
            let engine = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [CountingProjector()])
            try engine.catchUp()
            store.close()
        }
        let store = try EventStore(dataDirectory: dir.path)
        var v2 = CountingProjector()
        v2.version = 2
        let engine = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [v2])
        let stale = try #require(try engine.status().first)
        #expect(stale.builtVersion == 1)
        try engine.catchUp()
        let fresh = try #require(try engine.status().first)
        #expect(fresh.builtVersion == 2)
        #expect(fresh.generation == 2)
        #expect(try engine.read { try $0.view("test.counts").value(Int.self, "sums", "acct-a") } == 2)
        // The copy replaced is emptied, though this engine never read it.
        #expect(try engine.entries("test.counts", generation: 1, database: "sums") == 0)
        #expect(try engine.entries("test.counts", generation: 2, database: "sums") == 1)
    }

    @Test("a version that drops one of its databases empties it in the copy it replaces")
    func versionDropsADatabase() throws {
        /// `CountingProjector` without `types`, as a version 2 that no longer keeps it.
        struct SumsOnly: Projector {
            var name = "test.counts"
            var version = 2
            var eventTypes: Set<String>? = nil
            var databases: [String] { ["sums"] }
            func apply(_ event: RecordedEvent, to view: ViewWriter) throws {
                if let amount = try event.dataValue()["amount"]?.intValue {
                    try view.update("sums", event.stream, initial: 0) { $0 += amount }
                }
            }
        }
        let dir = ScratchDirectory()
        do {
            let store = try EventStore(dataDirectory: dir.path)
            _ = try store.write([try move("acct-a", 2), try move("acct-b", 4)])
            let engine = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [CountingProjector()])
            try engine.catchUp()
            store.close()
        }
        let store = try EventStore(dataDirectory: dir.path)
        let engine = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [SumsOnly()])
        try engine.catchUp()
        #expect(try engine.read { try $0.view("test.counts").value(Int.self, "sums", "acct-b") } == 4)
        #expect(try engine.entries("test.counts", generation: 1, database: "sums") == 0)
        #expect(try engine.entries("test.counts", generation: 1, database: "types") == 0)
    }

    @Test("views folded on a second thread while a writer appends equal a rebuild of the whole log")
    func foldedBesideTheWriter() throws {
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        let engine = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [CountingProjector()])
        let folder = BackgroundViewFolder(engine, batchSize: 37)
        for i in 0..<150 {
            _ = try store.write((0..<20).map { j in try move("acct-\((i * 7 + j) % 11)", i + j) })
        }
        try folder.stop()
        #expect(try engine.checkpoint() > 0, "the folder folded while the writer wrote")
        try engine.catchUp()
        #expect(try engine.checkpoint() == 3000)
        let beside = try dump(engine, "test.counts", databases: ["types", "sums"])
        try engine.rebuild("test.counts")
        #expect(try dump(engine, "test.counts", databases: ["types", "sums"]) == beside)
        #expect(beside["sums"]?.count == 11)
    }

    @Test("the change stamp stays while the views stay, and moves when a fold or another engine writes them")
    func changeStamp() throws {
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        _ = try store.write([try move("acct-a", 2)])
        let server = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [CountingProjector()])
        try server.catchUp()
        let first = server.changeStamp()
        _ = try server.read { try $0.view("test.counts").value(Int.self, "sums", "acct-a") }
        try server.catchUp()  // nothing new: nothing written
        #expect(server.changeStamp() == first)
        _ = try store.write([try move("acct-a", 3)])
        try server.catchUp()
        let second = server.changeStamp()
        #expect(second != first)
        // A rebuild by another engine on the same directory (the CLI's) moves the server's stamp too.
        let cli = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [CountingProjector()])
        try cli.rebuild("test.counts")
        #expect(server.changeStamp() != second)
    }

    @Test("a rebuild by a process that never read the view (the CLI's) empties the copy it replaces")
    func rebuildEmptiesTheOldCopy() throws {
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        _ = try store.write([try move("acct-a", 2), try move("acct-b", 3)])
        do {
            let server = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [CountingProjector()])
            try server.catchUp()
        }
        let cli = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [CountingProjector()])
        try cli.rebuild("test.counts")
        #expect(try cli.entries("test.counts", generation: 1, database: "sums") == 0)
        #expect(try cli.entries("test.counts", generation: 1, database: "types") == 0)
        #expect(try cli.entries("test.counts", generation: 2, database: "sums") == 2)
        #expect(try cli.read { try $0.view("test.counts").value(Int.self, "sums", "acct-b") } == 3)
    }

    @Test("a rebuild drops the copies replaced before, which a process that opened them keeps until a later rebuild")
    func rebuildDropsReplacedCopies() throws {
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        _ = try store.write([try move("acct-a", 2), try move("acct-b", 3)])
        let projectors = { [CountingProjector(), CountingProjector(name: "test.other")] }
        func generations(_ engine: ProjectionEngine, _ view: String = "test.counts") throws -> [Int] {
            let names = try engine.environment.databaseNames(prefix: view + "@")
            return Set(names.compactMap { Int($0.dropFirst(view.count + 1).prefix { $0 != "/" }) }).sorted()
        }
        do {
            let server = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: projectors())
            try server.catchUp()
            // The server rebuilds twice: it holds the handles of generations 1 and 2, so it drops neither.
            try server.rebuild("test.counts")
            try server.rebuild("test.counts")
            try server.rebuild("test.other")
            #expect(try generations(server) == [1, 2, 3])
        }
        // Each CLI rebuild is a process of its own: it drops what came before the generation it replaces.
        for expected in [[3, 4], [4, 5], [5, 6]] {
            let cli = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: projectors())
            try cli.rebuild("test.counts")
            #expect(try generations(cli) == expected)
            #expect(try cli.read { try $0.view("test.counts").value(Int.self, "sums", "acct-b") } == 3)
            // Only the views rebuilt.
            #expect(try generations(cli, "test.other") == [1, 2])
        }
        // The last copy still folds new events.
        let cli = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: projectors())
        _ = try store.write([try move("acct-b", 4)])
        try cli.catchUp()
        #expect(try cli.read { try $0.view("test.counts").value(Int.self, "sums", "acct-b") } == 7)
        #expect(try cli.status().first { $0.name == "test.counts" }?.generation == 6)
    }

    @Test("deleting views/ loses nothing: it is folded again from the log")
    func deleteViews() throws {
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        _ = try store.write([try move("acct-a", 2), try move("acct-a", 3)])
        do {
            let engine = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [CountingProjector()])
            try engine.catchUp()
        }
        try FileManager.default.removeItem(atPath: dir.path + "/views")
        let engine = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [CountingProjector()])
        try engine.catchUp()
        #expect(try engine.read { try $0.view("test.counts").value(Int.self, "sums", "acct-a") } == 5)
    }

    @Test("sync(to:) makes a write visible to the next read; start() follows new commits")
    func readYourWrites() async throws {
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        let engine = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [CountingProjector()])
        try engine.start()
        defer { engine.stop() }
        let outcome = try await store.append(AppendRequest(events: [try move("acct-z", 11)], actor: "t"))
        try engine.sync(to: outcome.lastPosition)
        #expect(try engine.read { try $0.view("test.counts").value(Int.self, "sums", "acct-z") } == 11)
        let second = try await store.append(AppendRequest(events: [try move("acct-z", 1)], actor: "t"))
        #expect(await engine.waitFor(position: second.lastPosition, timeout: .seconds(30)))
        #expect(try engine.read { try $0.view("test.counts").value(Int.self, "sums", "acct-z") } == 12)
    }

    @Test("two projectors with one name are refused")
    func duplicateNames() throws {
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        #expect(throws: ProjectionError.self) {
            _ = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [CountingProjector(), CountingProjector()])
        }
    }
}

@Suite("Rule guard")
struct RuleGuardTests {
    @Test("a rule refuses a raw append and nothing is written")
    func refusesRawAppend() throws {
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        store.appendGuard = RuleGuard(rules: [AccountRules()])
        _ = try store.write([try move("acct-a", 5)])
        let before = try store.stats()
        #expect {
            _ = try store.write([try move("acct-a", -6)])
        } throws: { error in
            (error as? EventLogError)?.code == .ruleViolation && (error as? EventLogError)?.field == "data.amount"
        }
        #expect(try store.stats() == before)
        #expect {
            _ = try store.write([try ProposedEvent(stream: "acct-a", type: "acct.unknown", data: Array("{}".utf8))])
        } throws: { ($0 as? EventLogError)?.code == .invalidInput }
        #expect(try store.stats() == before)
        _ = try store.write([try move("acct-a", -5)])
        #expect(try store.head().position == 2)
    }

    @Test("the rules see events of other requests of the same group, and a refused request undoes its trial")
    func groupSemantics() async throws {
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        store.appendGuard = RuleGuard(rules: [AccountRules()])
        _ = try await store.append(AppendRequest(events: [try move("acct-a", 10)], actor: "t"))
        // 30 concurrent withdrawals of 1 and one of 100 (refused): exactly 10 of the 1s may pass.
        let results = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<31 {
                group.addTask {
                    let amount = i == 15 ? -100 : -1
                    guard let request = try? AppendRequest(events: [try move("acct-a", amount)], actor: "t") else { return false }
                    return (try? await store.append(request)) != nil
                }
            }
            var ok = 0
            for await r in group where r { ok += 1 }
            return ok
        }
        #expect(results == 10)
        #expect(try store.head().position == 11)
        #expect(try store.verify().ok)
        // The persisted state agrees with the log: the balance is 0.
        let rules = AccountRules()
        #expect(try RuleGuard(rules: [rules]).withCurrentState(store) { try rules.balance("acct-a") } == 0)
    }

    @Test("a state kept with another layout (a rules' stateVersion raised) is built again from the log on open")
    func layoutChange() throws {
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        let rules = AccountRules()
        let ruleGuard = RuleGuard(rules: [rules])
        try ruleGuard.prepare(store)
        store.appendGuard = ruleGuard
        for i in 1...4 { _ = try store.write([try move("acct-a", i)]) }
        var progress: [UInt64] = []
        try ruleGuard.prepare(store) { done, _ in progress.append(done) }
        #expect(progress.isEmpty)  // current, same layout: nothing to do
        rules.version = 2
        try ruleGuard.prepare(store) { done, _ in progress.append(done) }
        #expect(progress == [4])  // emptied and built again from the first event
        #expect(try ruleGuard.withCurrentState(store) { try rules.balance("acct-a") } == 10)
        #expect(try ruleGuard.audit(store).agrees)
    }

    @Test("a log written without the rules gets its decision state built once, in steps with progress")
    func builtOnce() throws {
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        for i in 1...5 { _ = try store.write([try move("acct-\(i % 2)", i)]) }
        let rules = AccountRules()
        let ruleGuard = RuleGuard(rules: [rules])
        store.appendGuard = ruleGuard
        #expect(try store.readDecisions { $0.statePosition } == 0)
        var steps: [UInt64] = []
        try store.updateDecisionState(stepEvents: 2, progress: { done, _ in steps.append(done) }) { _, _ in }
        #expect(steps == [2, 4, 5])  // a no-op step function still advances the recorded position
        try store.readDecisions { reader in #expect(reader.statePosition == 5) }

        // A second log, folded by the guard itself.
        let dir2 = ScratchDirectory()
        let store2 = try EventStore(dataDirectory: dir2.path)
        for i in 1...5 { _ = try store2.write([try move("acct-\(i % 2)", i)]) }
        var progress: [UInt64] = []
        try ruleGuard.prepare(store2) { done, _ in progress.append(done) }
        #expect(progress == [5])
        #expect(try ruleGuard.withCurrentState(store2) { [try rules.balance("acct-0"), try rules.balance("acct-1")] } == [6, 9])
        // Current now: nothing to do, no progress.
        progress = []
        try ruleGuard.prepare(store2) { done, _ in progress.append(done) }
        #expect(progress.isEmpty)
        // The rules check against the built state: acct-0 holds 6.
        store2.appendGuard = ruleGuard
        #expect(throws: EventLogError.self) { _ = try store2.write([try move("acct-0", -7)]) }
        _ = try store2.write([try move("acct-0", -6)])
        #expect(try store2.readDecisions { $0.statePosition } == 6)
    }

    @Test("views of one batch group share a batch state only while they fold the same events (one checkpoint)")
    func batchGroupsShareAtOneCheckpoint() throws {
        /// Counts events per batch in a batch state, once per event however many views share it,
        /// and notes how many writers shared it in each batch.
        final class Tally { var counted: UInt64 = 0, events = 0, finishes = 0 }
        final class Grouped: Projector, @unchecked Sendable {
            let name: String
            let version = 1
            let eventTypes: Set<String>? = nil
            var databases: [String] { ["batches"] }
            let sharers = Mutex<[Int]>([])
            init(_ name: String) { self.name = name }
            var batchGroup: ObjectIdentifier? { ObjectIdentifier(Tally.self) }
            func apply(_ event: RecordedEvent, to view: ViewWriter) throws {
                let tally = view.batchState(Tally.init)
                guard tally.counted != event.position else { return }
                (tally.counted, tally.events) = (event.position, tally.events + 1)
            }
            func finishBatch(_ view: ViewWriter) throws {
                let tally = view.batchState(Tally.init)
                sharers.withLock { $0.append(view.batchSharers) }
                // Each view writes what the shared fold counted: every event of the batch.
                try view.update("batches", "events", initial: 0) { $0 += tally.events }
                tally.finishes += 1
                if tally.finishes == view.batchSharers { (tally.events, tally.finishes) = (0, 0) }
            }
        }
        let dir = ScratchDirectory()
        let store = try EventStore(dataDirectory: dir.path)
        _ = try store.write((0..<10).map { try move("acct-\($0 % 3)", $0) })
        let (a, b) = (Grouped("test.a"), Grouped("test.b"))
        let engine = try ProjectionEngine(store: store, dataDirectory: dir.path, projectors: [a, b, CountingProjector()])
        func events(_ name: String) throws -> Int? { try engine.read { try $0.view(name).value(Int.self, "batches", "events") } }
        try engine.catchUp()
        #expect(a.sharers.withLock { $0 } == [2] && b.sharers.withLock { $0 } == [2])
        #expect(try events("test.a") == 10 && events("test.b") == 10)
        // Rebuilt alone, a view's batch state is its own; rebuilt together, shared.
        try engine.rebuild(["test.a"])
        #expect(a.sharers.withLock { $0 } == [2, 1])
        #expect(try events("test.a") == 10)
        try engine.rebuild(["test.a", "test.b"])
        #expect(a.sharers.withLock { $0 } == [2, 1, 2] && b.sharers.withLock { $0 } == [2, 2])
        #expect(try events("test.a") == 10 && events("test.b") == 10)
        // Views at different checkpoints fold different events: no sharing.
        _ = try store.write([try move("acct-0", 1)])
        try engine.rebuild(["test.a"])  // to the head: test.a at 11, test.b at 10
        _ = try store.write([try move("acct-0", 1)])
        try engine.catchUp()
        #expect(b.sharers.withLock { $0 } == [2, 2, 1], "test.b folds 11 and 12, test.a only 12, each alone")
        #expect(try events("test.a") == 12 && events("test.b") == 12)
    }
}
