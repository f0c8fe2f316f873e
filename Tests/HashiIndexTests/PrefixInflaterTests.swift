import Foundation
import Testing
@testable import HashiIndex

/// The partial inflation behind passage reads: every prefix is exactly the data's, the whole
/// stream is checked for its announced length, and damage gives false, never a crash.
@Suite struct PrefixInflaterTests {
    private func sample(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        let words = Array("全文検索の橋 search index データ tower\n".utf8)
        return (0..<count).map { _ in words[Int(rng.next() % UInt64(words.count))] }
    }

    @Test func everyPrefixMatchesTheData() throws {
        for (count, seed) in [(1, 1), (100, 2), (40_000, 3), (200_000, 4)] {
            let data = sample(count, seed: UInt64(seed))
            let z = Zlib.compress(data)
            var rng = SplitMix64(seed: UInt64(seed) + 100)
            try z.withUnsafeBytes { source in
                let inflater = try #require(PrefixInflater(source: source, rawLength: data.count))
                // Growing requests, in random steps, end with the whole stream.
                var asked = 0
                while asked < data.count {
                    asked = min(data.count, asked + 1 + Int(rng.next() % UInt64(max(data.count / 5, 1))))
                    #expect(inflater.ensure(asked))
                    #expect(inflater.available >= asked)
                    #expect(Array(inflater.bytes) == Array(data[0..<inflater.bytes.count]))
                }
                #expect(inflater.ensure(data.count))
                #expect(Array(inflater.bytes) == data)
                // Asking again, or for less, changes nothing.
                #expect(inflater.ensure(data.count))
                #expect(inflater.ensure(0))
            }
        }
    }

    @Test func announcedLengthMustBeExact() throws {
        let data = sample(10_000, seed: 7)
        let z = Zlib.compress(data)
        try z.withUnsafeBytes { source in
            // The stream is longer than announced: prefixes read, the whole does not.
            let short = try #require(PrefixInflater(source: source, rawLength: data.count - 1))
            #expect(short.ensure(5_000))
            #expect(Array(short.bytes) == Array(data[0..<short.bytes.count]))
            #expect(!short.ensure(data.count - 1))
            // The stream is shorter than announced.
            let long = try #require(PrefixInflater(source: source, rawLength: data.count + 1))
            #expect(!long.ensure(data.count + 1))
        }
        // A truncated stream.
        try Array(z[0..<(z.count / 2)]).withUnsafeBytes { source in
            let cut = try #require(PrefixInflater(source: source, rawLength: data.count))
            #expect(!cut.ensure(data.count))
        }
    }

    @Test func damageNeverCrashes() throws {
        let data = sample(30_000, seed: 9)
        let z = Zlib.compress(data)
        var rng = SplitMix64(seed: 11)
        var failures = 0
        for _ in 0..<300 {
            var bytes = z
            let at = Int(rng.next() % UInt64(bytes.count))
            bytes[at] ^= UInt8(1 + rng.next() % 255)
            bytes.withUnsafeBytes { source in
                guard let inflater = PrefixInflater(source: source, rawLength: data.count) else { return }
                let ok = inflater.ensure(Int(rng.next() % UInt64(data.count + 1)))
                if !ok { failures += 1 }
                if !inflater.ensure(data.count) { failures += 1 }
                else { #expect(Array(inflater.bytes) == data || bytes == z) }
            }
        }
        // A whole-stream read of damaged data fails (Adler-32 or structure) nearly always.
        #expect(failures >= 290)
        #expect(PrefixInflater(source: UnsafeRawBufferPointer(start: nil, count: 0), rawLength: 10) == nil)
    }

    /// Reading a page of passages at once (grouped by block, each inflated as far as needed)
    /// agrees with reading them one by one through the full block decoder.
    @Test func batchedPassageReadsAgreeWithFullBlocks() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var w = SegmentWriter()
        var rng = SplitMix64(seed: 5)
        w.addDocument(path: "a", size: 0, modified: 0, contentHash: 0)
        for o in 0..<3_000 {
            let text = String(decoding: sample(Int(rng.next() % 200), seed: rng.next()), as: UTF8.self)
            w.addPassage(document: 0, ordinal: UInt32(o), line: UInt32(o), startOffset: UInt64(o), endOffset: UInt64(o + 1), text: text)
        }
        _ = try w.write(to: dir.url, name: "seg")
        let r = try SegmentReader(directory: dir.url, name: "seg")
        #expect(r.passageBlockCount > 4)
        var full: [PassageRecord] = []
        for b in 0..<r.passageBlockCount { full += try #require(r.passages(inBlock: b)) }
        #expect(full.count == r.passageCount)
        for _ in 0..<50 {
            let ids = (0..<(1 + Int(rng.next() % 12))).map { _ in UInt32(rng.next() % UInt64(r.passageCount + 2)) }
            let got = r.passages(ids)
            for id in ids {
                #expect(got[id] == (Int(id) < full.count ? full[Int(id)] : nil), "passage \(id)")
            }
            #expect(got.count == Set(ids.filter { Int($0) < full.count }).count)
        }
    }
}
