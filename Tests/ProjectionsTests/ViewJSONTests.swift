import Foundation
import Testing

@testable import Projections

/// `ViewJSON` writes exactly the bytes `ViewCoding.encoder` (Foundation's `JSONEncoder`) writes,
/// and leaves to it what it treats apart. (Debug builds also compare every value a view stores,
/// in every test: `ViewCoding.encode`.)
@Suite struct ViewJSONTests {
    struct Inner: Codable, Equatable {
        var zeta: Int
        var alpha: String?
        var list: [Double]
    }

    enum Kind: String, Codable { case first, second }

    struct Outer: Codable, Equatable {
        var name: String
        var count: Int64
        var small: UInt8
        var ratio: Double
        var flag: Bool
        var kind: Kind
        var missing: String?
        var inner: Inner
        var byKey: [String: Int]
        var byNumber: [Int: String]
        var nested: [[String]]
        var optionals: [Int?]
    }

    /// A type that writes one key twice (the last value stays, as in `JSONEncoder`) and nests
    /// containers by hand.
    struct Handmade: Encodable {
        enum Key: String, CodingKey { case a, b, c }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(1, forKey: .b)
            try c.encode("first", forKey: .a)
            try c.encode("second", forKey: .a)
            var nested = c.nestedUnkeyedContainer(forKey: .c)
            try nested.encode(true)
            try nested.encodeNil()
            var deeper = nested.nestedContainer(keyedBy: Key.self)
            try deeper.encode(2.5, forKey: .a)
        }
    }

    /// A value whose encoder is filled by hand, as `fill` says.
    struct ByHand: Encodable, Sendable {
        enum Key: String, CodingKey { case a, b, m, z }
        let fill: @Sendable (any Encoder) throws -> Void
        func encode(to encoder: any Encoder) throws { try fill(encoder) }
    }

    /// Writes two keys three times each, interleaved: the last of each stays.
    static let rewritten = ByHand { encoder in
        var c = encoder.container(keyedBy: ByHand.Key.self)
        for round in 1...3 {
            try c.encode("b\(round)", forKey: .b)
            try c.encode(round, forKey: .a)
        }
    }

    /// Writes to its object between two writes to a nested one.
    static let interleaved = ByHand { encoder in
        var c = encoder.container(keyedBy: ByHand.Key.self)
        var nested = c.nestedContainer(keyedBy: ByHand.Key.self, forKey: .z)
        try nested.encode(1, forKey: .m)
        try c.encode(2, forKey: .a)
        try nested.encode(3, forKey: .a)
    }

    /// Two nested containers filled one after the other, then a second container of the same object.
    static let inTurn = ByHand { encoder in
        var c = encoder.container(keyedBy: ByHand.Key.self)
        var first = c.nestedContainer(keyedBy: ByHand.Key.self, forKey: .z)
        try first.encode(1, forKey: .m)
        try first.encode(0, forKey: .a)
        var second = c.nestedUnkeyedContainer(forKey: .a)
        try second.encode("x")
        var again = encoder.container(keyedBy: ByHand.Key.self)
        try again.encode(true, forKey: .m)
    }

    /// `ViewJSON` writes `value` as `JSONEncoder` does, and that is `text`.
    static func expectWrites<T: Encodable>(_ value: T, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = ViewJSON.encode(value)
        #expect(bytes == (try reference(value)), sourceLocation: sourceLocation)
        #expect(bytes.map { String(decoding: $0, as: UTF8.self) } == text, sourceLocation: sourceLocation)
    }

    /// Notes the coding path its innermost value is given (an encoder's path, kept by reference).
    final class Paths: @unchecked Sendable { var seen: [[String]] = [] }

    struct Probe: Encodable {
        struct Leaf: Encodable {
            let paths: Paths
            func encode(to encoder: any Encoder) throws {
                paths.seen.append(encoder.codingPath.map(\.stringValue))
                var c = encoder.singleValueContainer()
                try c.encode(1)
            }
        }
        enum Key: String, CodingKey { case outer, inner }
        let paths: Paths
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            var nested = c.nestedContainer(keyedBy: Key.self, forKey: .outer)
            try nested.encode(Leaf(paths: paths), forKey: .inner)
        }
    }

    struct Empty: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    struct Dated: Encodable {
        var at = Date(timeIntervalSince1970: 1_533_513_600)
    }

    struct Super: Encodable {
        enum Key: CodingKey { case x }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try 5.encode(to: c.superEncoder())
        }
    }

    static func reference<T: Encodable>(_ value: T) throws -> [UInt8] { [UInt8](try ViewCoding.encoder.encode(value)) }

    @Test func writesWhatJSONEncoderWrites() throws {
        let texts = [
            "", "plain", "quote \" and backslash \\", "slash / stays", "tab\tnew\nline\rreturn", "\u{8}\u{C}", "\u{0}\u{1}\u{1F}\u{7F}",
            "Kelurahan Cakranegara Barat — ü é 日本 🙂", "{\"json\":[1,2]}",
        ]
        let doubles: [Double] = [0, -0.0, 1, 5.0, 0.1, 11800.25, 1e16, 1.5e-7, 123_456_789.125, -42.5, Double.greatestFiniteMagnitude]
        var checked = 0
        for (i, text) in texts.enumerated() {
            for (j, ratio) in doubles.enumerated() {
                let value = Outer(
                    name: text, count: Int64(i * 1_000_000_007) - 5, small: UInt8(j), ratio: ratio, flag: j % 2 == 0,
                    kind: j % 2 == 0 ? .first : .second, missing: j % 3 == 0 ? text : nil,
                    inner: Inner(zeta: -j, alpha: i % 2 == 0 ? nil : text, list: Array(doubles.prefix(j))),
                    byKey: ["b": 2, "a": 1, "B": 3, "aa": 4, text: 5, "é": 6], byNumber: [10: "ten", 2: text, -1: "minus"],
                    nested: [[], [text], ["x", "y"]], optionals: [1, nil, 3])
                #expect(ViewJSON.encode(value) == (try Self.reference(value)), "\(text) \(ratio)")
                checked += 1
            }
        }
        #expect(checked == texts.count * doubles.count)
        // One `KeyOrders` over values of one type whose optional members come and go.
        let orders = ViewJSON.KeyOrders()
        for i in 0..<12 {
            let inner = Inner(zeta: i, alpha: i % 3 == 0 ? nil : "a\(i)", list: i % 2 == 0 ? [] : [Double(i)])
            #expect(ViewJSON.encode(inner, orders: orders) == (try Self.reference(inner)))
            #expect(ViewJSON.encode([inner], orders: orders) == (try Self.reference([inner])))
        }
        try Self.expectWrites(Handmade(), #"{"a":"second","b":1,"c":[true,null,{"a":2.5}]}"#)
        try Self.expectWrites(Self.rewritten, #"{"a":3,"b":"b3"}"#)
        let paths = Paths()
        _ = ViewJSON.encode(Probe(paths: paths))
        #expect(paths.seen == [["outer", "inner"]])
        try Self.expectWrites(Self.inTurn, #"{"a":["x"],"m":true,"z":{"a":0,"m":1}}"#)
        #expect(ViewJSON.encode(Empty()) == nil)  // JSONEncoder refuses it at the top
        #expect(ViewJSON.encode([Empty(), Empty()]) == (try Self.reference([Empty(), Empty()])))
        #expect(ViewJSON.encode("top") == (try Self.reference("top")))
        #expect(ViewJSON.encode(Optional<Int>.none) == (try Self.reference(Optional<Int>.none)))
    }

    /// What `JSONEncoder` treats apart goes to it: dates, data, URLs, decimals, a float that is not
    /// finite (an error there), a `super` encoder.
    @Test func leavesToJSONEncoderWhatItTreatsApart() throws {
        #expect(ViewJSON.encode(Dated()) == nil)
        #expect(ViewJSON.encode([Data([1, 2])]) == nil)
        #expect(ViewJSON.encode(["u": URL(string: "https://example.org/a")!]) == nil)
        #expect(ViewJSON.encode(Decimal(string: "1.10")!) == nil)
        #expect(ViewJSON.encode(Super()) == nil)
        // Containers interleaved by hand.
        try Self.expectWrites(Self.interleaved, #"{"a":2,"z":{"a":3,"m":1}}"#)
        #expect(ViewJSON.encode([Double.nan]) == nil)
        #expect(ViewJSON.encode(["x": Double.infinity]) == nil)
        // Through ViewCoding: the same bytes as JSONEncoder's, or its error.
        #expect(try ViewCoding.encode(Dated()) == Self.reference(Dated()))
        #expect(try ViewCoding.encode(Super()) == Self.reference(Super()))
        #expect(throws: EncodingError.self) { try ViewCoding.encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try ViewCoding.encode(Empty()) }
    }
}
