/// A seeded generator (SplitMix64, Steele et al. 2014) for the deterministic scenario. Never for
/// receipt numbers or PINs of real applications: those come from `SystemRandomNumberGenerator`.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.finalize(state)
    }

    static func finalize(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A well-mixed 64-bit value of its inputs (order matters).
    static func mix(_ values: UInt64...) -> UInt64 {
        var h: UInt64 = 0x6A09_E667_F3BC_C908
        for v in values { h = finalize(h ^ finalize(v &+ 0x9E37_79B9_7F4A_7C15)) }
        return h
    }

    /// A uniform Double in [lower, upper).
    mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * Double(next() >> 11) / Double(UInt64(1) << 53)
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
