import Crypto
import EventLog
import Foundation
import MataramReference
import Testing

@testable import DocumentTracking

@Suite("Reference tables, secrets and receipt numbers")
struct ReferenceTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/documents")

    func rows(_ file: String) throws -> [[String]] {
        let text = try String(contentsOf: Self.fixtures.appendingPathComponent(file), encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    @Test func officesCSVAgreesWithTheEmbeddedTable() throws {
        let csv = try rows("../../Sources/DocumentTracking/Model/offices.csv")
        #expect(csv.count == Office.all.count)
        for (row, office) in zip(csv, Office.all) {
            #expect(row == [office.id, office.name, office.shortName, office.kind, office.kecamatanCode ?? ""])
        }
    }

    @Test func everyKecamatanHasItsOfficeWithTheRightCode() {
        for k in Mataram.kecamatan {
            let office = Office.all.first { $0.kecamatanCode == k.code }
            #expect(office?.name == "Kantor Kecamatan \(k.name)")
        }
        #expect(Office.all.filter { $0.kind == "kecamatan" }.count == Mataram.kecamatan.count)
    }

    @Test func slaCSVAgreesWithTheEmbeddedTable() throws {
        let csv = try rows("sla.csv")
        #expect(csv.count == DocumentType.allCases.count)
        for row in csv {
            let type = try #require(DocumentType(rawValue: row[0]))
            #expect(SLATable.mataram.days(for: type) == Int(row[1]))
        }
    }

    @Test func hashesAreKeyedHMACs() {
        let other = SymmetricKey(data: Data(repeating: 8, count: 32))
        let nik = "5271014507850001"
        #expect(DocumentSecrets.isHash(DocumentSecrets.nikHash(nik: nik, secret: testSecret)))
        #expect(DocumentSecrets.nikHash(nik: nik, secret: testSecret) != DocumentSecrets.nikHash(nik: nik, secret: other))
        let plain = SHA256.hash(data: Data(nik.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(DocumentSecrets.nikHash(nik: nik, secret: testSecret) != plain)
        // The PIN's hash is bound to its receipt number.
        #expect(
            DocumentSecrets.pinHash(receiptNumber: "MTR-0000000001", pin: "123456", secret: testSecret)
                != DocumentSecrets.pinHash(receiptNumber: "MTR-0000000002", pin: "123456", secret: testSecret))
        // RFC 4231 test case 2, through the same hex path.
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("what do ya want for nothing?".utf8), using: SymmetricKey(data: Data("Jefe".utf8)))
        #expect(DocumentSecrets.hex(Array(mac)) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func constantTimeEqualityIsEquality() {
        let a = Array("0123456789abcdef".utf8)
        #expect(DocumentSecrets.constantTimeEqual(a, a))
        #expect(!DocumentSecrets.constantTimeEqual(a, Array("0123456789abcdee".utf8)))
        #expect(!DocumentSecrets.constantTimeEqual(a, Array("1123456789abcdef".utf8)))
        #expect(!DocumentSecrets.constantTimeEqual(a, Array(a.dropLast())))
        #expect(!DocumentSecrets.constantTimeEqual([], a))
        #expect(DocumentSecrets.constantTimeEqual([], []))
        #expect(!DocumentSecrets.constantTimeEqual([UInt8](repeating: 0, count: 256), []))
    }

    @Test func receiptNumbersAreCrockfordBase32() {
        #expect(ReceiptNumber.encode(0) == "MTR-0000000000")
        #expect(ReceiptNumber.encode((1 << 50) - 1) == "MTR-ZZZZZZZZZZ")
        #expect(ReceiptNumber.encode(1 << 50) == "MTR-0000000000")  // 50 bits only
        #expect(ReceiptNumber.isValid("MTR-7GQ2K9XW4D"))
        for bad in [
            "MTR-7GQ2K9XW4", "MTR-7GQ2K9XW4DD", "mtr-7GQ2K9XW4D", "MTR-7GQ2K9XW4U", "MTR-7GQ2K9XW4I", "XYZ-7GQ2K9XW4D", "MTR7GQ2K9XW4DX",
        ] {
            #expect(!ReceiptNumber.isValid(bad), "\(bad)")
        }
        #expect(ReceiptNumber.normalize("mtr-7gq2k9xw4d") == "MTR-7GQ2K9XW4D")
        #expect(ReceiptNumber.normalize("MTR 7GQ2K-9XW4D") == "MTR-7GQ2K9XW4D")
        #expect(ReceiptNumber.normalize("7GQ2K9XW4D") == "MTR-7GQ2K9XW4D")
        #expect(ReceiptNumber.normalize("MTR-OIL0000000") == "MTR-0110000000")
        #expect(ReceiptNumber.normalize("MTR-UUUUUUUUUU") == nil)
        #expect(ReceiptNumber.normalize("MTR-123") == nil)
        var g = SystemRandomNumberGenerator()
        let many = (0..<1000).map { _ in ReceiptNumber.random(using: &g) }
        #expect(Set(many).count == 1000)
        #expect(many.allSatisfy(ReceiptNumber.isValid))
        #expect(Names.isStreamName("application-" + many[0]))
    }

    @Test func scenarioNIKsFollowTheNIKLayout() {
        for i in 0..<500 {
            let nik = DocumentTrackingScenario.scenarioNIK(seed: 1, index: i)
            #expect(nik.count == 16 && nik.hasPrefix("5271"))
            let kec = Int(nik.dropFirst(4).prefix(2)) ?? 0
            let dd = Int(nik.dropFirst(6).prefix(2)) ?? 0
            let mm = Int(nik.dropFirst(8).prefix(2)) ?? 0
            #expect((1...6).contains(kec))
            #expect((1...28).contains(dd) || (41...68).contains(dd))
            #expect((1...12).contains(mm))
        }
    }
}

extension Names {
    static func isStreamName(_ s: String) -> Bool { (try? checkStream(s)) != nil }
}
