import HashiAnalysis

/// The normalized form of a concept member or of a looked-up term: the sequence of the analyzer's
/// word-stream terms (`ＧＧＥ`, `gge` and `GGE` all have the key `gge`; `Group of Governmental
/// Experts` has the key `group of governmental experts`, four terms).
///
/// Keys compare and sort by their terms, so a ``ConceptMap`` built from the same members always has
/// the same order.
public struct ConceptKey: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The word-stream terms, in text order.
    public var terms: [String]

    /// A key made of already normalized terms (as the analyzer's word stream gives them).
    public init(terms: [String]) {
        self.terms = terms
    }

    /// The key of `text`: the terms of the analyzer's word stream.
    /// - Throws: ``ICUError`` if ICU fails.
    public init(normalizing text: String, using analyzer: Analyzer) throws(ICUError) {
        terms = try analyzer.tokens(of: text).filter { $0.stream == .word }.map(\.term)
    }

    /// Whether the key has no terms (the text had no letters, digits, kana or ideographs).
    public var isEmpty: Bool { terms.isEmpty }

    /// The terms joined by single spaces.
    public var description: String { terms.joined(separator: " ") }

    /// Whether the keys have the same terms, byte for byte: the analyzer's terms are normalized
    /// (NFKC), so strings that Swift finds canonically equivalent are equal bytes already, and
    /// comparing and hashing bytes spares the normalization Swift's `String` does for non-ASCII text
    /// (most of the time spent building a large map's lookup tables).
    public static func == (lhs: ConceptKey, rhs: ConceptKey) -> Bool {
        guard lhs.terms.count == rhs.terms.count else { return false }
        for (a, b) in zip(lhs.terms, rhs.terms) where !a.utf8.elementsEqual(b.utf8) { return false }
        return true
    }

    /// Hashes the terms' UTF-8 bytes (see ``==(_:_:)``).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(terms.count)
        for term in terms {
            var term = term
            term.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            hasher.combine(0xFF as UInt8)
        }
    }

    /// Lexicographic order of the term sequences (by Unicode scalars, independent of locale).
    public static func < (lhs: ConceptKey, rhs: ConceptKey) -> Bool {
        lhs.terms.lexicographicallyPrecedes(rhs.terms) { a, b in
            a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
        }
    }

    /// Encoded as the array of terms.
    public init(from decoder: any Decoder) throws {
        terms = try decoder.singleValueContainer().decode([String].self)
    }

    /// Encodes the array of terms.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(terms)
    }
}

/// What kind of surface form a concept member is.
public enum MemberKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// English (Latin-script) words or phrases: `due diligence`.
    case english
    /// An abbreviation: a single Latin word of two to eight letters, mostly capitals (`GGE`, `CCDCoE`).
    case abbreviation
    /// Katakana only (a loanword): `デューデリジェンス`.
    case katakana
    /// Japanese with kanji (possibly with kana): `相当の注意義務`, `政府専門家会合`.
    case kanji
    /// Hiragana only (usually a reading): `ふえん`.
    case hiragana
    /// Several scripts mixed, e.g. Latin and Japanese: `ICT格差`.
    case mixed
    /// Anything else (digits only, other scripts).
    case other

    /// The kind of `text`, judged from the analyzer's tokens of it (`tokens` are its word-stream tokens).
    public static func classify(_ text: String, tokens: [Token]) -> MemberKind {
        let scripts = Set(tokens.map(\.script))
        if scripts.isEmpty { return .other }
        if scripts.isSubset(of: [.latin, .number]) {
            if scripts == [.number] { return .other }
            if tokens.count == 1, isAbbreviationShaped(text) { return .abbreviation }
            return .english
        }
        if scripts == [.katakana] { return .katakana }
        if scripts == [.hiragana] { return .hiragana }
        if scripts.isSubset(of: [.han, .japanese, .katakana, .hiragana, .number]) { return .kanji }
        if scripts.contains(.other) && scripts.count == 1 { return .other }
        return .mixed
    }

    /// The ASCII letter or digit a full-width one (`Ｇ`, `ｇ`, `１`) stands for; other values unchanged.
    static func halfWidth(_ value: UInt32) -> UInt32 {
        switch value {
        case 0xFF10...0xFF19, 0xFF21...0xFF3A, 0xFF41...0xFF5A: value - 0xFEE0
        default: value
        }
    }

    /// Whether `text` (after trimming) looks like an abbreviation: 2–8 Latin letters or digits with at
    /// least two capitals, capitals being the majority of the letters (`GGE`, `CCDCoE`, `DDoS`, `G7`
    /// does not count: only one capital).
    public static func isAbbreviationShaped(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars.filter { !$0.properties.isWhitespace })
        guard (2...8).contains(scalars.count) else { return false }
        var upper = 0
        var lower = 0
        for s in scalars {
            let v = s.value
            // Full-width Latin letters count like ASCII ones.
            let folded = halfWidth(v)
            switch folded {
            case 0x41...0x5A: upper += 1
            case 0x61...0x7A: lower += 1
            case 0x30...0x39, 0xFF10...0xFF19: break
            default: return false
            }
        }
        return upper >= 2 && upper > lower
    }
}
