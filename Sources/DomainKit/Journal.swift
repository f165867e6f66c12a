/// An undo log for in-memory decision state: every change records how to undo it, so that a
/// request's trial, or a transaction that did not commit, can be rolled back exactly.
public final class Journal {
    private var undo: [() -> Void] = []

    public init() {}

    /// A point to roll back to.
    public var mark: Int { undo.count }

    /// Records how to undo a change just made.
    public func record(_ action: @escaping () -> Void) { undo.append(action) }

    /// Undoes every change made after `mark`, newest first.
    public func rollback(to mark: Int) {
        while undo.count > mark { undo.removeLast()() }
    }

    /// Forgets the undo actions: the changes so far are final.
    public func commit() { undo.removeAll(keepingCapacity: true) }
}

/// A dictionary whose changes are recorded in a `Journal`.
public final class JournaledDictionary<Key: Hashable, Value> {
    public private(set) var storage: [Key: Value] = [:]
    let journal: Journal

    public init(journal: Journal) { self.journal = journal }

    public subscript(key: Key) -> Value? {
        get { storage[key] }
        set {
            let old = storage[key]
            storage[key] = newValue
            journal.record { [unowned self] in self.storage[key] = old }
        }
    }

    /// Changes the value in place (`initial` when absent), recording the undo.
    public func modify(_ key: Key, default initial: @autoclosure () -> Value, _ change: (inout Value) throws -> Void) rethrows {
        var v = storage[key] ?? initial()
        try change(&v)
        self[key] = v
    }

    public var count: Int { storage.count }
    public var keys: Dictionary<Key, Value>.Keys { storage.keys }
    public var values: Dictionary<Key, Value>.Values { storage.values }
}
