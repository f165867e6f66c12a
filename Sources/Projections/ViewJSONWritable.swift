import JSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A view value that writes its own JSON: the bytes `ViewCoding.encoder` (`JSONEncoder`, sorted
/// keys, slashes unescaped) writes for it, without `Codable`'s containers (`ViewJSON` builds a
/// tree of nodes per value). For the values a rebuild writes most: a document's public record, a
/// notification, a step of a donation's trace.
///
/// Contract: `write(into:)` gives the members its `Codable` form encodes, under the same keys, in
/// increasing byte order of the keys (checked as they come: a key out of order stops the process
/// rather than store bytes `JSONEncoder` would not write), an optional member only when it holds a
/// value (as `encodeIfPresent`). Debug builds compare every value written with `JSONEncoder`'s
/// bytes (`ViewCoding.encode`), as for `ViewJSON`.
public protocol ViewJSONWritable: Encodable {
    func write(into object: inout ViewJSONObject)
}

extension ViewJSONWritable {
    /// The value's JSON (what `ViewCoding.encode` stores for it).
    public var viewJSON: [UInt8] {
        var object = ViewJSONObject()
        write(into: &object)
        return object.finish()
    }
}

/// The members of one JSON object as `ViewJSONWritable` writes them (see its contract), with
/// the objects nested in it.
///
/// Its bytes are written into a buffer of its own (grown by doubling), a member's key and quotes
/// in one copy: appending to an `Array` checked its uniqueness and capacity per piece, ~400
/// instructions per member's key (callgrind, a rebuild of 300,000 events, where a step of a
/// donation's trace took 11,800 instructions to write).
public struct ViewJSONObject: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// The key of the last member of the innermost open object (nil: none yet).
    private var last: StaticString?

    init() {
        capacity = 256
        base = .allocate(capacity: capacity)
        byte(UInt8(ascii: "{"))
    }

    deinit { base.deallocate() }

    /// Room for `n` more bytes.
    @inline(__always)
    private mutating func reserve(_ n: Int) {
        guard count + n > capacity else { return }
        let grown = max(capacity * 2, count + n)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        bigger.update(from: base, count: count)
        base.deallocate()
        (base, capacity) = (bigger, grown)
    }

    @inline(__always)
    private mutating func byte(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    @inline(__always)
    private mutating func bytes(_ p: UnsafePointer<UInt8>, _ n: Int) {
        reserve(n)
        (base + count).update(from: p, count: n)
        count += n
    }

    /// Starts the member `key` (after the last one, in byte order).
    private mutating func key(_ key: StaticString) {
        let n = key.utf8CodeUnitCount
        if let last {
            let c = memcmp(last.utf8Start, key.utf8Start, min(last.utf8CodeUnitCount, n))
            precondition(
                c < 0 || (c == 0 && last.utf8CodeUnitCount < n),
                "ViewJSONObject: member \(key) written after \(last): members go in the byte order of their keys")
        }
        reserve(n + 4)
        if last != nil {
            base[count] = UInt8(ascii: ",")
            count += 1
        }
        base[count] = UInt8(ascii: "\"")
        (base + count + 1).update(from: key.utf8Start, count: n)
        base[count + 1 + n] = UInt8(ascii: "\"")
        base[count + 2 + n] = UInt8(ascii: ":")
        count += n + 3
        last = key
    }

    /// `s` as a JSON string, escaped as `JSONEncoder` escapes it (`CanonicalJSON.appendString`):
    /// a quote, a backslash and the control characters below 0x20; everything else as it is.
    private mutating func quoted(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            let n = utf8.count
            reserve(n + 2)
            base[count] = UInt8(ascii: "\"")
            count += 1
            guard let p = utf8.baseAddress else { return }
            var run = 0
            var i = 0
            while i < n {
                // Eight bytes at a time while none needs an escape (most strings: one copy).
                if i + 8 <= n, !CanonicalJSON.mayNeedEscape(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                    continue
                }
                let b = p[i]
                if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                    bytes(p + run, i - run)
                    CanonicalJSON.escape(b) { byte($0) }
                    run = i + 1
                }
                i += 1
            }
            bytes(p + run, n - run)
        }
        byte(UInt8(ascii: "\""))
    }

    public mutating func string(_ key: StaticString, _ value: String) {
        self.key(key)
        quoted(value)
    }

    public mutating func string(_ key: StaticString, _ value: String?) {
        if let value { string(key, value) }
    }

    /// Inlined where it is called, so that the raw value is read for its own type (a generic call
    /// looked the type up at run time).
    @inlinable
    public mutating func choice<R: RawRepresentable>(_ key: StaticString, _ value: R) where R.RawValue == String {
        string(key, value.rawValue)
    }

    @inlinable
    public mutating func choice<R: RawRepresentable>(_ key: StaticString, _ value: R?) where R.RawValue == String {
        if let value { string(key, value.rawValue) }
    }

    /// An integer, in decimal (as `JSONEncoder` writes it). Inlined where it is called, as `choice`.
    @inlinable
    public mutating func integer(_ key: StaticString, _ value: some BinaryInteger) {
        if let v = Int64(exactly: value) {
            integer(key, int64: v)
        } else {
            integer(key, digits: value.description)
        }
    }

    @inlinable
    public mutating func integer(_ key: StaticString, _ value: (some BinaryInteger)?) {
        if let value { integer(key, value) }
    }

    /// `value` in decimal, its digits made here (`description` made a `String` per integer).
    @usableFromInline
    mutating func integer(_ key: StaticString, int64 value: Int64) {
        self.key(key)
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: 20 digits and a sign
        withUnsafeMutableBytes(of: &digits) { d in
            var v = value.magnitude
            var at = d.count
            repeat {
                at -= 1
                d[at] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v != 0
            if value < 0 {
                at -= 1
                d[at] = UInt8(ascii: "-")
            }
            bytes(d.baseAddress!.assumingMemoryBound(to: UInt8.self) + at, d.count - at)
        }
    }

    /// A number whose decimal digits are `digits` (an integer beyond `Int64`).
    @usableFromInline
    mutating func integer(_ key: StaticString, digits: String) {
        self.key(key)
        for b in digits.utf8 { byte(b) }
    }

    /// An array of strings (written only when present, as `encodeIfPresent`).
    public mutating func strings(_ key: StaticString, _ values: [String]?) {
        guard let values else { return }
        self.key(key)
        byte(UInt8(ascii: "["))
        for (i, value) in values.enumerated() {
            if i > 0 { byte(UInt8(ascii: ",")) }
            quoted(value)
        }
        byte(UInt8(ascii: "]"))
    }

    /// An array of objects, each written by its own `write(into:)`.
    public mutating func objects<T: ViewJSONWritable>(_ key: StaticString, _ values: [T]) {
        self.key(key)
        byte(UInt8(ascii: "["))
        let outer = last
        for (i, value) in values.enumerated() {
            if i > 0 { byte(UInt8(ascii: ",")) }
            byte(UInt8(ascii: "{"))
            last = nil
            value.write(into: &self)
            byte(UInt8(ascii: "}"))
        }
        last = outer
        byte(UInt8(ascii: "]"))
    }

    /// Closes the object: its bytes.
    consuming func finish() -> [UInt8] {
        byte(UInt8(ascii: "}"))
        return [UInt8](UnsafeBufferPointer(start: base, count: count))
    }
}
