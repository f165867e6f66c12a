import AidLogistics
import DocumentTracking
import EventLog
import Foundation
import Hummingbird
import HummingbirdTesting
import JSON
import MarketPrices
import Testing

@testable import LumbungCore
@testable import QueryService

/// A data directory seeded once per test process with the 2018 scenario of the three domains
/// (small scales), plus a donation from a donor whose name is markup, served by one
/// `LumbungServices`. Tests share it read-only.
final class SeededPortal: Sendable {
    static let seed: UInt64 = 2018
    static let documentsScale = 0.03
    static let aidScale = 0.1
    static let pricesScale = 1.0
    /// A donor name that must come out escaped.
    static let hostileDonor = "<script>alert(\"lumbung\")</script> & Kawan"

    /// The fixture, made on first use.
    static let shared = Task<SeededPortal, any Error> { try await SeededPortal() }

    let directory: String
    let services: LumbungServices

    private init() async throws {
        Self.removeStaleDirectories()
        directory = NSTemporaryDirectory() + "lumbung-portal-tests-\(getpid())-\(UUID().uuidString.prefix(8))"
        var options = EventStore.Options()
        options.noSync = true
        services = try LumbungServices(dataDirectory: directory, storeOptions: options)
        let events =
            (services.domains.documents.scenario(seed: Self.seed, scale: Self.documentsScale)
            + AidLogisticsDomain.scenario(seed: Self.seed, scale: Self.aidScale)
            + services.domains.prices.scenario(seed: Self.seed, scale: Self.pricesScale))
            .enumerated().sorted { ($0.element.occurredAt, $0.offset) < ($1.element.occurredAt, $1.offset) }.map(\.element.event)
        // Four-eyes events under the keys they name as their writers.
        for request in try AidScenario.appendRequests(events, actor: "test:seed") { _ = try await services.store.append(request) }
        try services.start()
        // A donation whose donor's name is markup, through the domain's own command.
        guard let warehouse = try services.engine.read({ try AidQueries.stock(try $0.view("aid.stock")) })?.warehouses.first else {
            throw EventLogError(.invalidInput, "the aid scenario registered no warehouse")
        }
        let body = try JSONParser.parse(
            """
            {"warehouseId": "\(warehouse.warehouse.warehouseId)", "donor": {"name": "<script>alert(\\"lumbung\\")</script> & Kawan", "kind": "community"},
             "items": [{"item": "selimut", "unit": "lembar", "quantity": 40}], "receivedAt": "2018-08-31T03:00:00.000Z",
             "incidentId": "gempa-lombok-2018"}
            """)
        let decision = try services.rules.withCurrentState(services.store) {
            try services.domains.aid.handle("receive-donation", body: body, now: .now())
        }
        _ = try await services.write(decision.events, actor: "test:seed")
    }

    deinit {
        services.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Directories left by earlier test processes that are gone (a process cannot clean up a
    /// static fixture when it exits).
    static func removeStaleDirectories() {
        let tmp = NSTemporaryDirectory()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: tmp) else { return }
        for name in names where name.hasPrefix("lumbung-portal-tests-") {
            let pidText = name.dropFirst("lumbung-portal-tests-".count).prefix { $0 != "-" }
            guard let pid = Int32(pidText), pid != getpid(), kill(pid, 0) != 0 else { continue }
            try? FileManager.default.removeItem(atPath: tmp + name)
        }
    }

    /// Runs `body` with a router-level test client over the fixture.
    func withClient(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: buildRouter(services))
        try await app.test(.router) { client in try await body(client) }
    }
}

/// The text of a response body.
func text(_ response: TestResponse) -> String { String(buffer: response.body) }

/// A form body for `POST /cek-resi`.
func form(_ fields: [(String, String)]) -> ByteBuffer {
    ByteBuffer(string: fields.map { "\(HTML.percentEncode($0.0))=\(HTML.percentEncode($0.1))" }.joined(separator: "&"))
}

let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
