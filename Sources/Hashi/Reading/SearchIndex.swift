import Foundation
import HashiAnalysis
import HashiConcepts
import HashiIndex
import HashiSearch

/// A read-only, searchable index: open it once, search it from as many threads as you like.
///
/// ```swift
/// let index = try SearchIndex(at: URL(fileURLWithPath: "Index"))
/// let results = try index.search("due diligence", mode: .concept, limit: 10)
/// for result in results.results { print(result.rank, result.document, result.line, result.snippet) }
/// ```
///
/// The index keeps the generation it opened: a rebuild that commits meanwhile does not disturb it
/// (open a new `SearchIndex` to see the new one).
public final class SearchIndex: Sendable {
    /// The index folder.
    public let url: URL
    /// The manifest of the opened generation.
    public let manifest: Manifest

    /// The corpus folder the index was last built from, as its manifest records it (nil when it
    /// does not): what tools refresh the index from when no corpus is named.
    public var corpus: URL? { IndexBuilder.recordedCorpus(in: manifest) }
    let searcher: Searcher
    private let analyzers: AnalyzerPool
    /// The concepts the index was built with: nil for an index without a concept table, or when
    /// its table cannot be decoded (``conceptTable()`` says why).
    public var concepts: ConceptTable? { try? conceptTable() }
    /// The concept table, checksummed when the index opens and decoded on first use (a keyword
    /// search never needs it, and decoding a large one takes a good part of opening the index).
    private let lazyConcepts: LazyConceptTable
    /// The katakana words of the index, spelled out once, on the first concept query with English words.
    private let loanwords: LoanwordCache
    /// Concept expansion's plans and lookups, kept while the index is open.
    private let conceptPlans = ConceptPlanCache()

    /// Opens the index at `url`.
    /// - Throws: ``HashiError`` when there is no index, it is damaged or of another format, or it
    ///   was built by another analyzer (then it must be rebuilt).
    public init(at url: URL, ranking: RankingParameters = RankingParameters()) throws(HashiError) {
        let opened: (manifest: Manifest, segments: [SegmentReader])
        do { opened = try IndexDirectory(url: url).openSegments() } catch { throw .index(error) }
        let built = opened.manifest.metadata[ManifestKey.analyzer] ?? "unknown"
        guard built == Analyzer.version else {
            throw .analyzerMismatch(index: url.path, built: built, current: Analyzer.version)
        }
        self.url = url
        manifest = opened.manifest
        searcher = Searcher(segments: opened.segments, parameters: ranking)
        analyzers = AnalyzerPool()
        let generation = IndexDirectory(url: url).generationURL(opened.manifest.generation)
        do { lazyConcepts = LazyConceptTable(try ConceptTable.checkedBody(in: generation)) } catch { throw .index(error) }
        loanwords = LoanwordCache(words: { Self.katakanaWords(in: opened.segments) })
    }

    /// The concepts the index was built with (nil for an index without a concept table), decoded on
    /// the first call.
    /// - Throws: ``HashiError`` when the table cannot be decoded (its checksum was verified when the
    ///   index opened, so the damage is in how it was written).
    public func conceptTable() throws(HashiError) -> ConceptTable? {
        do { return try lazyConcepts.table() } catch { throw .index(error) }
    }

    /// The katakana words of the index: word-field terms starting with a katakana letter.
    private static func katakanaWords(in segments: [SegmentReader]) -> [String] {
        var words: Set<String> = []
        for segment in segments {
            // Katakana is U+30A1...U+30FA: UTF-8 E3 82 A1 ... E3 83 BA.
            for prefix in [[0xE3, 0x82], [0xE3, 0x83]] as [[UInt8]] {
                for entry in segment.terms(field: QueryPlanner.Field.word, prefix: prefix) {
                    let text = entry.termString
                    if text.unicodeScalars.count >= 2, text.unicodeScalars.allSatisfy({ (0x30A1...0x30FC).contains($0.value) }) {
                        words.insert(text)
                    }
                }
            }
        }
        return words.sorted()
    }

    /// The range of index-wide passage ids: passages in the index, including those of documents
    /// deleted by incremental builds (whose ids stay taken until a merge).
    public var passageCount: Int { searcher.segments.reduce(0) { $0 + $1.passageCount } }

    /// The text of the passage with index-wide id `id` (0 ..< ``passageCount``), or nil if out of
    /// range or deleted (its document was changed or removed since).
    public func passageText(_ id: Int) -> String? {
        guard id >= 0 else { return nil }
        var id = id
        for segment in searcher.segments {
            if id < segment.passageCount {
                guard !segment.isDeleted(passage: UInt32(id)) else { return nil }
                return segment.passage(UInt32(id))?.text
            }
            id -= segment.passageCount
        }
        return nil
    }

    /// The ranked page of `query` as index-wide passage ids and scores, without fetching stored text
    /// (what the latency benchmark measures, like the anchors' "top 10 ids").
    public func rankedPassages(_ query: String, mode: SearchMode = .concept, limit: Int = 10,
                               offset: Int = 0) throws(HashiError) -> (total: Int, passages: [(id: Int, score: Double)]) {
        let found = try rankedPassages(query, mode: mode, limit: limit, offset: offset, prunes: true)
        return (found.total, found.passages)
    }

    /// ``rankedPassages(_:mode:limit:offset:)`` with dynamic pruning on or off, and how many
    /// matching passages pruning spared scoring (for tests: the results must be the same).
    func rankedPassages(_ query: String, mode: SearchMode, limit: Int, offset: Int = 0,
                        prunes: Bool) throws(HashiError) -> (total: Int, passages: [(id: Int, score: Double)], pruned: Int) {
        try withPlan(query, mode) { (plan, _) throws(HashiError) in
            let found: (total: Int, hits: [Hit], pruned: Int)
            do throws(QueryError) {
                found = try searcher.search(plan, limit: min(max(limit, 0), 1_000), offset: max(offset, 0), explain: false,
                                            prunes: prunes)
            } catch {
                throw .query(error)
            }
            return (found.total, found.hits.map { (searcher.indexWideID(of: $0), $0.score) }, found.pruned)
        }
    }

    /// The index-wide ids of every passage matching `query`, ascending (for evaluation: no ranking).
    public func matchingPassages(_ query: String, mode: SearchMode = .concept) throws(HashiError) -> [Int] {
        try withPlan(query, mode) { (plan, _) throws(HashiError) in
            do throws(QueryError) { return try searcher.allMatches(plan).map(Int.init) } catch { throw .query(error) }
        }
    }

    /// Searches the index.
    /// - Parameters:
    ///   - query: the query, in the grammar of ``Query`` (words, `"phrases"`, `-exclusions`, `OR`, `prefix*`).
    ///   - mode: ``SearchMode/keyword`` matches words as written; ``SearchMode/concept`` also matches
    ///     other forms of English words (and, with concepts, their equivalents).
    ///   - limit: how many results to return (at most 1,000).
    ///   - offset: how many of the best results to skip.
    ///   - explain: whether each result says how its score came about.
    ///   - highlight: whether to compute `matches` and a focused `snippet` (a little slower).
    /// - Throws: ``HashiError/query(_:)`` for a query that cannot be run (too long, a prefix that is
    ///   too broad); an empty or punctuation-only query just finds nothing.
    public func search(_ query: String, mode: SearchMode = .concept, limit: Int = 10, offset: Int = 0,
                       explain: Bool = false, highlight: Bool = true) throws(HashiError) -> SearchResults {
        let limit = min(max(limit, 0), 1_000)
        let offset = max(offset, 0)
        return try withPlan(query, mode) { (plan, analyzer) throws(HashiError) in
            let found: (total: Int, hits: [Hit])
            do throws(QueryError) { found = try searcher.search(plan, limit: limit, offset: offset, explain: explain) } catch {
                throw .query(error)
            }
            // One pass per segment over the page's passages: a block is inflated once per page, and
            // only as far as the last passage needed from it.
            var stored: [Int: [UInt32: PassageRecord]] = [:]
            for (segment, hits) in Dictionary(grouping: found.hits, by: \.segment) {
                stored[segment] = searcher.segments[segment].passages(hits.map(\.passage))
            }
            var results: [SearchResult] = []
            for (k, hit) in found.hits.enumerated() {
                let segment = searcher.segments[hit.segment]
                guard let passage = stored[hit.segment]?[hit.passage], let document = segment.document(passage.document) else {
                    throw .index(.corrupted(file: segment.directory.path + "/" + segment.name, offset: 0,
                                            reason: "passage \(hit.passage) cannot be read"))
                }
                var matches: [SearchMatch] = []
                if highlight {
                    let spans: [MatchSpan]
                    do throws(ICUError) { spans = try Highlighter(analyzer: analyzer).spans(of: plan, in: passage.text) } catch { throw .icu(error) }
                    let offsets = ScalarOffsets(passage.text)
                    matches = spans.map {
                        SearchMatch(start: offsets.scalarOffset(ofUTF16: $0.start), end: offsets.scalarOffset(ofUTF16: $0.end),
                                    term: $0.term, concept: $0.concept)
                    }
                }
                let snippet = Snippet(of: Array(passage.text.unicodeScalars), matches: matches.map { $0.start..<$0.end })
                results.append(SearchResult(rank: offset + k + 1, score: (hit.score * 1000).rounded() / 1000,
                                            group: RankingGroup(hitGroup: hit.rankingGroup),
                                            document: document.path, passage: Int(passage.ordinal), line: Int(passage.line),
                                            text: passage.text, snippet: snippet.text, matches: matches,
                                            explanation: explain ? hit.explanation : nil, snippetMatches: snippet.matches))
            }
            return SearchResults(query: query, mode: mode, total: found.total, results: results)
        }
    }
}

extension SearchIndex {
    /// Runs `body` with `query` planned in `mode` and the analyzer that planned it (taken from the
    /// pool and returned afterwards).
    fileprivate func withPlan<T>(_ query: String, _ mode: SearchMode,
                                 _ body: (SearchPlan, Analyzer) throws(HashiError) -> T) throws(HashiError) -> T {
        let analyzer: Analyzer
        do { analyzer = try analyzers.take() } catch { throw .icu(error) }
        defer { analyzers.put(analyzer) }
        let table: ConceptTable?
        do { table = mode == .concept ? try lazyConcepts.searchTable() : nil } catch { throw .index(error) }
        let plan: SearchPlan
        do { plan = try planner(analyzer, mode, table).plan(QueryParser.parse(query)) } catch { throw .query(error) }
        return try body(plan, analyzer)
    }

    /// A planner for one query, with the index's concepts in concept mode.
    fileprivate func planner(_ analyzer: Analyzer, _ mode: SearchMode, _ table: ConceptTable?) -> QueryPlanner {
        guard mode == .concept, let table else { return QueryPlanner(analyzer: analyzer, mode: mode) }
        // The loanword index is made on the first query with English words to sound out.
        let loanwords = loanwords
        return QueryPlanner(analyzer: analyzer, mode: mode,
                            concepts: ConceptContext(map: table.map, loanwords: { () throws(ICUError) in try loanwords.index() }, cache: conceptPlans))
    }
}

/// The index's katakana words by sound, built once (spelling every word out through ICU costs
/// too much to do per query) on first use, from any thread.
final class LoanwordCache: @unchecked Sendable {
    private let words: @Sendable () -> [String]
    private var built: LoanwordIndex?
    private let lock = NSLock()

    init(words: @escaping @Sendable () -> [String]) { self.words = words }

    func index() throws(ICUError) -> LoanwordIndex {
        lock.lock()
        defer { lock.unlock() }
        if let built { return built }
        let index = try LoanwordIndex(katakanaWords: words(), using: PhoneticKey())
        built = index
        return index
    }
}

/// An index's concept table: its bytes (checksum verified) kept from the opening, decoded on first
/// use, from any thread, once for search (the map only) and once whole (with the review material)
/// when asked for; decoding errors are kept too.
final class LazyConceptTable: @unchecked Sendable {
    private let stored: (body: ArraySlice<UInt8>, path: String)?
    private var forSearch: Result<ConceptTable?, IndexError>?
    private var whole: Result<ConceptTable?, IndexError>?
    private let lock = NSLock()

    init(_ stored: (body: ArraySlice<UInt8>, path: String)?) { self.stored = stored }

    /// The table with its map only (the review material left empty).
    func searchTable() throws(IndexError) -> ConceptTable? {
        lock.lock()
        defer { lock.unlock() }
        if forSearch == nil { forSearch = whole ?? decode(includingReview: false) }
        return try forSearch?.get() ?? nil
    }

    /// The whole table.
    func table() throws(IndexError) -> ConceptTable? {
        lock.lock()
        defer { lock.unlock() }
        if whole == nil { whole = decode(includingReview: true) }
        return try whole?.get() ?? nil
    }

    private func decode(includingReview: Bool) -> Result<ConceptTable?, IndexError> {
        guard let stored else { return .success(nil) }
        do { return .success(try ConceptTable.decode(stored.body, path: stored.path, includingReview: includingReview)) } catch {
            return .failure(error)
        }
    }
}

/// Analyzers for searches on any thread (ICU iterators are not thread-safe, and opening one per
/// query would cost more than the query).
final class AnalyzerPool: @unchecked Sendable {
    private var idle: [Analyzer] = []
    private let lock = NSLock()

    func take() throws(ICUError) -> Analyzer {
        lock.lock()
        let analyzer = idle.popLast()
        lock.unlock()
        if let analyzer { return analyzer }
        return try Analyzer()
    }

    func put(_ analyzer: Analyzer) {
        lock.lock()
        idle.append(analyzer)
        lock.unlock()
    }
}
