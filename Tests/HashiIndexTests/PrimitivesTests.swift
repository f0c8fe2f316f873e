import Testing
import PropertyBased
@testable import HashiIndex

@Suite struct CRC32CTests {
    @Test func standardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func emptyInput() {
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    @Test func knownVectors() {
        // RFC 3720 (iSCSI) test vectors.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
    }

    /// Bitwise reference implementation.
    static func reference(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        }
        return ~c
    }

    @Test func matchesBitwiseReferenceAndContinues() async {
        await propertyCheck(count: 200, input: Gen.uint8().array(of: 0...100), Gen.int(in: 0...100)) { bytes, cut in
            #expect(CRC32C.checksum(bytes) == Self.reference(bytes))
            let k = min(cut, bytes.count)
            let first = Array(bytes[0..<k]).withUnsafeBytes { CRC32C.checksum($0) }
            let whole = Array(bytes[k...]).withUnsafeBytes { CRC32C.update(first, $0) }
            #expect(whole == CRC32C.checksum(bytes))
        }
    }
}

@Suite struct VarintTests {
    @Test func knownEncodings() {
        func enc(_ v: UInt64) -> [UInt8] {
            var b: [UInt8] = []
            Varint.append(v, to: &b)
            return b
        }
        #expect(enc(0) == [0])
        #expect(enc(1) == [1])
        #expect(enc(127) == [0x7F])
        #expect(enc(128) == [0x80, 0x01])
        #expect(enc(300) == [0xAC, 0x02])
        #expect(enc(16_383) == [0xFF, 0x7F])
        #expect(enc(16_384) == [0x80, 0x80, 0x01])
        #expect(enc(UInt64.max).count == 10)
        #expect(enc(UInt64.max).last == 0x01)
    }

    @Test func roundTrip() async {
        await propertyCheck(count: 300, input: Gen.uint64().array(of: 0...20)) { values in
            var b: [UInt8] = []
            for v in values { Varint.append(v, to: &b) }
            #expect(b.count == values.reduce(0) { $0 + Varint.encodedLength($1) })
            var o = 0
            for v in values { #expect(Varint.decode(b, at: &o) == v) }
            #expect(o == b.count)
            #expect(Varint.decode(b, at: &o) == nil)
        }
    }

    @Test func rejectsTruncatedAndOverlong() {
        var o = 0
        #expect(Varint.decode([0x80], at: &o) == nil)
        #expect(o == 0)
        #expect(Varint.decode([0x80, 0x80], at: &o) == nil)
        // 11 continuation bytes.
        #expect(Varint.decode([UInt8](repeating: 0x80, count: 10) + [0x01], at: &o) == nil)
        // 10th byte carrying more than one bit overflows 64 bits.
        #expect(Varint.decode([UInt8](repeating: 0xFF, count: 9) + [0x02], at: &o) == nil)
        #expect(Varint.decode([UInt8](repeating: 0xFF, count: 9) + [0x01], at: &o) == UInt64.max)
    }
}
