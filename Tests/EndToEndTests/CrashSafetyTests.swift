import EventLog
import Foundation
import JSON
import LumbungCore
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
}

@Suite("Crash safety of the CLI", .serialized)
struct CrashSafetyTests {
    @Test("SIGKILL during append --ndjson, 20 times: every acknowledged event is at its printed position and the log verifies")
    func killDuringAppend() async throws {
        let iterations = 20
        let perFile = 8000
        let dir = try Scratch("crash")
        var rng = SystemRandomNumberGenerator()
        var killedMidway = 0
        var acknowledgedTotal = 0
        var data = ""
        for iteration in 0..<iterations {
            // A fresh log every five runs keeps verification cheap; within a group each run reopens a killed one.
            if iteration % 5 == 0 { data = dir.file("data-\(iteration / 5)") }
            var ids: [String] = []
            var text = ""
            for k in 0..<perFile {
                let id = UUID().uuidString.lowercased()
                ids.append(id)
                text +=
                    ndjsonLine(
                        stream: "crash-\(iteration)-\(k % 40)", type: "test.crash",
                        data: #"{"iteration":\#(iteration),"k":\#(k),"note":"gempa ☃ \#(k)"}"#, id: id) + "\n"
            }
            let file = try dir.write("events-\(iteration).ndjson", text)
            let outPath = dir.file("out-\(iteration)")
            _ = FileManager.default.createFile(atPath: outPath, contents: nil)
            let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
            let process = try CLI.makeProcess(["append", "--ndjson", file, "--data-dir", data])
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            let (exit, exited) = AsyncStream<Void>.makeStream()
            process.terminationHandler = { _ in exited.finish() }
            try process.run()
            // Until some acknowledgements arrived (the deadline only guards against hanging) ...
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning && fileSize(outPath) == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(1)) }
            // ... then a random short while more, then SIGKILL.
            try await Task.sleep(for: .milliseconds(Int.random(in: 20...300, using: &rng)))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            for await _ in exit {}
            try out.close()
            if process.terminationReason == .uncaughtSignal {
                #expect(process.terminationStatus == SIGKILL)
                killedMidway += 1
            } else {
                #expect(process.terminationStatus == 0, "run \(iteration) ended by itself with \(process.terminationStatus)")
            }

            // What the killed process acknowledged (complete lines only).
            let printed = CLI.completeLines([UInt8](try Data(contentsOf: URL(fileURLWithPath: outPath))))
            var acknowledged: [(line: Int, position: UInt64, id: String, hash: String)] = []
            for text in printed {
                let o = try JSONParser.parse(text)
                let line = try #require(o["line"]?.int)
                let position = try #require(o["position"]?.int)
                let id = try #require(o["id"]?.string)
                let hash = try #require(o["hash"]?.string)
                #expect(o["error"] == nil, "run \(iteration): \(text)")
                #expect(id == ids[line - 1], "run \(iteration): line \(line) acknowledged with another id")
                acknowledged.append((line, UInt64(position), id, hash))
            }
            #expect(acknowledged.map(\.line) == (0..<acknowledged.count).map { $0 + 1 }, "results are printed in file order")
            acknowledgedTotal += acknowledged.count

            // Open the killed log: every acknowledged event is there, at its position, with its hash.
            do {
                let store = try EventStore(dataDirectory: data)
                defer { store.close() }
                var missing = 0
                for a in acknowledged {
                    let id = try #require(EventID(a.id))
                    let event = try store.event(at: a.position)
                    let indexed = try store.position(of: id)
                    if event?.id != id || event?.hash.description != a.hash || indexed != a.position {
                        missing += 1
                    }
                }
                #expect(
                    missing == 0,
                    "run \(iteration): \(missing) of \(acknowledged.count) acknowledged events are not where they were acknowledged")
                // Whatever else was written (committed, not yet printed) comes from the file.
                let known = Set(ids)
                var foreign = 0
                var written = 0
                try store.forEachRecord(EventFilter(categories: ["crash"])) { view in
                    guard view.stream.hasPrefix("crash-\(iteration)-") else { return true }
                    written += 1
                    if !known.contains(view.id.description) { foreign += 1 }
                    return true
                }
                #expect(foreign == 0)
                #expect(written >= acknowledged.count)
                let report = try store.verify()
                #expect(report.ok, "run \(iteration): \(report.reason ?? "")")
            }
        }
        // The test is only worth something if the kills landed while the process was appending.
        #expect(killedMidway > 0, "no run was killed while appending; the test proved nothing")
        #expect(acknowledgedTotal > 0)

        // The CLI agrees with the last log.
        let verify = try await CLI.run(["verify", "--data-dir", data])
        #expect(verify.status == 0, "\(verify)")
        #expect(try verify.json().first?["ok"] == .bool(true))
    }

    @Test("SIGKILL during seed's batched appends, 4 times: the persisted decision state is current and equal to a fold of the log")
    func killDuringBatchedAppends() async throws {
        let dir = try Scratch("crash-decisions")
        var killedMidway = 0
        for iteration in 0..<4 {
            let data = dir.file("data-\(iteration)")
            let process = try CLI.makeProcess(["seed", "--no-views", "--data-dir", data])
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            let (exit, exited) = AsyncStream<Void>.makeStream()
            process.terminationHandler = { _ in exited.finish() }
            try process.run()
            // Until the log holds some batches, then a while more (the deadline only guards against hanging).
            // The first batch alone makes the file about 4.2 MB, and the file grows while a batch
            // commits: past 8 MB, the second batch is being written, so the first has committed.
            let log = data + "/log/data.mdb"
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning && fileSize(log) < 8 << 20 && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
            try await Task.sleep(for: .milliseconds(150 * iteration))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            for await _ in exit {}
            if process.terminationReason == .uncaughtSignal { killedMidway += 1 }

            // The state's recorded position is the head's: it was written with the events.
            do {
                let store = try EventStore(dataDirectory: data)
                defer { store.close() }
                let (head, state) = try store.readDecisions { ($0.headPosition, $0.statePosition) }
                #expect(head > 0, "run \(iteration): nothing was written before the kill")
                #expect(state == head, "run \(iteration): decision state at \(state), log at \(head)")
            }
            // And its content is the fold of the log.
            let services = try LumbungServices(dataDirectory: data)
            defer { services.close() }
            let audit = try services.rules.audit(services.store)
            #expect(audit.agrees, "run \(iteration): \(audit.kept.count) keys kept, \(audit.folded.count) folded")
            #expect(audit.folded.count > 100)
        }
        #expect(killedMidway > 0, "no run was killed while seeding; the test proved nothing")
    }
}
