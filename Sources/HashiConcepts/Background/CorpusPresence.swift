import HashiAnalysis

/// Keeps background concepts to those a corpus can use: a background dictionary has tens of thousands
/// of concepts, and an index needs only those with a member that occurs in its documents.
public enum CorpusPresence {
    /// The tokens the bigram test needs for each member of each concept (its bigrams and Latin
    /// words), aligned with `concepts[i].members[j]`; empty for members that need no bigram test.
    public typealias FallbackTokens = BigramTestTerms

    /// The concepts with at least one member present, where `exists(stream, term)` says whether
    /// the index holds `term` in `stream`.
    ///
    /// A member is present when each of its words is indexed as a word (or, for English, its stem
    /// is), or else, when its text has Japanese, when every character bigram of it and every Latin
    /// word of it is indexed: the corpus may segment a Japanese term differently from the
    /// dictionary, and concept search matches Japanese members as bigram phrases. The bigram test
    /// can keep a concept whose member occurs only in pieces; it never drops one that occurs.
    ///
    /// `fallbackTokens`, when given (``BuiltInDictionary`` keeps them from loading), saves analyzing
    /// the members again for the bigram test.
    /// - Throws: ``ICUError`` if ICU fails analyzing the members that need the bigram test.
    public static func concepts(of concepts: [Concept], using analyzer: Analyzer, fallbackTokens: FallbackTokens? = nil,
                                presentWhere exists: (Token.Stream, String) -> Bool) throws(ICUError) -> [Concept] {
        var kept: [Bool] = Array(repeating: false, count: concepts.count)
        // Members that need the bigram test: (concept, member).
        var pending: [(Int, Int)] = []
        for (index, concept) in concepts.enumerated() {
            var waiting: [(Int, Int)] = []
            for (m, member) in concept.members.enumerated() {
                let present = member.key.terms.indices.allSatisfy { i in
                    exists(.word, member.key.terms[i])
                        || (i < member.stems.terms.count && member.stems.terms[i] != member.key.terms[i]
                            && (exists(.stem, member.stems.terms[i]) || exists(.word, member.stems.terms[i])))
                }
                if present { kept[index] = true; break }
                if needsBigramTest(member) { waiting.append((index, m)) }
            }
            if !kept[index] { pending += waiting }
        }
        let tokens: [ArraySlice<BigramTestTerms.Term>]
        if let fallbackTokens {
            tokens = pending.map { fallbackTokens.terms(concept: $0.0, member: $0.1) }
        } else {
            tokens = try BatchAnalysis.tokens(of: pending.map { concepts[$0.0].members[$0.1].text }, using: analyzer).map {
                ArraySlice($0.filter(isBigramTestToken).map { BigramTestTerms.Term(stream: $0.stream, term: $0.term) })
            }
        }
        for ((index, _), memberTokens) in zip(pending, tokens) where !kept[index] {
            guard memberTokens.contains(where: { $0.stream == .bigram }) else { continue }
            if memberTokens.allSatisfy({ exists($0.stream, $0.term) }) { kept[index] = true }
        }
        return concepts.indices.filter { kept[$0] }.map { concepts[$0] }
    }

    /// Whether a member that is not indexed word for word may still occur as bigrams (it has Japanese).
    static func needsBigramTest(_ member: ConceptMember) -> Bool {
        member.kind != .english && member.kind != .abbreviation && member.kind != .other
    }

    /// The tokens the bigram test checks: bigrams and Latin words.
    static func isBigramTestToken(_ token: Token) -> Bool {
        token.stream == .bigram || (token.stream == .word && (token.script == .latin || token.script == .number))
    }
}
