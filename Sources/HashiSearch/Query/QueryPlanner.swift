import HashiAnalysis
import HashiConcepts

/// How query terms are matched.
public enum SearchMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Words as written: English words match exactly (`signals` does not find `signal`), Japanese
    /// text matches where it occurs as written.
    case keyword
    /// Words and what they stand for: English words also match other forms of the same stem
    /// (`connections` finds `connected`); term–concept expansion plugs in here.
    case concept
}

/// Turns a parsed ``Query`` into a ``SearchPlan`` with the same analyzer as the documents.
///
/// - An English word is a word-field term (keyword mode); in concept mode its slot also accepts its
///   Porter2 stem (stem field) and the stem as a word.
/// - Japanese text is matched as a phrase of its character bigrams, per run of Japanese characters,
///   so it is found wherever it occurs as written (a lone character: its unigram or the word).
///   The same text as a phrase of its words is a boost: word-level matches rank above bigram-only ones.
/// - Several words in one atom (a quoted phrase, `well-known`) must stand together, in order.
public struct QueryPlanner {
    /// The field numbers, as the index stores them.
    public enum Field {
        /// Words.
        public static let word: UInt8 = 0
        /// Bigrams.
        public static let bigram: UInt8 = 1
        /// English stems.
        public static let stem: UInt8 = 2
    }

    private let analyzer: Analyzer
    private let mode: SearchMode
    private let concepts: ConceptContext?

    /// A planner that analyses with `analyzer` (one per thread). In concept mode, `concepts`
    /// expands query terms to the members of their concepts.
    public init(analyzer: Analyzer, mode: SearchMode, concepts: ConceptContext? = nil) {
        self.analyzer = analyzer
        self.mode = mode
        self.concepts = concepts
    }

    /// The plan of `query`.
    public func plan(_ query: Query) throws(QueryError) -> SearchPlan {
        var clauses: [PlannedClause] = []
        for clause in query.clauses {
            var atoms: [PlannedAtom] = []
            for atom in clause.alternatives {
                if let planned = try plan(atom) { atoms.append(planned) }
            }
            // An alternative with no searchable text (punctuation) is left out; a clause left with
            // none matches nothing rather than being dropped.
            clauses.append(PlannedClause(atoms: atoms, isNegated: clause.isNegated))
        }
        // Clauses made only of punctuation are not terms at all: drop them.
        clauses = clauses.filter { !$0.atoms.isEmpty }
        if mode == .concept, let concepts {
            let expander = ConceptExpander(analyzer: analyzer, context: concepts) { (text) throws(QueryError) in
                try self.plan(Query.Atom(text: text, isPhrase: true, isPrefix: false))
            }
            clauses = try expander.expand(clauses)
        }
        return SearchPlan(clauses: clauses)
    }

    private func plan(_ atom: Query.Atom) throws(QueryError) -> PlannedAtom? {
        let tokens: [Token]
        do { tokens = try analyzer.tokens(of: atom.text) } catch { throw .analysisFailed(error.description) }
        let words = tokens.filter { $0.stream == .word }
        let stems = Dictionary(tokens.filter { $0.stream == .stem }.map { ($0.position, $0.term) }, uniquingKeysWith: { a, _ in a })
        let bigrams = tokens.filter { $0.stream == .bigram }
        guard !words.isEmpty || !bigrams.isEmpty else { return nil }

        if atom.isPrefix && words.count == 1 {
            return PlannedAtom(text: atom.text, segments: [], boosts: [], prefix: Array(words[0].term.utf8))
        }

        // Japanese runs: overlapping bigrams belong to one run.
        var runs: [[Token]] = []
        for bigram in bigrams {
            if let last = runs.last?.last, bigram.start < last.end {
                runs[runs.count - 1].append(bigram)
            } else {
                runs.append([bigram])
            }
        }
        let isJapanese: (Token) -> Bool = { [.katakana, .hiragana, .han, .japanese].contains($0.script) }

        var segments: [[PlannedSequence]] = []
        var boosts: [PlannedSequence] = []
        for run in runs {
            let runRange = (run.first?.start ?? 0)..<(run.last?.end ?? 0)
            let runWords = words.filter { isJapanese($0) && $0.start >= runRange.lowerBound && $0.end <= runRange.upperBound }
            let runText = String(decoding: Array(atom.text.utf16)[runRange], as: UTF16.self)
            if run.count == 1 && run[0].term.unicodeScalars.count == 1 {
                // A lone character: its unigram (where the document has it alone) or the word.
                var alternatives = [PlannedTerm(field: Field.bigram, term: Array(run[0].term.utf8))]
                if let word = runWords.first, runWords.count == 1 {
                    alternatives.append(PlannedTerm(field: Field.word, term: Array(word.term.utf8)))
                }
                segments.append([PlannedSequence(slots: [PlannedSlot(offset: 0, alternatives: alternatives)],
                                                  lengthField: Field.bigram, label: "character \(runText)", display: run[0].term)])
                continue
            }
            // Every other bigram (and the last) covers every character; the index's gap between
            // runs keeps such a cover from bridging two runs, so the match stays exact with half
            // the postings to intersect.
            let chosen = Array(stride(from: 0, to: run.count, by: 2)) + (run.count % 2 == 0 ? [run.count - 1] : [])
            let slots = chosen.map { index in
                PlannedSlot(offset: index, alternatives: [PlannedTerm(field: Field.bigram, term: Array(run[index].term.utf8))])
            }
            let display = run.enumerated().map { $0.offset == 0 ? $0.element.term : String($0.element.term.unicodeScalars.dropFirst()) }.joined()
            segments.append([PlannedSequence(slots: slots, lengthField: Field.bigram, label: "bigram phrase \(runText)",
                                             display: display)])
            if !runWords.isEmpty {
                boosts.append(wordSequence(runWords, stems: [:], label: "word phrase"))
            }
        }
        let otherWords = words.filter { !isJapanese($0) }
        if !otherWords.isEmpty {
            // Non-Japanese words of one atom form one phrase (adjacent in the word stream).
            segments.append([wordSequence(otherWords, stems: mode == .concept ? stems : [:],
                                          label: otherWords.count == 1 ? "word" : "word phrase")])
        }
        return PlannedAtom(text: atom.text, segments: segments, boosts: boosts, prefix: nil)
    }

    /// A phrase of word tokens, with offsets from their positions; in concept mode a slot also
    /// accepts the word's stem (as a stem, and as a word).
    private func wordSequence(_ tokens: [Token], stems: [Int: String], label: String) -> PlannedSequence {
        let base = tokens.first?.position ?? 0
        let slots = tokens.map { token -> PlannedSlot in
            let word = PlannedTerm(field: Field.word, term: Array(token.term.utf8))
            guard mode == .concept && token.script == .latin else { return PlannedSlot(offset: token.position - base, alternatives: [word]) }
            let alternatives: [PlannedTerm]
            if let stem = stems[token.position], stem != token.term {
                // Every occurrence of the word carries this stem token at its position, so the stem
                // finds all of them: the word itself would only add a postings list to merge.
                alternatives = [PlannedTerm(field: Field.stem, term: Array(stem.utf8)), PlannedTerm(field: Field.word, term: Array(stem.utf8))]
            } else {
                alternatives = [word, PlannedTerm(field: Field.stem, term: word.term)]
            }
            return PlannedSlot(offset: token.position - base, alternatives: alternatives)
        }
        let text = tokens.map(\.term).joined(separator: " ")
        return PlannedSequence(slots: slots, lengthField: Field.word, label: "\(label) \(text)", display: text)
    }
}
