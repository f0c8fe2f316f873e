import HashiAnalysis
import HashiConcepts

/// What concept search knows beyond the query: the index's concept map and its katakana
/// vocabulary (for loanwords no dictionary lists).
public struct ConceptContext: Sendable {
    /// The index's concepts (dictionaries and mined pairs).
    public var map: ConceptMap
    /// The katakana words of the index (word-stream terms) by sound, for query-time loanword matching.
    public var loanwords: LoanwordIndex

    /// The smallest phonetic similarity for a query-time loanword match.
    public static let minimumLoanwordSimilarity = 0.8

    /// Creates a context.
    public init(map: ConceptMap, loanwords: LoanwordIndex) {
        self.map = map
        self.loanwords = loanwords
    }
}

/// Rewrites a plan's clauses in concept mode: a run of query words that is a member of a concept
/// becomes one concept clause whose atoms are what the user wrote and every other member; a run of
/// English words that sounds like a katakana word of the corpus gets that word as a member too.
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
            let words: [Token]
            do { words = try analyzer.tokens(of: clause.atoms[0].text).filter { $0.stream == .word } } catch {
                throw .analysisFailed(error.description)
            }
            // Clauses are only joined when adjacent in the query.
            if let last = owner.last, last != c - 1 { terms.append("\u{0}"); owner.append(-1) }
            firstTerm[c] = terms.count
            for word in words {
                terms.append(word.term)
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
            let expansions = context.map.expansions(of: occurrence.key)
            guard !expansions.isEmpty else { continue }
            // The query's own term names the concept: it is what the user asked about.
            let name = clauses[first...last].map { $0.atoms[0].text }.joined(separator: " ")
            var atoms = [combined(clauses[first...last].map { $0.atoms[0] })]
            for expansion in expansions {
                guard var atom = try planMember(expansion.text) else { continue }
                atom.weight = expansion.confidence
                atom.concept = name
                atom.tier = expansion.tier
                atom.origin = Self.describe(expansion)
                atoms.append(atom)
            }
            atoms[0].concept = name
            replacement[first] = PlannedClause(atoms: atoms, isNegated: false, isConcept: true)
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
                let candidates = context.loanwords.candidates(forEnglish: phrase,
                                                              minimumSimilarity: ConceptContext.minimumLoanwordSimilarity)
                guard let best = candidates.first else { continue }
                var atoms = [combined(run.map { clauses[$0].atoms[0] })]
                for candidate in candidates.prefix(3) where candidate.similarity >= best.similarity - 0.02 {
                    guard var atom = try planMember(candidate.text) else { continue }
                    atom.weight = candidate.confidence
                    atom.tier = .mined
                    atom.concept = best.text
                    atom.origin = String(format: "sounds like %@ (similarity %.2f)", phrase, candidate.similarity)
                    atoms.append(atom)
                    // The loanword's own concepts (e.g. the kanji term the corpus glosses it with)
                    // come along, at the product of the two confidences.
                    let key: ConceptKey
                    do { key = try ConceptKey(normalizing: candidate.text, using: analyzer) } catch {
                        throw .analysisFailed(error.description)
                    }
                    for expansion in context.map.expansions(of: key) {
                        guard var member = try planMember(expansion.text) else { continue }
                        member.weight = candidate.confidence * expansion.confidence
                        member.concept = best.text
                        member.tier = max(.mined, expansion.tier)
                        member.origin = "via \(candidate.text), " + Self.describe(expansion)
                        atoms.append(member)
                    }
                }
                atoms[0].concept = best.text
                replacement[c] = PlannedClause(atoms: atoms, isNegated: false, isConcept: true)
                for k in run { consumed.insert(k) }
                c += length
                matched = true
                break
            }
            if !matched { c += 1 }
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
