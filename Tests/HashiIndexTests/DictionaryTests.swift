import Foundation
import Testing
import PropertyBased
@testable import HashiIndex

/// Writes one passage per term so every term has docFreq 1, in field 0.
private func segment(terms: [[UInt8]], in dir: TempDir) throws -> SegmentReader {
    var w = SegmentWriter()
    w.addDocument(path: "d", size: 0, modified: 0, contentHash: 0)
    for (i, t) in terms.enumerated() {
        w.addPassage(document: 0, ordinal: UInt32(i), line: 0, startOffset: 0, endOffset: 0, text: "")
        w.addToken(field: 0, term: t, position: 0)
    }
    _ = try w.write(to: dir.url, name: "seg")
    return try SegmentReader(directory: dir.url, name: "seg")
}

private func sortedUnique(_ terms: [[UInt8]]) -> [[UInt8]] {
    var seen = Set<[UInt8]>()
    return terms.filter { seen.insert($0).inserted }.sorted { compareBytes($0, $1) < 0 }
}

@Suite struct DictionaryTests {
    /// Terms longer than the in-place lookup's buffer, sharing long prefixes, and short ones
    /// between them: the in-place lookup agrees with decoding the block.
    @Test func inPlaceLookupAgreesWithScanningForLongTerms() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let long = SegmentReader.inPlaceTermLimit
        var terms: [[UInt8]] = []
        for k in 0..<40 {
            let stem = [UInt8](repeating: UInt8(ascii: "a"), count: long - 3 + k % 7)
            terms.append(stem + Array("\(k)".utf8))
            terms.append(Array("b\(k)".utf8))
        }
        let sorted = sortedUnique(terms)
        let r = try segment(terms: sorted, in: dir)
        for t in sorted {
            #expect(r.termInfo(field: 0, term: t) == r.termInfoScanning(field: 0, term: t))
            #expect(r.termInfo(field: 0, term: t) != nil)
        }
        for probe in [[UInt8](repeating: UInt8(ascii: "a"), count: long), Array("b".utf8), Array("azz".utf8),
                      [UInt8](repeating: UInt8(ascii: "a"), count: long + 40)] {
            #expect(r.termInfo(field: 0, term: probe) == r.termInfoScanning(field: 0, term: probe))
        }
    }

    @Test(arguments: [1, 31, 32, 33, 63, 64, 65, 200])
    func exactLookupAcrossBlockBoundaries(count: Int) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let terms = (0..<count).map { Array("term\(String(format: "%05d", $0 * 2))".utf8) }
        let r = try segment(terms: terms, in: dir)
        #expect(r.termCount(field: 0) == count)
        for (i, t) in terms.enumerated() {
            let info = r.termInfo(field: 0, term: t)
            #expect(info?.docFrequency == 1)
            var c = r.postings(for: try #require(info))
            #expect(c.next() == UInt32(i))
        }
        // Missing: before first, between every pair, after last, other field.
        #expect(r.termInfo(field: 0, term: "a") == nil)
        #expect(r.termInfo(field: 0, term: "zzz") == nil)
        for i in 0..<count {
            #expect(r.termInfo(field: 0, term: "term\(String(format: "%05d", i * 2 + 1))") == nil)
        }
        #expect(r.termInfo(field: 0, term: "term") == nil)
        #expect(r.termInfo(field: 0, term: "term000000") == nil)
        #expect(r.termInfo(field: 1, term: terms[0]) == nil)
    }

    @Test func prefixEnumeration() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var terms: [[UInt8]] = []
        for i in 0..<100 { terms.append(Array("ab\(i)".utf8)) }
        for i in 0..<50 { terms.append(Array("abc\(i)".utf8)) }
        terms.append(Array("ab".utf8))
        terms.append(Array("a".utf8))
        terms.append(Array("b".utf8))
        terms.append(Array("東京".utf8))
        terms.append(Array("東京都".utf8))
        terms.append(Array("東西".utf8))
        terms.append([])
        let r = try segment(terms: terms, in: dir)
        let sorted = sortedUnique(terms)
        func check(_ prefix: [UInt8]) {
            let got = Array(r.terms(field: 0, prefix: prefix)).map(\.term)
            let want = sorted.filter { $0.starts(with: prefix) }
            #expect(got == want, "prefix \(String(decoding: prefix, as: UTF8.self))")
        }
        check([])
        check(Array("a".utf8))
        check(Array("ab".utf8))
        check(Array("abc".utf8))
        check(Array("abc4".utf8))
        check(Array("ab99".utf8))
        check(Array("ab999".utf8))
        check(Array("b".utf8))
        check(Array("c".utf8))
        check(Array("東".utf8))
        check(Array("東京".utf8))
        check([0xE6])  // first byte of 東 only
        check([0xFF])
        #expect(Array(r.terms(field: 3, prefix: "a")).isEmpty)
        #expect(r.termInfo(field: 0, term: [UInt8]())?.docFrequency == 1)
        // Entries carry the same info as exact lookup.
        for e in r.terms(field: 0, prefix: "東") {
            #expect(r.termInfo(field: 0, term: e.term) == e.info)
        }
    }

    @Test func longSharedPrefixes() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let base = String(repeating: "共通の接頭辞", count: 20)
        var terms = (0..<150).map { Array("\(base)\($0)".utf8) }
        terms.append(Array(base.utf8))
        terms.append(Array((base + base).utf8))
        let r = try segment(terms: terms, in: dir)
        for t in terms { #expect(r.termInfo(field: 0, term: t) != nil) }
        #expect(r.termInfo(field: 0, term: Array(base.utf8.dropLast())) == nil)
        let all = Array(r.terms(field: 0, prefix: base)).map(\.term)
        #expect(all == sortedUnique(terms))
        #expect(Array(r.terms(field: 0, prefix: base + "1")).count == 61)  // 1, 10–19, 100–149
    }

    @Test func randomPrefixEnumerationEqualsFilter() async {
        let gen = Gen.uint8(in: 0x61...0x64).array(of: 0...5).array(of: 1...120)
        await propertyCheck(count: 60, input: gen, Gen.uint8(in: 0x61...0x64).array(of: 0...3)) { terms, prefix in
            do {
                let dir = try TempDir()
                defer { dir.cleanup() }
                let r = try segment(terms: terms, in: dir)
                let sorted = sortedUnique(terms)
                #expect(Array(r.terms(field: 0, prefix: prefix)).map(\.term) == sorted.filter { $0.starts(with: prefix) })
                #expect((r.termInfo(field: 0, term: prefix) != nil) == sorted.contains(prefix))
            } catch {
                Issue.record("unexpected error: \(error)")
            }
        }
    }
}
