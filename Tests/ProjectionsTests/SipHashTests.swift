import Testing

@testable import Projections

@Suite("SipHash (the write cache's keys)")
struct SipHashTests {
    /// The key 00 01 .. 0f of the paper's appendix and its reference implementation's vectors.
    let reference = SipHash(k0: 0x0706_0504_0302_0100, k1: 0x0f0e_0d0c_0b0a_0908)

    func sip24(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { reference.hash($0, compressionRounds: 2, finalizationRounds: 4) }
    }

    @Test("SipHash-2-4 gives the reference vectors (empty, 1, 7, 8 and 15 bytes)")
    func referenceVectors() {
        #expect(sip24([]) == 0x726f_db47_dd0e_0e31)
        #expect(sip24([0]) == 0x74f8_39c5_93dc_67fd)
        #expect(sip24(Array(0..<7)) == 0xab02_00f5_8b01_d137)
        #expect(sip24(Array(0..<8)) == 0x93f5_f579_9a93_2462)
        #expect(sip24(Array(0..<15)) == 0xa129_ca61_49be_45e5)
    }

    @Test("a key's hash depends on every byte, its length and the process's key")
    func keyed() {
        let a = Array("DN-2018-000066\u{1F}0000000000012345".utf8)
        var b = a
        b[b.count - 1] ^= 1
        let process = SipHash.process
        let other = SipHash(k0: process.k0 ^ 1, k1: process.k1)
        func h(_ key: SipHash, _ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { key.hash($0) } }
        #expect(h(process, a) != h(process, b))
        #expect(h(process, a) != h(process, a + [0]))
        #expect(h(process, a) != h(other, a))
        #expect(h(process, a) == h(process, a))
    }

    @Test("the write cache's keys are equal when their strings are, whatever their storage")
    func slotKeys() {
        let small = ViewWriteCache.SlotKey("abc")
        let built = ViewWriteCache.SlotKey(String(["a", "b", "c"]))
        #expect(small == built)
        #expect(small.hash == built.hash)
        let long = "market-ruby-supermarket\u{1F}beras-km2\u{1F}retail"
        var table: [ViewWriteCache.SlotKey: Int] = [:]
        for i in 0..<10_000 { table[ViewWriteCache.SlotKey("\(long)\(i)")] = i }
        #expect(table.count == 10_000)
        #expect(table[ViewWriteCache.SlotKey("\(long)4321")] == 4321)
        #expect(table[ViewWriteCache.SlotKey("\(long)10000")] == nil)
    }
}
