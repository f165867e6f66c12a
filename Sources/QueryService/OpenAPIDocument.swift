import LumbungVersion

/// The OpenAPI 3.1 description of the HTTP API, served at `GET /openapi.yaml`.
///
/// The document is `openapi.yaml` beside this file (its opening comments say what it must
/// describe: every route of `buildRouter`). The EmbedFiles plugin embeds it at build time as
/// `EmbeddedFiles.openapiYaml`, byte for byte, so that the binary serves it with no file beside it.
/// Its `info.version` is written `"@LUMBUNG_VERSION@"` in the file and served as
/// `LumbungVersion.current`, so the version has one source.
enum OpenAPIDocument {
    static let versionPlaceholder = "@LUMBUNG_VERSION@"
    static let yaml: String = EmbeddedFiles.openapiYaml.replacing(versionPlaceholder, with: LumbungVersion.current)
}
