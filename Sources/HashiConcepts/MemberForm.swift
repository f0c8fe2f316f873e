/// How a member's written form relates to the other members of its concept, as a typed background
/// dictionary (SudachiDict's synonyms) records it: which lexeme of the group it is, and whether it is
/// the representative form, a translation, an alias, an old name or a misuse, an abbreviation, an
/// alphabetic spelling, a variant or a misspelling.
public struct MemberForm: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The form's relation to its lexeme's representative form (SudachiDict field 4).
    public enum Relation: String, Sendable, Hashable, Codable, CaseIterable {
        /// The representative form (代表語).
        case representative
        /// A translation (対訳), e.g. an English equivalent.
        case translation
        /// Another name: a common name or nickname (別称).
        case alias
        /// A former name (旧称).
        case oldName
        /// A misuse (誤用): matched in documents, never suggested.
        case misuse
    }

    /// Whether the form is an abbreviation of its relation's representative form (SudachiDict field 5).
    public enum Abbreviation: String, Sendable, Hashable, Codable, CaseIterable {
        /// Not an abbreviation.
        case none
        /// An abbreviation in the Latin alphabet (`AI`).
        case alphabetic
        /// Another abbreviation (`インフル` for `インフルエンザ`).
        case other
    }

    /// How the form is spelled relative to its abbreviation form's representative spelling
    /// (SudachiDict field 6).
    public enum Spelling: String, Sendable, Hashable, Codable, CaseIterable {
        /// The representative spelling.
        case representative
        /// The alphabetic spelling: a loanword's original spelling (`due diligence`) or romanization.
        case alphabetic
        /// A variant spelling (`あいまい` for `曖昧`).
        case variant
        /// A misspelling: matched in documents, never suggested.
        case misspelling
    }

    /// The numbers of the lexemes the form belongs to within its group (members of one lexeme differ
    /// only in form; different lexemes of a group are synonyms). Usually one (SudachiDict writes
    /// `1/2` for a short form shared by two lexemes); empty when the source does not say.
    public var lexemes: [Int]
    /// The relation to the lexeme's representative form.
    public var relation: Relation
    /// The abbreviation type.
    public var abbreviation: Abbreviation
    /// The spelling type.
    public var spelling: Spelling
    /// The subject field (`IT`, `医療`, `法律`), when the source gives one.
    public var domain: String?

    /// Creates a form description.
    public init(lexemes: [Int] = [], relation: Relation = .representative, abbreviation: Abbreviation = .none,
                spelling: Spelling = .representative, domain: String? = nil) {
        self.lexemes = lexemes
        self.relation = relation
        self.abbreviation = abbreviation
        self.spelling = spelling
        self.domain = domain
    }

    /// Whether two forms are of different lexemes (synonyms rather than forms of one word): both
    /// name their lexemes and share none.
    public func isOtherLexeme(than other: MemberForm) -> Bool {
        !lexemes.isEmpty && !other.lexemes.isEmpty && Set(lexemes).isDisjoint(with: other.lexemes)
    }

    /// Whether the form may be shown as a suggestion (misuses and misspellings are matched in
    /// documents but never offered).
    public var isSuggestible: Bool { relation != .misuse && spelling != .misspelling }

    /// A short description: `translation`, `alphabetic spelling`, `abbreviation (alphabetic)`,
    /// `variant spelling, old name`, …; `representative` when nothing else applies.
    public var description: String {
        var parts: [String] = []
        switch relation {
        case .representative: break
        case .translation: parts.append("translation")
        case .alias: parts.append("alias")
        case .oldName: parts.append("old name")
        case .misuse: parts.append("misuse")
        }
        switch abbreviation {
        case .none: break
        case .alphabetic: parts.append("abbreviation (alphabetic)")
        case .other: parts.append("abbreviation")
        }
        switch spelling {
        case .representative: break
        case .alphabetic: parts.append("alphabetic spelling")
        case .variant: parts.append("variant spelling")
        case .misspelling: parts.append("misspelling")
        }
        if parts.isEmpty { parts.append("representative") }
        if !lexemes.isEmpty { parts.append("lexeme " + lexemes.map(String.init).joined(separator: "/")) }
        if let domain, !domain.isEmpty { parts.append(domain) }
        return parts.joined(separator: ", ")
    }

    private enum CodingKeys: String, CodingKey {
        case lexemes = "l", relation = "r", abbreviation = "a", spelling = "s", domain = "d"
    }

    /// Decodes a form (absent fields take their defaults).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(lexemes: try c.decodeIfPresent([Int].self, forKey: .lexemes) ?? [],
                  relation: try c.decodeIfPresent(Relation.self, forKey: .relation) ?? .representative,
                  abbreviation: try c.decodeIfPresent(Abbreviation.self, forKey: .abbreviation) ?? .none,
                  spelling: try c.decodeIfPresent(Spelling.self, forKey: .spelling) ?? .representative,
                  domain: try c.decodeIfPresent(String.self, forKey: .domain))
    }

    /// Encodes a form compactly (fields at their defaults are left out).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !lexemes.isEmpty { try c.encode(lexemes, forKey: .lexemes) }
        if relation != .representative { try c.encode(relation, forKey: .relation) }
        if abbreviation != .none { try c.encode(abbreviation, forKey: .abbreviation) }
        if spelling != .representative { try c.encode(spelling, forKey: .spelling) }
        try c.encodeIfPresent(domain, forKey: .domain)
    }
}
