import Testing

@testable import EventLog

@Suite("Timestamp, EventID, EventHash")
struct ValueTypeTests {
    @Test(
        "timestamps format as YYYY-MM-DDTHH:MM:SS.mmmZ and parse back",
        arguments: [
            "2018-08-06T02:13:00.000Z", "1970-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "2000-02-29T12:00:00.500Z",
            "0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z", "2026-11-28T10:00:00.123Z", "1900-03-01T00:00:00.001Z",
        ])
    func roundTrip(_ text: String) throws {
        let t = try #require(Timestamp(text))
        #expect(t.description == text)
        #expect(String(decoding: t.utf8, as: UTF8.self) == text)
        #expect(Timestamp(t.description) == t)
    }

    @Test("known instants")
    func knownInstants() {
        #expect(Timestamp("1970-01-01T00:00:00Z")?.millisecondsSince1970 == 0)
        #expect(Timestamp("1970-01-01T00:00:01.5Z")?.millisecondsSince1970 == 1500)
        #expect(Timestamp("1969-12-31T23:59:59.999Z")?.millisecondsSince1970 == -1)
        #expect(Timestamp("2018-08-05T11:46:38Z")?.millisecondsSince1970 == 1_533_469_598_000)
        #expect(Timestamp(millisecondsSince1970: 1_533_469_598_123).description == "2018-08-05T11:46:38.123Z")
        #expect(Timestamp(millisecondsSince1970: -62_135_596_800_000).description == "0001-01-01T00:00:00.000Z")
    }

    @Test("offsets, lower-case separators, bare dates and fractions of any length")
    func offsetsAndFractions() {
        let utc = Timestamp("2018-08-05T11:46:38.000Z")
        #expect(Timestamp("2018-08-05T19:46:38+08:00") == utc)  // WITA, Lombok
        #expect(Timestamp("2018-08-05T06:16:38-05:30") == utc)
        #expect(Timestamp("2018-08-05t11:46:38z") == utc)
        #expect(Timestamp("2018-08-05 11:46:38Z") == utc)
        #expect(Timestamp("2018-08-06T01:00:00+14:00")?.description == "2018-08-05T11:00:00.000Z")
        #expect(Timestamp("2018-08-05T11:46:38.1Z")?.description == "2018-08-05T11:46:38.100Z")
        #expect(Timestamp("2018-08-05T11:46:38.12Z")?.description == "2018-08-05T11:46:38.120Z")
        #expect(Timestamp("2018-08-05T11:46:38.123456789Z")?.description == "2018-08-05T11:46:38.123Z")
        #expect(Timestamp("2018-08-05")?.description == "2018-08-05T00:00:00.000Z")
        #expect(Timestamp("2016-12-31T23:59:60Z")?.description == "2016-12-31T23:59:59.000Z")  // leap second
        #expect(Timestamp("2018-01-01T00:30:00+01:00")?.description == "2017-12-31T23:30:00.000Z")
    }

    @Test(
        "impossible dates and malformed times are refused",
        arguments: [
            "2018-02-30", "2018-02-29T00:00:00Z", "1900-02-29", "2100-02-29T00:00:00Z", "2018-04-31T00:00:00Z",
            "2018-13-01T00:00:00Z", "2018-00-10T00:00:00Z", "2018-01-00T00:00:00Z", "2018-01-32T00:00:00Z",
            "2018-08-05T24:00:00Z", "2018-08-05T11:60:00Z", "2018-08-05T11:00:61Z", "2018-08-05T11:46:38",
            "2018-08-05T11:46:38+0800", "2018-08-05T11:46:38+25:00", "2018-08-05T11:46:38.Z", "2018-08-05T11:46Z",
            "18-08-05T11:46:38Z", "2018-8-5T11:46:38Z", "2018-08-05T11:46:38Zjunk", "", "yesterday", "2018/08/05",
        ])
    func refused(_ text: String) {
        #expect(Timestamp(text) == nil)
    }

    @Test("leap days that exist are accepted")
    func leapDays() {
        #expect(Timestamp("2000-02-29") != nil)
        #expect(Timestamp("2016-02-29T00:00:00Z") != nil)
        #expect(Timestamp("2024-02-29T23:59:59.999Z")?.description == "2024-02-29T23:59:59.999Z")
    }

    @Test("timestamps compare by instant")
    func ordering() throws {
        let a = try #require(Timestamp("2018-08-05T19:46:38+08:00"))
        let b = try #require(Timestamp("2018-08-05T11:46:38.001Z"))
        #expect(a < b)
        #expect(Timestamp.now() > b)
    }

    @Test("event ids parse either case and format lower case")
    func eventIDs() throws {
        let upper = "6F1C8A9E-2D5B-4C61-9A0E-3B7F5D2C1E44"
        let id = try #require(EventID(upper))
        #expect(id.description == upper.lowercased())
        #expect(EventID(upper.lowercased()) == id)
        #expect(id.bytes.0 == 0x6F1C_8A9E_2D5B_4C61)
        #expect(id.bytes.1 == 0x9A0E_3B7F_5D2C_1E44)
        #expect(id.raw == [0x6F, 0x1C, 0x8A, 0x9E, 0x2D, 0x5B, 0x4C, 0x61, 0x9A, 0x0E, 0x3B, 0x7F, 0x5D, 0x2C, 0x1E, 0x44])
        #expect(id.raw.withUnsafeBytes { EventID(raw: $0) } == id)
        #expect(EventID(high: 0, low: 1).description == "00000000-0000-0000-0000-000000000001")
        for bad in [
            "", "6f1c8a9e2d5b4c619a0e3b7f5d2c1e44", "6f1c8a9e-2d5b-4c61-9a0e-3b7f5d2c1e4", "6f1c8a9e-2d5b-4c61-9a0e-3b7f5d2c1e445",
            "6f1c8a9e_2d5b_4c61_9a0e_3b7f5d2c1e44", "6f1c8a9e-2d5b-4c61-9a0e-3b7f5d2c1e4g", "{6f1c8a9e-2d5b-4c61-9a0e-3b7f5d2c1e4}",
            "6f1c8a9-e2d5b-4c61-9a0e-3b7f5d2c1e44",
        ] {
            #expect(EventID(bad) == nil, "\(bad)")
        }
    }

    @Test("id parsing: every byte value at every place is accepted exactly when it belongs there")
    func idEveryByte() throws {
        let hexDigits = Set("0123456789abcdefABCDEF".utf8)
        let text = Array("6f1c8a9e-2d5b-4c61-9a0e-3b7f5d2c1e44".utf8)
        let id = try #require(EventID(String(decoding: text, as: UTF8.self)))
        for place in 0..<36 {
            let dash = [8, 13, 18, 23].contains(place)
            for byte in 0...255 {
                var bad = text
                bad[place] = UInt8(byte)
                let parsed = bad.withUnsafeBufferPointer { EventID(utf8: $0) }
                if dash {
                    #expect((parsed != nil) == (byte == 0x2D), "byte \(byte) at \(place)")
                } else if hexDigits.contains(UInt8(byte)) {
                    // The digit's value lands in its own nibble, the rest unchanged.
                    var digits: [UInt64] = []
                    for (i, c) in bad.enumerated() where ![8, 13, 18, 23].contains(i) {
                        digits.append(c <= 0x39 ? UInt64(c - 0x30) : UInt64((c | 0x20) - 0x61 + 10))
                    }
                    let high = digits[0..<16].reduce(UInt64(0)) { $0 << 4 | $1 }
                    let low = digits[16..<32].reduce(UInt64(0)) { $0 << 4 | $1 }
                    #expect(parsed?.bytes.0 == high && parsed?.bytes.1 == low, "byte \(byte) at \(place)")
                } else {
                    #expect(parsed == nil, "byte \(byte) at \(place)")
                }
            }
        }
        #expect(id.bytes.0 == 0x6F1C_8A9E_2D5B_4C61)
    }

    @Test("random ids are version 4, variant 10, and distinct")
    func randomIDs() {
        var seen = Set<EventID>()
        for _ in 0..<1000 {
            let id = EventID.random()
            let text = Array(id.description)
            #expect(text[14] == "4")
            #expect("89ab".contains(text[19]))
            seen.insert(id)
        }
        #expect(seen.count == 1000)
    }

    @Test("hashes: SHA-256 known values, 64 lower-case hex digits, parse back")
    func hashes() throws {
        let abc = EventHash.sha256(Array("abc".utf8))
        #expect(abc.description == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(EventHash.sha256([]).description == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(EventHash.zero.description == String(repeating: "0", count: 64))
        #expect(EventHash(hex: abc.description) == abc)
        #expect(EventHash(hex: abc.description.uppercased()) == abc)
        #expect(EventHash(hex: abc.description.uppercased())?.description == abc.description)
        #expect(abc.raw.count == 32)
        #expect(abc.raw.first == 0xBA && abc.raw.last == 0xAD)
        #expect(abc.raw.withUnsafeBytes { EventHash(raw: $0) } == abc)
        #expect(String(decoding: abc.hexUTF8, as: UTF8.self) == abc.description)
        #expect(EventHash(hex: String(abc.description.dropLast())) == nil)
        #expect(EventHash(hex: abc.description + "0") == nil)
        #expect(EventHash(hex: String(abc.description.dropLast()) + "g") == nil)
        #expect(EventHash(hex: "") == nil)
        for bad in ["/", ":", "@", "G", "`", "g", " ", "\u{7F}", "é"] {
            #expect(EventHash(hex: String(abc.description.dropLast(bad.utf8.count)) + bad) == nil, "\(bad)")
            #expect(EventHash(hex: bad + String(abc.description.dropFirst(bad.utf8.count))) == nil, "\(bad)")
        }
    }

    @Test("hash hex parsing: every byte value at every place is accepted exactly when it is a hex digit")
    func hashHexEveryByte() throws {
        let hexDigits = Set("0123456789abcdefABCDEF".utf8)
        var generator = SplitMix64(seed: 64)
        for _ in 0..<20 {
            var raw = [UInt8](repeating: 0, count: 32)
            for i in raw.indices { raw[i] = UInt8(truncatingIfNeeded: generator.next()) }
            let hash = try #require(raw.withUnsafeBytes { EventHash(raw: $0) })
            // Mixed case round trip.
            let mixed = Array(hash.description.utf8).enumerated().map { i, c in i % 3 == 0 && c >= 0x61 ? c - 0x20 : c }
            #expect(mixed.withUnsafeBufferPointer { EventHash(hexUTF8: $0) } == hash)
        }
        let base = Array(EventHash.sha256(Array("abc".utf8)).description.utf8)
        for place in 0..<64 {
            for byte in 0...255 {
                var text = base
                text[place] = UInt8(byte)
                let parsed = text.withUnsafeBufferPointer { EventHash(hexUTF8: $0) }
                if hexDigits.contains(UInt8(byte)) {
                    let value = UInt8(byte) <= 0x39 ? UInt8(byte) - 0x30 : (UInt8(byte) | 0x20) - 0x61 + 10
                    let expectedRaw = EventHash.sha256(Array("abc".utf8)).raw
                    var raw = expectedRaw
                    raw[place / 2] = place % 2 == 0 ? (value << 4) | (raw[place / 2] & 0x0F) : (raw[place / 2] & 0xF0) | value
                    #expect(parsed?.raw == raw, "byte \(byte) at \(place)")
                } else {
                    #expect(parsed == nil, "byte \(byte) at \(place)")
                }
            }
        }
    }
}
