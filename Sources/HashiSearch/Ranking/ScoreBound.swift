import HashiIndex

/// An upper bound of ``Scoring/score(at:explanation:)`` at a passage where the match tree stands,
/// computed without verifying positions, for dynamic pruning: once the top-k pool is full, a
/// passage whose bound cannot beat the pool's worst is counted but neither scored nor ranked.
///
/// It mirrors the scoring: every atom standing on the passage (a superset of those that match)
/// counts; a sequence's occurrences are bounded by its postings' frequencies
/// (``SequenceNode/frequencyBound``); a pseudo-term's inverse document frequency by that of its
/// rarest standing sequence; its length normalization by the most favourable of the standing
/// sequences' fields. BM25 grows with the occurrences and the inverse document frequency, so each
/// part is at least the score's.
struct ScoreBound {
    let bm25: BM25
    let matcher: SegmentMatcher
    /// Whether a bound can be computed: not for prefix atoms, nor for BM25 parameters outside
    /// their range (where the score need not grow with the occurrences); then every passage is
    /// scored.
    let isAvailable: Bool

    /// Relative slack added to the bound, so that rounding in a different order of additions never
    /// makes it smaller than the exact score.
    static let slack = 1e-9

    init(bm25: BM25, matcher: SegmentMatcher) {
        self.bm25 = bm25
        self.matcher = matcher
        let parameters = bm25.parameters
        isAvailable = parameters.k1 >= 0 && parameters.b >= 0 && parameters.b <= 1
            && !matcher.positive.contains { clause in clause.atoms.contains { !$0.prefixTerms.isEmpty } }
    }

    /// At least the score at `passage` (on which the matcher's root stands).
    func upperBound(at passage: UInt32) -> Double {
        guard isAvailable else { return .infinity }
        var total = 0.0
        for clause in matcher.positive {
            total += clause.clause.isConcept ? conceptBound(clause, at: passage) : keywordBound(clause, at: passage)
        }
        return total * (1 + Self.slack) + Double.ulpOfOne
    }

    /// Occurrences, rarest document frequency and fields (bit per field) of one pseudo-term.
    private struct Accumulator {
        var frequency = 0.0
        var documentFrequency = Int.max
        var fields: UInt32 = 0

        mutating func add(documentFrequency df: Int, field: UInt8) {
            documentFrequency = min(documentFrequency, df)
            fields |= 1 << UInt32(field & 31)
        }
    }

    private func conceptBound(_ clause: SegmentMatcher.ClauseNodes, at passage: UInt32) -> Double {
        let count = clause.alternativeCount
        return withUnsafeTemporaryAllocation(of: Accumulator.self, capacity: count) { terms -> Double in
            terms.initialize(repeating: Accumulator())
            var total = 0.0
            clause.forEachStandingAtom(at: passage) { atom in
                var term = terms[atom.atom.alternative]
                var occurrences = Double.infinity
                for (k, sequences) in atom.segments.enumerated() {
                    var segment = 0.0
                    for j in sequences.indices where sequences[j].passage == passage {
                        segment += Double(sequences[j].frequencyBound)
                        term.add(documentFrequency: atom.segmentFrequencies[k][j], field: atom.segmentLengthFields[k][j])
                    }
                    occurrences = min(occurrences, segment)
                }
                if occurrences.isFinite { term.frequency += occurrences * atom.atom.weight }
                terms[atom.atom.alternative] = term
                if !atom.atom.isExpansion { total += boostBound(atom, at: passage) }
            }
            for alternative in 0..<count {
                total += bound(terms[alternative], at: passage)
            }
            terms.deinitialize()
            return total
        }
    }

    private func keywordBound(_ clause: SegmentMatcher.ClauseNodes, at passage: UInt32) -> Double {
        var total = 0.0
        clause.forEachStandingAtom(at: passage) { atom in
            for (k, sequences) in atom.segments.enumerated() {
                var term = Accumulator()
                for j in sequences.indices where sequences[j].passage == passage {
                    term.frequency += Double(sequences[j].frequencyBound)
                    term.add(documentFrequency: atom.segmentFrequencies[k][j], field: atom.segmentLengthFields[k][j])
                }
                total += bound(term, at: passage)
            }
            total += boostBound(atom, at: passage)
        }
        return total
    }

    /// The whole-word boosts of `atom` that stand on `passage` (advanced there, as scoring does).
    private func boostBound(_ atom: SegmentMatcher.AtomNodes, at passage: UInt32) -> Double {
        var total = 0.0
        for k in atom.boosts.indices where atom.boosts[k].advance(to: passage) == passage {
            var term = Accumulator()
            term.frequency = Double(atom.boosts[k].frequencyBound)
            term.add(documentFrequency: atom.boostFrequencies[k], field: atom.boostLengthFields[k])
            total += bound(term, at: passage)
        }
        return total
    }

    /// BM25 of the accumulated pseudo-term, with the shortest normalization over its fields.
    private func bound(_ term: Accumulator, at passage: UInt32) -> Double {
        guard term.frequency > 0, term.fields != 0 else { return 0 }
        var best = 0.0
        var fields = term.fields
        while fields != 0 {
            let field = UInt8(fields.trailingZeroBitCount)
            fields &= fields - 1
            let length = Double(matcher.reader.fieldLength(field: field, passage: passage))
            best = max(best, bm25.score(frequency: term.frequency, documentFrequency: term.documentFrequency,
                                        length: length, field: field))
        }
        return best
    }
}
