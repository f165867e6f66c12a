import ArgumentParser
import EventLog
import Foundation
import LumbungCore
import QueryService

extension Lumbung {
    /// `lumbung export`: the log (or a filtered part of it) to a file or stdout, streamed, in
    /// one of `Exporters.all` (the formats of `GET /v1/export`, see each exporter for its columns).
    /// The export ends at the head the log had when it started.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export events (streamed, constant memory), with a progress bar on a terminal.",
            discussion: """
                Formats: ndjson (the events as the API shows them), csv (one row per event: the envelope, \
                actor, metadata and data as JSON), hxl (aid movements as an HXL-tagged 3W table), wfp (price \
                reports, corrections applied, in WFP/HDX's global food price layout, which `import wfp` reads). \
                Every filter applies to every format; hxl and wfp still name places and apply corrections \
                from the whole log up to the export's end.
                """)

        @OptionGroup var store: StoreOptions

        @Option(
            help: ArgumentHelp("Output format: \(Exporters.names.joined(separator: ", ")).", valueName: "FORMAT"),
            completion: .list(Exporters.names))
        var format: String = "ndjson"
        @Option(help: ArgumentHelp("Write to FILE (made 0600; never through a symbolic link) instead of stdout.", valueName: "FILE"))
        var output: String?
        @Flag(help: "With --output: overwrite the file if it exists.") var force = false
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
            guard Exporters.named(format) != nil else {
                throw ValidationError("--format must be one of \(Exporters.names.joined(separator: ", "))")
            }
            if let from, let to, from > to { throw ValidationError("--from \(from) is after --to \(to)") }
            if let since, let until, since > until { throw ValidationError("--since is after --until") }
        }

        func run() throws {
            guard let exporter = Exporters.named(format) else { throw CLIError("unknown format \(format)") }
            let store = try self.store.openStore(mustExist: true)
            defer { store.close() }
            let requested = EventFilter(
                types: type.isEmpty ? nil : Set(type), categories: category.isEmpty ? nil : Set(category),
                fromPosition: from ?? 1, toPosition: to, recordedSince: since, recordedUntil: until,
                occurredSince: occurredSince, occurredUntil: occurredUntil)
            let prepared = try Exporters.prepare(exporter, store: store, filter: requested)
            let filter = prepared.filter
            let writer = prepared.exporter
            let out = try output.map { try Output(path: $0, force: force) } ?? Output.standard
            let total = filter.toPosition ?? 0
            let first = filter.fromPosition
            var progress = ProgressBar(label: "export")
            var count: UInt64 = 0
            out.write { writer.header(into: &$0) }
            try store.forEachRecord(filter) { view in
                out.write { writer.write(view, into: &$0) }
                count += 1
                if count & 0x3FFF == 0 { progress.update(view.position - first + 1, of: total - first + 1) }
                return true
            }
            out.close()
            progress.finish(total >= first ? total - first + 1 : 0, of: total >= first ? total - first + 1 : 0)
            if let output {
                Console.message("exported \(count) events as \(exporter.name) (\(out.bytesWritten) bytes) to \(output)")
            }
        }
    }
}
