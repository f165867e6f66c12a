public import DocumentTracking
import Foundation
public import NIOCore
import NIOPosix

/// A failed SMTP exchange: the server's reply code (0 when the connection failed or closed) and
/// the command it answered. `code` 4xx is worth retrying; 5xx is not going to change by itself.
public struct SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var command: String
    public var description: String { "smtp-\(code) after \(command)" }
    public init(code: Int, command: String) { (self.code, self.command) = (code, command) }
}

/// A small plain-SMTP client (EHLO, MAIL FROM, RCPT TO, DATA, QUIT) on swift-nio, for the
/// notification e-mails: UTF-8 text, the subject encoded as RFC 2047, the body in base64, and the
/// delivery's idempotency key in `Message-ID` and `X-Lumbung-Idempotency-Key`. A message counts as
/// sent only when the server answered 250 after DATA.
public struct SMTPClient: Sendable {
    public var host: String
    public var port: Int
    public var from: String
    /// The name sent with EHLO.
    public var heloName: String
    public var timeout: TimeAmount

    public init(host: String, port: Int, from: String, heloName: String = "lumbung.localhost", timeout: TimeAmount = .seconds(30)) {
        (self.host, self.port, self.from, self.heloName, self.timeout) = (host, port, from, heloName, timeout)
    }

    /// The message's text as sent after DATA (CRLF lines, dot-stuffed, without the final `.`).
    public func render(to recipient: String, message: NotificationMessage, idempotencyKey: String) -> String {
        let subject = "=?UTF-8?B?" + Data(message.subject.utf8).base64EncodedString() + "?="
        let body = Data(message.body.utf8).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
        ])
        let headers = [
            "From: \(from)", "To: \(recipient)", "Subject: \(subject)",
            "Message-ID: <\(idempotencyKey.replacingOccurrences(of: ":", with: "."))@lumbung>",
            "X-Lumbung-Idempotency-Key: \(idempotencyKey)", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64",
        ]
        return (headers + ["", body]).joined(separator: "\r\n")
    }

    /// Sends `message` to `recipient`; throws `SMTPError` unless the server took it (250).
    public func send(to recipient: String, message: NotificationMessage, idempotencyKey: String) async throws {
        let text = render(to: recipient, message: message, idempotencyKey: idempotencyKey)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var replies = ReplyReader(inbound.makeAsyncIterator())
            func step(_ line: String?, expect codes: Set<Int>, name: String) async throws {
                if let line { try await outbound.write(ByteBuffer(string: line + "\r\n")) }
                let code = try await replies.next()
                guard codes.contains(code) else { throw SMTPError(code: code, command: name) }
            }
            try await step(nil, expect: [220], name: "connect")
            try await step("EHLO \(heloName)", expect: [250], name: "EHLO")
            try await step("MAIL FROM:<\(from)>", expect: [250], name: "MAIL FROM")
            try await step("RCPT TO:<\(recipient)>", expect: [250, 251], name: "RCPT TO")
            try await step("DATA", expect: [354], name: "DATA")
            let stuffed = text.split(separator: "\r\n", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
            try await step(stuffed + "\r\n.", expect: [250], name: "message")
            try? await step("QUIT", expect: [221], name: "QUIT")
        }
    }
}

/// Reads SMTP replies (`250-...` continuation lines, then `250 ...`) and gives their codes.
struct ReplyReader {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var pending: [UInt8] = []

    init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) { self.iterator = iterator }

    /// The code of the next complete reply; `SMTPError(code: 0)` when the server closed first.
    mutating func next() async throws -> Int {
        while true {
            while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(pending[..<end])
                pending.removeFirst(end + 1)
                guard line.count >= 3, let code = Int(String(decoding: line.prefix(3), as: UTF8.self)) else { continue }
                if line.count < 4 || line[3] != UInt8(ascii: "-") { return code }
            }
            guard var buffer = try await iterator.next() else { throw SMTPError(code: 0, command: "read") }
            pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        }
    }
}
