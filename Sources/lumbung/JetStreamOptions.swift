import ArgumentParser
import Replication

/// Options shared by `relay` and `follow`: where JetStream is and what the stream is called.
struct JetStreamOptions: ParsableArguments {
    @Option(help: ArgumentHelp("NATS server URLs, comma-separated (nats://host:4222,...).", valueName: "URL[,URL...]"))
    var nats: String
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
    }

    static func nameCharacter(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x2D || c == 0x5F
    }
}
