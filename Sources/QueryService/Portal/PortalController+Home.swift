import AidLogistics
import Hummingbird
import MarketPrices

extension PortalController {
    /// `GET /`: the three services, each with a current figure from its view.
    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (latestDay, commodities, kelurahan) = try await services.views(request) { views in
            let latest = try views.view(PricesViews.latest)
            let prices = try MarketPricesQueries.latest(latest)
            let report = try AidQueries.kelurahan(try views.view(AidViews.kelurahan))
            return (prices.map(\.observedOn).max(), Set(prices.map(\.commodityId)).count, report.totals)
        }
        let priceLine: HTML =
            latestDay.map {
                "<p class=\"muted\">\(IndonesianFormat.integer(commodities)) komoditas, data per \(IndonesianFormat.date($0)).</p>"
            }
            ?? "<p class=\"muted\">Belum ada laporan harga.</p>"
        let aidLine: HTML =
            kelurahan.households > 0
            ? "<p class=\"muted\">\(IndonesianFormat.integer(kelurahan.households)) keluarga di \(IndonesianFormat.integer(kelurahan.kelurahanServed)) kelurahan sudah menerima bantuan.</p>"
            : "<p class=\"muted\">Belum ada penyaluran bantuan tercatat.</p>"
        let content: HTML = """
            <h1>Layanan informasi warga Kota Mataram</h1>
            <p class="lead">Cek status dokumen kependudukan Anda, lihat harga bahan pokok di pasar, dan pantau penyaluran bantuan bencana. Tanpa perlu datang ke kantor.</p>
            <div class="cards">
            <a class="card" href="/cek-resi"><h2>Cek Resi</h2><p>Lihat sampai mana permohonan KTP-el, Kartu Keluarga, akta, atau dokumen lain Anda diproses. Cukup nomor resi dan PIN.</p></a>
            <a class="card" href="/harga-pasar"><h2>Harga Pasar</h2><p>Harga terbaru bahan pokok di pasar-pasar Kota Mataram, tren 30 hari, dan peringatan kenaikan harga.</p>\(priceLine)</a>
            <a class="card" href="/bantuan-bencana"><h2>Bantuan Bencana</h2><p>Stok di gudang dan posko, bantuan yang sudah sampai ke setiap kelurahan, dan para donatur.</p>\(aidLine)</a>
            </div>
            """
        return PortalLayout.response(
            PortalLayout.page(
                title: "Beranda", tab: .home, description: "Cek resi dokumen, harga pasar dan bantuan bencana Kota Mataram.", content))
    }
}
