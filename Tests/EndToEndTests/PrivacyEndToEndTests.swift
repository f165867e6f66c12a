import Foundation
import JSON
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files under `directory` that hold any of `secrets` in clear.
private func leaks(_ secrets: [String], under directory: String) -> [String] {
    DataDirectoryFiles.all(under: directory).flatMap { file in
        secrets.filter { file.bytes.firstRange(of: Array($0.utf8)) != nil }.map { "\(file.path) holds \($0)" }
    }
}

@Suite("personal data: sealed, exported, forgotten (the real binary)", .serialized)
struct PrivacyEndToEndTests {
    static let nik = "5271010101900001"
    static let otherNIK = "5271020202850002"
    static let name = "Baiq Nurul Aini"
    static let phone = "081234567890"

    @Test("no clear personal data in the data directory; export opens it; forget erases it for good, the log still verifies")
    func sealedExportedForgotten() async throws {
        let scratch = try Scratch("privacy")
        let data = scratch.file("data")
        func token(_ role: String) async throws -> String {
            let r = try await CLI.run(["keys", "create", "--data-dir", data, "--role", role, "--name", "e2e-\(role)"])
            #expect(r.status == 0, "\(r)")
            return try #require(try r.json().first?["token"]?.string)
        }
        let officer = try await token("documents-writer")
        let privacy = try await token("privacy-officer")
        let server = try Server(dataDirectory: data, scratch: scratch, label: "privacy")
        _ = try #require(await server.waitForHealth(timeout: .seconds(120)), "no /health: \(server.log)")
        func call(_ method: String, _ path: String, _ key: String? = nil, _ body: String? = nil) throws -> (status: Int, json: JSONValue) {
            let r = try #require(
                httpRequest(port: server.port, method, path, headers: key.map { ["Authorization": "Bearer \($0)"] } ?? [:], body: body))
            return (r.status, (try? JSONParser.parse(r.body)) ?? .null)
        }

        // Submitted with a NIK, a name and a phone number.
        let submitted = try call(
            "POST", "/v1/documents/applications", officer,
            #"{"documentType":"ktp-el","office":"dukcapil-mataram","channel":"counter","applicant":{"nik":"\#(Self.nik)","name":"\#(Self.name)","phone":"\#(Self.phone)"}}"#
        )
        #expect(submitted.status == 201 || submitted.status == 200, "\(submitted)")
        let receipt = try #require(submitted.json["receiptNumber"]?.string)
        let pin = try #require(submitted.json["pin"]?.string)
        // Another resident, who is not forgotten.
        let other = try call(
            "POST", "/v1/documents/applications", officer,
            #"{"documentType":"kk","office":"dukcapil-mataram","channel":"counter","applicant":{"nik":"\#(Self.otherNIK)","name":"Lalu Ahmad","phone":"081398765432"}}"#
        )
        #expect(other.status == 201 || other.status == 200, "\(other)")

        // Free text with a NIK or a phone number: 400 naming the field, nothing written.
        let head = try #require(try call("GET", "/health").json["headPosition"]?.int)
        for reason in ["NIK \(Self.nik) a.n. \(Self.name)", "hubungi HP \(Self.phone)"] {
            let refused = try call(
                "POST", "/v1/documents/applications/\(receipt)/status", officer,
                #"{"to":"revision-requested","reason":"\#(reason)","officer":"petugas-01"}"#)
            #expect(refused.status == 400, "\(refused)")
            #expect(refused.json["errors"]?.arrayValue?.first?["field"]?.string == "reason", "\(refused)")
        }
        #expect(try call("GET", "/health").json["headPosition"]?.int == head)
        let moved = try call(
            "POST", "/v1/documents/applications/\(receipt)/status", officer, #"{"to":"verified","officer":"petugas-01"}"#)
        #expect(moved.status == 200 || moved.status == 201, "\(moved)")

        // The officer sees the applicant opened; the public lookup never does.
        let seen = try call("GET", "/v1/documents/applications/\(receipt)/applicant", officer)
        #expect(seen.status == 200, "\(seen)")
        #expect(seen.json["name"]?.string == Self.name && seen.json["nik"]?.string == Self.nik && seen.json["phone"]?.string == Self.phone)
        let subject = try #require(seen.json["subject"]?.string)
        let lookup = try #require(httpRequest(port: server.port, "GET", "/v1/documents/applications/\(receipt)?pin=\(pin)"))
        #expect(lookup.status == 200)
        for clear in [Self.nik, "Baiq", Self.phone, subject] { #expect(!lookup.body.contains(clear)) }

        // Nowhere in clear: not in the log, the views, the vault, the keys, the server's output.
        #expect(leaks([Self.nik, "Baiq Nurul", Self.phone], under: data) == [])
        #expect(!server.log.contains(Self.nik) && !server.log.contains("Baiq") && !server.log.contains(Self.phone))
        let exported = try await CLI.run(["export", "--data-dir", data])
        #expect(exported.status == 0, "\(exported)")
        for clear in [Self.nik, "Baiq", Self.phone] { #expect(!exported.stdoutText.contains(clear)) }

        // Access: the privacy officer's export (API, recorded) and the CLI's.
        let byAPI = try call("POST", "/v1/privacy/export", privacy, #"{"nik":"\#(Self.nik)","purpose":"permintaan akses warga"}"#)
        #expect(byAPI.status == 200, "\(byAPI)")
        #expect(byAPI.json["applications"]?[0]?["applicant"]?["name"]?.string == Self.name)
        #expect(try call("POST", "/v1/privacy/export", officer, #"{"nik":"\#(Self.nik)"}"#).status == 403)
        let accessLog = try call("GET", "/v1/privacy/access-log", privacy)
        let purposes = accessLog.json["entries"]?.arrayValue?.compactMap { $0["purpose"]?.string } ?? []
        #expect(purposes == ["application-review", "permintaan akses warga"], "\(accessLog)")
        #expect(accessLog.json["entries"]?[0]?["subject"]?.string == subject)
        let byCLI = try await CLI.run(["privacy", "export", "--data-dir", data, "--nik", Self.nik])
        #expect(byCLI.status == 0, "\(byCLI)")
        #expect(byCLI.stdoutText.contains(Self.name) && byCLI.stdoutText.contains(Self.phone))

        // A signed tree head from before the erasure.
        let digest = try await CLI.run(["audit", "digest", "--data-dir", data])
        #expect(digest.status == 0, "\(digest)")
        let digestFile = try scratch.write("digest.json", digest.stdoutText)
        let publicKey = try #require(try await CLI.run(["audit", "public-key", "--data-dir", data]).json().first?["publicKey"]?.string)
        let proof = try await CLI.run(["audit", "prove", "--data-dir", data, "--position", "3"])
        #expect(proof.status == 0, "\(proof)")

        // Forget (privacy officer only). The vault's master key is rotated by it.
        let keyBefore = try #require(FileManager.default.contents(atPath: data + "/vault.key"))
        #expect(try call("POST", "/v1/privacy/forget", officer, #"{"nik":"\#(Self.nik)"}"#).status == 403)
        let forgot = try call("POST", "/v1/privacy/forget", privacy, #"{"nik":"\#(Self.nik)"}"#)
        #expect(forgot.status == 200, "\(forgot)")
        #expect(forgot.json["subject"]?.string == subject)
        #expect(try call("POST", "/v1/privacy/forget", privacy, #"{"nik":"\#(Self.nik)"}"#).status == 404)
        let erased = try call("GET", "/v1/documents/applications/\(receipt)/applicant", officer)
        #expect(erased.json["erased"]?.boolValue == true && erased.json["name"]?.string == "[dihapus]", "\(erased)")
        let after = try #require(httpRequest(port: server.port, "GET", "/v1/documents/applications/\(receipt)?pin=\(pin)"))
        #expect(after.status == 200 && after.body.contains("verified"), "\(after)")

        // The other resident is still found by NIK and opens, under the new master key.
        let stillThere = try call("POST", "/v1/privacy/export", privacy, #"{"nik":"\#(Self.otherNIK)"}"#)
        #expect(stillThere.json["applications"]?[0]?["applicant"]?["name"]?.string == "Lalu Ahmad", "\(stillThere)")
        let keyAfter = try #require(FileManager.default.contents(atPath: data + "/vault.key"))
        #expect(keyAfter != keyBefore, "vault.key was not rotated by the erasure")

        kill(server.process.processIdentifier, SIGTERM)
        #expect(await server.waitForExit(timeout: .seconds(60)) == 0)

        // The log is whole, and the earlier signed head is still a prefix of it.
        let verify = try await CLI.run(["verify", "--data-dir", data])
        #expect(verify.status == 0, "\(verify)")
        let consistent = try await CLI.run([
            "audit", "consistency", "--data-dir", data, "--digest", digestFile, "--public-key", publicKey,
        ])
        #expect(consistent.status == 0, "\(consistent)")
        // An inclusion proof made before the erasure is the same proof now, in the same tree.
        let treeSize = try #require(try proof.json().first?["treeSize"]?.int)
        let again = try await CLI.run(["audit", "prove", "--data-dir", data, "--position", "3", "--tree-size", String(treeSize)])
        #expect(again.stdoutText == proof.stdoutText, "\(again)")
        #expect(try consistent.json().first?["ok"]?.boolValue == true)
        // The event names the subject only by its pseudonym.
        let read = try await CLI.run(["read", "--data-dir", data, "--all", "--type", "privacy.subject-forgotten"])
        #expect(read.stdoutText.contains(subject) && !read.stdoutText.contains(Self.nik), "\(read)")

        // Nothing opens it again: not here, not in a backup taken now.
        let backup = scratch.file("backup")
        let b = try await CLI.run(["backup", "--data-dir", data, backup])
        #expect(b.status == 0, "\(b)")
        for dir in [data, backup] {
            #expect(leaks([Self.nik, "Baiq Nurul", Self.phone], under: dir) == [])
            // The master key the forgotten subject's key was wrapped under is in no file: what
            // LMDB's freed pages may hold of that wrapped key opens with no key that exists.
            #expect(DataDirectoryFiles.holding(Array(keyBefore), under: dir) == [])
            let export = try await CLI.run(["privacy", "export", "--data-dir", dir, "--subject", subject])
            #expect(export.status == 0, "\(export)")
            #expect(!export.stdoutText.contains(Self.name) && export.stdoutText.contains("[dihapus]"), "\(export)")
            let byNIK = try await CLI.run(["privacy", "export", "--data-dir", dir, "--nik", Self.nik])
            #expect(byNIK.status != 0, "the NIK still finds its subject: \(byNIK)")
        }
    }
}
