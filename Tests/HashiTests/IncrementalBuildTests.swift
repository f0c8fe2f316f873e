import Foundation
import Testing

import Hashi
import HashiDocuments
import HashiIndex

/// Postings of the live passages of an index, keyed by what does not depend on segment layout:
/// field name → term → the set of (document path, passage ordinal, positions).
private struct LivePostings: Equatable {
    struct Posting: Hashable, CustomStringConvertible {
        var document: String
        var ordinal: UInt32
        var positions: [UInt32]
        var description: String { "\(document)#\(ordinal)@\(positions)" }
    }

    var documents: Set<String> = []
    var passages: Set<String> = []
    var postings: [String: [[UInt8]: Set<Posting>]] = [:]

    init(index: URL) throws {
        let (_, segments) = try IndexDirectory(url: index).openSegments()
        for segment in segments {
            var keys: [UInt32: (String, UInt32)] = [:]
            for p in 0..<UInt32(segment.passageCount) where !segment.isDeleted(passage: p) {
                let passage = try #require(segment.passage(p))
                let document = try #require(segment.document(passage.document))
                keys[p] = (document.path, passage.ordinal)
                passages.insert("\(document.path)#\(passage.ordinal): \(passage.text)")
            }
            for d in 0..<UInt32(segment.documentCount) where !segment.isDeleted(document: d) {
                let record = try #require(segment.document(d))
                #expect(!documents.contains(record.path), "\(record.path) is live twice")
                documents.insert(record.path)
            }
            for field in IndexField.allCases {
                for entry in segment.terms(field: field.rawValue) {
                    var cursor = segment.postings(for: entry.info)
                    while let id = cursor.next() {
                        let positions = cursor.positions()
                        guard let (path, ordinal) = keys[id] else { continue }
                        postings[String(describing: field), default: [:]][entry.term, default: []]
                            .insert(Posting(document: path, ordinal: ordinal, positions: positions))
                    }
                }
            }
        }
    }
}

/// A corpus edited at random, built incrementally after every edit and compared with a full build.
struct IncrementalBuildTests {
    private struct Random {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
    }

    /// After every random edit (add, change, remove, touch, break and repair files), an incremental
    /// build holds exactly what a full build of the same corpus holds: the same documents, passages
    /// and postings of every term, the same search results, the same concept table.
    @Test(arguments: [1, 2, 3, 4])
    func incrementalBuildsMatchAFullBuild(seed: Int) throws {
        let scratch = try IndexScratch()
        var random = Random(state: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15)
        var present: Set<String> = []
        var counter = 0
        func newName() -> String {
            counter += 1
            return (random.next(3) == 0 ? "sub/" : "") + "doc\(counter).\(["txt", "md", "html"][random.next(3)])"
        }
        func content(_ name: String) -> String {
            let text = sampleText(seed: random.next(1_000_000), paragraphs: 1 + random.next(6))
                + (random.next(3) == 0 ? "\n\nGGE(政府専門家会合:Group of Governmental Experts) doc \(random.next(50))" : "")
            return name.hasSuffix(".html") ? "<html><body><p>\(text)</p></body></html>" : text
        }
        for _ in 0..<5 {
            let name = newName()
            try scratch.write(name, content(name))
            present.insert(name)
        }
        let builder = scratch.builder(threads: 2)
        let first = try builder.build()
        #expect(!first.incremental)
        var sawMerge = false
        for step in 0..<6 {
            var expected = BuildChanges()
            var edited: Set<String> = []
            for _ in 0..<(1 + random.next(3)) {
                let existing = present.subtracting(edited).sorted()
                switch random.next(6) {
                case 0 where !existing.isEmpty:  // change
                    let name = existing[random.next(existing.count)]
                    try scratch.write(name, content(name) + " changed \(step)")
                    edited.insert(name)
                    expected.changed += 1
                case 1 where existing.count > 1:  // remove
                    let name = existing[random.next(existing.count)]
                    try scratch.remove(name)
                    present.remove(name)
                    edited.insert(name)
                    expected.removed += 1
                case 2 where !existing.isEmpty:  // touch: same bytes, another modification time
                    let name = existing[random.next(existing.count)]
                    let url = scratch.corpus.appendingPathComponent(name)
                    try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: Double(1_000_000 + step * 100 + random.next(99)))],
                                                          ofItemAtPath: url.path)
                    edited.insert(name)
                    expected.touched += 1
                case 3:  // a file that cannot be indexed
                    let name = "bad\(counter).txt"
                    counter += 1
                    try scratch.write(name, bytes: [0x41, 0x00, 0x42])
                    expected.added += 1  // new to the index: analysed once, then remembered as skipped
                default:  // add
                    let name = newName()
                    try scratch.write(name, content(name))
                    present.insert(name)
                    edited.insert(name)
                    expected.added += 1
                }
            }
            let summary = try builder.build()
            let fullIndex = scratch.root.appendingPathComponent("full-\(step)")
            let full = try scratch.builder(threads: 1, index: fullIndex).build(full: true)
            #expect(summary.incremental, "step \(step): \(summary.reason)")
            #expect(summary.changes.changed == expected.changed, "step \(step): \(summary.changes)")
            #expect(summary.changes.removed == expected.removed, "step \(step): \(summary.changes)")
            #expect(summary.changes.touched == expected.touched, "step \(step): \(summary.changes)")
            #expect(summary.changes.added == expected.added, "step \(step): \(summary.changes)")
            #expect(summary.changes.reanalysed == expected.changed + expected.added)
            sawMerge = sawMerge || summary.changes.mergedSegments > 0
            #expect(summary.documents == full.documents && summary.passages == full.passages, "step \(step)")
            #expect(try builder.status() == .current, "step \(step): the incremental build left the index stale")

            let incremental = try LivePostings(index: scratch.index)
            let reference = try LivePostings(index: fullIndex)
            #expect(incremental.documents == reference.documents, "step \(step)")
            #expect(incremental.passages == reference.passages, "step \(step)")
            #expect(incremental.postings.keys.sorted() == reference.postings.keys.sorted())
            for (field, terms) in reference.postings {
                let got = incremental.postings[field] ?? [:]
                let missing = Set(terms.keys).symmetricDifference(got.keys)
                #expect(missing.isEmpty, "step \(step), \(field): terms differ: \(missing.map { String(decoding: $0, as: UTF8.self) }.sorted().prefix(5))")
                for (term, list) in terms where got[term] != list {
                    Issue.record("step \(step), \(field) \(String(decoding: term, as: UTF8.self)): \(got[term].map { $0.sorted { $0.description < $1.description } } ?? []) ≠ \(list.sorted { $0.description < $1.description })")
                    break
                }
            }
            let a = try SearchIndex(at: scratch.index)
            let b = try SearchIndex(at: fullIndex)
            for query in ["diligence", "相当の注意義務", "サーバー", "gge", "experts OR 東京", "\"due diligence\"", "conf*", "network -servers"] {
                for mode in SearchMode.allCases {
                    let x = try a.search(query, mode: mode, limit: 1_000, highlight: false)
                    let y = try b.search(query, mode: mode, limit: 1_000, highlight: false)
                    #expect(x.total == y.total, "step \(step) \(query) \(mode)")
                    #expect(Set(x.results.map { "\($0.document)#\($0.passage)" }) == Set(y.results.map { "\($0.document)#\($0.passage)" }),
                            "step \(step) \(query) \(mode)")
                    let texts = x.results.map(\.text)
                    #expect(Set(texts) == Set(y.results.map(\.text)))
                }
            }
            // Deleted passages have no text.
            let live = (0..<a.passageCount).compactMap { a.passageText($0) }
            #expect(live.count == full.passages, "step \(step)")
            // The concept table is the one a full build makes.
            let tableA = try scratch.generationFiles()["concepts.map"]
            let tableB = try scratch.generationFiles(of: fullIndex)["concepts.map"]
            #expect(tableA != nil && tableA == tableB, "step \(step): the concept tables differ")
            #expect(IndexDirectory(url: scratch.index).verify().isEmpty)
            try FileManager.default.removeItem(at: fullIndex)
        }
        _ = sawMerge  // merges are certain in repeatedIncrementalBuildsStayBounded; here they depend on the seed
    }

    /// Many small incremental builds keep the index compact: segment count stays bounded and no
    /// segment is more than a quarter deleted.
    @Test func repeatedIncrementalBuildsStayBounded() throws {
        let scratch = try IndexScratch()
        for k in 0..<8 { try scratch.write("doc\(k).txt", sampleText(seed: k, paragraphs: 6)) }
        let builder = scratch.builder(threads: 2)
        _ = try builder.build()
        var merged = 0
        for round in 0..<12 {
            try scratch.write("doc\(round % 8).txt", sampleText(seed: 100 + round, paragraphs: 6))
            try scratch.write("new\(round).txt", sampleText(seed: 200 + round, paragraphs: 2))
            let summary = try builder.build()
            #expect(summary.incremental && summary.changes.changed == 1 && summary.changes.added == 1)
            let (_, segments) = try IndexDirectory(url: scratch.index).openSegments()
            #expect(segments.count <= 1 + 4 + 1, "round \(round): \(segments.count) segments")
            for segment in segments {
                let deleted = segment.passageCount - segment.livePassageCount
                #expect(Double(deleted) <= 0.25 * Double(segment.passageCount), "round \(round): \(segment.name) is \(deleted)/\(segment.passageCount) deleted")
            }
            #expect(summary.documents == 9 + round)
            merged += summary.changes.mergedSegments
        }
        #expect(merged > 0, "twelve incremental builds never merged")
    }

    /// Corpus-wide mining reads a sample spread over the corpus' folders (a corpus of `en/` and `ja/`
    /// gives both languages), and adding a file changes the sample by that file and what it displaces.
    @Test func miningSampleSpreadsOverFoldersAndIsStable() {
        let size: UInt64 = 20_000
        let listing = (0..<200).map { ("en/doc\($0).txt", size) } + (0..<200).map { ("ja/doc\($0).txt", size) }
        let chosen = IndexBuilder.vocabularyDocuments(listing)
        #expect(chosen.count == IndexBuilder.vocabularyBytes / Int(size))
        let english = chosen.filter { $0.hasPrefix("en/") }.count
        #expect(english >= chosen.count / 4 && english <= 3 * chosen.count / 4, "\(english) of \(chosen.count) from en/")
        #expect(IndexBuilder.vocabularyDocuments(listing.reversed()) == chosen)
        let more = IndexBuilder.vocabularyDocuments(listing + [("en/new.txt", size)])
        #expect(more.subtracting(chosen).isSubset(of: ["en/new.txt"]))
        #expect(chosen.subtracting(more).count == more.subtracting(chosen).count)
    }

    /// The concept table is taken over (hard-linked) when the files analysed again have the glosses
    /// they had and the vocabulary's files are unchanged; made again when a gloss changes.
    @Test func conceptTableIsReusedWhenItsInputsAreUnchanged() throws {
        let scratch = try IndexScratch()
        let glossed = "GGE(政府専門家会合:Group of Governmental Experts) met."
        try scratch.write("a.txt", glossed)
        // a.txt and m.txt fill the vocabulary's MiB but for 10 bytes, so a third file is left out
        // when it comes after both in the sample's (path hash) order: one such name is chosen.
        let room = IndexBuilder.vocabularyBytes - glossed.utf8.count - 10
        try scratch.write("m.txt", String(repeating: "filler words. ", count: room / 14) + String(repeating: "x", count: room % 14))
        let sizes: [UInt64] = [UInt64(glossed.utf8.count), UInt64(room)]
        let outside = try #require((0..<50).map { "z\($0).txt" }.first { name in
            [25, 34].allSatisfy { size in
                !IndexBuilder.vocabularyDocuments([("a.txt", sizes[0]), ("m.txt", sizes[1]), (name, UInt64(size))]).contains(name)
            }
        })
        try scratch.write(outside, "A document with no gloss.")
        // Without a background dictionary (with one, presence in the corpus may change: always remade).
        var builder = scratch.builder()
        builder.usesBuiltInBackground = false
        _ = try builder.build()
        func tableInode() throws -> Int {
            let directory = IndexDirectory(url: scratch.index)
            let url = directory.generationURL(try directory.readManifest().generation).appendingPathComponent("concepts.map")
            return try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? Int)
        }
        let first = try tableInode()
        // That file is not in the vocabulary and has no gloss before or after.
        try scratch.write(outside, "A document with no gloss, changed.")
        #expect(try builder.build().changes.changed == 1)
        #expect(try tableInode() == first, "the concept table was written again though its inputs did not change")
        // A new gloss changes the table.
        try scratch.write(outside, "CBM(信頼醸成措置:Confidence Building Measures) now.")
        _ = try builder.build()
        #expect(try tableInode() != first)
        let fullIndex = scratch.root.appendingPathComponent("full")
        var fullBuilder = scratch.builder(index: fullIndex)
        fullBuilder.usesBuiltInBackground = false
        _ = try fullBuilder.build(full: true)
        #expect(try scratch.generationFiles()["concepts.map"] == scratch.generationFiles(of: fullIndex)["concepts.map"])
        #expect(try scratch.generationFiles()["glosses.mined"] == scratch.generationFiles(of: fullIndex)["glosses.mined"])
    }

    /// A touched file (new modification time, same bytes) is not analysed again; its new time is
    /// recorded so the index is current; `--full` still analyses everything.
    @Test func touchedFilesAreRecordedNotReanalysed() throws {
        let scratch = try IndexScratch()
        try scratch.write("a.txt", "相当の注意義務")
        try scratch.write("b.txt", "due diligence")
        let builder = scratch.builder()
        _ = try builder.build()
        let generation = try IndexDirectory(url: scratch.index).readManifest().generation
        let a = scratch.corpus.appendingPathComponent("a.txt")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_234_567)], ofItemAtPath: a.path)
        let summary = try builder.build()
        #expect(summary.incremental)
        #expect(summary.changes.touched == 1 && summary.changes.reanalysed == 0 && summary.changes.newSegments == 0)
        #expect(summary.changes.keptSegments == 1)
        let manifest = try IndexDirectory(url: scratch.index).readManifest()
        #expect(manifest.generation == generation + 1)
        #expect(manifest.deletions.isEmpty)
        #expect(try builder.status() == .current)
        #expect(try builder.build().upToDate)
        // Same size, different bytes: changed, not touched.
        try scratch.write("a.txt", "相当の注意義者")
        let changed = try builder.build()
        #expect(changed.changes.changed == 1 && changed.changes.touched == 0 && changed.changes.reanalysed == 1)
        let results = try SearchIndex(at: scratch.index).search("注意義者", mode: .keyword)
        #expect(results.total == 1)
        #expect(try SearchIndex(at: scratch.index).search("注意義務", mode: .keyword).total == 0)
        let full = try builder.build(full: true)
        #expect(!full.incremental && full.changes == BuildChanges())
    }
}
