import EventLog
import JSON

/// Writing CSV as RFC 4180 says: fields separated by `,`, records ended by CRLF, a field
/// quoted with `"` when it holds `,`, `"`, CR or LF (a `"` inside doubled), every other field
/// as it is. Text is UTF-8, without a byte-order mark.
///
/// Cells a spreadsheet would run as a formula are neutralised as OWASP recommends for CSV
/// injection: a text field that starts with `=`, `+`, `-`, `@`, a tab or a CR gets a leading `'`
/// (and is quoted), so `=HYPERLINK(...)` in a donor's name reaches the analyst as text. A field that
/// is a plain number (`-8.5652`, `+62`, `1e3`) is no formula and stays a number.
enum CSVText {
    static let comma: UInt8 = 0x2C
    static let quote: UInt8 = 0x22
    static let lineEnd: [UInt8] = [0x0D, 0x0A]

    /// Appends `bytes` as one field (quoted when it must be; neutralised when a spreadsheet would
    /// run it, see above).
    static func appendField<Bytes: Collection<UInt8>>(_ bytes: Bytes, to out: inout [UInt8]) {
        let neutralise = runsAsFormula(bytes)
        guard neutralise || bytes.contains(where: { $0 == comma || $0 == quote || $0 == 0x0D || $0 == 0x0A }) else {
            out.append(contentsOf: bytes)
            return
        }
        out.append(quote)
        if neutralise { out.append(UInt8(ascii: "'")) }
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

    /// Whether a spreadsheet would take the field as a formula: it starts with `=`, `+`, `-`, `@`,
    /// a tab or a CR and is not a plain number.
    static func runsAsFormula<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard let first = bytes.first else { return false }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "@"), 0x09, 0x0D: return true
        case UInt8(ascii: "+"), UInt8(ascii: "-"): return !isPlainNumber(bytes.dropFirst())
        default: return false
        }
    }

    /// Digits with at most one `.` and an optional exponent (`e`/`E`, sign, digits): what follows a
    /// sign in a number.
    static func isPlainNumber<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        var digits = 0
        var seenDot = false
        var seenExponent = false
        var previous: UInt8 = 0
        for b in bytes {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: ".") where !seenDot && !seenExponent: seenDot = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard !seenExponent, digits > 0 else { return false }
                seenExponent = true
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard previous == UInt8(ascii: "e") || previous == UInt8(ascii: "E") else { return false }
            default: return false
            }
            previous = b
        }
        return digits > 0 && previous != UInt8(ascii: "e") && previous != UInt8(ascii: "E") && previous != UInt8(ascii: "+")
            && previous != UInt8(ascii: "-")
    }

    /// A number as JSON writes it (`635`, `2.54`, `-8.5652`): the shortest text that reads back.
    static func number(_ value: Double) -> String { CanonicalJSON.formatNumber(value) }
}
