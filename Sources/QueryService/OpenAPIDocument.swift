/// The OpenAPI 3.1 description of the HTTP API, served at `/openapi.yaml`.
enum OpenAPIDocument {
    static let yaml = """
        openapi: 3.1.0
        info:
          title: Lumbung
          version: 0.1.0
        paths: {}
        """
}
