import HashiIndex

/// An upper bound of ``Scoring/score(at:explanation:)`` at a passage where the match tree stands,
/// computed without verifying positions, for dynamic pruning: once the top-k pool is full, a
/// passage whose bound cannot beat the pool's worst is counted but neither scored nor ranked.
///
/// It mirrors the scoring: every atom standing on the passage (a superset of those that match)
/// counts; a sequence's occurrences are bounded by its postings' frequencies
/// (``SequenceNode/frequencyBound``); a pseudo-term's inverse document frequency is a concept
/// alternative's own (``SegmentMatcher/ClauseNodes/alternativeFrequencies``), else bounded by that of
/// its rarest standing sequence; its length normalization by the most favourable of the standing
/// sequences' fields. BM25 grows with the occurrences and the inverse document frequency, so each
/// part is at least the score's.
///
/// What the walk needs is copied once per segment into flat tables (idfs computed, no arrays of
/// arrays, no reference counting in the loop), so a bound costs a fraction of a score.
final class ScoreBound {
    /// Whether a bound can be computed: not for prefix atoms, nor for BM25 parameters outside
    /// their range (where the score need not grow with the occurrences); then every passage is
    /// scored.
    let isAvailable: Bool

    /// Relative slack added to the bound, so that rounding (the bound's arithmetic is arranged
    /// differently from the score's) never makes it smaller than the exact score.
    static let slack = 1e-9

    /// A sequence with its inverse document frequency and length field.
    struct BoundSequence {
        let node: SequenceRef
        let idf: Double
        let field: UInt8
    }

    /// An atom: its segments (a range of `segmentStarts`) and boosts (a range of `boosts`).
    struct BoundAtom {
        let alternative: Int
        let weight: Double
        /// Whether the atom's whole-word boosts count (not for a concept clause's members).
        let countsBoosts: Bool
        let segmentStart: Int
        let segmentEnd: Int
        let boostStart: Int
        let boostEnd: Int
        /// The atom's node, to tell whether it stands on the passage (single-atom clauses).
        let node: NodeRef
    }

    /// A positive clause: its atoms are `atoms[firstAtom ..< firstAtom + atomCount]`.
    struct BoundClause {
        let isConcept: Bool
        let alternativeCount: Int
        let firstAtom: Int
        let atomCount: Int
        /// The union of the atoms (nil for one atom), not retained (the matcher owns it).
        let union: Unmanaged<UnionNode>?
    }

    /// Occurrences, highest inverse document frequency and fields (a bit each) of one pseudo-term.
    struct Accumulator {
        var frequency = 0.0
        var idf = -Double.infinity
        var fields: UInt32 = 0

        @inline(__always)
        mutating func add(_ sequence: BoundSequence) {
            idf = max(idf, sequence.idf)
            fields |= 1 << UInt32(sequence.field & 31)
        }
    }

    private let matcher: SegmentMatcher
    private let reader: SegmentReader
    private let clauses: FixedBuffer<BoundClause>
    private let atoms: FixedBuffer<BoundAtom>
    /// Segment `s` holds the sequences `segmentStarts[s] ..< segmentStarts[s + 1]`.
    private let segmentStarts: FixedBuffer<Int>
    private let sequences: FixedBuffer<BoundSequence>
    private let boosts: FixedBuffer<BoundSequence>
    /// Room for a clause's standing atoms and its alternatives' pseudo-terms.
    private let standing: UnsafeMutablePointer<Int>
    private let terms: UnsafeMutablePointer<Accumulator>
    /// BM25's parameters and average lengths (fields 0, 1, 2; others read from `bm25`).
    private let k1: Double
    private let b: Double
    private let averages: (Double, Double, Double)
    private let bm25: BM25

    init(bm25: BM25, matcher: SegmentMatcher) {
        self.bm25 = bm25
        self.matcher = matcher
        reader = matcher.reader
        k1 = bm25.parameters.k1
        b = bm25.parameters.b
        averages = (bm25.average(field: 0), bm25.average(field: 1), bm25.average(field: 2))
        isAvailable = k1 >= 0 && b >= 0 && b <= 1
            && !matcher.positive.contains { clause in clause.atoms.contains { !$0.prefixTerms.isEmpty } }
        var clauses: [BoundClause] = []
        var atoms: [BoundAtom] = []
        var segmentStarts: [Int] = []
        var sequences: [BoundSequence] = []
        var boosts: [BoundSequence] = []
        var maxAtoms = 1
        var maxAlternatives = 1
        for clause in matcher.positive {
            clauses.append(BoundClause(isConcept: clause.clause.isConcept, alternativeCount: clause.alternativeCount,
                                       firstAtom: atoms.count, atomCount: clause.atoms.count,
                                       union: clause.atomUnion.map { .passUnretained($0) }))
            maxAtoms = max(maxAtoms, clause.atoms.count)
            maxAlternatives = max(maxAlternatives, clause.alternativeCount)
            for atom in clause.atoms {
                let segmentStart = segmentStarts.count
                for (k, segment) in atom.segments.enumerated() {
                    segmentStarts.append(sequences.count)
                    // A concept pseudo-term is scored with its alternative's frequency whichever members match.
                    let conceptFrequency = clause.clause.isConcept ? clause.alternativeFrequencies[atom.atom.alternative] : 0
                    for (j, node) in segment.enumerated() {
                        let frequency = conceptFrequency > 0 ? conceptFrequency : atom.segmentFrequencies[k][j]
                        sequences.append(BoundSequence(node: SequenceRef(node), idf: bm25.idf(frequency),
                                                       field: atom.segmentLengthFields[k][j]))
                    }
                }
                let boostStart = boosts.count
                for (k, node) in atom.boosts.enumerated() {
                    boosts.append(BoundSequence(node: SequenceRef(node), idf: bm25.idf(atom.boostFrequencies[k]),
                                                field: atom.boostLengthFields[k]))
                }
                atoms.append(BoundAtom(alternative: atom.atom.alternative, weight: atom.atom.weight,
                                       countsBoosts: !clause.clause.isConcept || !atom.atom.isExpansion,
                                       segmentStart: segmentStart, segmentEnd: segmentStarts.count,
                                       boostStart: boostStart, boostEnd: boosts.count, node: NodeRef(atom.node)))
            }
        }
        segmentStarts.append(sequences.count)
        self.clauses = FixedBuffer(clauses)
        self.atoms = FixedBuffer(atoms)
        self.segmentStarts = FixedBuffer(segmentStarts)
        self.sequences = FixedBuffer(sequences)
        self.boosts = FixedBuffer(boosts)
        standing = .allocate(capacity: maxAtoms)
        terms = .allocate(capacity: maxAlternatives)
    }

    deinit {
        clauses.free()
        atoms.free()
        segmentStarts.free()
        sequences.free()
        boosts.free()
        standing.deallocate()
        terms.deallocate()
    }

    /// At least the score at `passage` (on which the matcher's root stands).
    func upperBound(at passage: UInt32) -> Double {
        guard isAvailable else { return .infinity }
        var lengths = PassageFieldLengths(reader: reader, passage: passage)
        var total = 0.0
        for c in 0..<clauses.count {
            let clause = clauses[c]
            let count: Int
            if let union = clause.union {
                count = union._withUnsafeGuaranteedRef { $0.standingChildren(into: standing) }
            } else {
                standing[0] = 0
                count = atoms[clause.firstAtom].node.node.passage == passage ? 1 : 0
            }
            if clause.isConcept {
                terms.initialize(repeating: Accumulator(), count: clause.alternativeCount)
                for s in 0..<count {
                    let atom = atoms[clause.firstAtom + standing[s]]
                    var term = terms[atom.alternative]
                    var occurrences = Double.infinity
                    for g in atom.segmentStart..<atom.segmentEnd {
                        var segment = 0.0
                        for q in segmentStarts[g]..<segmentStarts[g + 1] {
                            let sequence = sequences[q]
                            let node = sequence.node.node
                            guard node.passage == passage else { continue }
                            segment += Double(node.frequencyBound)
                            term.add(sequence)
                        }
                        occurrences = min(occurrences, segment)
                    }
                    if occurrences.isFinite { term.frequency += occurrences * atom.weight }
                    terms[atom.alternative] = term
                    if atom.countsBoosts { total += boostBound(atom, at: passage, lengths: &lengths) }
                }
                for alternative in 0..<clause.alternativeCount { total += bound(terms[alternative], lengths: &lengths) }
            } else {
                for s in 0..<count {
                    let atom = atoms[clause.firstAtom + standing[s]]
                    for g in atom.segmentStart..<atom.segmentEnd {
                        var term = Accumulator()
                        for q in segmentStarts[g]..<segmentStarts[g + 1] {
                            let sequence = sequences[q]
                            let node = sequence.node.node
                            guard node.passage == passage else { continue }
                            term.frequency += Double(node.frequencyBound)
                            term.add(sequence)
                        }
                        total += bound(term, lengths: &lengths)
                    }
                    total += boostBound(atom, at: passage, lengths: &lengths)
                }
            }
        }
        return total * (1 + Self.slack) + Double.ulpOfOne
    }

    /// The whole-word boosts of `atom` that stand on `passage` (advanced there, as scoring does).
    @inline(__always)
    private func boostBound(_ atom: BoundAtom, at passage: UInt32, lengths: inout PassageFieldLengths) -> Double {
        var total = 0.0
        for q in atom.boostStart..<atom.boostEnd {
            let boost = boosts[q]
            let node = boost.node.node
            guard node.advance(to: passage) == passage else { continue }
            var term = Accumulator()
            term.frequency = Double(node.frequencyBound)
            term.add(boost)
            total += bound(term, lengths: &lengths)
        }
        return total
    }

    /// BM25 of the accumulated pseudo-term, with the most favourable normalization over its fields
    /// (never below 0, which bounds a score with a negative idf).
    @inline(__always)
    private func bound(_ term: Accumulator, lengths: inout PassageFieldLengths) -> Double {
        guard term.frequency > 0, term.fields != 0, term.idf > 0 else { return 0 }
        var best = 0.0
        var fields = term.fields
        while fields != 0 {
            let field = UInt8(fields.trailingZeroBitCount)
            fields &= fields - 1
            let average: Double
            switch field {
            case 0: average = averages.0
            case 1: average = averages.1
            case 2: average = averages.2
            default: average = bm25.average(field: field)
            }
            let norm = k1 * (1 - b + b * lengths[field] / average)
            best = max(best, term.frequency * (k1 + 1) / (term.frequency + norm))
        }
        return term.idf * best
    }
}
