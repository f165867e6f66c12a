import Foundation
import Testing

/// `lumbung config show` and the options of serve, relay and follow from LUMBUNG_* and --config.
@Suite("Configuration: flag over environment over file")
struct ConfigTests {
    /// `lumbung args...` with `environment` added to the usual one.
    static func run(_ args: [String], environment: [String: String] = [:]) async throws -> CLIResult {
        let binary = try CLI.requireBinary().path
        return try await CLI.runTool(["-u", "LUMBUNG_DATA_DIR"] + environment.map { "\($0.key)=\($0.value)" } + [binary] + args)
    }

    static func shown(_ r: CLIResult) throws -> [String: (value: String, source: String)] {
        var out: [String: (String, String)] = [:]
        for line in String(decoding: r.stdout, as: UTF8.self).split(separator: "\n") {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let value = (o["value"] as? String) ?? ((o["value"] as? [String])?.joined(separator: ",") ?? "")
            out[o["key"] as? String ?? ""] = (value, o["source"] as? String ?? "")
        }
        return out
    }

    @Test("a flag beats LUMBUNG_*, which beats the file's section, which beats the file's top level, which beats the default")
    func precedence() async throws {
        let scratch = try Scratch("config-precedence")
        let file = scratch.file("lumbung.json")
        try #"{"port": 9001, "host": "10.1.1.1", "ready-max-lag": 5, "idle-timeout": 7, "serve": {"idle-timeout": 8}}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let r = try await Self.run(
            ["config", "show", "serve", "--config", file, "--", "--host", "::1"],
            environment: ["LUMBUNG_PORT": "9002", "LUMBUNG_HOST": "10.2.2.2"])
        #expect(r.status == 0, "\(r.stderr)")
        let shown = try Self.shown(r)
        #expect(shown["host"]?.value == "::1" && shown["host"]?.source == "flag")
        #expect(shown["port"]?.value == "9002" && shown["port"]?.source == "environment LUMBUNG_PORT")
        #expect(shown["idle-timeout"]?.value == "8" && shown["idle-timeout"]?.source == "file \(file) (key serve.idle-timeout)")
        #expect(shown["ready-max-lag"]?.value == "5" && shown["ready-max-lag"]?.source == "file \(file) (key ready-max-lag)")
        #expect(shown["max-connections"]?.value == "1024" && shown["max-connections"]?.source == "default")
    }

    @Test("a bad value names its key and its source: a flag, LUMBUNG_*, the file; the command does not start")
    func badValues() async throws {
        let scratch = try Scratch("config-bad")
        let file = scratch.file("bad.json")
        try #"{"serve": {"port": "eighty"}}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let data = scratch.file("data")
        let flag = try await Self.run(["serve", "--data-dir", data, "--port", "x1"])
        #expect(flag.status == 64)
        #expect(flag.stderr.contains("'x1'") && flag.stderr.contains("--port"), "\(flag.stderr)")
        let env = try await Self.run(["serve", "--data-dir", data], environment: ["LUMBUNG_PORT": "x2"])
        #expect(env.status == 64)
        #expect(env.stderr.contains("environment LUMBUNG_PORT") && env.stderr.contains("'x2'"), "\(env.stderr)")
        let fromFile = try await Self.run(["serve", "--data-dir", data, "--config", file])
        #expect(fromFile.status == 64)
        #expect(fromFile.stderr.contains("file \(file) (key serve.port)") && fromFile.stderr.contains("'eighty'"), "\(fromFile.stderr)")
        let flagOverFile = try await Self.run(["config", "show", "serve", "--config", file, "--", "--port", "8081"])
        #expect(flagOverFile.status == 0, "a flag replaces the file's bad value: \(flagOverFile.stderr)")
        #expect(!FileManager.default.fileExists(atPath: data), "a refused start wrote nothing")
    }

    @Test("secrets (passwords, tokens, key material) print as <redacted>, from the environment and from the file")
    func secretsNeverPrint() async throws {
        let scratch = try Scratch("config-secrets")
        let sentinel = "s3cr3t-sentinel-value"
        let names = ["nats-password", "nats-token", "nats-creds", "primary-key", "nats-nkey-seed"]
        let file = scratch.file("secrets.json")
        let members = names.map { "\"\($0)\": \"\(sentinel)\"" }.joined(separator: ", ")
        try "{\(members)}".write(toFile: file, atomically: true, encoding: .utf8)
        var environment: [String: String] = [:]
        for name in names { environment["LUMBUNG_" + name.uppercased().replacingOccurrences(of: "-", with: "_")] = sentinel }
        for command in ["serve", "relay", "follow"] {
            for env in [environment, [:]] {
                let r = try await Self.run(["config", "show", command, "--config", file], environment: env)
                let out = String(decoding: r.stdout, as: UTF8.self)
                #expect(!out.contains(sentinel) && !r.stderr.contains(sentinel), "\(command): \(out) \(r.stderr)")
                for (key, shown) in try Self.shown(r) where names.contains(key) {
                    #expect(shown.value == "<redacted>", "\(command) \(key)")
                }
            }
        }
    }
}
