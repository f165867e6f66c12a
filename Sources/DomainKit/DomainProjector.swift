public import EventLog
public import Projections

/// A domain's typed event, as its views read it from the log.
public protocol LoggedEvent: Sendable {
    /// The typed form of `event` (nil for another domain's event or one this version cannot
    /// read: a view skips it rather than stop every view).
    static func read(_ event: RecordedEvent) -> Self?
    /// `read(event)` in an object (`DecodedEvent`), which the views of the domain share
    /// (`DomainProjector.prepared`). `ahead`: called on the thread that reads a rebuild's log
    /// ahead of its folds (a domain may keep what it reuses per thread). By default, `read`'s value.
    static func decoded(_ event: RecordedEvent, ahead: Bool) -> DecodedEvent<Self>?
}

extension LoggedEvent {
    public static func decoded(_ event: RecordedEvent, ahead: Bool) -> DecodedEvent<Self>? { read(event).map(DecodedEvent.init) }
}

/// A view of one domain that folds the domain's typed events: `apply(_:of:to:)` sees each event
/// of `definition.eventTypes` that `Event.read` reads, with the recorded event it came from (its
/// position, id and time), in position order. Events it cannot read are skipped.
public protocol DomainProjector: DefinedProjector {
    associatedtype Event: LoggedEvent
    func apply(_ typed: Event, of event: RecordedEvent, to view: ViewWriter) throws
}

extension DomainProjector {
    /// The typed event (`Event.decoded`), made once for every view of the domain.
    public func prepared(_ event: RecordedEvent, ahead: Bool) -> AnyObject? { Event.decoded(event, ahead: ahead) }
    /// Every view of the domain prepares the same: its typed event.
    public var preparation: ObjectIdentifier? { ObjectIdentifier(Event.self) }

    public func apply(_ event: RecordedEvent, to view: ViewWriter) throws {
        guard let typed = Event.read(event) else { return }
        try apply(typed, of: event, to: view)
    }

    public func apply(_ event: RecordedEvent, prepared: AnyObject?, to view: ViewWriter) throws {
        try applyPrepared(prepared, of: event, to: view)
    }

    /// Folds the typed event a view of the domain prepared for `event` (`prepared`: every view of
    /// one `preparation` makes a `DecodedEvent<Event>`, `Event.decoded`); nil, an event the domain
    /// cannot read, is skipped. What a view that overrides `apply(_:prepared:to:)` calls for the
    /// domain's own events.
    /// (Inlinable, so that each view's use is specialized for its `Event`: a generic one looked the
    /// object's type up per event.)
    @inlinable
    public func applyPrepared(_ prepared: AnyObject?, of event: RecordedEvent, to view: ViewWriter) throws {
        guard let prepared else { return }
        try apply(unsafeDowncast(prepared, to: DecodedEvent<Event>.self).value, of: event, to: view)
    }
}
