import DocumentTracking
import Foundation
import Hummingbird
import LumbungCore

/// Cek Resi: the form and the lookup.
///
/// The form is sent with POST: the PIN is a secret and must not end up in URLs, which browsers
/// keep in their history, proxies and servers in their logs, and the `Referer` of later
/// requests. A lookup changes nothing, so the usual drawback of POST (a refresh re-sends the
/// form) costs one more lookup at most. The receipt number alone may prefill the form from a
/// link (`GET /cek-resi?resi=MTR-...`); a `pin` in a URL is ignored.
extension PortalController {
    /// The statuses on the way to a collected document, in order (the progress shown).
    static let mainPath: [ApplicationStatus] = [.submitted, .verified, .inProcess, .signed, .ready, .collected]

    /// The short status names residents see.
    static func statusName(_ status: ApplicationStatus) -> String {
        switch status {
        case .submitted: "Diajukan"
        case .verified: "Diverifikasi"
        case .revisionRequested: "Perlu perbaikan"
        case .rejected: "Ditolak"
        case .inProcess: "Diproses"
        case .signed: "Ditandatangani"
        case .ready: "Siap diambil"
        case .collected: "Sudah diambil"
        }
    }

    /// What a status means for the resident, and what to do.
    static func statusExplanation(_ status: ApplicationStatus, office: String) -> String {
        switch status {
        case .submitted: "Permohonan Anda sudah diterima dan menunggu pemeriksaan berkas oleh petugas."
        case .verified: "Berkas Anda sudah diperiksa dan lengkap. Permohonan akan segera diproses."
        case .revisionRequested:
            "Berkas Anda perlu diperbaiki atau dilengkapi. Baca keterangan petugas di bawah, lalu serahkan kembali berkasnya ke \(office)."
        case .rejected: "Permohonan Anda tidak dapat diproses. Baca alasannya di bawah; untuk bantuan, hubungi \(office)."
        case .inProcess: "Dokumen Anda sedang dibuat. Anda belum perlu datang ke kantor."
        case .signed: "Dokumen Anda sudah ditandatangani dan sedang disiapkan untuk diambil."
        case .ready: "Dokumen Anda sudah siap. Silakan ambil di \(office) pada jam kerja dengan membawa bukti permohonan (resi)."
        case .collected: "Dokumen sudah diambil. Terima kasih."
        }
    }

    /// `GET /cek-resi[?resi=]`: the form.
    @Sendable func receiptForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let receipt = request.query("resi").map { String($0.prefix(40)) } ?? ""
        return Self.receiptPage(
            title: "Cek Resi",
            """
            <h1>Cek status permohonan dokumen</h1>
            <p class="lead">Masukkan nomor resi dan PIN yang tertera pada bukti permohonan Anda (KTP-el, Kartu Keluarga, akta, KIA, atau surat pindah).</p>
            \(Self.receiptFormHTML(receipt: receipt))
            \(Self.receiptHelp)
            """)
    }

    /// `POST /cek-resi` (form fields `resi`, `pin`): the status and timeline, or a friendly 404
    /// (unknown receipt and wrong PIN alike), 400 (a field left empty), 429 (rate-limited).
    @Sendable func receiptLookup(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let wait = services.lookupLimiter.take(context.clientAddress) {
            var headers = HTTPFields()
            headers[.retryAfter] = String(wait)
            return Self.receiptPage(
                title: "Terlalu banyak percobaan", status: .tooManyRequests, headers: headers,
                """
                <h1>Terlalu banyak percobaan</h1>
                <div class="notice" role="alert"><p>Anda sudah mencoba terlalu banyak kali dalam waktu singkat. Demi keamanan data, tunggu sekitar \(IndonesianFormat.integer(wait)) detik, lalu coba lagi.</p></div>
                <p><a class="button" href="/cek-resi">Coba lagi</a></p>
                """)
        }
        let buffer = try await request.body.collect(upTo: 8 * 1024)
        let fields = FormFields.parse(String(buffer: buffer))
        let receipt = (fields["resi"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let pin = (fields["pin"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !receipt.isEmpty, !pin.isEmpty else {
            return Self.receiptPage(
                title: "Cek Resi", status: .badRequest,
                """
                <h1>Cek status permohonan dokumen</h1>
                <div class="notice" role="alert"><p>Isi nomor resi dan PIN, keduanya diperlukan.</p></div>
                \(Self.receiptFormHTML(receipt: String(receipt.prefix(40))))
                """)
        }
        let domain = services.domains.documents
        let found: (application: PublicApplication, estimate: ReadyEstimate?)?
        do {
            found = try await services.lookupGuard.guarded(ReceiptNumber.normalize(receipt) ?? receipt) {
                try await services.views(request) { views in
                    try domain.lookup(try views.view(DocumentTrackingDomain.applicationsView), receiptNumber: receipt, pin: pin).map {
                        ($0, try domain.estimate(try views.view(DocumentTrackingDomain.processingView), application: $0))
                    }
                }
            }
        } catch let locked as LookupLocked {
            var headers = HTTPFields()
            headers[.retryAfter] = String(locked.retryAfter)
            return Self.receiptPage(
                title: "Resi dikunci sementara", status: .tooManyRequests, headers: headers,
                """
                <h1>Resi dikunci sementara</h1>
                <div class="notice" role="alert"><p>PIN untuk nomor resi ini sudah terlalu sering salah. Demi keamanan data Anda, resi ini dikunci sekitar \(IndonesianFormat.integer(locked.retryAfter)) detik. Jika PIN Anda hilang, petugas di kantor dapat memberikan PIN baru.</p></div>
                <p><a class="button" href="/cek-resi">Kembali</a></p>
                """)
        }
        guard let found else {
            return Self.receiptPage(
                title: "Resi tidak ditemukan", status: .notFound,
                """
                <h1>Cek status permohonan dokumen</h1>
                <div class="notice" role="alert"><h2>Permohonan tidak ditemukan</h2><p>Nomor resi atau PIN tidak cocok. Periksa kembali nomor resi dan PIN pada bukti permohonan Anda, lalu coba lagi. Nomor resi diawali MTR-; PIN terdiri dari 8 huruf dan angka (permohonan lama: 6 angka).</p></div>
                \(Self.receiptFormHTML(receipt: String(receipt.prefix(40))))
                \(Self.receiptHelp)
                """)
        }
        return Self.receiptPage(
            title: "Status \(found.application.receiptNumber)", Self.applicationHTML(found.application, estimate: found.estimate))
    }

    static func receiptPage(title: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], _ content: HTML) -> Response {
        PortalLayout.response(
            PortalLayout.page(
                title: title, tab: .receipt, description: "Cek status permohonan dokumen kependudukan Kota Mataram.", content),
            status: status, noStore: true, headers: headers)
    }

    static func receiptFormHTML(receipt: String) -> HTML {
        """
        <form class="stack card" method="post" action="/cek-resi" autocomplete="off">
        <div><label for="resi">Nomor resi <span class="hint">contoh: MTR-7GQ2K9XW4D</span></label>
        <input class="code" id="resi" name="resi" type="text" required maxlength="40" autocapitalize="characters" spellcheck="false" value="\(receipt)"></div>
        <div><label for="pin">PIN <span class="hint">8 huruf dan angka (permohonan lama: 6 angka), tertera pada bukti permohonan</span></label>
        <input id="pin" name="pin" type="password" required autocapitalize="characters" spellcheck="false" maxlength="16" autocomplete="off"></div>
        <div><button type="submit">Cek status</button></div>
        </form>
        """
    }

    static let receiptHelp: HTML = """
        <details><summary>Di mana nomor resi dan PIN saya?</summary>
        <p>Nomor resi dan PIN diberikan satu kali saat Anda mengajukan permohonan: tercetak pada bukti permohonan dari loket, atau ditampilkan di layar saat mengajukan secara daring. Simpan keduanya. Jika hilang, datanglah ke kantor tempat Anda mengajukan dengan membawa KTP-el atau Kartu Keluarga.</p>
        <p>Data pribadi seperti NIK dan nama tidak pernah ditampilkan di halaman ini.</p>
        </details>
        """

    /// The public record of an application: status, progress, timeline; no personal data (the
    /// record has none).
    /// When it should be ready, as the resident reads it: "Perkiraan siap 14-17 Agustus 2018" and
    /// the office's service target.
    static func estimateHTML(_ estimate: ReadyEstimate) -> HTML {
        let basis: String =
            switch estimate.basis {
            case .office: "berdasarkan \(IndonesianFormat.integer(estimate.sampleSize)) permohonan serupa yang baru selesai di kantor ini"
            case .city: "berdasarkan \(IndonesianFormat.integer(estimate.sampleSize)) permohonan serupa yang sudah selesai di Kota Mataram"
            case .sla: "berdasarkan target layanan kantor"
            }
        let when: HTML =
            estimate.overdue
            ? "<strong>Perkiraan siap: segera</strong> (sudah lebih lama dari biasanya)"
            : "<strong>Perkiraan siap \(IndonesianFormat.dateRange(estimate.earliest, estimate.latest))</strong>"
        var target: HTML = .empty
        if let days = estimate.slaDays, let due = estimate.slaDue {
            target = " Target layanan: \(IndonesianFormat.integer(days)) hari (\(IndonesianFormat.date(due)))."
        }
        return """
            <p class="estimate" id="perkiraan">\(when), \(basis).\(target)</p>
            """
    }

    static func applicationHTML(_ app: PublicApplication, estimate: ReadyEstimate? = nil) -> HTML {
        let status = app.status
        let channel = app.channel == .online ? "daring (online)" : "loket"
        var progress: HTML = .empty
        if status == .revisionRequested || status == .rejected {
            let reason = app.timeline.last(where: { $0.status == status })?.explanation ?? "Tidak ada keterangan."
            progress = """
                <div class="notice" role="note"><h2>Keterangan petugas</h2><p>\(reason)</p></div>
                """
        } else if let index = mainPath.firstIndex(of: status) {
            let steps = mainPath.enumerated().map { i, s -> HTML in
                if i < index { return "<li class=\"done\">\(statusName(s))</li>" }
                if i == index {
                    return "<li class=\"\(s == .collected ? "done current" : "current")\" aria-current=\"step\">\(statusName(s))</li>"
                }
                return "<li>\(statusName(s))</li>"
            }
            progress = """
                <h2>Tahapan</h2>
                <ol class="steps">\(steps)</ol>
                """
        }
        let timeline = app.timeline.map { entry -> HTML in
            let reason: HTML = entry.explanation.map { "<br><span class=\"muted\">Keterangan: \($0)</span>" } ?? .empty
            return """
                <li><time datetime="\(entry.at)">\(IndonesianFormat.dateTime(entry.at))</time><strong>\(statusName(entry.status))</strong>\(reason)</li>
                """
        }
        let noticeClass = status == .rejected || status == .revisionRequested ? "notice" : "notice ok"
        return """
            <h1>Status permohonan</h1>
            <div class="card">
            <p class="muted">Nomor resi <strong class="code">\(app.receiptNumber)</strong></p>
            <p><strong>\(app.documentType.title)</strong> · \(app.officeName) · diajukan lewat \(channel)</p>
            <div class="\(noticeClass)"><p class="status" id="status">\(statusName(status))</p><p>\(statusExplanation(status, office: app.officeName))</p></div>
            <p class="muted">Diajukan \(IndonesianFormat.dateTime(app.submittedAt)). Terakhir diperbarui \(IndonesianFormat.dateTime(app.updatedAt)).</p>
            \(estimate.map(estimateHTML) ?? .empty)
            </div>
            \(progress)
            <h2>Riwayat</h2>
            <ol class="timeline">\(timeline)</ol>
            <p><a class="button" href="/cek-resi">Cek resi lain</a></p>
            """
    }
}

/// The fields of an `application/x-www-form-urlencoded` body: `+` is a space, `%XX` a byte of
/// UTF-8. The first occurrence of a name wins; a malformed escape leaves the field as written.
enum FormFields {
    static func parse(_ body: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            if out[name] == nil { out[name] = value }
        }
        return out
    }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
