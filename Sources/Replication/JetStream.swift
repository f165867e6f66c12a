import CNATS
import Foundation

/// A JetStream context over a `NATSConnection`: streams, consumers, publishing (awaiting the
/// PubAck, or asynchronously with the acks delivered to a handler), and pull subscriptions.
///
/// Contract:
/// - Every request waits at most `timeout` for its answer (then throws a timeout `NATSError`).
/// - Asynchronous publishes (`publishAsync`) report each message's outcome exactly once to the
///   `onAsyncAck` handler given at creation: a PubAck (with its stream sequence and whether it
///   was a duplicate), or an error (one the server sent, or a timeout after `ackWait`). The
///   handler runs on a thread of the C client; it must be quick and must not call this context.
/// - Safe to use from several threads, except that a pull subscription is used by one at a time.
public final class JetStream: @unchecked Sendable {
    let handle: OpaquePointer
    public let connection: NATSConnection
    private let acks: AsyncAckBox?

    /// - Parameters:
    ///   - maxPendingAsync: most asynchronous publishes in flight in the C client (it blocks a
    ///     publisher beyond that); keep the caller's own window below it.
    ///   - onAsyncAck: receives the outcome of every `publishAsync`.
    public init(
        connection: NATSConnection, timeout: Duration = .seconds(5), maxPendingAsync: Int = 65_536,
        onAsyncAck: (@Sendable (AsyncPublishResult) -> Void)? = nil
    ) throws(NATSError) {
        self.connection = connection
        var options = jsOptions()
        try check(jsOptions_Init(&options), "cannot initialise the JetStream options")
        options.Wait = NATSConnection.milliseconds(timeout)
        var box: AsyncAckBox? = nil
        if let onAsyncAck {
            let b = AsyncAckBox(handler: onAsyncAck)
            box = b
            options.PublishAsync.MaxPending = Int64(maxPendingAsync)
            options.PublishAsync.AckHandler = asyncAckHandler
            // Retained for as long as the process lives: the C client may call the handler until
            // its connection's threads end, which no call here can wait for.
            options.PublishAsync.AckHandlerClosure = Unmanaged.passRetained(b).toOpaque()
        }
        var js: OpaquePointer? = nil
        try check(natsConnection_JetStream(&js, connection.handle, &options), "cannot open a JetStream context")
        guard let js else { throw NATSError(status: NATS_ERR.rawValue, message: "the NATS client gave no JetStream context") }
        handle = js
        acks = box
    }

    deinit {
        jsCtx_Destroy(handle)
    }

    // MARK: Streams

    /// The stream `name`, or nil when it does not exist.
    public func streamInfo(_ name: String) throws(NATSError) -> StreamInfo? {
        var info: UnsafeMutablePointer<jsStreamInfo>? = nil
        var code = jsErrCode(rawValue: 0)
        let status = js_GetStreamInfo(&info, handle, name, nil, &code)
        defer { jsStreamInfo_Destroy(info) }
        if status == NATS_NOT_FOUND || code == JSStreamNotFoundErr { return nil }
        try check(status, "cannot read stream \(name)", jsCode: code)
        guard let info else { return nil }
        return StreamInfo(info.pointee)
    }

    /// Creates the stream described by `configuration` (or, when it exists with the same
    /// configuration, returns it).
    public func addStream(_ configuration: StreamConfiguration) throws(NATSError) -> StreamInfo {
        var config = jsStreamConfig()
        try check(jsStreamConfig_Init(&config), "cannot initialise a stream configuration")
        let name = strdup(configuration.name)
        let subjects = configuration.subjects.map { UnsafePointer<CChar>(strdup($0)) }
        defer {
            free(name)
            for s in subjects { free(UnsafeMutablePointer(mutating: s)) }
        }
        var subjectPointers = subjects
        var info: UnsafeMutablePointer<jsStreamInfo>? = nil
        var code = jsErrCode(rawValue: 0)
        let status: natsStatus = subjectPointers.withUnsafeMutableBufferPointer { p in
            config.Name = UnsafePointer(name)
            config.Subjects = p.baseAddress
            config.SubjectsLen = Int32(p.count)
            config.Storage = configuration.memoryStorage ? js_MemoryStorage : js_FileStorage
            config.Replicas = Int64(configuration.replicas)
            config.Retention = js_LimitsPolicy
            config.Discard = js_DiscardNew
            config.MaxMsgs = configuration.maxMessages ?? -1
            config.MaxBytes = -1
            config.MaxAge = 0
            config.MaxMsgsPerSubject = -1
            config.Duplicates = configuration.duplicateWindow.nanoseconds
            config.DenyDelete = true
            config.DenyPurge = true
            return js_AddStream(&info, handle, &config, nil, &code)
        }
        defer { jsStreamInfo_Destroy(info) }
        try check(status, "cannot create stream \(configuration.name)", jsCode: code)
        guard let info else { throw NATSError(status: NATS_ERR.rawValue, message: "JetStream gave no stream info") }
        return StreamInfo(info.pointee)
    }

    /// The message stored at `sequence` in `stream` (its data and `Nats-Msg-Id`), or nil when
    /// there is none.
    public func storedMessage(stream: String, sequence: UInt64) throws(NATSError) -> StoredMessage? {
        var msg: OpaquePointer? = nil
        var code = jsErrCode(rawValue: 0)
        let status = js_GetMsg(&msg, handle, stream, sequence, nil, &code)
        defer { natsMsg_Destroy(msg) }
        if status == NATS_NOT_FOUND || code == JSNoMessageFoundErr { return nil }
        try check(status, "cannot read message \(sequence) of stream \(stream)", jsCode: code)
        guard let msg else { return nil }
        return StoredMessage(
            sequence: sequence, subject: String(cString: natsMsg_GetSubject(msg)), data: Self.data(of: msg),
            messageID: Self.header(msg, "Nats-Msg-Id"))
    }

    // MARK: Publishing

    /// Publishes `data` on `subject` with the headers `Nats-Msg-Id: messageID` and, when given,
    /// `Nats-Expected-Last-Sequence` and `Lumbung-Signed-Head`, and waits for the PubAck.
    public func publish(
        subject: String, data: [UInt8], messageID: String?, expectedLastSequence: UInt64?, signedHead: String? = nil
    ) throws(NATSError) -> PubAck {
        let msg = try Self.message(
            subject: subject, data: data, messageID: messageID, expectedLastSequence: expectedLastSequence, signedHead: signedHead)
        defer { natsMsg_Destroy(msg) }
        var ack: UnsafeMutablePointer<jsPubAck>? = nil
        var code = jsErrCode(rawValue: 0)
        let status = js_PublishMsg(&ack, handle, msg, nil, &code)
        defer { jsPubAck_Destroy(ack) }
        try check(status, "cannot publish on \(subject)", jsCode: code)
        guard let ack else { throw NATSError(status: NATS_ERR.rawValue, message: "JetStream gave no PubAck") }
        return PubAck(sequence: ack.pointee.Sequence, duplicate: ack.pointee.Duplicate)
    }

    /// Publishes like `publish` without waiting: the outcome goes to the `onAsyncAck` handler,
    /// within `ackWait` (a timeout error after it). Throws only when the message could not be
    /// handed to the client (then no outcome is reported for it). Every text is a NUL-terminated
    /// C string (`expectedLastSequence` in decimal): nothing is converted or allocated on the
    /// Swift side.
    public func publishAsync(
        subject: UnsafePointer<CChar>, data: UnsafeRawBufferPointer, messageID: UnsafePointer<CChar>,
        expectedLastSequence: UnsafePointer<CChar>, signedHead: UnsafePointer<CChar>? = nil, ackWait: Duration
    ) throws(NATSError) {
        guard acks != nil else {
            throw NATSError(status: NATS_ILLEGAL_STATE.rawValue, message: "publishAsync needs a context made with onAsyncAck")
        }
        var msg: OpaquePointer? = try Self.message(
            subject: subject, data: data, messageID: messageID, expectedLastSequence: expectedLastSequence, signedHead: signedHead)
        var options = jsPubOptions()
        jsPubOptions_Init(&options)
        options.MaxWait = NATSConnection.milliseconds(ackWait)
        let status = js_PublishMsgAsync(handle, &msg, &options)
        natsMsg_Destroy(msg)  // nil (a no-op) when the client took it
        try check(status, "cannot publish on \(String(cString: subject))")
    }

    /// Publishes like `publishAsync` but asks for no PubAck: JetStream stores the message or drops
    /// it (a wrong last sequence, a limit) without a word. Only a later acknowledged publish on this
    /// connection, with `Nats-Expected-Last-Sequence` = its own position - 1, tells that it (and
    /// every message before it) was stored: messages of one connection reach the stream in the
    /// order they were published. Throws only when the message could not be handed to the client.
    public func publishUnacknowledged(
        subject: UnsafePointer<CChar>, data: UnsafeRawBufferPointer, messageID: UnsafePointer<CChar>,
        expectedLastSequence: UnsafePointer<CChar>
    ) throws(NATSError) {
        let msg = try Self.message(subject: subject, data: data, messageID: messageID, expectedLastSequence: expectedLastSequence)
        defer { natsMsg_Destroy(msg) }
        try check(natsConnection_PublishMsg(connection.handle, msg), "cannot publish on \(String(cString: subject))")
    }

    /// A message of `data` on `subject` with the headers `Nats-Msg-Id`,
    /// `Nats-Expected-Last-Sequence` and `Lumbung-Signed-Head` when given (all texts C strings),
    /// owned by the caller.
    static func message(
        subject: UnsafePointer<CChar>, data: UnsafeRawBufferPointer, messageID: UnsafePointer<CChar>?,
        expectedLastSequence: UnsafePointer<CChar>?, signedHead: UnsafePointer<CChar>? = nil
    ) throws(NATSError) -> OpaquePointer {
        var msg: OpaquePointer? = nil
        try check(
            natsMsg_Create(&msg, subject, nil, data.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(data.count)),
            "cannot make a message on \(String(cString: subject))")
        guard let msg else { throw NATSError(status: NATS_ERR.rawValue, message: "the NATS client gave no message") }
        var status = NATS_OK
        if let messageID { status = natsMsgHeader_Set(msg, "Nats-Msg-Id", messageID) }
        if status == NATS_OK, let expectedLastSequence {
            status = natsMsgHeader_Set(msg, "Nats-Expected-Last-Sequence", expectedLastSequence)
        }
        if status == NATS_OK, let signedHead { status = natsMsgHeader_Set(msg, EventWire.signedHeadHeader, signedHead) }
        guard status == NATS_OK else {
            natsMsg_Destroy(msg)
            throw NATSError(status, "cannot set the headers of a message on \(String(cString: subject))")
        }
        return msg
    }

    /// As the C-string `message`, from Swift values.
    static func message(
        subject: String, data: [UInt8], messageID: String?, expectedLastSequence: UInt64?, signedHead: String? = nil
    ) throws(NATSError) -> OpaquePointer {
        let subjectC = strdup(subject)
        let idC = messageID.map { strdup($0) } ?? nil
        let expectedC = expectedLastSequence.map { strdup(String($0)) } ?? nil
        let headC = signedHead.map { strdup($0) } ?? nil
        defer {
            free(subjectC)
            free(idC)
            free(expectedC)
            free(headC)
        }
        return try withBytes(data) { (b) throws(NATSError) -> OpaquePointer in
            try message(subject: subjectC!, data: b, messageID: idC, expectedLastSequence: expectedC, signedHead: headC)
        }
    }

    static func header(_ msg: OpaquePointer, _ key: String) -> String? {
        var value: UnsafePointer<CChar>? = nil
        guard natsMsgHeader_Get(msg, key, &value) == NATS_OK, let value else { return nil }
        return String(cString: value)
    }

    static func data(of msg: OpaquePointer) -> [UInt8] {
        let count = Int(natsMsg_GetDataLength(msg))
        guard count > 0, let p = natsMsg_GetData(msg) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: p, count: count))
    }

    // MARK: Consumers

    /// The durable consumer `durable` of `stream`, or nil when it does not exist.
    public func consumerInfo(stream: String, durable: String) throws(NATSError) -> ConsumerInfo? {
        var info: UnsafeMutablePointer<jsConsumerInfo>? = nil
        var code = jsErrCode(rawValue: 0)
        let status = js_GetConsumerInfo(&info, handle, stream, durable, nil, &code)
        defer { jsConsumerInfo_Destroy(info) }
        if status == NATS_NOT_FOUND || code == JSConsumerNotFoundErr { return nil }
        try check(status, "cannot read consumer \(durable) of stream \(stream)", jsCode: code)
        guard let info else { return nil }
        return ConsumerInfo(info.pointee)
    }

    /// Creates the durable pull consumer `durable` of `stream` that expects no acks (its position
    /// advances as it delivers: the consumer's reader keeps its own record of what it holds),
    /// delivering from `startSequence` (from the first message when nil), every message of the
    /// stream or, with `filterSubject`, those whose subject matches it. (Unfiltered is cheaper for
    /// JetStream: it matches no subject per delivered message.)
    public func addPullConsumer(stream: String, durable: String, filterSubject: String? = nil, startSequence: UInt64?) throws(NATSError)
        -> ConsumerInfo
    {
        var config = jsConsumerConfig()
        try check(jsConsumerConfig_Init(&config), "cannot initialise a consumer configuration")
        let durableC = strdup(durable)
        let filterC = filterSubject.map { strdup($0) } ?? nil
        defer {
            free(durableC)
            free(filterC)
        }
        config.Durable = UnsafePointer(durableC)
        config.FilterSubject = filterC.map { UnsafePointer($0) }
        config.AckPolicy = js_AckNone
        config.MaxDeliver = -1
        if let startSequence, startSequence > 1 {
            config.DeliverPolicy = js_DeliverByStartSequence
            config.OptStartSeq = startSequence
        } else {
            config.DeliverPolicy = js_DeliverAll
        }
        var info: UnsafeMutablePointer<jsConsumerInfo>? = nil
        var code = jsErrCode(rawValue: 0)
        let status = js_AddConsumer(&info, handle, stream, &config, nil, &code)
        defer { jsConsumerInfo_Destroy(info) }
        try check(status, "cannot create consumer \(durable) of stream \(stream)", jsCode: code)
        guard let info else { throw NATSError(status: NATS_ERR.rawValue, message: "JetStream gave no consumer info") }
        return ConsumerInfo(info.pointee)
    }

    /// Deletes the consumer `durable` of `stream` (no error when it does not exist).
    public func deleteConsumer(stream: String, durable: String) throws(NATSError) {
        var code = jsErrCode(rawValue: 0)
        let status = js_DeleteConsumer(handle, stream, durable, nil, &code)
        if status == NATS_NOT_FOUND || code == JSConsumerNotFoundErr { return }
        try check(status, "cannot delete consumer \(durable) of stream \(stream)", jsCode: code)
    }

    /// A pull subscription bound to the existing durable consumer `durable` of `stream`.
    public func pullSubscribe(stream: String, durable: String, filterSubject: String) throws(NATSError) -> PullSubscription {
        var options = jsSubOptions()
        try check(jsSubOptions_Init(&options), "cannot initialise the subscribe options")
        let streamC = strdup(stream)
        let durableC = strdup(durable)
        defer {
            free(streamC)
            free(durableC)
        }
        options.Stream = UnsafePointer(streamC)
        options.Consumer = UnsafePointer(durableC)
        var sub: OpaquePointer? = nil
        var code = jsErrCode(rawValue: 0)
        try check(
            js_PullSubscribe(&sub, handle, filterSubject, durable, nil, &options, &code),
            "cannot subscribe to consumer \(durable) of stream \(stream)", jsCode: code)
        guard let sub else { throw NATSError(status: NATS_ERR.rawValue, message: "the NATS client gave no subscription") }
        return PullSubscription(handle: sub, context: self)
    }
}

/// The outcome of one asynchronous publish.
public struct AsyncPublishResult: Sendable {
    /// The message's `Nats-Expected-Last-Sequence` (so the publisher knows which one it was).
    public let expectedLastSequence: UInt64?
    /// The PubAck, or nil when it failed.
    public let ack: PubAck?
    /// Why it failed, when it did.
    public let error: NATSError?
}

/// A JetStream publish acknowledgment.
public struct PubAck: Sendable, Equatable {
    /// The stream sequence the message is stored at (for a duplicate: where the first copy is).
    public let sequence: UInt64
    /// Whether JetStream already had a message with this `Nats-Msg-Id` (and stored nothing).
    public let duplicate: Bool
}

/// A stream's configuration, as `addStream` creates it. Retention by limits with no limit and
/// discard policy "new": JetStream never drops a message, and deletes and purges are denied.
public struct StreamConfiguration: Sendable {
    public var name: String
    public var subjects: [String]
    public var replicas: Int
    /// How long JetStream remembers a `Nats-Msg-Id` to drop duplicates.
    public var duplicateWindow: Duration
    /// Memory instead of file storage (tests only).
    public var memoryStorage: Bool
    /// Most messages the stream holds, refusing more (nil: no limit, as a relay's stream must
    /// be; a limit is for tests of how a refusal is reported).
    public var maxMessages: Int64? = nil

    public init(name: String, subjects: [String], replicas: Int, duplicateWindow: Duration = .seconds(120), memoryStorage: Bool = false) {
        self.name = name
        self.subjects = subjects
        self.replicas = replicas
        self.duplicateWindow = duplicateWindow
        self.memoryStorage = memoryStorage
    }
}

/// What a stream holds now.
public struct StreamInfo: Sendable, Equatable {
    public let name: String
    public let subjects: [String]
    public let replicas: Int
    public let messages: UInt64
    public let firstSequence: UInt64
    public let lastSequence: UInt64

    init(_ info: jsStreamInfo) {
        var subjects: [String] = []
        var name = ""
        var replicas = 0
        if let config = info.Config {
            if let n = config.pointee.Name { name = String(cString: n) }
            if let list = config.pointee.Subjects {
                for i in 0..<Int(config.pointee.SubjectsLen) { if let s = list[i] { subjects.append(String(cString: s)) } }
            }
            replicas = Int(config.pointee.Replicas)
        }
        self.name = name
        self.subjects = subjects
        self.replicas = replicas
        messages = info.State.Msgs
        firstSequence = info.State.FirstSeq
        lastSequence = info.State.LastSeq
    }
}

/// What a consumer has delivered.
public struct ConsumerInfo: Sendable, Equatable {
    /// Stream sequence of the last message delivered.
    public let deliveredStreamSequence: UInt64
    /// Messages of the stream not yet delivered.
    public let pending: UInt64
    /// Whether the consumer expects acks (a consumer made by `addPullConsumer` does not).
    public let expectsAcks: Bool
    /// The subjects it delivers, when it does not deliver the whole stream.
    public let filterSubject: String?

    init(_ info: jsConsumerInfo) {
        deliveredStreamSequence = info.Delivered.Stream
        pending = info.NumPending
        expectsAcks = info.Config.map { $0.pointee.AckPolicy != js_AckNone } ?? true
        filterSubject = info.Config.flatMap { $0.pointee.FilterSubject }.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// A message as the stream stores it.
public struct StoredMessage: Sendable, Equatable {
    public let sequence: UInt64
    public let subject: String
    public let data: [UInt8]
    public let messageID: String?
}

/// Holds the handler of asynchronous acks for the C callback.
final class AsyncAckBox: @unchecked Sendable {
    let handler: @Sendable (AsyncPublishResult) -> Void
    init(handler: @escaping @Sendable (AsyncPublishResult) -> Void) { self.handler = handler }
}

/// The C client's callback for every asynchronous publish (see `JetStream.init`).
private let asyncAckHandler: jsPubAckHandler = { _, msg, ack, failure, closure in
    defer { natsMsg_Destroy(msg) }
    guard let closure else { return }
    let box = Unmanaged<AsyncAckBox>.fromOpaque(closure).takeUnretainedValue()
    let expected = msg.flatMap { JetStream.header($0, "Nats-Expected-Last-Sequence") }.flatMap { UInt64($0) }
    if let ack {
        box.handler(
            AsyncPublishResult(
                expectedLastSequence: expected, ack: PubAck(sequence: ack.pointee.Sequence, duplicate: ack.pointee.Duplicate),
                error: nil))
    } else {
        var message = "publish failed"
        var status = NATS_ERR.rawValue
        var code = 0
        if let failure {
            status = failure.pointee.Err.rawValue
            code = Int(failure.pointee.ErrCode.rawValue)
            let text = failure.pointee.ErrText.map { String(cString: $0) } ?? String(cString: natsStatus_GetText(failure.pointee.Err))
            message = "publish of position \((expected ?? 0) + 1) failed: \(text)" + (code != 0 ? " (JetStream error \(code))" : "")
        }
        box.handler(
            AsyncPublishResult(
                expectedLastSequence: expected, ack: nil, error: NATSError(status: status, jetStreamCode: code, message: message)))
    }
}

extension Duration {
    /// Whole nanoseconds (for the C client's int64 durations).
    var nanoseconds: Int64 {
        let (s, attos) = components
        return s * 1_000_000_000 + attos / 1_000_000_000
    }
}
