import JSON
import Testing

/// "must not be empty": a payload string that is empty or only whitespace, Unicode's included.
@Suite struct BlankTextTests {
    @Test(arguments: [
        ("", true), (" ", true), ("\t\n ", true), ("\u{3000}", true), ("\u{A0}\u{2003}", true), ("\u{85}", true),
        ("a", false), (" a", false), ("\u{3000}x", false), ("é", false), ("e\u{301}", false), ("!", false), ("~ ", false),
    ])
    func blank(text: String, blank: Bool) {
        #expect(JSONValueDecoder.isBlank(text) == blank, "\(text.unicodeScalars.map { $0.value })")
        #expect(JSONValueDecoder.isBlank(text) == text.allSatisfy(\.isWhitespace))
    }
}
