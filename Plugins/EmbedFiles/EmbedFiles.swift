import Foundation
import PackagePlugin

/// Embeds the `.yaml` and `.csv` files of a target in its code at build time: `EmbedFilesTool` writes them
/// into a generated `EmbeddedFiles.swift` (`EmbeddedFiles.openapiYaml` for `openapi.yaml`). The
/// binary then carries the files itself; a SwiftPM resource would be a bundle directory that has
/// to sit beside the binary on Linux.
@main
struct EmbedFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let inputs: [URL] = (Array(target.sourceFiles(withSuffix: "yaml")) + Array(target.sourceFiles(withSuffix: "csv"))).map { $0.url }
        guard !inputs.isEmpty else { return [] }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.map(\.lastPathComponent).joined(separator: ", ")) in \(target.name)",
                executable: try context.tool(named: "EmbedFilesTool").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output])
        ]
    }
}
