public import DomainKit

/// The text sent to an applicant on a status change, in Bahasa Indonesia. It carries the receipt
/// number, the new status, the reason code's label and the expected ready date; never the PIN,
/// the applicant's name, nor the officer's free-text reason (it may hold personal data).
public struct NotificationMessage: Sendable, Equatable {
    public var subject: String
    public var body: String

    static let months = [
        "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ]

    /// `14 Agustus 2018`.
    static func format(_ date: CivilDate) -> String {
        let c = date.components
        return "\(c.day) \(months[c.month - 1]) \(c.year)"
    }

    /// The message for `receiptNumber` now in `status`. `reasonLabel` is the Indonesian label of
    /// the change's reason code, when it has one.
    // MERGE: when `ReasonCode` lands on main, callers pass `statusChanged.reasonCode?.label` here.
    public init(receiptNumber: String, status: ApplicationStatus, reasonLabel: String?, ready: (earliest: CivilDate, latest: CivilDate)?) {
        subject = "Resi \(receiptNumber): \(status.title)"
        var lines = [
            "Yth. Pemohon,",
            "",
            "Status permohonan dengan nomor resi \(receiptNumber) sekarang: \(status.title).",
        ]
        if let reasonLabel { lines.append("Alasan: \(reasonLabel).") }
        if let ready {
            let range =
                ready.earliest == ready.latest
                ? Self.format(ready.earliest) : "\(Self.format(ready.earliest)) - \(Self.format(ready.latest))"
            lines.append("Perkiraan siap: \(range).")
        }
        lines += [
            "",
            "Cek status kapan saja dengan nomor resi dan PIN Anda. Petugas tidak pernah meminta PIN Anda.",
            "",
            "Dukcapil Kota Mataram",
        ]
        body = lines.joined(separator: "\n")
    }
}
