import Foundation
import Testing
import PropertyBased
@testable import HashiIndex

/// A segment written with its postings encoded on several threads (runs of terms, appended in
/// order) must be byte-identical to one written on one thread.
@Suite struct ThreadedWriteTests {
    static func files(_ w: inout SegmentWriter, threads: Int, runCost: Int) throws -> [String: Data] {
        let dir = try TempDir()
        defer { dir.cleanup() }
        _ = try w.write(to: dir.url, name: "s", threads: threads, runCost: runCost)
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            out[name] = try Data(contentsOf: dir.url.appendingPathComponent(name))
        }
        return out
    }

    @Test func threadedWriteIsByteIdentical() async throws {
        await propertyCheck(count: 30, input: Gen.uint64(), Gen.int(in: 0...5), Gen.int(in: 0...8), Gen.int(in: 0...300)) { seed, docs, passages, tokens in
            let runCost = Int(seed % 64) + 1
            let m = Vocabulary.randomModel(seed: seed, documents: docs, maxPassages: passages, maxTokens: tokens, fields: [0, 1, 2])
            do {
                var serial = m.makeWriter()
                var threaded = m.makeWriter()
                let expected = try Self.files(&serial, threads: 1, runCost: SegmentWriter.encodingRunCost)
                let actual = try Self.files(&threaded, threads: 3, runCost: runCost)
                #expect(actual == expected)
            } catch {
                Issue.record("unexpected error: \(error)")
            }
        }
    }

    /// Runs of one term each, and a term with more postings than a run's cost (a run of its own).
    @Test func runsOfOneTermAndOversizedTerms() throws {
        var m = SegmentModel()
        m.documents = [ModelDocument(path: "a", size: 1, modified: 0, hash: 0)]
        for p in 0..<300 {
            var tokens = [ModelToken(field: 1, term: Array("common".utf8), position: 0)]
            tokens.append(ModelToken(field: 0, term: Array("t\(p % 17)".utf8), position: 1))
            m.passages.append(ModelPassage(document: 0, ordinal: UInt32(p), line: UInt32(p + 1), start: UInt64(p), end: UInt64(p + 1),
                                           text: "p\(p)", tokens: tokens))
        }
        for runCost in [1, 5, 100, 1_000] {
            var serial = m.makeWriter()
            var threaded = m.makeWriter()
            let expected = try Self.files(&serial, threads: 1, runCost: SegmentWriter.encodingRunCost)
            let actual = try Self.files(&threaded, threads: 2, runCost: runCost)
            #expect(actual == expected)
        }
    }
}
