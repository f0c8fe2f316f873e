import Foundation
import Testing

import Hashi
import HashiIndex

/// Hashi as an embedding tool uses it: build, open, search from many threads, explain, and the
/// errors of a damaged or foreign index.
struct SearchLibraryTests {
    static let documents = [
        "ja/cyber.txt": "政府専門家会合(GGE)はサイバー攻撃について議論した。\n\n相当の注意義務(デューデリジェンス)は国家の義務である。\n\nｻｲﾊﾞｰ攻撃への対応。",
        "ja/kyoto.txt": "京都の大会議。\n\n東京都の会議。\n\n設定ファイルを開く。設定を確認してからファイルを保存する。",
        "en/diligence.md": "Due diligence is expected of all states.\n\nThe due process and the diligence of the experts' group.\n\nConnections were connected to the servers.",
        "en/files.txt": "Open file.txt and README.md, then set key:value in config.yaml.\n\nJohn's server runs well-known services.",
    ]

    static func makeIndex() throws -> IndexScratch {
        let scratch = try IndexScratch()
        for (path, text) in documents { try scratch.write(path, text) }
        _ = try scratch.builder(threads: 2).build()
        return scratch
    }

    static let queries = [
        "サイバー攻撃", "デューデリジェンス", "due diligence", "\"due diligence\"", "connections", "file", "京都",
        "GGE OR servers", "設定 -京都", "conn*", "john", "ファイル", "義務", "absent", "",
    ]

    // MARK: threads

    @Test func concurrentSearchesEqualASerialRun() throws {
        let scratch = try Self.makeIndex()
        let index = try SearchIndex(at: scratch.index)
        var serial: [SearchResults] = []
        for mode in SearchMode.allCases {
            for query in Self.queries { serial.append(try index.search(query, mode: mode, limit: 20, explain: true)) }
        }
        #expect(serial.contains { $0.total > 0 })

        let threads = 8
        final class Shared: @unchecked Sendable {
            var outcomes: [[SearchResults]]
            var failures: [String] = []
            init(_ n: Int) { outcomes = Array(repeating: [], count: n) }
        }
        let lock = NSLock()
        let shared = Shared(threads)
        let start = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for t in 0..<threads {
            done.enter()
            let thread = Thread {
                start.wait()
                var mine: [SearchResults] = []
                for _ in 0..<3 {
                    mine.removeAll()
                    for mode in SearchMode.allCases {
                        for query in Self.queries {
                            do { mine.append(try index.search(query, mode: mode, limit: 20, explain: true)) } catch {
                                lock.lock(); shared.failures.append("\(query): \(error)"); lock.unlock()
                            }
                        }
                    }
                }
                lock.lock(); shared.outcomes[t] = mine; lock.unlock()
                done.leave()
            }
            thread.start()
        }
        for _ in 0..<threads { start.signal() }
        #expect(done.wait(timeout: .now() + 120) == .success, "concurrent searches did not finish")
        lock.lock(); defer { lock.unlock() }
        #expect(shared.failures.isEmpty, "\(shared.failures)")
        for (t, outcome) in shared.outcomes.enumerated() {
            #expect(outcome == serial, "thread \(t) got different results")
        }
    }

    @Test func concurrentTasksEqualASerialRun() async throws {
        let scratch = try Self.makeIndex()
        let index = try SearchIndex(at: scratch.index)
        let serial = try Self.queries.map { try index.search($0, mode: .keyword, limit: 20) }
        let results = try await withThrowingTaskGroup(of: [SearchResults].self) { group in
            for _ in 0..<8 {
                group.addTask { try Self.queries.map { try index.search($0, mode: .keyword, limit: 20) } }
            }
            var all: [[SearchResults]] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 8)
        #expect(results.allSatisfy { $0 == serial })
    }

    // MARK: explanation

    @Test func explanationLinesArePresentOnlyWhenAskedFor() throws {
        let scratch = try Self.makeIndex()
        let index = try SearchIndex(at: scratch.index)
        let plain = try index.search("サイバー攻撃", mode: .keyword)
        #expect(plain.total == 2)
        #expect(plain.results.allSatisfy { $0.explanation == nil })
        let explained = try index.search("サイバー攻撃", mode: .keyword, explain: true)
        #expect(explained.results.map(\.score) == plain.results.map(\.score))
        for result in explained.results {
            let lines = try #require(result.explanation)
            #expect(!lines.isEmpty)
            #expect(lines.contains { $0.contains("bigram phrase") }, "\(lines)")
            #expect(lines.allSatisfy { $0.contains("tf") || $0.contains("proximity") })
        }
        // Whole words explain their boost; two terms close together explain the proximity factor.
        let whole = try #require(try index.search("サイバー攻撃", mode: .keyword, explain: true).results.first?.explanation)
        #expect(whole.contains { $0.contains("whole words") }, "\(whole)")
        let near = try #require(try index.search("due diligence", mode: .keyword, explain: true).results.first?.explanation)
        #expect(near.contains { $0.contains("proximity") }, "\(near)")
    }

    // MARK: what is found

    @Test func keywordSemantics() throws {
        let scratch = try Self.makeIndex()
        let index = try SearchIndex(at: scratch.index)
        func texts(_ query: String, _ mode: SearchMode = .keyword) throws -> [String] {
            try index.search(query, mode: mode, limit: 100).results.map(\.text)
        }
        // Width variants: ｻｲﾊﾞｰ = サイバー.
        #expect(try texts("サイバー攻撃").count == 2)
        #expect(try texts("ｻｲﾊﾞｰ攻撃").count == 2)
        // Dots and colons split words.
        #expect(try texts("file").count == 1)
        #expect(try texts("txt").count == 1)
        #expect(try texts("yaml").count == 1)
        #expect(try texts("value").count == 1)
        // Possessives.
        #expect(try texts("john").count == 1)
        #expect(try texts("experts").count == 1)
        // Exact words in keyword mode, stems in concept mode.
        #expect(try texts("connection").isEmpty)
        #expect(try texts("connection", .concept).count == 1)
        #expect(try texts("connecting", .concept).count == 1)
        #expect(try texts("server").count == 1)
        // AND, phrase, OR, exclusion, prefix.
        #expect(try texts("due diligence").count == 2)
        #expect(try texts("\"due diligence\"").count == 1)
        #expect(try texts("GGE OR servers").count == 2)
        #expect(try texts("会議 -大会").count == 1)
        #expect(try texts("会議 -京都").isEmpty)   // 東京都 contains 京都
        #expect(try texts("設定 -京都").count == 1)
        #expect(try texts("conn*").count == 1)
        // A term that matches nothing is not dropped: nothing is found.
        #expect(try texts("サイバー攻撃 xyzzyq").isEmpty)
        #expect(try texts("サイバー攻撃 xyzzyq", .concept).isEmpty)
        #expect(try texts("due 量子").isEmpty)
        // Japanese matches as written, even where the dictionary cut differently.
        #expect(try texts("京都").count == 2)
        #expect(try texts("都の会").count == 1)
        #expect(try texts("ルを開").count == 1)
    }

    @Test func absurdQueriesFindNothingOrThrowAQueryError() throws {
        let scratch = try Self.makeIndex()
        let index = try SearchIndex(at: scratch.index)
        for query in ["", " ", "\"", "\"\"", "“", "-", "*", "OR", "!!!", "、。", "\u{0}\u{1}\u{7F}", "\"unbalanced", "(((",
                      "\u{FFFD}", "\u{200B}", "a\u{0}b", String(repeating: "-", count: 1_999), String(repeating: "\"", count: 1_999)] {
            let results = try index.search(query, mode: .concept)
            if !["\"unbalanced", "a\u{0}b"].contains(query) {
                #expect(results.total == 0, "\(query.prefix(20).debugDescription) found \(results.total)")
            }
        }
        for query in [String(repeating: "a", count: 10_000), String(repeating: "サイバー攻撃 ", count: 2_000)] {
            #expect {
                _ = try index.search(query)
            } throws: { error in
                guard let error = error as? HashiError, case .query(.tooLong) = error else { return false }
                return error.description.contains("at most")
            }
        }
        #expect {
            _ = try index.search((0..<100).map { "w\($0)" }.joined(separator: " "))
        } throws: { error in
            guard let error = error as? HashiError, case .query(.tooManyTerms) = error else { return false }
            return true
        }
        // Limits out of range are clamped, not trapped on.
        #expect(try index.search("due", limit: -5).results.isEmpty)
        #expect(try index.search("due", limit: 5, offset: -3).results.first?.rank == 1)
        #expect(try index.search("due", limit: Int.max).total == 2)
        #expect(try index.search("due", offset: 1_000_000).results.isEmpty)
    }

    @Test func highlightsReportTheQueryTermAsWritten() throws {
        let scratch = try Self.makeIndex()
        let index = try SearchIndex(at: scratch.index)
        for query in ["サイバー攻撃", "相当の注意義務", "設定ファイル"] {
            let results = try index.search(query, mode: .keyword)
            #expect(results.total > 0)
            for result in results.results {
                #expect(!result.matches.isEmpty)
                #expect(result.matches.allSatisfy { $0.term == query }, "\(query): \(result.matches.map(\.term))")
            }
        }
    }

    @Test func aJapaneseTextNextToLatinIsFoundOnlyWhereItIsWritten() throws {
        let scratch = try IndexScratch()
        try scratch.write("a.txt", "GGE会合の報告。")
        try scratch.write("b.txt", "会合の報告。GGEの話。")
        _ = try scratch.builder(threads: 1).build()
        let index = try SearchIndex(at: scratch.index)
        // Only a.txt holds "GGE会合" as written.
        let documents = try index.search("GGE会合", mode: .keyword).results.map(\.document)
        #expect(documents.contains("a.txt"))
        withKnownIssue("a mixed-script atom is planned as separate segments: the Latin word and the Japanese bigram phrase are not required to be adjacent") {
            #expect(documents == ["a.txt"])
        }
    }

    // MARK: ranking

    @Test func wholeWordMatchesRankAboveBigramOnlyMatches() throws {
        let scratch = try IndexScratch()
        // Same lengths; 京都 is a word of the first passage and only a piece of 東京都 in the second.
        try scratch.write("a.txt", "東京都の会議。")
        try scratch.write("b.txt", "京都の会議室。")
        _ = try scratch.builder(threads: 1).build()
        let index = try SearchIndex(at: scratch.index)
        let results = try index.search("京都", mode: .keyword)
        #expect(results.results.map(\.document) == ["b.txt", "a.txt"])
    }

    @Test func adjacentTermsRankAboveScatteredOnes() throws {
        let scratch = try IndexScratch()
        // The scattered passage comes first in the corpus, so a tie would put it first.
        try scratch.write("a.txt", "Diligence is what states owe; the process is due.")
        try scratch.write("b.txt", "States owe due diligence; the process is what is owed.")
        try scratch.write("c.txt", "Nothing relevant here at all.")
        _ = try scratch.builder(threads: 1).build()
        let index = try SearchIndex(at: scratch.index)
        let results = try index.search("due diligence", mode: .keyword)
        #expect(results.results.map(\.document) == ["b.txt", "a.txt"])
        #expect(results.results.count == 2 && results.results[0].score > results.results[1].score)
        #expect(try index.search("\"due diligence\"", mode: .keyword).results.map(\.document) == ["b.txt"])
    }

    @Test func bm25ParametersChangeTheScores() throws {
        let scratch = try IndexScratch()
        try scratch.write("a.txt", "attack")
        try scratch.write("b.txt", "attack attack attack and many more words to make this passage much longer than the first one")
        try scratch.write("c.txt", "defence")
        _ = try scratch.builder(threads: 1).build()
        let standard = try SearchIndex(at: scratch.index).search("attack", mode: .keyword)
        #expect(standard.total == 2)
        // k1 = 0: occurrences do not count; b = 1: the longer passage loses.
        let binary = try SearchIndex(at: scratch.index, ranking: RankingParameters(k1: 0, b: 1))
            .search("attack", mode: .keyword)
        #expect(binary.results.map(\.score)[0] == binary.results.map(\.score)[1])
        // b = 0 and a large k1: length does not matter, frequency does.
        let noLength = try SearchIndex(at: scratch.index, ranking: RankingParameters(k1: 5, b: 0))
            .search("attack", mode: .keyword)
        #expect(noLength.results.first?.document == "b.txt")
        // b = 1, small k1: the short passage wins.
        let fullLength = try SearchIndex(at: scratch.index, ranking: RankingParameters(k1: 0.5, b: 1))
            .search("attack", mode: .keyword)
        #expect(fullLength.results.first?.document == "a.txt")
        #expect(standard.results.map(\.score) != noLength.results.map(\.score))
    }

    // MARK: damaged and foreign indexes

    @Test func aDamagedPostingsFileIsAClearErrorNamingIt() throws {
        let scratch = try Self.makeIndex()
        let directory = IndexDirectory(url: scratch.index)
        let generation = directory.generationURL(try directory.readManifest().generation)
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: generation.path).first { $0.hasSuffix(".pst") })
        let url = generation.appendingPathComponent(name)
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes[bytes.count / 2] ^= 0x5A
        try Data(bytes).write(to: url)
        #expect {
            _ = try SearchIndex(at: scratch.index)
        } throws: { error in
            guard let error = error as? HashiError, case .index = error else { return false }
            return error.description.contains(name)
        }
    }

    /// The concept table's checksum is checked when the index opens; the table is decoded on the
    /// first concept search only, so keyword search never pays for it, and damage the checksum
    /// cannot see is an error of concept search naming the file, not of opening.
    @Test func theConceptTableIsCheckedOnOpeningAndDecodedOnFirstUse() throws {
        let scratch = try Self.makeIndex()
        let directory = IndexDirectory(url: scratch.index)
        let url = directory.generationURL(try directory.readManifest().generation).appendingPathComponent(ConceptTable.fileName)
        let pristine = [UInt8](try Data(contentsOf: url))
        // A flipped byte: opening fails, naming the file.
        var flipped = pristine
        flipped[flipped.count / 2] ^= 0x5A
        try Data(flipped).write(to: url)
        #expect {
            _ = try SearchIndex(at: scratch.index)
        } throws: { error in
            (error as? HashiError)?.description.contains(ConceptTable.fileName) == true
        }
        // A body that is not a table, behind a valid checksum: it opens, keyword search works,
        // concept search and the table say what is wrong.
        var body = Array(pristine.prefix(12)) + [UInt8](repeating: 0x7F, count: 64)
        withUnsafeBytes(of: CRC32C.checksum(body).littleEndian) { body.append(contentsOf: $0) }
        try Data(body).write(to: url)
        let index = try SearchIndex(at: scratch.index)
        #expect(try index.search("サイバー攻撃", mode: .keyword).total == 2)
        #expect(index.concepts == nil)
        #expect {
            _ = try index.search("サイバー攻撃", mode: .concept)
        } throws: { error in
            (error as? HashiError)?.description.contains(ConceptTable.fileName) == true
        }
        #expect(throws: HashiError.self) { _ = try index.conceptTable() }
        // Restored, the table decodes: the map for search, the review material for tools.
        try Data(pristine).write(to: url)
        let restored = try SearchIndex(at: scratch.index)
        #expect(try restored.search("デューデリジェンス", mode: .concept).total >= 1)
        let table = try #require(try restored.conceptTable())
        #expect(!table.map.concepts.isEmpty && !table.mined.isEmpty)
    }

    @Test func anIndexOfAnotherAnalyzerMustBeRebuilt() throws {
        let scratch = try Self.makeIndex()
        let directory = IndexDirectory(url: scratch.index)
        var manifest = try directory.readManifest()
        #expect(manifest.metadata["analyzer"] == Analyzer.version)
        manifest.metadata["analyzer"] = "hashi-analyzer-0 (icu 1, something else)"
        try Data(manifest.encoded()).write(to: scratch.index.appendingPathComponent("MANIFEST"))
        #expect(try directory.readManifest().metadata["analyzer"] == "hashi-analyzer-0 (icu 1, something else)")
        #expect {
            _ = try SearchIndex(at: scratch.index)
        } throws: { error in
            guard let error = error as? HashiError, case let .analyzerMismatch(_, built, current) = error else { return false }
            return built.hasPrefix("hashi-analyzer-0") && current == Analyzer.version
                && error.description.contains("hashi index --full")
        }
        // A manifest without the line is foreign too.
        manifest.metadata["analyzer"] = nil
        try Data(manifest.encoded()).write(to: scratch.index.appendingPathComponent("MANIFEST"))
        #expect(throws: HashiError.self) { _ = try SearchIndex(at: scratch.index) }
    }

    @Test func aMissingIndexIsAClearError() throws {
        let scratch = try IndexScratch()
        #expect {
            _ = try SearchIndex(at: scratch.index)
        } throws: { error in
            guard let error = error as? HashiError else { return false }
            return error.description.contains(scratch.index.path) || error.description.contains("index")
        }
    }
}
