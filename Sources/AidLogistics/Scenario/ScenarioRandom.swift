import EventLog

/// The scenario's generator: the log's seeded SplitMix64 (`EventLog.SplitMix64`), the same
/// numbers on every platform and toolchain. The scenario draws everything from it (never from the
/// system's generator), so a seed always gives the same events.
typealias ScenarioRandom = SplitMix64

extension SplitMix64 {
    /// Uniform in `range` (closed).
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % span)
    }

    /// Uniform in [lo, hi).
    mutating func double(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// `mean` rounded up or down at random, so that the expectation is `mean`.
    mutating func count(_ mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        let whole = Int(mean)
        return whole + (chance(mean - Double(whole)) ? 1 : 0)
    }

    /// An index drawn with probability proportional to `weights` (cumulative, ascending).
    mutating func pick(cumulative: [Double]) -> Int {
        guard let total = cumulative.last, total > 0 else { return 0 }
        let x = unit() * total
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    mutating func element<T>(_ array: [T]) -> T? {
        array.isEmpty ? nil : array[int(0...(array.count - 1))]
    }

    /// Fisher-Yates, with this generator's own draws (not the standard library's algorithm,
    /// which may change between toolchains).
    mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, int(0...i))
        }
    }

    /// A version-4 UUID drawn from this generator.
    mutating func uuid() -> EventID {
        var hi = next(), lo = next()
        hi = (hi & ~0xF000) | 0x4000
        lo = (lo & ~(0xC0 << 56)) | (0x80 << 56)
        return EventID(high: hi, low: lo)
    }
}
