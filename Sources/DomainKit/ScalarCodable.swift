/// A value written in a payload as one JSON scalar (a time as text, a price as a number) and
/// read back through a check: `Codable` for it comes from `init?(scalar:)` and `scalar`, so each
/// such type states only how it maps and why a scalar is refused.
public protocol ScalarCodable: Codable {
    associatedtype Scalar: Codable
    /// Nil refuses `scalar` (decoding then fails with `refusal(scalar)`).
    init?(scalar: Scalar)
    var scalar: Scalar { get }
    /// What is wrong with a refused scalar, for the decoding error.
    static func refusal(_ scalar: Scalar) -> String
}

extension ScalarCodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let scalar = try container.decode(Scalar.self)
        guard let value = Self(scalar: scalar) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: Self.refusal(scalar))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(scalar)
    }
}
