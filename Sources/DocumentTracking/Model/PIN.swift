/// The PIN that, with its receipt number, opens an application's status to a resident.
///
/// New PINs are 8 characters of Crockford's base32 (`0-9`, `A-Z` without `I`, `L`, `O`, `U`):
/// 40 bits, shown once. PINs of applications made before them are 6 digits and keep working.
/// What a resident types is normalized before its hash is compared: case is ignored, spaces and
/// hyphens are dropped (`7K2M-9QXD`), and the look-alikes `O` -> `0`, `I`/`L` -> `1` are read as
/// Crockford reads them. A 6-digit text stays as it is, so an old PIN hashes as before.
public enum PIN {
    /// Characters in a new PIN.
    public static let length = 8
    /// A new PIN from `generator` (the system's cryptographic generator in production).
    public static func random(using generator: inout some RandomNumberGenerator) -> String {
        String(decoding: Crockford.encode(UInt64.random(in: 0..<(1 << 40), using: &generator), count: length), as: UTF8.self)
    }

    /// The canonical form of a typed PIN: 6 digits (an old PIN) or 8 Crockford characters, upper
    /// case. Nil for anything else (which matches no PIN).
    public static func normalize(_ typed: String) -> String? {
        var out = [UInt8]()
        for byte in typed.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "-"), 0x09: continue
            default: break
            }
            guard out.count < length, let b = Crockford.canonical(byte) else { return nil }
            out.append(b)
        }
        let digitsOnly = out.allSatisfy { (0x30...0x39).contains($0) }
        guard out.count == length || (out.count == 6 && digitsOnly) else { return nil }
        return String(decoding: out, as: UTF8.self)
    }
}
