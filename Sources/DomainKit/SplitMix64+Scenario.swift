public import EventLog

/// The scenarios' draws on the log's seeded generator (`EventLog.SplitMix64`): the same numbers on
/// every platform and toolchain, so a seed always gives the same events. Every domain's scenario
/// draws from here, never from the system's generator. Never for receipt numbers, PINs or keys of
/// real data: those come from `SystemRandomNumberGenerator`.
extension SplitMix64 {
    /// A well-mixed 64-bit value of its inputs (order matters).
    public static func mix(_ values: UInt64...) -> UInt64 {
        var h: UInt64 = 0x6A09_E667_F3BC_C908
        for v in values { h = finalize(h ^ finalize(v &+ 0x9E37_79B9_7F4A_7C15)) }
        return h
    }

    /// Uniform in `range` (closed).
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % span)
    }

    /// A uniform Double in [lower, upper).
    public mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * unit()
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// `mean` rounded up or down at random, so that the expectation is `mean`.
    public mutating func count(_ mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        let whole = Int(mean)
        return whole + (chance(mean - Double(whole)) ? 1 : 0)
    }

    /// An index drawn with probability proportional to `cumulative` (cumulative weights, ascending).
    public mutating func pick(cumulative: [Double]) -> Int {
        guard let total = cumulative.last, total > 0 else { return 0 }
        let x = unit() * total
        var lo = 0
        var hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// An index drawn with the given weights (which need not sum to 1).
    public mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var x = uniform(0, total)
        for (i, w) in weights.enumerated() {
            if x < w { return i }
            x -= w
        }
        return weights.count - 1
    }

    /// A uniformly drawn element, nil for an empty array.
    public mutating func element<T>(_ array: [T]) -> T? {
        array.isEmpty ? nil : array[int(0...(array.count - 1))]
    }

    /// Fisher-Yates, with this generator's own draws (not the standard library's algorithm,
    /// which may change between toolchains).
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, int(0...i))
        }
    }

    /// A version-4 UUID drawn from this generator.
    public mutating func uuid() -> EventID {
        var hi = next()
        var lo = next()
        hi = (hi & ~0xF000) | 0x4000
        lo = (lo & ~(0xC0 << 56)) | (0x80 << 56)
        return EventID(high: hi, low: lo)
    }
}
