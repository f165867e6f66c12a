/// A domain's typed event in an object: what the views of one domain share when the projection
/// engine hands them the same event (`Projector.prepared`, made once per event for all of them,
/// on the thread that reads a rebuild's log ahead or by the first view to fold it), and what each
/// view's fold borrows (`value`, a constant of an object, lent as it is: a copy of a typed event
/// took a reference count per field of it, four times per price report for the four views of
/// prices).
public final class DecodedEvent<Value: Sendable>: Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
