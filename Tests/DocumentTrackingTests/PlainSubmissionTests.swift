import Crypto
import DomainKit
import EventLog
import JSON
import PersonalData
import TestSupport
import Testing

@testable import DocumentTracking

/// What the strict reader makes of a submission's `data` (nil: refused).
private func strict(_ data: JSONValue) -> Application.Event? {
    try? Application.Event.read(type: DocumentEvents.applicationSubmitted, data: data)
}

/// A submission's payload read plainly (`Application.Event.plainSubmission`, for a rebuild's folds)
/// is read as the strict reader reads it, with its checks between fields, and never where it refuses.
@Suite("Payloads: the plain reader of submissions")
struct PlainSubmissionTests {
    /// The scenario's submissions: each applicant sealed (with a vault), or by `nikHash` (without).
    static func submissions(sealed: Bool) throws -> [JSONValue] {
        let secret = SymmetricKey(size: .bits256)
        let vault = sealed ? try SealedApplicantTests.vault() : nil
        return DocumentTrackingScenario.scenario(seed: 2018, scale: 0.05, secret: secret, vault: vault).map(\.event)
            .filter { $0.type == DocumentEvents.applicationSubmitted }.map(\.dataValue)
    }

    @Test("every submission of the scenario reads plainly, as the strict reader reads it", arguments: [true, false])
    func scenarioReadsAlike(sealed: Bool) throws {
        let all = try Self.submissions(sealed: sealed)
        #expect(all.count > 10)
        var subjects = 0
        for data in all {
            let plain = Application.Event.plainSubmission(data)
            #expect(plain != nil, "not read plainly: \(String(decoding: CanonicalJSON.encode(data), as: UTF8.self))")
            #expect(plain == strict(data))
            if case .submitted(let s)? = plain, s.applicant.subject != nil { subjects += 1 }
        }
        // With a vault, applicants are sealed under their subject; without, known by nikHash.
        #expect(sealed ? subjects > 0 : subjects == 0, "\(subjects) of \(all.count) sealed")
    }

    @Test("a submission changed anywhere is read plainly only as the strict reader reads it, and never where it refuses")
    func changedPayloads() throws {
        // With a sealed applicant and notifications chosen, and by nikHash.
        let picked = try [
            #require(Self.submissions(sealed: true).first { $0["notify"] != nil && $0["applicant"]?["subject"] != nil }),
            #require(Self.submissions(sealed: false).first),
        ]
        var read = 0
        var refused = 0
        for data in picked {
            for (label, changed) in PayloadMutations.changes(of: data) {
                let expected = strict(changed)
                if let plain = Application.Event.plainSubmission(changed) {
                    #expect(plain == expected, "\(label)")
                    read += 1
                }
                if expected == nil { refused += 1 }
            }
        }
        // Both sides of the contract were exercised (few changes keep a submission valid: a time, a
        // channel, the notifications).
        #expect(read >= 5 && refused > 500, "read \(read), refused \(refused)")
    }

    @Test("a personal field in clear, and the checks between fields, are left to the strict reader, which refuses them")
    func refusedLeftToStrict() throws {
        let sealed = try #require(Self.submissions(sealed: true).first { $0["notify"] != nil && $0["applicant"]?["subject"] != nil })
        let byHash = try #require(Self.submissions(sealed: false).first)
        guard case .object(let applicant)? = sealed["applicant"], let nikHash = byHash["applicant"]?["nikHash"],
            case .object(let byHashMembers) = byHash, byHash["notify"] == nil
        else {
            Issue.record("the scenario's applicants have changed shape")
            return
        }
        let cases: [(String, JSONValue)] = [
            ("a NIK in clear", PayloadMutations.replacing(byHash, [.member("applicant")], with: ["nik": "5271010101010001"])),
            ("a phone in clear", PayloadMutations.replacing(sealed, [.member("applicant"), .member("phone")], with: "081234567890")),
            ("a subject without a sealed NIK", PayloadMutations.replacing(sealed, [.member("applicant"), .member("nik")], with: nil)),
            (
                "nikHash beside a subject",
                PayloadMutations.replacing(sealed, [.member("applicant")], with: .object(applicant + [(key: "nikHash", value: nikHash)]))
            ),
            ("a channel chosen twice", PayloadMutations.replacing(sealed, [.member("notify")], with: ["email", "email"])),
            ("e-mail chosen without one", .object(byHashMembers + [(key: "notify", value: ["email"])])),
        ]
        for (label, data) in cases {
            #expect(strict(data) == nil, "\(label): \(String(decoding: CanonicalJSON.encode(data), as: UTF8.self))")
            #expect(Application.Event.plainSubmission(data) == nil, "\(label)")
        }
    }
}
