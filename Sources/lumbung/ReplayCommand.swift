import ArgumentParser
import EventLog
import Foundation
import LumbungCore

extension Lumbung {
    /// `lumbung replay`: a view as it stood at a point in time, folded from the log from scratch.
    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fold the log from scratch up to a point and print a view as JSON (the auditor's \"as of\").",
            discussion:
                "e.g. what was in the Cakranegara posko on 10 August: replay --view stock --id WH-... --as-of 2018-08-10T23:59:59+08:00")

        enum ViewName: String, ExpressibleByArgument, CaseIterable {
            case stock, kelurahan, trace, application, prices
        }

        @OptionGroup var store: StoreOptions
        @Option(help: ArgumentHelp("The view: stock, kelurahan, trace, application, prices.", valueName: "VIEW")) var view: ViewName
        @Option(help: "Warehouse (stock), kelurahan code, donation (trace), receipt number (application), market (prices).")
        var id: String?
        @Option(name: .customLong("as-of"), help: "Events that occurred at or before TIME (as it happened).")
        var asOf: Timestamp?
        @Option(name: .customLong("recorded-as-of"), help: "Events recorded at or before TIME (as the system knew it).")
        var recordedAsOf: Timestamp?
        @Option(help: "Events up to position P.") var position: UInt64?

        func validate() throws {
            let points = [asOf != nil, recordedAsOf != nil, position != nil].filter { $0 }.count
            guard points <= 1 else { throw ValidationError("give at most one of --as-of, --recorded-as-of, --position") }
            if (view == .trace || view == .application) && id == nil {
                throw ValidationError("--view \(view.rawValue) needs --id")
            }
        }

        func run() throws {
            let services = try store.openServices()
            defer { services.close() }
            let point: ViewReplay.AsOf =
                if let asOf { .occurred(asOf) } else if let recordedAsOf { .recorded(recordedAsOf) } else if let position {
                    .position(position)
                } else { .now }
            var bar = ProgressBar(label: "replay")
            let json = try ViewReplay.run(services, view: ViewReplay.View(rawValue: view.rawValue)!, id: id, asOf: point) { done, total in
                bar.update(done, of: total)
            }
            Output.standard.line(json)
            Output.flush()
        }
    }
}
