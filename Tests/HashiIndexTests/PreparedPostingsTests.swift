import Foundation
import Testing
import PropertyBased
@testable import HashiIndex

/// `PreparedPostings` (tokens grouped and encoded off the writer's thread) must give the same
/// segment, byte for byte, as adding the same tokens one by one.
@Suite struct PreparedPostingsTests {
    /// The model written through `PreparedPostings`, one collection per document.
    static func preparedWriter(_ m: SegmentModel) -> SegmentWriter {
        var w = SegmentWriter()
        for d in m.documents { w.addDocument(path: d.path, size: d.size, modified: d.modified, contentHash: d.hash) }
        var prepared = PreparedPostings()
        var document: UInt32? = nil
        for p in m.passages {
            if p.document != document {
                prepared.removeAll()
                document = p.document
            }
            for t in p.tokens {
                t.term.withUnsafeBytes { prepared.add(field: t.field, bytes: $0, position: t.position) }
            }
            let k = prepared.endPassage()
            w.addPassage(document: p.document, ordinal: p.ordinal, line: p.line, startOffset: p.start, endOffset: p.end,
                         text: p.text, postings: prepared, passage: k)
        }
        return w
    }

    static func files(_ w: inout SegmentWriter) throws -> [String: Data] {
        let dir = try TempDir()
        defer { dir.cleanup() }
        _ = try w.write(to: dir.url, name: "s")
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            out[name] = try Data(contentsOf: dir.url.appendingPathComponent(name))
        }
        return out
    }

    @Test func randomSegmentsAreByteIdentical() async throws {
        await propertyCheck(count: 40, input: Gen.uint64(), Gen.int(in: 0...5), Gen.int(in: 0...8), Gen.int(in: 0...300)) { seed, docs, passages, tokens in
            let m = Vocabulary.randomModel(seed: seed, documents: docs, maxPassages: passages, maxTokens: tokens, fields: [0, 1, 2])
            do {
                var plain = m.makeWriter()
                var prepared = Self.preparedWriter(m)
                let expected = try Self.files(&plain)
                let actual = try Self.files(&prepared)
                #expect(actual == expected)
            } catch {
                Issue.record("unexpected error: \(error)")
            }
        }
    }

    /// Many distinct terms in one passage (the per-passage table grows), repeated positions, and
    /// terms over the length limit, which are left out.
    @Test func largePassageRepeatsAndLongTerms() throws {
        var tokens: [ModelToken] = []
        for k in 0..<2_000 { tokens.append(ModelToken(field: UInt8(k % 3), term: Array("t\(k % 700)".utf8), position: UInt32(k / 2))) }
        tokens.append(ModelToken(field: 0, term: Array("t1".utf8), position: 3))  // a repeated position
        try Self.expectPreparedWritesTheSame(tokens, then: Array(tokens.prefix(10)))

        var collection = PreparedPostings()
        Array(repeating: UInt8(ascii: "z"), count: PreparedPostings.maximumTermBytes + 1).withUnsafeBytes {
            collection.add(field: 0, bytes: $0, position: 0)
        }
        #expect(collection.pendingTokens == 0)
    }

    /// Tokens whose positions come out of order: a few (sorted by insertion) and a term's tokens
    /// in descending order (beyond the insertion bound: sorted in full).
    @Test func tokensOutOfPositionOrder() throws {
        var tokens: [ModelToken] = []
        for k in (0..<1_500).reversed() { tokens.append(ModelToken(field: 1, term: Array("down".utf8), position: UInt32(k))) }
        for k in 0..<200 { tokens.append(ModelToken(field: 0, term: Array("w\(k % 7)".utf8), position: UInt32((k * 37) % 211))) }
        try Self.expectPreparedWritesTheSame(tokens, then: Array(tokens.suffix(50)))
    }

    /// A document of two passages (`first`, then `second`) written from prepared postings gives
    /// the same files as written token by token.
    static func expectPreparedWritesTheSame(_ first: [ModelToken], then second: [ModelToken]) throws {
        var m = SegmentModel()
        m.documents = [ModelDocument(path: "a", size: 1, modified: 0, hash: 0)]
        m.passages = [ModelPassage(document: 0, ordinal: 0, line: 1, start: 0, end: 1, text: "x", tokens: first),
                      ModelPassage(document: 0, ordinal: 1, line: 2, start: 2, end: 3, text: "y", tokens: second)]
        var plain = m.makeWriter()
        var prepared = preparedWriter(m)
        let expected = try files(&plain)
        let actual = try files(&prepared)
        #expect(actual == expected)
    }

    /// Tokens given with `addToken` after a prepared passage are not merged into it.
    @Test func tokensAfterPreparedPassageAreRejected() throws {
        var w = SegmentWriter()
        w.addDocument(path: "a", size: 1, modified: 0, contentHash: 0)
        var prepared = PreparedPostings()
        Array("x".utf8).withUnsafeBytes { prepared.add(field: 0, bytes: $0, position: 0) }
        let k = prepared.endPassage()
        w.addPassage(document: 0, ordinal: 0, line: 1, startOffset: 0, endOffset: 1, text: "x", postings: prepared, passage: k)
        w.addToken(field: 0, term: "x", position: 1)
        let dir = try TempDir()
        defer { dir.cleanup() }
        #expect(throws: IndexError.self) { _ = try w.write(to: dir.url, name: "s") }
    }
}
