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

/// The index of `name` in `names` (lengths compared first: most names differ in theirs): how a
/// view's few databases, with short names, are found, where a dictionary hashed the name per
/// operation.
@inline(__always)
func indexOfName(_ name: String, in names: [String]) -> Int? {
    let count = name.utf8.count
    for i in names.indices where names[i].utf8.count == count && names[i] == name { return i }
    return nil
}
