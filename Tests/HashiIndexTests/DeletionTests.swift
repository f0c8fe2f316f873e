import Foundation
import Testing
import PropertyBased
@testable import HashiIndex

/// The documents of `m` whose index is not in `deleted` (and their passages), renumbered.
private func keeping(_ m: SegmentModel, without deleted: Set<Int>) -> SegmentModel {
    var out = SegmentModel()
    var newID: [Int: UInt32] = [:]
    for (d, document) in m.documents.enumerated() where !deleted.contains(d) {
        newID[d] = UInt32(out.documents.count)
        out.documents.append(document)
    }
    out.passages = m.passages.compactMap { passage in
        guard let id = newID[Int(passage.document)] else { return nil }
        var p = passage
        p.document = id
        return p
    }
    return out
}

@Suite struct DeletionTests {
    /// Merging segments with deleted documents gives exactly the bytes of one segment written from
    /// the live documents only (so deletions leave nothing behind: no passage, posting or term).
    @Test func mergeDropsDeletedDocumentsExactly() async {
        await propertyCheck(count: 25, input: Gen.uint64(), Gen.int(in: 1...8), Gen.int(in: 1...8)) { seed, docsA, docsB in
            let a = Vocabulary.randomModel(seed: seed, documents: docsA, maxPassages: 8, maxTokens: 20)
            let b = Vocabulary.randomModel(seed: seed &+ 1, documents: docsB, maxPassages: 8, maxTokens: 20)
            var rng = SplitMix64(seed: seed ^ 0xDE1)
            let deletedA = Set((0..<docsA).filter { _ in rng.next() % 3 == 0 })
            let deletedB = Set((0..<docsB).filter { _ in rng.next() % 2 == 0 })
            do {
                let dir = try TempDir()
                defer { dir.cleanup() }
                var readers: [SegmentReader] = []
                for (name, model, deleted) in [("a", a, deletedA), ("b", b, deletedB)] {
                    var w = model.makeWriter()
                    _ = try w.write(to: dir.url, name: name)
                    var set = DeletedDocuments(documentCount: model.documents.count)
                    for d in deleted { set.insert(UInt32(d)) }
                    if !deleted.isEmpty { try set.write(to: dir.url, segment: name) }
                    let reader = try SegmentReader(directory: dir.url, name: name,
                                                   deletedDocuments: deleted.isEmpty ? nil : deleted.count)
                    #expect(reader.liveDocumentCount == model.documents.count - deleted.count)
                    for d in 0..<model.documents.count { #expect(reader.isDeleted(document: UInt32(d)) == deleted.contains(d)) }
                    // Exactly the passages of deleted documents are deleted.
                    for (p, passage) in model.passages.enumerated() {
                        #expect(reader.isDeleted(passage: UInt32(p)) == deleted.contains(Int(passage.document)))
                    }
                    readers.append(reader)
                }
                _ = try SegmentMerger.merge(readers, into: dir.url, name: "merged")
                var live = keeping(a, without: deletedA)
                let liveB = keeping(b, without: deletedB)
                let base = UInt32(live.documents.count)
                live.documents += liveB.documents
                live.passages += liveB.passages.map { var p = $0; p.document += base; return p }
                var w = live.makeWriter()
                _ = try w.write(to: dir.url, name: "single")
                for kind in SegmentFileKind.allCases {
                    let merged = try Data(contentsOf: dir.url.appendingPathComponent(kind.fileName(segment: "merged")))
                    let single = try Data(contentsOf: dir.url.appendingPathComponent(kind.fileName(segment: "single")))
                    #expect(merged == single, "\(kind.rawValue) differs from a segment of the live documents")
                }
                let r = try SegmentReader(directory: dir.url, name: "merged")
                #expect(IndexCheck.verify(r).isEmpty)
            } catch {
                Issue.record("unexpected error: \(error)")
            }
        }
    }

    @Test func deletionFileRoundTripsAndDamageIsReported() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let model = Vocabulary.randomModel(seed: 7, documents: 13, maxPassages: 3, maxTokens: 5)
        var w = model.makeWriter()
        _ = try w.write(to: dir.url, name: "s")
        var set = DeletedDocuments(documentCount: 13)
        for d: UInt32 in [0, 5, 12, 5] { set.insert(d) }
        #expect(set.count == 3)
        #expect(set.ids == [0, 5, 12])
        try set.write(to: dir.url, segment: "s")
        let path = dir.url.appendingPathComponent("s.del")
        let pristine = [UInt8](try Data(contentsOf: path))
        // Header 16 + counts 8 + 2 bitset bytes + footer 12.
        #expect(pristine.count == 38)
        #expect(Array(pristine[0..<8]) == Array("HASHIDEL".utf8))
        #expect(Array(pristine[16..<26]) == [13, 0, 0, 0, 3, 0, 0, 0, 0b0010_0001, 0b0001_0000])
        let read = try DeletedDocuments.read(from: dir.url, segment: "s", documentCount: 13, expectedCount: 3)
        #expect(read == set)
        #expect(IndexCheck.verifyDeletions(directory: dir.url, segment: "s", expectedCount: 3).isEmpty)
        // The manifest's count must agree.
        #expect(!IndexCheck.verifyDeletions(directory: dir.url, segment: "s", expectedCount: 2).isEmpty)
        // Every flipped byte is caught (CRC, magic, version, lengths).
        for offset in 0..<pristine.count {
            var damaged = pristine
            damaged[offset] ^= 0x04
            try Data(damaged).write(to: path)
            let problems = IndexCheck.verifyDeletions(directory: dir.url, segment: "s", expectedCount: 3)
            #expect(!problems.isEmpty, "flipping byte \(offset) went unnoticed")
            #expect(problems.allSatisfy { $0.file.hasSuffix("s.del") })
        }
        try Data(pristine.dropLast(5)).write(to: path)
        #expect(throws: IndexError.self) { try SegmentReader(directory: dir.url, name: "s", deletedDocuments: 3) }
        try FileManager.default.removeItem(at: path)
        #expect(throws: IndexError.missingFile(file: path.path)) { try SegmentReader(directory: dir.url, name: "s", deletedDocuments: 3) }
    }

    @Test func manifestRecordsDeletions() throws {
        let manifest = Manifest(generation: 3, segments: ["seg-000001", "seg-000002"], deletions: ["seg-000001": 4],
                                metadata: ["k": "v"])
        let text = String(decoding: manifest.encoded(), as: UTF8.self)
        #expect(text.contains("segment seg-000002\ndeletions seg-000001 4\nmeta k=v\n"))
        #expect(try Manifest.decode(manifest.encoded(), file: "MANIFEST") == manifest)
        // Deletions of a segment the manifest does not list are damage.
        var stray = Array("hashi-manifest 1\nformat 2\ngeneration 3\ndirectory gen-000003\nsegment seg-000002\ndeletions seg-000001 4\n".utf8)
        stray += Array("crc \(String(format: "%08x", CRC32C.checksum(stray)))\n".utf8)
        #expect(throws: IndexError.self) { try Manifest.decode(stray, file: "MANIFEST") }
    }

    /// A build adopting a segment hard-links its files, commits deletions, and readers see them.
    @Test func adoptedSegmentWithDeletionsIsCommitted() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let index = IndexDirectory(url: dir.url.appendingPathComponent("index"))
        let model = Vocabulary.randomModel(seed: 11, documents: 4, maxPassages: 3, maxTokens: 6)
        let first = try index.beginBuild()
        var w = model.makeWriter()
        _ = try w.write(to: first.directory, name: "seg-000001")
        try first.commit(segments: ["seg-000001"])
        let second = try index.beginBuild()
        try second.adopt(segment: "seg-000001", from: first.directory)
        var set = DeletedDocuments(documentCount: 4)
        set.insert(2)
        try set.write(to: second.directory, segment: "seg-000001")
        try second.commit(segments: ["seg-000001"], deletions: ["seg-000001": 1])
        #expect(!FileManager.default.fileExists(atPath: first.directory.path), "the old generation was not removed")
        let (manifest, readers) = try index.openSegments()
        #expect(manifest.deletions == ["seg-000001": 1])
        #expect(readers[0].isDeleted(document: 2) && !readers[0].isDeleted(document: 1))
        #expect(index.verify().isEmpty)
        // A commit naming deletions without their file fails before anything changes.
        let third = try index.beginBuild()
        try third.adopt(segment: "seg-000001", from: second.directory)
        #expect(throws: IndexError.self) { try third.commit(segments: ["seg-000001"], deletions: ["seg-000001": 1]) }
        third.abandon()
        #expect(try index.readManifest().generation == manifest.generation)
    }
}
