import Foundation
import Testing
import PropertyBased
@testable import HashiIndex

/// A segment of `passages` passages; term "t<k>" occurs in passage p when
/// p % k == 0, at positions derived from p. Field 0 only.
private struct Periodic {
    let passages: Int
    let periods: [Int]

    func positions(term k: Int, passage p: Int) -> [UInt32] {
        let n = 1 + (p / k) % 3
        return (0..<n).map { UInt32($0 * 2 + (p % 2)) }
    }

    func write(to dir: TempDir) throws -> SegmentReader {
        var w = SegmentWriter()
        w.addDocument(path: "d", size: 0, modified: 0, contentHash: 0)
        for p in 0..<passages {
            w.addPassage(document: 0, ordinal: UInt32(p), line: 0, startOffset: 0, endOffset: 0, text: "")
            w.addToken(field: 0, term: "filler", position: 6)
            for k in periods where p % k == 0 {
                for pos in positions(term: k, passage: p) { w.addToken(field: 0, term: "t\(k)", position: pos) }
            }
        }
        _ = try w.write(to: dir.url, name: "seg")
        return try SegmentReader(directory: dir.url, name: "seg")
    }
}

@Suite struct PostingsTests {
    @Test func roundTripManyBlocks() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let model = Periodic(passages: 5000, periods: [1, 2, 3, 7, 128, 1000, 4999])
        let r = try model.write(to: dir)
        #expect(IndexCheck.verify(r).isEmpty)
        for k in model.periods {
            let info = try #require(r.termInfo(field: 0, term: "t\(k)"))
            let expected = stride(from: 0, to: 5000, by: k).map { UInt32($0) }
            #expect(Int(info.docFrequency) == expected.count)
            var c = r.postings(for: info)
            var got: [UInt32] = []
            while let id = c.next() {
                got.append(id)
                if id % 5 == 0 { #expect(c.positions() == model.positions(term: k, passage: Int(id))) }
            }
            #expect(got == expected)
        }
    }

    /// A posting never claims more positions than its term has in all: damage that inflates a
    /// frequency ends the postings instead of having billions of positions decoded.
    @Test func frequenciesStayWithinTheTermsTotal() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let model = Periodic(passages: 1000, periods: [1, 3])
        let r = try model.write(to: dir)
        for k in model.periods {
            var info = try #require(r.termInfo(field: 0, term: "t\(k)"))
            let total = Int(info.totalTermFrequency)
            // The index as written: every posting, and their frequencies add up to the total.
            var c = r.postings(for: info)
            var sum = 0
            while c.next() != nil { sum += Int(c.frequency) }
            #expect(sum == total)
            // A total one short (as damage behind a valid checksum could make it): the cursor stops
            // at the posting that would pass it, and never reports more than the total.
            info.totalTermFrequency -= 1
            var short = r.postings(for: info)
            var seen = 0
            var count = 0
            while short.next() != nil {
                seen += Int(short.frequency)
                count += 1
            }
            #expect(seen <= total - 1)
            #expect(count < Int(info.docFrequency))
        }
    }

    @Test func advanceAcrossBlocks() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let model = Periodic(passages: 5000, periods: [1, 3, 7])
        let r = try model.write(to: dir)
        let info = try #require(r.termInfo(field: 0, term: "t3"))
        var c = r.postings(for: info)
        #expect(c.advance(to: 0) == 0)
        #expect(c.advance(to: 0) == 0)  // never moves backwards
        #expect(c.advance(to: 1) == 3)
        #expect(c.positions() == model.positions(term: 3, passage: 3))
        #expect(c.advance(to: 2000) == 2001)
        #expect(c.frequency == UInt32(model.positions(term: 3, passage: 2001).count))
        #expect(c.positions() == model.positions(term: 3, passage: 2001))
        #expect(c.advance(to: 1000) == 2001)
        #expect(c.next() == 2004)
        #expect(c.positions() == model.positions(term: 3, passage: 2004))
        #expect(c.advance(to: 4998) == 4998)
        #expect(c.positions() == model.positions(term: 3, passage: 4998))
        #expect(c.advance(to: 4999) == nil)
        #expect(c.passage == PostingsCursor.exhausted)
        #expect(c.next() == nil)
        var d = r.postings(for: info)
        #expect(d.advance(to: 100_000) == nil)
        var e = r.postings(for: info)
        #expect(e.advance(to: 4998) == 4998)
        #expect(e.positions() == model.positions(term: 3, passage: 4998))
    }

    @Test func advanceEqualsLinearScan() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let model = Periodic(passages: 3000, periods: [1, 2, 5, 11, 300])
        let r = try model.write(to: dir)
        let gen = Gen.uint32(in: 0...3100).array(of: 1...40)
        await propertyCheck(count: 100, input: Gen.element(of: model.periods), gen) { k, rawTargets in
            guard let k, let info = r.termInfo(field: 0, term: "t\(k)") else {
                Issue.record("missing term")
                return
            }
            let all = stride(from: 0, to: 3000, by: k).map { UInt32($0) }
            var c = r.postings(for: info)
            var current: UInt32? = nil
            // Interleave advance and next; compare with a linear model.
            for (i, t) in rawTargets.enumerated() {
                if i % 3 == 2 {
                    let want: UInt32? = current.map { cur in all.first { $0 > cur } } ?? all.first
                    let got = c.next()
                    #expect(got == want)
                    current = got
                    if got == nil { break }
                } else {
                    let floor = max(t, current ?? 0)
                    let want = all.first { $0 >= floor }
                    let got = c.advance(to: t)
                    #expect(got == want, "advance(to: \(t)) from \(String(describing: current))")
                    current = got
                    if got == nil { break }
                }
                if let cur = current {
                    #expect(c.positions() == model.positions(term: k, passage: Int(cur)))
                }
            }
        }
    }

    @Test func emptyCursor() {
        var c = PostingsCursor()
        #expect(c.next() == nil)
        #expect(c.advance(to: 3) == nil)
        #expect(c.positions() == [])
    }
}
