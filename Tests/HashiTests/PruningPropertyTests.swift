import Foundation
import PropertyBased
import Testing

@testable import Hashi

/// Dynamic pruning (passages whose score bound cannot beat the full top-k pool are counted but not
/// scored) changes nothing: the same total, the same ranked ids, the same scores, bit for bit.
struct PruningPropertyTests {
    /// A curated dictionary, so that concept clauses have members in both languages, some of them
    /// phrases and bigram chains.
    static let synonyms = """
        server, サーバー, host, daemon process
        diligence, 注意義務, due care
        file, ファイル, document, 設定ファイル

        """

    static let pieces = [
        "server", "servers", "Server's ", "host", "hosts", "daemon", "process", "daemon process", "サーバー", "サーバ",
        "diligence", "注意義務", "due", "care", "due care", "file", "files", "ファイル", "設定ファイル", "設定", "document",
        "group", "runs", "cat", "攻撃", "について", "の", "は", " ", " ", " ", " ", " ", ". ", "、", "。", "\n\n", "\n\n",
    ]
    static let documents = Gen.element(of: pieces).array(of: 0...120).map { $0.compactMap { $0 }.joined() }
    static let corpora = documents.array(of: 2...6)

    static let queries = [
        "server", "サーバー", "file", "ファイル", "diligence", "servers", "care", "host",
        "server file", "host ファイル", "server OR diligence", "\"daemon process\"", "設定ファイル", "server -care",
        "file*", "server 設定",
    ]

    /// Builds an index of `texts` with the dictionary (mining and the built-in background on).
    static func index(_ texts: [String]) throws -> (IndexScratch, SearchIndex)? {
        let scratch = try IndexScratch()
        for (k, text) in texts.enumerated() { try scratch.write("doc\(k).txt", text) }
        try scratch.write(IndexBuilder.defaultConceptsFileName, synonyms)
        guard (try? scratch.builder(threads: 1, passageLimit: 40).build()) != nil else { return nil }
        return (scratch, try SearchIndex(at: scratch.index))
    }

    /// Pruned and unpruned searches agree for `query` in both modes and a few page sizes; returns
    /// how many passages pruning skipped.
    static func compare(_ index: SearchIndex, _ query: String) throws -> Int {
        var pruned = 0
        for mode in SearchMode.allCases {
            for limit in [1, 5, 20] {
                let fast = try index.rankedPassages(query, mode: mode, limit: limit, prunes: true)
                let exact = try index.rankedPassages(query, mode: mode, limit: limit, prunes: false)
                #expect(fast.total == exact.total, "\(query) \(mode) limit \(limit): total")
                #expect(fast.passages.map(\.id) == exact.passages.map(\.id), "\(query) \(mode) limit \(limit): ids")
                #expect(fast.passages.map(\.score.bitPattern) == exact.passages.map(\.score.bitPattern),
                        "\(query) \(mode) limit \(limit): scores \(fast.passages.map(\.score)) vs \(exact.passages.map(\.score))")
                #expect(exact.pruned == 0)
                pruned += fast.pruned
            }
        }
        return pruned
    }

    @Test func prunedRankingsEqualUnprunedRankings() async {
        await propertyCheck(count: 25, input: Self.corpora) { texts in
            guard let (scratch, index) = try Self.index(texts) else { return }
            for query in Self.queries { _ = try Self.compare(index, query) }
            withExtendedLifetime(scratch) {}
        }
    }

    /// Many matching passages, some strong ones last: the pool fills early, then pruning must skip
    /// passages and still agree with the unpruned search.
    @Test func pruningSkipsPassagesAndKeepsTheBest() throws {
        var paragraphs: [String] = []
        for k in 0..<120 {
            let filler = Array(repeating: "cat group runs", count: 1 + k % 7).joined(separator: " ")
            paragraphs.append(k % 3 == 0 ? "host \(filler)" : "document \(filler) server")
        }
        paragraphs += ["server server host サーバー", "ファイル file file document", "server file"]
        let scratch = try IndexScratch()
        try scratch.write("many.txt", paragraphs.joined(separator: "\n\n"))
        try scratch.write(IndexBuilder.defaultConceptsFileName, Self.synonyms)
        _ = try scratch.builder(threads: 1).build()
        let index = try SearchIndex(at: scratch.index)
        var pruned = 0
        for query in ["server", "file", "server file", "host OR file", "サーバー"] {
            pruned += try Self.compare(index, query)
        }
        #expect(pruned > 0, "no passage was pruned: the test no longer exercises pruning")
        let all = try index.rankedPassages("server", mode: .concept, limit: 3, prunes: true)
        #expect(all.total > 100)
    }
}
