public import JSON

/// Where an application is in its lifecycle:
///
/// `submitted` -> `verified` | `revision-requested` | `rejected`; `revision-requested` ->
/// `submitted`; `verified` -> `in-process` -> `signed` -> `ready` -> `collected`.
/// `rejected` and `collected` are final.
public enum ApplicationStatus: String, JSONEnumeration {
    case submitted
    case verified
    case revisionRequested = "revision-requested"
    case rejected
    case inProcess = "in-process"
    case signed
    case ready
    case collected

    /// The statuses an application may move to from this one (empty for final statuses).
    public var next: [ApplicationStatus] {
        switch self {
        case .submitted: [.verified, .revisionRequested, .rejected]
        case .revisionRequested: [.submitted]
        case .verified: [.inProcess]
        case .inProcess: [.signed]
        case .signed: [.ready]
        case .ready: [.collected]
        case .rejected, .collected: []
        }
    }

    /// Whether the lifecycle allows moving from this status to `to`.
    public func canMove(to: ApplicationStatus) -> Bool { next.contains(to) }

    /// `rejected` and `collected`: nothing follows them.
    public var isFinal: Bool { next.isEmpty }

    /// Whether a change *to* this status must give a reason (the resident must learn why).
    public var requiresReason: Bool { self == .revisionRequested || self == .rejected }

    /// The name residents see, in Bahasa Indonesia.
    public var title: String {
        switch self {
        case .submitted: "Permohonan diterima"
        case .verified: "Berkas terverifikasi"
        case .revisionRequested: "Perlu perbaikan berkas"
        case .rejected: "Ditolak"
        case .inProcess: "Sedang diproses"
        case .signed: "Ditandatangani"
        case .ready: "Siap diambil"
        case .collected: "Sudah diambil"
        }
    }
}
