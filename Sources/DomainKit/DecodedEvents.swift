public import EventLog
public import Synchronization

/// The typed form of the events a domain's views read recently, so that the several views of one
/// domain decode an event once, not once each, when the projection engine hands them the same
/// event one after another (a batch, a rebuild), and so that a rebuild can decode events ahead on
/// another thread (`Projector.prepare`) for its folds to find decoded.
///
/// Contract: a slot per position modulo `capacity`, holding the event's chain hash (which names
/// one event of one log) and its typed form; a miss (an empty slot, or another event's) decodes
/// with the closure given and keeps the result (nil too) in the slot. Decoding is a pure function
/// of the event, so a value found and a value decoded are the same. Safe from any thread (a lock
/// per stripe of slots). Inlinable, so that each domain's use is specialized for its type (a generic call per
/// event looked its metadata up at run time).
public final class DecodedEvents<Value: Sendable>: Sendable {
    /// An event's typed form, held once for every view that reads it: a view lends `value` (a
    /// constant of an object) to its fold as it is, where a copy of a typed event out of a slot
    /// took a reference count per field of it (a report has ten), four times per report for
    /// the four views of prices, on objects the thread that decoded it had just written.
    public final class Decoded: Sendable {
        public let value: Value
        @usableFromInline init(_ value: Value) { self.value = value }
    }

    /// How many positions the slots span: how far ahead of the folds a rebuild may decode.
    public static var capacity: Int { 4096 }

    /// A stripe's slots: the hash of the event each holds (nil: none yet), and its typed form
    /// (nil: the event has none).
    /// Apart, so that finding a slot copies no value (a reference count taken per look, on values
    /// the other thread also holds, cost a transfer of their cache line between the cores).
    @usableFromInline struct Slots: Sendable {
        @usableFromInline var hashes: [EventHash?]
        @usableFromInline var values: [Decoded?]

        init(count: Int) {
            hashes = Array(repeating: nil, count: count)
            values = Array(repeating: nil, count: count)
        }
    }

    /// Slots under one lock: neighbouring positions have different locks, so the thread that
    /// decodes ahead and the folds seldom wait for each other.
    @usableFromInline final class Stripe: Sendable {
        @usableFromInline let slots = Mutex<Slots>(Slots(count: DecodedEvents.capacity / DecodedEvents.stripes))
        init() {}
    }

    /// How many locks the slots are spread over.
    @usableFromInline static var stripes: Int { 64 }

    @usableFromInline let stripes: [Stripe] = (0..<DecodedEvents.stripes).map { _ in Stripe() }

    public init() {}

    /// The stripe and the index in it of `position`'s slot. Neighbouring positions, and positions
    /// a multiple of `stripes` apart (the thread that decodes ahead keeps 2,048 positions ahead of
    /// the folds), fall in different stripes.
    @inlinable func slot(_ position: UInt64) -> (Stripe, Int) {
        let at = Int(position % UInt64(Self.capacity))
        let i = at / Self.stripes
        return (stripes[(at + i) % Self.stripes], i)
    }

    /// Keeps the typed form of `event` (`decode(event)`) unless its slot holds it: what the thread
    /// that decodes ahead calls (it takes no reference to the value back). `decode` is given the
    /// event, so that it need not capture it (a closure that did held a copy of it, a reference
    /// count per field).
    @inlinable public func prepare(_ event: RecordedEvent, _ decode: (RecordedEvent) -> Value?) {
        let (stripe, i) = slot(event.position)
        if stripe.slots.withLock({ $0.hashes[i] == event.hash }) { return }
        keep(decode(event).map(Decoded.init), of: event, in: stripe, at: i)
    }

    /// The typed form of `event`: the one kept when its slot holds it, else `decode(event)` (kept).
    @inlinable public func decoded(of event: RecordedEvent, _ decode: (RecordedEvent) -> Value?) -> Decoded? {
        let (stripe, i) = slot(event.position)
        let kept = stripe.slots.withLock { slots -> Decoded?? in slots.hashes[i] == event.hash ? .some(slots.values[i]) : .none }
        if let kept { return kept }
        let value = decode(event).map(Decoded.init)
        keep(value, of: event, in: stripe, at: i)
        return value
    }

    @inlinable func keep(_ value: Decoded?, of event: RecordedEvent, in stripe: Stripe, at i: Int) {
        stripe.slots.withLock { slots in
            slots.hashes[i] = event.hash
            slots.values[i] = value
        }
    }
}
