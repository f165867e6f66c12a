import Foundation

/// Identifier text made from names: `Grand marché/Fond Ntié-Ntié` -> `grand-marche-fond-ntie-ntie`.
enum Slug {
    /// Lower-case ASCII letters, digits and `.`, runs of anything else turned into one `-`
    /// (apostrophes dropped), no `-` at either end, at most `maxLength` bytes. Deterministic:
    /// the same text always gives the same slug.
    static func make(_ text: String, maxLength: Int = 60) -> String {
        let folded = text.folding(
            options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        var out = [UInt8]()
        var pendingDash = false
        for scalar in folded.unicodeScalars {
            if scalar == "'" || scalar == "\u{2019}" || scalar == "`" { continue }
            let v = scalar.value
            let byte: UInt8?
            switch v {
            case 0x61...0x7A, 0x30...0x39, 0x2E: byte = UInt8(v)
            case 0x41...0x5A: byte = UInt8(v + 0x20)
            default: byte = nil
            }
            if let byte {
                if pendingDash && !out.isEmpty { out.append(0x2D) }
                pendingDash = false
                out.append(byte)
            } else {
                pendingDash = true
            }
        }
        if out.count > maxLength {
            out = Array(out.prefix(maxLength))
            while out.last == 0x2D { out.removeLast() }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
