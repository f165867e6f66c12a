public import JSON

/// Why an application moved, as a code from a closed list: what a resident reads (its `label`),
/// what a notification names, what the city counts. A code belongs to the statuses it explains
/// (`applies(to:)`); free text (`StatusChanged.reason`) may add to it but is optional, so no
/// officer has to type a resident's particulars to explain a decision.
public enum ReasonCode: String, JSONEnumeration, Hashable {
    // Revision requested: the resident must bring or correct something.
    case missingAttachment = "lampiran-belum-lengkap"
    case illegibleDocument = "dokumen-tidak-terbaca"
    case dataMismatch = "data-tidak-sesuai"
    case unsignedForm = "formulir-belum-ditandatangani"
    case incompleteAddress = "alamat-belum-lengkap"
    // Rejected: nothing the resident can bring fixes it here.
    case outsideServiceArea = "bukan-wilayah-layanan"
    case nikNotFound = "nik-tidak-ditemukan"
    case duplicateApplication = "permohonan-ganda"
    case requirementsNotMet = "persyaratan-tidak-terpenuhi"
    // Back to submitted after a revision.
    case revisionSupplied = "berkas-dilengkapi"
    // A delay while in process.
    case blankFormsOutOfStock = "blangko-habis"
    // Collected by whom.
    case collectedByApplicant = "diambil-pemohon"
    case collectedByProxy = "diambil-kuasa"

    /// The statuses this code explains a move to.
    public var statuses: [ApplicationStatus] {
        switch self {
        case .missingAttachment, .illegibleDocument, .dataMismatch, .unsignedForm, .incompleteAddress: [.revisionRequested]
        case .outsideServiceArea, .nikNotFound, .duplicateApplication, .requirementsNotMet: [.rejected]
        case .revisionSupplied: [.submitted]
        case .blankFormsOutOfStock: [.inProcess, .signed]
        case .collectedByApplicant, .collectedByProxy: [.collected]
        }
    }

    /// Whether the code explains a move to `status`.
    public func applies(to status: ApplicationStatus) -> Bool { statuses.contains(status) }

    /// The codes that explain a move to `status` (empty: that move takes none).
    public static func codes(for status: ApplicationStatus) -> [ReasonCode] { allCases.filter { $0.applies(to: status) } }

    /// What a resident reads, in Bahasa Indonesia.
    public var label: String {
        switch self {
        case .missingAttachment: "Persyaratan atau lampiran belum lengkap"
        case .illegibleDocument: "Dokumen tidak terbaca"
        case .dataMismatch: "Data tidak sesuai dengan database kependudukan"
        case .unsignedForm: "Formulir belum ditandatangani"
        case .incompleteAddress: "Alamat belum lengkap"
        case .outsideServiceArea: "Pemohon bukan penduduk wilayah layanan kantor ini"
        case .nikNotFound: "NIK tidak ditemukan dalam database kependudukan"
        case .duplicateApplication: "Permohonan ganda: dokumen yang sama sedang diproses dengan nomor resi lain"
        case .requirementsNotMet: "Persyaratan permohonan tidak terpenuhi"
        case .revisionSupplied: "Berkas perbaikan sudah dilengkapi"
        case .blankFormsOutOfStock: "Blangko dokumen sedang habis"
        case .collectedByApplicant: "Diambil oleh pemohon"
        case .collectedByProxy: "Diambil oleh kuasa pemohon"
        }
    }
}
