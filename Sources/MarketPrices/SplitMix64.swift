/// A seeded pseudo-random generator (SplitMix64, Steele et al. 2014): the same seed gives the same
/// numbers on every platform, so the scenario is deterministic.
struct SplitMix64: RandomNumberGenerator {
    private(set) var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The SplitMix64 finalizer: a good hash of one 64-bit word.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in [0, 1) from the next 53 bits.
    mutating func unit() -> Double { Double(next() >> 11) / 9_007_199_254_740_992 }
}
