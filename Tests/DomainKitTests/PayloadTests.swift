import DomainKit
import EventLog
import JSON
import Testing

/// A payload of the shape the domains write: nested parts, a list, an enumeration, rules per field.
private struct Parcel: Payload, Equatable {
    enum Kind: String, JSONEnumeration { case pangan, sandang }
    struct Line: Payload, Equatable {
        var item: String
        var quantity: Int
        static func rule(forKey key: String) -> JSONFieldRule? {
            switch key {
            case "item": .text(maxBytes: 10)
            case "quantity": .positiveInteger
            default: nil
            }
        }
    }
    var parcelId: String
    var kind: Kind
    var lines: [Line]
    var sentAt: String
    var note: String?
    var weight: Double?

    static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "parcelId": .identifier
        case "lines": .list(max: 3, of: "an array of {item, quantity}")
        case "sentAt": .time
        case "note": .text(maxBytes: 1000, allowEmpty: true)
        default: nil
        }
    }
}

private func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

private func refusal(_ text: String, root: String = "data") throws -> EventLogError {
    let value = try parse(text)
    do {
        _ = try Parcel.read(value, root: root)
    } catch {
        return error
    }
    Issue.record("\(text) was accepted")
    return EventLogError(.invalidInput, "accepted")
}

private let valid = #"{"parcelId":"P-1","kind":"pangan","lines":[{"item":"beras","quantity":2}],"sentAt":"2018-08-06T10:00:00+08:00"}"#

@Suite("Payload: the one strict reader of every domain")
struct PayloadTests {
    @Test("a valid payload reads, and writes back the same JSON (nil optionals left out)")
    func roundTrip() throws {
        let value = try parse(valid)
        let parcel = try Parcel.read(value)
        #expect(
            parcel
                == Parcel(parcelId: "P-1", kind: .pangan, lines: [.init(item: "beras", quantity: 2)], sentAt: "2018-08-06T10:00:00+08:00"))
        #expect(parcel.json == value)
        #expect(CanonicalJSON.encode(parcel.json) == CanonicalJSON.encode(value))
    }

    @Test("an unknown member is refused by its path, nested ones too")
    func unknownMembers() throws {
        let top = try refusal(
            #"{"parcelId":"P-1","kind":"pangan","lines":[{"item":"beras","quantity":2}],"sentAt":"2018-08-06T10:00:00Z","colour":"red"}"#)
        #expect(top.code == .invalidInput)
        #expect(top.field == "data.colour")
        #expect(top.message == "data.colour: is not a field of this payload")
        let nested = try refusal(
            #"{"parcelId":"P-1","kind":"pangan","lines":[{"item":"beras","quantity":2,"qty":3}],"sentAt":"2018-08-06T10:00:00Z"}"#)
        #expect(nested.field == "data.lines[0].qty")
    }

    @Test("keys compare byte for byte: a key in another Unicode form is unknown")
    func byteExactKeys() throws {
        // "note" spelled with a Cyrillic о is not "note".
        let e = try refusal(
            #"{"parcelId":"P-1","kind":"pangan","lines":[{"item":"beras","quantity":2}],"sentAt":"2018-08-06T10:00:00Z","nоte":"x"}"#)
        #expect(e.field == "data.nоte")
    }

    @Test("strings: control characters, empty text and byte limits (multibyte counted in bytes)")
    func strings() throws {
        let control = try refusal(
            #"{"parcelId":"P-1","kind":"pangan","lines":[{"item":"be\u0007ras","quantity":2}],"sentAt":"2018-08-06T10:00:00Z"}"#)
        #expect(control.field == "data.lines[0].item")
        #expect(control.message.contains("control characters"))
        let empty = try refusal(#"{"parcelId":"P-1","kind":"pangan","lines":[{"item":"  ","quantity":2}],"sentAt":"2018-08-06T10:00:00Z"}"#)
        #expect(empty.message == "data.lines[0].item: must not be empty")
        // 4 characters, 12 bytes: over the 10-byte limit.
        let long = try refusal(
            #"{"parcelId":"P-1","kind":"pangan","lines":[{"item":"日本語字","quantity":2}],"sentAt":"2018-08-06T10:00:00Z"}"#)
        #expect(long.message == "data.lines[0].item: is 12 bytes, longer than the 10 allowed")
        // A field with no rule of its own gets the default 200 bytes.
        let note = String(repeating: "a", count: 1001)
        let longNote = try refusal(
            #"{"parcelId":"P-1","kind":"pangan","lines":[{"item":"beras","quantity":2}],"sentAt":"2018-08-06T10:00:00Z","note":"\#(note)"}"#
        )
        #expect(longNote.field == "data.note")
        let emptyNote = try Parcel.read(
            try parse(
                #"{"parcelId":"P-1","kind":"pangan","lines":[{"item":"beras","quantity":2}],"sentAt":"2018-08-06T10:00:00Z","note":""}"#))
        #expect(emptyNote.note == "")
    }

    @Test("required members, null as absent, and each rule's expectation in the message")
    func required() throws {
        let missing = try refusal(#"{"parcelId":"P-1","kind":"pangan","lines":[{"item":"beras","quantity":2}]}"#)
        #expect(missing.message == "data.sentAt: is required (an RFC 3339 time such as 2018-08-06T10:00:00+08:00)")
        let null = try refusal(
            #"{"parcelId":null,"kind":"pangan","lines":[{"item":"beras","quantity":2}],"sentAt":"2018-08-06T10:00:00Z"}"#)
        #expect(null.message == "data.parcelId: is required (an id of [A-Za-z0-9._:-])")
        let nullOptional = try Parcel.read(
            try parse(
                #"{"parcelId":"P-1","kind":"pangan","lines":[{"item":"beras","quantity":2}],"sentAt":"2018-08-06T10:00:00Z","note":null}"#))
        #expect(nullOptional.note == nil)
    }

    @Test("enumerations list their values; identifiers, times, integers, lists and numbers keep their rules")
    func rules() throws {
        let kind = try refusal(
            #"{"parcelId":"P-1","kind":"hunian","lines":[{"item":"beras","quantity":2}],"sentAt":"2018-08-06T10:00:00Z"}"#)
        #expect(kind.message == "data.kind: must be one of pangan, sandang")
        let id = try refusal(#"{"parcelId":"P 1","kind":"pangan","lines":[{"item":"beras","quantity":2}],"sentAt":"2018-08-06T10:00:00Z"}"#)
        #expect(id.message == "data.parcelId: \"P 1\" has a character outside [A-Za-z0-9._:-]")
        let time = try refusal(#"{"parcelId":"P-1","kind":"pangan","lines":[{"item":"beras","quantity":2}],"sentAt":"6 Agustus 2018"}"#)
        #expect(time.field == "data.sentAt")
        let zero = try refusal(
            #"{"parcelId":"P-1","kind":"pangan","lines":[{"item":"beras","quantity":0}],"sentAt":"2018-08-06T10:00:00Z"}"#)
        #expect(zero.message == "data.lines[0].quantity: must be a positive integer")
        let fraction = try refusal(
            #"{"parcelId":"P-1","kind":"pangan","lines":[{"item":"beras","quantity":1.5}],"sentAt":"2018-08-06T10:00:00Z"}"#)
        #expect(fraction.field == "data.lines[0].quantity")
        let emptyList = try refusal(#"{"parcelId":"P-1","kind":"pangan","lines":[],"sentAt":"2018-08-06T10:00:00Z"}"#)
        #expect(emptyList.message == "data.lines: must not be empty")
        let tooMany = try refusal(
            #"{"parcelId":"P-1","kind":"pangan","lines":[{"item":"a","quantity":1},{"item":"b","quantity":1},{"item":"c","quantity":1},{"item":"d","quantity":1}],"sentAt":"2018-08-06T10:00:00Z"}"#
        )
        #expect(tooMany.message == "data.lines: has 4 entries, more than the 3 allowed")
        let type = try refusal(#"{"parcelId":"P-1","kind":"pangan","lines":{"item":"a"},"sentAt":"2018-08-06T10:00:00Z"}"#)
        #expect(type.message == "data.lines: must be an array")
    }

    @Test("a command's body is read with an empty root: fields are named alone")
    func commandBody() throws {
        let e = try refusal(
            #"{"parcelId":"P-1","kind":"pangan","lines":[{"item":"beras","quantity":-1}],"sentAt":"2018-08-06T10:00:00Z"}"#, root: "")
        #expect(e.field == "lines[0].quantity")
        let notObject = try refusal("[1]", root: "")
        #expect(notObject.message == "the body must be a JSON object")
    }

    @Test("decimals follow the log's number policy, by path")
    func numbers() throws {
        let ok = try Parcel.read(
            try parse(
                #"{"parcelId":"P-1","kind":"pangan","lines":[{"item":"beras","quantity":2}],"sentAt":"2018-08-06T10:00:00Z","weight":12.25}"#
            ))
        #expect(ok.weight == 12.25)
        let e = try refusal(
            #"{"parcelId":"P-1","kind":"pangan","lines":[{"item":"beras","quantity":2}],"sentAt":"2018-08-06T10:00:00Z","weight":1.23456}"#)
        #expect(e.field == "data.weight")
        #expect(e.message.contains("at most 4 fraction digits"))
    }
}

/// A payload with every scalar type the containers read without a decoder of their own, lists of
/// strings and many objects.
private struct Survey: Payload, Equatable {
    struct Stop: Payload, Equatable {
        var code: String
        var visited: Bool
        static func rule(forKey key: String) -> JSONFieldRule? { key == "code" ? .identifier : nil }
    }
    var tags: [String]
    var done: Bool
    var count: Int?
    var share: Double
    var open: Bool?
    var stops: [Stop]

    static func rule(forKey key: String) -> JSONFieldRule? {
        switch key {
        case "tags": .list(max: 5, of: "an array of tags")
        case "count": .nonNegativeInteger
        default: nil
        }
    }
}

private func stops(_ n: Int, extra: Int? = nil) -> String {
    (0..<n).map { i in i == extra ? #"{"code":"s\#(i)","visited":true,"note":"x"}"# : #"{"code":"s\#(i)","visited":true}"# }
        .joined(separator: ",")
}

private func surveyRefusal(_ text: String) throws -> EventLogError {
    let value = try parse(text)
    do {
        _ = try Survey.read(value)
    } catch {
        return error
    }
    Issue.record("\(text) was accepted")
    return EventLogError(.invalidInput, "accepted")
}

@Suite("Payload: scalars, lists of strings and many objects")
struct PayloadScalarTests {
    @Test("strings, booleans, integers and decimals read by type, optionals absent or null")
    func reads() throws {
        let s = try Survey.read(try parse(#"{"tags":["a","b"],"done":false,"count":3,"share":0.5,"open":null,"stops":[\#(stops(2))]}"#))
        #expect(
            s
                == Survey(
                    tags: ["a", "b"], done: false, count: 3, share: 0.5, open: nil,
                    stops: [.init(code: "s0", visited: true), .init(code: "s1", visited: true)]))
        let none = try Survey.read(try parse(#"{"tags":["a"],"done":true,"share":1,"open":true,"stops":[]}"#))
        #expect(none.count == nil && none.open == true && none.share == 1)
    }

    @Test("each scalar refused by its path and its rule, in lists too")
    func refusals() throws {
        let base = #""done":true,"share":1,"stops":[]"#
        #expect(try surveyRefusal(#"{"tags":["a","  "],\#(base)}"#).message == "data.tags[1]: must not be empty")
        #expect(try surveyRefusal(#"{"tags":["a",null],\#(base)}"#).message == "data.tags[1]: must not be null")
        #expect(try surveyRefusal(#"{"tags":["a",7],\#(base)}"#).message == "data.tags[1]: must be a string")
        #expect(try surveyRefusal(#"{"tags":[],\#(base)}"#).message == "data.tags: must not be empty")
        #expect(try surveyRefusal(#"{"tags":["a"],"done":"yes","share":1,"stops":[]}"#).message == "data.done: must be true or false")
        #expect(try surveyRefusal(#"{"tags":["a"],"share":1,"stops":[]}"#).message == "data.done: is required")
        #expect(try surveyRefusal(#"{"tags":["a"],"done":true,"share":"1","stops":[]}"#).message == "data.share: must be a number")
        #expect(try surveyRefusal(#"{"tags":["a"],"done":true,"share":1e300,"stops":[]}"#).field == "data.share")
        #expect(try surveyRefusal(#"{"tags":["a"],\#(base),"count":-1}"#).message == "data.count: must be an integer of at least 0")
        #expect(try surveyRefusal(#"{"tags":["a"],\#(base),"count":1.5}"#).message == "data.count: must be an integer of at least 0")
        #expect(try surveyRefusal(#"{"tags":["a"],\#(base),"open":1}"#).message == "data.open: must be true or false")
        #expect(
            try surveyRefusal(#"{"tags":["a"],"done":true,"share":1,"stops":[{"code":"a b","visited":true}]}"#).message
                == #"data.stops[0].code: "a b" has a character outside [A-Za-z0-9._:-]"#)
    }

    @Test("an unknown member is found among many objects")
    func manyObjects() throws {
        // More objects than are looked through one by one: the decoder indexes them.
        for n in [3, 12, 40] {
            let ok = try Survey.read(try parse(#"{"tags":["a"],"done":true,"share":1,"stops":[\#(stops(n))]}"#))
            #expect(ok.stops.count == n)
            for extra in [0, n / 2, n - 1] {
                let e = try surveyRefusal(#"{"tags":["a"],"done":true,"share":1,"stops":[\#(stops(n, extra: extra))]}"#)
                #expect(e.message == "data.stops[\(extra)].note: is not a field of this payload")
            }
        }
        let top = try surveyRefusal(#"{"tags":["a"],"done":true,"share":1,"stops":[\#(stops(20, extra: 15))],"zzz":1}"#)
        // Objects are looked at in the order they were opened: the enclosing one first.
        #expect(top.field == "data.zzz")
    }
}

@Suite("ViewKey: the one view-key codec")
struct ViewKeyTests {
    @Test("parts round-trip, a prefix selects whole parts only, numbers sort as numbers")
    func keys() {
        let key = ViewKey.make("gudang-1", "beras", "kg")
        #expect(ViewKey.split(key) == ["gudang-1", "beras", "kg"])
        #expect(key.hasPrefix(ViewKey.prefix("gudang-1")))
        #expect(!ViewKey.make("gudang-10", "beras").hasPrefix(ViewKey.prefix("gudang-1")))
        #expect(ViewKey.position(9) < ViewKey.position(10))
        #expect(ViewKey.position(42) == "00000000000000000042")
        #expect(ViewKey.index(7) == "000007")
        #expect(ViewKey.time(Timestamp(millisecondsSince1970: 0)) < ViewKey.time(Timestamp(millisecondsSince1970: 1)))
    }

    @Test("numbers are zero-padded decimals, as long as they need beyond the width")
    func padding() {
        for (v, width, text) in [
            (UInt64(0), 6, "000000"), (7, 1, "7"), (10, 2, "10"), (12_345, 6, "012345"), (1_234_567, 6, "1234567"),
            (UInt64.max, 20, "18446744073709551615"), (UInt64.max, 22, "0018446744073709551615"), (0, 0, "0"),
        ] {
            #expect(ViewKey.padded(v, width: width) == text, "\(v) \(width)")
        }
        for v in [UInt64(0), 9, 10, 99, 100, 4_294_967_296, 999_999_999_999] {
            #expect(ViewKey.padded(v, width: 15) == String(repeating: "0", count: 15 - String(v).count) + String(v))
        }
    }

    @Test("a part holding the separator or % stays one part and keys stay distinct")
    func escaping() {
        let odd = ViewKey.make("a\u{1F}b", "50%")
        #expect(ViewKey.split(odd) == ["a\u{1F}b", "50%"])
        #expect(odd != ViewKey.make("a", "b", "50%"))
    }

    @Test("plain parts (copied as bytes) give the same key as joining them: empty and non-ASCII parts included")
    func plainParts() {
        let parts = ["pasar-cakranegara", "", "cabai-rawit-merah", "cabé 🌶", "x"]
        #expect(ViewKey.make(parts) == parts.joined(separator: "\u{1F}"))
        #expect(ViewKey.split(ViewKey.make(parts)) == parts)
        #expect(ViewKey.make([]) == "")
        #expect(ViewKey.make(["é"]) == "é")
    }

    @Test("the fixed arities make the key the array form makes, plain or escaped, small or long parts")
    func arities() {
        let long = String(repeating: "gudang-kecamatan-ampenan-", count: 8)
        let pool = ["", "a", "gudang-1", "50%", "a\u{1F}b", "cabé 🌶", long, String(long.dropFirst(3)), "%1F", "kg"]
        var checked = 0
        for a in pool {
            #expect(ViewKey.make(a) == ViewKey.make([a]))
            for b in pool {
                #expect(ViewKey.make(a, b) == ViewKey.make([a, b]))
                #expect(ViewKey.split(ViewKey.make(a, b)) == [a, b])
                for c in pool.prefix(6) {
                    #expect(ViewKey.make(a, b, c) == ViewKey.make([a, b, c]))
                    let d = pool[(checked + 3) % pool.count]
                    let four = ViewKey.make(a, b, c, d)
                    #expect(four == ViewKey.make([a, b, c, d]))
                    #expect(ViewKey.split(four) == [a, b, c, d])
                    checked += 1
                }
            }
        }
        // Plain parts are joined as they are; one part with `%` escapes that part only.
        #expect(ViewKey.make("x", "y", "z") == "x\u{1F}y\u{1F}z")
        #expect(ViewKey.make("x", "5%", "z") == "x\u{1F}5%25\u{1F}z")
    }
}

@Suite("Free text without personal data")
struct PersonalDataInTextTests {
    @Test(arguments: [
        "NIK 5271010101900001", "KK: 5271-0101-0190-0001", "5271 0101 0190 0001", "HP 081234567890", "hub 0812 3456 789",
        "wa +6281234567890", "telp 62 812 3456 7890", "0812.3456.7890",
    ])
    func refused(_ text: String) {
        #expect(PersonalDataInText.problem(text) != nil, "\(text) passed")
    }

    @Test(arguments: [
        "berkas belum lengkap", "2018-08-06", "Rp 1.000.000", "52.71.05.1005", "antre nomor 0812", "08.30 WITA", "123456789012345",
        "12345678901234567", "",
    ])
    func accepted(_ text: String) {
        #expect(PersonalDataInText.problem(text) == nil, "\(text) refused")
    }

    @Test func theRuleNamesTheFieldAndNeverRepeatsTheNumber() throws {
        struct Note: Payload {
            var reason: String
            static func rule(forKey key: String) -> JSONFieldRule? { key == "reason" ? .freeText(maxBytes: 100) : nil }
        }
        do {
            _ = try Note.read(["reason": "NIK 5271010101900001"])
            Issue.record("accepted a NIK")
        } catch {
            #expect(error.field == "data.reason")
            #expect(!error.message.contains("5271010101900001"))
        }
        #expect(try Note.read(["reason": "foto buram"]).reason == "foto buram")
    }
}
