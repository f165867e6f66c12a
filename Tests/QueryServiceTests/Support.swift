import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import LumbungCore
@testable import QueryService

/// A data directory of its own, the services opened on it (rules prepared, views running), and
/// one key of every role.
final class TestEnv: Sendable {
    let directory: String
    let services: LumbungServices
    let tokens: [Role: String]

    private init(directory: String, services: LumbungServices, tokens: [Role: String]) {
        self.directory = directory
        self.services = services
        self.tokens = tokens
    }

    static func make() async throws -> TestEnv {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("lumbung-qs-\(UUID().uuidString)").path
        let services = try LumbungServices(dataDirectory: directory)
        try services.start()
        var tokens: [Role: String] = [:]
        for role in Role.allCases {
            tokens[role] = try await services.keys.create(role: role, name: "test-\(role.rawValue)", actor: "test").token
        }
        return TestEnv(directory: directory, services: services, tokens: tokens)
    }

    func close() {
        services.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func token(_ role: Role) -> String { tokens[role]! }

    /// The log's head position.
    func head() throws -> UInt64 { try services.store.head().position }

    /// The application over the router (`app.test(.router)` or `.live`).
    func application() -> some ApplicationProtocol { Application(router: buildRouter(services)) }

    /// Runs `body` with a client of the router.
    func withRouter<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        try await application().test(.router, body)
    }
}

/// Runs `body` over a fresh `TestEnv`, closed and removed afterwards.
func withEnv<T>(_ body: (TestEnv) async throws -> T) async throws -> T {
    let env = try await TestEnv.make()
    defer { env.close() }
    return try await body(env)
}

/// Runs `body` with a fresh `TestEnv` and a router client.
func withRouter<T: Sendable>(_ body: @escaping @Sendable (TestEnv, any TestClientProtocol) async throws -> T) async throws -> T {
    try await withEnv { env in
        try await env.withRouter { client in try await body(env, client) }
    }
}

extension TestClientProtocol {
    /// One request; `token` goes in `Authorization: Bearer`, `body` is sent as JSON.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: String? = nil, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var h = headers
        if let token { h[.authorization] = "Bearer \(token)" }
        if body != nil, h[.contentType] == nil { h[.contentType] = "application/json" }
        return try await executeRequest(uri: uri, method: method, headers: h, body: body.map { ByteBuffer(string: $0) })
    }

    func get(_ uri: String, token: String? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await send(.get, uri, token: token, headers: headers)
    }

    func post(_ uri: String, token: String? = nil, body: String) async throws -> TestResponse {
        try await send(.post, uri, token: token, body: body)
    }

    /// POSTs a command that must succeed (201) and returns its JSON answer.
    func command(_ uri: String, token: String, body: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONObject {
        let r = try await post(uri, token: token, body: body)
        #expect(r.status == .created, "\(uri): \(r.text)", sourceLocation: sourceLocation)
        return try r.object()
    }
}

typealias JSONObject = [String: Any]

extension TestResponse {
    var text: String { String(buffer: body) }
    var contentType: String? { headers[.contentType] }

    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    func object() throws -> JSONObject {
        try #require(try json() as? JSONObject, "not a JSON object: \(text.prefix(300))")
    }
}

extension Dictionary where Key == String, Value == Any {
    func string(_ key: String) -> String? { self[key] as? String }
    func int(_ key: String) -> Int? { (self[key] as? NSNumber)?.intValue }
    func uint(_ key: String) -> UInt64? { (self[key] as? NSNumber)?.uint64Value }
    func objects(_ key: String) -> [JSONObject] { self[key] as? [JSONObject] ?? [] }
    func bool(_ key: String) -> Bool? { (self[key] as? NSNumber)?.boolValue }
    func object(_ key: String) -> JSONObject? { self[key] as? JSONObject }
}

/// Checks an RFC 9457 answer: the status, `application/problem+json`, the members `type`,
/// `title`, `status` (the same as the response's), `detail`, and when `field` is given, an entry
/// of `errors` naming it.
func expectProblem(
    _ r: TestResponse, _ status: HTTPResponse.Status, field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(r.status == status, "expected \(status.code), got \(r.status.code): \(r.text.prefix(400))", sourceLocation: sourceLocation)
    #expect(r.contentType == "application/problem+json", sourceLocation: sourceLocation)
    guard let p = (try? r.json()) as? JSONObject else {
        Issue.record("not a JSON problem: \(r.text.prefix(300))", sourceLocation: sourceLocation)
        return
    }
    #expect(p.string("type")?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(p.string("title")?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(p.string("detail")?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(p.int("status") == Int(status.code), sourceLocation: sourceLocation)
    if let field {
        let fields = p.objects("errors").compactMap { $0.string("field") }
        #expect(fields.contains(field), "errors \(fields) do not name \(field): \(r.text.prefix(300))", sourceLocation: sourceLocation)
    }
}

/// Request bodies and data used across the suites: real kelurahan codes, 2018 dates.
enum Fx {
    static let ampenanSelatan = "52.71.01.1004"
    static let rembiga = "52.71.05.1005"
    static let cakraTimur = "52.71.03.1004"

    /// The incident the bodies name (`AidSeed` declares it).
    static let incident =
        #"{"incidentId":"gempa-uji","name":"Gempa uji","kind":"gempa-bumi","startedAt":"2018-08-05T19:46:00+08:00","affectedCodes":["52.71"]}"#

    static func warehouse(_ id: String, kind: String = "gudang", kelurahan: String = ampenanSelatan) -> String {
        #"{"incidentId":"gempa-uji","warehouseId":"\#(id)","name":"Gudang \#(id)","kind":"\#(kind)","kelurahanCode":"\#(kelurahan)","registeredAt":"2018-08-05T09:00:00+08:00"}"#
    }

    static func donation(_ id: String, at warehouse: String, quantity: Int = 100) -> String {
        #"{"incidentId":"gempa-uji","donationId":"\#(id)","warehouseId":"\#(warehouse)","donor":{"name":"BAZNAS NTB","kind":"ngo"},"items":[{"item":"beras","unit":"kg","quantity":\#(quantity)}],"receivedAt":"2018-08-06T10:00:00+08:00"}"#
    }

    static func shipment(_ id: String, from: String, to: String, quantity: Int) -> String {
        #"{"incidentId":"gempa-uji","shipmentId":"\#(id)","fromWarehouseId":"\#(from)","toWarehouseId":"\#(to)","lines":[{"item":"beras","unit":"kg","quantity":\#(quantity)}],"vehicle":"Truk DR 8123 AB","driver":"sopir-07","dispatchedAt":"2018-08-07T08:00:00+08:00"}"#
    }

    static let application =
        #"{"documentType":"ktp-el","office":"dukcapil-mataram","channel":"counter","applicant":{"nik":"5271010101800001"}}"#

    static func market(_ id: String) -> String {
        #"{"marketId":"\#(id)","name":"Pasar \#(id)","kind":"traditional","kelurahanCode":"52.71.03.1004"}"#
    }

    static let commodity = #"{"commodityId":"beras-medium","name":"Beras Medium","category":"beras","unit":"kg"}"#

    static func report(market: String, price: String = "12500", on day: String = "2018-08-06", eventId: String? = nil) -> String {
        let id = eventId.map { #""eventId":"\#($0)","# } ?? ""
        return
            #"{\#(id)"marketId":"\#(market)","commodityId":"beras-medium","price":\#(price),"observedOn":"\#(day)","reporter":"petugas-1"}"#
    }

    /// A raw event for `POST /v1/streams/{stream}`.
    static func rawEvent(type: String = "test.noted", data: String = #"{"n":1}"#, id: String? = nil) -> String {
        let idMember = id.map { #","id":"\#($0)""# } ?? ""
        return #"{"type":"\#(type)","data":\#(data)\#(idMember)}"#
    }
}

/// Seeds a gudang with a donation and a posko through the API; returns their ids.
struct AidSeed {
    let gudang = "gudang-bpbd"
    let posko = "posko-rembiga"
    let donation = "DN-2018-TEST0001"

    @discardableResult
    func apply(_ client: any TestClientProtocol, _ env: TestEnv) async throws -> UInt64 {
        let token = env.token(.aidWriter)
        _ = try await client.command("/v1/aid/incidents", token: token, body: Fx.incident)
        _ = try await client.command("/v1/aid/warehouses", token: token, body: Fx.warehouse(gudang))
        _ = try await client.command("/v1/aid/warehouses", token: token, body: Fx.warehouse(posko, kind: "posko", kelurahan: Fx.rembiga))
        let d = try await client.command("/v1/aid/donations", token: token, body: Fx.donation(donation, at: gudang))
        return d.uint("position") ?? 0
    }
}
