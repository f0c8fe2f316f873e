import Foundation
import Testing

import Hashi
import HashiConcepts

/// The built-in background dictionary and imported ones, through the library: cross-language
/// matches on a corpus that glosses nothing, ranked after direct ones, with their sources explained.
struct BackgroundRetrievalTests {
    static let files = [
        "ja-1.txt": "国際的な資金洗浄への対策が議論された。\n",
        "ja-2.txt": "マネーロンダリングの手口は多様である。\n",
        "en-1.txt": "Money laundering is a crime in most countries, and the laundering of money through shell companies, trusts and many intermediaries across many jurisdictions is hard to trace for investigators and for the banks that must report it to the authorities.\n",
        "ja-3.txt": "ファイルシステムが一杯になった。\n",
    ]

    func index(background: Bool, mining: Bool = false, extra: String? = nil) throws -> (IndexScratch, SearchIndex, BuildSummary) {
        let scratch = try IndexScratch()
        for (path, text) in Self.files { try scratch.write(path, text) }
        var builder = scratch.builder()
        builder.usesBuiltInBackground = background
        builder.minesConcepts = mining
        if let extra {
            let url = scratch.root.appendingPathComponent("imported.synonyms")
            try Data(extra.utf8).write(to: url)
            builder.conceptDictionaries = [url]
        }
        let summary = try builder.build(full: true)
        return (scratch, try SearchIndex(at: scratch.index), summary)
    }

    @Test func englishFindsJapaneseThroughTheBuiltInDictionary() throws {
        let (_, index, summary) = try index(background: true)
        let background = try #require(summary.background)
        #expect(background.builtIn == "SudachiDict synonyms 20240109")
        #expect(background.builtInKept > 0 && background.builtInKept < background.builtInConcepts)
        #expect((background.loadSeconds ?? 0) > 0)

        let results = try index.search("money laundering", explain: true)
        let documents = results.results.map(\.document)
        #expect(Set(documents) == ["en-1.txt", "ja-1.txt", "ja-2.txt"], "\(documents)")
        // The direct match ranks first although it is a long passage and the others are short.
        #expect(documents.first == "en-1.txt")
        let japanese = try #require(results.results.first { $0.document == "ja-1.txt" })
        let explanation = (japanese.explanation ?? []).joined(separator: "\n")
        #expect(explanation.contains("SudachiDict synonyms, group"), "\(explanation)")
        #expect(explanation.contains("ranked after direct matches"), "\(explanation)")
        #expect(japanese.matches.contains { $0.concept == "money laundering" })

        // And back: Japanese finds English.
        #expect(try index.search("ファイルシステム").results.map(\.document) == ["ja-3.txt"])
        #expect(Set(try index.search("資金洗浄").results.map(\.document)) == ["ja-1.txt", "ja-2.txt", "en-1.txt"])
        // Keyword mode expands nothing.
        #expect(try index.search("money laundering", mode: .keyword).results.map(\.document) == ["en-1.txt"])
    }

    @Test func withoutTheBackgroundNothingCrossesLanguages() throws {
        let (_, index, summary) = try index(background: false)
        #expect(summary.background?.builtIn == nil)
        #expect(Set(try index.search("資金洗浄").results.map(\.document)) == ["ja-1.txt"])
        #expect(index.concepts?.map.concepts.isEmpty == true)
    }

    @Test func onlyConceptsPresentInTheCorpusAreStored() throws {
        let (_, index, _) = try index(background: true)
        let map = try #require(index.concepts?.map)
        let analyzer = try Analyzer()
        #expect(!(try map.concepts(containing: "資金洗浄", using: analyzer)).isEmpty)
        // インフルエンザ ~ influenza is in the dictionary, not in this corpus.
        #expect(try map.concepts(containing: "influenza", using: analyzer).isEmpty)
    }

    @Test func importedDictionariesRankBelowTheBuiltInOneAndAreFilteredToo() throws {
        let (_, index, summary) = try index(background: true, extra: """
            #@ imported TestDict
            #@ weight 0.9
            crime, 手口
            influenza, インフルエンザ
            """)
        #expect(summary.background?.importedConcepts == 2 && summary.background?.importedKept == 1)
        let results = try index.search("crime", explain: true)
        let documents = results.results.map(\.document)
        #expect(documents.first == "en-1.txt" && documents.contains("ja-2.txt"), "\(documents)")
        let imported = try #require(results.results.first { $0.document == "ja-2.txt" })
        let explanation = (imported.explanation ?? []).joined(separator: "\n")
        #expect(explanation.contains("TestDict") && explanation.contains("imported background"), "\(explanation)")
        #expect(explanation.contains("an imported background dictionary"), "\(explanation)")
    }

    @Test func turningTheBackgroundOffMakesTheIndexStale() throws {
        let (scratch, _, _) = try index(background: true)
        var builder = scratch.builder()
        builder.minesConcepts = false
        #expect(try builder.status() == .current)
        builder.usesBuiltInBackground = false
        #expect(try builder.status() != .current)
        // Refreshing keeps the setting the index was built with.
        let refreshing = IndexBuilder(refreshing: scratch.index, corpus: scratch.corpus)
        #expect(refreshing.usesBuiltInBackground)
    }
}
