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

    /// The flat store of bigram-test terms hands back each member's terms as appended.
    @Test func bigramTestTermsKeepEachMembersTerms() throws {
        let a = try analyzer.tokens(of: "資金洗浄").filter(CorpusPresence.isBigramTestToken)
        let b = try analyzer.tokens(of: "ICT格差").filter(CorpusPresence.isBigramTestToken)
        func pairs(_ tokens: [Token]) -> [BigramTestTerms.Term] { tokens.map { .init(stream: $0.stream, term: $0.term) } }
        var terms: BigramTestTerms = [[a, []], [[], b, a]]
        #expect(terms.count == 2)
        #expect(Array(terms.terms(concept: 0, member: 0)) == pairs(a) && terms.terms(concept: 0, member: 1).isEmpty)
        #expect(Array(terms.terms(concept: 1, member: 1)) == pairs(b) && Array(terms.terms(concept: 1, member: 2)) == pairs(a))
        #expect(terms.terms(concept: 1, member: 3).isEmpty && terms.terms(concept: 2, member: 0).isEmpty)
        var other = BigramTestTerms()
        other.append(concept: 1, of: terms)
        other.append(concept: 5, of: terms)
        #expect(other.count == 2 && Array(other.terms(concept: 0, member: 1)) == pairs(b) && other.terms(concept: 1, member: 0).isEmpty)
        terms += other
        #expect(terms.count == 4 && Array(terms.terms(concept: 2, member: 2)) == pairs(a))
        #expect(pairs(b).contains { $0.stream == .word } && pairs(a).allSatisfy { $0.stream == .bigram })
    }
}
