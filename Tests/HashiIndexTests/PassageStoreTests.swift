import Foundation
import Testing
import PropertyBased
@testable import HashiIndex

/// Recomputes the footer CRC so that only structural checks can catch damage.
func fixFooterChecksum(_ bytes: inout [UInt8]) {
    guard bytes.count >= 28 else { return }
    let crc = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<(bytes.count - 4)])) }
    bytes.setLE(crc, at: bytes.count - 4)
}

/// Passages of several documents spanning many compressed blocks: empty
/// passages, one passage larger than a block, extreme metadata values.
private func multiBlockModel(seed: UInt64) -> SegmentModel {
    var rng = SplitMix64(seed: seed)
    var m = SegmentModel()
    let words = ["東京", "の", "橋", "search", "index", "全文検索", "データ", "。", " ", "tower", "\n"]
    for d in 0..<12 {
        m.documents.append(ModelDocument(path: "doc\(d).txt", size: UInt64(d), modified: -Int64(d), hash: rng.next()))
        let np = d == 3 ? 0 : Int(rng.next() % 300)
        var offset: UInt64 = d == 5 ? UInt64.max - 10_000_000 : 0
        for o in 0..<np {
            var text: String
            switch rng.next() % 10 {
            case 0: text = ""
            case 1 where d == 7 && o == 2:
                text = String(repeating: "大きな段落 big passage ", count: 5000)  // > 2 blocks of text
            default:
                text = (0..<Int(rng.next() % 60)).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined()
            }
            let length = UInt64(text.utf8.count)
            let line: UInt32 = d == 9 ? UInt32.max - UInt32(np - o) : UInt32(o * 2 + 1)
            // Document 11 has a passage whose end precedes its start (caller-defined; stored as given).
            let (start, end) = d == 11 && o == 1 ? (offset + 50, offset) : (offset, offset + length)
            m.passages.append(ModelPassage(document: UInt32(d), ordinal: UInt32(o), line: line,
                                           start: start, end: end, text: text, tokens: []))
            offset &+= length + UInt64(rng.next() % 3)
        }
    }
    return m
}

@Suite struct PassageStoreTests {
    @Test func multiBlockRoundTrip() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let m = multiBlockModel(seed: 3)
        var w = m.makeWriter()
        _ = try w.write(to: dir.url, name: "seg")
        let r = try SegmentReader(directory: dir.url, name: "seg")
        #expect(r.passageBlockCount > 3)
        #expect(r.passageCount == m.passages.count)
        for (i, p) in m.passages.enumerated() {
            let got = r.passage(UInt32(i))
            #expect(got == PassageRecord(document: p.document, ordinal: p.ordinal, line: p.line,
                                         startOffset: p.start, endOffset: p.end, text: p.text), "passage \(i)")
            #expect(r.passageDocument(UInt32(i)) == p.document)
        }
        #expect(r.passage(UInt32(m.passages.count)) == nil)
        #expect(r.passageDocument(UInt32(m.passages.count)) == nil)
        // Every block but the last holds at least the target amount of text.
        var total = 0
        for b in 0..<r.passageBlockCount {
            let records = try #require(r.passages(inBlock: b))
            let text = records.reduce(0) { $0 + $1.text.utf8.count }
            if b < r.passageBlockCount - 1 { #expect(text >= IndexFormat.passageBlockTarget) }
            total += records.count
        }
        #expect(total == m.passages.count)
        // The store is much smaller than the text.
        let psg = try Data(contentsOf: dir.url.appendingPathComponent("seg.psg")).count
        let text = m.passages.reduce(0) { $0 + $1.text.utf8.count }
        #expect(psg * 3 < text)
        let problems = IndexCheck.verify(r)
        // Only the deliberately inverted offsets of document 11 are reported.
        #expect(problems.count == 1 && problems[0].message.contains("starts"), "\(problems)")
    }

    @Test func onlyEmptyPassagesAndOneHugePassage() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var w = SegmentWriter()
        w.addDocument(path: "a", size: 0, modified: 0, contentHash: 0)
        for o in 0..<5 { w.addPassage(document: 0, ordinal: UInt32(o), line: 0, startOffset: 0, endOffset: 0, text: "") }
        let huge = String(repeating: "あ", count: 100_000)
        w.addPassage(document: 0, ordinal: 5, line: 9, startOffset: 0, endOffset: 300_000, text: huge)
        w.addPassage(document: 0, ordinal: 6, line: 10, startOffset: 300_000, endOffset: 300_000, text: "")
        _ = try w.write(to: dir.url, name: "seg")
        let r = try SegmentReader(directory: dir.url, name: "seg")
        #expect(r.passageBlockCount == 2)
        #expect(r.passage(0)?.text == "")
        #expect(r.passage(5)?.text == huge)
        #expect(r.passage(6) == PassageRecord(document: 0, ordinal: 6, line: 10, startOffset: 300_000, endOffset: 300_000, text: ""))
        #expect(IndexCheck.verify(r).isEmpty)
    }

    @Test func mergeOfMultiBlockSegmentsEqualsSingleWrite() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let m = multiBlockModel(seed: 8)
        var parts: [SegmentReader] = []
        for (k, range) in [0..<4, 4..<9, 9..<12].enumerated() {
            var part = SegmentModel()
            part.documents = Array(m.documents[range])
            part.passages = m.passages.filter { range.contains(Int($0.document)) }.map {
                var p = $0
                p.document -= UInt32(range.lowerBound)
                return p
            }
            var w = part.makeWriter()
            _ = try w.write(to: dir.url, name: "p\(k)")
            parts.append(try SegmentReader(directory: dir.url, name: "p\(k)"))
        }
        _ = try SegmentMerger.merge(parts, into: dir.url, name: "merged")
        var whole = m.makeWriter()
        _ = try whole.write(to: dir.url, name: "single")
        for kind in SegmentFileKind.allCases {
            let a = try Data(contentsOf: dir.url.appendingPathComponent(kind.fileName(segment: "merged")))
            let b = try Data(contentsOf: dir.url.appendingPathComponent(kind.fileName(segment: "single")))
            #expect(a == b, "\(kind.rawValue) differs")
        }
    }

    /// Damage inside a compressed block behind a valid checksum: the passages
    /// of that block read as nil, the others still read, verify reports the
    /// block, and nothing crashes.
    @Test func corruptedCompressedBlockIsCleanNilAndReported() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let m = multiBlockModel(seed: 3)
        var w = m.makeWriter()
        _ = try w.write(to: dir.url, name: "seg")
        let url = dir.url.appendingPathComponent("seg.psg")
        let original = [UInt8](try Data(contentsOf: url))
        let clean = try SegmentReader(directory: dir.url, name: "seg")
        let blocks = clean.passageBlockCount
        let (e1, off1) = try #require(clean.passageBlockEntry(1))
        for delta in [2, Int(e1.compressedLength) / 2, Int(e1.compressedLength) - 2] {
            var bytes = original
            bytes[off1 + delta] ^= 0x24
            fixFooterChecksum(&bytes)
            try Data(bytes).write(to: url)
            let r = try SegmentReader(directory: dir.url, name: "seg")
            #expect(r.passageBlockCount == blocks)
            // A passage is inflated only as far as its end: one before the damage may still read,
            // but never as anything but its true record. The last one needs the whole stream.
            let first = r.passage(e1.firstPassage)
            #expect(first == nil || first == clean.passage(e1.firstPassage))
            if delta == 2 { #expect(first == nil) }
            #expect(r.passage(e1.firstPassage + e1.passageCount - 1) == nil)
            #expect(r.passages(inBlock: 1) == nil)
            #expect(r.passage(0) == clean.passage(0))
            #expect(r.passage(e1.firstPassage + e1.passageCount) == clean.passage(e1.firstPassage + e1.passageCount))
            let problems = IndexCheck.verify(directory: dir.url, segment: "seg")
            #expect(problems.contains { $0.file.hasSuffix("seg.psg") && $0.message.contains("block 1") }, "\(problems)")
            #expect(throws: IndexError.self) { _ = try SegmentMerger.merge([r], into: dir.url, name: "m") }
        }
        // A wrong raw length or passage count in the block index.
        let entryAt = clean.psgIndex + PassageBlockEntry.size
        for (field, value) in [(8, e1.rawLength + 1), (8, e1.rawLength - 1), (4, e1.passageCount + 1)] {
            var bytes = original
            bytes.setLE(value, at: entryAt + field)
            fixFooterChecksum(&bytes)
            try Data(bytes).write(to: url)
            if let r = try? SegmentReader(directory: dir.url, name: "seg") {
                #expect(r.passage(e1.firstPassage) == nil)
            }
            #expect(!IndexCheck.verify(directory: dir.url, segment: "seg").isEmpty)
        }
        // Random damage anywhere in the store never crashes.
        var rng = SplitMix64(seed: 1)
        for _ in 0..<200 {
            var bytes = original
            let at = 16 + Int(rng.next() % UInt64(bytes.count - 28))
            bytes[at] ^= UInt8(1 + rng.next() % 255)
            fixFooterChecksum(&bytes)
            try Data(bytes).write(to: url)
            if let r = try? SegmentReader(directory: dir.url, name: "seg") {
                for p in stride(from: 0, to: r.passageCount + 1, by: 37) { _ = r.passage(UInt32(p)) }
                for b in 0..<r.passageBlockCount { _ = r.passages(inBlock: b) }
            }
            _ = IndexCheck.verify(directory: dir.url, segment: "seg")
        }
    }

    /// One reader shared by several threads: every passage() call inflates
    /// into its own buffer, so concurrent reads agree with serial ones.
    @Test func concurrentPassageReadsAgree() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let m = multiBlockModel(seed: 5)
        var w = m.makeWriter()
        _ = try w.write(to: dir.url, name: "seg")
        let r = try SegmentReader(directory: dir.url, name: "seg")
        let expected = (0..<r.passageCount).map { r.passage(UInt32($0)) }
        let mismatches = Counter()
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for i in stride(from: t, to: r.passageCount, by: 3) where r.passage(UInt32(i)) != expected[i] {
                mismatches.increment()
            }
        }
        #expect(mismatches.value == 0)
        // Dropping the reader's resident pages changes nothing it reads: they fault back in.
        let problems = IndexCheck.verify(r).map(\.message)
        r.releaseResidentPages()
        #expect((0..<r.passageCount).map { r.passage(UInt32($0)) } == expected)
        r.releaseResidentPages()
        #expect(IndexCheck.verify(r).map(\.message) == problems)
    }

    @Test func zigzagAndZlibHelpers() {
        for v: Int64 in [0, 1, -1, 2, -2, 63, -64, Int64.max, Int64.min] {
            let u = UInt64(bitPattern: v)
            #expect(HashiIndex.unzigzag(HashiIndex.zigzag(u)) == u)
        }
        #expect(HashiIndex.zigzag(0) == 0 && HashiIndex.zigzag(UInt64(bitPattern: -1)) == 1 && HashiIndex.zigzag(1) == 2)
        #expect(Zlib.decompress(UnsafeRawBufferPointer(start: nil, count: 0), rawLength: 0) == nil)
        let z = Zlib.compress(Array("hello hello hello".utf8))
        z.withUnsafeBytes {
            #expect(Zlib.decompress($0, rawLength: 17) == Array("hello hello hello".utf8))
            #expect(Zlib.decompress($0, rawLength: 16) == nil)
            #expect(Zlib.decompress($0, rawLength: 18) == nil)
        }
    }

    /// Compressed blocks are kept until their segment is written: the result holds just its bytes,
    /// not the room zlib's bound asked for.
    @Test func compressedBytesCarryNoSpareCapacity() throws {
        let raw = [UInt8](repeating: 0x61, count: 1 << 20)
        let compressed = Zlib.compress(raw)
        #expect(compressed.count < 8192)
        #expect(compressed.capacity < compressed.count + 4096, "capacity \(compressed.capacity) for \(compressed.count) bytes")
        #expect(compressed.withUnsafeBytes { Zlib.decompress($0, rawLength: raw.count) } == raw)
    }
}

/// A thread-safe counter for concurrency tests.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
