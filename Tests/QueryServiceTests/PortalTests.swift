import AidLogistics
import DocumentTracking
import EventLog
import Foundation
import Hummingbird
import HummingbirdTesting
import MarketPrices
import Testing

@testable import LumbungCore
@testable import QueryService

/// The portal's pages over the seeded 2018 scenario: each shows real data from the views, in
/// Indonesian formats, escaped.
@Suite("Portal pages")
struct PortalTests {
    @Test("the home page links the three services, in Indonesian, for phones")
    func home() async throws {
        let fixture = try await SeededPortal.shared.value
        try await fixture.withClient { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let html = text(response)
                #expect(html.hasPrefix("<!DOCTYPE html>"))
                #expect(html.contains("<html lang=\"id\">"))
                #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
                for path in ["/cek-resi", "/harga-pasar", "/bantuan-bencana"] { #expect(html.contains("href=\"\(path)\"")) }
                // Nothing is loaded from elsewhere: no external URL in src or href, no script.
                #expect(!html.contains("src=\"http"))
                #expect(!html.contains("href=\"http"))
                #expect(!html.contains("<script"))
            }
        }
    }

    @Test("Cek Resi: a known receipt shows its status and timeline; a wrong PIN or unknown receipt a friendly 404")
    func receipt() async throws {
        let fixture = try await SeededPortal.shared.value
        let demo = DocumentTrackingScenario.demoApplication(seed: SeededPortal.seed)
        let planned = try #require(DocumentTrackingScenario.applications(seed: SeededPortal.seed, scale: SeededPortal.documentsScale).first)
        #expect(planned.receiptNumber == demo.receiptNumber)
        let wrongPIN = demo.pin == "000000" ? "111111" : "000000"
        let refused = try #require(
            DocumentTrackingScenario.applications(seed: SeededPortal.seed, scale: SeededPortal.documentsScale).first {
                $0.finalStatus == .rejected || $0.finalStatus == .revisionRequested
            })
        // Five lookups: within the limiter's burst of 10 (all router-test clients share one address).
        try await fixture.withClient { client in
            try await client.execute(uri: "/cek-resi", method: .get) { response in
                #expect(response.status == .ok)
                let html = text(response)
                #expect(html.contains("method=\"post\" action=\"/cek-resi\""))
                #expect(html.contains("<label for=\"pin\">"))
                #expect(html.contains("aria-current=\"page\">Cek Resi"))
            }
            // Typed in lower case with spaces, as a resident might.
            let typed = demo.receiptNumber.lowercased().replacingOccurrences(of: "-", with: " - ")
            try await client.execute(
                uri: "/cek-resi", method: .post, headers: formHeaders, body: form([("resi", typed), ("pin", demo.pin)])
            ) {
                response in
                #expect(response.status == .ok)
                #expect(response.headers[.cacheControl] == "no-store")
                let html = text(response)
                #expect(html.contains(demo.receiptNumber))
                #expect(html.contains("<p class=\"status\" id=\"status\">\(PortalController.statusName(planned.finalStatus))</p>"))
                #expect(html.contains(planned.documentType.title))
                #expect(html.contains("Riwayat"))
                #expect(html.contains("WITA"))
                // No personal data: neither the NIK nor the PIN.
                #expect(!html.contains(planned.nik))
                #expect(!html.contains(demo.pin))
            }
            // A refused application or one sent back for revision: the officer's reason, no progress steps.
            try await client.execute(
                uri: "/cek-resi", method: .post, headers: formHeaders, body: form([("resi", refused.receiptNumber), ("pin", refused.pin)])
            ) { response in
                #expect(response.status == .ok)
                let html = text(response)
                #expect(html.contains("<p class=\"status\" id=\"status\">\(PortalController.statusName(refused.finalStatus))</p>"))
                #expect(html.contains("Keterangan petugas"))
                #expect(!html.contains("<ol class=\"steps\">"))
            }
            try await client.execute(
                uri: "/cek-resi", method: .post, headers: formHeaders, body: form([("resi", demo.receiptNumber), ("pin", wrongPIN)])
            ) { response in
                #expect(response.status == .notFound)
                let html = text(response)
                #expect(html.contains("Nomor resi atau PIN tidak cocok. Periksa kembali"))
                #expect(html.contains("value=\"\(demo.receiptNumber)\""))
                #expect(!html.contains(PortalController.statusName(planned.finalStatus) + "</p>"))
            }
            try await client.execute(
                uri: "/cek-resi", method: .post, headers: formHeaders, body: form([("resi", "MTR-0000000000<script>"), ("pin", "123456")])
            ) { response in
                #expect(response.status == .notFound)
                let html = text(response)
                #expect(html.contains("Nomor resi atau PIN tidak cocok"))
                #expect(html.contains("MTR-0000000000&lt;script&gt;"))
                #expect(!html.contains("0000000000<script>"))
            }
            try await client.execute(uri: "/cek-resi", method: .post, headers: formHeaders, body: form([("resi", demo.receiptNumber)])) {
                response in
                #expect(response.status == .badRequest)
                #expect(text(response).contains("Isi nomor resi dan PIN"))
            }
        }
    }

    @Test("Cek Resi: past the per-client limit, a friendly 429 page with Retry-After")
    func receiptRateLimited() async throws {
        let directory = NSTemporaryDirectory() + "lumbung-portal-limit-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = EventStore.Options()
        options.noSync = true
        let services = try LumbungServices(dataDirectory: directory, storeOptions: options)
        defer { services.close() }
        try services.start()
        // Empty the bucket of the router test's client as of a moment far ahead: whatever the
        // clock says during the request, no token has come back (no timing involved).
        let future = Date().timeIntervalSinceReferenceDate + 1_000_000
        while services.lookupLimiter.take("unknown", now: future) == nil {}
        let app = Application(router: buildRouter(services))
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/cek-resi", method: .post, headers: formHeaders, body: form([("resi", "MTR-0000000000"), ("pin", "123456")])
            ) {
                response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] != nil)
                let html = text(response)
                #expect(html.contains("Terlalu banyak percobaan"))
                #expect(html.contains("<html lang=\"id\">"))
            }
        }
    }

    @Test("Cek Resi: an oversized form is a friendly 413 page, not a 500")
    func receiptTooLarge() async throws {
        let directory = NSTemporaryDirectory() + "lumbung-portal-large-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = EventStore.Options()
        options.noSync = true
        let services = try LumbungServices(dataDirectory: directory, storeOptions: options)
        defer { services.close() }
        try services.start()
        let app = Application(router: buildRouter(services))
        try await app.test(.router) { client in
            let body = form([("resi", String(repeating: "A", count: 20_000)), ("pin", "123456")])
            try await client.execute(uri: "/cek-resi", method: .post, headers: formHeaders, body: body) { response in
                #expect(response.status == .contentTooLarge)
                #expect(text(response).contains("Isian formulir terlalu panjang"))
            }
        }
    }

    @Test("Harga Pasar: the latest prices grouped by commodity, in rupiah with dots, and the alerts")
    func prices() async throws {
        let fixture = try await SeededPortal.shared.value
        let latest = try fixture.services.engine.read { try MarketPricesQueries.latest(try $0.view("prices.latest")) }
        let sample = try #require(latest.first { $0.marketId == "pasar-kebon-roek" && $0.commodityId == "beras-km1" })
        let alerts = try fixture.services.engine.read { try MarketPricesQueries.alerts(try $0.view("prices.alerts")) }
        #expect(!alerts.isEmpty, "the scenario's earthquake shock raises medians by 10% or more")
        try await fixture.withClient { client in
            try await client.execute(uri: "/harga-pasar", method: .get) { response in
                #expect(response.status == .ok)
                let html = text(response)
                #expect(html.contains("Harga terbaru per 31 Agustus 2018"))
                #expect(html.contains("Beras Kualitas Medium I"))
                #expect(html.contains("Pasar Kebon Roek"))
                #expect(html.contains(IndonesianFormat.rupiah(sample.price)))
                #expect(html.range(of: #"Rp \d{1,3}(\.\d{3})+"#, options: .regularExpression) != nil)
                #expect(html.contains("Peringatan kenaikan harga"))
                #expect(html.contains("<span class=\"tag up\">naik "))
                #expect(html.contains("<select id=\"komoditas\" name=\"komoditas\">"))
            }
            // One market: only its row under each commodity.
            try await client.execute(uri: "/harga-pasar?pasar=pasar-kebon-roek&komoditas=beras-km1", method: .get) { response in
                #expect(response.status == .ok)
                let html = text(response)
                #expect(html.contains("Beras Kualitas Medium I di Pasar Kebon Roek"))
                #expect(html.contains(IndonesianFormat.rupiah(sample.price)))
                #expect(!html.contains(">Pasar Mandalika</a>"))
                #expect(html.contains("<svg"))
            }
            try await client.execute(uri: "/harga-pasar?pasar=tidak-ada", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(text(response).contains("Pasar tidak-ada tidak dikenal"))
            }
        }
    }

    @Test("Harga Pasar: a commodity's 30-day trend as inline SVG with dates and rupiah axes")
    func trend() async throws {
        let fixture = try await SeededPortal.shared.value
        let series = try fixture.services.engine.read {
            try MarketPricesQueries.trend(try $0.view("prices.daily"), commodityId: "cabai-rawit-merah", priceType: .retail)
        }
        let retail = try #require(series.first)
        let last = try #require(retail.points.last)
        try await fixture.withClient { client in
            try await client.execute(uri: "/harga-pasar/cabai-rawit-merah", method: .get) { response in
                #expect(response.status == .ok)
                let html = text(response)
                #expect(html.contains("<h1>Cabai Rawit Merah</h1>"))
                #expect(html.contains("<svg viewBox="))
                #expect(html.contains("<polyline"))
                #expect(html.contains("<polygon"))
                #expect(html.contains(">31 Agu</text>"))
                #expect(html.contains("31 Agustus 2018: median \(IndonesianFormat.rupiah(last.median))"))
                #expect(html.contains(">Rp "))
                #expect(html.contains("Peringatan kenaikan harga"))
                // The pasar's trend beside PIHPS's national series.
                #expect(html.contains("Nasional (PIHPS)"))
                #expect(html.contains("rata-rata nasional pasar tradisional (PIHPS, Bank Indonesia)"))
            }
            try await client.execute(uri: "/harga-pasar/tidak-ada", method: .get) { response in
                #expect(response.status == .notFound)
                let html = text(response)
                #expect(html.contains("Komoditas tidak-ada tidak dikenal"))
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            }
        }
    }

    @Test("Bantuan Bencana: the 50 kelurahan by kecamatan with their figures, stock and donors")
    func aid() async throws {
        let fixture = try await SeededPortal.shared.value
        let report = try fixture.services.engine.read { try AidQueries.kelurahan(try $0.view("aid.kelurahan")) }
        #expect(report.kelurahan.count == 50)
        let top = try #require(report.kelurahan.max { $0.households < $1.households })
        try await fixture.withClient { client in
            try await client.execute(uri: "/bantuan-bencana", method: .get) { response in
                #expect(response.status == .ok)
                let html = text(response)
                #expect(html.contains(">Kecamatan Selaparang</text>"))
                #expect(html.contains(">\(top.name)</text>"))
                #expect(html.contains(">\(IndonesianFormat.integer(top.households)) KK</text>"))
                #expect(html.contains("\(IndonesianFormat.integer(report.totals.households)) KK</b>"))
                for k in report.kelurahan { #expect(html.contains(">\(HTML.escape(k.name))</text>"), "\(k.name)") }
                #expect(html.contains("Stok saat ini"))
            }
            try await client.execute(uri: "/bantuan-bencana?barang=beras&satuan=kg", method: .get) { response in
                #expect(response.status == .ok)
                let beras = try #require(top.items.first { $0.item == "beras" && $0.unit == "kg" })
                #expect(text(response).contains(">\(IndonesianFormat.quantity(beras.distributed, unit: "kg"))</text>"))
            }
            try await client.execute(uri: "/bantuan-bencana/kelurahan/\(top.code)", method: .get) { response in
                #expect(response.status == .ok)
                let html = text(response)
                #expect(html.contains("<h1>Kelurahan \(top.name)</h1>"))
                #expect(html.contains("\(IndonesianFormat.integer(top.households)) KK"))
            }
            try await client.execute(uri: "/bantuan-bencana/kelurahan/52.71.99.9999", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(text(response).contains("tidak ada di Kota Mataram"))
            }
        }
    }

    @Test("Bantuan Bencana: stock per gudang/posko, one warehouse's detail")
    func stock() async throws {
        let fixture = try await SeededPortal.shared.value
        let stock = try #require(try fixture.services.engine.read { try AidQueries.stock(try $0.view("aid.stock")) })
        let gudang = try #require(stock.warehouses.first { $0.warehouse.kind == "gudang" && $0.items.contains { $0.onHand > 0 } })
        let item = try #require(gudang.items.first { $0.onHand > 0 })
        try await fixture.withClient { client in
            try await client.execute(uri: "/bantuan-bencana/stok", method: .get) { response in
                #expect(response.status == .ok)
                let html = text(response)
                #expect(html.contains(HTML.escape(gudang.warehouse.name)))
                #expect(html.contains("/bantuan-bencana/gudang/\(gudang.warehouse.warehouseId)"))
            }
            try await client.execute(uri: "/bantuan-bencana/gudang/\(gudang.warehouse.warehouseId)", method: .get) { response in
                #expect(response.status == .ok)
                let html = text(response)
                #expect(html.contains("<h1>\(HTML.escape(gudang.warehouse.name))</h1>"))
                #expect(html.contains(IndonesianFormat.quantity(item.onHand, unit: item.unit)))
            }
            try await client.execute(uri: "/bantuan-bencana/gudang/tidak-ada", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(text(response).contains("tidak terdaftar"))
            }
        }
    }

    @Test(
        "Bantuan Bencana: stock, a gudang, a kelurahan and the donors narrow to one incident (?insiden=), links keep it; an unknown one is a 404"
    )
    func perIncident() async throws {
        let fixture = try await SeededPortal.shared.value
        let fire = "kebakaran-bintaro-2018"
        let (all, fireStock, fireDonors, allDonors) = try fixture.services.engine.read { views in
            (
                try #require(try AidQueries.stock(try views.view("aid.stock"))),
                try #require(try AidQueries.stock(try views.view("aid.stock"), incidentId: fire)),
                try AidQueries.donors(try views.view("aid.donors"), incidentId: fire),
                try AidQueries.donors(try views.view("aid.donors"))
            )
        }
        #expect(!fireDonors.donors.isEmpty && fireDonors.donors.count < allDonors.donors.count)
        let posko = try #require(all.warehouses.first { $0.warehouse.kind == "posko" })
        let firstWord = "Kebakaran"
        try await fixture.withClient { client in
            // The whole pages first: a narrowed page is never the whole one from the cache.
            for path in ["/bantuan-bencana/stok", "/bantuan-bencana/donatur"] {
                try await client.execute(uri: path, method: .get) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/bantuan-bencana/stok?insiden=\(fire)", method: .get) { response in
                #expect(response.status == .ok)
                let html = text(response)
                let links = html.components(separatedBy: "href=\"/bantuan-bencana/gudang/").dropFirst()
                #expect(links.count == fireStock.warehouses.count, "\(html)")
                #expect(links.allSatisfy { $0.prefix { $0 != "\"" }.hasSuffix("?insiden=\(fire)") })
                if fireStock.warehouses.isEmpty { #expect(html.contains("Tidak ada stok bencana ini")) }
                #expect(html.contains("aria-current=\"page\">\(firstWord)"))
            }
            try await client.execute(uri: "/bantuan-bencana/gudang/\(posko.warehouse.warehouseId)?insiden=\(fire)", method: .get) {
                response in
                #expect(response.status == .ok)
                #expect(text(response).contains("/bantuan-bencana/stok?insiden=\(fire)"))
            }
            try await client.execute(uri: "/bantuan-bencana/donatur?insiden=\(fire)", method: .get) { response in
                #expect(response.status == .ok)
                let html = text(response)
                #expect(html.components(separatedBy: "<li class=\"card\">").count - 1 == fireDonors.donors.count)
            }
            try await client.execute(uri: "/bantuan-bencana/kelurahan/\(posko.warehouse.kelurahanCode)?insiden=\(fire)", method: .get) {
                response in
                #expect(response.status == .ok)
                #expect(text(response).contains("aria-current=\"page\">\(firstWord)"))
            }
            for path in [
                "/bantuan-bencana/stok", "/bantuan-bencana/donatur", "/bantuan-bencana/gudang/\(posko.warehouse.warehouseId)",
                "/bantuan-bencana/kelurahan/\(posko.warehouse.kelurahanCode)", "/bantuan-bencana/kebutuhan",
            ] {
                try await client.execute(uri: path + "?insiden=tidak-ada", method: .get) { response in
                    #expect(response.status == .notFound, "\(path)")
                    #expect(text(response).contains("Tidak ada bencana"), "\(path)")
                }
            }
        }
    }

    @Test("Bantuan Bencana: donors, with markup in a donor's name escaped")
    func donors() async throws {
        let fixture = try await SeededPortal.shared.value
        try await fixture.withClient { client in
            try await client.execute(uri: "/bantuan-bencana/donatur", method: .get) { response in
                #expect(response.status == .ok)
                let html = text(response)
                #expect(html.contains("Badan Nasional Penanggulangan Bencana (BNPB)"))
                #expect(html.contains(HTML.escape(SeededPortal.hostileDonor)))
                #expect(html.contains("&lt;script&gt;alert(&quot;lumbung&quot;)&lt;/script&gt; &amp; Kawan"))
                #expect(!html.contains("<script"))
                #expect(html.contains("40 lembar selimut"))
            }
        }
    }

    @Test("Bantuan Bencana: what the posko asked for against what arrived, per incident, and the item catalog")
    func needsAndCatalog() async throws {
        let fixture = try await SeededPortal.shared.value
        try await fixture.withClient { client in
            try await client.execute(uri: "/bantuan-bencana/kebutuhan", method: .get) { response in
                #expect(response.status == .ok)
                let html = text(response)
                #expect(html.contains("<h1>Kebutuhan dan katalog barang</h1>"))
                #expect(!html.contains("Belum ada permintaan"))
                #expect(html.contains("<td>Beras medium</td><td>Pangan</td><td>kg; 1 karung = 25 kg</td><td>ya</td>"))
                #expect(html.contains("<td>Terpal</td><td>Hunian darurat</td><td>lembar</td><td>tidak</td>"))
            }
            try await client.execute(uri: "/bantuan-bencana/kebutuhan?insiden=kebakaran-bintaro-2018", method: .get) { response in
                #expect(response.status == .ok)
                let html = text(response)
                #expect(html.contains("aria-current=\"page\">Kebakaran"))
                #expect(html.contains(">Bintaro</a>"))
                #expect(!html.contains("gempa-lombok-2018</td>") && !html.contains("Gempa Bumi Lombok 2018</td>"))
            }
        }
    }

    @Test("unknown pages: an HTML 404 for browsers, problem+json for API clients")
    func notFound() async throws {
        let fixture = try await SeededPortal.shared.value
        try await fixture.withClient { client in
            try await client.execute(uri: "/tidak-ada", method: .get, headers: [.accept: "text/html,application/xhtml+xml"]) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(text(response).contains("Halaman tidak ditemukan"))
            }
            try await client.execute(uri: "/tidak-ada", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/v1/tidak-ada", method: .get, headers: [.accept: "text/html"]) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
        }
    }
}
