import EventLog

/// The scenario's draws on the log's seeded generator (`EventLog.SplitMix64`). Never for receipt
/// numbers or PINs of real applications: those come from `SystemRandomNumberGenerator`.
extension SplitMix64 {
    /// A well-mixed 64-bit value of its inputs (order matters).
    static func mix(_ values: UInt64...) -> UInt64 {
        var h: UInt64 = 0x6A09_E667_F3BC_C908
        for v in values { h = finalize(h ^ finalize(v &+ 0x9E37_79B9_7F4A_7C15)) }
        return h
    }

    /// A uniform Double in [lower, upper).
    mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * unit()
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { uniform(0, 1) < p }

    /// An index drawn with the given weights (which need not sum to 1).
    mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var x = uniform(0, total)
        for (i, w) in weights.enumerated() {
            if x < w { return i }
            x -= w
        }
        return weights.count - 1
    }
}
