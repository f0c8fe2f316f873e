import Foundation
import Testing
import PropertyBased
@testable import HashiIndex

/// One term ("t", field 0) with the given postings; every passage also has a
/// "filler" token so the passage lengths cover the positions.
private func writeTerm(_ postings: [(UInt32, [UInt32])], passages: Int, in dir: TempDir) throws -> SegmentReader {
    var w = SegmentWriter()
    w.addDocument(path: "d", size: 0, modified: 0, contentHash: 0)
    var k = 0
    for p in 0..<passages {
        w.addPassage(document: 0, ordinal: UInt32(p), line: 0, startOffset: 0, endOffset: 0, text: "")
        w.addToken(field: 0, term: "filler", position: 0)
        if k < postings.count && postings[k].0 == UInt32(p) {
            for pos in postings[k].1.reversed() { w.addToken(field: 0, term: "t", position: pos) }
            k += 1
        }
    }
    _ = try w.write(to: dir.url, name: "seg")
    return try SegmentReader(directory: dir.url, name: "seg")
}

private func readAll(_ r: SegmentReader) throws -> [(UInt32, [UInt32])] {
    let info = try #require(r.termInfo(field: 0, term: "t"))
    var c = r.postings(for: info)
    var out: [(UInt32, [UInt32])] = []
    while let id = c.next() {
        let ps = c.positions()
        #expect(Int(c.frequency) == ps.count)
        out.append((id, ps))
    }
    return out
}

@Suite struct PostingsEncodingTests {
    @Test(arguments: [1, 2, 127, 128, 129, 255, 256, 257, 1000])
    func roundTripPostingCounts(count: Int) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var rng = SplitMix64(seed: UInt64(count))
        var postings: [(UInt32, [UInt32])] = []
        var id: UInt32 = count == 1 ? 0 : UInt32(rng.next() % 3)
        for _ in 0..<count {
            let f = rng.next() % 5 == 0 ? 1 + Int(rng.next() % 200) : 1
            var ps = Set<UInt32>()
            while ps.count < f { ps.insert(UInt32(rng.next() % 5000)) }
            postings.append((id, ps.sorted()))
            id += 1 + UInt32(rng.next() % (rng.next() % 4 == 0 ? 3000 : 4))
        }
        let r = try writeTerm(postings, passages: Int(id) + 1, in: dir)
        let got = try readAll(r)
        #expect(got.map(\.0) == postings.map(\.0))
        #expect(got.map(\.1) == postings.map(\.1))
        #expect(IndexCheck.verify(r).isEmpty)
        // advance to every posting from a fresh cursor, positions right.
        let info = try #require(r.termInfo(field: 0, term: "t"))
        for k in stride(from: 0, to: count, by: max(1, count / 17)) {
            var c = r.postings(for: info)
            #expect(c.advance(to: postings[k].0) == postings[k].0)
            #expect(c.positions() == postings[k].1)
            #expect(c.positions() == postings[k].1)  // repeatable
        }
    }

    @Test func hugePositionsAndIDs() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        // 300 postings with positions near 2^32 (32-bit packed widths) in the last passages.
        var postings: [(UInt32, [UInt32])] = []
        for i in 0..<300 {
            postings.append((UInt32(i * 2), i % 3 == 0 ? [0, UInt32.max - 2] : [UInt32.max - 1 - UInt32(i)]))
        }
        let r = try writeTerm(postings, passages: 600, in: dir)
        let got = try readAll(r)
        #expect(got.map(\.0) == postings.map(\.0))
        #expect(got.map(\.1) == postings.map(\.1))
        #expect(IndexCheck.verify(r).isEmpty)
        #expect(r.fieldLength(field: 0, passage: 0) == UInt32.max - 1)
    }

    @Test func bitPackingRoundTrip() {
        var rng = SplitMix64(seed: 4)
        for bits in 0...32 {
            let values = (0..<128).map { _ in bits == 0 ? 0 : UInt32(truncatingIfNeeded: rng.next()) >> UInt32(32 - bits) }
            var out: [UInt8] = []
            BitPacking.pack(values, from: 0, bits: bits, into: &out)
            #expect(out.count == 16 * bits)
            out.append(contentsOf: repeatElement(0, count: 8))
            out.withUnsafeBytes { raw in
                for i in 0..<128 {
                    #expect(BitPacking.unpack(raw.baseAddress!, i, bits) == values[i])
                    #expect(BitPacking.unpack(raw.baseAddress!, i, bits, mask: (1 << UInt64(bits)) - 1) == values[i])
                }
            }
        }
        // Value i at bits i·b ..< (i+1)·b, little-endian: widths 3 → 0b_010_001 for [1, 2].
        var out: [UInt8] = []
        BitPacking.pack([1, 2] + [UInt32](repeating: 0, count: 126), from: 0, bits: 3, into: &out)
        #expect(out[0] == 0b0001_0001 && out[1] == 0)
    }

    /// Damage in packed blocks behind a valid checksum: cursors stop cleanly
    /// and verify reports the postings or positions file.
    @Test func damagedPackedBlocksAreReported() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var postings: [(UInt32, [UInt32])] = []
        for i in 0..<400 {
            let a = UInt32(i % 7)
            postings.append((UInt32(i * 3), [a, a + 5]))
        }
        let r0 = try writeTerm(postings, passages: 1200, in: dir)
        let info = try #require(r0.termInfo(field: 0, term: "t"))
        for kind in [SegmentFileKind.postings, .positions] {
            let url = dir.url.appendingPathComponent(kind.fileName(segment: "seg"))
            let original = [UInt8](try Data(contentsOf: url))
            let start = Int(kind == .postings ? info.postingsOffset : info.positionsOffset)
            let headerAt = kind == .postings ? start + 16 * 4 : start  // first packed block's width byte
            for (at, value) in [(headerAt, UInt8(33)), (headerAt, UInt8(200)), (headerAt + 3, original[headerAt + 3] ^ 0x10)] {
                var bytes = original
                bytes[at] = value
                fixFooterChecksum(&bytes)
                try Data(bytes).write(to: url)
                let r = try SegmentReader(directory: dir.url, name: "seg")
                var c = r.postings(for: info)
                var n = 0
                while c.next() != nil, n < 10_000 {
                    _ = c.positions()
                    n += 1
                }
                var d = r.postings(for: info)
                _ = d.advance(to: 900)
                _ = d.positions()
                let problems = IndexCheck.verify(r)
                #expect(!problems.isEmpty, "\(kind) damage at \(at) not reported")
            }
            try Data(original).write(to: url)
        }
        #expect(IndexCheck.verify(directory: dir.url, segment: "seg").isEmpty)
    }
}
