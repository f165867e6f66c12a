/// The codes of ISO 4217 (currencies, `IDR`) and ISO 3166-1 alpha-3 (countries, `IDN`): three
/// upper-case ASCII letters. The domain checks their form, not that the code is assigned.
public enum ISOCode {
    /// Whether `s` is three upper-case ASCII letters.
    public static func isAlpha3(_ s: String) -> Bool {
        s.utf8.count == 3 && s.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
    }
}
