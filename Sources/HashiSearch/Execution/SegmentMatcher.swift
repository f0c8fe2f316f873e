import HashiIndex

/// The match tree of a plan over one segment, with what scoring needs.
final class SegmentMatcher {
    /// One atom's nodes.
    final class AtomNodes {
        let atom: PlannedAtom
        /// Decides whether the atom matches.
        let node: MatchNode
        /// Per segment of the atom: its sequences (any may match).
        let segments: [[SequenceNode]]
        /// Boost sequences, advanced lazily while scoring.
        let boosts: [SequenceNode]
        /// Prefix atoms: the expanded terms' nodes.
        let prefixTerms: [TermNode]
        /// Index-wide document frequencies of `segments`' sequences and of `boosts` (looked up once
        /// per query, not per passage).
        let segmentFrequencies: [[Int]]
        let boostFrequencies: [Int]
        /// The length field of each of `segments`' sequences and of `boosts`.
        let segmentLengthFields: [[UInt8]]
        let boostLengthFields: [UInt8]

        init(atom: PlannedAtom, node: MatchNode, segments: [[SequenceNode]], boosts: [SequenceNode],
             prefixTerms: [TermNode], statistics: Statistics) {
            self.atom = atom
            self.node = node
            self.segments = segments
            self.boosts = boosts
            self.prefixTerms = prefixTerms
            segmentFrequencies = atom.segments.map { $0.map(statistics.documentFrequency) }
            boostFrequencies = atom.boosts.map(statistics.documentFrequency)
            segmentLengthFields = atom.segments.map { $0.map(\.lengthField) }
            boostLengthFields = atom.boosts.map(\.lengthField)
        }
    }

    /// One clause's nodes.
    final class ClauseNodes {
        let clause: PlannedClause
        let atoms: [AtomNodes]
        let node: MatchNode
        /// The union of the atoms' nodes (nil for a single atom).
        private let union: UnionNode?
        /// How many alternatives (`a OR b`) the user wrote (atoms carry their alternative's index).
        let alternativeCount: Int
        /// Per alternative, the document frequency its pseudo-term is scored with: that of its
        /// commonest atom (an atom of several words counting as its rarest word), whichever members
        /// matched, as Lucene's SynonymQuery does, so a rare member does not outscore the term itself.
        let alternativeFrequencies: [Int]
        @exclusivity(unchecked) private var scratch: [Int] = []
        /// The passage whose matching atoms `scratch` holds.
        private var collectedPassage = exhausted

        init(clause: PlannedClause, atoms: [AtomNodes]) {
            self.clause = clause
            self.atoms = atoms
            union = atoms.count == 1 ? nil : UnionNode(atoms.map(\.node))
            node = union ?? atoms[0].node
            alternativeCount = (atoms.map(\.atom.alternative).max() ?? 0) + 1
            var frequencies = [Int](repeating: 0, count: alternativeCount)
            for atom in atoms {
                let rarestWord = atom.segmentFrequencies.map { $0.max() ?? 0 }.min() ?? 0
                frequencies[atom.atom.alternative] = max(frequencies[atom.atom.alternative], rarestWord)
            }
            alternativeFrequencies = frequencies
        }

        /// Calls `body` with each atom that matches at `passage`, in atom order. The clause's node
        /// must stand on `passage` (the root matched there): the union hands over the atoms standing
        /// there without looking at the others.
        @inline(__always)
        func forEachMatchingAtom(at passage: UInt32, _ body: (AtomNodes) -> Void) {
            guard let union else {
                if atoms[0].node.matches(at: passage) { body(atoms[0]) }
                return
            }
            guard union.passage == passage else { return }
            var indices: [Int] = []
            swap(&indices, &scratch)
            // Scoring and the ranking group both ask on the same passage: collect once.
            if collectedPassage != passage {
                union.matchingChildren(into: &indices)
                collectedPassage = passage
            }
            for k in indices { body(atoms[k]) }
            swap(&indices, &scratch)
        }

        /// The union of the atoms, when there are several (for score bounds).
        var atomUnion: UnionNode? { union }
    }

    let reader: SegmentReader
    let positive: [ClauseNodes]
    let negative: [ClauseNodes]
    /// Matches every positive clause.
    let root: MatchNode?
    /// Matches any negative clause.
    let excluded: MatchNode?

    /// Builds the nodes of `plan` over `reader`. Prefixes are expanded here (throws when a prefix
    /// matches more than `prefixLimit` terms).
    init(plan: SearchPlan, reader: SegmentReader, segment: Int, statistics: Statistics, prefixLimit: Int) throws(QueryError) {
        self.reader = reader
        var positive: [ClauseNodes] = []
        var negative: [ClauseNodes] = []
        for clause in plan.clauses {
            var atoms: [AtomNodes] = []
            for atom in clause.atoms {
                atoms.append(try Self.nodes(for: atom, reader: reader, segment: segment, statistics: statistics,
                                            prefixLimit: prefixLimit))
            }
            let nodes = ClauseNodes(clause: clause, atoms: atoms)
            if clause.isNegated { negative.append(nodes) } else { positive.append(nodes) }
        }
        self.positive = positive
        self.negative = negative
        root = positive.isEmpty ? nil : (positive.count == 1 ? positive[0].node : ConjunctionNode(positive.map(\.node)))
        excluded = negative.isEmpty ? nil : UnionNode(negative.map(\.node))
    }

    static func sequenceNode(_ sequence: PlannedSequence, reader: SegmentReader, segment: Int,
                             statistics: Statistics) -> SequenceNode {
        let slots = sequence.slots.map { slot in
            SlotNode(slot.alternatives.compactMap { term in
                statistics.entry(term, segment: segment).map { TermNode(reader.postings(for: $0)) }
            })
        }
        return SequenceNode(slots: slots, offsets: sequence.slots.map(\.offset))
    }

    private static func nodes(for atom: PlannedAtom, reader: SegmentReader, segment: Int, statistics: Statistics,
                              prefixLimit: Int) throws(QueryError) -> AtomNodes {
        if let prefix = atom.prefix {
            var terms: [TermNode] = []
            for entry in reader.terms(field: QueryPlanner.Field.word, prefix: prefix) {
                terms.append(TermNode(reader.postings(for: entry.info)))
                if terms.count > prefixLimit {
                    throw .prefixTooBroad(prefix: String(decoding: prefix, as: UTF8.self), limit: prefixLimit)
                }
            }
            return AtomNodes(atom: atom, node: UnionNode(terms), segments: [], boosts: [], prefixTerms: terms,
                             statistics: statistics)
        }
        let segments = atom.segments.map { alternatives in
            alternatives.map { sequenceNode($0, reader: reader, segment: segment, statistics: statistics) }
        }
        let segmentNodes: [MatchNode] = segments.map { $0.count == 1 ? $0[0] as MatchNode : UnionNode($0) as MatchNode }
        let node: MatchNode = segmentNodes.count == 1 ? segmentNodes[0] : ConjunctionNode(segmentNodes)
        return AtomNodes(atom: atom, node: node, segments: segments,
                         boosts: atom.boosts.map { sequenceNode($0, reader: reader, segment: segment, statistics: statistics) },
                         prefixTerms: [],
                         statistics: statistics)
    }
}
