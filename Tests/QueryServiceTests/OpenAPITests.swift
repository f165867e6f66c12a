import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LumbungVersion
import NIOCore
import Testing
import Yams

@testable import LumbungCore
@testable import QueryService

/// The OpenAPI document against the router: served as YAML, byte for byte the file in the
/// repository, and describing every route the router knows (and no route it does not), each
/// with the roles the router enforces. The document's full validation (and schemathesis against
/// a live server) is `Tests/python/test_openapi.py`.
@Suite("OpenAPI document")
struct OpenAPITests {
    /// One operation of the document: its method and path.
    struct Operation: Hashable, CustomStringConvertible {
        let method: String
        let path: String
        var key: String { "\(method) \(path)" }
        var description: String { key }
    }

    static let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

    /// The document parsed as YAML.
    static func document(_ yaml: String = OpenAPIDocument.yaml, sourceLocation: SourceLocation = #_sourceLocation) throws -> Node {
        try #require(try Yams.compose(yaml: yaml), "the document is empty", sourceLocation: sourceLocation)
    }

    /// The operations under `paths` of the document (path items' methods), each with its node.
    static func operations(_ document: Node) -> [Operation: Node] {
        var out: [Operation: Node] = [:]
        for (path, item) in document.member("paths")?.mapping ?? [:] {
            guard let path = path.string else { continue }
            for (method, operation) in item.mapping ?? [:] {
                guard let method = method.string, methods.contains(method) else { continue }
                out[Operation(method: method.uppercased(), path: path)] = operation
            }
        }
        return out
    }

    /// The file the binary embeds, as it is in the repository.
    static let sourceFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/QueryService/openapi.yaml")

    @Test(
        "served at /openapi.yaml as application/yaml, OpenAPI 3.1, byte for byte Sources/QueryService/openapi.yaml with the version filled in"
    )
    func served() async throws {
        let text = try String(contentsOf: Self.sourceFile, encoding: .utf8)
        #expect(text.contains("version: \"\(OpenAPIDocument.versionPlaceholder)\""), "the file leaves the version to LumbungVersion")
        let file = Data(text.replacing(OpenAPIDocument.versionPlaceholder, with: LumbungVersion.current).utf8)
        try await withRouter { _, client in
            let r = try await client.get("/openapi.yaml")
            #expect(r.status == .ok)
            #expect(r.contentType == "application/yaml")
            #expect(r.text.hasPrefix("openapi: 3.1.0\n"))
            #expect(r.text == OpenAPIDocument.yaml)
            #expect(Array(buffer: r.body) == Array(file), "the served document differs from Sources/QueryService/openapi.yaml")
            // Public even with no key, and refused with a bad key like every route.
            let bad = try await client.get("/openapi.yaml", token: "lmb_nope_nope")
            expectProblem(bad, .unauthorized)
        }
        #expect(Array(OpenAPIDocument.yaml.utf8) == Array(file))
        let document = try Self.document()
        #expect(document.member("openapi")?.string == "3.1.0")
        #expect(document.member("info")?.member("license")?.member("identifier")?.string == "Apache-2.0")
        #expect(document.member("info")?.member("version")?.string == LumbungVersion.current)
    }

    @Test("every route of the router is described, and every described route exists")
    func everyRoute() async throws {
        let described = Set(Self.operations(try Self.document()).keys.map(\.key))
        try await withEnv { env in
            let router = buildRouter(env.services)
            let routes = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
            #expect(routes.count >= 32)
            #expect(routes.subtracting(described).sorted() == [], "routes missing from openapi.yaml")
            #expect(described.subtracting(routes).sorted() == [], "openapi.yaml describes routes the router does not have")
        }
    }

    @Test("every operation says who may call it and documents its errors as problem+json")
    func securityAndErrors() throws {
        let document = try Self.document()
        let ops = Self.operations(document)
        #expect(!ops.isEmpty)
        for (op, node) in ops {
            let responses = node.member("responses")
            func ref(_ status: String) -> String? { responses?.member(status)?.member("$ref")?.string }
            #expect(node.member("operationId")?.string?.isEmpty == false, "\(op) has no operationId")
            let security = node.member("security")
            #expect(security?.sequence != nil, "\(op) does not say its security")
            let roles = node.member("x-lumbung-roles")?.array(of: String.self)
            #expect(roles?.isEmpty == false, "\(op) does not name its roles")
            let tags = node.member("tags")?.array(of: String.self) ?? []
            // The staff screens answer pages, and a bad bearer key with problem+json as every route.
            let staff = tags.contains("staff")
            #expect(
                ref("401") == (staff ? "#/components/responses/StaffUnauthorized" : "#/components/responses/Unauthorized"),
                "\(op) lacks 401")
            let isPublic = security?.sequence?.isEmpty == true
            #expect(isPublic == (roles == ["public"]), "\(op): security and roles disagree")
            if !isPublic {
                if staff {
                    // Without a live session a staff page answers 401 with the sign-in form.
                    #expect(
                        responses?.member("303") == nil || op.method == "POST", "\(op): a page without a session is 401, not a redirect")
                } else {
                    #expect(ref("403")?.hasPrefix("#/components/responses/Forbidden") == true, "\(op) lacks 403")
                }
            }
            if op.method == "POST" {
                // The portal's and the staff's forms answer HTML pages; the API answers problem+json responses.
                let html = tags.contains("portal") || staff
                for status in ["400", "413"] {
                    if html {
                        #expect(responses?.member(status)?.member("description")?.string != nil, "\(op) lacks \(status)")
                    } else {
                        #expect(ref(status)?.hasPrefix("#/components/responses/") == true, "\(op) lacks \(status)")
                    }
                }
                #expect(node.member("requestBody") != nil, "\(op) has no request body")
            }
            let parameters = node.member("parameters")?.array().compactMap { $0.member("$ref")?.string } ?? []
            if parameters.contains("#/components/parameters/MinPosition") {
                #expect(ref("503") == "#/components/responses/Unavailable", "\(op) lacks 503")
            }
        }
        // Every problem response of the components is problem+json with the shared schema.
        let responses = try #require(document.member("components")?.member("responses")?.mapping)
        #expect(responses.count >= 9)
        for (name, response) in responses {
            let name = name.string ?? "?"
            let problem = response.member("content")?.member("application/problem+json")
            #expect(problem != nil, "\(name) is not problem+json")
            #expect(problem?.member("schema")?.member("$ref")?.string == "#/components/schemas/Problem", "\(name) does not use Problem")
        }
    }

    @Test("the roles each operation names are the roles the router enforces: others get 403, no key 401")
    func rolesEnforced() async throws {
        let document = try Self.document()
        let ops = Self.operations(document)
            .map { (op: $0.key, named: Set($0.value.member("x-lumbung-roles")?.array(of: String.self) ?? [])) }
            .sorted { $0.op.key < $1.op.key }
        let staffOps = Set(
            Self.operations(document).filter { $0.value.member("tags")?.array(of: String.self).contains("staff") == true }.keys)
        try await withRouter { env, client in
            for (op, named) in ops {
                // Path parameters get a value no route holds: a role the route accepts then gets
                // past the role check to a 400 or 404, never a 401 or 403.
                let uri = op.path.replacingOccurrences(of: #"\{[^}]+\}"#, with: "no-such-thing", options: .regularExpression)
                let method = HTTPRequest.Method(rawValue: op.method)!
                let body: String? = method == .post ? "{}" : nil
                if named == ["public"] {
                    let r = try await client.send(method, uri, body: body)
                    #expect(r.status != .unauthorized && r.status != .forbidden, "\(op) without a key: \(r.status)")
                    continue
                }
                #expect(named.contains(Role.admin.rawValue), "\(op): admin may do everything")
                if staffOps.contains(op) {
                    // A session, not a bearer key, opens the staff screens (StaffScreensTests
                    // checks the roles with sessions): without one, a page is 401 with the sign-in
                    // form, and a form is 401.
                    let r = try await client.send(method, uri, body: body)
                    #expect(r.status == .unauthorized, "\(op) without a session: \(r.status)")
                    continue
                }
                expectProblem(try await client.send(method, uri, body: body), .unauthorized)
                for role in Role.allCases {
                    // The live subscription streams until the client goes: only its refusals are asked for.
                    if op.path == "/v1/subscribe" && named.contains(role.rawValue) { continue }
                    let r = try await client.send(method, uri, token: env.token(role), body: body)
                    if named.contains(role.rawValue) {
                        #expect(r.status != .unauthorized && r.status != .forbidden, "\(op) as \(role.rawValue): \(r.text.prefix(200))")
                    } else {
                        expectProblem(r, .forbidden)
                    }
                }
            }
        }
    }

    @Test("the reader finds operations (path items' methods, not their parameters)")
    func reader() throws {
        let yaml = """
            openapi: 3.1.0
            paths:
              /a/{id}:
                parameters:
                  - name: id
                get:
                  operationId: getA
                post:
                  operationId: postA
              /b:
                get:
                  operationId: getB
            components:
              schemas:
                X:
                  get:
                    type: object
            """
        let ops = Self.operations(try Self.document(yaml))
        #expect(Set(ops.keys.map(\.key)) == ["GET /a/{id}", "POST /a/{id}", "GET /b"])
        #expect(ops[Operation(method: "POST", path: "/a/{id}")]?.member("operationId")?.string == "postA")
    }
}

extension Node {
    /// The value of the mapping's member named `key` (a quoted `'401'` as well as a plain one).
    func member(_ key: String) -> Node? {
        mapping?.first { $0.key.string == key }?.value
    }
}
