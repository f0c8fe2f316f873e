import Foundation
import Testing
import PropertyBased
@testable import HashiIndex

/// The documents `range` of `m` (and their passages) as a model of their own.
private func slice(_ m: SegmentModel, documents range: Range<Int>) -> SegmentModel {
    var out = SegmentModel()
    out.documents = Array(m.documents[range])
    out.passages = m.passages.filter { range.contains(Int($0.document)) }.map {
        var p = $0
        p.document -= UInt32(range.lowerBound)
        return p
    }
    return out
}

@Suite struct SegmentMergerTests {
    @Test func mergeEqualsSingleWrite() async {
        await propertyCheck(count: 25, input: Gen.uint64(), Gen.int(in: 0...8), Gen.int(in: 0...8).array(of: 0...3)) { seed, docs, rawCuts in
            let m = Vocabulary.randomModel(seed: seed, documents: docs, maxPassages: 10, maxTokens: 25)
            let cuts = ([0, docs] + rawCuts.map { min($0, docs) }).sorted()
            do {
                let dir = try TempDir()
                defer { dir.cleanup() }
                var readers: [SegmentReader] = []
                for i in 0..<(cuts.count - 1) {
                    var w = slice(m, documents: cuts[i]..<cuts[i + 1]).makeWriter()
                    _ = try w.write(to: dir.url, name: "part\(i)")
                    readers.append(try SegmentReader(directory: dir.url, name: "part\(i)"))
                }
                let merged = try SegmentMerger.merge(readers, into: dir.url, name: "merged")
                var whole = m.makeWriter()
                let single = try whole.write(to: dir.url, name: "single")
                #expect(merged.termCount == single.termCount)
                #expect(merged.postingCount == single.postingCount)
                for kind in SegmentFileKind.allCases {
                    let a = try Data(contentsOf: dir.url.appendingPathComponent(kind.fileName(segment: "merged")))
                    let b = try Data(contentsOf: dir.url.appendingPathComponent(kind.fileName(segment: "single")))
                    #expect(a == b, "\(kind.rawValue) differs")
                }
                let r = try SegmentReader(directory: dir.url, name: "merged")
                expectReaderMatches(r, m)
                #expect(IndexCheck.verify(r).isEmpty)
            } catch {
                Issue.record("unexpected error: \(error)")
            }
        }
    }

    @Test func mergeManyBlocksAndNoInputs() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var readers: [SegmentReader] = []
        for s in 0..<3 {
            var w = SegmentWriter()
            let d = w.addDocument(path: "d\(s)", size: 1, modified: 2, contentHash: 3)
            for p in 0..<300 {
                w.addPassage(document: d, ordinal: UInt32(p), line: 0, startOffset: 0, endOffset: 0, text: "p")
                w.addToken(field: 1, term: "common", position: 0)
                if p % 2 == 0 { w.addToken(field: 1, term: "even\(s)", position: 1) }
            }
            _ = try w.write(to: dir.url, name: "s\(s)")
            readers.append(try SegmentReader(directory: dir.url, name: "s\(s)"))
        }
        _ = try SegmentMerger.merge(readers, into: dir.url, name: "m")
        let r = try SegmentReader(directory: dir.url, name: "m")
        #expect(r.passageCount == 900 && r.documentCount == 3)
        #expect(r.document(2)?.firstPassage == 600)
        let info = try #require(r.termInfo(field: 1, term: "common"))
        var c = r.postings(for: info)
        #expect(c.advance(to: 650) == 650)
        #expect(c.positions() == [0])
        let even1 = try #require(r.termInfo(field: 1, term: "even1"))
        var e = r.postings(for: even1)
        #expect(e.next() == 300)
        #expect(IndexCheck.verify(r).isEmpty)

        _ = try SegmentMerger.merge([], into: dir.url, name: "empty")
        let empty = try SegmentReader(directory: dir.url, name: "empty")
        #expect(empty.passageCount == 0)
        #expect(IndexCheck.verify(empty).isEmpty)
    }
}
