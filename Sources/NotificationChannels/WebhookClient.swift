public import AsyncHTTPClient
public import DocumentTracking
public import Foundation
import JSON
public import NIOCore
import NIOHTTP1

/// A failed webhook delivery: its class (`http-500`, `timeout`, `connect`), never the reply's body.
public struct WebhookError: Error, Sendable, Equatable, CustomStringConvertible {
    public var failure: String
    public var description: String { failure }
    public init(failure: String) { self.failure = failure }
}

/// The SMS/WhatsApp gateway's webhook: one POST per message, JSON
/// `{"idempotencyKey", "receiptNumber", "channel": "sms", "to": "+62...", "subject", "text"}`,
/// signed (`WebhookSignature`: `X-Lumbung-Timestamp` and `X-Lumbung-Signature: sha256=<hex HMAC
/// of "timestamp.body">` under the shared secret) and carrying `Idempotency-Key`. Only a 2xx
/// answer counts as delivered; anything else, a timeout or a refused connection is a failure to
/// retry.
public struct WebhookClient: Sendable {
    public var url: String
    var secret: [UInt8]
    public var timeout: TimeAmount
    let http: HTTPClient

    public init(url: String, secret: [UInt8], timeout: TimeAmount = .seconds(10), http: HTTPClient = .shared) {
        (self.url, self.secret, self.timeout, self.http) = (url, secret, timeout, http)
    }

    /// The request's body for `message` to `phone` (canonical JSON, members sorted).
    public static func body(to phone: String, message: NotificationMessage, receiptNumber: String, idempotencyKey: String) -> [UInt8] {
        let value = JSONValue.object([
            ("channel", .string("sms")), ("idempotencyKey", .string(idempotencyKey)), ("receiptNumber", .string(receiptNumber)),
            ("subject", .string(message.subject)), ("text", .string(message.body)), ("to", .string(phone)),
        ])
        return CanonicalJSON.encode(value)
    }

    /// Sends `message` to `phone`; throws `WebhookError` unless the gateway answered 2xx.
    public func send(to phone: String, message: NotificationMessage, receiptNumber: String, idempotencyKey: String, now: Date = Date())
        async throws
    {
        let body = Self.body(to: phone, message: message, receiptNumber: receiptNumber, idempotencyKey: idempotencyKey)
        let timestamp = String(Int(now.timeIntervalSince1970))
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "lumbung-notifications")
        request.headers.add(name: WebhookSignature.idempotencyHeader, value: idempotencyKey)
        request.headers.add(name: WebhookSignature.timestampHeader, value: timestamp)
        request.headers.add(
            name: WebhookSignature.signatureHeader, value: WebhookSignature.sign(body: body, timestamp: timestamp, secret: secret))
        request.body = .bytes(ByteBuffer(bytes: body))
        // The gateway has `timeout` for the whole exchange, head and body: the client's deadline,
        // and a timer of our own racing it (cancelling the request), so that a stuck gateway can
        // never hold the worker longer, whatever the connection pool does.
        let status: UInt
        let (prepared, http, timeout) = (request, self.http, self.timeout)
        do {
            status = try await withThrowingTaskGroup(of: UInt?.self) { group in
                group.addTask {
                    let response = try await http.execute(prepared, timeout: timeout)
                    // Read (and drop) the body so the connection can be reused.
                    _ = try await response.body.collect(upTo: 64 * 1024)
                    return response.status.code
                }
                group.addTask {
                    try await Task.sleep(for: .nanoseconds(timeout.nanoseconds))
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let code = first else { throw WebhookError(failure: "timeout") }
                return code
            }
        } catch let error as WebhookError {
            throw error
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw WebhookError(failure: "timeout")
        } catch {
            throw WebhookError(failure: "connect")
        }
        guard (200..<300).contains(Int(status)) else { throw WebhookError(failure: "http-\(status)") }
    }
}
