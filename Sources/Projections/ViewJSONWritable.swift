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
        object.out.reserveCapacity(256)
        write(into: &object)
        return object.finish()
    }
}

/// The members of one JSON object as `ViewJSONWritable` writes them (see its contract).
public struct ViewJSONObject {
    var out: [UInt8] = [UInt8(ascii: "{")]
    private var last: StaticString?

    init() {}

    /// An object written after `bytes`.
    private init(after bytes: consuming [UInt8]) {
        out = bytes
        out.append(UInt8(ascii: "{"))
    }

    /// Starts the member `key` (after the last one, in byte order).
    private mutating func key(_ key: StaticString) {
        if let last {
            let n = min(last.utf8CodeUnitCount, key.utf8CodeUnitCount)
            let c = memcmp(last.utf8Start, key.utf8Start, n)
            precondition(
                c < 0 || (c == 0 && last.utf8CodeUnitCount < key.utf8CodeUnitCount),
                "ViewJSONObject: member \(key) written after \(last): members go in the byte order of their keys")
            out.append(UInt8(ascii: ","))
        }
        last = key
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        out.append(contentsOf: "\":".utf8)
    }

    public mutating func string(_ key: StaticString, _ value: String) {
        self.key(key)
        CanonicalJSON.appendString(value, to: &out)
    }

    public mutating func string(_ key: StaticString, _ value: String?) {
        if let value { string(key, value) }
    }

    public mutating func choice<R: RawRepresentable>(_ key: StaticString, _ value: R) where R.RawValue == String {
        string(key, value.rawValue)
    }

    public mutating func choice<R: RawRepresentable>(_ key: StaticString, _ value: R?) where R.RawValue == String {
        if let value { string(key, value.rawValue) }
    }

    public mutating func integer(_ key: StaticString, _ value: some BinaryInteger) {
        self.key(key)
        out.append(contentsOf: value.description.utf8)
    }

    public mutating func integer(_ key: StaticString, _ value: (some BinaryInteger)?) {
        if let value { integer(key, value) }
    }

    /// An array of objects, each written by its own `write(into:)`.
    public mutating func objects<T: ViewJSONWritable>(_ key: StaticString, _ values: [T]) {
        self.key(key)
        out.append(UInt8(ascii: "["))
        for (i, value) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            var bytes: [UInt8] = []
            swap(&bytes, &out)
            var inner = ViewJSONObject(after: bytes)
            value.write(into: &inner)
            out = inner.finish()
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Closes the object: its bytes.
    consuming func finish() -> [UInt8] {
        out.append(UInt8(ascii: "}"))
        return out
    }
}
