import Foundation
import Testing
import PropertyBased
@testable import HashiIndex

@Suite struct SegmentRoundTripTests {
    @Test func emptySegment() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var w = SegmentWriter()
        let summary = try w.write(to: dir.url, name: "seg")
        #expect(summary.files.count == SegmentFileKind.allCases.count)
        let r = try SegmentReader(directory: dir.url, name: "seg")
        #expect(r.documentCount == 0)
        #expect(r.passageCount == 0)
        #expect(r.termInfo(field: 0, term: "x") == nil)
        #expect(Array(r.terms(field: 0)).isEmpty)
        #expect(r.fieldStats(field: 0) == FieldStats(totalTokens: 0, passagesWithField: 0))
        #expect(IndexCheck.verify(directory: dir.url, segment: "seg").isEmpty)
    }

    @Test func smallHandBuiltSegment() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var w = SegmentWriter()
        let d0 = w.addDocument(path: "a.txt", size: 10, modified: 5, contentHash: 99)
        let p0 = w.addPassage(document: d0, ordinal: 0, line: 1, startOffset: 0, endOffset: 9, text: "東京 tower")
        w.addToken(field: 0, term: "東京", position: 0)
        w.addToken(field: 0, term: "tower", position: 1)
        w.addToken(field: 1, term: "東京", position: 0)
        let p1 = w.addPassage(document: d0, ordinal: 1, line: 2, startOffset: 10, endOffset: 20, text: "tower tower")
        w.addToken(field: 0, term: "tower", position: 1)
        w.addToken(field: 0, term: "tower", position: 0)
        #expect(p0 == 0 && p1 == 1)
        _ = try w.write(to: dir.url, name: "s")
        let r = try SegmentReader(directory: dir.url, name: "s")
        #expect(r.document(0) == DocumentRecord(path: "a.txt", size: 10, modified: 5, contentHash: 99, firstPassage: 0, passageCount: 2))
        #expect(r.passage(1)?.text == "tower tower")
        let info = try #require(r.termInfo(field: 0, term: "tower"))
        #expect(info.docFrequency == 2 && info.totalTermFrequency == 3)
        var c = r.postings(for: info)
        #expect(c.next() == 0)
        #expect(c.positions() == [1])
        #expect(c.next() == 1)
        #expect(c.frequency == 2)
        #expect(c.positions() == [0, 1])
        #expect(c.positions() == [0, 1])
        #expect(c.next() == nil)
        #expect(c.passage == PostingsCursor.exhausted)
        #expect(r.termInfo(field: 1, term: "tower") == nil)
        #expect(r.termInfo(field: 1, term: "東京")?.docFrequency == 1)
        #expect(r.fieldLength(field: 0, passage: 0) == 2)
        #expect(r.fieldLength(field: 1, passage: 1) == 0)
        #expect(r.fieldStats(field: 0) == FieldStats(totalTokens: 4, passagesWithField: 2))
        #expect(r.fields == [0, 1])
    }

    @Test func randomSegmentsEqualModel() async throws {
        await propertyCheck(count: 40, input: Gen.uint64(), Gen.int(in: 0...6), Gen.int(in: 0...12), Gen.int(in: 0...30)) { seed, docs, passages, tokens in
            let m = Vocabulary.randomModel(seed: seed, documents: docs, maxPassages: passages, maxTokens: tokens)
            do {
                let dir = try TempDir()
                defer { dir.cleanup() }
                var w = m.makeWriter()
                let summary = try w.write(to: dir.url, name: "seg")
                #expect(summary.passageCount == m.passages.count)
                let r = try SegmentReader(directory: dir.url, name: "seg")
                expectReaderMatches(r, m)
                #expect(IndexCheck.verify(directory: dir.url, segment: "seg") == [])
            } catch {
                Issue.record("unexpected error: \(error)")
            }
        }
    }

    @Test func unusualFieldIDs() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let m = Vocabulary.randomModel(seed: 7, documents: 3, maxPassages: 5, maxTokens: 10, fields: [0, 7, 255])
        var w = m.makeWriter()
        _ = try w.write(to: dir.url, name: "seg")
        let r = try SegmentReader(directory: dir.url, name: "seg")
        expectReaderMatches(r, m, fields: [0, 7, 255])
        #expect(r.fields == [0, 7, 255])
    }

    @Test func deterministicOutput() throws {
        let a = try TempDir(), b = try TempDir()
        defer { a.cleanup(); b.cleanup() }
        let m = Vocabulary.randomModel(seed: 42, documents: 20, maxPassages: 20, maxTokens: 40)
        var w1 = m.makeWriter()
        var w2 = m.makeWriter()
        let s1 = try w1.write(to: a.url, name: "seg")
        let s2 = try w2.write(to: b.url, name: "seg")
        #expect(s1 == s2)
        for kind in SegmentFileKind.allCases {
            let f = kind.fileName(segment: "seg")
            let x = try Data(contentsOf: a.url.appendingPathComponent(f))
            let y = try Data(contentsOf: b.url.appendingPathComponent(f))
            #expect(x == y, "\(f) differs")
        }
    }

    @Test func rejectsInvalidInput() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var w = SegmentWriter()
        w.addToken(field: 0, term: "orphan", position: 0)
        #expect(throws: IndexError.self) { try w.write(to: dir.url, name: "x") }

        var w2 = SegmentWriter()
        w2.addDocument(path: "a", size: 0, modified: 0, contentHash: 0)
        w2.addDocument(path: "b", size: 0, modified: 0, contentHash: 0)
        w2.addPassage(document: 0, ordinal: 0, line: 0, startOffset: 0, endOffset: 0, text: "")
        w2.addPassage(document: 1, ordinal: 0, line: 0, startOffset: 0, endOffset: 0, text: "")
        w2.addPassage(document: 0, ordinal: 1, line: 0, startOffset: 0, endOffset: 0, text: "")
        #expect(throws: IndexError.self) { try w2.write(to: dir.url, name: "x") }

        var w3 = SegmentWriter()
        w3.addPassage(document: 3, ordinal: 0, line: 0, startOffset: 0, endOffset: 0, text: "")
        #expect(throws: IndexError.self) { try w3.write(to: dir.url, name: "x") }
    }

    @Test func missingSegmentIsReported() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        do {
            _ = try SegmentReader(directory: dir.url, name: "nope")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("nope.doc"))
        }
    }
}
