public import EventLog

/// A read model folded from the log: a name, a version, the event types it handles and a pure
/// `apply` that updates its own databases in `views/`.
///
/// Contract:
/// - `apply` sees every handled event once, in position order, and touches only its own
///   databases through `view` (names from `databases`). It must be deterministic: the same log
///   gives the same view, whether folded event by event or rebuilt from scratch.
/// - Bumping `version` makes the engine rebuild the view into a fresh copy and switch to it.
/// - Throwing stops the engine (the view stays at its last checkpoint); throw only for damage,
///   never for an event a rule would refuse (the rules keep those out of the log).
public protocol Projector: Sendable {
    /// Unique and stable, e.g. `aid.stock`.
    var name: String { get }
    var version: Int { get }
    /// The event types it folds; nil for every type.
    var eventTypes: Set<String>? { get }
    /// The local names of its databases, e.g. `["lots", "warehouses"]`.
    var databases: [String] { get }
    func apply(_ event: RecordedEvent, to view: ViewWriter) throws
    /// Called once at the end of every write transaction of events applied (after the last
    /// `apply` of the batch, before its checkpoint is written), in the same transaction: a view
    /// may defer work that many events of a batch share (recomputing a day once, not per
    /// report) to here. Readers never see a view between `apply` and `finishBatch`.
    func finishBatch(_ view: ViewWriter) throws
    /// Work on `event` that depends on the event alone (decoding it into the domain's typed form),
    /// handed back to `apply(_:prepared:to:)` with the event: a rebuild does it ahead of the folds,
    /// on the thread that reads the log (`ahead` true), else the first view to fold the event does
    /// (false). It must be safe from any thread, touch no view, and depend on the event alone. Nil:
    /// nothing made (the default).
    func prepared(_ event: RecordedEvent, ahead: Bool) -> AnyObject?
    /// `apply(event, to: view)`, given what `prepared(event, ahead:)` made (this view's, or that of
    /// a view of the same `preparation`): the same result, without making it again.
    func apply(_ event: RecordedEvent, prepared: AnyObject?, to view: ViewWriter) throws
    /// What `prepared` makes, when several views make the same (the typed events of one domain):
    /// the engine prepares an event once per kind, not once per view, and gives each view of the
    /// kind the same. Nil: this view's own.
    var preparation: ObjectIdentifier? { get }
    /// Views that fold the same state in memory over a batch (`ViewWriter.batchState`) name the
    /// same group: when several views of a group fold the same events in one write transaction
    /// (they are at the same checkpoint), the engine gives their writers one batch state
    /// (`ViewWriter.batchSharers` tells how many share it), so that what they have in common is
    /// folded once, by the first of them to see each event. Each view still writes its own
    /// databases. Nil: no group (a batch state of its own).
    var batchGroup: ObjectIdentifier? { get }
}

extension Projector {
    /// Nothing deferred.
    public func finishBatch(_ view: ViewWriter) throws {}
    /// Nothing to prepare.
    public func prepared(_ event: RecordedEvent, ahead: Bool) -> AnyObject? { nil }
    /// Nothing prepared to use: `apply(_:to:)`.
    public func apply(_ event: RecordedEvent, prepared: AnyObject?, to view: ViewWriter) throws { try apply(event, to: view) }
    public var preparation: ObjectIdentifier? { nil }
    public var batchGroup: ObjectIdentifier? { nil }
}
