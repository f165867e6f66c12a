import CNATS
import Foundation

/// A pull subscription to a durable JetStream consumer: `fetch` asks for a batch and returns
/// what arrives. Used by one thread at a time; unsubscribed when released (the durable consumer
/// stays, with its acknowledged position).
public final class PullSubscription: @unchecked Sendable {
    let handle: OpaquePointer
    /// Kept alive as long as the subscription.
    let context: JetStream

    init(handle: OpaquePointer, context: JetStream) {
        self.handle = handle
        self.context = context
    }

    deinit {
        natsSubscription_Destroy(handle)
    }

    /// Up to `batch` messages, waiting at most `timeout` for the whole batch (JetStream's plain
    /// fetch: it returns early only when the batch is full); an empty array when none came in
    /// time. Throws on any other failure (the consumer was deleted, the connection closed).
    ///
    /// (A lower-latency pattern, what the consumer has now with no-wait requests and else the
    /// first message plus a short gather, crashed the follower with heap corruption (glibc
    /// aborts) against a 3-node cluster, twice in three runs; cause not found; see Benchmarks/README.md.)
    public func fetch(batch: Int, timeout: Duration) throws(NATSError) -> [JetStreamMessage] {
        var list = natsMsgList()
        var code = jsErrCode(rawValue: 0)
        let status = natsSubscription_Fetch(&list, handle, Int32(batch), NATSConnection.milliseconds(timeout), &code)
        defer { natsMsgList_Destroy(&list) }
        if (status == NATS_TIMEOUT || status == NATS_NOT_FOUND) && list.Count == 0 { return [] }
        if status != NATS_OK && list.Count == 0 { throw NATSError(status, "cannot fetch from the consumer", jsCode: code) }
        var messages: [JetStreamMessage] = []
        messages.reserveCapacity(Int(list.Count))
        if let msgs = list.Msgs {
            for i in 0..<Int(list.Count) {
                guard let m = msgs[i] else { continue }
                msgs[i] = nil  // ours now: natsMsgList_Destroy must not destroy it
                messages.append(JetStreamMessage(handle: m))
            }
        }
        return messages
    }
}

/// A message delivered by a JetStream consumer. Destroyed when released.
public final class JetStreamMessage: @unchecked Sendable {
    let handle: OpaquePointer

    init(handle: OpaquePointer) { self.handle = handle }

    deinit { natsMsg_Destroy(handle) }

    /// Calls `body` with the message's data (valid only during the call).
    public func withData<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let count = Int(natsMsg_GetDataLength(handle))
        guard count > 0, let p = natsMsg_GetData(handle) else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: p, count: count))
    }

    public var subject: String { String(cString: natsMsg_GetSubject(handle)) }

    /// The value of header `key`, if present.
    public func header(_ key: String) -> String? { JetStream.header(handle, key) }

    /// Where the message is in the stream and how many of the consumer's are still pending.
    public func metadata() throws(NATSError) -> MessageMetadata {
        if let reply = natsMsg_GetReply(handle) {
            let length = strlen(reply)
            let parsed = reply.withMemoryRebound(to: UInt8.self, capacity: length) {
                MessageMetadata(ackSubject: UnsafeBufferPointer(start: $0, count: length))
            }
            if let parsed { return parsed }
        }
        var meta: UnsafeMutablePointer<jsMsgMetaData>? = nil
        try check(natsMsg_GetMetaData(&meta, handle), "cannot read the message's JetStream metadata")
        defer { jsMsgMetaData_Destroy(meta) }
        guard let meta else { throw NATSError(status: NATS_ERR.rawValue, message: "the message has no JetStream metadata") }
        return MessageMetadata(
            streamSequence: meta.pointee.Sequence.Stream, consumerSequence: meta.pointee.Sequence.Consumer,
            pending: meta.pointee.NumPending, deliveries: meta.pointee.NumDelivered)
    }
}

/// Where a delivered message is.
public struct MessageMetadata: Sendable, Equatable {
    /// Its sequence in the stream.
    public let streamSequence: UInt64
    public let consumerSequence: UInt64
    /// Messages of the stream after it that the consumer has not delivered yet.
    public let pending: UInt64
    /// How many times it was delivered (1 the first time).
    public let deliveries: UInt64

    public init(streamSequence: UInt64, consumerSequence: UInt64, pending: UInt64, deliveries: UInt64) {
        self.streamSequence = streamSequence
        self.consumerSequence = consumerSequence
        self.pending = pending
        self.deliveries = deliveries
    }

    /// Reads a JetStream ack subject without allocating: `$JS.ACK.<stream>.<consumer>.<delivered>.
    /// <stream seq>.<consumer seq>.<time>.<pending>` (9 tokens), or the form with a domain and an
    /// account hash after `$JS.ACK` (12 or more tokens). Nil for anything else (the C client's
    /// parser is then asked).
    public init?(ackSubject subject: UnsafeBufferPointer<UInt8>) {
        let prefix: StaticString = "$JS.ACK."
        guard subject.count > prefix.utf8CodeUnitCount,
            memcmp(subject.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
        else { return nil }
        var dots = 0
        for b in subject where b == UInt8(ascii: ".") { dots += 1 }
        let first: Int  // the index of the <delivered> token; five numbers from there
        switch dots + 1 {
        case 9: first = 4
        case 12, 13: first = 6
        default: return nil
        }
        var values = InlineArray<5, UInt64>(repeating: 0)  // delivered, stream seq, consumer seq, time, pending
        var token = 0
        var value: UInt64 = 0
        var digits = 0
        for k in 0...subject.count {
            if k == subject.count || subject[k] == UInt8(ascii: ".") {
                if token >= first && token < first + 5 {
                    guard digits > 0 else { return nil }
                    values[token - first] = value
                }
                token += 1
                value = 0
                digits = 0
                continue
            }
            guard token >= first && token < first + 5 else { continue }
            let d = subject[k] &- 0x30
            guard d < 10, digits < 19 else { return nil }
            value = value * 10 + UInt64(d)
            digits += 1
        }
        self.init(streamSequence: values[1], consumerSequence: values[2], pending: values[4], deliveries: values[0])
    }
}
