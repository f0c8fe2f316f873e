import Foundation
import HashiAnalysis

/// One surface term's membership in a concept: the term as written, its normalized key, what kind of
/// term it is, where the membership came from and how sure it is.
public struct ConceptMember: Sendable, Hashable, Codable {
    /// How a member takes part in its concept's expansions.
    public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
        /// Finding the member finds the concept, and the member is one of the concept's expansions
        /// (Solr's `a, b, c`).
        case equivalent
        /// Finding the member finds the concept, but the member is not an expansion of the others
        /// (the left side of Solr's `a, b => c`: `a` expands to `c`, `c` does not expand to `a`).
        case inputOnly
        /// The member is one of the concept's expansions, but finding it does not find the concept
        /// (SudachiDict's expansion control 1: `精算` is expanded to from `支払い`, never from itself).
        case expansionOnly

        /// Whether finding the member finds the concept.
        public var triggers: Bool { self != .expansionOnly }
        /// Whether the member is one of the concept's expansions.
        public var expands: Bool { self != .inputOnly }
    }

    /// The term as written in its source.
    public var text: String
    /// The sequence of word-stream terms of `text`: what lookups compare.
    public var key: ConceptKey
    /// `key` with every English word replaced by its Porter2 stem (when it has one), so that
    /// `measure` also finds `Confidence Building Measures`.
    public var stems: ConceptKey
    /// What kind of term this is.
    public var kind: MemberKind
    /// Whether the member is an expansion of the concept or only leads to it.
    public var role: Role
    /// The dictionary line or corpus place this membership comes from.
    public var source: ConceptSource
    /// How sure the membership is, 0…1 (1 for dictionary entries).
    public var confidence: Double
    /// How the form relates to the concept's other members, when the source says (SudachiDict does).
    public var form: MemberForm?

    /// A member with every field given (the confidence is clamped to 0…1; NaN becomes 0).
    public init(text: String, key: ConceptKey, stems: ConceptKey? = nil, kind: MemberKind, role: Role = .equivalent,
                source: ConceptSource, confidence: Double, form: MemberForm? = nil) {
        self.text = text
        self.key = key
        self.stems = stems ?? key
        self.kind = kind
        self.role = role
        self.source = source
        self.confidence = confidence.isNaN ? 0 : min(max(confidence, 0), 1)
        self.form = form
    }

    /// Whether the member may be offered as a suggestion: misuses and misspellings match documents
    /// but are never shown.
    public var isSuggestible: Bool { form?.isSuggestible ?? true }

    /// A member for `text`, normalized and classified with `analyzer`.
    /// - Throws: ``ConceptError/noTerms(text:source:)`` when `text` has no searchable terms (only
    ///   punctuation or spaces), ``ConceptError/icu(_:)`` when ICU fails.
    public init(text: String, role: Role = .equivalent, source: ConceptSource, confidence: Double,
                form: MemberForm? = nil, using analyzer: Analyzer) throws(ConceptError) {
        let tokens: [Token]
        do { tokens = try analyzer.tokens(of: text) } catch { throw .icu("\(error)") }
        var words: [Token] = []
        var stems: [String] = []
        for token in tokens {
            switch token.stream {
            case .word:
                words.append(token)
                stems.append(token.term)
            case .stem:
                if !stems.isEmpty { stems[stems.count - 1] = token.term }
            case .bigram:
                break
            }
        }
        guard !words.isEmpty else { throw .noTerms(text: text, source: source) }
        self.init(text: text, key: ConceptKey(terms: words.map(\.term)), stems: ConceptKey(terms: stems),
                  kind: MemberKind.classify(text, tokens: words), role: role, source: source, confidence: confidence,
                  form: form)
    }

    /// A member for `text` whose analyzer tokens are `tokens` (as ``BatchAnalysis`` gives them);
    /// nil when they hold no word (the text has no letters, digits, kana or ideographs).
    init?(text: String, tokens: [Token], role: Role, source: ConceptSource, confidence: Double, form: MemberForm? = nil) {
        var words: [Token] = []
        var stems: [String] = []
        for token in tokens {
            switch token.stream {
            case .word: words.append(token); stems.append(token.term)
            case .stem: if !stems.isEmpty { stems[stems.count - 1] = token.term }
            case .bigram: break
            }
        }
        guard !words.isEmpty else { return nil }
        self.init(text: text, key: ConceptKey(terms: words.map(\.term)), stems: ConceptKey(terms: stems),
                  kind: MemberKind.classify(text, tokens: words), role: role, source: source, confidence: confidence, form: form)
    }

    /// Whether two memberships are the same fact (same key, role and source), whatever their text and
    /// confidence.
    func sameMembership(as other: ConceptMember) -> Bool {
        key == other.key && role == other.role && source == other.source
    }

    /// The canonical order of members within a concept: key, role, source, then higher confidence first.
    static func canonicalOrder(_ a: ConceptMember, _ b: ConceptMember) -> Bool {
        if a.key != b.key { return a.key < b.key }
        if a.role != b.role { return a.role.order < b.role.order }
        if a.source != b.source { return a.source.sortKey < b.source.sortKey }
        if a.confidence != b.confidence { return a.confidence > b.confidence }
        if a.text != b.text { return a.text.unicodeScalars.lexicographicallyPrecedes(b.text.unicodeScalars) }
        return a.kind.rawValue < b.kind.rawValue
    }

    private enum CodingKeys: String, CodingKey {
        case text = "t", key = "k", stems = "s", kind = "c", role = "r", source = "o", confidence = "p", form = "f"
    }

    /// Decodes a member (stems default to the key; the confidence is clamped to 0…1).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let key = try c.decode(ConceptKey.self, forKey: .key)
        self.init(text: try c.decode(String.self, forKey: .text), key: key,
                  stems: try c.decodeIfPresent(ConceptKey.self, forKey: .stems),
                  kind: try c.decode(MemberKind.self, forKey: .kind),
                  role: try c.decodeIfPresent(Role.self, forKey: .role) ?? .equivalent,
                  source: try c.decode(ConceptSource.self, forKey: .source),
                  confidence: try c.decode(Double.self, forKey: .confidence),
                  form: try c.decodeIfPresent(MemberForm.self, forKey: .form))
    }

    /// Encodes a member compactly (stems only when they differ from the key, the role only when it is
    /// not `equivalent`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(text, forKey: .text)
        try c.encode(key, forKey: .key)
        if stems != key { try c.encode(stems, forKey: .stems) }
        try c.encode(kind, forKey: .kind)
        if role != .equivalent { try c.encode(role, forKey: .role) }
        try c.encode(source, forKey: .source)
        try c.encode(confidence, forKey: .confidence)
        try c.encodeIfPresent(form, forKey: .form)
    }
}

extension ConceptMember.Role {
    /// The canonical order of roles within a concept.
    var order: Int {
        switch self {
        case .equivalent: 0
        case .inputOnly: 1
        case .expansionOnly: 2
        }
    }
}

extension ConceptSource {
    /// A total order over sources (dictionary entries first, then by path and line).
    var sortKey: SourceSortKey {
        switch self {
        case let .dictionary(file, line): SourceSortKey(rank: 0, path: Array(file.unicodeScalars.map(\.value)), line: line)
        case let .mined(document, line): SourceSortKey(rank: 1, path: Array(document.unicodeScalars.map(\.value)), line: line)
        case let .background(name, entry):
            SourceSortKey(rank: 2, path: Array((name + "\u{0}" + entry).unicodeScalars.map(\.value)), line: 0)
        case let .imported(name, file, line):
            SourceSortKey(rank: 3, path: Array((name + "\u{0}" + file).unicodeScalars.map(\.value)), line: line)
        }
    }
}

struct SourceSortKey: Comparable {
    var rank: Int
    var path: [UInt32]
    var line: Int
    static func < (a: SourceSortKey, b: SourceSortKey) -> Bool {
        if a.rank != b.rank { return a.rank < b.rank }
        if a.path != b.path { return a.path.lexicographicallyPrecedes(b.path) }
        return a.line < b.line
    }
}

/// A set of surface terms that mean the same thing, with where each membership came from.
///
/// A concept is identified by its set of (key, role) pairs; its members are kept in a canonical order
/// with duplicate memberships (same key, role and source) collapsed to the most confident one.
public struct Concept: Sendable, Hashable, Codable {
    /// The memberships, in canonical order (by key, role, source).
    public private(set) var members: [ConceptMember]

    /// A concept of `members` (put in canonical order, duplicate memberships collapsed).
    public init(members: [ConceptMember]) {
        self.members = Concept.canonical(members)
    }

    /// The distinct keys of the members, sorted.
    public var keys: [ConceptKey] {
        var result: [ConceptKey] = []
        for member in members where result.last != member.key { result.append(member.key) }
        return result
    }

    /// The distinct keys of the members that are expansions (role `equivalent` or `expansionOnly`), sorted.
    public var expansionKeys: [ConceptKey] {
        var result: [ConceptKey] = []
        for member in members where member.role.expands && result.last != member.key { result.append(member.key) }
        return result
    }

    /// The (key, role) pairs that identify the concept.
    var elements: Set<Element> { Set(members.map { Element(key: $0.key, role: $0.role) }) }

    /// The highest confidence of any membership of `key` in this concept (nil if `key` is not a member).
    public func confidence(of key: ConceptKey) -> Double? {
        members.lazy.filter { $0.key == key }.map(\.confidence).max()
    }

    struct Element: Hashable {
        var key: ConceptKey
        var role: ConceptMember.Role
    }

    static func canonical(_ members: [ConceptMember]) -> [ConceptMember] {
        let sorted = members.sorted(by: ConceptMember.canonicalOrder)
        var result: [ConceptMember] = []
        // Exactly the room needed: a background dictionary's tens of thousands of concepts are held
        // through a build, and growing by doubling left up to half of each array unused.
        result.reserveCapacity(sorted.count)
        for member in sorted {
            // Sorted by key, role, source, then confidence descending: the first of a run is kept.
            if let last = result.last, last.sameMembership(as: member) { continue }
            result.append(member)
        }
        return result
    }

    /// Decodes a concept (re-establishing canonical order).
    public init(from decoder: any Decoder) throws {
        self.init(members: try decoder.singleValueContainer().decode([ConceptMember].self))
    }

    /// Encodes the members as an array.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(members)
    }
}

/// A term a lookup expands to, with how sure the expansion is and which source vouches for it.
public struct ConceptExpansion: Sendable, Hashable {
    /// The normalized key to search for.
    public var key: ConceptKey
    /// One written form of it (the most confident membership's text).
    public var text: String
    /// The member's kind.
    public var kind: MemberKind
    /// How sure the expansion is: the lower of the looked-up term's and the expansion's confidence
    /// in their shared concept (times ``ConceptMap/synonymFactor`` when a typed source says they are
    /// different lexemes), maximized over the concepts they share.
    public var confidence: Double
    /// The least trusted tier of the two memberships that link the looked-up term to this one, in
    /// the most trusted concept they share: a link only a background dictionary makes is background.
    public var tier: ConceptSource.Tier
    /// The expansion's membership that made the link (its source and form).
    public var member: ConceptMember
}

/// Where a concept member occurs in a sequence of terms (see ``ConceptMap/occurrences(in:)``).
public struct ConceptOccurrence: Sendable, Hashable {
    /// The range of term positions the member covers.
    public var range: Range<Int>
    /// The member key found there.
    public var key: ConceptKey
    /// The indices (into ``ConceptMap/concepts``) of the concepts it belongs to.
    public var concepts: [Int]
}

/// The errors of building and reading concepts.
public enum ConceptError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A term had no searchable words (only punctuation or spaces).
    case noTerms(text: String, source: ConceptSource)
    /// ICU failed while analyzing a term.
    case icu(String)
    /// Serialized concepts could not be read.
    case malformedSerialization(reason: String)

    /// A message naming the place of the problem.
    public var description: String {
        switch self {
        case let .noTerms(text, source):
            "\(source.place): the term \"\(text)\" has no letters, digits, kana or ideographs"
        case let .icu(message):
            "ICU failed while analyzing a concept term: \(message)"
        case let .malformedSerialization(reason):
            "the serialized concept map cannot be read: \(reason)"
        }
    }
}

extension ConceptSource {
    /// `path:line` of the source.
    public var place: String {
        switch self {
        case let .dictionary(file, line): "\(file):\(line)"
        case let .mined(document, line): "\(document):\(line)"
        case let .background(name, entry): "\(name) group \(entry)"
        case let .imported(_, file, line): "\(file):\(line)"
        }
    }
}

/// Concepts with lookup by normalized term, merging and a stable serialization.
///
/// The map is in a normal form whatever order it was built in: concepts with the same set of
/// (key, role) elements are one concept, with the memberships (the evidence) of all of them, and the
/// concepts are sorted by their elements. So merging is commutative, associative and idempotent, and
/// duplicate memberships or cycles (a ~ b, b ~ c, c ~ a from three sources) are harmless. No
/// transitive closure is taken and overlapping concepts are not joined: a term in two concepts (an
/// ambiguous abbreviation) expands to the members of both, but the two concepts stay apart, and
/// a pair mined in one document (GGE ~ 政府専門家会合) beside a triple from another (GGE ~ 政府専門家会合 ~
/// Group of Governmental Experts) stays two concepts whose lookups give the union.
public struct ConceptMap: Sendable, Hashable, Codable {
    /// The concepts in a stable order (by their sorted (key, role) elements).
    public private(set) var concepts: [Concept]
    /// The lookup tables: built at once by ``init(normalized:)`` (a search's table), on first use
    /// otherwise (a build only stores its map, and a large map's tables take a while to build).
    private var eagerLookups: Lookups? = nil
    private var lazyLookups = LazyValue<Lookups>()
    private var lazyPassiveLookups = LazyValue<[ConceptKey: [Int]]>()
    /// Whether ``concepts`` is known to be in normal form (false for ``init(normalized:)``, which
    /// trusts its input).
    private var isNormalForm = true

    /// The format name written by ``serialized()``.
    public static let format = "hashi-concepts-1"

    /// An empty map.
    public init() {
        concepts = []
    }

    /// A map of `concepts`, put in normal form (see the type's documentation). Concepts without members
    /// are dropped.
    public init(_ concepts: [Concept]) {
        self.concepts = ConceptMap.normalForm(concepts)
    }

    /// A map of concepts already in normal form, in order (as ``concepts`` of a map gives them, and as
    /// an index's concept table stores them): only the lookup tables are built, which is much
    /// faster for large maps. Concepts out of order still work for lookups; only the map's order
    /// and equality with other maps would differ.
    public init(normalized concepts: [Concept]) {
        self.concepts = concepts.filter { !$0.members.isEmpty }
        isNormalForm = false
        eagerLookups = Lookups(self.concepts)
    }

    /// The union of this map and `other` (in normal form).
    public func merged(with other: ConceptMap) -> ConceptMap {
        // A map is in normal form already, and the normal form of one map's concepts is that map:
        // merging with an empty map needs no work (the built-in background dictionary's thousands
        // of concepts are merged into an often empty map on every build).
        if other.concepts.isEmpty && isNormalForm { return self }
        if concepts.isEmpty && other.isNormalForm { return other }
        return ConceptMap(concepts + other.concepts)
    }

    /// The union of this map and `concepts`: the map `merged(with: ConceptMap(concepts))` gives,
    /// without putting `concepts` in normal form on their own first (a
    /// build merges thousands of background concepts, and that map would be held beside both).
    public func merged(with concepts: [Concept]) -> ConceptMap {
        if concepts.isEmpty && isNormalForm { return self }
        return ConceptMap(self.concepts + concepts)
    }

    /// The union of `maps`.
    public static func merging(_ maps: [ConceptMap]) -> ConceptMap {
        ConceptMap(maps.flatMap(\.concepts))
    }

    /// The map without memberships below `minimumConfidence` (and without concepts left with fewer
    /// than two distinct keys).
    public func filtered(minimumConfidence: Double) -> ConceptMap {
        ConceptMap(concepts.compactMap { concept in
            let kept = concept.members.filter { $0.confidence >= minimumConfidence }
            let distinct = Set(kept.map(\.key))
            return distinct.count >= 2 ? Concept(members: kept) : nil
        })
    }

    /// Every distinct member key, sorted (including members that do not trigger their concepts).
    public var keys: [ConceptKey] { Set(concepts.flatMap { $0.members.map(\.key) }).sorted() }

    /// The concepts `key` triggers (as a member, exactly or by its stems), in map order. A member
    /// with role ``ConceptMember/Role/expansionOnly`` does not trigger its concept.
    public func concepts(containing key: ConceptKey) -> [Concept] {
        conceptIndices(containing: key).map { concepts[$0] }
    }

    /// The indices of the concepts `key` triggers: exact key matches, then stem matches.
    public func conceptIndices(containing key: ConceptKey) -> [Int] {
        let exact = lookups.byKey[key] ?? []
        let stemmed = lookups.byStems[key] ?? []
        return Array(Set(exact + stemmed)).sorted()
    }

    /// The concepts `key` is a member of, in any role (by the exact key, not by stems), in map order.
    public func memberships(ofKey key: ConceptKey) -> [Concept] {
        let passive = lazyPassiveLookups.get { Self.passiveLookups(concepts) }
        return Array(Set((lookups.byKey[key] ?? []) + (passive[key] ?? []))).sorted().map { concepts[$0] }
    }

    /// The concepts `text` triggers, normalizing `text` with `analyzer` (so `ＧＧＥ`, `gge` and
    /// `GGE` find the same concepts; `confidence building measure` finds `Confidence Building Measures`
    /// by stems).
    /// - Throws: ``ICUError`` if ICU fails.
    public func concepts(containing text: String, using analyzer: Analyzer) throws(ICUError) -> [Concept] {
        let (key, stems) = try ConceptMap.keys(of: text, using: analyzer)
        return Array(Set(conceptIndices(containing: key) + (lookups.byStems[stems] ?? []))).sorted().map { concepts[$0] }
    }

    /// The concepts `text` belongs to in any role, including those it does not trigger (for showing
    /// a term's memberships).
    /// - Throws: ``ICUError`` if ICU fails.
    public func memberships(of text: String, using analyzer: Analyzer) throws(ICUError) -> [Concept] {
        let (key, stems) = try ConceptMap.keys(of: text, using: analyzer)
        return concepts.filter { concept in concept.members.contains { $0.key == key || $0.stems == stems } }
    }

    /// What `key` expands to: every expansion key of every concept it triggers, except `key` itself,
    /// most trusted tier first, then most confident (then by key).
    public func expansions(of key: ConceptKey) -> [ConceptExpansion] {
        expansions(ofConcepts: conceptIndices(containing: key), lookedUp: key, stems: key)
    }

    /// What `text` (normalized with `analyzer`) expands to; see ``expansions(of:)``.
    /// - Throws: ``ICUError`` if ICU fails.
    public func expansions(of text: String, using analyzer: Analyzer) throws(ICUError) -> [ConceptExpansion] {
        let (key, stems) = try ConceptMap.keys(of: text, using: analyzer)
        let indices = Array(Set(conceptIndices(containing: key) + (lookups.byStems[stems] ?? []))).sorted()
        return expansions(ofConcepts: indices, lookedUp: key, stems: stems)
    }

    /// How much weaker an expansion is when a typed source says the two terms are different
    /// lexemes of one group (synonyms) rather than forms of one lexeme (spellings, translations,
    /// abbreviations of the same word).
    public static let synonymFactor = 0.8

    /// The member keys occurring in `terms` (a word-stream term sequence, e.g. a query's), longest
    /// first at each position, scanning left to right without overlaps.
    public func occurrences(in terms: [String]) -> [ConceptOccurrence] {
        var result: [ConceptOccurrence] = []
        var position = 0
        while position < terms.count {
            var best: ConceptKey? = nil
            for candidate in lookups.byFirstTerm[terms[position]] ?? [] where candidate.terms.count <= terms.count - position {
                if Array(terms[position..<(position + candidate.terms.count)]) == candidate.terms,
                   candidate.terms.count > (best?.terms.count ?? 0) {
                    best = candidate
                }
            }
            if let best, let indices = lookups.byKey[best] {
                result.append(ConceptOccurrence(range: position..<(position + best.terms.count), key: best, concepts: indices))
                position += best.terms.count
            } else {
                position += 1
            }
        }
        return result
    }

    // MARK: - Serialization

    private struct Envelope: Codable {
        var format: String
        var concepts: [Concept]
    }

    /// The map as compact JSON (UTF-8, keys sorted, concepts in map order): the same map always gives
    /// the same bytes.
    public func serialized() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, numbers and arrays cannot fail; an empty array would be read back as an error.
        return (try? Array(encoder.encode(Envelope(format: ConceptMap.format, concepts: concepts)))) ?? []
    }

    /// Reads a map written by ``serialized()``.
    /// - Throws: ``ConceptError/malformedSerialization(reason:)`` for bytes that are not such a map.
    public init(serialized bytes: [UInt8]) throws(ConceptError) {
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: Data(bytes))
        } catch {
            throw .malformedSerialization(reason: "\(error)")
        }
        guard envelope.format == ConceptMap.format else {
            throw .malformedSerialization(reason: "format \"\(envelope.format)\", expected \"\(ConceptMap.format)\"")
        }
        self.init(envelope.concepts)
    }

    /// Decodes the array of concepts (putting it in normal form).
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([Concept].self))
    }

    /// Encodes the concepts as an array.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(concepts)
    }

    /// Maps are equal when their concepts are.
    public static func == (lhs: ConceptMap, rhs: ConceptMap) -> Bool { lhs.concepts == rhs.concepts }

    /// Hashes the concepts.
    public func hash(into hasher: inout Hasher) { hasher.combine(concepts) }

    // MARK: - Internals

    private static func keys(of text: String, using analyzer: Analyzer) throws(ICUError) -> (ConceptKey, ConceptKey) {
        var words: [String] = []
        var stems: [String] = []
        for token in try analyzer.tokens(of: text) {
            switch token.stream {
            case .word: words.append(token.term); stems.append(token.term)
            case .stem: if !stems.isEmpty { stems[stems.count - 1] = token.term }
            case .bigram: break
            }
        }
        return (ConceptKey(terms: words), ConceptKey(terms: stems))
    }

    private func expansions(ofConcepts indices: [Int], lookedUp key: ConceptKey, stems: ConceptKey) -> [ConceptExpansion] {
        var best: [ConceptKey: ConceptExpansion] = [:]
        for index in indices {
            let concept = concepts[index]
            // The looked-up term's own memberships here that trigger the concept.
            let own = concept.members.filter { $0.role.triggers && ($0.key == key || $0.stems == stems || $0.stems == key) }
            guard !own.isEmpty else { continue }
            for member in concept.members where member.role.expands && member.key != key {
                // The best link from one of the term's memberships to this one (compared before an
                // expansion is built: a common key meets the same member through many concepts).
                var link: (confidence: Double, tier: ConceptSource.Tier)? = nil
                for mine in own {
                    var confidence = min(mine.confidence, member.confidence)
                    if let a = mine.form, let b = member.form, a.isOtherLexeme(than: b) { confidence *= Self.synonymFactor }
                    let tier = max(mine.source.tier, member.source.tier)
                    if let l = link, !(tier != l.tier ? tier < l.tier : confidence > l.confidence) { continue }
                    link = (confidence, tier)
                }
                guard let link else { continue }
                if let existing = best[member.key],
                   !(link.tier != existing.tier ? link.tier < existing.tier : link.confidence > existing.confidence) { continue }
                best[member.key] = ConceptExpansion(key: member.key, text: member.text, kind: member.kind,
                                                    confidence: link.confidence, tier: link.tier, member: member)
            }
        }
        return best.values.sorted { a, b in
            if a.tier != b.tier { return a.tier < b.tier }
            return a.confidence != b.confidence ? a.confidence > b.confidence : a.key < b.key
        }
    }

    /// The lookup tables.
    private var lookups: Lookups { eagerLookups ?? lazyLookups.get { Lookups(concepts) } }

    /// The concepts of members that do not trigger them, by key (only ``memberships(ofKey:)`` needs
    /// them, and only for some queries).
    private static func passiveLookups(_ concepts: [Concept]) -> [ConceptKey: [Int]] {
        var made: [ConceptKey: [Int]] = [:]
        for (index, concept) in concepts.enumerated() {
            for member in concept.members where !member.role.triggers && made[member.key]?.last != index {
                made[member.key, default: []].append(index)
            }
        }
        return made
    }

    /// Member keys and stems → indices of the concepts they trigger; first terms → keys.
    struct Lookups: Sendable {
        var byKey: [ConceptKey: [Int]] = [:]
        var byStems: [ConceptKey: [Int]] = [:]
        var byFirstTerm: [String: [ConceptKey]] = [:]

        init(_ concepts: [Concept]) {
            // Sized once: growing a table of a large map rehashes every key several times.
            let members = concepts.reduce(0) { $0 + $1.members.count }
            byKey.reserveCapacity(members)
            byStems.reserveCapacity(members / 4)
            for (index, concept) in concepts.enumerated() {
                for member in concept.members where member.role.triggers {
                    if byKey[member.key]?.last != index { byKey[member.key, default: []].append(index) }
                    if member.stems != member.key, byStems[member.stems]?.last != index {
                        byStems[member.stems, default: []].append(index)
                    }
                }
            }
            byFirstTerm.reserveCapacity(byKey.count)
            for key in byKey.keys {
                if let first = key.terms.first { byFirstTerm[first, default: []].append(key) }
            }
        }
    }

    /// A value built on first use, once, whichever thread asks first (a map's concepts never change
    /// after it is made, so every copy of a map may share what is derived from them).
    final class LazyValue<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Value?

        func get(_ make: () -> Value) -> Value {
            lock.lock()
            defer { lock.unlock() }
            if let value { return value }
            let made = make()
            value = made
            return made
        }
    }

    private static func elementOrder(_ a: [Concept.Element], _ b: [Concept.Element]) -> Bool {
        a.lexicographicallyPrecedes(b) { x, y in
            x.key != y.key ? x.key < y.key : x.role.order < y.role.order
        }
    }

    private static func sortedElements(_ set: Set<Concept.Element>) -> [Concept.Element] {
        set.sorted { x, y in x.key != y.key ? x.key < y.key : x.role.order < y.role.order }
    }

    /// Concepts with equal element sets unified (their memberships pooled), sorted by elements.
    ///
    /// A concept alone in its group is kept as it is: its members are in canonical order already,
    /// which is what pooling them again would give (most concepts of a build are alone).
    static func normalForm(_ input: [Concept]) -> [Concept] {
        var groups: [Set<Concept.Element>: [Int]] = [:]
        groups.reserveCapacity(input.count)
        for (k, concept) in input.enumerated() where !concept.members.isEmpty {
            groups[concept.elements, default: []].append(k)
        }
        var result = groups.map { set, indices in
            (sortedElements(set), indices.count == 1 ? input[indices[0]] : Concept(members: indices.flatMap { input[$0].members }))
        }
        result.sort { elementOrder($0.0, $1.0) }
        return result.map(\.1)
    }
}
