// libFuzzer harness for the JSON module (`make fuzz`): built with
// `swiftc -sanitize=fuzzer,address -parse-as-library` over Sources/JSON/*.swift and this file.
// For every input the parser either refuses it with a JSONError or returns a value whose RFC 8785
// form parses back to the same value and is its own canonical form; the payload policy and the
// strict decoder never crash on it; `CanonicalJSON.isCanonical` says yes only to canonical bytes.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONParser.parse(bytes) else { return 0 }
    let canonical = CanonicalJSON.encode(value)
    guard let again = try? JSONParser.parse(canonical) else {
        fatalError("the canonical form of an accepted input does not parse: \(String(decoding: canonical, as: UTF8.self))")
    }
    guard again == value else { fatalError("the canonical form parses to another value") }
    guard CanonicalJSON.encode(again) == canonical else { fatalError("canonicalization is not idempotent") }
    // The fast check must be sound: it may say yes only to bytes that are their own canonical form.
    if bytes.withUnsafeBufferPointer({ CanonicalJSON.isCanonical($0) }) && bytes != canonical {
        fatalError("isCanonical said yes to bytes that are not canonical")
    }
    _ = try? PayloadPolicy.check(value)
    _ = try? JSONValueDecoder(root: "data").decode(JSONValue.self, from: value)
    return 0
}
