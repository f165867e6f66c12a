import Foundation

// The EmbedFiles plugin's tool: `EmbedFilesTool OUTPUT.swift INPUT...` writes a Swift source
// declaring `enum EmbeddedFiles` with one `static let` per input: the file's text, byte for byte,
// as a raw string literal. The name of `openapi.yaml` is `openapiYaml` (the file name in lower
// camel case). Only UTF-8 text with no control characters but newline and tab can be embedded
// this way (a raw literal would turn `\r\n` into `\n`); anything else is refused.

struct EmbedError: Error, CustomStringConvertible {
    let description: String
}

/// `openapi.yaml` -> `openapiYaml`, `market-prices.v2.yaml` -> `marketPricesV2Yaml`.
func identifier(forFileName name: String) throws -> String {
    let words = name.split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }.map(String.init)
    guard let first = words.first, let initial = first.first, initial.isLetter else {
        throw EmbedError(description: "\(name): its name makes no Swift identifier (it must start with a letter)")
    }
    return first.lowercased() + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined()
}

/// The text as a Swift raw multi-line string literal that reads back as exactly the same bytes.
func rawLiteral(_ text: String, name: String) throws -> String {
    for scalar in text.unicodeScalars where scalar.value < 0x20 && scalar != "\n" && scalar != "\t" || scalar.value == 0x7F {
        throw EmbedError(
            description:
                "\(name): holds the control character U+\(String(scalar.value, radix: 16, uppercase: true)); only text with newlines and tabs can be embedded"
        )
    }
    // Enough `#`s that neither the closing delimiter nor an escape occurs in the text.
    var hashes = "#"
    while text.contains("\"\"\"" + hashes) || text.contains("\\" + hashes) { hashes += "#" }
    // The literal's content lies between the newline after the opening delimiter and the newline
    // before the closing one, which sits at column 0 so that no indentation is stripped.
    return hashes + "\"\"\"\n" + text + "\n\"\"\"" + hashes
}

func main() throws {
    let arguments = CommandLine.arguments.dropFirst()
    guard let output = arguments.first, arguments.count >= 2 else {
        throw EmbedError(description: "usage: EmbedFilesTool OUTPUT.swift INPUT...")
    }
    var source = "// Generated at build time by the EmbedFiles plugin (Sources/EmbedFilesTool): do not edit.\n\n"
    source += "/// The files of this target embedded as text, byte for byte.\n"
    source += "enum EmbeddedFiles {\n"
    var seen: Set<String> = []
    for input in arguments.dropFirst().sorted() {
        let url = URL(fileURLWithPath: input)
        let name = url.lastPathComponent
        let data = try Data(contentsOf: url)
        guard let text = String(data: data, encoding: .utf8), Array(text.utf8) == Array(data) else {
            throw EmbedError(description: "\(input) is not UTF-8 text")
        }
        let id = try identifier(forFileName: name)
        guard seen.insert(id).inserted else { throw EmbedError(description: "two files are named \(id)") }
        source += "    /// `\(name)`.\n"
        source += "    static let \(id): String = " + (try rawLiteral(text, name: input)) + "\n"
    }
    source += "}\n"
    let bytes = Data(source.utf8)
    // Rewritten only when it changes, so an unchanged input does not recompile the target.
    if (try? Data(contentsOf: URL(fileURLWithPath: output))) != bytes {
        try bytes.write(to: URL(fileURLWithPath: output), options: .atomic)
    }
}

do {
    try main()
} catch {
    FileHandle.standardError.write(Data("EmbedFilesTool: \(error)\n".utf8))
    exit(1)
}
