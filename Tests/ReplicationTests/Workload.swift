import DocumentTracking
import EventLog
import Foundation
import JSON
import Projections

/// The primary's workload: document tracking's 2018 scenario (real domain events, so that the
/// views have something to fold), cut into NDJSON files of `chunkSize` events for
/// `lumbung append --ndjson FILE --atomic`.
enum Workload {
    static let seed: UInt64 = 2018

    static func chunks(directory: String, scale: Double, chunkSize: Int) throws -> [String] {
        let events = DocumentTrackingScenario.scenario(seed: seed, scale: scale)
        var paths: [String] = []
        var start = 0
        while start < events.count {
            let slice = events[start..<min(events.count, start + chunkSize)]
            var out: [UInt8] = []
            for (occurredAt, e) in slice {
                var members: [(key: String, value: JSONValue)] = [
                    ("stream", .string(e.stream)), ("type", .string(e.type)), ("occurredAt", .string(occurredAt.description)),
                    ("expectedVersion", .string(e.expectedVersion.description)), ("data", e.dataValue),
                ]
                if let id = e.id { members.append(("id", .string(id.description))) }
                out += CanonicalJSON.encode(.object(members))
                out.append(0x0A)
            }
            let path = (directory as NSString).appendingPathComponent("chunk-\(paths.count).ndjson")
            try Data(out).write(to: URL(fileURLWithPath: path))
            paths.append(path)
            start += chunkSize
        }
        return paths
    }

    /// What the views of the log in `store` answer: document tracking's queue summary, processing
    /// report and a few applications, folded into a scratch views directory, as canonical JSON.
    static func viewAnswers(_ store: EventStore, scratch: String) throws -> [String] {
        let domain = DocumentTrackingDomain(secret: DocumentTrackingScenario.scenarioSecret(seed: seed))
        let engine = try ProjectionEngine(store: store, directory: scratch, projectors: domain.projectors)
        defer { engine.stop() }
        try engine.catchUp()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let receipts = DocumentTrackingScenario.applications(seed: seed, scale: 1.0).prefix(20).map(\.receiptNumber)
        return try engine.read { snapshot in
            var answers: [String] = []
            let queue = try snapshot.view(DocumentTrackingDomain.queueView)
            answers.append(String(decoding: try encoder.encode(DocumentTrackingQueries.queueSummary(queue)), as: UTF8.self))
            let processing = try snapshot.view(DocumentTrackingDomain.processingView)
            answers.append(String(decoding: try encoder.encode(DocumentTrackingQueries.processing(processing)), as: UTF8.self))
            let applications = try snapshot.view(DocumentTrackingDomain.applicationsView)
            for r in receipts {
                let a = try DocumentTrackingQueries.application(applications, receiptNumber: r)
                answers.append(String(decoding: try encoder.encode(a), as: UTF8.self))
            }
            return answers
        }
    }
}

/// Appends chunk files to the primary, one `lumbung append` after the other, on its own thread,
/// up to the number of chunks `allow` permits (the test paces it around its faults).
final class Appender: @unchecked Sendable {
    let chunks: [String]
    let dataDirectory: String
    private let condition = NSCondition()
    private var allowed = 0
    private var appended = 0
    private var failure: String?

    init(chunks: [String], dataDirectory: String) {
        self.chunks = chunks
        self.dataDirectory = dataDirectory
    }

    func start() {
        let thread = Thread { [self] in
            for (i, chunk) in chunks.enumerated() {
                condition.lock()
                while allowed <= i { condition.wait() }
                condition.unlock()
                let r = try? lumbung(["append", "--data-dir", dataDirectory, "--ndjson", chunk, "--atomic"])
                condition.lock()
                if r?.status != 0 {
                    failure = "chunk \(i): \(r?.stderr ?? "did not run")"
                    condition.unlock()
                    return
                }
                appended = i + 1
                condition.broadcast()
                condition.unlock()
            }
        }
        thread.start()
    }

    func allow(_ n: Int) {
        condition.lock()
        allowed = min(n, chunks.count)
        condition.broadcast()
        condition.unlock()
    }

    var appendedChunks: Int { condition.withLock { appended } }
    var error: String? { condition.withLock { failure } }
    var finished: Bool { condition.withLock { appended == chunks.count || failure != nil } }
}
