import DomainKit
public import PersonalData
public import Projections

/// An applicant's personal fields, opened from the vault for an officer or the privacy officer.
/// A field of a forgotten subject reads `ApplicantRecord.erasedText`; a field never given is nil.
public struct ApplicantRecord: Codable, Sendable, Equatable {
    public var receiptNumber: String
    /// The vault's pseudonym of the applicant.
    public var subject, nik: String
    public var name, phone, email: String?
    /// Whether the subject was forgotten (every field reads `erasedText`).
    public var erased: Bool

    /// What an erased field reads, in the API and on the portal.
    public static let erasedText = "[dihapus]"
}

extension DocumentTrackingQueries {
    /// The applicant of `receiptNumber` as sealed (nil for an unknown receipt, or an application
    /// from before the vault). `view` is a reader of `documents.applications`.
    public static func sealedApplicant(_ view: ViewReader, receiptNumber: String) throws -> Applicant? {
        guard let receipt = ReceiptNumber.normalize(receiptNumber) else { return nil }
        return try view.value(Applicant.self, "applicants", receipt)
    }

    /// The receipt numbers of `subject`'s applications, in receipt order. `view` is a reader of
    /// `documents.applications`.
    public static func receipts(_ view: ViewReader, subject: String) throws -> [String] {
        var out: [String] = []
        try view.scan("subjects", prefix: ViewKey.prefix(subject)) { _, v in
            out.append(String(decoding: v, as: UTF8.self))
            return true
        }
        return out
    }

    /// `applicant` of `receiptNumber` opened with `vault`.
    public static func open(_ applicant: Applicant, receiptNumber: String, vault: Vault) throws -> ApplicantRecord? {
        guard let subject = applicant.subject, let nik = applicant.nik else { return nil }
        func text(_ v: SealedValue?, _ field: String) throws -> String? {
            try v.map { try vault.open($0, field: field).text(or: ApplicantRecord.erasedText) }
        }
        let opened = try vault.open(nik, field: "applicant.nik")
        return ApplicantRecord(
            receiptNumber: receiptNumber, subject: subject, nik: opened.text(or: ApplicantRecord.erasedText),
            name: try text(applicant.name, "applicant.name"), phone: try text(applicant.phone, "applicant.phone"),
            email: try text(applicant.email, "applicant.email"), erased: opened == .erased)
    }
}
