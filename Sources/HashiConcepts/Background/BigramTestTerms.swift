import HashiAnalysis

/// The terms ``CorpusPresence``'s bigram test checks (bigrams and Latin words) for each member of
/// each concept, aligned with `concepts[i].members[j]`, stored flat: one array of (stream, term)
/// pairs and the ends of each member's and each concept's run. A background dictionary has tens of
/// thousands of members; as nested arrays of ``Token`` (48 bytes each, plus two array headers per
/// member) they took megabytes more of a build's memory for as long as the dictionary was held.
public struct BigramTestTerms: Sendable, ExpressibleByArrayLiteral {
    /// One term the test looks up.
    public struct Term: Sendable, Hashable {
        /// The stream it is indexed in.
        public var stream: Token.Stream
        /// The term.
        public var term: String
    }

    private var terms: [Term] = []
    /// Each member's end in `terms`, members of all concepts in order.
    private var memberEnds: [UInt32] = []
    /// Each concept's end in `memberEnds`.
    private var conceptEnds: [UInt32] = []

    /// No concepts.
    public init() {}

    /// The terms of concepts given as each member's tokens.
    public init(arrayLiteral concepts: [[Token]]...) {
        for members in concepts { append(members) }
    }

    /// The number of concepts.
    public var count: Int { conceptEnds.count }

    /// Appends a concept: each member's tokens (only their stream and term are kept).
    public mutating func append(_ members: [[Token]]) {
        for tokens in members {
            terms += tokens.lazy.map { Term(stream: $0.stream, term: $0.term) }
            memberEnds.append(UInt32(terms.count))
        }
        conceptEnds.append(UInt32(memberEnds.count))
    }

    /// Appends concept `concept` of `other`.
    public mutating func append(concept: Int, of other: BigramTestTerms) {
        guard concept < other.count else {
            conceptEnds.append(UInt32(memberEnds.count))
            return
        }
        for member in other.memberRange(concept) {
            terms += other.terms[other.termRange(member: member)]
            memberEnds.append(UInt32(terms.count))
        }
        conceptEnds.append(UInt32(memberEnds.count))
    }

    /// Appends every concept of `other`.
    public static func += (lhs: inout BigramTestTerms, rhs: BigramTestTerms) {
        for concept in 0..<rhs.count { lhs.append(concept: concept, of: rhs) }
    }

    /// The terms of member `member` of concept `concept` (empty when there is no such member).
    public func terms(concept: Int, member: Int) -> ArraySlice<Term> {
        guard concept < count else { return [] }
        let members = memberRange(concept)
        guard member < members.count else { return [] }
        return terms[termRange(member: members.lowerBound + member)]
    }

    private func memberRange(_ concept: Int) -> Range<Int> {
        (concept == 0 ? 0 : Int(conceptEnds[concept - 1]))..<Int(conceptEnds[concept])
    }

    private func termRange(member: Int) -> Range<Int> {
        (member == 0 ? 0 : Int(memberEnds[member - 1]))..<Int(memberEnds[member])
    }
}
