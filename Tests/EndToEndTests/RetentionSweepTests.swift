import Foundation
import JSON
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("privacy sweep: retention by erasure (the real binary)", .serialized)
struct RetentionSweepTests {
    static let collectedLongAgo = "5271010101900001"
    static let collectedRecently = "5271010101900002"
    static let stillOpen = "5271010101900003"

    @Test(
        "a subject past retention is forgotten, one not past and one with an open application are kept; dry-run and bad input write nothing"
    )
    func sweep() async throws {
        let scratch = try Scratch("sweep")
        let data = scratch.file("data")
        let key = try await CLI.run(["keys", "create", "--data-dir", data, "--role", "documents-writer", "--name", "sweep"])
        let token = try #require(try key.json().first?["token"]?.string)
        let server = try Server(dataDirectory: data, scratch: scratch, label: "sweep")
        _ = try #require(await server.waitForHealth(timeout: .seconds(120)), "no /health: \(server.log)")
        func call(_ method: String, _ path: String, _ body: String) throws -> JSONValue {
            let r = try #require(httpRequest(port: server.port, method, path, headers: ["Authorization": "Bearer \(token)"], body: body))
            #expect(r.status == 200 || r.status == 201, "\(method) \(path): \(r)")
            return (try? JSONParser.parse(r.body)) ?? .null
        }
        /// Submits an application of `nik` in January 2018 and, when `collectedOn` is given,
        /// moves it through to `collected` on that day.
        func application(_ nik: String, collectedOn day: String?) throws {
            let submitted = try call(
                "POST", "/v1/documents/applications",
                #"{"documentType":"ktp-el","office":"dukcapil-mataram","channel":"counter","submittedAt":"2018-01-02T09:00:00+08:00","applicant":{"nik":"\#(nik)","name":"Warga \#(nik.suffix(1))","phone":"081234567890"}}"#
            )
            let receipt = try #require(submitted["receiptNumber"]?.string)
            guard let day else { return }
            for (i, status) in ["verified", "in-process", "signed", "ready"].enumerated() {
                _ = try call(
                    "POST", "/v1/documents/applications/\(receipt)/status",
                    #"{"to":"\#(status)","officer":"petugas-01","changedAt":"2018-01-0\#(i + 3)T09:00:00+08:00"}"#)
            }
            _ = try call(
                "POST", "/v1/documents/applications/\(receipt)/status",
                #"{"to":"collected","officer":"petugas-01","changedAt":"\#(day)T10:00:00+08:00"}"#)
        }
        try application(Self.collectedLongAgo, collectedOn: "2018-03-01")
        try application(Self.collectedRecently, collectedOn: "2024-06-01")
        try application(Self.stillOpen, collectedOn: "2018-02-01")
        try application(Self.stillOpen, collectedOn: nil)  // a second application, still open
        kill(server.process.processIdentifier, SIGTERM)
        #expect(await server.waitForExit(timeout: .seconds(60)) == 0)

        func head() async throws -> Int {
            let stats = try await CLI.run(["stats", "--data-dir", data])
            return try #require(try stats.json().first?["headPosition"]?.int, "\(stats)")
        }
        func exportable(_ nik: String) async throws -> Bool {
            try await CLI.run(["privacy", "export", "--data-dir", data, "--nik", nik]).status == 0
        }
        let before = try await head()

        // Bad input: a clear error naming the problem, nothing written.
        for (args, says) in [
            (["--applications-retention", "5x"], "--applications-retention"),
            (["--applications-retention", "0y"], "at least 1 day"),
            (["--applications-retention", "500y"], "at most 100 years"),
            ([], "no retention is set"),
            (["--applications-retention", "5y", "--as-of", "2999-01-01"], "in the future"),
            (["--applications-retention", "5y", "--as-of", "kemarin"], "--as-of"),
        ] {
            let r = try await CLI.run(["privacy", "sweep", "--data-dir", data] + args)
            #expect(r.status != 0 && r.stderr.contains(says), "\(args): \(r)")
        }
        let missing = try await CLI.run(["privacy", "sweep", "--data-dir", scratch.file("nowhere"), "--applications-retention", "5y"])
        #expect(missing.status != 0 && missing.stderr.contains("no log"), "\(missing)")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("nowhere")))
        #expect(try await head() == before)

        // A dry run says what is due, and writes nothing.
        let dry = try await CLI.run([
            "privacy", "sweep", "--data-dir", data, "--applications-retention", "5y", "--as-of", "2026-01-01", "--dry-run",
        ])
        #expect(dry.status == 0, "\(dry)")
        let plan = try #require(try dry.json().first)
        #expect(plan["dryRun"]?.boolValue == true && plan["forgotten"]?.int == 0)
        #expect(plan["due"]?.arrayValue?.count == 1, "\(plan)")
        #expect(plan["due"]?[0]?["dueAt"]?.string == "2023-03-01T02:00:00.000Z", "\(plan)")
        #expect(plan["due"]?[0]?["position"] == .null)
        #expect(plan["kept"]?["open"]?.int == 1 && plan["kept"]?["notDue"]?.int == 1, "\(plan)")
        #expect(try await head() == before)
        #expect(try await exportable(Self.collectedLongAgo))
        // A dry run may look ahead: in 2030 the recently collected one is due as well.
        let ahead = try await CLI.run([
            "privacy", "sweep", "--data-dir", data, "--applications-retention", "5y", "--as-of", "2030-01-01", "--dry-run",
        ])
        #expect(try ahead.json().first?["due"]?.arrayValue?.count == 2, "\(ahead)")

        // The retention from the config file (its section), as `config show` tells.
        let config = try scratch.write("lumbung.json", #"{"privacy":{"sweep":{"applications-retention":"5y"}}}"#)
        let shown = try await CLI.run(["config", "show", "privacy sweep", "--config", config])
        #expect(shown.status == 0, "\(shown)")
        let option = try shown.json().first { $0["key"]?.string == "applications-retention" }
        #expect(option?["value"]?.string == "5y" && option?["source"]?.string?.contains("privacy.sweep.applications-retention") == true)
        let swept = try await CLI.run(["privacy", "sweep", "--data-dir", data, "--config", config, "--as-of", "2026-01-01"])
        #expect(swept.status == 0, "\(swept)")
        let done = try #require(try swept.json().first)
        #expect(done["forgotten"]?.int == 1 && done["dryRun"]?.boolValue == false, "\(done)")
        let subject = try #require(done["due"]?[0]?["subject"]?.string)
        #expect(done["due"]?[0]?["position"]?.int == before + 1, "\(done)")
        #expect(try await head() == before + 1)
        #expect(try await !exportable(Self.collectedLongAgo))
        #expect(try await exportable(Self.collectedRecently))
        #expect(try await exportable(Self.stillOpen))
        let forgotten = try await CLI.run(["read", "--data-dir", data, "--all", "--type", "privacy.subject-forgotten"])
        #expect(forgotten.stdoutText.contains(subject), "\(forgotten)")

        // Again: nothing more is due; the forgotten one is counted as such.
        let again = try await CLI.run([
            "privacy", "sweep", "--data-dir", data, "--applications-retention", "5y", "--as-of", "2026-01-01",
        ])
        #expect(try again.json().first?["forgotten"]?.int == 0 && again.json().first?["alreadyForgotten"]?.int == 1, "\(again)")
        #expect(try await head() == before + 1)
        let verify = try await CLI.run(["verify", "--data-dir", data])
        #expect(verify.status == 0, "\(verify)")
    }
}
