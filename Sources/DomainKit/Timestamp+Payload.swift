public import EventLog

/// An instant as a payload field (document tracking's `submittedAt`, `changedAt`): read from RFC
/// 3339 text, written in the log's form (`2018-08-06T02:13:00.000Z`, UTC with milliseconds), so a
/// payload type can hold a `Timestamp` and still be written once as `Codable`.
///
/// Give such a field the `.time` rule: `JSONValueDecoder` then refuses bad text by the field's
/// path before this initializer sees it.
extension Timestamp: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let instant = Timestamp(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "must be an RFC 3339 time such as 2018-08-06T10:00:00+08:00")
        }
        self = instant
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
