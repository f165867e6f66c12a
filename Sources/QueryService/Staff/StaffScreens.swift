import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import LumbungCore
import NIOCore

/// What a staff screen's handler is given: the signed-in session and, for a POST, the fields of
/// its form (whose CSRF token has been checked).
struct StaffRequest: Sendable {
    let session: StaffSessions.Session
    let form: [String: String]
    var key: APIKey { session.key }

    /// The form's event id (`StaffForm.eventIDField`): 400 when it is missing or not one.
    func eventID() throws -> EventID {
        guard let text = form["eventId"], let id = EventID(text) else {
            throw PortalError(
                status: .badRequest, title: "Formulir tidak lengkap",
                message: "Formulir ini tidak membawa nomor kejadian (eventId). Muat ulang halamannya, lalu kirim lagi.")
        }
        return id
    }

    /// Whether the key may act on `id` (an office, a market, a warehouse): an unscoped key may act
    /// on all of them.
    func mayActOn(_ id: String) -> Bool { key.scope.map { $0.contains(id) } ?? true }
}

/// The staff screens' doors: signing in with an API key (a session in an `HttpOnly`,
/// `SameSite=Strict` cookie), signing out, the home page listing what the key may do, and the
/// wrapper every staff page goes through (`screen`).
///
/// Routes: `GET/POST /petugas/masuk`, `POST /petugas/keluar`, `GET /petugas`. Every staff page is
/// `no-store`, in Bahasa Indonesia, and works without script.
struct StaffScreens {
    let services: LumbungServices
    let sessions: StaffSessions
    /// The reverse proxies whose word that the browser came over HTTPS makes the cookie `Secure`.
    var trustedProxies: TrustedProxies = .none
    /// Sign-in attempts per client address: 10 at once, then one every 5 seconds.
    let signInLimiter = RateLimiter(capacity: 10, refillPerSecond: 0.2)

    static let homePath = "/petugas"
    static let signInPath = "/petugas/masuk"

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(Self.signInPath), use: PortalController.page(signInForm))
        router.post(RouterPath(Self.signInPath), use: PortalController.page(signIn))
        router.post("/petugas/keluar", use: screen(nil, signOut))
        router.get(RouterPath(Self.homePath), use: screen(nil, home))
    }

    /// A staff page: without a live session, a GET answers 401 with the sign-in form (which comes
    /// back to the page after it), a POST is refused (401); a key of another role gets 403 (admin may do everything). A POST's
    /// form (at most 64 KiB) must carry the session's CSRF token (`csrf`) and, when the browser
    /// says where it comes from (`Origin`), come from this host; else 403 and nothing is done.
    func screen(
        _ roles: [Role]?, _ handler: @escaping @Sendable (Request, AppRequestContext, StaffRequest) async throws -> Response
    ) -> @Sendable (Request, AppRequestContext) async throws -> Response {
        PortalController.page { request, context in
            guard let id = request.cookies[StaffSessions.cookieName]?.value, let session = try sessions.session(id) else {
                if request.method == .get {
                    let next = request.uri.query.map { request.uri.path + "?" + $0 } ?? request.uri.path
                    return StaffLayout.response(
                        title: "Masuk petugas", session: nil, status: .unauthorized, Self.signInFormHTML(next: Self.safeNext(next)))
                }
                throw PortalError(
                    status: .unauthorized, title: "Sesi berakhir",
                    message: "Sesi Anda sudah berakhir atau belum masuk. Masuk lagi, lalu ulangi isian Anda.",
                    extra: "<p><a class=\"button\" href=\"\(Self.signInPath)\">Masuk</a></p>")
            }
            if let roles, !roles.contains(session.key.role), session.key.role != .admin {
                throw PortalError(
                    status: .forbidden, title: "Tidak berwenang",
                    message:
                        "Kunci \(session.key.name) berperan \(session.key.role.rawValue); halaman ini untuk \(roles.map(\.rawValue).joined(separator: " atau ")).",
                    extra: "<p><a href=\"\(Self.homePath)\">Kembali ke halaman petugas</a></p>")
            }
            var form: [String: String] = [:]
            if request.method == .post {
                if let origin = request.headers[.origin], !Self.sameHost(origin, request.head.authority) {
                    throw PortalError(
                        status: .forbidden, title: "Ditolak", message: "Formulir ini dikirim dari situs lain dan tidak diproses.")
                }
                if let boundary = MultipartFormFields.boundary(request.headers[.contentType]) {
                    // A form that uploads a file (a posko's roster): up to 2 MiB.
                    let buffer = try await request.body.collect(upTo: 2 << 20)
                    guard let fields = MultipartFormFields.parse(buffer, boundary: boundary) else {
                        throw PortalError(
                            status: .badRequest, title: "Formulir tidak terbaca",
                            message:
                                "Isi formulir atau berkasnya tidak dapat dibaca (berkas harus teks UTF-8). Periksa berkasnya, lalu kirim lagi."
                        )
                    }
                    form = fields
                } else {
                    let buffer = try await request.body.collect(upTo: 64 * 1024)
                    form = FormFields.parse(String(buffer: buffer))
                }
                guard StaffSessions.tokenMatches(form["csrf"], session) else {
                    throw PortalError(
                        status: .forbidden, title: "Formulir kedaluwarsa",
                        message: "Formulir ini bukan dari sesi Anda yang sekarang. Muat ulang halamannya, lalu kirim lagi.")
                }
            }
            var response = try await handler(request, context, StaffRequest(session: session, form: form))
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }

    /// `GET /petugas/masuk[?lanjut=]`: the sign-in form.
    @Sendable func signInForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        StaffLayout.response(
            title: "Masuk petugas", session: nil, Self.signInFormHTML(next: Self.safeNext(request.uri.queryParameters.get("lanjut"))))
    }

    /// `POST /petugas/masuk` (`kunci`, `lanjut`): a valid, unrevoked key opens a session (303 to
    /// `lanjut` or `/petugas`); none is 400 and a wrong one 401, with the form again;
    /// rate-limited per client.
    @Sendable func signIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let wait = signInLimiter.take(context.clientAddress) {
            var headers = HTTPFields()
            headers[.retryAfter] = String(wait)
            throw PortalError(
                status: .tooManyRequests, title: "Terlalu banyak percobaan",
                message: "Terlalu banyak percobaan masuk dari alamat ini. Tunggu \(wait) detik, lalu coba lagi.", headers: headers)
        }
        let buffer = try await request.body.collect(upTo: 8 * 1024)
        let fields = FormFields.parse(String(buffer: buffer))
        let next = Self.safeNext(fields["lanjut"])
        guard let typed = fields["kunci"], !typed.isEmpty else {
            return StaffLayout.response(
                title: "Masuk petugas", session: nil, status: .badRequest,
                """
                <div class="notice" role="alert"><p>Isi kunci API Anda.</p></div>
                \(Self.signInFormHTML(next: next))
                """)
        }
        guard let key = try services.keys.authenticate(typed.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return StaffLayout.response(
                title: "Masuk petugas", session: nil, status: .unauthorized,
                """
                <div class="notice" role="alert"><p>Kunci tidak dikenal atau sudah dicabut. Periksa kunci dari admin Anda.</p></div>
                \(Self.signInFormHTML(next: next))
                """)
        }
        let session = sessions.open(key)
        var response = Self.redirect(to: next ?? Self.homePath)
        response.headers[.setCookie] =
            "\(StaffSessions.cookieName)=\(session.id); Path=/petugas; HttpOnly; SameSite=Strict; Max-Age=\(Int(sessions.lifetime))"
            + (secureCookie(request, context) ? "; Secure" : "")
        return response
    }

    /// `POST /petugas/keluar`: ends the session and clears its cookie.
    @Sendable func signOut(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        sessions.close(staff.session.id)
        var response = Self.redirect(to: Self.signInPath)
        response.headers[.setCookie] =
            "\(StaffSessions.cookieName)=; Path=/petugas; HttpOnly; SameSite=Strict; Max-Age=0"
            + (secureCookie(request, context) ? "; Secure" : "")
        return response
    }

    /// Whether the cookie is `Secure`: when the browser reached us over HTTPS (a trusted proxy
    /// says so), and when it reached us on loopback (`localhost`, `127.0.0.1`, `[::1]`), which
    /// browsers treat as a secure context and keep a `Secure` cookie of over plain HTTP. Only over
    /// plain HTTP across a network can it not be (a browser would drop the cookie): deploy behind
    /// TLS (`deploy/`).
    func secureCookie(_ request: Request, _ context: AppRequestContext) -> Bool {
        Self.loopbackHost(request.head.authority) || overHTTPS(request, context)
    }

    /// Whether the browser reached us over HTTPS (a trusted proxy says so): the scheme of the
    /// links printed for it (a QR code's proof).
    func overHTTPS(_ request: Request, _ context: AppRequestContext) -> Bool {
        trustedProxies.forwardedHTTPS(peer: context.remoteAddress?.ipAddress ?? "", headers: request.headers)
    }

    /// Whether a `Host` (with or without its port) names this machine's loopback.
    static func loopbackHost(_ authority: String?) -> Bool {
        guard var host = authority?.lowercased() else { return false }
        if host.hasPrefix("[") {
            host = String(host.prefix { $0 != "]" }.dropFirst())
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        return host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || host.hasPrefix("127.")
    }

    /// `GET /petugas`: what the key may do, by its role and scope.
    @Sendable func home(_ request: Request, context: AppRequestContext, staff: StaffRequest) async throws -> Response {
        let key = staff.key
        var links: [HTML] = []
        if key.role == .documentsWriter || key.role == .admin {
            links.append(
                "<li><a class=\"card\" href=\"\(OfficerScreens.queuePath)\"><h2>Antrean permohonan dokumen</h2><p>Periksa berkas, ubah status dengan kode alasan, terbitkan PIN baru, tandai sudah diambil.</p></a></li>"
            )
        }
        if key.role == .aidWriter || key.role == .admin {
            links.append(
                "<li><a class=\"card\" href=\"\(AidScreens.homePath)\"><h2>Gudang dan posko</h2><p>Stok per lot, terima kiriman menurut surat jalan, salurkan bantuan kepada KK, kirim ke posko lain.</p></a></li>"
            )
        }
        if key.role == .pricesWriter || key.role == .admin {
            links.append(
                "<li><a class=\"card\" href=\"\(EnumeratorScreens.formPath)\"><h2>Laporan harga pasar</h2><p>Formulir harian satu pasar: satu harga per komoditas, boleh dikirim nanti bila sinyal hilang.</p></a></li>"
            )
        }
        if key.role == .pricesSupervisor || key.role == .admin {
            links.append(
                "<li><a class=\"card\" href=\"\(SupervisorScreens.queuePath)\"><h2>Tinjauan laporan harga</h2><p>Laporan yang ditahan sebelum terbit: setujui atau tolak dengan alasan.</p></a></li>"
            )
        }
        let scope: HTML =
            key.scope.map { "<p class=\"muted\">Wilayah kerja kunci ini: \($0.sorted().joined(separator: ", ")).</p>" }
            ?? "<p class=\"muted\">Kunci ini tidak dibatasi pada kantor, pasar atau gudang tertentu.</p>"
        let content: HTML = """
            <h1>Halaman petugas</h1>
            \(scope)
            \(links.isEmpty ? "<p>Peran \(key.role.rawValue) belum memiliki layar petugas.</p>" : "<ul class=\"cards\">\(links)</ul>" as HTML)
            """
        return StaffLayout.response(title: "Halaman petugas", session: staff.session, content)
    }

    static func signInFormHTML(next: String?) -> HTML {
        let hidden: HTML = next.map { "<input type=\"hidden\" name=\"lanjut\" value=\"\($0)\">" } ?? .empty
        return """
            <h1>Masuk petugas</h1>
            <p>Masukkan kunci API yang diberikan admin Lumbung untuk Anda. Kunci tidak disimpan di peramban; sesi berakhir setelah 2 jam tanpa kegiatan.</p>
            <form class="stack card" method="post" action="\(signInPath)" autocomplete="off">
            \(hidden)
            <div><label for="kunci">Kunci API <span class="hint">diawali lmb_</span></label>
            <input class="code" id="kunci" name="kunci" type="password" required maxlength="200" spellcheck="false" autocomplete="off"></div>
            <div><button type="submit">Masuk</button></div>
            </form>
            """
    }

    /// Where to go after signing in: a staff path only (never another site).
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix(homePath + "/") || next == homePath, !next.contains("//"), !next.contains("\\") else { return nil }
        return next
    }

    static func redirect(to location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: headers)
    }

    /// Whether an `Origin` (`http://host:port`) names the request's `Host`.
    static func sameHost(_ origin: String, _ host: String?) -> Bool {
        guard let host, let url = URL(string: origin), let originHost = url.host else { return false }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        return originAuthority.lowercased() == host.lowercased()
    }
}

/// The shell of a staff page: the portal's, with a bar naming the signed-in key and its sign-out
/// form at the top of the content.
enum StaffLayout {
    static func response(
        title: String, session: StaffSessions.Session?, status: HTTPResponse.Status = .ok, _ content: HTML
    ) -> Response {
        let bar: HTML =
            session.map { s in
                """
                <div class="staffbar"><span>Petugas: <strong>\(s.key.name)</strong> · \(s.key.role.rawValue) · <a href="\(StaffScreens.homePath)">Halaman petugas</a></span>
                <form method="post" action="/petugas/keluar">\(StaffForm.csrfField(s))<button type="submit">Keluar</button></form></div>
                """
            } ?? .empty
        return PortalLayout.response(PortalLayout.page(title: title, tab: nil, bar + content), status: status, noStore: true)
    }
}

extension StaffLayout {
    /// A message at the top of a page: what was done (`ok`), or why nothing was.
    static func notice(ok: Bool, _ text: HTML) -> HTML {
        ok ? "<div class=\"notice ok\" role=\"status\"><p>\(text)</p></div>" : "<div class=\"notice\" role=\"alert\"><p>\(text)</p></div>"
    }

    static func notice(ok: Bool, _ text: String) -> HTML { notice(ok: ok, "\(text)" as HTML) }
}

/// The hidden fields of staff forms.
enum StaffForm {
    /// The session's CSRF token.
    static func csrfField(_ session: StaffSessions.Session) -> HTML {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(session.csrf)\">"
    }

    /// A new event id, made when the form is drawn: sending the form twice writes once.
    static func eventIDField() -> HTML {
        "<input type=\"hidden\" name=\"eventId\" value=\"\(UUID().uuidString.lowercased())\">"
    }
}
