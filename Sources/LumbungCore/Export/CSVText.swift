import EventLog
import JSON

/// Writing CSV as RFC 4180 says: fields separated by `,`, records ended by CRLF, a field
/// quoted with `"` when it holds `,`, `"`, CR or LF (a `"` inside doubled), every other field
/// as it is. Text is UTF-8, without a byte-order mark.
enum CSVText {
    static let comma: UInt8 = 0x2C
    static let quote: UInt8 = 0x22
    static let lineEnd: [UInt8] = [0x0D, 0x0A]

    /// Appends `bytes` as one field (quoted when it must be).
    static func appendField<Bytes: Collection<UInt8>>(_ bytes: Bytes, to out: inout [UInt8]) {
        guard bytes.contains(where: { $0 == comma || $0 == quote || $0 == 0x0D || $0 == 0x0A }) else {
            out.append(contentsOf: bytes)
            return
        }
        out.append(quote)
        for b in bytes {
            if b == quote { out.append(quote) }
            out.append(b)
        }
        out.append(quote)
    }

    /// Appends `text` as one field (quoted when it must be).
    static func appendField(_ text: String, to out: inout [UInt8]) {
        appendField(text.utf8, to: &out)
    }

    /// Appends one record of `fields` and its CRLF.
    static func appendRecord(_ fields: [String], to out: inout [UInt8]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { out.append(comma) }
            appendField(f, to: &out)
        }
        out.append(contentsOf: lineEnd)
    }

    /// A number as JSON writes it (`635`, `2.54`, `-8.5652`): the shortest text that reads back.
    static func number(_ value: Double) -> String { CanonicalJSON.formatNumber(value) }
}
