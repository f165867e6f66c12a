import EventLog
import Foundation
import JSON
import LumbungCore
import PersonalData
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one acknowledged submission carried.
private struct Acknowledged: Sendable {
    let receipt: String
    let nik: String
    let name: String
}

/// Submits applications one by one until the server stops answering; `acknowledged` gets each
/// one the server answered 201.
private final class Submitter: @unchecked Sendable {
    let lock = NSLock()
    private var done: [Acknowledged] = []
    var acknowledged: [Acknowledged] {
        lock.lock()
        defer { lock.unlock() }
        return done
    }

    func run(port: Int, token: String, run: Int) {
        for i in 0..<100_000 {
            // Every fifth application is a second one of an earlier NIK: it must find the same subject.
            let n = i % 5 == 4 ? i - 2 : i
            let nik = "5271\(run)" + String(format: "%011d", n)
            let name = "Pemohon \(run) \(n)"
            let body =
                #"{"documentType":"ktp-el","office":"dukcapil-mataram","channel":"counter","applicant":{"nik":"\#(nik)","name":"\#(name)","phone":"0812\#(String(format: "%08d", n))"}}"#
            guard
                let r = httpRequest(
                    port: port, "POST", "/v1/documents/applications", headers: ["Authorization": "Bearer \(token)"], body: body),
                r.status == 201, let receipt = try? JSONParser.parse(r.body)["receiptNumber"]?.string
            else { return }
            lock.lock()
            done.append(Acknowledged(receipt: receipt, nik: nik, name: name))
            lock.unlock()
        }
    }
}

@Suite("Crash safety of sealed personal data (the real binary)", .serialized)
struct SealedCrashSafetyTests {
    @Test(
        "SIGKILL of a server taking sealed applications, 3 times: every acknowledged application is found by its NIK and its fields open"
    )
    func killWhileSealing() async throws {
        let scratch = try Scratch("sealed-crash")
        var rng = SystemRandomNumberGenerator()
        var killedMidway = 0
        var recovered = 0
        for run in 1...3 {
            let data = scratch.file("data-\(run)")
            let key = try await CLI.run(["keys", "create", "--data-dir", data, "--role", "documents-writer", "--name", "crash"])
            #expect(key.status == 0, "\(key)")
            let token = try #require(try key.json().first?["token"]?.string)
            let server = try Server(dataDirectory: data, scratch: scratch, label: "sealed-crash-\(run)")
            _ = try #require(await server.waitForHealth(timeout: .seconds(120)), "no /health: \(server.log)")
            let submitter = Submitter()
            let port = server.port
            let submitting = Task.detached { submitter.run(port: port, token: token, run: run) }
            // Until some applications were acknowledged, then a random while more (past a
            // checkpoint or not), then SIGKILL: no close, no last checkpoint.
            let deadline = Date().addingTimeInterval(60)
            while submitter.acknowledged.count < 20 && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...1500, using: &rng)))
            if server.process.isRunning {
                kill(server.process.processIdentifier, SIGKILL)
                killedMidway += 1
            }
            server.process.waitUntilExit()
            await submitting.value
            let acknowledged = submitter.acknowledged
            #expect(acknowledged.count >= 20, "run \(run): only \(acknowledged.count) acknowledged")

            // What the vault's file lacked at the kill: the indexes recovered from the log.
            do {
                let store = try EventStore(dataDirectory: data)
                defer { store.close() }
                let vault = try Vault(
                    directory: data + "/" + Vault.directoryName, masterKey: try VaultKeyFile.load(dataDirectory: data, store: store))
                recovered += try PrivacyOffice.recoverIndexes(store: store, vault: vault)
                #expect(try vault.indexedThrough() == store.head().position)
            }

            // Every acknowledged application: its NIK finds a subject; the fields of the last 25
            // (the ones a lost index would hit) and of every 50th open (an export reads the log).
            let services = try LumbungServices(dataDirectory: data)
            let office = PrivacyOffice(services)
            var subjects: [String: String] = [:]
            var unopened: [String] = []
            for (i, a) in acknowledged.enumerated() {
                guard let subject = try? office.subject(nik: a.nik, subject: nil) else {
                    unopened.append("\(a.receipt): the NIK finds no subject")
                    continue
                }
                #expect(subjects[a.nik] == nil || subjects[a.nik] == subject, "run \(run): one NIK, two subjects")
                subjects[a.nik] = subject
                guard i >= acknowledged.count - 25 || i % 50 == 0 else { continue }
                let export = try office.export(subject: subject)
                let found = export.applications.first { $0.applicant.receiptNumber == a.receipt }
                if found?.applicant.nik != a.nik || found?.applicant.name != a.name {
                    unopened.append("\(a.receipt): \(String(describing: found?.applicant))")
                }
            }
            services.close()
            #expect(unopened.isEmpty, "run \(run): \(unopened.count) of \(acknowledged.count): \(unopened.prefix(3))")

            // Through the binary too: the last acknowledged application, and the log verifies.
            let last = try #require(acknowledged.last)
            let export = try await CLI.run(["privacy", "export", "--data-dir", data, "--nik", last.nik])
            #expect(export.status == 0 && export.stdoutText.contains(last.name), "\(export)")
            let verify = try await CLI.run(["verify", "--data-dir", data])
            #expect(verify.status == 0, "\(verify)")
        }
        #expect(killedMidway > 0, "no server was killed while taking applications; the test proved nothing")
        #expect(recovered > 0, "no kill left an index to recover; the test did not reach the recovery")
    }
}
