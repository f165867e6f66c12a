public import Projections

/// The values of document tracking's views a rebuild writes most, written without `Codable`
/// (`ViewJSONWritable`): members in the byte order of their keys.
extension PublicApplication: ViewJSONWritable {
    public func write(into o: inout ViewJSONObject) {
        o.choice("channel", channel)
        o.choice("documentType", documentType)
        o.string("office", office)
        o.string("officeName", officeName)
        o.string("receiptNumber", receiptNumber)
        o.choice("status", status)
        o.string("submittedAt", submittedAt)
        o.objects("timeline", timeline)
        o.string("updatedAt", updatedAt)
    }
}

extension TimelineEntry: ViewJSONWritable {
    public func write(into o: inout ViewJSONObject) {
        o.string("at", at)
        o.string("reason", reason)
        o.choice("reasonCode", reasonCode)
        o.choice("status", status)
    }
}

extension NotificationDelivery: ViewJSONWritable {
    public func write(into o: inout ViewJSONObject) {
        o.choice("channel", channel)
        o.string("createdAt", createdAt)
        o.string("deliveredAt", deliveredAt)
        o.string("eventId", eventId)
        o.integer("failures", failures)
        o.string("key", key)
        o.string("lastError", lastError)
        o.string("nextAttemptAt", nextAttemptAt)
        o.string("occurredAt", occurredAt)
        o.choice("reasonCode", reasonCode)
        o.string("receiptNumber", receiptNumber)
        o.choice("state", state)
        o.choice("status", status)
    }
}
