import Foundation
import HashiConcepts
import HashiIndex

/// Scores one passage on which a segment matcher's root stands.
///
/// Each clause scores the atoms that matched; an atom scores each segment as one pseudo-term
/// (occurrences summed over its alternatives, document frequency of the commonest, as Lucene's
/// SynonymQuery does) plus its boosts that match (Japanese text matched as whole words).
struct Scoring {
    let bm25: BM25
    let matcher: SegmentMatcher

    func score(at passage: UInt32, explanation: inout [String]?) -> Double {
        var total = 0.0
        for clause in matcher.positive {
            if clause.clause.isConcept {
                total += conceptScore(clause, at: passage, explanation: &explanation)
                continue
            }
            clause.forEachMatchingAtom(at: passage) { atom in
                total += score(atom, at: passage, explanation: &explanation)
            }
        }
        return total
    }

    /// The passage's ranking group (see ``ConceptSource/Tier/rankingGroup``): 0 when every concept
    /// clause matched through what the user wrote or a curated or mined member; otherwise the worst
    /// over the concept clauses of the best group of the members that matched there, so a passage
    /// found only through a background dictionary ranks after every direct match.
    func rankingGroup(at passage: UInt32) -> UInt8 {
        var group = 0
        for clause in matcher.positive where clause.clause.isConcept {
            var best = Int.max
            clause.forEachMatchingAtom(at: passage) { atom in
                best = min(best, atom.atom.tier.rankingGroup)
            }
            if best != Int.max { group = max(group, best) }
        }
        return UInt8(group)
    }

    /// A concept clause as one pseudo-term per alternative the user wrote (one, unless the clause
    /// is `a OR b`): occurrences of every matching member summed (each weighted by its confidence),
    /// the document frequency of the alternative's commonest member (matched here or not: see
    /// ``SegmentMatcher/ClauseNodes/alternativeFrequencies``), the length of the first matching member's field;
    /// plus the whole-word boosts of what the user wrote. The alternatives' scores add up.
    private func conceptScore(_ clause: SegmentMatcher.ClauseNodes, at passage: UInt32, explanation: inout [String]?) -> Double {
        /// Numbers only, so that it lives on the stack: this runs for every matching passage.
        struct PseudoTerm {
            var frequency = 0.0
            var documentFrequency = 0
            var field: UInt8 = 0
            var hasField = false
        }
        let count = clause.alternativeCount
        // What the explanation names, per alternative (only when asked for).
        var names: [[String]] = explanation != nil ? Array(repeating: [], count: count) : []
        var concepts: [String?] = explanation != nil ? Array(repeating: nil, count: count) : []
        return withUnsafeTemporaryAllocation(of: PseudoTerm.self, capacity: count) { terms -> Double in
            terms.initialize(repeating: PseudoTerm())
            var boosts = 0.0
            clause.forEachMatchingAtom(at: passage) { atom in
                let alternative = atom.atom.alternative
                var term = terms[alternative]
                // An atom of several words (all must match) occurs as often as its rarest word.
                var occurrences = Double.infinity
                for (k, sequences) in atom.segments.enumerated() {
                    var segment = 0.0
                    for j in sequences.indices where sequences[j].matches(at: passage) {
                        segment += Double(sequences[j].frequency)
                        term.documentFrequency = max(term.documentFrequency, atom.segmentFrequencies[k][j])
                        if !term.hasField {
                            term.field = atom.segmentLengthFields[k][j]
                            term.hasField = true
                        }
                    }
                    occurrences = min(occurrences, segment)
                }
                if occurrences.isFinite { term.frequency += occurrences * atom.atom.weight }
                if explanation != nil {
                    let origin = atom.atom.origin.map { ", \($0)" } ?? ""
                    names[alternative].append(String(format: "%@ (weight %.2f%@)", atom.atom.text, atom.atom.weight, origin))
                    concepts[alternative] = concepts[alternative] ?? atom.atom.concept
                }
                terms[alternative] = term
                // Only what the user wrote earns the whole-word bonus: members count inside the
                // pseudo-term alone, so saying a concept in two languages does not outscore saying the
                // query's term as often.
                if !atom.atom.isExpansion { boosts += boostScore(atom, at: passage, explanation: &explanation) }
            }
            var total = boosts
            for alternative in 0..<count {
                var term = terms[alternative]
                guard term.hasField, term.frequency > 0 else { continue }
                if clause.alternativeFrequencies[alternative] > 0 { term.documentFrequency = clause.alternativeFrequencies[alternative] }
                let field = term.field
                let length = Double(matcher.reader.fieldLength(field: field, passage: passage))
                let s = bm25.score(frequency: term.frequency, documentFrequency: term.documentFrequency, length: length, field: field)
                if explanation != nil {
                    explanation?.append(line(s, "concept \(concepts[alternative] ?? "?") as one term, matched by "
                                                + names[alternative].joined(separator: " + "),
                                             term.frequency, term.documentFrequency, length))
                }
                total += s
            }
            terms.deinitialize()
            return total
        }
    }

    private func score(_ atom: SegmentMatcher.AtomNodes, at passage: UInt32, explanation: inout [String]?) -> Double {
        var total = 0.0
        if !atom.prefixTerms.isEmpty {
            let matched = atom.prefixTerms.filter { $0.passage == passage }
            let frequency = Double(matched.reduce(0) { $0 + $1.frequency })
            let documentFrequency = matched.map(\.cost).max() ?? 1
            let length = Double(matcher.reader.fieldLength(field: QueryPlanner.Field.word, passage: passage))
            let s = bm25.score(frequency: frequency, documentFrequency: documentFrequency, length: length,
                               field: QueryPlanner.Field.word)
            explanation?.append(line(s, "prefix \(atom.atom.text)*", frequency, documentFrequency, length))
            return s
        }
        for (k, sequences) in atom.segments.enumerated() {
            var frequency = 0.0
            var documentFrequency = 0
            var field = QueryPlanner.Field.word
            for j in sequences.indices where sequences[j].matches(at: passage) {
                frequency += Double(sequences[j].frequency)
                documentFrequency = max(documentFrequency, atom.segmentFrequencies[k][j])
                field = atom.segmentLengthFields[k][j]
            }
            guard frequency > 0 else { continue }
            let length = Double(matcher.reader.fieldLength(field: field, passage: passage))
            let s = bm25.score(frequency: frequency, documentFrequency: documentFrequency, length: length, field: field)
            if explanation != nil {
                let labels = sequences.indices.filter { sequences[$0].matches(at: passage) }.map { atom.atom.segments[k][$0].label }
                explanation?.append(line(s, labels.joined(separator: " | "), frequency, documentFrequency, length))
            }
            total += s
        }
        return total + boostScore(atom, at: passage, explanation: &explanation)
    }

    /// The whole-word boosts of `atom` that match at `passage`.
    private func boostScore(_ atom: SegmentMatcher.AtomNodes, at passage: UInt32, explanation: inout [String]?) -> Double {
        var total = 0.0
        for k in atom.boosts.indices where atom.boosts[k].advance(to: passage) == passage && atom.boosts[k].matches() {
            let boost = atom.boosts[k]
            let field = atom.boostLengthFields[k]
            let length = Double(matcher.reader.fieldLength(field: field, passage: passage))
            let s = bm25.score(frequency: Double(boost.frequency), documentFrequency: atom.boostFrequencies[k],
                               length: length, field: field)
            if explanation != nil {
                explanation?.append(line(s, atom.atom.boosts[k].label + " (whole words: ranks above a bigram-only match)",
                                         Double(boost.frequency), atom.boostFrequencies[k], length))
            }
            total += s
        }
        return total
    }

    private func line(_ score: Double, _ label: String, _ frequency: Double, _ documentFrequency: Int, _ length: Double) -> String {
        String(format: "%+.3f %@: tf %.0f, df %d, idf %.3f, passage length %.0f", score, label, frequency,
               documentFrequency, bm25.idf(documentFrequency), length)
    }
}

/// The proximity boost: query clauses whose matches stand close together in the word stream.
enum Proximity {
    /// `1 + weight × (k − 1) / span` for the smallest window (in word positions) holding a match of
    /// each of the k ≥ 2 clauses that have word positions; 1 when fewer than two have.
    static func boost(matcher: SegmentMatcher, passage: UInt32, weight: Double) -> Double {
        var lists: [[UInt32]] = []
        for clause in matcher.positive {
            var positions: [UInt32] = []
            for atom in clause.atoms where atom.node.matches(at: passage) {
                for (k, sequences) in atom.segments.enumerated() {
                    for (j, node) in sequences.enumerated() where node.matches(at: passage)
                        && atom.atom.segments[k][j].lengthField != QueryPlanner.Field.bigram {
                        positions += node.occurrenceStarts()
                    }
                }
                for boost in atom.boosts where boost.matches(at: passage) {
                    positions += boost.occurrenceStarts()
                }
            }
            if !positions.isEmpty { lists.append(positions.sorted()) }
        }
        guard lists.count >= 2 else { return 1 }
        let span = smallestWindow(lists)
        let k = Double(lists.count - 1)
        return 1 + weight * k / max(Double(span), k)
    }

    /// The width (max − min) of the smallest window holding one element of every sorted list.
    static func smallestWindow(_ lists: [[UInt32]]) -> UInt32 {
        var indices = [Int](repeating: 0, count: lists.count)
        var best = UInt32.max
        while true {
            var low = UInt32.max, high: UInt32 = 0, lowList = 0
            for (k, list) in lists.enumerated() {
                let value = list[indices[k]]
                if value < low { low = value; lowList = k }
                if value > high { high = value }
            }
            best = min(best, high - low)
            indices[lowList] += 1
            if indices[lowList] >= lists[lowList].count { return best }
        }
    }
}
