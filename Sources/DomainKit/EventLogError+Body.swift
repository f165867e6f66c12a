public import EventLog

extension EventLogError {
    /// The same error naming a command body's field instead of its event's: a command's body
    /// carries its event's data fields, so `data.<field>` (as the rules name the fields of an
    /// event, in the field and at the head of the message) becomes `<field>`. Other errors are
    /// returned as they are; the code, version and position are kept.
    public var namingBodyFields: EventLogError {
        guard let field, field.hasPrefix("data.") else { return self }
        let text = message.hasPrefix("data.") ? String(message.dropFirst(5)) : message
        return EventLogError(code, text, field: String(field.dropFirst(5)), actualVersion: actualVersion, position: position)
    }
}
