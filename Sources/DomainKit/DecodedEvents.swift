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
    /// How many positions the slots span: how far ahead of the folds a rebuild may decode.
    public static var capacity: Int { 4096 }

    @usableFromInline struct Slot: Sendable {
        @usableFromInline var hash: EventHash
        @usableFromInline var value: Value?

        @inlinable init(hash: EventHash, value: Value?) {
            self.hash = hash
            self.value = value
        }
    }

    /// Slots under one lock: neighbouring positions have different locks, so the thread that
    /// decodes ahead and the folds seldom wait for each other.
    @usableFromInline final class Stripe: Sendable {
        @usableFromInline let slots = Mutex<[Slot?]>(Array(repeating: nil, count: DecodedEvents.capacity / DecodedEvents.stripes))
        init() {}
    }

    /// How many locks the slots are spread over.
    @usableFromInline static var stripes: Int { 64 }

    @usableFromInline let stripes: [Stripe] = (0..<DecodedEvents.stripes).map { _ in Stripe() }

    public init() {}

    /// The typed form of `event`: the one kept when its slot holds it, else `decode()` (kept).
    @inlinable public func value(of event: RecordedEvent, _ decode: () -> Value?) -> Value? {
        let at = Int(event.position % UInt64(Self.capacity))
        // Neighbouring positions, and positions a multiple of `stripes` apart (the thread that
        // decodes ahead keeps 2,048 positions ahead of the folds), fall in different stripes.
        let i = at / Self.stripes
        let stripe = stripes[(at + i) % Self.stripes]
        if let slot = stripe.slots.withLock({ $0[i] }), slot.hash == event.hash { return slot.value }
        let value = decode()
        stripe.slots.withLock { $0[i] = Slot(hash: event.hash, value: value) }
        return value
    }
}
