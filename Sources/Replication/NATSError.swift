import CNATS

/// A failure of the NATS client or of a JetStream request: the client's status, the JetStream
/// error code (0 when the server sent none) and a one-line message naming what failed.
public struct NATSError: Error, Sendable, CustomStringConvertible {
    /// The NATS C client's `natsStatus`.
    public let status: UInt32
    /// The JetStream API error code (`jsErrCode`), 0 when there is none.
    public let jetStreamCode: Int
    public let message: String

    public var description: String { message }

    public init(status: UInt32, jetStreamCode: Int = 0, message: String) {
        self.status = status
        self.jetStreamCode = jetStreamCode
        self.message = message
    }

    init(_ status: natsStatus, _ what: String, jsCode: jsErrCode = jsErrCode(rawValue: 0)) {
        var text = String(cString: natsStatus_GetText(status))
        var lastStatus = natsStatus(rawValue: 0)
        if let last = nats_GetLastError(&lastStatus), last.pointee != 0 {
            let detail = String(cString: last)
            if !detail.isEmpty && detail != text { text += ": " + detail }
        }
        let code = Int(jsCode.rawValue)
        self.init(
            status: status.rawValue, jetStreamCode: code,
            message: "\(what): \(text)" + (code != 0 ? " (JetStream error \(code))" : ""))
    }

    /// The operation timed out (no answer in time; a JetStream leader may be being elected).
    public var isTimeout: Bool { status == NATS_TIMEOUT.rawValue }
    /// Nothing answered the request (no JetStream server reachable, or no leader yet).
    public var isNoResponders: Bool { status == NATS_NO_RESPONDERS.rawValue }
    /// The stream (or consumer) does not exist.
    public var isNotFound: Bool {
        jetStreamCode == Int(JSStreamNotFoundErr.rawValue) || jetStreamCode == Int(JSConsumerNotFoundErr.rawValue)
            || status == NATS_NOT_FOUND.rawValue
    }
    /// A publish's `Nats-Expected-Last-Sequence` was not the stream's last sequence.
    public var isWrongLastSequence: Bool { jetStreamCode == Int(JSStreamWrongLastSequenceErr.rawValue) }
}

/// Throws a `NATSError` unless `status` is `NATS_OK`.
@inline(__always)
func check(_ status: natsStatus, _ what: @autoclosure () -> String, jsCode: jsErrCode = jsErrCode(rawValue: 0)) throws(NATSError) {
    guard status == NATS_OK else { throw NATSError(status, what(), jsCode: jsCode) }
}

/// Calls `body` with the bytes of `data`, keeping `body`'s typed error (the standard library's
/// `withUnsafeBytes` rethrows untyped).
func withBytes<R>(_ data: [UInt8], _ body: (UnsafeRawBufferPointer) throws(NATSError) -> R) throws(NATSError) -> R {
    let result: Result<R, NATSError> = data.withUnsafeBytes { b in Result { () throws(NATSError) -> R in try body(b) } }
    return try result.get()
}
