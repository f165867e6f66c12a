import ArgumentParser
import DocumentTracking
import Foundation
import NIOCore
import NotificationChannels

/// `serve`'s notification options: where the cek resi notifications go. Without `--smtp-host`
/// e-mails wait in the outbox; without `--webhook-url`, text messages do. A read replica sends
/// nothing (only the primary records deliveries).
struct NotificationOptions: ParsableArguments {
    @Option(
        name: .customLong("smtp-host"),
        help: ArgumentHelp("SMTP server for the notification e-mails (plain SMTP, e.g. a local relay).", valueName: "HOST"))
    var smtpHost: String?
    @Option(name: .customLong("smtp-port"), help: "Its port.") var smtpPort = 25
    @Option(name: .customLong("smtp-from"), help: ArgumentHelp("The e-mails' sender address.", valueName: "ADDRESS"))
    var smtpFrom = "cek-resi@localhost"
    @Option(
        name: .customLong("webhook-url"),
        help: ArgumentHelp(
            "The SMS/WhatsApp gateway's webhook (http or https), signed with the secret of --webhook-secret-file.", valueName: "URL"))
    var webhookURL: String?
    @Option(
        name: .customLong("webhook-secret-file"),
        help: ArgumentHelp("File (0600) holding the webhook's HMAC secret, one line, at least 16 bytes.", valueName: "FILE"))
    var webhookSecretFile: String?
    @Option(
        name: .customLong("webhook-timeout"),
        help: ArgumentHelp("Seconds the gateway has to answer; longer is a failure to retry.", valueName: "SECONDS"))
    var webhookTimeout = 10
    @Option(
        name: .customLong("notification-retry"),
        help: ArgumentHelp(
            "Seconds before the first retry of a failed notification; each next wait is 4 times longer, at most an hour, 8 attempts.",
            valueName: "SECONDS"))
    var notificationRetry = 30
    @Option(
        name: .customLong("notification-interval"),
        help: ArgumentHelp("How often, in milliseconds, the outbox is looked at for due notifications.", valueName: "MS"))
    var notificationInterval = 1000

    func validate() throws {
        if let smtpHost, smtpHost.isEmpty { throw ValidationError("--smtp-host is empty") }
        guard (1...65535).contains(smtpPort) else { throw ValidationError("--smtp-port must be 1-65535") }
        guard NotificationContact.isEmail(smtpFrom) || smtpFrom.hasSuffix("@localhost") else {
            throw ValidationError("--smtp-from is not an e-mail address")
        }
        if let webhookURL {
            guard let url = URL(string: webhookURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw ValidationError("--webhook-url must be an http or https URL")
            }
            guard webhookSecretFile != nil else { throw ValidationError("--webhook-url needs --webhook-secret-file") }
        } else if webhookSecretFile != nil {
            throw ValidationError("--webhook-secret-file goes with --webhook-url")
        }
        guard (1...300).contains(webhookTimeout) else { throw ValidationError("--webhook-timeout must be 1-300 seconds") }
        guard (1...86_400).contains(notificationRetry) else { throw ValidationError("--notification-retry must be 1-86400 seconds") }
        guard (10...600_000).contains(notificationInterval) else { throw ValidationError("--notification-interval must be 10-600000 ms") }
        do {
            _ = try webhookSecret()
        } catch let error as CLIError {
            throw ValidationError(error.message)
        }
    }

    /// The webhook's secret: the file's one line, from a file only its owner may read.
    func webhookSecret() throws -> [UInt8]? {
        guard let file = webhookSecretFile else { return nil }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue
        else { throw CLIError("--webhook-secret-file: cannot read \(file)") }
        guard mode & 0o077 == 0 else {
            throw CLIError("--webhook-secret-file: \(file) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        let secret = try JetStreamOptions.secret(from: file, option: "--webhook-secret-file")
        guard secret.utf8.count >= 16 else { throw CLIError("--webhook-secret-file: \(file) must hold at least 16 bytes") }
        return Array(secret.utf8)
    }

    /// The senders the options configure; nil when none is.
    func senders() throws -> NotificationSenders? {
        guard smtpHost != nil || webhookURL != nil else { return nil }
        let backoff = NotificationBackoff(
            base: Int64(notificationRetry) * 1000, factor: 4, cap: max(3_600_000, Int64(notificationRetry) * 1000), maxAttempts: 8)
        return NotificationSenders(
            smtp: smtpHost.map { SMTPClient(host: $0, port: smtpPort, from: smtpFrom) },
            webhook: try webhookURL.map {
                WebhookClient(url: $0, secret: try webhookSecret() ?? [], timeout: .seconds(Int64(webhookTimeout)))
            }, backoff: backoff,
            interval: .milliseconds(notificationInterval))
    }
}
