import ArgumentParser
import Foundation
import Logging
import Replication

/// Options shared by `relay` and `follow`: where JetStream is, what the stream is called, and how
/// to authenticate to NATS. Secrets (password, token) come from files or the environment, never
/// from the command line, and are never printed.
struct JetStreamOptions: ParsableArguments {
    @Option(help: ArgumentHelp("NATS server URLs, comma-separated (nats://host:4222,...).", valueName: "URL[,URL...]"))
    var nats: String
    @Option(name: .customLong("nats-user"), help: "NATS user (its password from --nats-password-file or $LUMBUNG_NATS_PASSWORD).")
    var natsUser: String?
    @Option(
        name: .customLong("nats-password-file"), help: ArgumentHelp("File holding the NATS user's password.", valueName: "FILE"))
    var natsPasswordFile: String?
    @Option(
        name: .customLong("nats-token-file"),
        help: ArgumentHelp("File holding a NATS authentication token (else $LUMBUNG_NATS_TOKEN).", valueName: "FILE"))
    var natsTokenFile: String?
    @Option(name: .customLong("nats-creds"), help: ArgumentHelp("NATS credentials file (user JWT and NKey seed).", valueName: "FILE"))
    var natsCreds: String?
    @Option(name: .customLong("nats-tls-ca"), help: ArgumentHelp("CA certificate(s), PEM: require TLS to NATS.", valueName: "FILE"))
    var natsTLSCA: String?
    @Option(name: .customLong("nats-tls-cert"), help: ArgumentHelp("Client certificate, PEM (with --nats-tls-key).", valueName: "FILE"))
    var natsTLSCert: String?
    @Option(name: .customLong("nats-tls-key"), help: ArgumentHelp("Client certificate's private key, PEM.", valueName: "FILE"))
    var natsTLSKey: String?
    @Option(help: "JetStream stream name.") var stream = "LUMBUNG"
    @Option(name: .customLong("subject-prefix"), help: "Subjects are <prefix>.<category>.<type>; the stream takes <prefix>.>.")
    var subjectPrefix = "lumbung"

    var urls: [String] { NATSConnection.urls(from: nats) }

    func validate() throws {
        guard !urls.isEmpty else { throw ValidationError("--nats needs at least one URL") }
        guard stream.utf8.allSatisfy({ Self.nameCharacter($0) }), !stream.isEmpty else {
            throw ValidationError("--stream may hold only letters, digits, - and _")
        }
        let tokens = subjectPrefix.split(separator: ".", omittingEmptySubsequences: false)
        guard !subjectPrefix.isEmpty, tokens.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { Self.nameCharacter($0) } }) else {
            throw ValidationError("--subject-prefix must be dot-separated tokens of letters, digits, - and _")
        }
        do {
            _ = try credentials(environment: ProcessInfo.processInfo.environment)
        } catch let error as CLIError {
            throw ValidationError(error.message)
        }
    }

    /// The NATS credentials the options (and `environment`: `LUMBUNG_NATS_PASSWORD`,
    /// `LUMBUNG_NATS_TOKEN`) give; a `CLIError` naming the option when they do not fit together
    /// or a file cannot be read (never quoting a secret).
    func credentials(environment: [String: String]) throws -> NATSConnection.Credentials {
        var c = NATSConnection.Credentials()
        if natsPasswordFile != nil && natsUser == nil { throw CLIError("--nats-password-file goes with --nats-user") }
        let password =
            try natsPasswordFile.map { try Self.secret(from: $0, option: "--nats-password-file") }
            ?? environment["LUMBUNG_NATS_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        let token =
            try natsTokenFile.map { try Self.secret(from: $0, option: "--nats-token-file") }
            ?? environment["LUMBUNG_NATS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        if let user = natsUser {
            guard !user.isEmpty else { throw CLIError("--nats-user is empty") }
            guard let password else {
                throw CLIError("--nats-user needs a password: --nats-password-file FILE or $LUMBUNG_NATS_PASSWORD")
            }
            c.user = user
            c.password = password
        }
        let identities = [natsUser != nil, token != nil, natsCreds != nil].filter { $0 }.count
        guard identities <= 1 else {
            throw CLIError("give one NATS identity: --nats-user, a token (--nats-token-file or $LUMBUNG_NATS_TOKEN) or --nats-creds")
        }
        c.token = token
        if let file = natsCreds { c.credentialsFile = try Self.readable(file, option: "--nats-creds") }
        guard (natsTLSCert == nil) == (natsTLSKey == nil) else { throw CLIError("--nats-tls-cert and --nats-tls-key go together") }
        if let file = natsTLSCA { c.tlsCAFile = try Self.readable(file, option: "--nats-tls-ca") }
        if let file = natsTLSCert { c.tlsCertificateFile = try Self.readable(file, option: "--nats-tls-cert") }
        if let file = natsTLSKey { c.tlsKeyFile = try Self.readable(file, option: "--nats-tls-key") }
        return c
    }

    /// The first line of `file` (a secret): an error names the option and file, never the content.
    static func secret(from file: String, option: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("\(option): cannot read \(file)") }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, !text.contains("\n") else { throw CLIError("\(option): \(file) must hold one non-empty line") }
        return text
    }

    static func readable(_ file: String, option: String) throws -> String {
        guard FileManager.default.isReadableFile(atPath: file) else { throw CLIError("\(option): cannot read \(file)") }
        return file
    }

    static func nameCharacter(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x2D || c == 0x5F
    }
}

/// The logger of a long-running command (`relay`, `follow`): lines to stderr through swift-log,
/// at `info` and above.
func commandLogger(_ command: String) -> Logger {
    var logger = Logger(label: "lumbung.\(command)", factory: { StreamLogHandler.standardError(label: $0) })
    logger.logLevel = .info
    return logger
}
