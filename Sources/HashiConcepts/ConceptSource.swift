import Foundation

/// Where a concept membership came from.
///
/// Sources come in four tiers of trust (``Tier``): what people wrote for this corpus, what the corpus
/// says itself, the built-in background dictionary, and background dictionaries a user imported.
/// Scoring weighs memberships by their confidence, and ranking never lets a match that only a
/// background dictionary vouches for outrank a direct one (see ``Tier/rankingGroup``).
public enum ConceptSource: Sendable, Hashable {
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

extension ConceptSource: Codable {
    private enum CodingKeys: String, CodingKey {
        // Compact forms, as written: {"d": [file, line]}, {"m": [document, line]},
        // {"b": [name, entry]}, {"i": [name, file, line]}.
        case d, m, b, i
        // The forms of concept tables written before the compact one (read so that an old index
        // can still be opened and found stale).
        case dictionary, mined
    }

    private enum LegacyKeys: String, CodingKey {
        case file, document, line
    }

    /// Decodes a source (compact or legacy form).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func pair(_ key: CodingKeys) throws -> (String, String)? {
            guard c.contains(key) else { return nil }
            var values = try c.nestedUnkeyedContainer(forKey: key)
            return (try values.decode(String.self), try values.decode(String.self))
        }
        func placed(_ key: CodingKeys) throws -> (String, Int)? {
            guard c.contains(key) else { return nil }
            var values = try c.nestedUnkeyedContainer(forKey: key)
            return (try values.decode(String.self), try values.decode(Int.self))
        }
        if let (file, line) = try placed(.d) { self = .dictionary(file: file, line: line); return }
        if let (document, line) = try placed(.m) { self = .mined(document: document, line: line); return }
        if let (name, entry) = try pair(.b) { self = .background(name: name, entry: entry); return }
        if c.contains(.i) {
            var values = try c.nestedUnkeyedContainer(forKey: .i)
            self = .imported(name: try values.decode(String.self), file: try values.decode(String.self), line: try values.decode(Int.self))
            return
        }
        if c.contains(.dictionary) {
            let legacy = try c.nestedContainer(keyedBy: LegacyKeys.self, forKey: .dictionary)
            self = .dictionary(file: try legacy.decode(String.self, forKey: .file), line: try legacy.decode(Int.self, forKey: .line))
            return
        }
        if c.contains(.mined) {
            let legacy = try c.nestedContainer(keyedBy: LegacyKeys.self, forKey: .mined)
            self = .mined(document: try legacy.decode(String.self, forKey: .document), line: try legacy.decode(Int.self, forKey: .line))
            return
        }
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a concept source"))
    }

    /// Encodes the source compactly: one short key and an array.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .dictionary(file, line):
            var values = c.nestedUnkeyedContainer(forKey: .d)
            try values.encode(file)
            try values.encode(line)
        case let .mined(document, line):
            var values = c.nestedUnkeyedContainer(forKey: .m)
            try values.encode(document)
            try values.encode(line)
        case let .background(name, entry):
            var values = c.nestedUnkeyedContainer(forKey: .b)
            try values.encode(name)
            try values.encode(entry)
        case let .imported(name, file, line):
            var values = c.nestedUnkeyedContainer(forKey: .i)
            try values.encode(name)
            try values.encode(file)
            try values.encode(line)
        }
    }
}
