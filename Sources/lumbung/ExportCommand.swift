import ArgumentParser
import EventLog
import Foundation

extension Lumbung {
    /// `lumbung export`: the log (or a filtered part of it) to a file or stdout, streamed.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export events (streamed, constant memory), with a progress bar on a terminal.")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case ndjson
        }

        @OptionGroup var store: StoreOptions

        @Option(help: "Output format: \(Format.allCases.map(\.rawValue).joined(separator: ", ")).")
        var format: Format = .ndjson
        @Option(help: "Write to FILE instead of stdout.") var output: String?
        @Option(help: "First position.") var from: UInt64?
        @Option(help: "Last position.") var to: UInt64?
        @Option(help: "Only this type (repeatable).") var type: [String] = []
        @Option(help: "Only streams of this category (repeatable).") var category: [String] = []
        @Option(help: "Only events recorded at or after TIME (RFC 3339).") var since: Timestamp?
        @Option(help: "Only events recorded at or before TIME (RFC 3339).") var until: Timestamp?
        @Option(name: .customLong("occurred-since"), help: "Only events that occurred at or after TIME.")
        var occurredSince: Timestamp?
        @Option(name: .customLong("occurred-until"), help: "Only events that occurred at or before TIME.")
        var occurredUntil: Timestamp?

        func validate() throws {
            if let from, let to, from > to { throw ValidationError("--from \(from) is after --to \(to)") }
            if let since, let until, since > until { throw ValidationError("--since is after --until") }
        }

        func run() throws {
            let store = try self.store.openStore(mustExist: true)
            defer { store.close() }
            let filter = EventFilter(
                types: type.isEmpty ? nil : Set(type), categories: category.isEmpty ? nil : Set(category),
                fromPosition: from ?? 1, toPosition: to, recordedSince: since, recordedUntil: until,
                occurredSince: occurredSince, occurredUntil: occurredUntil)
            let out = try output.map(Output.init(path:)) ?? Output.standard
            let head = try store.head().position
            let total = min(to ?? head, head)
            let first = filter.fromPosition
            var progress = ProgressBar(label: "export")
            var count: UInt64 = 0
            try store.forEachRecord(filter) { view in
                out.write { view.writeJSON(to: &$0); $0.append(0x0A) }
                count += 1
                if count & 0x3FFF == 0 { progress.update(view.position - first + 1, of: total - first + 1) }
                return true
            }
            out.close()
            progress.finish(total >= first ? total - first + 1 : 0, of: total >= first ? total - first + 1 : 0)
            if output != nil {
                Console.message("exported \(count) events (\(out.bytesWritten) bytes) to \(output!)")
            }
        }
    }
}
