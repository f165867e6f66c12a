import DomainKit
import EventLog
import MarketPrices
import Testing

@testable import QueryService

@Suite("Indonesian formatting")
struct IndonesianFormatTests {
    @Test(
        "integers group thousands with dots",
        arguments: [
            (0, "0"), (7, "7"), (999, "999"), (1000, "1.000"), (1250, "1.250"), (11750, "11.750"), (123_456, "123.456"),
            (1_234_567, "1.234.567"), (-1250, "-1.250"), (-999, "-999"),
        ])
    func integers(_ value: Int, _ expected: String) {
        #expect(IndonesianFormat.integer(value) == expected)
    }

    @Test("the whole range of Int64, minimum included")
    func extremes() {
        #expect(IndonesianFormat.integer(Int64.max) == "9.223.372.036.854.775.807")
        #expect(IndonesianFormat.integer(Int64.min) == "-9.223.372.036.854.775.808")
    }

    @Test(
        "rupiah: no fraction when whole, else a comma and at least 2 digits",
        arguments: [
            ("11750", "Rp 11.750"), ("11750.5", "Rp 11.750,50"), ("11750.25", "Rp 11.750,25"), ("0.1234", "Rp 0,1234"),
            ("0.05", "Rp 0,05"), ("1000000", "Rp 1.000.000"), ("-500", "-Rp 500"), ("950", "Rp 950"), ("12.001", "Rp 12,001"),
        ])
    func rupiah(_ text: String, _ expected: String) throws {
        let price = try #require(Price(text: text))
        #expect(IndonesianFormat.rupiah(price) == expected)
    }

    @Test("other currencies keep their code")
    func otherCurrency() throws {
        #expect(IndonesianFormat.money(try #require(Price(text: "1250.5")), currency: "USD") == "USD 1.250,50")
        #expect(IndonesianFormat.money(try #require(Price(text: "1250.5")), currency: "IDR") == "Rp 1.250,50")
    }

    @Test("quantities carry their unit")
    func quantities() {
        #expect(IndonesianFormat.quantity(1250, unit: "kg") == "1.250 kg")
        #expect(IndonesianFormat.quantity(12, unit: "dus") == "12 dus")
        #expect(IndonesianFormat.quantity(3, unit: "") == "3")
    }

    @Test("numbers and percentages use a decimal comma")
    func percentages() {
        #expect(IndonesianFormat.number(12.345, fractionDigits: 2) == "12,35")
        #expect(IndonesianFormat.number(1234.5, fractionDigits: 1) == "1.234,5")
        #expect(IndonesianFormat.number(-0.25, fractionDigits: 2) == "-0,25")
        #expect(IndonesianFormat.number(.nan, fractionDigits: 2) == "-")
        #expect(IndonesianFormat.percent(12.5) == "12,5%")
        #expect(IndonesianFormat.percent(10) == "10%")
        #expect(IndonesianFormat.percent(10.04) == "10%")
        #expect(IndonesianFormat.percent(33.333) == "33,3%")
    }

    @Test("dates in Indonesian month names")
    func dates() throws {
        #expect(IndonesianFormat.date(try #require(CivilDate("2018-08-10"))) == "10 Agustus 2018")
        #expect(IndonesianFormat.date(try #require(CivilDate("2018-01-01"))) == "1 Januari 2018")
        #expect(IndonesianFormat.date(try #require(CivilDate("2018-12-31"))) == "31 Desember 2018")
        #expect(IndonesianFormat.shortDate(try #require(CivilDate("2018-08-06"))) == "6 Agu")
        #expect(IndonesianFormat.date(year: 2018, month: 5, day: 17) == "17 Mei 2018")
    }

    @Test("times are shown in WITA (UTC+8), also across midnight")
    func times() throws {
        #expect(IndonesianFormat.dateTime(try #require(Timestamp("2018-08-10T01:15:00.000Z"))) == "10 Agustus 2018, 09.15 WITA")
        #expect(IndonesianFormat.dateTime("2018-08-05T16:30:00Z") == "6 Agustus 2018, 00.30 WITA")
        #expect(IndonesianFormat.date("2018-08-05T16:30:00Z") == "6 Agustus 2018")
        #expect(IndonesianFormat.dateTime("not a time") == "not a time")
    }
}
