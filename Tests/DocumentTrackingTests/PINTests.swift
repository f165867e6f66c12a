import EventLog
import Testing

@testable import DocumentTracking

@Suite("PINs: the 8-character form, the old 6-digit form, reissue")
struct PINTests {
    let receipt = "MTR-0123456789"
    let t0 = ts("2018-08-06T09:00:00+08:00")

    func reissue(at: String) -> PinReissued {
        PinReissued(receiptNumber: receipt, pinHash: String(repeating: "c", count: 64), officer: "loket-3", reissuedAt: ts(at))
    }

    @Test func newPINsAre8CrockfordCharactersFromTheGenerator() {
        var generator = SystemRandomNumberGenerator()
        let pins = (0..<200).map { _ in PIN.random(using: &generator) }
        #expect(pins.allSatisfy { $0.wholeMatch(of: /[0-9A-HJKMNP-TV-Z]{8}/) != nil })
        #expect(Set(pins).count == pins.count)
        #expect(pins.allSatisfy { PIN.normalize($0) == $0 })
    }

    @Test func whatAResidentTypesIsNormalized() {
        #expect(PIN.normalize("7k2m-9qxd") == "7K2M9QXD")
        #expect(PIN.normalize(" 7K2M 9QXD ") == "7K2M9QXD")
        #expect(PIN.normalize("oil0-1234") == "0110" + "1234")
        // Old PINs: 6 digits stay as they are, so their stored hashes still match.
        #expect(PIN.normalize("012345") == "012345")
        #expect(PIN.normalize(" 012 345 ") == "012345")
        // Anything else matches no PIN.
        for bad in ["", "12345", "1234567", "ABCDEF", "7K2M9QXDZ", "7K2M9QX", "7K2M9QXU", "7K2M!QXD", "７K2M9QXD"] {
            #expect(PIN.normalize(bad) == nil, "\(bad)")
        }
    }

    @Test func aReissueNeedsASubmittedApplicationAndATimeNotBeforeIt() throws {
        let submitted = Application.State(status: .collected, submittedAt: t0, lastChangedAt: ts("2018-08-20T09:00:00+08:00"))
        let e = reissue(at: "2018-08-10T09:00:00+08:00")
        // Any status, even final, and before the last status change (a PIN is not a step).
        #expect(try Application.decide(.reissuePin(e), submitted) == [.pinReissued(e)])
        #expect(Application.evolve(submitted, .pinReissued(e)) == submitted)
        do {
            _ = try Application.decide(.reissuePin(e), .initial)
            Issue.record("a reissue without an application was accepted")
        } catch {
            #expect(error.field == "data.receiptNumber" && error.code == .ruleViolation)
        }
        do {
            _ = try Application.decide(.reissuePin(reissue(at: "2018-08-05T09:00:00+08:00")), submitted)
            Issue.record("a reissue before the submission was accepted")
        } catch {
            #expect(error.field == "data.reissuedAt" && error.code == .ruleViolation)
        }
    }
}
