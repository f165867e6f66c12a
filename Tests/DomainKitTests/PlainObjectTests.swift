import DomainKit
import Testing

/// The members `PlainObject.forEachMember` gives, or nil when it says the bytes are not a plain
/// object.
private func members(_ bytes: [UInt8]) -> [String]? {
    var out: [String] = []
    let plain = PlainObject.forEachMember(bytes) { name, value in
        switch value {
        case .string(let s): out.append("\(String(decoding: name, as: UTF8.self))=s:\(Array(s))")
        case .number(let d): out.append("\(String(decoding: name, as: UTF8.self))=n:\(Array(d))")
        }
        return true
    }
    return plain ? out : nil
}

/// The same reading, a byte at a time, as the contract of `forEachMember` states it: the
/// reference the scanner (which reads strings eight bytes at a time) must agree with.
private func referenceMembers(_ p: [UInt8]) -> [String]? {
    let n = p.count
    guard n >= 2, p[0] == UInt8(ascii: "{"), p[n - 1] == UInt8(ascii: "}") else { return nil }
    if n == 2 { return [] }
    var i = 1
    var out: [String] = []
    func string() -> [UInt8]? {
        guard i < n, p[i] == UInt8(ascii: "\"") else { return nil }
        var j = i + 1
        while j < n {
            if p[j] == UInt8(ascii: "\"") {
                defer { i = j + 1 }
                return Array(p[(i + 1)..<j])
            }
            if p[j] == UInt8(ascii: "\\") || p[j] < 0x20 { return nil }
            j += 1
        }
        return nil
    }
    func number() -> [UInt8]? {
        let start = i
        if i < n, p[i] == UInt8(ascii: "-") { i += 1 }
        let digits = i
        while i < n, (0x30...0x39).contains(p[i]) { i += 1 }
        guard i > digits, p[digits] != 0x30 || i == digits + 1 else { return nil }
        if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            let fraction = i
            while i < n, (0x30...0x39).contains(p[i]) { i += 1 }
            guard i > fraction else { return nil }
        }
        guard i - start <= 20 else { return nil }
        return Array(p[start..<i])
    }
    while true {
        guard let name = string(), i < n, p[i] == UInt8(ascii: ":"), i + 1 < n else { return nil }
        i += 1
        if p[i] == UInt8(ascii: "\"") {
            guard let s = string() else { return nil }
            out.append("\(String(decoding: name, as: UTF8.self))=s:\(s)")
        } else {
            guard let d = number() else { return nil }
            out.append("\(String(decoding: name, as: UTF8.self))=n:\(d)")
        }
        guard i < n else { return nil }
        if p[i] == UInt8(ascii: "}") { return i == n - 1 ? out : nil }
        guard p[i] == UInt8(ascii: ",") else { return nil }
        i += 1
    }
}

@Suite("PlainObject: the reader of flat payloads from their stored bytes")
struct PlainObjectTests {
    static let report = Array(
        #"{"commodityId":"cabai-rawit-merah","currency":"IDR","marketId":"pasar-kebon-roek","observedOn":"2018-08-06","price":45000.5,"priceType":"retail","reporter":"enumerator-07","source":"survey"}"#
            .utf8)

    @Test("a plain report's members come out in order, strings without quotes, numbers as written")
    func plainReport() throws {
        let got = try #require(members(Self.report))
        #expect(got.count == 8)
        #expect(got[0] == "commodityId=s:\(Array("cabai-rawit-merah".utf8))")
        #expect(got[4] == "price=n:\(Array("45000.5".utf8))")
        #expect(members(Array("{}".utf8)) == [])
    }

    @Test("what is not plain is refused wherever it stands in a string: quote, backslash, control byte")
    func notPlain() {
        // Every position of every string of the report, with each byte that ends or spoils a string:
        // the word-at-a-time scan must see it in any of a word's eight places.
        for at in 1..<(Self.report.count - 1) {
            for byte: UInt8 in [0x22, 0x5C, 0x00, 0x1F, 0x0A, 0x7F, 0x80, 0xFF, 0x20, 0x21, 0x23, 0x5B, 0x5D] {
                var changed = Self.report
                changed[at] = byte
                #expect(members(changed) == referenceMembers(changed), "byte \(byte) at \(at)")
            }
        }
    }

    @Test("random payloads agree with the byte-at-a-time reading")
    func randomPayloads() {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array(#"{}":,.-0123456789abcXYZ \"#.utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xA9, 0xFF]
        var plainSeen = 0
        for _ in 0..<20_000 {
            var bytes = Self.report
            // A few edits: replace, insert or delete a byte, or cut the payload short.
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[at] = alphabet.randomElement(using: &rng)!
                case 1: bytes.insert(alphabet.randomElement(using: &rng)!, at: at)
                case 2: if bytes.count > 2 { bytes.remove(at: at) }
                default: bytes = Array(bytes[..<max(at, 1)]) + [UInt8(ascii: "}")]
                }
            }
            let expected = referenceMembers(bytes)
            if expected != nil { plainSeen += 1 }
            #expect(members(bytes) == expected, "\(String(decoding: bytes, as: UTF8.self))")
        }
        // The edits leave many payloads plain (a letter for a letter), so both answers are tried.
        #expect(plainSeen > 1000)
    }

    @Test("long strings are read across many words, ending at any place in the last")
    func longStrings() {
        for length in 0..<40 {
            let text = String(repeating: "k", count: length)
            let bytes = Array(#"{"a":"\#(text)","b":1}"#.utf8)
            #expect(members(bytes) == ["a=s:\(Array(text.utf8))", "b=n:\(Array("1".utf8))"])
            var spoiled = bytes
            if length > 0 {
                spoiled[6 + length - 1] = 0x5C
                #expect(members(spoiled) == nil)
            }
        }
    }
}
