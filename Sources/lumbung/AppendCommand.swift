import ArgumentParser
import EventLog
import Foundation
import JSON
import LumbungCore
import QueryService

extension Lumbung {
    /// `lumbung append`: one event from flags, or a file of NDJSON events.
    struct Append: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append events to the log.",
            discussion: """
                One event: --stream S --type T --data JSON (or @FILE, or - for stdin). Prints \
                {"position","version","id","hash"}.
                A file: --ndjson FILE, one event per line with stream, type, data and optionally id, \
                expectedVersion, occurredAt, metadata; prints one result line per event. With --atomic \
                the whole file is one batch: all or nothing.
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "Stream name, <category>-<id>.") var stream: String?
        @Option(help: "Event type, <domain>.<name>.") var type: String?
        @Option(help: "Event data: a JSON object, @FILE, or - for stdin.") var data: String?
        @Option(help: "Event id (a UUID) for idempotent retries.") var id: String?
        @Option(name: .customLong("expected-version"), help: "any, no-stream, exists, or a version number.")
        var expectedVersion: ExpectedVersion = .any
        @Option(name: .customLong("occurred-at"), help: "When it happened (RFC 3339); default: when recorded.")
        var occurredAt: Timestamp?
        @Option(help: "Metadata: a JSON object (correlationId, causationId, ...).") var metadata: String?

        @Option(help: "Append the events of an NDJSON file (- for stdin).") var ndjson: String?
        @Flag(help: "With --ndjson: the whole file is one all-or-nothing batch.") var atomic = false

        func validate() throws {
            if ndjson != nil {
                guard stream == nil, type == nil, data == nil, id == nil, metadata == nil, occurredAt == nil else {
                    throw ValidationError(
                        "--ndjson takes the events from the file: drop --stream, --type, --data, --id, --metadata, --occurred-at")
                }
            } else {
                guard stream != nil, type != nil, data != nil else {
                    throw ValidationError("give --stream, --type and --data (or --ndjson FILE)")
                }
                guard !atomic else { throw ValidationError("--atomic goes with --ndjson") }
                if let id, EventID(id) == nil { throw ValidationError("--id \(id) is not a UUID") }
            }
        }

        func run() async throws {
            // Through the service's wiring: the domains' rules check every event of a domain type,
            // exactly as for a command, so that no door (HTTP command, raw append, CLI) lets an
            // event in that the domain's rules would refuse.
            let services = try self.store.openServices()
            let store = services.store
            defer { services.close() }
            if let ndjson {
                try await appendFile(ndjson, to: store)
            } else {
                let event = try ProposedEvent(
                    stream: stream!, type: type!, data: try Self.readArgument(data!), id: id.flatMap(EventID.init),
                    occurredAt: occurredAt, metadata: try metadata.map(Self.readArgument), expectedVersion: expectedVersion)
                let outcome = try await store.append(AppendRequest(events: [event], actor: StoreOptions.actor))
                Output.standard.line(Self.resultObject(outcome.results[0]))
                Output.flush()
            }
        }

        static func resultObject(_ r: AppendResult, line: Int? = nil) -> JSONObject {
            var members: [(String, JSONValue)] = []
            if let line { members.append(("line", .int(line))) }
            members += [
                ("position", .int(r.position)), ("version", .int(r.version)),
                ("id", .string(r.id.description)), ("hash", .string(r.hash.description)),
            ]
            return JSONObject(members)
        }

        /// `@FILE` reads a file, `-` reads stdin, anything else is the text itself.
        static func readArgument(_ text: String) throws -> [UInt8] {
            if text == "-" { return [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
            if text.hasPrefix("@") {
                let path = String(text.dropFirst())
                guard let d = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
                return [UInt8](d)
            }
            return Array(text.utf8)
        }

        private func appendFile(_ path: String, to store: EventStore) async throws {
            let lines = try NDJSONLines(path: path)
            let actor = StoreOptions.actor
            if atomic {
                var events: [ProposedEvent] = []
                while let (number, line) = try lines.next() {
                    events.append(try Self.parseLine(line, number: number))
                }
                guard !events.isEmpty else { throw CLIError("\(path) holds no events") }
                let outcome: AppendOutcome
                do {
                    outcome = try await store.append(AppendRequest(events: events, actor: actor))
                } catch {
                    throw CLIError("nothing written: \(error.message)")
                }
                for (i, r) in outcome.results.enumerated() {
                    Output.standard.line(Self.resultObject(r, line: i + 1))
                }
                Output.flush()
                return
            }
            // One request per line, submitted in file order (the writer keeps that order, so the log
            // follows the file), many in flight so that group commit can gather them. Results are
            // printed in file order, each as soon as it and those before it are known.
            var progress = ProgressBar(label: "append", enabled: Console.stderrIsTerminal && path != "-")
            var failures = 0
            var written = 0
            var queue: [(line: Int, result: PendingAppend)] = []  // submitted, in file order
            var printed = 0  // queue[..<printed] are printed
            while true {
                let next = try lines.next()
                if let item = next {
                    let (number, line) = item
                    let pending = PendingAppend()
                    do {
                        let request = try AppendRequest(events: [try Self.parseLine(line, number: number)], actor: actor)
                        store.submit(request) { pending.fulfill($0) }
                    } catch {
                        let message = (error as? EventLogError)?.message ?? String(describing: error)
                        pending.fulfill(.failure(EventLogError(.invalidInput, message)))
                    }
                    queue.append((number, pending))
                }
                // Wait for the oldest when too many are in flight; for all at the end, and before
                // reading on would block (the input has no whole line buffered: a pipe fed line by
                // line gets each line's acknowledgement before it sends the next).
                let drain = next == nil || !lines.hasBufferedLine
                var wait = drain || queue.count - printed >= 512
                var any = false
                while printed < queue.count {
                    let (number, pending) = queue[printed]
                    let result: Result<AppendOutcome, EventLogError>
                    if let known = pending.result {
                        result = known
                    } else if wait {
                        result = await pending.value
                    } else {
                        break
                    }
                    switch result {
                    case .success(let o):
                        Output.standard.line(Self.resultObject(o.results[0], line: number))
                        written += 1
                    case .failure(let e):
                        failures += 1
                        Output.standard.line(JSONObject([("line", .int(number)), ("error", .string(e.message))]))
                    }
                    printed += 1
                    any = true
                    wait = drain
                }
                if any {
                    // Each printed line is an acknowledgement: let the reader see it now, not at the end.
                    Output.flush()
                    progress.update(UInt64(written + failures), of: UInt64(queue.count - printed + written + failures))
                }
                if next == nil { break }
                if printed >= 4096 {
                    queue.removeFirst(printed)
                    printed = 0
                }
            }
            progress.finish(UInt64(written + failures), of: UInt64(written + failures))
            Output.flush()
            if failures > 0 {
                throw CLIError(
                    "\(failures) of \(written + failures) events were refused (see their lines on stdout); the others were written")
            }
        }

        /// One NDJSON line -> a proposed event; errors name the line and the field.
        static func parseLine(_ line: [UInt8], number: Int) throws -> ProposedEvent {
            let value: JSONValue
            do {
                value = try JSONParser.parse(line)
            } catch {
                throw CLIError("line \(number): \(error.description)")
            }
            guard case .object = value else { throw CLIError("line \(number): an event must be a JSON object") }
            func string(_ key: String) throws -> String? {
                guard let v = value[key], !v.isNull else { return nil }
                guard let s = v.stringValue else { throw CLIError("line \(number): \(key) must be a string") }
                return s
            }
            guard let stream = try string("stream") else { throw CLIError("line \(number): stream is required") }
            guard let type = try string("type") else { throw CLIError("line \(number): type is required") }
            guard let data = value["data"] else { throw CLIError("line \(number): data is required") }
            var id: EventID? = nil
            if let text = try string("id") {
                guard let parsed = EventID(text) else { throw CLIError("line \(number): id \(text) is not a UUID") }
                id = parsed
            }
            var occurredAt: Timestamp? = nil
            if let text = try string("occurredAt") {
                guard let t = Timestamp(text) else { throw CLIError("line \(number): occurredAt \(text) is not an RFC 3339 time") }
                occurredAt = t
            }
            var expected = ExpectedVersion.any
            switch value["expectedVersion"] {
            case nil, .null?: break
            case .string(let s)?:
                guard let e = ExpectedVersion(s) else {
                    throw CLIError("line \(number): expectedVersion \(s) is not any, no-stream, exists or a number")
                }
                expected = e
            case .number(let n)? where n >= 0 && n == n.rounded() && n < 9.007e15:
                expected = .exact(UInt64(n))
            default:
                throw CLIError("line \(number): expectedVersion must be any, no-stream, exists or a number")
            }
            let metadata = value["metadata"].map { CanonicalJSON.encode($0) }
            do {
                return try ProposedEvent(
                    stream: stream, type: type, value: data, id: id, occurredAt: occurredAt, metadata: metadata,
                    expectedVersion: expected)
            } catch {
                throw CLIError("line \(number): \(error.message)")
            }
        }
    }
}

/// Reads a file line by line without loading it whole; blank lines are skipped.
final class NDJSONLines {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false
    private var number = 0
    private var chunk = [UInt8](repeating: 0, count: 1 << 20)
    private let path: String

    init(path: String) throws {
        self.path = path
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let h = FileHandle(forReadingAtPath: path) else { throw CLIError("cannot read \(path)") }
            handle = h
        }
    }

    /// Where the newline ending the line at `start` is, once looked for (each line is scanned
    /// once, whether `hasBufferedLine` or `next()` looks first).
    private var newline: Int?

    private func findNewline() -> Int? {
        if newline == nil { newline = buffer[start...].firstIndex(of: 0x0A) }
        return newline
    }

    /// Whether `next()` can answer without reading (a whole line is buffered, or the input ended).
    var hasBufferedLine: Bool { eof || findNewline() != nil }

    /// The next non-blank line and its 1-based number.
    func next() throws -> (Int, [UInt8])? {
        while true {
            if let nl = findNewline() {
                newline = nil
                let line = Array(buffer[start..<nl])
                start = nl + 1
                number += 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                return (number, line.last == 0x0D ? Array(line.dropLast()) : line)
            }
            if eof {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                number += 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
                return (number, line)
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            // What is there now (up to 1 MiB), not a full MiB: lines piped in one by one are
            // appended as they come.
            let count = chunk.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw CLIError("cannot read \(path == "-" ? "standard input" : path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { eof = true } else { buffer.append(contentsOf: chunk[..<count]) }
        }
    }
}

/// The outcome of a submitted append, awaited by the command that prints it.
final class PendingAppend: @unchecked Sendable {
    private let lock = NSLock()
    private var outcome: Result<AppendOutcome, EventLogError>?
    private var waiter: CheckedContinuation<Result<AppendOutcome, EventLogError>, Never>?

    func fulfill(_ result: Result<AppendOutcome, EventLogError>) {
        lock.lock()
        guard let waiter else {
            outcome = result
            lock.unlock()
            return
        }
        self.waiter = nil
        outcome = result
        lock.unlock()
        waiter.resume(returning: result)
    }

    /// The outcome if it is known already.
    var result: Result<AppendOutcome, EventLogError>? { lock.withLock { outcome } }

    var value: Result<AppendOutcome, EventLogError> {
        get async {
            await withCheckedContinuation { c in
                lock.lock()
                if let outcome {
                    lock.unlock()
                    c.resume(returning: outcome)
                } else {
                    waiter = c
                    lock.unlock()
                }
            }
        }
    }
}
