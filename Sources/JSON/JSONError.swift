/// An error produced while parsing JSON or while applying the payload policy.
///
/// Contract:
/// - `code` classifies the problem; tests and callers should branch on it.
/// - `offset` is the byte offset (0-based, into the input given to the parser)
///   where the problem was detected. It is `nil` for errors that concern an
///   already-parsed value rather than input bytes (``Code/numberNotAllowed``).
/// - `path` is the JSON path (`$`, `$.a.b[2]`, `$["odd key"]`) of the offending
///   value for ``Code/numberNotAllowed``, and `nil` otherwise.
/// - `detail` names the problem (for byte-located errors without the location;
///   for path errors it already is the full message); `description` is the full
///   human message, e.g. `invalid JSON at byte 17: duplicate key "a"` or
///   `number 1.23456 at $.items[0].price is not allowed: decimals may have at most 4 fraction digits`.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of a JSON error.
    public enum Code: Sendable, Equatable, Hashable {
        /// Bytes that are not well-formed UTF-8 (overlong forms, encoded surrogates, bytes above F4, truncated sequences).
        case invalidUTF8
        /// A byte that cannot start or continue the current JSON construct.
        case unexpectedCharacter
        /// The input ended in the middle of a value.
        case unexpectedEnd
        /// A malformed number (leading zero, missing digits, NaN/Infinity) or one whose magnitude overflows a Double.
        case invalidNumber
        /// A backslash escape that is not one of the escapes RFC 8259 allows, or a malformed `\u` escape.
        case invalidEscape
        /// A `\uD800`-`\uDFFF` escape that is not part of a well-formed surrogate pair.
        case loneSurrogate
        /// An unescaped byte below 0x20 inside a string.
        case controlCharacter
        /// The same member name (compared code unit by code unit) twice in one object (I-JSON, RFC 7493).
        case duplicateKey
        /// Arrays/objects nested deeper than ``JSONParser/maxDepth``.
        case tooDeep
        /// Non-whitespace bytes after the top-level value.
        case trailingData
        /// A number refused by ``PayloadPolicy``.
        case numberNotAllowed
    }

    /// The class of the problem.
    public let code: Code
    /// Byte offset of the problem in the parsed input, or `nil` when the error is not tied to input bytes.
    public let offset: Int?
    /// JSON path of the offending value (only for ``Code/numberNotAllowed``).
    public let path: String?
    /// Description of the problem; for byte-located errors without the `invalid JSON at byte N:` prefix.
    public let detail: String

    /// Creates an error located at a byte offset of the input.
    public init(_ code: Code, at offset: Int, _ detail: String) {
        self.code = code
        self.offset = offset
        self.path = nil
        self.detail = detail
    }

    /// Creates an error located at a JSON path of a parsed value.
    public init(_ code: Code, path: String, _ detail: String) {
        self.code = code
        self.offset = nil
        self.path = path
        self.detail = detail
    }

    /// The full human-readable message, naming the problem and where it is.
    public var description: String {
        if let offset {
            return "invalid JSON at byte \(offset): \(detail)"
        }
        return detail
    }
}
