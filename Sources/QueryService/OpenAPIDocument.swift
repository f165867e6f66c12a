/// The OpenAPI 3.1 description of the HTTP API, served at `GET /openapi.yaml`.
///
/// The document is `openapi.yaml` beside this file (its opening comments say what it must
/// describe: every route of `buildRouter`). The EmbedFiles plugin embeds it at build time as
/// `EmbeddedFiles.openapiYaml`, byte for byte, so that the binary serves it with no file beside it.
enum OpenAPIDocument {
    static let yaml: String = EmbeddedFiles.openapiYaml
}
