import HashiAnalysis

/// A stretch of a passage's text that matched the query.
public struct MatchSpan: Sendable, Hashable {
    /// Where it starts, in UTF-16 code units of the passage text.
    public var start: Int
    /// Where it ends (exclusive), in UTF-16 code units.
    public var end: Int
    /// The query term (normalized) it matched.
    public var term: String
    /// The concept it matched through, if any.
    public var concept: String? = nil
}

/// Finds where a plan's terms stand in a passage, by analysing the passage text again with the
/// same analyzer (the index keeps positions, not character offsets).
public struct Highlighter {
    private let analyzer: Analyzer

    /// A highlighter that analyses with `analyzer` (one per thread).
    public init(analyzer: Analyzer) {
        self.analyzer = analyzer
    }

    /// The matches of `plan`'s positive clauses in `text`, sorted, without overlaps (a longer match
    /// wins over one it overlaps).
    public func spans(of plan: SearchPlan, in text: String) throws(ICUError) -> [MatchSpan] {
        let tokens = try analyzer.tokens(of: text)
        var byField: [UInt8: [Int: Token]] = [:]
        for token in tokens {
            let field: UInt8 = switch token.stream {
            case .word: QueryPlanner.Field.word
            case .bigram: QueryPlanner.Field.bigram
            case .stem: QueryPlanner.Field.stem
            }
            byField[field, default: [:]][token.position] = token
        }
        var spans: [MatchSpan] = []
        for clause in plan.clauses where !clause.isNegated {
            for atom in clause.atoms {
                if let prefix = atom.prefix {
                    for token in byField[QueryPlanner.Field.word, default: [:]].values
                    where token.term.utf8.starts(with: prefix) {
                        spans.append(MatchSpan(start: token.start, end: token.end, term: token.term))
                    }
                }
                // A concept member that is not what the user wrote names its concept.
                let concept = clause.isConcept && atom.origin != nil ? atom.concept : nil
                for sequence in atom.segments.flatMap({ $0 }) + atom.boosts {
                    spans += occurrences(of: sequence, byField).map {
                        var span = $0
                        span.concept = concept
                        return span
                    }
                }
            }
        }
        return Self.withoutOverlaps(spans)
    }

    private func occurrences(of sequence: PlannedSequence, _ byField: [UInt8: [Int: Token]]) -> [MatchSpan] {
        guard let first = sequence.slots.first else { return [] }
        var result: [MatchSpan] = []
        let starts = Set(first.alternatives.flatMap { term in
            (byField[term.field] ?? [:]).values.filter { $0.term.utf8.elementsEqual(term.term) }.map(\.position)
        })
        for start in starts.sorted() {
            var tokens: [Token] = []
            for slot in sequence.slots {
                let position = start + slot.offset - first.offset
                let found = slot.alternatives.lazy.compactMap { term in
                    byField[term.field]?[position].flatMap { $0.term.utf8.elementsEqual(term.term) ? $0 : nil }
                }.first
                guard let token = found else { break }
                tokens.append(token)
            }
            if tokens.count == sequence.slots.count, let a = tokens.first, let b = tokens.last {
                result.append(MatchSpan(start: a.start, end: b.end, term: sequence.display))
            }
        }
        return result
    }

    static func withoutOverlaps(_ spans: [MatchSpan]) -> [MatchSpan] {
        let ordered = spans.sorted { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
        var result: [MatchSpan] = []
        for span in ordered {
            if let last = result.last, span.start < last.end {
                if span.end - span.start > last.end - last.start { result[result.count - 1] = span }
                continue
            }
            result.append(span)
        }
        return result
    }
}
