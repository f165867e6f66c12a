import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import QueryService

/// The OpenAPI document against the router: served as YAML, and describing every route the
/// router knows (and no route it does not). The document's full validation (and schemathesis
/// against a live server) is `Tests/python/test_openapi.py`.
@Suite("OpenAPI document")
struct OpenAPITests {
    /// One operation of the document: its method and path, and the lines of its block.
    struct Operation: Hashable {
        let method: String
        let path: String
        var key: String { "\(method) \(path)" }
    }

    /// The operations under `paths:` of the document, read from its layout (paths at indent 2,
    /// methods at indent 4), with each operation's block of lines.
    static func operations(_ yaml: String) -> [Operation: [Substring]] {
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
        var out: [Operation: [Substring]] = [:]
        var inPaths = false
        var path: String? = nil
        var current: Operation? = nil
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            let indent = line.prefix { $0 == " " }.count
            let text = line.dropFirst(indent)
            if text.isEmpty || text.hasPrefix("#") { continue }
            if indent == 0 {
                inPaths = text == "paths:"
                current = nil
                continue
            }
            guard inPaths else { continue }
            if indent == 2, text.hasPrefix("/"), text.hasSuffix(":") {
                path = String(text.dropLast())
                current = nil
            } else if indent == 4, text.hasSuffix(":"), methods.contains(String(text.dropLast())), let path {
                let op = Operation(method: text.dropLast().uppercased(), path: path)
                out[op] = []
                current = op
            } else if indent == 4 {
                current = nil
            } else if let op = current {
                out[op, default: []].append(line)
            }
        }
        return out
    }

    @Test("served at /openapi.yaml as application/yaml, OpenAPI 3.1")
    func served() async throws {
        try await withRouter { _, client in
            let r = try await client.get("/openapi.yaml")
            #expect(r.status == .ok)
            #expect(r.contentType == "application/yaml")
            #expect(r.text.hasPrefix("openapi: 3.1.0\n"))
            #expect(r.text == OpenAPIDocument.yaml)
            // Public even with no key, and refused with a bad key like every route.
            let bad = try await client.get("/openapi.yaml", token: "lmb_nope_nope")
            expectProblem(bad, .unauthorized)
        }
    }

    @Test("every route of the router is described, and every described route exists")
    func everyRoute() async throws {
        try await withEnv { env in
            let router = buildRouter(env.services)
            let routes = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
            let described = Set(Self.operations(OpenAPIDocument.yaml).keys.map(\.key))
            #expect(routes.count >= 32)
            #expect(routes.subtracting(described).sorted() == [], "routes missing from openapi.yaml")
            #expect(described.subtracting(routes).sorted() == [], "openapi.yaml describes routes the router does not have")
        }
    }

    @Test("every operation says who may call it and documents its errors as problem+json")
    func securityAndErrors() throws {
        let ops = Self.operations(OpenAPIDocument.yaml)
        #expect(!ops.isEmpty)
        for (op, lines) in ops {
            let block = lines.joined(separator: "\n")
            #expect(block.contains("operationId: "), "\(op.key) has no operationId")
            #expect(block.contains("security:"), "\(op.key) does not say its security")
            #expect(block.contains("x-lumbung-roles: ["), "\(op.key) does not name its roles")
            #expect(block.contains("'401': {$ref: '#/components/responses/Unauthorized'}"), "\(op.key) lacks 401")
            let isPublic = block.contains("security: []")
            #expect(isPublic == block.contains("x-lumbung-roles: [public]"), "\(op.key): security and roles disagree")
            if !isPublic {
                #expect(block.contains("'403': {$ref: '#/components/responses/Forbidden"), "\(op.key) lacks 403")
            }
            if op.method == "POST" {
                // The portal's form answers HTML pages; the API answers problem+json responses.
                let html = block.contains("tags: [portal]")
                for status in ["400", "413"] {
                    let documented = html ? "'\(status)': {description:" : "'\(status)': {$ref: '#/components/responses/"
                    #expect(block.contains(documented), "\(op.key) lacks \(status)")
                }
                #expect(block.contains("requestBody:"), "\(op.key) has no request body")
            }
            if block.contains("$ref: '#/components/parameters/MinPosition'") {
                #expect(block.contains("'503': {$ref: '#/components/responses/Unavailable'}"), "\(op.key) lacks 503")
            }
        }
        // Every problem response of the components is problem+json with the shared schema.
        var responses: [String: String] = [:]
        var section = "", name = ""
        for line in OpenAPIDocument.yaml.split(separator: "\n") {
            let indent = line.prefix { $0 == " " }.count
            if indent == 2 { section = line.trimmingCharacters(in: .whitespaces) }
            guard section == "responses:", indent >= 4 else { continue }
            if indent == 4 { name = line.trimmingCharacters(in: .whitespaces) }
            responses[name, default: ""] += line + "\n"
        }
        #expect(responses.count >= 9)
        for (name, block) in responses {
            #expect(block.contains("application/problem+json:"), "\(name) is not problem+json")
            #expect(block.contains("$ref: '#/components/schemas/Problem'"), "\(name) does not use Problem")
        }
    }

    @Test("the layout reader finds operations and their blocks")
    func reader() {
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
        let ops = Self.operations(yaml)
        #expect(Set(ops.keys.map(\.key)) == ["GET /a/{id}", "POST /a/{id}", "GET /b"])
        #expect(ops[Operation(method: "POST", path: "/a/{id}")]?.joined().contains("postA") == true)
    }
}
