import ArgumentParser
import EventLog

extension Lumbung {
    /// `lumbung read`: events of one stream or of the whole log, as NDJSON.
    struct Read: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print events as NDJSON: one stream (--stream) or the whole log (--all).")

        @OptionGroup var store: StoreOptions

        @Option(help: "Read this stream.") var stream: String?
        @Flag(help: "Read the whole log.") var all = false
        @Option(help: "First version (with --stream) or position (with --all).") var from: UInt64?
        @Flag(help: "With --stream: newest first.") var backwards = false
        @Option(help: "Most events to print.") var limit: Int?
        @Option(help: "With --all: only this type (repeatable).") var type: [String] = []
        @Option(help: "With --all: only streams of this category (repeatable).") var category: [String] = []
        @Option(help: "With --all: last position (as of position P).") var to: UInt64?
        @Option(name: .customLong("recorded-until"), help: "With --all: only events recorded at or before TIME.")
        var recordedUntil: Timestamp?
        @Option(name: .customLong("occurred-until"), help: "With --all: only events that occurred at or before TIME.")
        var occurredUntil: Timestamp?

        func validate() throws {
            guard (stream != nil) != all else { throw ValidationError("give either --stream S or --all") }
            if stream != nil && (!type.isEmpty || !category.isEmpty || to != nil || recordedUntil != nil || occurredUntil != nil) {
                throw ValidationError("--type, --category, --to, --recorded-until and --occurred-until go with --all")
            }
            if all && backwards { throw ValidationError("--backwards goes with --stream") }
            if let limit, limit < 0 { throw ValidationError("--limit must not be negative") }
        }

        func run() throws {
            let store = try self.store.openStore(mustExist: true)
            defer { store.close() }
            let out = Output.standard
            if let stream {
                try Names.checkStream(stream)
                try store.forEachStreamRecord(stream, from: from, direction: backwards ? .backward : .forward, limit: limit) { view in
                    out.write {
                        view.writeJSON(to: &$0)
                        $0.append(0x0A)
                    }
                    return true
                }
            } else {
                let filter = EventFilter(
                    types: type.isEmpty ? nil : Set(type), categories: category.isEmpty ? nil : Set(category),
                    fromPosition: from ?? 1, toPosition: to, recordedUntil: recordedUntil, occurredUntil: occurredUntil)
                try store.forEachRecord(filter, limit: limit) { view in
                    out.write {
                        view.writeJSON(to: &$0)
                        $0.append(0x0A)
                    }
                    return true
                }
            }
            out.flush()
        }
    }
}
