/// Where a concept membership came from.
///
/// Sources come in four tiers of trust (``Tier``): what people wrote for this corpus, what the corpus
/// says itself, the built-in background dictionary, and background dictionaries a user imported.
/// Scoring weighs memberships by their confidence, and ranking never lets a match that only a
/// background dictionary vouches for outrank a direct one (see ``Tier/rankingGroup``).
public enum ConceptSource: Sendable, Hashable, Codable {
    /// A dictionary file written by people: its path and 1-based line.
    case dictionary(file: String, line: Int)
    /// Mined from a corpus document: its path and 1-based line.
    case mined(document: String, line: Int)
    /// The built-in background dictionary: its name (`SudachiDict synonyms`) and the entry (group
    /// number) the membership comes from.
    case background(name: String, entry: String)
    /// A background dictionary a user imported (`#@ imported NAME` in a dictionary file, as
    /// `hashi concepts import jmdict` writes): its name, and the file and 1-based line.
    case imported(name: String, file: String, line: Int)

    /// The tiers of trust, most trusted first.
    public enum Tier: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
        /// A dictionary file written for this corpus.
        case curated = 0
        /// A pair the corpus glosses itself (or a sound-alike found in it).
        case mined = 1
        /// The built-in background dictionary.
        case builtIn = 2
        /// An imported background dictionary.
        case imported = 3

        /// Ranking groups: a passage matched only through a background member ranks after every
        /// passage matched directly (by the query's own words, a curated or a mined member), and
        /// one matched only through an imported member after those matched through the built-in one.
        public var rankingGroup: Int {
            switch self {
            case .curated, .mined: 0
            case .builtIn: 1
            case .imported: 2
            }
        }

        /// Whether the tier is a background dictionary (built in or imported).
        public var isBackground: Bool { self == .builtIn || self == .imported }

        /// Orders by trust (curated first).
        public static func < (a: Tier, b: Tier) -> Bool { a.rawValue < b.rawValue }

        /// `curated`, `mined`, `built-in background` or `imported background`.
        public var description: String {
            switch self {
            case .curated: "curated"
            case .mined: "mined"
            case .builtIn: "built-in background"
            case .imported: "imported background"
            }
        }
    }

    /// The source's tier of trust.
    public var tier: Tier {
        switch self {
        case .dictionary: .curated
        case .mined: .mined
        case .background: .builtIn
        case .imported: .imported
        }
    }

    /// A short description for `--explain` and `hashi concepts show`: `dictionary f.txt:3`,
    /// `mined from d.txt:12`, `SudachiDict synonyms, group 022225 (built-in background)`,
    /// `JMdict, jmdict.synonyms:40 (imported background)`.
    public var label: String {
        switch self {
        case let .dictionary(file, line): "dictionary \(file):\(line)"
        case let .mined(document, line): "mined from \(document):\(line)"
        case let .background(name, entry): "\(name), group \(entry) (built-in background)"
        case let .imported(name, file, line): "\(name), \(file):\(line) (imported background)"
        }
    }
}
