import Testing

@testable import QueryService

@Suite("HTML escaping")
struct HTMLTests {
    @Test("interpolated text is escaped, literals and HTML are not")
    func interpolation() {
        let data = "<script>alert('x')</script> & \"quoted\""
        let html: HTML = "<td title=\"\(data)\">\(data)</td>"
        #expect(
            html.rendered
                == "<td title=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;</td>"
        )
        #expect(!html.rendered.contains("<script>"))
        let inner: HTML = "<b>\(data)</b>"
        let outer: HTML = "<p>\(inner)</p>"
        #expect(outer.rendered.hasPrefix("<p><b>&lt;script&gt;"))
        let list: [HTML] = ["<li>\("a<b")</li>", "<li>\("c")</li>"]
        let ul: HTML = "<ul>\(list)</ul>"
        #expect(ul.rendered == "<ul><li>a&lt;b</li><li>c</li></ul>")
    }

    @Test("escape leaves other text, accents and emoji as they are")
    func plain() {
        #expect(HTML.escape("Pasar Kebon Roek – Rp 11.750 ✓") == "Pasar Kebon Roek – Rp 11.750 ✓")
        #expect(HTML.escape("") == "")
    }

    @Test("percent-encoding for URLs built from data")
    func percent() {
        #expect(HTML.percentEncode("beras") == "beras")
        #expect(HTML.percentEncode("mi instan") == "mi%20instan")
        #expect(HTML.percentEncode("a&b=c/d?\"") == "a%26b%3Dc%2Fd%3F%22")
        #expect(HTML.percentEncode("52.71.01.1004") == "52.71.01.1004")
        #expect(HTML.percentEncode("é") == "%C3%A9")
    }

    @Test("SVG numbers: one fraction digit, a dot, no negative zero")
    func svgNumbers() {
        #expect(HTML.svgNumber(12) == "12")
        #expect(HTML.svgNumber(12.34) == "12.3")
        #expect(HTML.svgNumber(-0.01) == "0")
        #expect(HTML.svgNumber(-3.25) == "-3.3" || HTML.svgNumber(-3.25) == "-3.2")
        #expect(HTML.svgNumber(.infinity) == "0")
    }

    @Test("form bodies decode + and percent escapes; the first value wins")
    func formFields() {
        let f = FormFields.parse("resi=MTR-7GQ2+K9XW4D&pin=123%20456&pin=999999&empty=&flag")
        #expect(f["resi"] == "MTR-7GQ2 K9XW4D")
        #expect(f["pin"] == "123 456")
        #expect(f["empty"] == "")
        #expect(f["flag"] == "")
        #expect(FormFields.parse("")["resi"] == nil)
        #expect(FormFields.parse("a=%ZZ")["a"] == "%ZZ")
    }

    @Test("nice chart axes cover the data in round steps")
    func axes() {
        let a = PortalCharts.niceAxis(lo: 11_230, hi: 14_870, ticks: 4)
        #expect(a.min <= 11_230 && a.max >= 14_870)
        #expect(a.step == 1000)
        let flat = PortalCharts.niceAxis(lo: 5000, hi: 5000, ticks: 4)
        #expect(flat.min < 5000 && flat.max > 5000)
    }
}
