import HashiConcepts
/// A term of one field, at an offset within a phrase.
public struct PlannedTerm: Sendable, Hashable {
    /// The index field (0 word, 1 bigram, 2 stem).
    public var field: UInt8
    /// The term's bytes (UTF-8).
    public var term: [UInt8]

    /// The term as text.
    public var text: String { String(decoding: term, as: UTF8.self) }

    /// Hashes the bytes at once (a concept query looks up dozens of terms; hashing byte by byte
    /// showed in its profile).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(field)
        hasher.combine(term.count)
        term.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

/// One position of a phrase: any of its alternatives may stand there.
public struct PlannedSlot: Sendable, Hashable {
    /// Where the slot stands, relative to the phrase's first slot.
    public var offset: Int
    /// Terms any of which fills the slot (e.g. a word, and in concept mode its stem).
    public var alternatives: [PlannedTerm]
}

/// Terms that must stand together at the given relative positions (one slot: a single term).
public struct PlannedSequence: Sendable, Hashable {
    /// The slots, in order.
    public var slots: [PlannedSlot]
    /// The field whose passage length normalizes this sequence's score.
    public var lengthField: UInt8
    /// How the sequence matches, for `--explain` (e.g. `bigram phrase 設定ファイル`).
    public var label: String
    /// The text the sequence stands for (normalized), reported as the matched term.
    public var display: String
}

/// How one atom of the query is matched and scored.
public struct PlannedAtom: Sendable, Hashable {
    /// The atom as the user wrote it.
    public var text: String
    /// Every segment must match; a segment matches when any of its sequences does.
    public var segments: [[PlannedSequence]]
    /// Sequences that do not decide whether a passage matches but raise its score when they match
    /// (Japanese text matched as whole words, not only as bigrams).
    public var boosts: [PlannedSequence]
    /// A prefix query on the word field, instead of segments.
    public var prefix: [UInt8]?
    /// How much a match counts (1 for what the user wrote; a concept member's confidence).
    public var weight: Double = 1
    /// The concept this atom stands for, when it came from concept expansion.
    public var concept: String? = nil
    /// Where the concept membership came from, for `--explain` (dictionary file:line, mined doc:line).
    public var origin: String? = nil
    /// The tier of trust of the link that brought this atom in (`curated` for what the user wrote):
    /// a passage matched only through background members ranks after direct matches.
    public var tier: ConceptSource.Tier = .curated
    /// In a concept clause, which of the user's alternatives (`a OR b`) this atom belongs to: each
    /// alternative and its members are scored as one pseudo-term, and the alternatives' scores add up.
    public var alternative: Int = 0
    /// Whether the atom is a concept member rather than what the user wrote.
    public var isExpansion: Bool = false
}

/// A clause: any of its atoms matches (or, negated, none may).
public struct PlannedClause: Sendable, Hashable {
    /// The alternatives.
    public var atoms: [PlannedAtom]
    /// Whether matching passages are excluded.
    public var isNegated: Bool
    /// Whether the atoms are the members of one concept, scored as one pseudo-term (occurrences
    /// summed, weighted by confidence; document frequency of the commonest member), as Lucene's
    /// SynonymQuery does, so an expanded query does not outscore an exact one by having more words.
    public var isConcept: Bool = false
}

/// What a query turned into after analysis: the input of execution.
public struct SearchPlan: Sendable, Hashable {
    /// The clauses; all non-negated ones must match.
    public var clauses: [PlannedClause]
}
