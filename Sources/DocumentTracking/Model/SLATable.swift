/// Service-level targets: how many days the city aims to take from an application's submission to
/// its document being ready for collection, per document type.
///
/// `SLATable.mataram` is the city's target (`Fixtures/documents/sla.csv`; a test checks they agree).
/// It is configuration, not a fact of the log: the queries take the table as a parameter, so a
/// different target needs no rebuild of any view.
public struct SLATable: Sendable, Hashable, Codable {
    /// Days per document type; a type missing here has no target (nothing counts as over it).
    public var days: [DocumentType: Int]

    public init(days: [DocumentType: Int]) { self.days = days }

    /// The target for `type`, in days, if any.
    public func days(for type: DocumentType) -> Int? { days[type] }

    /// Kota Mataram's targets: KTP-el 14 days; KK, akta kelahiran, akta kematian and KIA 7 days;
    /// surat pindah 5 days.
    public static let mataram = SLATable(days: [
        .ktpEl: 14, .kk: 7, .aktaKelahiran: 7, .aktaKematian: 7, .kia: 7, .suratPindah: 5,
    ])
}
