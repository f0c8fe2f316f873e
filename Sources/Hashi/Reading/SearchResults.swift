import HashiSearch

/// The answer to a search.
public struct SearchResults: Sendable, Hashable, Codable {
    /// The query as given.
    public var query: String
    /// How terms were matched.
    public var mode: SearchMode
    /// How many passages match in all.
    public var total: Int
    /// The requested page of ranked passages.
    public var results: [SearchResult]
}

/// One ranked passage.
public struct SearchResult: Sendable, Hashable, Codable {
    /// Its rank, from 1 (counting the page offset).
    public var rank: Int
    /// Its score (BM25 with phrase and proximity contributions). Scores descend within a
    /// ``group``; a later group may hold higher scores.
    public var score: Double
    /// How the passage was found. Results are ranked by group first, then by score: a passage
    /// found only through a background dictionary ranks after every passage found directly.
    /// Not part of the JSON, whose shape is fixed (`explanation` says it there).
    public var group: RankingGroup = .direct
    /// The document: its path relative to the corpus folder.
    public var document: String
    /// The passage's ordinal within the document, from 0.
    public var passage: Int
    /// The line of the document where the passage starts, from 1.
    public var line: Int
    /// The whole passage.
    public var text: String
    /// An excerpt around the best-matching region (`…` where cut).
    public var snippet: String
    /// Where the query matched in `text`, in Unicode scalars.
    public var matches: [SearchMatch]
    /// Why the passage scored so (only when explanation was asked for).
    public var explanation: [String]?
    /// Where the snippet starts in `text` (in Unicode scalars), and the matches inside the snippet
    /// (scalar ranges of `snippet`), for displays that highlight it. Not part of the JSON.
    public var snippetMatches: [Range<Int>] = []

    enum CodingKeys: String, CodingKey {
        case rank, score, document, passage, line, text, snippet, matches, explanation
    }
}

/// How a passage was found, in ranking order.
public enum RankingGroup: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    /// Through the query's own words, a curated member or a mined one.
    case direct
    /// Only through the built-in background dictionary (SudachiDict's synonyms).
    case builtInBackground = "built-in background"
    /// Only through an imported background dictionary (such as JMdict).
    case importedBackground = "imported background"

    /// The group of a hit's ``Hit/rankingGroup`` number (0, 1, 2; anything larger is imported).
    init(hitGroup: Int) {
        switch hitGroup {
        case ...0: self = .direct
        case 1: self = .builtInBackground
        default: self = .importedBackground
        }
    }

    private var order: Int {
        switch self {
        case .direct: 0
        case .builtInBackground: 1
        case .importedBackground: 2
        }
    }

    /// Whether `a` ranks before `b`.
    public static func < (a: RankingGroup, b: RankingGroup) -> Bool { a.order < b.order }
}

/// Where a query term matched inside a passage.
public struct SearchMatch: Sendable, Hashable, Codable {
    /// Start, in Unicode scalars of the passage text.
    public var start: Int
    /// End (exclusive), in Unicode scalars of the passage text.
    public var end: Int
    /// The (normalized) query term that matched.
    public var term: String
    /// The concept through which it matched, or nil for a direct match.
    public var concept: String?

    /// Creates a match.
    public init(start: Int, end: Int, term: String, concept: String?) {
        self.start = start
        self.end = end
        self.term = term
        self.concept = concept
    }

    enum CodingKeys: String, CodingKey { case start, end, term, concept }

    /// Encodes `concept` as `null` when absent, as the JSON format documents.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(start, forKey: .start)
        try container.encode(end, forKey: .end)
        try container.encode(term, forKey: .term)
        try container.encode(concept, forKey: .concept)
    }
}
