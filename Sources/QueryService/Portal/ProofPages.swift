import AidLogistics
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import JSON
import LumbungCore

/// Public proof of an aid event, where the QR code of a printed surat jalan leads: the event as
/// the log holds it and its RFC 6962 inclusion proof against the log's signed tree head, checked
/// here (path to the root, the head's Ed25519 signature), with every hash shown so that anyone
/// can check them again. Only aid events (`aid.*`) are public; the names of individual donors who
/// did not agree to be named read "Hamba Allah", as everywhere in public.
///
/// Route: `GET /bukti/{position}` (HTML).
struct ProofPages {
    let services: LumbungServices
    let signing: SigningKeyCache

    static let path = "/bukti"

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath("\(Self.path)/{position}"), use: PortalController.page(proof))
    }

    /// The public address of the proof of the event at `position`, as reached through `request`.
    static func url(position: UInt64, request: Request, https: Bool) -> String {
        "\(https ? "https" : "http")://\(request.head.authority ?? "localhost")\(path)/\(String(position))"
    }

    @Sendable func proof(_ request: Request, context: AppRequestContext) async throws -> Response {
        let text = try context.path("position")
        guard let position = UInt64(text), position >= 1 else { throw PortalError.notFound("Tidak ada kejadian nomor \(text.prefix(20)).") }
        let head = try signing.signedHead(services)
        guard position <= head.treeSize,
            let event = try services.store.readAll(EventFilter(fromPosition: position, toPosition: position), limit: 1).first
        else {
            throw PortalError.notFound("Kejadian nomor \(String(position)) belum tercatat dalam log yang ditandatangani.")
        }
        guard event.type.hasPrefix(AidEventType.prefix) else {
            throw PortalError.notFound(
                "Bukti publik hanya untuk kejadian bantuan bencana; kejadian \(String(position)) bukan salah satunya.")
        }
        let inclusion = try services.store.inclusionProof(position: position, treeSize: head.treeSize)
        let holds = inclusion.isValid && inclusion.rootHash == head.rootHash && head.hasValidSignature
        let (data, hidden) = Self.publicData(event)
        let path = inclusion.path.enumerated().map { i, h -> HTML in "<li><code>\(h.description)</code></li>" }
        let verdict: HTML =
            holds
            ? "<div class=\"notice ok\" role=\"status\"><p><strong>Terbukti.</strong> Kejadian ini tercatat pada posisi \(String(position)) dari \(String(head.treeSize)) kejadian log yang ditandatangani, dan tidak diubah sejak itu.</p></div>"
            : "<div class=\"notice\" role=\"alert\"><p><strong>Tidak terbukti.</strong> Bukti ini tidak cocok dengan kepala log yang ditandatangani; laporkan kepada auditor.</p></div>"
        let content: HTML = """
            <h1>Bukti kejadian #\(String(position))</h1>
            <p class="lead">\(Self.summary(event.type, data))</p>
            \(verdict)
            <section class="card"><h2>Kejadian</h2><table><tbody>
            <tr><th scope="row">Jenis</th><td><code>\(event.type)</code></td></tr>
            <tr><th scope="row">Aliran</th><td><code>\(event.stream)</code></td></tr>
            <tr><th scope="row">Terjadi</th><td>\(IndonesianFormat.dateTime(event.occurredAt))</td></tr>
            <tr><th scope="row">Dicatat</th><td>\(IndonesianFormat.dateTime(event.recordedAt))</td></tr>
            <tr><th scope="row">Hash</th><td><code>\(event.hash.description)</code></td></tr>
            </tbody></table>
            <pre class="code">\(String(decoding: CanonicalJSON.encode(data), as: UTF8.self))</pre>
            \(hidden ? "<p class=\"muted\">Data pribadi donatur perorangan disembunyikan di sini; hash daun dihitung dari kejadian utuh, yang dapat diminta auditor.</p>" as HTML : .empty)</section>
            <section class="card"><h2>Bukti pencantuman (RFC 6962)</h2><table><tbody>
            <tr><th scope="row">Hash daun</th><td><code>\(inclusion.leafHash.description)</code></td></tr>
            <tr><th scope="row">Ukuran pohon</th><td>\(String(head.treeSize))</td></tr>
            <tr><th scope="row">Akar</th><td><code>\(head.rootHash.description)</code></td></tr>
            <tr><th scope="row">Ditandatangani</th><td>\(IndonesianFormat.dateTime(head.timestamp))</td></tr>
            <tr><th scope="row">Kunci publik (Ed25519)</th><td><code>\(Hex.encode(head.publicKey))</code></td></tr>
            <tr><th scope="row">Tanda tangan</th><td><code>\(Hex.encode(head.signature))</code></td></tr>
            </tbody></table>
            <p>Jalur ke akar (\(inclusion.path.count) hash, dari daun ke atas):</p><ol>\(path)</ol>
            <p class="muted">Periksa sendiri: hash daun adalah SHA-256 dari 0x00 dan JCS kejadian tanpa "hash"; setiap langkah SHA-256 dari 0x01, kiri, kanan. Auditor dapat meminta bukti yang sama dari <code>lumbung audit prove --position \(String(position))</code> dan memeriksa kunci publik yang diumumkan kota.</p>
            </section>
            """
        return PortalLayout.response(
            PortalLayout.page(
                title: "Bukti kejadian #\(String(position))", tab: .aid, description: "Bukti bahwa kejadian ini tercatat dan tidak diubah.",
                content),
            status: .ok, noStore: true)
    }

    /// The event's data as the public may see it: an individual donor's `id` and `subject` (which
    /// link their donations) are hidden, and their name reads "Hamba Allah" unless they agreed to
    /// be named (a sealed name stays sealed). Returns whether anything was hidden (the leaf hash is
    /// then over the whole event, which the auditor's API gives).
    static func publicData(_ event: RecordedEvent) -> (data: JSONValue, hidden: Bool) {
        guard let data = try? event.dataValue() else { return (.null, false) }
        // A household's subject links its KK; the KK number and the head's name stay out of sight too.
        if event.type == AidEventType.householdRegistered, case .object(let members) = data {
            return (
                .object(
                    members.map { m in
                        ["subject", "kk", "headName"].contains(m.key) ? (key: m.key, value: .string(hiddenMark)) : m
                    }), true
            )
        }
        guard event.type == AidEventType.donationReceived, case .object(var members) = data,
            let at = members.firstIndex(where: { $0.key == "donor" }), case .object(let donor) = members[at].value,
            donor.contains(where: { $0.key == "kind" && $0.value == .string(Donor.individual) })
        else { return (data, false) }
        let named = donor.contains { $0.key == "publicName" && $0.value == .bool(true) }
        members[at].value = .object(
            donor.map { m in
                switch m.key {
                case "id", "subject": (key: m.key, value: .string(hiddenMark))
                case "name" where !named: (key: m.key, value: .string(Donor.anonymous))
                default: m
                }
            })
        return (.object(members), true)
    }

    static let hiddenMark = "[disembunyikan]"

    /// One sentence on what happened, in Bahasa Indonesia.
    static func summary(_ type: String, _ data: JSONValue) -> String {
        func s(_ key: String) -> String { data[key]?.stringValue ?? "?" }
        let lines = (data["lines"]?.arrayValue ?? data["items"]?.arrayValue ?? []).map { line -> String in
            "\(line["quantity"]?.intValue ?? 0) \(line["unit"]?.stringValue ?? "") \(line["item"]?.stringValue ?? "")"
        }.joined(separator: ", ")
        switch type {
        case AidEventType.warehouseRegistered: return "Pendaftaran \(s("name")) (\(s("warehouseId")))."
        case AidEventType.donationReceived: return "Donasi \(s("donationId")) diterima di \(s("warehouseId")): \(lines)."
        case AidEventType.shipmentDispatched:
            return "Kiriman \(s("shipmentId")) berangkat dari \(s("fromWarehouseId")) ke \(s("toWarehouseId")): \(lines)."
        case AidEventType.shipmentReceived: return "Kiriman \(s("shipmentId")) diterima: \(lines)."
        case AidEventType.aidDistributed:
            return
                "Penyaluran \(s("distributionId")) dari \(s("warehouseId")) di kelurahan \(s("kelurahanCode")): \(lines), \(data["households"]?.intValue ?? 0) KK."
        case AidEventType.stockAdjusted:
            let what = data["writeOff"]?.boolValue == true ? "Penghapusan (barang rusak/kedaluwarsa)" : "Penyesuaian stok"
            return "\(what) di \(s("warehouseId")): \(data["quantity"]?.intValue ?? 0) \(s("unit")) \(s("item"))."
        case AidEventType.adjustmentRejected:
            return "Penyesuaian stok \(s("adjustmentId")) di \(s("warehouseId")) ditolak: \(s("reason"))."
        case AidEventType.itemCataloged:
            return "Barang \(s("item")) (\(s("name"))) dicatat dalam katalog, satuan dasar \(s("baseUnit"))."
        case AidEventType.minimumStockSet:
            return "Stok minimum \(s("item")) di \(s("warehouseId")): \(data["minimum"]?.intValue ?? 0) \(s("unit"))."
        case AidEventType.adjustmentApproved:
            return
                "Penyesuaian stok \(s("adjustmentId")) di \(s("warehouseId")) disetujui: \(data["quantity"]?.intValue ?? 0) \(s("unit")) \(s("item"))."
        case AidEventType.householdRegistered:
            return
                "Keluarga \(s("householdId")) terdaftar di \(s("warehouseId")), kelurahan \(s("kelurahanCode")): \(data["members"]?.intValue ?? 0) jiwa."
        case AidEventType.householdServed:
            return
                "Penyaluran \(s("distributionId")) putaran \(s("round")) diserahkan kepada \(data["householdIds"]?.arrayValue?.count ?? 0) keluarga."
        default: return "Kejadian \(type)."
        }
    }
}
