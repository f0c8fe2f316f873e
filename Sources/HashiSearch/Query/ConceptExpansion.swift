import HashiAnalysis
import HashiConcepts

/// What concept search knows beyond the query: the index's concept map and its katakana
/// vocabulary (for loanwords no dictionary lists).
public struct ConceptContext: Sendable {
    /// The index's concepts (dictionaries and mined pairs).
    public var map: ConceptMap
    /// Gives the katakana words of the index (word-stream terms) by sound, for query-time loanword
    /// matching; called only when a query has English words to sound out.
    private let loanwordSource: @Sendable () throws(ICUError) -> LoanwordIndex

    /// What expansion derived from `map` and the loanwords in earlier queries (nil: nothing is kept).
    public var cache: ConceptPlanCache?

    /// The smallest phonetic similarity for a query-time loanword match.
    public static let minimumLoanwordSimilarity = 0.8

    /// Creates a context; `cache`, when given, must only ever be used with this map and vocabulary.
    public init(map: ConceptMap, loanwords: LoanwordIndex, cache: ConceptPlanCache? = nil) {
        self.init(map: map, loanwords: { () throws(ICUError) in loanwords }, cache: cache)
    }

    /// Creates a context whose loanword index `loanwords` gives when first needed (spelling out an
    /// index's katakana words takes a while: a query without English words should not wait for
    /// it). `loanwords` is called again for each query that needs it, so it should keep what it made.
    public init(map: ConceptMap, loanwords: @escaping @Sendable () throws(ICUError) -> LoanwordIndex,
                cache: ConceptPlanCache? = nil) {
        self.map = map
        loanwordSource = loanwords
        self.cache = cache
    }

    /// The katakana words of the index by sound.
    /// - Throws: ``ICUError`` when ICU fails to spell them out.
    public func loanwords() throws(ICUError) -> LoanwordIndex { try loanwordSource() }
}

/// Rewrites a plan's clauses in concept mode: a run of query words that is a member of a concept
/// becomes one concept clause whose atoms are what the user wrote and every other member; a run of
/// English words that sounds like a katakana word of the corpus gets that word as a member too; each
/// alternative of `a OR b` brings its own members.
struct ConceptExpander {
    let analyzer: Analyzer
    let context: ConceptContext
    /// Plans one member's text (as a phrase).
    let planMember: (String) throws(QueryError) -> PlannedAtom?

    func expand(_ clauses: [PlannedClause]) throws(QueryError) -> [PlannedClause] {
        // Clauses that may take part: positive, one atom, not a prefix.
        func eligible(_ clause: PlannedClause) -> Bool {
            !clause.isNegated && clause.atoms.count == 1 && clause.atoms[0].prefix == nil
        }
        var terms: [String] = []
        var owner: [Int] = []   // terms[k] belongs to clause owner[k]
        var firstTerm: [Int: Int] = [:]
        for (c, clause) in clauses.enumerated() where eligible(clause) {
            let words = try self.words(of: clause.atoms[0].text)
            // Clauses are only joined when adjacent in the query.
            if let last = owner.last, last != c - 1 { terms.append("\u{0}"); owner.append(-1) }
            firstTerm[c] = terms.count
            for word in words {
                terms.append(word)
                owner.append(c)
            }
        }
        var replacement: [Int: PlannedClause] = [:]   // first clause of a run → its concept clause
        var consumed: Set<Int> = []
        for occurrence in context.map.occurrences(in: terms) {
            let range = occurrence.range
            guard range.lowerBound < owner.count, range.upperBound <= owner.count else { continue }
            let first = owner[range.lowerBound], last = owner[range.upperBound - 1]
            guard first >= 0, last >= 0, firstTerm[first] == range.lowerBound,
                  range.upperBound == owner.count || owner[range.upperBound] != last,
                  (first...last).allSatisfy({ !consumed.contains($0) }) else { continue }
            let originals = clauses[first...last].map { $0.atoms[0] }
            // The query's own term names the concept: it is what the user asked about.
            let name = originals.map(\.text).joined(separator: " ")
            let english = originals.count <= 3 && originals.allSatisfy(isEnglish)
            let members = try memberAtoms(key: occurrence.key, soundingLike: english ? name : nil, name: name)
            guard !members.isEmpty else { continue }
            var own = combined(originals)
            own.concept = name
            replacement[first] = PlannedClause(atoms: [own] + members, isNegated: false, isConcept: true)
            for c in first...last { consumed.insert(c) }
        }
        // Loanwords: English words of the query that sound like a katakana word of the corpus.
        var c = 0
        while c < clauses.count {
            guard eligible(clauses[c]), !consumed.contains(c), isEnglish(clauses[c].atoms[0]) else { c += 1; continue }
            var matched = false
            for length in stride(from: 3, through: 1, by: -1) {
                let run = Array(c..<min(c + length, clauses.count))
                guard run.count == length, run.allSatisfy({ eligible(clauses[$0]) && !consumed.contains($0) && isEnglish(clauses[$0].atoms[0]) })
                else { continue }
                let phrase = run.map { clauses[$0].atoms[0].text }.joined(separator: " ")
                let members = try memberAtoms(key: nil, soundingLike: phrase, name: phrase)
                guard !members.isEmpty else { continue }
                var own = combined(run.map { clauses[$0].atoms[0] })
                own.concept = members[0].concept
                replacement[c] = PlannedClause(atoms: [own] + members, isNegated: false, isConcept: true)
                for k in run { consumed.insert(k) }
                c += length
                matched = true
                break
            }
            if !matched { c += 1 }
        }
        // Alternatives (`a OR b`): each alternative that is a concept member brings its members in.
        for (c, clause) in clauses.enumerated() where !clause.isNegated && clause.atoms.count > 1
            && clause.atoms.allSatisfy({ $0.prefix == nil }) && !consumed.contains(c) {
            var atoms: [PlannedAtom] = []
            for (k, original) in clause.atoms.enumerated() {
                var own = original
                own.alternative = k
                atoms.append(own)
                let words = try self.words(of: original.text)
                var key: ConceptKey? = nil
                if !words.isEmpty, let occurrence = context.map.occurrences(in: words).first, occurrence.range == 0..<words.count {
                    key = occurrence.key
                }
                let english = words.count <= 3 && isEnglish(original)
                for var member in try memberAtoms(key: key, soundingLike: english ? original.text : nil, name: original.text) {
                    member.alternative = k
                    atoms.append(member)
                }
            }
            if atoms.count > clause.atoms.count {
                replacement[c] = PlannedClause(atoms: atoms, isNegated: false, isConcept: true)
            }
        }
        var result: [PlannedClause] = []
        for (k, clause) in clauses.enumerated() {
            if let concept = replacement[k] {
                result.append(concept)
            } else if !consumed.contains(k) {
                result.append(clause)
            }
        }
        return result
    }

    /// The member atoms a query term brings in, each text once with its best link (most trusted tier,
    /// then highest weight):
    /// - the expansions of `key` (the concepts the term triggers; no transitive closure);
    /// - for English, the corpus' katakana words that sound like `phrase`, and their concepts
    ///   (`due diligence` sounds like デューデリジェンス, which the corpus glosses as 相当の注意義務),
    ///   also when the phrase is itself a member of a concept (a background dictionary's, say).
    private func memberAtoms(key: ConceptKey?, soundingLike phrase: String?, name: String) throws(QueryError) -> [PlannedAtom] {
        guard let cache = context.cache else { return try findMemberAtoms(key: key, soundingLike: phrase, name: name) }
        return try cache.members.value(for: MemberRequest(key: key, phrase: phrase, name: name)) { () throws(QueryError) in
            try findMemberAtoms(key: key, soundingLike: phrase, name: name)
        }
    }

    /// ``memberAtoms(key:soundingLike:name:)``, worked out.
    private func findMemberAtoms(key: ConceptKey?, soundingLike phrase: String?, name: String) throws(QueryError) -> [PlannedAtom] {
        var atoms: [PlannedAtom] = []
        var byText: [String: Int] = [:]
        func add(_ text: String, weight: Double, tier: ConceptSource.Tier, origin: String, concept: String,
                 wholeWord: Bool = false) throws(QueryError) {
            if let k = byText[text] {
                let old = atoms[k]
                guard tier < old.tier || (tier == old.tier && weight > old.weight) else { return }
            }
            guard var atom = try plannedMember(text) else { return }
            if wholeWord { atom = Self.asWholeWords(atom) }
            atom.weight = weight
            atom.tier = tier
            atom.origin = origin
            atom.concept = concept
            atom.isExpansion = true
            if let k = byText[text] { atoms[k] = atom } else { byText[text] = atoms.count; atoms.append(atom) }
        }
        if let key {
            let expansions = context.cache?.expansions.value(for: key) { context.map.expansions(of: key) }
                ?? context.map.expansions(of: key)
            for expansion in expansions {
                try add(expansion.text, weight: expansion.confidence, tier: expansion.tier, origin: Self.describe(expansion), concept: name,
                        wholeWord: Self.isKatakanaAbbreviation(expansion))
            }
        }
        if let phrase {
            let candidates = try soundAlikes(of: phrase)
            if let best = candidates.first {
                let concept = key == nil ? best.text : name
                for candidate in candidates.prefix(3) where candidate.similarity >= best.similarity - 0.02 {
                    let loanword = try self.key(of: candidate.text)
                    // A loanword the corpus or a dictionary gives another, better-sounding source is that source's.
                    if try isAnotherSourcesLoanword(candidate.text, similarity: candidate.similarity, key: loanword, than: phrase) { continue }
                    if try hasPartOfAnotherSource(candidate, phrase: phrase) { continue }
                    // A word of the corpus's word stream; two kana are matched as that word only, not
                    // wherever they occur (ルプ for loop, not inside every ヘルプ).
                    try add(candidate.text, weight: candidate.confidence, tier: .mined,
                            origin: String(format: "sounds like %@ (similarity %.2f)", phrase, candidate.similarity), concept: concept,
                            wholeWord: candidate.text.unicodeScalars.count < Self.shortestSubstringLoanword)
                    // The loanword's own concepts (e.g. the kanji term the corpus glosses it with)
                    // come along, at the product of the two confidences.
                    let expansions = context.cache?.expansions.value(for: loanword) { context.map.expansions(of: loanword) }
                        ?? context.map.expansions(of: loanword)
                    for expansion in expansions where expansion.key != key {
                        try add(expansion.text, weight: candidate.confidence * expansion.confidence, tier: max(.mined, expansion.tier),
                                origin: "via \(candidate.text), " + Self.describe(expansion), concept: concept)
                    }
                }
            }
        }
        return atoms
    }

    /// How much more another English source of a sound-alike must sound like it than the query
    /// does for the loanword to be that source's (see ``isAnotherSourcesLoanword(_:similarity:key:than:)``).
    static let otherSourceMargin = 0.05

    /// Whether `katakana`, a sound-alike of `phrase` with `similarity`, is another English word's
    /// loanword: its concepts (whatever their roles) name an English word that sounds clearly more
    /// like it, and none that is `phrase` in some form. `strong` sounds like ストリング, but the corpus
    /// or a dictionary says ストリング is `string`, which sounds more like it; `timezone` keeps
    /// タイムゾーン, whose concept says `time zone`.
    private func isAnotherSourcesLoanword(_ katakana: String, similarity: Double, key: ConceptKey,
                                          than phrase: String) throws(QueryError) -> Bool {
        let english = context.map.memberships(ofKey: key).flatMap(\.members).filter { $0.kind == .english }
        guard !english.contains(where: { Self.isSameEnglish($0.text, phrase) }) else { return false }
        let loanwords = try loanwords()
        return english.contains { member in
            (loanwords.similarity(ofKatakana: katakana, toEnglish: member.text) ?? 0) >= similarity + Self.otherSourceMargin
        }
    }

    /// Whether `candidate`, sounding like the words of `phrase`, starts (ends) with a katakana word
    /// of the corpus that is another English word's loanword than the phrase's first (last) word by
    /// ``isAnotherSourcesLoanword(_:similarity:key:than:)``: スレッドライブラリ sounds like `shared library`, but
    /// its スレッド is `thread`'s. As mining composes phrases (``PhoneticKey/pairs(in:)``).
    private func hasPartOfAnotherSource(_ candidate: PhoneticMatch, phrase: String) throws(QueryError) -> Bool {
        let words = phrase.split(separator: " ").map(String.init)
        guard words.count >= 2, let first = words.first, let last = words.last else { return false }
        let loanwords = try loanwords()
        for (word, fromStart) in [(first, true), (last, false)] {
            guard let part = loanwords.longestIndexedPart(of: candidate.text, fromStart: fromStart),
                  let similarity = loanwords.similarity(ofKatakana: part, toEnglish: word) else { continue }
            if try isAnotherSourcesLoanword(part, similarity: similarity, key: key(of: part), than: word) { return true }
        }
        return false
    }

    /// Whether two English words or phrases are one in different forms: equal without case, spaces
    /// and hyphens (`time zone`, `timezone`), or word by word with the same stems (`links`, `link`).
    static func isSameEnglish(_ a: String, _ b: String) -> Bool {
        func squeezed(_ text: String) -> String {
            String(text.lowercased().unicodeScalars.filter { $0 != " " && $0 != "-" })
        }
        if squeezed(a) == squeezed(b) { return true }
        let wordsA = a.lowercased().split(whereSeparator: { $0 == " " || $0 == "-" })
        let wordsB = b.lowercased().split(whereSeparator: { $0 == " " || $0 == "-" })
        guard wordsA.count == wordsB.count else { return false }
        let stemmer = Porter2Stemmer()
        return zip(wordsA, wordsB).allSatisfy { stemmer.stem(String($0)) == stemmer.stem(String($1)) }
    }

    /// The fewest kana a sound-alike loanword needs to be matched wherever it occurs (inside longer
    /// katakana words too); shorter ones are matched as whole words.
    static let shortestSubstringLoanword = 3

    /// Whether `expansion` is a katakana abbreviation (`インター` for `インターナショナル`): such a
    /// short form is the start of many unrelated loanwords (インターネット, インターバル), so it is
    /// matched as a whole word, not wherever its characters occur.
    static func isKatakanaAbbreviation(_ expansion: ConceptExpansion) -> Bool {
        expansion.kind == .katakana && expansion.member.form?.abbreviation == .other
    }

    /// `atom` matched by its words instead of its bigrams, when it is one run of Japanese text
    /// with a word-level plan; otherwise `atom` as it is.
    static func asWholeWords(_ atom: PlannedAtom) -> PlannedAtom {
        guard atom.prefix == nil, atom.segments.count == 1, atom.boosts.count == 1 else { return atom }
        var whole = atom
        whole.segments = [[atom.boosts[0]]]
        whole.boosts = []
        return whole
    }

    /// A member's plan, from the cache when there is one (planning analyses the text with ICU).
    private func plannedMember(_ text: String) throws(QueryError) -> PlannedAtom? {
        guard let cache = context.cache else { return try planMember(text) }
        return try cache.memberPlans.value(for: text) { () throws(QueryError) in try planMember(text) }
    }

    /// The corpus' katakana words that sound like `phrase`, best first.
    private func soundAlikes(of phrase: String) throws(QueryError) -> [PhoneticMatch] {
        // As in mining: function and closed-class words are never a loanword's source (`those` is
        // not ソース).
        guard PhoneticKey.mayBeLoanwordSource(phrase) else { return [] }
        func find() throws(QueryError) -> [PhoneticMatch] {
            try loanwords().candidates(forEnglish: phrase, minimumSimilarity: ConceptContext.minimumLoanwordSimilarity)
        }
        guard let cache = context.cache else { return try find() }
        return try cache.soundAlikes.value(for: phrase) { () throws(QueryError) in try find() }
    }

    /// The index's loanwords (``ConceptContext/loanwords()``).
    private func loanwords() throws(QueryError) -> LoanwordIndex {
        do throws(ICUError) { return try context.loanwords() } catch { throw .analysisFailed(error.description) }
    }

    /// The normalized key of a katakana word.
    private func key(of text: String) throws(QueryError) -> ConceptKey {
        func make() throws(QueryError) -> ConceptKey {
            do throws(ICUError) { return try ConceptKey(normalizing: text, using: analyzer) } catch {
                throw .analysisFailed(error.description)
            }
        }
        guard let cache = context.cache else { return try make() }
        return try cache.keys.value(for: text) { () throws(QueryError) in try make() }
    }

    private func words(of text: String) throws(QueryError) -> [String] {
        do { return try analyzer.tokens(of: text).filter { $0.stream == .word }.map(\.term) } catch {
            throw .analysisFailed(error.description)
        }
    }

    /// One atom for several adjacent query words: all of their segments must match.
    private func combined(_ atoms: [PlannedAtom]) -> PlannedAtom {
        guard atoms.count > 1 else { return atoms[0] }
        return PlannedAtom(text: atoms.map(\.text).joined(separator: " "), segments: atoms.flatMap(\.segments),
                           boosts: atoms.flatMap(\.boosts), prefix: nil)
    }

    private func isEnglish(_ atom: PlannedAtom) -> Bool {
        atom.text.unicodeScalars.allSatisfy { $0.isASCII } && atom.text.unicodeScalars.contains { $0.properties.isAlphabetic }
    }

    /// `--explain`'s account of an expansion: its source, and its form when the source types it.
    static func describe(_ expansion: ConceptExpansion) -> String {
        let form = expansion.member.form.map { ", \($0)" } ?? ""
        let link = expansion.tier != expansion.member.source.tier ? ", linked by a \(expansion.tier) source" : ""
        return expansion.member.source.label + form + link
    }
}
