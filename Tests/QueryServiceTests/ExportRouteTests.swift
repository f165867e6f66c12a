import EventLog
import Foundation
import Hummingbird
import HummingbirdTesting
import QueryService
import Testing

@Suite("GET /v1/export")
struct ExportRouteTests {
    @Test("every format streams with its content type and file name, under the same filters as the CLI")
    func formats() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let services = try await HXLExportTests.services(dir)
        defer { services.close() }
        let (_, token) = try await services.keys.create(role: .auditor, name: "analyst", actor: "test")
        let app = Application(router: buildRouter(services))
        let expectations: [(format: String, type: String, file: String)] = [
            ("ndjson", "application/x-ndjson", "lumbung-export.ndjson"),
            ("csv", "text/csv", "lumbung-events.csv"),
            ("hxl", "text/csv", "lumbung-aid-movements.hxl.csv"),
            ("wfp", "text/csv", "wfp_food_prices_lumbung.csv"),
        ]
        try await app.test(.router) { client in
            for e in expectations {
                try await client.execute(
                    uri: "/v1/export?format=\(e.format)&type=aid.aid-distributed", method: .get,
                    headers: [.authorization: "Bearer \(token)"]
                ) { response in
                    #expect(response.status == .ok, "\(e.format)")
                    #expect(response.headers[.contentType]?.hasPrefix(e.type) == true, "\(e.format)")
                    #expect(response.headers[.contentDisposition] == "attachment; filename=\"\(e.file)\"")
                    let body = String(buffer: response.body)
                    let expected = try exportText(e.format, services.store, EventFilter(types: ["aid.aid-distributed"]))
                    #expect(body == expected, "\(e.format)")
                }
            }
            try await client.execute(uri: "/v1/export?format=xlsx", method: .get, headers: [.authorization: "Bearer \(token)"]) {
                response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/v1/export?format=csv", method: .get) { response in
                #expect(response.status == .unauthorized || response.status == .forbidden)
            }
        }
    }
}
