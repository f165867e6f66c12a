import AidLogistics
import Hummingbird
import Logging
import LumbungCore
import MarketPrices

/// The resident-facing portal: server-rendered pages in Bahasa Indonesia over the same views as
/// the JSON API, from `GET /` on.
///
/// Routes (all `text/html; charset=utf-8`):
/// - `GET /`: the home page with the three services;
/// - `GET /cek-resi`, `POST /cek-resi`: the form, and the status of an application by receipt
///   number + PIN (the same lookup and per-client rate limiter as the API: 404 for an unknown
///   receipt or a wrong PIN alike, 429 when rate-limited);
/// - `GET /harga-pasar[?komoditas=&pasar=]`, `GET /harga-pasar/{commodityId}`: latest prices,
///   alerts, 30-day trends;
/// - `GET /bantuan-bencana[?ukuran=|?barang=&satuan=]`, `/bantuan-bencana/stok`,
///   `/bantuan-bencana/gudang/{warehouseId}`, `/bantuan-bencana/kelurahan/{code}`,
///   `/bantuan-bencana/donatur`, `/bantuan-bencana/kebutuhan`, each `[?insiden=]` (one incident,
///   `IncidentChoice`): aid per kelurahan, stock, donors, needs against what arrived and the item
///   catalog;
/// - `GET /bantuan-bencana/donasi[?nomor=]`, `/bantuan-bencana/donasi/{donationId}`: a donation's
///   trace for its donor, each step with its public proof (`/bukti/{position}`).
///
/// Every failure of a portal route is an HTML page with the right status, never problem+json;
/// unknown paths asked for by a browser (`Accept: text/html`) outside the API get an HTML 404 too.
struct PortalController {
    let services: LumbungServices
    /// The public pages as last rendered (`ResponseCache`): Cek Resi, a private lookup, is never kept.
    let cache = ResponseCache()

    func addRoutes(to router: Router<AppRequestContext>) {
        router.middlewares.add(PortalNotFoundMiddleware())
        let prices = MarketPricesEventType.all
        // A forgotten donor's name changes what the aid pages show.
        let aid = AidEventType.all.union([PrivacyOffice.forgottenType])
        router.get("/", use: page(cache.cached(types: prices.union(aid), services: services, home)))
        router.get("/cek-resi", use: page(receiptForm))
        router.post("/cek-resi", use: page(receiptLookup))
        router.get(
            "/harga-pasar", use: page(cache.cached(types: prices, parameters: ["komoditas", "pasar"], services: services, self.prices)))
        router.get("/harga-pasar/{commodityId}", use: page(cache.cached(types: prices, services: services, commodity)))
        router.get(
            "/bantuan-bencana",
            use: page(cache.cached(types: aid, parameters: ["ukuran", "barang", "satuan", "insiden"], services: services, self.aid)))
        router.get("/bantuan-bencana/stok", use: page(cache.cached(types: aid, parameters: ["insiden"], services: services, stock)))
        router.get(
            "/bantuan-bencana/gudang/{warehouseId}",
            use: page(cache.cached(types: aid, parameters: ["insiden"], services: services, warehouse)))
        router.get(
            "/bantuan-bencana/kelurahan/{code}", use: page(cache.cached(types: aid, parameters: ["insiden"], services: services, kelurahan))
        )
        router.get("/bantuan-bencana/donatur", use: page(cache.cached(types: aid, parameters: ["insiden"], services: services, donors)))
        router.get(RouterPath(Self.needsPath), use: page(cache.cached(types: aid, parameters: ["insiden"], services: services, needs)))
        router.get(RouterPath(Self.donationPath), use: page(donationLookup))
        router.get(RouterPath("\(Self.donationPath)/{donationId}"), use: page(donation))
    }

    /// A page handler whose failures become HTML pages: a `PortalError` as it says, a
    /// `Problem` (e.g. a bad `minPosition`) with its status, anything else a 500 (logged).
    func page(
        _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response
    ) -> @Sendable (Request, AppRequestContext) async throws -> Response {
        Self.page(handler)
    }

    /// `page(_:)` for the other controllers of HTML pages (the staff screens).
    static func page(
        _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response
    ) -> @Sendable (Request, AppRequestContext) async throws -> Response {
        { request, context in
            do {
                return try await handler(request, context)
            } catch let error as PortalError {
                return error.response
            } catch let problem as Problem {
                return PortalError(status: problem.status, title: "Permintaan tidak dapat dipenuhi", message: problem.detail).response
            } catch let error as any HTTPResponseError {
                let message =
                    error.status == .contentTooLarge
                    ? "Isian formulir terlalu panjang. Periksa kembali isian Anda."
                    : "Permintaan ini tidak dapat dipenuhi (\(error.status.code)). Silakan kembali dan coba lagi."
                return PortalError(status: error.status, title: "Permintaan tidak dapat dipenuhi", message: message).response
            } catch {
                context.logger.error("portal page \(request.uri.path) failed: \(String(describing: error))")
                return PortalError.serverFailure.response
            }
        }
    }
}

/// A failure shown to a resident as a page: a status, a heading, a sentence saying what to do.
struct PortalError: Error {
    var status: HTTPResponse.Status
    var title: String
    var message: String
    var tab: PortalLayout.Tab? = nil
    var headers: HTTPFields = [:]
    /// Extra content under the message (e.g. the form again).
    var extra: HTML = .empty

    static let serverFailure = PortalError(
        status: .internalServerError, title: "Terjadi gangguan",
        message: "Maaf, halaman ini sedang tidak dapat ditampilkan. Silakan coba lagi beberapa saat lagi.")

    static func notFound(_ message: String, tab: PortalLayout.Tab? = nil) -> PortalError {
        PortalError(status: .notFound, title: "Halaman tidak ditemukan", message: message, tab: tab)
    }

    var response: Response {
        let content: HTML = """
            <h1>\(title)</h1>
            <div class="notice" role="alert"><p>\(message)</p></div>
            \(extra)
            <p><a href="/">Kembali ke beranda</a></p>
            """
        return PortalLayout.response(PortalLayout.page(title: title, tab: tab, content), status: status, noStore: true, headers: headers)
    }
}

/// Browsers asking for a path that does not exist outside the API get the portal's HTML 404
/// page instead of problem+json; API clients are not affected.
struct PortalNotFoundMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let path = request.uri.path
            let api = path.hasPrefix("/v1/") || path == "/v1" || path == "/health" || path == "/metrics" || path == "/openapi.yaml"
            guard !api, (request.headers[.accept] ?? "").contains("text/html") else { throw error }
            return PortalError.notFound("Alamat \(path) tidak ada. Pilih layanan dari menu di atas.").response
        }
    }
}
