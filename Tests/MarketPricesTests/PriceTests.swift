import Testing

@testable import MarketPrices

@Suite struct PriceTests {
    @Test func parsesDecimalText() {
        #expect(Price(text: "635")?.scaled == 6_350_000)
        #expect(Price(text: "2.54")?.scaled == 25_400)
        #expect(Price(text: "0.0001")?.scaled == 1)
        #expect(Price(text: "1.23456") == nil)
        #expect(Price(text: "abc") == nil)
        #expect(Price(text: "1e5") == nil)
        #expect(Price(text: "") == nil)
        #expect(Price(text: ".5") == nil)
        #expect(Price(text: "5.") == nil)
    }

    @Test func exactDoubles() {
        #expect(Price(exactly: 11050.25)?.description == "11050.25")
        #expect(Price(exactly: 0.1)?.scaled == 1000)
        #expect(Price(exactly: 1.23456) == nil)
        #expect(Price(exactly: .infinity) == nil)
    }

    @Test func medianAndMean() {
        let p = [Price(10), Price(20), Price(30), Price(41)]
        #expect(Price.median(ofSorted: p) == Price(25))
        #expect(Price.median(ofSorted: [Price(scaled: 1), Price(scaled: 2)]) == Price(scaled: 2))  // half up
        #expect(Price.median(ofSorted: [Price(7)]) == Price(7))
        #expect(Price.mean(of: p) == Price(scaled: 252_500))
    }
}
