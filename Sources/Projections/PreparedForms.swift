import EventLog

/// The kind of preparation of each view of a pass (an index of `PreparedForms`): views with the
/// same `Projector.preparation` share one, a view without has its own.
struct PreparationKinds {
    /// By the view's index in the pass.
    let ofView: [Int]
    /// How many kinds (the forms an event can have).
    let count: Int

    init(_ projectors: [any Projector]) {
        var known: [ObjectIdentifier: Int] = [:]
        var next = 0
        ofView = projectors.map { p in
            if let id = p.preparation, let kind = known[id] { return kind }
            defer { next += 1 }
            if let id = p.preparation { known[id] = next }
            return next
        }
        count = next
    }
}

/// What the views folding one event prepared for it (`Projector.prepared`): one form per kind of
/// preparation (`PreparationKinds`), each made at most once, by the thread that reads a rebuild's
/// log ahead or else by the first view to fold the event, and lent to each view's
/// `apply(_:prepared:to:)` as it is.
///
/// Held with the event it was made for (a slot of `ReadAhead`'s ring, which the thread that made
/// most of its forms reuses, so that their reference counts stay on that core; or one event at a
/// time by the folds that read the log themselves). It replaced a process-wide side table of typed
/// events per domain, looked up by position under a lock: no faster (the same instructions, and
/// times within noise), but nothing shared between engines or kept past its event.
final class PreparedForms {
    /// The forms by kind, each retained once by this object (nil: made nil, or not made). This
    /// and `made` are touched by its methods alone, one at a time (by one thread at a time):
    /// unchecked for overlapping access, a check per view and event.
    @exclusivity(unchecked) private var forms: [Unmanaged<AnyObject>?]
    /// The kinds made (a bit per kind: at most 64, as views of a pass, `ViewSet`).
    @exclusivity(unchecked) private var made: UInt64 = 0

    init(_ kinds: PreparationKinds) {
        precondition(kinds.count <= ViewSet.capacity, "at most \(ViewSet.capacity) kinds of preparation, not \(kinds.count)")
        forms = Array(repeating: nil, count: kinds.count)
    }

    deinit { clear() }

    /// Lets go of the forms, for another event.
    func clear() {
        var kinds = made
        while kinds != 0 {
            let kind = kinds.trailingZeroBitCount
            forms[kind]?.release()
            forms[kind] = nil
            kinds &= kinds - 1
        }
        made = 0
    }

    /// Makes the form of `kind` for `event` with `projector` (of that kind), unless it is made.
    @inline(__always)
    func make(_ kind: Int, _ projector: any Projector, _ event: RecordedEvent, ahead: Bool) {
        guard made & (1 << UInt64(kind)) == 0 else { return }
        forms[kind] = projector.prepared(event, ahead: ahead).map { Unmanaged.passRetained($0) }
        made |= 1 << UInt64(kind)
    }

    /// Folds `event` into `view` with `projector` (of `kind`), given the form of its kind (made
    /// now when it is not), without a reference count on it.
    @inline(__always)
    func apply(_ projector: any Projector, kind: Int, _ event: RecordedEvent, to view: ViewWriter) throws {
        make(kind, projector, event, ahead: false)
        if let form = forms[kind] {
            try form._withUnsafeGuaranteedRef { try projector.apply(event, prepared: $0, to: view) }
        } else {
            try projector.apply(event, prepared: nil, to: view)
        }
    }
}
