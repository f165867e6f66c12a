public import EventLog

/// An instant as a payload field (document tracking's `submittedAt`, `changedAt`): read from RFC
/// 3339 text, written in the log's form (`2018-08-06T02:13:00.000Z`, UTC with milliseconds), so a
/// payload type can hold a `Timestamp` and still be written once as `Codable`.
///
/// Give such a field the `.time` rule: `JSONValueDecoder` then refuses bad text by the field's
/// path before this initializer sees it.
extension Timestamp: ScalarCodable {
    public init?(scalar: String) { self.init(scalar) }
    public var scalar: String { description }
    public static func refusal(_ scalar: String) -> String { "must be an RFC 3339 time such as 2018-08-06T10:00:00+08:00" }
}
