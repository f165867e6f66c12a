import Foundation
import Testing

@testable import Projections

/// `ViewJSONWritable` values write the bytes `JSONEncoder` writes for their `Codable` form, and a
/// writer that gives its members out of key order stops rather than store other bytes.
@Suite struct ViewJSONWritableTests {
    enum Kind: String, Codable { case first, second = "second-kind" }

    struct Entry: Codable, ViewJSONWritable {
        var b: Int
        var a: String?
        func write(into o: inout ViewJSONObject) {
            o.string("a", a)
            o.integer("b", b)
        }
    }

    struct Record: Codable, ViewJSONWritable {
        var name: String
        var count: UInt64
        var delta: Int
        var kind: Kind
        var maybe: Kind?
        var note: String?
        var entries: [Entry]
        var nameLong: String

        func write(into o: inout ViewJSONObject) {
            o.integer("count", count)
            o.integer("delta", delta)
            o.objects("entries", entries)
            o.choice("kind", kind)
            o.choice("maybe", maybe)
            o.string("name", name)
            o.string("nameLong", nameLong)
            o.string("note", note)
        }
    }

    @Test func writesWhatJSONEncoderWrites() throws {
        let values = [
            Record(
                name: "Pasar \"Kebon\" Roek / é \u{1F} \\", count: UInt64.max, delta: -42, kind: .second, maybe: .first, note: "",
                entries: [Entry(b: 1, a: "x"), Entry(b: 2, a: nil)], nameLong: "\u{2028}\u{7F}"),
            Record(name: "", count: 0, delta: 0, kind: .first, maybe: nil, note: nil, entries: [], nameLong: "n"),
        ]
        for value in values {
            let expected = [UInt8](try ViewCoding.encoder.encode(value))
            #expect(value.viewJSON == expected, "\(String(decoding: value.viewJSON, as: UTF8.self))")
            #expect(try ViewCoding.encode(value) == expected)
        }
    }

    struct OutOfOrder: Codable, ViewJSONWritable {
        var a = 1
        var b = 2
        func write(into o: inout ViewJSONObject) {
            o.integer("b", b)
            o.integer("a", a)
        }
    }

    @Test func membersOutOfKeyOrderStopTheProcess() async {
        await #expect(processExitsWith: .failure) {
            _ = OutOfOrder().viewJSON
        }
    }
}
