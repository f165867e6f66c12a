/// A fragment of HTML that is safe to send: built from trusted literals, and from text that was
/// escaped on the way in.
///
/// The only way to put text into a page is string interpolation, which escapes it:
/// `let h: HTML = "<td>\(name)</td>"` escapes `name` (a `String`), while interpolating another
/// `HTML` inserts it as it is. There is no interpolation of arbitrary values, so forgetting to
/// escape is a compile error, not an XSS hole. Escaping covers `& < > " '`, which is enough for
/// element content and for quoted attribute values (every attribute in the portal is quoted).
/// URLs built from data go through `HTML.percentEncode` first, then through the interpolation.
public struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The markup.
    public private(set) var rendered: String

    /// A literal: trusted markup written in the source.
    public init(stringLiteral value: String) { rendered = value }

    public init(stringInterpolation: Interpolation) { rendered = stringInterpolation.out }

    /// Markup that is already safe (made by this type, or a fixed constant such as the style sheet).
    init(trusted: String) { rendered = trusted }

    /// Nothing.
    public static let empty: HTML = ""

    public var description: String { rendered }

    /// The fragments one after the other.
    public init(joining parts: [HTML], separator: HTML = .empty) {
        rendered = parts.map(\.rendered).joined(separator: separator.rendered)
    }

    public static func + (a: HTML, b: HTML) -> HTML { HTML(trusted: a.rendered + b.rendered) }

    public static func += (a: inout HTML, b: HTML) { a.rendered += b.rendered }

    /// Builds the markup of string interpolations: literals as written, `String`s escaped.
    public struct Interpolation: StringInterpolationProtocol {
        var out = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            out.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        public mutating func appendLiteral(_ literal: String) { out += literal }

        /// Text: escaped.
        public mutating func appendInterpolation(_ text: String) { out += HTML.escape(text) }

        /// Text: escaped.
        public mutating func appendInterpolation(_ text: Substring) { out += HTML.escape(String(text)) }

        /// Markup: as it is.
        public mutating func appendInterpolation(_ html: HTML) { out += html.rendered }

        /// Markup fragments: one after the other.
        public mutating func appendInterpolation(_ list: [HTML]) {
            for h in list { out += h.rendered }
        }

        /// A number (digits and `-` only: nothing to escape).
        public mutating func appendInterpolation(_ value: Int) { out += String(value) }

        /// A coordinate for SVG, with at most 1 fraction digit and a `.` (SVG is not localized).
        public mutating func appendInterpolation(svg value: Double) { out += HTML.svgNumber(value) }
    }

    /// `text` with `& < > " '` replaced by character references.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `text` percent-encoded for a path segment or query value (RFC 3986 unreserved characters
    /// kept, everything else as `%XX` of its UTF-8 bytes).
    public static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 15)])
            }
        }
        return out
    }

    /// A number for SVG attributes: rounded to 1 fraction digit, `.` as separator, no `-0`.
    public static func svgNumber(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = Int((value * 10).rounded())
        if tenths == 0 { return "0" }
        let sign = tenths < 0 ? "-" : ""
        let m = tenths.magnitude
        return m % 10 == 0 ? "\(sign)\(m / 10)" : "\(sign)\(m / 10).\(m % 10)"
    }
}
