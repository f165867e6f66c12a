import EventLog
import Foundation
import Synchronization

/// Reads a rebuild's batch of events on a thread of its own and hands them to the folds, on the
/// rebuild's thread, through a ring: the log is scanned, and each event decoded into a
/// `RecordedEvent`, once per batch (the folds used to scan it a second time, which was a fifth of
/// their thread's time at 10M events). Before it hands an event over, the thread has the views
/// that fold its type prepare it (`Projector.prepared`: their domain decodes it into the typed
/// form its views read), and hands the forms over with it (`PreparedForms`), so that the folds
/// find it decoded. A rebuild uses both cores of a small machine this way.
///
/// Contract:
/// - `forEach` gives every event that `filter` selects and some view of `projectors` folds, in
///   position order, each once, with the indexes (in `projectors`) of the views that fold it.
/// - The thread only ever calls `prepared`, which touches no view, so the views come out the same
///   whatever it manages to prepare. It prepares an event only while it is at least `lowWater`
///   events ahead of the folds: when the folds are the faster side, the first view to fold an
///   event prepares it (`PreparedForms.apply`) and the two threads share the work.
/// - An error of the scan reaches the caller of `forEach`, after the events read before it.
/// - `finish()` stops the thread and waits for it (call it also when a fold throws).
final class ReadAhead: @unchecked Sendable {
    /// An event, the views that fold it and what they prepared for it. An object, held in the ring
    /// unmanaged: the folds borrow it without a reference count (a copy of the event took one per
    /// field, on objects the other core had just written, which cost the folds a twentieth of
    /// their time).
    ///
    /// The thread refills the item of a slot when the slot comes round again (the folds are past
    /// it, and only borrowed it): `EventRecordView.decode(into:)` keeps the event's type and the
    /// storage of its payload, so an event costs no allocation per field.
    ///
    /// Its event is lent to the folds for the length of a call (`lend`), by one thread at a time,
    /// and nothing else touches it meanwhile: unchecked for overlapping access (a check per event
    /// on either thread).
    final class Item {
        @exclusivity(unchecked) var event: RecordedEvent
        @exclusivity(unchecked) var targets: ViewSet
        let forms: PreparedForms

        init(event: RecordedEvent, targets: ViewSet, kinds: PreparationKinds) {
            self.event = event
            self.targets = targets
            forms = PreparedForms(kinds)
        }
    }

    /// Events the ring holds at most (a power of two): how far the scan gets ahead of the folds.
    static let capacity = 2048
    /// The fewest events ahead of the folds at which the thread still prepares.
    static let lowWater = 128
    /// The folds tell the thread how far they are once per this many events (a store the other
    /// core reads, so not one per event).
    static let publishEvery = 32

    private let slots: UnsafeMutablePointer<Unmanaged<Item>>
    /// Events put in the ring (by the thread) and taken out (by the folds), since the start.
    private let produced = Atomic<Int>(0)
    private let consumed = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let ended = Atomic<Bool>(false)
    /// The scan's error: written before `ended` is set, read after it is seen.
    private nonisolated(unsafe) var failure: (any Error)?
    private let finished = DispatchSemaphore(value: 0)
    private var joined = false
    /// Events the folds have folded (the folds' thread only). The thread reuses a slot of the ring
    /// once the folds are past it (`consumed`).
    @exclusivity(unchecked) private var taken = 0

    /// Starts reading the events `filter` selects for `projectors` (with the types each folds).
    init(store: EventStore, filter: EventFilter, projectors: [any Projector]) {
        slots = .allocate(capacity: Self.capacity)
        let wanted = projectors.map(\.eventTypes)
        let kinds = PreparationKinds(projectors)
        Thread.detachNewThread { [self] in
            defer {
                ended.store(true, ordering: .releasing)
                finished.signal()
            }
            var routes = Routes(wanted)
            var count = 0
            do {
                try store.forEachRecord(filter) { view in
                    // Looked at for every event scanned, also those no view folds: `finish()` waits
                    // for this thread, which must not walk the rest of a batch first.
                    if stopped.load(ordering: .relaxed) { return false }
                    let targets = routes.views(folding: view)
                    guard !targets.isEmpty else { return true }
                    while count - consumed.load(ordering: .acquiring) >= Self.capacity {
                        if stopped.load(ordering: .relaxed) { return false }
                        usleep(50)
                    }
                    // The thread that made an item lets go of it (the folds only borrow it): memory
                    // freed by another thread than the one that allocated it waits for the lock of
                    // that thread's malloc arena, which cost the folds a tenth of their time.
                    let slot = slots + (count & (Self.capacity - 1))
                    let item: Item
                    if count >= Self.capacity {
                        // The folds are past this slot's event: its item is this thread's alone.
                        item = slot.pointee.takeRetainedValue()
                        item.forms.clear()
                        view.decode(into: &item.event)
                        item.targets = targets
                    } else {
                        item = Item(event: view.decode(), targets: targets, kinds: kinds)
                    }
                    if count - consumed.load(ordering: .relaxed) >= Self.lowWater {
                        // Once per kind: the views of one domain prepare the same.
                        Self.lend(&item.event) { event in
                            for i in targets { item.forms.make(kinds.ofView[i], projectors[i], event, ahead: true) }
                        }
                    }
                    slot.initialize(to: .passRetained(item))
                    count += 1
                    produced.store(count, ordering: .releasing)
                    return true
                }
            } catch {
                failure = error
            }
        }
    }

    deinit {
        finish()
        slots.deallocate()
    }

    /// Calls `body` with each event, the views that fold it and the forms prepared for it, in
    /// position order, until the scan ends (then throws its error, if it failed) or `body` throws
    /// (then stops the thread). The forms are the event's until `body` returns (the folds make
    /// those the thread did not, `PreparedForms.apply`).
    func forEach(_ body: (RecordedEvent, ViewSet, PreparedForms) throws -> Void) throws {
        var idle = 0
        while true {
            let available = produced.load(ordering: .acquiring)
            if taken == available {
                if ended.load(ordering: .acquiring) {
                    // Everything produced before the end is visible now.
                    guard produced.load(ordering: .acquiring) == taken else { continue }
                    if let failure { throw failure }
                    return
                }
                consumed.store(taken, ordering: .releasing)
                idle += 1
                if idle < 64 { sched_yield() } else { usleep(20) }
                continue
            }
            idle = 0
            while taken < available {
                let slot = slots + (taken & (Self.capacity - 1))
                do {
                    try slot.pointee._withUnsafeGuaranteedRef { item in
                        try Self.lend(&item.event) { event in try body(event, item.targets, item.forms) }
                    }
                } catch {
                    stopped.store(true, ordering: .relaxed)
                    throw error
                }
                taken += 1
                if taken % Self.publishEvery == 0 { consumed.store(taken, ordering: .releasing) }
            }
        }
    }

    /// Calls `body` with `event` in place: a class's `var` read for a call is copied (see `Item`),
    /// an `inout` access is exclusive, so what `body` passes on is lent as it is. `body` does not
    /// change it (the folds only read an event).
    @inline(__always)
    private static func lend(_ event: inout RecordedEvent, _ body: (inout RecordedEvent) throws -> Void) rethrows {
        try body(&event)
    }

    /// Stops the thread, waits for it to end and lets go of the items it made (once; later calls
    /// return at once).
    func finish() {
        guard !joined else { return }
        joined = true
        stopped.store(true, ordering: .relaxed)
        finished.wait()
        // The items the thread has not let go of: the last `capacity` it made.
        let made = produced.load(ordering: .acquiring)
        for n in max(0, made - Self.capacity)..<made { slots[n & (Self.capacity - 1)].release() }
    }
}
