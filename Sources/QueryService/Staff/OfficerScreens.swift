import DocumentTracking
import DomainKit
import EventLog
import Foundation
import Hummingbird
import JSON
import LumbungCore
import PersonalData
import Projections

/// The screens of a civil-registry officer (documents-writer; admin): the queue of one office,
/// an application with its timeline, and the forms that move it (status with a reason code,
/// collected, a new PIN). A scoped key sees and moves only its offices' applications (403
/// otherwise, nothing written). Every form carries an event id made when it was drawn: sent twice,
/// it writes once. The applicant's personal fields are opened only on request, and each opening is
/// recorded (`privacy.data-accessed`).
///
/// Routes: `GET /petugas/dokumen[?kantor=]`, `GET /petugas/dokumen/{receiptNumber}`,
/// `POST /petugas/dokumen/{receiptNumber}/status`, `.../pin`, `.../pemohon`.
struct OfficerScreens {
    let services: LumbungServices
    let staff: StaffScreens
    var domain: DocumentTrackingDomain { services.domains.documents }

    static let queuePath = "/petugas/dokumen"
    static let roles: [Role] = [.documentsWriter]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(Self.queuePath), use: staff.screen(Self.roles, queue))
        router.get(RouterPath("\(Self.queuePath)/{receiptNumber}"), use: staff.screen(Self.roles, application))
        router.post(RouterPath("\(Self.queuePath)/{receiptNumber}/status"), use: staff.screen(Self.roles, changeStatus))
        router.post(RouterPath("\(Self.queuePath)/{receiptNumber}/pin"), use: staff.screen(Self.roles, reissuePin))
        router.post(RouterPath("\(Self.queuePath)/{receiptNumber}/pemohon"), use: staff.screen(Self.roles, applicant))
    }

    /// `GET /petugas/dokumen[?kantor=]`: the open applications of one office by status, oldest
    /// first; without `kantor`, the key's only office, or a choice of the offices it may see.
    @Sendable func queue(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let offices = Office.all.filter { staff.mayActOn($0.id) }
        guard let officeID = request.query("kantor") ?? (offices.count == 1 ? offices[0].id : nil) else {
            let list = offices.map { o -> HTML in "<li><a href=\"\(Self.queuePath)?kantor=\(HTML.percentEncode(o.id))\">\(o.name)</a></li>"
            }
            return StaffLayout.response(
                title: "Antrean permohonan", session: staff.session, "<h1>Antrean permohonan</h1><p>Pilih kantor:</p><ul>\(list)</ul>")
        }
        guard Office.named(officeID) != nil else { throw PortalError.notFound("Kantor \(officeID) tidak dikenal.") }
        guard staff.mayActOn(officeID) else { throw Self.outOfScope(staff, officeID) }
        guard
            let queue = try await services.views(
                request,
                { views in try domain.queue(try views.view(DocumentTrackingDomain.queueView), office: officeID, asOf: .now(), limit: 200) })
        else { throw PortalError.notFound("Kantor \(officeID) tidak dikenal.") }
        let sections = queue.statuses.filter { !$0.applications.isEmpty }.map { s -> HTML in
            let rows = s.applications.map { a -> HTML in
                let late: HTML = a.overSLA ? " <span class=\"tag up\">lewat SLA</span>" : .empty
                return """
                    <tr><td><a class="code" href="\(Self.queuePath)/\(a.receiptNumber)">\(a.receiptNumber)</a></td><td>\(a.documentType.title)</td><td>\(IndonesianFormat.date(a.submittedAt))</td><td class="num">\(a.ageDays) hari\(late)</td></tr>
                    """
            }
            let more: HTML =
                s.truncated ? "<p class=\"muted\">Ditampilkan \(s.applications.count) dari \(s.count) permohonan tertua.</p>" : .empty
            return """
                <h2>\(PortalController.statusName(s.status)) (\(s.count))</h2>
                <div class="table-wrap"><table><thead><tr><th>Nomor resi</th><th>Dokumen</th><th>Diajukan</th><th class="num">Umur</th></tr></thead><tbody>\(rows)</tbody></table></div>
                \(more)
                """
        }
        let content: HTML = """
            <h1>Antrean \(queue.officeName)</h1>
            <p>\(queue.open) permohonan belum selesai.</p>
            \(sections.isEmpty ? "<p>Tidak ada permohonan yang menunggu.</p>" : HTML(joining: sections))
            """
        return StaffLayout.response(title: "Antrean \(queue.officeName)", session: staff.session, content)
    }

    /// `GET /petugas/dokumen/{receiptNumber}`: the application, its timeline and the forms that
    /// move it.
    @Sendable func application(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let app = try await load(request, staff)
        return page(app, staff: staff)
    }

    /// `POST .../status` (`ke`, `kode`, `keterangan`, `eventId`): moves the application; a refusal
    /// shows the page again with the reason and its status (400, 403, 409, 422), nothing written.
    @Sendable func changeStatus(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let app = try await load(request, staff)
        var body: [(String, JSONValue)] = [
            ("receiptNumber", .string(app.receiptNumber)), ("to", .string(staff.form["ke"] ?? "")),
            ("officer", .string(Self.officer(staff))),
        ]
        if let code = staff.form["kode"], !code.isEmpty { body.append(("reasonCode", .string(code))) }
        if let text = staff.form["keterangan"]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
            body.append(("reason", .string(text)))
        }
        return try await command(DocumentTrackingCommand.changeStatusName, body: body, app: app, request: request, staff: staff) { _ in
            "Status permohonan \(app.receiptNumber) sudah diubah."
        }
    }

    /// `POST .../pin` (`eventId`): a new PIN, shown once on the answer; the old one stops working.
    @Sendable func reissuePin(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let app = try await load(request, staff)
        let body: [(String, JSONValue)] = [("receiptNumber", .string(app.receiptNumber)), ("officer", .string(Self.officer(staff)))]
        return try await command(DocumentTrackingCommand.reissuePinName, body: body, app: app, request: request, staff: staff) { outcome in
            try services.lookupGuard.succeeded(app.receiptNumber)
            let pin = outcome.secrets["pin"] ?? ""
            return
                "PIN baru untuk \(app.receiptNumber): <strong class=\"code\">\(pin)</strong>. Berikan kepada pemohon sekarang; PIN ini tidak dapat ditampilkan lagi, dan PIN lama tidak berlaku."
        }
    }

    /// `POST .../pemohon` (`tujuan`): the applicant's personal fields, opened from the vault and
    /// recorded as a read (purpose `application-review`, or the one chosen).
    @Sendable func applicant(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let app = try await load(request, staff)
        let purpose = (staff.form["tujuan"] ?? "").isEmpty ? "application-review" : staff.form["tujuan"]!
        guard (1...200).contains(purpose.utf8.count) else {
            throw PortalError(status: .badRequest, title: "Tujuan tidak sah", message: "Tujuan paling panjang 200 bita.")
        }
        guard let vault = domain.vault,
            let sealed = try await services.views(
                request,
                { views in
                    try DocumentTrackingQueries.sealedApplicant(
                        try views.view(DocumentTrackingDomain.applicationsView), receiptNumber: app.receiptNumber)
                }),
            let record = try DocumentTrackingQueries.open(sealed, receiptNumber: app.receiptNumber, vault: vault)
        else {
            return page(app, staff: staff, notice: (false, "Permohonan ini tidak menyimpan data pemohon di brankas data pribadi."))
        }
        if !record.erased {
            try await PrivacyOffice(services).recordAccess(
                subject: record.subject, keyId: staff.key.keyId, actor: staff.key.actor, purpose: purpose)
        }
        let rows: [(String, String?)] = [("NIK", record.nik), ("Nama", record.name), ("Telepon", record.phone), ("Surel", record.email)]
        let table = rows.map { label, value -> HTML in "<tr><th scope=\"row\">\(label)</th><td>\(value ?? "—")</td></tr>" }
        let personal: HTML = """
            <section class="card"><h2>Data pemohon</h2><table><tbody>\(table)</tbody></table>
            <p class="muted">Pembukaan data ini tercatat atas nama kunci Anda (tujuan: \(purpose)).</p></section>
            """
        return page(app, staff: staff, extra: personal)
    }

    // MARK: - Parts

    /// The application the path names, which the key may act on: 404 (unknown) or 403 (another
    /// office's).
    private func load(_ request: Request, _ staff: StaffRequest) async throws -> PublicApplication {
        let receipt = try request.uri.path.split(separator: "/").dropFirst(2).first.map(String.init) ?? ""
        guard
            let app = try await services.views(
                request,
                { views in
                    try DocumentTrackingQueries.application(try views.view(DocumentTrackingDomain.applicationsView), receiptNumber: receipt)
                })
        else { throw PortalError.notFound("Tidak ada permohonan dengan nomor resi \(receipt.prefix(40)).") }
        guard staff.mayActOn(app.office) else { throw Self.outOfScope(staff, app.office) }
        return app
    }

    /// Runs a command from a form under its event id: already written (a resend) shows the page
    /// with a note; a refusal shows the page with the reason and the refusal's status.
    private func command(
        _ name: String, body: [(String, JSONValue)], app: PublicApplication, request: Request, staff: StaffRequest,
        done: (CommandOutcome) throws -> HTML
    ) async throws -> Response {
        let id = try staff.eventID()
        if try services.store.position(of: id) != nil {
            let fresh = try await reload(request, app)
            return page(fresh, staff: staff, notice: (true, "Formulir ini sudah tercatat sebelumnya; tidak dicatat dua kali."))
        }
        do {
            let command = try domain.parse(name, body: .object(body.map { (key: $0.0, value: $0.1) }))
            let (outcome, written) = try await services.execute(caller: staff.key, eventID: id) {
                let d = try domain.decide(command, now: .now())
                return CommandOutcome(events: d.events, ids: d.ids, secrets: d.secrets)
            }
            let fresh = try await reload(request, app, minPosition: written.lastPosition)
            return page(
                fresh, staff: staff,
                notice: (true, written.duplicate ? "Formulir ini sudah tercatat sebelumnya; tidak dicatat dua kali." : nil),
                doneHTML: written.duplicate ? nil : try done(outcome))
        } catch let error as EventLogError {
            let problem = Problem(error)
            return page(app, staff: staff, status: problem.status, notice: (false, "Tidak dicatat: \(error.message)"))
        }
    }

    private func reload(_ request: Request, _ app: PublicApplication, minPosition: UInt64 = 0) async throws -> PublicApplication {
        if minPosition > 0 { _ = await services.engine.waitFor(position: minPosition, timeout: .seconds(2)) }
        return try await services.views(request) { views in
            try DocumentTrackingQueries.application(
                try views.view(DocumentTrackingDomain.applicationsView), receiptNumber: app.receiptNumber)
        } ?? app
    }

    /// The application's page: status, timeline, the forms its status allows.
    private func page(
        _ app: PublicApplication, staff: StaffRequest, status: HTTPResponse.Status = .ok, notice: (ok: Bool, text: String?)? = nil,
        doneHTML: HTML? = nil, extra: HTML = .empty
    ) -> Response {
        var alerts: HTML = .empty
        if let doneHTML { alerts += StaffLayout.notice(ok: true, doneHTML) }
        if let notice, let text = notice.text { alerts += StaffLayout.notice(ok: notice.ok, "\(text)") }
        let timeline = app.timeline.map { e -> HTML in
            let why: HTML = e.explanation.map { "<br><span class=\"muted\">\($0)</span>" } ?? .empty
            return
                "<li><time datetime=\"\(e.at)\">\(IndonesianFormat.dateTime(e.at))</time><strong>\(PortalController.statusName(e.status))</strong>\(why)</li>"
        }
        let csrf = StaffForm.csrfField(staff.session)
        let base = "\(Self.queuePath)/\(app.receiptNumber)"
        var forms: [HTML] = []
        let next = app.status.next
        if !next.isEmpty {
            let options = next.map { s -> HTML in "<option value=\"\(s.rawValue)\">\(PortalController.statusName(s))</option>" }
            let groups = next.filter { !ReasonCode.codes(for: $0).isEmpty }.map { s -> HTML in
                let codes = ReasonCode.codes(for: s).map { c -> HTML in "<option value=\"\(c.rawValue)\">\(c.label)</option>" }
                return "<optgroup label=\"\(PortalController.statusName(s))\">\(codes)</optgroup>"
            }
            forms.append(
                """
                <form class="stack card" method="post" action="\(base)/status">\(csrf)\(StaffForm.eventIDField())
                <h2>Ubah status</h2>
                <div><label for="ke">Status baru</label><select id="ke" name="ke" required>\(options)</select></div>
                <div><label for="kode">Kode alasan <span class="hint">wajib untuk perlu perbaikan dan ditolak</span></label><select id="kode" name="kode"><option value="">(tanpa kode)</option>\(groups)</select></div>
                <div><label for="keterangan">Keterangan <span class="hint">boleh kosong; jangan menulis NIK, nomor KK atau nomor telepon</span></label><textarea id="keterangan" name="keterangan" rows="3" maxlength="500"></textarea></div>
                <div><button type="submit">Simpan status</button></div>
                </form>
                """)
        }
        if app.status == .ready {
            forms.insert(
                """
                <form class="stack card" method="post" action="\(base)/status">\(csrf)\(StaffForm.eventIDField())<input type="hidden" name="ke" value="collected">
                <h2>Tandai sudah diambil</h2>
                <div><label for="kode-ambil">Diambil oleh</label><select id="kode-ambil" name="kode"><option value="diambil-pemohon">Pemohon sendiri</option><option value="diambil-kuasa">Kuasa pemohon</option></select></div>
                <div><button type="submit">Sudah diambil</button></div>
                </form>
                """, at: 0)
        }
        forms.append(
            """
            <form class="stack card" method="post" action="\(base)/pin">\(csrf)\(StaffForm.eventIDField())
            <h2>PIN baru</h2><p>Untuk pemohon yang kehilangan PIN dan hadir dengan KTP-el atau KK. PIN lama langsung tidak berlaku.</p>
            <div><button class="secondary" type="submit">Terbitkan PIN baru</button></div>
            </form>
            <form class="stack card" method="post" action="\(base)/pemohon">\(csrf)
            <h2>Data pemohon</h2><p>NIK, nama dan kontak pemohon dibuka hanya bila perlu; setiap pembukaan tercatat.</p>
            <div><label for="tujuan">Tujuan</label><select id="tujuan" name="tujuan"><option value="application-review">Pemeriksaan berkas</option><option value="counter-service">Pelayanan di loket</option></select></div>
            <div><button class="secondary" type="submit">Buka data pemohon</button></div>
            </form>
            """)
        let officeName = Office.named(app.office)?.name ?? app.office
        let content: HTML = """
            <p><a href="\(Self.queuePath)?kantor=\(HTML.percentEncode(app.office))">← Antrean \(officeName)</a></p>
            <h1>Permohonan <span class="code">\(app.receiptNumber)</span></h1>
            \(alerts)
            <p>\(app.documentType.title) · \(officeName) · status <strong>\(PortalController.statusName(app.status))</strong></p>
            \(extra)
            <h2>Riwayat</h2><ol class="timeline">\(timeline)</ol>
            \(notifications(app))
            \(HTML(joining: forms))
            """
        return StaffLayout.response(title: "Permohonan \(app.receiptNumber)", session: staff.session, status: status, content)
    }

    /// What the applicant was told and how (`documents.notifications`): each delivery's channel,
    /// the status it told, and whether it went; never the address. Empty when they chose none.
    private func notifications(_ app: PublicApplication) -> HTML {
        let deliveries =
            (try? services.engine.read { snapshot in
                try DocumentTrackingQueries.notifications(
                    try snapshot.view(DocumentViews.notifications), receiptNumber: app.receiptNumber, limit: 200)
            }) ?? []
        guard !deliveries.isEmpty else { return .empty }
        let rows = deliveries.sorted { ($0.createdAt, $0.key) < ($1.createdAt, $1.key) }.map { d -> HTML in
            let channel: HTML = d.channel == .email ? "E-mail" : "SMS/WhatsApp"
            let state: HTML
            switch d.state {
            case .delivered:
                state = "terkirim \(d.deliveredAt.map { IndonesianFormat.dateTime($0) } ?? "")"
            case .pending:
                let failed: HTML = d.failures > 0 ? " (gagal \(d.failures)×: \(d.lastError ?? "-"))" : .empty
                state = "menunggu dikirim\(failed)"
            case .dead:
                state =
                    "<strong>tidak terkirim</strong> (\(d.lastError ?? "-")); kirim ulang: <span class=\"code\">lumbung notifications retry \(d.key)</span>"
            }
            return "<li>\(channel) · \(PortalController.statusName(d.status)) · \(state)</li>"
        }
        return "<h2>Pemberitahuan</h2><ul class=\"notifications\">\(HTML(joining: rows))</ul>"
    }

    /// What `officer` says on the events a key writes from the screens: the key, not a person's name.
    static func officer(_ staff: StaffRequest) -> String { "key:\(staff.key.keyId)" }

    static func outOfScope(_ staff: StaffRequest, _ office: String) -> PortalError {
        PortalError(
            status: .forbidden, title: "Di luar wilayah kerja",
            message:
                "Kunci \(staff.key.name) hanya untuk \(staff.key.scope?.sorted().joined(separator: ", ") ?? "-"); permohonan ini milik \(office)."
        )
    }
}
