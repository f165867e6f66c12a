public import EventLog
public import Projections

/// A domain's typed event, as its views read it from the log.
public protocol LoggedEvent: Sendable {
    /// The typed form of `event` (nil for another domain's event or one this version cannot
    /// read: a view skips it rather than stop every view).
    static func read(_ event: RecordedEvent) -> Self?
    /// `read(event)` in the object that holds it for every view (`DecodedEvents.Decoded`): what a
    /// view's fold borrows. By default, `read`'s value in an object of its own.
    static func decoded(_ event: RecordedEvent) -> DecodedEvents<Self>.Decoded?
    /// Reads `event` ahead of its folds, on another thread (`Projector.prepare`), so that `read`
    /// finds it read; the same value `read` makes. By default, `read`.
    static func prepare(_ event: RecordedEvent)
}

extension LoggedEvent {
    public static func prepare(_ event: RecordedEvent) { _ = read(event) }
    public static func decoded(_ event: RecordedEvent) -> DecodedEvents<Self>.Decoded? { read(event).map(DecodedEvents.Decoded.init) }
}

/// A view of one domain that folds the domain's typed events: `apply(_:of:to:)` sees each event
/// of `definition.eventTypes` that `Event.read` reads, with the recorded event it came from (its
/// position, id and time), in position order. Events it cannot read are skipped.
public protocol DomainProjector: DefinedProjector {
    associatedtype Event: LoggedEvent
    func apply(_ typed: Event, of event: RecordedEvent, to view: ViewWriter) throws
}

extension DomainProjector {
    /// Decodes the event ahead (the domain keeps it for `apply`, `DecodedEvents`).
    public func prepare(_ event: RecordedEvent) { Event.prepare(event) }
    /// Every view of the domain prepares the same: its typed event.
    public var preparation: ObjectIdentifier? { ObjectIdentifier(Event.self) }

    public func apply(_ event: RecordedEvent, to view: ViewWriter) throws {
        guard let typed = Event.decoded(event) else { return }
        try apply(typed.value, of: event, to: view)
    }
}
