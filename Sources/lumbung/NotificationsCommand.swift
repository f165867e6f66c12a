import ArgumentParser
import DocumentTracking
import EventLog
import Foundation
import JSON
import LumbungCore
import Projections

extension Lumbung {
    /// `lumbung notifications`: the cek resi outbox, read and retried from the command line.
    struct Notifications: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The cek resi notifications: list the outbox, retry dead-lettered ones.",
            subcommands: [List.self, Retry.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List notifications, one JSON object per line (key, receipt, channel, state, failures, last error).",
                discussion: "The dead-letter view is --state dead. Addresses are never printed: they stay sealed in the vault.")
            @OptionGroup var store: StoreOptions
            @Option(help: "Only those in this state: pending, delivered or dead.") var state: String?
            @Option(name: .customLong("receipt"), help: "Only those of this receipt number.") var receipt: String?

            func validate() throws {
                if let state, NotificationDelivery.State(rawValue: state) == nil {
                    throw ValidationError("--state must be pending, delivered or dead")
                }
                if let receipt, ReceiptNumber.normalize(receipt) == nil { throw ValidationError("--receipt is not a receipt number") }
            }

            func run() async throws {
                let services = try store.openServices()
                defer { services.close() }
                try services.start()
                let found = try services.engine.read { snapshot in
                    try DocumentTrackingQueries.notifications(
                        try snapshot.view(DocumentViews.notifications), state: state.flatMap(NotificationDelivery.State.init),
                        receiptNumber: receipt.flatMap(ReceiptNumber.normalize), limit: Int.max)
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                for delivery in found {
                    FileHandle.standardOutput.write(try encoder.encode(delivery) + Data("\n".utf8))
                }
            }
        }

        struct Retry: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Send dead-lettered notifications again (appends documents.notification-retry-requested).",
                discussion: """
                    Each one becomes pending with a fresh budget of attempts; the delivery worker of `serve` sends it. \
                    A delivered notification is never sent again; a pending one is already on its way. \
                    Prints {"delivery","position"} per retry.
                    """)
            @OptionGroup var store: StoreOptions
            @Argument(help: "Delivery keys (<event id>:email or <event id>:sms), as `notifications list` prints them.")
            var deliveries: [String] = []
            @Flag(name: .customLong("all-dead"), help: "Every dead-lettered notification.") var allDead = false

            func validate() throws {
                guard allDead != !deliveries.isEmpty else { throw ValidationError("give delivery keys or --all-dead, not both") }
                for key in deliveries where NotificationDelivery.parse(key) == nil {
                    throw ValidationError("\(key.prefix(80)) is not a delivery key (<event id>:email or <event id>:sms)")
                }
            }

            func run() async throws {
                let services = try store.openServices()
                defer { services.close() }
                try services.start()
                let view = DocumentViews.notifications
                let chosen: [NotificationDelivery] = try services.engine.read { snapshot in
                    let reader = try snapshot.view(view)
                    if allDead { return try DocumentTrackingQueries.notifications(reader, state: .dead, limit: Int.max) }
                    return try deliveries.map { key in
                        guard let d = try DocumentTrackingQueries.notification(reader, key: key) else {
                            throw CLIError("no notification \(key)")
                        }
                        guard d.state == .dead else {
                            throw CLIError("notification \(key) is \(d.state.rawValue): only a dead-lettered one is sent again")
                        }
                        return d
                    }
                }
                for d in chosen {
                    let e = NotificationRecorded(
                        receiptNumber: d.receiptNumber, delivery: d.key, channel: d.channel, at: .now(), requestedBy: StoreOptions.actor)
                    let written = try await services.write(
                        [try services.domains.documents.notificationEvent(.retryRequested, e)], actor: StoreOptions.actor)
                    Output.standard.line(JSONObject([("delivery", .string(d.key)), ("position", .number(Double(written.lastPosition)))]))
                }
                Output.flush()
            }
        }
    }
}
