import Foundation
import Testing

import Hashi
import HashiDocuments
import HashiIndex

/// A deterministic mixed Japanese/English text of about `paragraphs` paragraphs.
func sampleText(seed: Int, paragraphs: Int) -> String {
    let japanese = ["政府専門家会合は相当の注意義務について議論した。", "デューデリジェンスの考え方が取り上げられた。",
                    "信頼醸成措置と能力構築も重要な論点である。", "新幹線で東京から大阪まで行きました。", "ｻｲﾊﾞｰ攻撃への対応を強化する。"]
    let english = ["The group of governmental experts met in Geneva. ", "Due diligence was discussed at length. ",
                   "Confidence building measures matter. ", "Servers were connected to the network. ", "John's report was well-known. "]
    var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
    func next(_ n: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(n))
    }
    var result = ""
    for p in 0..<paragraphs {
        if p > 0 { result += next(3) == 0 ? "\r\n\r\n" : "\n\n" }
        let pool = next(2) == 0 ? japanese : english
        for _ in 0..<(1 + next(12)) { result += pool[next(pool.count)] }
        if next(4) == 0 { result += " 2015 ＧＧＥ サーバー" }
    }
    return result
}

struct IndexBuilderTests {
    /// The same corpus gives byte-identical index files whatever the thread count.
    @Test func indexIsByteIdenticalForOneTwoAndThreeThreads() throws {
        let scratch = try IndexScratch()
        for k in 0..<16 {
            try scratch.write((k % 4 == 0 ? "nested/" : "") + "doc\(String(format: "%02d", k)).txt",
                              sampleText(seed: k, paragraphs: 10 + (k * 7) % 40))
        }
        try scratch.write("page.html", "<html><body><h1>見出し</h1><p>" + sampleText(seed: 99, paragraphs: 3) + "</p></body></html>")
        try scratch.write("binary.txt", bytes: [0x41, 0x00, 0x42])
        var results: [(summary: BuildSummary, files: [String: [UInt8]])] = []
        for threads in 1...3 {
            let index = scratch.root.appendingPathComponent("index-\(threads)")
            let summary = try scratch.builder(threads: threads, index: index).build()
            #expect(summary.threads == threads)
            results.append((summary, try scratch.generationFiles(of: index)))
        }
        let reference = results[0]
        #expect(reference.summary.documents == 17)
        #expect(reference.summary.warnings.map(\.path) == ["binary.txt"])
        #expect(!reference.files.isEmpty)
        for (k, result) in results.enumerated().dropFirst() {
            #expect(result.files.keys.sorted() == reference.files.keys.sorted())
            for (name, bytes) in reference.files {
                #expect(result.files[name] == bytes, "\(name) differs between 1 and \(k + 1) threads")
            }
            #expect(result.summary.passages == reference.summary.passages)
            #expect(result.summary.terms == reference.summary.terms)
            #expect(result.summary.postings == reference.summary.postings)
        }
    }

    @Test func statusFollowsTheCorpus() throws {
        let scratch = try IndexScratch()
        try scratch.write("a.txt", "相当の注意義務")
        try scratch.write("sub/b.md", "due diligence")
        let builder = scratch.builder()
        #expect(try builder.status() == .missing)

        var summary = try builder.build()
        #expect(!summary.upToDate && summary.documents == 2)
        #expect(try builder.status() == .current)
        #expect(try builder.build().upToDate)
        #expect(!FileManager.default.fileExists(atPath: scratch.index.appendingPathComponent("write.lock").path),
                "the write lock outlived the build")

        // Touched: same bytes, newer modification time.
        let a = scratch.corpus.appendingPathComponent("a.txt")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: a.path)
        guard case .stale(let why) = try builder.status() else {
            Issue.record("touching a file did not make the index stale")
            return
        }
        #expect(why.contains("a.txt"))
        summary = try builder.build()
        #expect(!summary.upToDate)
        #expect(try builder.status() == .current)

        // Changed size.
        try scratch.write("sub/b.md", "due diligence, twice")
        guard case .stale(let changed) = try builder.status() else { Issue.record("a changed file went unnoticed"); return }
        #expect(changed.contains("sub/b.md"))
        _ = try builder.build()

        // Added.
        try scratch.write("c.html", "<p>新しい</p>")
        guard case .stale(let added) = try builder.status() else { Issue.record("a new file went unnoticed"); return }
        #expect(added.contains("c.html"))
        summary = try builder.build()
        #expect(summary.documents == 3)
        #expect(try builder.status() == .current)

        // Removed.
        try scratch.remove("a.txt")
        guard case .stale(let removed) = try builder.status() else { Issue.record("a removed file went unnoticed"); return }
        #expect(removed.contains("a.txt"))
        summary = try builder.build()
        #expect(summary.documents == 2)
        #expect(try builder.status() == .current)

        // Another passage limit reads the same corpus differently.
        guard case .stale = try scratch.builder(passageLimit: 100).status() else {
            Issue.record("an index built with another passage limit was current")
            return
        }
    }

    @Test func fullRebuildMakesANewGeneration() throws {
        let scratch = try IndexScratch()
        try scratch.write("a.txt", "text")
        let builder = scratch.builder()
        _ = try builder.build()
        let first = try IndexDirectory(url: scratch.index).readManifest().generation
        let summary = try builder.build(full: true)
        #expect(!summary.upToDate)
        let second = try IndexDirectory(url: scratch.index).readManifest().generation
        #expect(second == first + 1)
        let names = try FileManager.default.contentsOfDirectory(atPath: scratch.index.path).filter { $0.hasPrefix("gen-") }
        #expect(names == [IndexDirectory.generationName(second)], "old generations should be removed")
    }

    /// Files that cannot be indexed are warnings naming them; the rest is indexed, and the skipped
    /// files do not make the index look stale.
    @Test func badFilesAreWarningsAndTheRestIsIndexed() throws {
        let scratch = try IndexScratch()
        try scratch.write("good.txt", "相当の注意義務\n\nDue diligence.")
        try scratch.write("binary.txt", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D])
        try scratch.write("undecodable.md", bytes: Array("日本語の文章です。".utf8) + [0xE6, 0x97] + Array("続き".utf8))
        try scratch.write("empty.txt", "")
        try scratch.write("blank.txt", "  \n\u{3000}\r\n\t\n")
        try scratch.write("markup.html", "<html><head><script>var x = 1;</script></head><body> <p></p> </body></html>")
        let builder = scratch.builder()
        let summary = try builder.build()
        #expect(summary.documents == 1)
        #expect(summary.passages == 2)
        #expect(Set(summary.warnings.map(\.path)) == ["binary.txt", "undecodable.md", "empty.txt", "blank.txt", "markup.html"])
        #expect(summary.warnings.count == 5)
        for warning in summary.warnings {
            #expect(!warning.reason.isEmpty)
            #expect(warning.description.contains(warning.path))
        }
        let reasons = Dictionary(uniqueKeysWithValues: summary.warnings.map { ($0.path, $0.reason) })
        #expect(reasons["binary.txt"]?.contains("binary") == true)
        #expect(reasons["undecodable.md"]?.contains("offset 27") == true, "\(reasons["undecodable.md"] ?? "")")
        #expect(reasons["empty.txt"]?.contains("empty") == true)
        let contents = try IndexContents(index: scratch.index)
        #expect(contents.documents.map(\.path) == ["good.txt"])
        #expect(try builder.status() == .current)
        #expect(try builder.build().upToDate)
    }

    @Test func corpusOfOnlyBadFilesThrowsEmptyCorpus() throws {
        let scratch = try IndexScratch()
        try scratch.write("binary.txt", bytes: [0x00, 0x01])
        try scratch.write("empty.md", "")
        try scratch.write("blank.txt", " \n ")
        try scratch.write("ignored.pdf", "not a document Hashi reads")
        do {
            _ = try scratch.builder().build()
            Issue.record("a corpus of bad files was indexed")
        } catch {
            guard case let .emptyCorpus(path, skipped) = error else {
                Issue.record("expected emptyCorpus, got \(error)")
                return
            }
            #expect(path == scratch.corpus.path)
            #expect(skipped == 3)
            #expect(error.description.contains(scratch.corpus.path))
        }
        // Nothing is left behind: no manifest, no lock, no half-built generation.
        let left = (try? FileManager.default.contentsOfDirectory(atPath: scratch.index.path)) ?? []
        #expect(left.isEmpty, "left in the index folder: \(left)")
        #expect(try scratch.builder().status() == .missing)
    }

    @Test func emptyCorpusFolderThrowsEmptyCorpus() throws {
        let scratch = try IndexScratch()
        do {
            _ = try scratch.builder().build()
            Issue.record("an empty corpus was indexed")
        } catch {
            guard case .emptyCorpus(_, let skipped) = error else { Issue.record("expected emptyCorpus, got \(error)"); return }
            #expect(skipped == 0)
        }
    }

    @Test func missingCorpusFolderIsACorpusError() throws {
        let scratch = try IndexScratch()
        let builder = IndexBuilder(corpus: scratch.root.appendingPathComponent("nope"), index: scratch.index)
        do {
            _ = try builder.build()
            Issue.record("a missing corpus was indexed")
        } catch {
            guard case .corpus(let path, _) = error else { Issue.record("expected a corpus error, got \(error)"); return }
            #expect(path.hasSuffix("nope"))
            #expect(error.description.contains("nope"))
        }
        #expect(throws: HashiError.self) { try builder.status() }
    }

    /// A file listed by the scan but gone when its turn to be read comes is a warning; the rest is
    /// indexed. With one thread, batch k + 1 is read before batch k's progress is reported, so the
    /// file is removed from the progress callback of the first batch while it waits in the third.
    @Test func fileThatVanishesBeforeItIsReadIsAWarning() throws {
        let scratch = try IndexScratch()
        let batch = 2 << 20  // IndexBuilder's batch size
        try scratch.write("a.txt", "相当の注意義務")
        try scratch.write("b.txt", String(repeating: " ", count: batch))
        try scratch.write("c.txt", String(repeating: " ", count: batch))
        try scratch.write("d.txt", "デューデリジェンス")
        try scratch.write("e.txt", "due diligence")
        var removed = false
        let summary = try scratch.builder(threads: 1).build { progress in
            if !removed {
                removed = true
                try? scratch.remove("d.txt")
            }
        }
        try #require(removed)
        #expect(summary.documents == 2)
        let d = summary.warnings.first { $0.path == "d.txt" }
        #expect(d != nil, "no warning for the vanished file: \(summary.warnings)")
        #expect(d?.reason.contains("vanished") == true)
        #expect(try IndexContents(index: scratch.index).documents.map(\.path) == ["a.txt", "e.txt"])
    }

    /// A file skipped with a warning and then repaired has a new size and modification time, so the
    /// index no longer matches the corpus and the next build must index it.
    @Test func repairedSkippedFileMakesTheIndexStale() throws {
        let scratch = try IndexScratch()
        try scratch.write("good.txt", "相当の注意義務")
        try scratch.write("broken.txt", bytes: [0x61, 0x00, 0x62])
        let builder = scratch.builder()
        let first = try builder.build()
        #expect(first.warnings.map(\.path) == ["broken.txt"])
        #expect(try builder.status() == .current)
        try scratch.write("broken.txt", "due diligence, repaired")
        #expect(try builder.status() != .current, "the repaired file is not noticed")
        let second = try builder.build()
        #expect(second.documents == 2, "the repaired file was not indexed (upToDate: \(second.upToDate))")
    }

    /// An index built by another analyzer is stale and is rebuilt.
    @Test func indexOfAnotherAnalyzerIsStale() throws {
        let scratch = try IndexScratch()
        try scratch.write("a.txt", "相当の注意義務")
        let builder = scratch.builder()
        _ = try builder.build()
        let directory = IndexDirectory(url: scratch.index)
        var manifest = try directory.readManifest()
        #expect(manifest.metadata["analyzer"] == Analyzer.version)
        manifest.metadata["analyzer"] = "hashi-analyzer-0 (an older chain)"
        try Data(manifest.encoded()).write(to: scratch.index.appendingPathComponent("MANIFEST"))
        guard case .stale(let why) = try builder.status() else {
            Issue.record("an index of another analyzer is not stale")
            return
        }
        #expect(why.contains("analyzer"))
        let summary = try builder.build()
        #expect(!summary.upToDate)
        #expect(try directory.readManifest().metadata["analyzer"] == Analyzer.version)
    }

    /// Terms longer than 255 UTF-8 bytes are not indexed; the words after them keep their positions.
    @Test func overlongTermsAreLeftOutButPositionsKept() throws {
        let scratch = try IndexScratch()
        let long = String(repeating: "abcdefghij", count: 30)  // 300 bytes
        try scratch.write("a.txt", "first \(long) second")
        _ = try scratch.builder().build()
        let (_, segments) = try IndexDirectory(url: scratch.index).openSegments()
        let segment = try #require(segments.first)
        let word = IndexField.word.rawValue
        #expect(segment.termInfo(field: word, term: long) == nil)
        let allTerms = segment.terms(field: word).map(\.termString)
        #expect(!allTerms.contains { $0.utf8.count > 255 }, "\(allTerms)")
        func positions(_ term: String) -> [UInt32] {
            guard let info = segment.termInfo(field: word, term: term) else { return [] }
            var cursor = segment.postings(for: info)
            guard cursor.next() != nil else { return [] }
            return cursor.positions()
        }
        #expect(positions("first") == [0])
        #expect(positions("second") == [2])
    }

    /// Determinism across batches: a corpus over the 1 MiB batch size (padded with blank lines, which
    /// cost little to analyse) gives the same files with one thread and with three.
    @Test func indexIsByteIdenticalAcrossBatches() throws {
        let scratch = try IndexScratch()
        for k in 0..<6 { try scratch.write("doc\(k).txt", sampleText(seed: 100 + k, paragraphs: 12)) }
        try scratch.write("doc2-padded.txt", sampleText(seed: 7, paragraphs: 3) + String(repeating: "\n", count: 2 << 20)
            + sampleText(seed: 8, paragraphs: 3))
        try scratch.write("doc3-bad.txt", bytes: [0x00])
        var files: [[String: [UInt8]]] = []
        var summaries: [BuildSummary] = []
        for threads in [1, 3] {
            let index = scratch.root.appendingPathComponent("index-\(threads)")
            summaries.append(try scratch.builder(threads: threads, index: index).build())
            files.append(try scratch.generationFiles(of: index))
        }
        #expect(summaries[0].documents == 7 && summaries[1].documents == 7)
        #expect(files[0].keys.sorted() == files[1].keys.sorted())
        for (name, bytes) in files[0] {
            #expect(files[1][name] == bytes, "\(name) differs between 1 and 3 threads")
        }
    }

    /// Determinism when the memory budget cuts the corpus into many segments: where a segment ends
    /// depends on the content only, not on the threads (nor on how far the allocator grew arrays).
    @Test func manySegmentsAreByteIdenticalAcrossThreadCounts() throws {
        let scratch = try IndexScratch()
        for k in 0..<40 { try scratch.write("doc\(k).txt", sampleText(seed: 300 + k, paragraphs: 10)) }
        var files: [[String: [UInt8]]] = []
        for threads in [1, 2, 3] {
            let index = scratch.root.appendingPathComponent("index-\(threads)")
            var builder = scratch.builder(threads: threads, index: index)
            builder.memoryBudget = 1 << 16
            let summary = try builder.build()
            #expect(summary.segments > 3)
            files.append(try scratch.generationFiles(of: index))
        }
        for k in 1..<files.count {
            #expect(files[k].keys.sorted() == files[0].keys.sorted())
            for (name, bytes) in files[0] {
                #expect(files[k][name] == bytes, "\(name) differs between 1 and \(k + 1) threads")
            }
        }
    }

    /// Progress ends at every file and byte, and the summary agrees with the statistics read back.
    @Test func progressAndStatisticsAgreeWithTheSummary() throws {
        let scratch = try IndexScratch()
        for k in 0..<5 { try scratch.write("doc\(k).txt", sampleText(seed: 200 + k, paragraphs: 4)) }
        try scratch.write("skip.txt", "")
        var reports: [BuildProgress] = []
        let summary = try scratch.builder(threads: 2).build { reports.append($0) }
        let last = try #require(reports.last)
        #expect(last.filesDone == 6 && last.filesTotal == 6)
        #expect(last.bytesDone == last.bytesTotal)
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.filesDone <= $1.filesDone && $0.bytesDone <= $1.bytesDone })
        let statistics = try IndexStatistics(index: scratch.index)
        #expect(statistics.documents == summary.documents)
        #expect(statistics.passages == summary.passages)
        #expect(statistics.terms == summary.terms)
        #expect(statistics.postings == summary.postings)
        #expect(statistics.indexBytes == summary.indexBytes)
        #expect(statistics.analyzer == Analyzer.version)
        #expect(statistics.corpus == scratch.corpus.path)
        #expect(IndexBuilder.recordedCorpus(ofIndexAt: scratch.index)?.path == scratch.corpus.path)
        #expect(statistics.termsPerField.values.reduce(0, +) == statistics.terms)
    }
}
