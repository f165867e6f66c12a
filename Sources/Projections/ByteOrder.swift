#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The order of two byte strings, as LMDB's default comparison orders keys (negative: `x`
/// first, 0: equal): `memcmp` of the common length, then the shorter first.
func compareBytes(_ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer) -> Int {
    let n = min(x.count, y.count)
    if n > 0, let p = x.baseAddress, let q = y.baseAddress {
        let c = memcmp(p, q, n)
        if c != 0 { return Int(c) }
    }
    return x.count - y.count
}
