public import JSON

/// The civil-registry documents an application can be for.
public enum DocumentType: String, JSONEnumeration, CodingKeyRepresentable, Comparable {
    /// Kartu Tanda Penduduk elektronik (identity card).
    case ktpEl = "ktp-el"
    /// Kartu Keluarga (family card).
    case kk
    /// Akta Kelahiran (birth certificate).
    case aktaKelahiran = "akta-kelahiran"
    /// Akta Kematian (death certificate).
    case aktaKematian = "akta-kematian"
    /// Kartu Identitas Anak (child identity card).
    case kia
    /// Surat Keterangan Pindah (certificate of moving out).
    case suratPindah = "surat-pindah"

    /// The name residents know, in Bahasa Indonesia.
    public var title: String {
        switch self {
        case .ktpEl: "KTP Elektronik"
        case .kk: "Kartu Keluarga"
        case .aktaKelahiran: "Akta Kelahiran"
        case .aktaKematian: "Akta Kematian"
        case .kia: "Kartu Identitas Anak"
        case .suratPindah: "Surat Keterangan Pindah"
        }
    }

    public static func < (a: DocumentType, b: DocumentType) -> Bool { a.rawValue < b.rawValue }
}
