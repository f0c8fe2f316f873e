import Foundation
import HashiIndex

/// A passage found by a search, before its text is fetched.
public struct Hit: Sendable, Hashable {
    /// The segment it is in (index into the searcher's segments).
    public var segment: Int
    /// Its id within the segment.
    public var passage: UInt32
    /// Its score.
    public var score: Double
    /// Why it scored so, when asked for: one line per contribution.
    public var explanation: [String]
    /// 0 for a direct match; 1 when found only through the built-in background dictionary, 2 only
    /// through an imported one. Hits are ranked by group first, then by score.
    public var rankingGroup: Int = 0
}

/// Runs plans over the segments of an index: matching, BM25 scoring, top-k and a proximity rescore.
///
/// A searcher is immutable and safe to use from many threads at once: every search builds its own
/// match tree.
///
/// Passages of deleted documents (replaced or removed by an incremental build) are skipped where
/// matches are collected, so they are never counted, ranked or returned. As in Lucene, the ranking
/// statistics (passage count, average lengths, document frequencies) still include them until a
/// merge drops them, so scores may differ slightly from a full rebuild's.
public struct Searcher: Sendable {
    /// The segments, in index order (passage ids are numbered across them in this order).
    public let segments: [SegmentReader]
    /// Ranking parameters.
    public let parameters: RankingParameters
    /// How many terms a prefix may expand to.
    public static let prefixLimit = 1_024

    /// How many terms' dictionary entries ``termInfos`` holds at most.
    static let termCacheCapacity = 16_384

    private let bases: [UInt32]
    private let passageCount: Int
    /// Each planned term's dictionary entries in the segments, looked up once for all queries
    /// (a concept query plans dozens of member terms; a dictionary lookup costs far more than a hash).
    private let termInfos = BoundedCache<PlannedTerm, [TermInfo?]>(capacity: Searcher.termCacheCapacity)
    private let averageLength: [UInt8: Double]

    /// A searcher over `segments`.
    public init(segments: [SegmentReader], parameters: RankingParameters = RankingParameters()) {
        self.segments = segments
        self.parameters = parameters
        var bases: [UInt32] = []
        var total = 0
        for segment in segments {
            bases.append(UInt32(total))
            total += segment.passageCount
        }
        self.bases = bases
        passageCount = total
        var averages: [UInt8: Double] = [:]
        for field in [QueryPlanner.Field.word, QueryPlanner.Field.bigram, QueryPlanner.Field.stem] {
            let tokens = segments.reduce(0.0) { $0 + Double($1.fieldStats(field: field).totalTokens) }
            averages[field] = total > 0 ? tokens / Double(total) : 1
        }
        averageLength = averages
    }

    /// The passages matching `plan`: how many in all, and the ranked page `offset..<offset+limit`.
    public func search(_ plan: SearchPlan, limit: Int, offset: Int, explain: Bool = false) throws(QueryError) -> (total: Int, hits: [Hit]) {
        let found = try search(plan, limit: limit, offset: offset, explain: explain, prunes: true)
        return (found.total, found.hits)
    }

    /// ``search(_:limit:offset:explain:)``, with dynamic pruning on or off (the results are the same
    /// either way), and how many matching passages pruning spared scoring.
    package func search(_ plan: SearchPlan, limit: Int, offset: Int, explain: Bool,
                prunes: Bool) throws(QueryError) -> (total: Int, hits: [Hit], pruned: Int) {
        let stats = try Statistics(plan: plan, segments: segments, cache: termInfos)
        let bm25 = BM25(parameters: parameters, passageCount: Double(max(passageCount, 1)), averageLength: averageLength)
        // No page lies beyond the last passage: clamping keeps the arithmetic safe for any offset.
        let offset = min(max(offset, 0), passageCount)
        let pageEnd = offset + min(max(limit, 0), passageCount)
        var total = 0
        var pruned = 0
        let hasConcepts = plan.clauses.contains { $0.isConcept && !$0.isNegated }
        // Proximity needs two clauses. Without explanations it is computed as a passage enters the
        // pool, while the match tree stands on it, instead of matching the pool again afterwards.
        let proximity = plan.clauses.filter({ !$0.isNegated }).count >= 2
        // With proximity, a pool larger than the page, so the boost can reorder it; without, the
        // page itself (a smaller pool fills with better scores sooner, so pruning spares more).
        var pool = TopK(proximity ? max(pageEnd * 2, 30) : max(pageEnd, 1))
        let eagerProximity = proximity && !explain
        for (s, segment) in segments.enumerated() {
            let matcher = try SegmentMatcher(plan: plan, reader: segment, segment: s, statistics: stats, prefixLimit: Self.prefixLimit)
            guard let root = matcher.root else { continue }
            let scoring = Scoring(bm25: bm25, matcher: matcher)
            // Made when the pool is first full (most queries never prune).
            var bound: ScoreBound? = nil
            let deleted = segment.deletedPassages
            let excluded = matcher.excluded
            var p = root.nextMatch(from: 0)
            while p != exhausted {
                if deleted?.contains(p) == true || (excluded.map { $0.advance(to: p) == p && $0.matches() } ?? false) {
                    if p == exhausted - 1 { break }
                    p = root.nextMatch(from: p &+ 1)
                    continue
                }
                total += 1
                // Dynamic pruning: a newcomer's id is above every kept one, so it enters the full
                // pool only by a better group or a higher score. When the worst kept is a direct
                // match (group 0) and the passage's score bound is no higher, it cannot.
                if prunes, let worst = pool.worstWhenFull, worst.group == 0,
                   (bound ?? makeBound(&bound, bm25, matcher)).upperBound(at: p) <= worst.score {
                    pruned += 1
                    if p == exhausted - 1 { break }
                    p = root.nextMatch(from: p + 1)
                    continue
                }
                var none: [String]? = nil
                let score = scoring.score(at: p, explanation: &none)
                #if DEBUG
                // Without pruning, debug builds check the bound pruning relies on, on every match.
                if !prunes {
                    let bound = bound ?? makeBound(&bound, bm25, matcher)
                    assert(bound.upperBound(at: p) >= score, "score bound \(bound.upperBound(at: p)) below the score \(score)")
                }
                #endif
                let group = hasConcepts ? scoring.rankingGroup(at: p) : 0
                var item = ScoredID(id: bases[s] + p, score: score, group: group)
                if eagerProximity && pool.accepts(item) {
                    item.proximity = Proximity.boost(matcher: matcher, passage: p, weight: parameters.proximityWeight)
                }
                pool.insert(item)
                if p == exhausted - 1 { break }
                p = root.nextMatch(from: p + 1)
            }
        }
        if eagerProximity {
            let boosted = pool.sorted().map { item -> Hit in
                let s = segmentIndex(of: item.id)
                let score = item.proximity > 1 ? item.score * item.proximity : item.score
                return Hit(segment: s, passage: item.id - bases[s], score: score, explanation: [], rankingGroup: Int(item.group))
            }
            let page = sortedByRank(boosted).dropFirst(offset).prefix(limit)
            return (total, Array(page), pruned)
        }
        // Explanations need a second look. Otherwise the pool is final.
        guard explain else {
            let page = pool.sorted().dropFirst(offset).prefix(limit).map { item in
                let s = segmentIndex(of: item.id)
                return Hit(segment: s, passage: item.id - bases[s], score: item.score, explanation: [], rankingGroup: Int(item.group))
            }
            return (total, Array(page), pruned)
        }
        let rescored = try rescore(pool.sorted(), plan: plan, stats: stats, bm25: bm25, explain: explain)
        let page = rescored.dropFirst(offset).prefix(limit)
        return (total, Array(page), pruned)
    }

    /// Makes `bound` for `matcher` (once) and returns it.
    private func makeBound(_ bound: inout ScoreBound?, _ bm25: BM25, _ matcher: SegmentMatcher) -> ScoreBound {
        let made = ScoreBound(bm25: bm25, matcher: matcher)
        bound = made
        return made
    }

    /// The index-wide id of a hit (passages are numbered across the segments in order).
    public func indexWideID(of hit: Hit) -> Int {
        Int(bases[hit.segment]) + Int(hit.passage)
    }

    /// Every passage matching `plan`, as index-wide ids in ascending order (no scoring).
    public func allMatches(_ plan: SearchPlan) throws(QueryError) -> [UInt32] {
        let stats = try Statistics(plan: plan, segments: segments, cache: termInfos)
        var result: [UInt32] = []
        for (s, segment) in segments.enumerated() {
            let matcher = try SegmentMatcher(plan: plan, reader: segment, segment: s, statistics: stats, prefixLimit: Self.prefixLimit)
            guard let root = matcher.root else { continue }
            let deleted = segment.deletedPassages
            let excluded = matcher.excluded
            var p = root.nextMatch(from: 0)
            while p != exhausted {
                if deleted?.contains(p) != true, !(excluded.map { $0.advance(to: p) == p && $0.matches() } ?? false) {
                    result.append(bases[s] + p)
                }
                if p == exhausted - 1 { break }
                p = root.nextMatch(from: p + 1)
            }
        }
        return result
    }

    /// Applies the proximity boost to `candidates` and sorts them again.
    private func rescore(_ candidates: [ScoredID], plan: SearchPlan, stats: Statistics, bm25: BM25,
                         explain: Bool) throws(QueryError) -> [Hit] {
        var hits: [Hit] = []
        // Visit each segment's candidates in ascending id order with fresh match trees.
        let bySegment = Dictionary(grouping: candidates) { segmentIndex(of: $0.id) }
        for (s, items) in bySegment {
            let matcher = try SegmentMatcher(plan: plan, reader: segments[s], segment: s, statistics: stats, prefixLimit: Self.prefixLimit)
            guard let root = matcher.root else { continue }
            for item in items.sorted(by: { $0.id < $1.id }) {
                let local = item.id - bases[s]
                guard root.advance(to: local) == local, root.matches() else { continue }
                var lines: [String]? = explain ? [] : nil
                let scoring = Scoring(bm25: bm25, matcher: matcher)
                var score = scoring.score(at: local, explanation: &lines)
                let group = Int(scoring.rankingGroup(at: local))
                let boost = Proximity.boost(matcher: matcher, passage: local, weight: parameters.proximityWeight)
                if boost > 1 {
                    score *= boost
                    lines?.append(String(format: "× %.3f proximity (query terms close together)", boost))
                }
                if group > 0 {
                    lines?.append("ranked after direct matches: found only through "
                                  + (group == 1 ? "the built-in background dictionary" : "an imported background dictionary"))
                }
                hits.append(Hit(segment: s, passage: local, score: score, explanation: lines ?? [], rankingGroup: group))
            }
        }
        return sortedByRank(hits)
    }

    /// Hits by ranking group, then score, ties by index-wide id.
    private func sortedByRank(_ hits: [Hit]) -> [Hit] {
        hits.sorted {
            if $0.rankingGroup != $1.rankingGroup { return $0.rankingGroup < $1.rankingGroup }
            return $0.score != $1.score ? $0.score > $1.score : bases[$0.segment] + $0.passage < bases[$1.segment] + $1.passage
        }
    }

    private func segmentIndex(of id: UInt32) -> Int {
        var s = 0
        while s + 1 < bases.count && bases[s + 1] <= id { s += 1 }
        return s
    }
}

/// The plan's terms looked up once per query: their dictionary entries in every segment and their
/// index-wide document frequencies (summed over segments).
struct Statistics {
    private var frequencies: [PlannedTerm: Int] = [:]
    private var entries: [PlannedTerm: [TermInfo?]] = [:]

    /// Looks up `plan`'s terms in `segments`, through `cache` when given (its entries must come
    /// from the same segments).
    init(plan: SearchPlan, segments: [SegmentReader], cache: BoundedCache<PlannedTerm, [TermInfo?]>? = nil) throws(QueryError) {
        for clause in plan.clauses {
            for atom in clause.atoms {
                for sequence in atom.segments.flatMap({ $0 }) + atom.boosts {
                    for slot in sequence.slots {
                        for term in slot.alternatives where frequencies[term] == nil {
                            let lookUp = { segments.map { $0.termInfo(field: term.field, term: term.term) } }
                            let infos = cache?.value(for: term, lookUp) ?? lookUp()
                            entries[term] = infos
                            frequencies[term] = infos.reduce(0) { $0 + Int($1?.docFrequency ?? 0) }
                        }
                    }
                }
            }
        }
    }

    func documentFrequency(_ term: PlannedTerm) -> Int { frequencies[term] ?? 0 }

    /// The dictionary entry of `term` in segment `segment` (nil when absent).
    func entry(_ term: PlannedTerm, segment: Int) -> TermInfo? {
        guard let infos = entries[term], segment < infos.count else { return nil }
        return infos[segment]
    }

    /// A sequence is at most as common as its rarest slot; a slot is as common as its commonest
    /// alternative (as Lucene's SynonymQuery counts a synonym group).
    func documentFrequency(_ sequence: PlannedSequence) -> Int {
        sequence.slots.map { slot in slot.alternatives.map(documentFrequency).max() ?? 0 }.min() ?? 0
    }
}
