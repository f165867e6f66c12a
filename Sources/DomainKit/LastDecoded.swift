public import EventLog
import Synchronization

/// The typed form of the last event a domain's views read, so that the several views of one
/// domain decode an event once, not once each, when the projection engine hands them the same
/// event one after another (a batch, a rebuild).
///
/// Contract: keyed by the event's chain hash, which names one event of one log; a miss decodes
/// with the closure given and keeps the result (nil too). Safe from any thread (one lock).
public final class LastDecoded<Value: Sendable>: Sendable {
    private let last = Mutex<(EventHash, Value?)?>(nil)

    public init() {}

    /// The typed form of `event`: the kept one when `event` is the last one read, else `decode()`.
    public func value(of event: RecordedEvent, _ decode: () -> Value?) -> Value? {
        if let (hash, value) = last.withLock({ $0 }), hash == event.hash { return value }
        let value = decode()
        last.withLock { $0 = (event.hash, value) }
        return value
    }
}
