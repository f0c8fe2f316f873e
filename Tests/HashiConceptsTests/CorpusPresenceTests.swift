import HashiAnalysis
import Testing

@testable import HashiConcepts

struct CorpusPresenceTests {
    let analyzer: Analyzer
    init() throws { analyzer = try Analyzer() }

    /// The terms of `text` in every stream, as an index of it would hold them.
    func terms(of text: String) throws -> Set<String> {
        Set(try analyzer.tokens(of: text).map { "\($0.stream.rawValue) \($0.term)" })
    }

    func kept(_ dictionary: String, corpus: String) throws -> [[String]] {
        let map = try ConceptDictionary.parse(dictionary, file: "d", using: analyzer)
        let indexed = try terms(of: corpus)
        return try CorpusPresence.concepts(of: map.concepts, using: analyzer) { stream, term in
            indexed.contains("\(stream.rawValue) \(term)")
        }.map { $0.members.map(\.text).sorted() }
    }

    @Test func keepsConceptsWithAMemberInTheCorpusOnly() throws {
        let result = try kept("""
            file system, ファイルシステム
            money laundering, 資金洗浄
            due diligence, デューデリジェンス
            """, corpus: "The file system is full. デューデリジェンスの問題。")
        #expect(Set(result) == [["file system", "ファイルシステム"], ["due diligence", "デューデリジェンス"]])
    }

    @Test func aJapaneseMemberSegmentedDifferentlyIsFoundByItsBigrams() throws {
        // The corpus holds 資金洗浄 inside a longer run that ICU may cut elsewhere.
        let result = try kept("money laundering, 資金洗浄\nnothing, 無関係語彙", corpus: "国際的な資金洗浄対策強化。")
        #expect(result == [["money laundering", "資金洗浄"]])
    }

    @Test func englishMembersNeedEveryWordAndMatchByStem() throws {
        #expect(try kept("laundering money, 資金洗浄", corpus: "money only").isEmpty)
        #expect(try kept("file systems, ファイルシステム", corpus: "a file system") == [["file systems", "ファイルシステム"]])
    }
}
