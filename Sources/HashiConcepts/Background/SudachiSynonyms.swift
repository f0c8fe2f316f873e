import HashiAnalysis

/// Reads SudachiDict's synonym dictionary (`synonyms.txt`, Apache-2.0): CSV lines of group number,
/// noun/verb flag, expansion control, lexeme number, form type, abbreviation type, spelling type,
/// domain and headword, groups separated by blank lines.
///
/// Each group becomes one concept whose members keep their types (``MemberForm``):
/// - expansion control 0: an ordinary member; 1: ``ConceptMember/Role/expansionOnly`` (expanded to,
///   never a trigger); 2: left out (the format keeps it as a deletion record);
/// - misuses and misspellings match documents but are not suggestions (``MemberForm/isSuggestible``);
/// - abbreviations and alphabetic spellings are members like any other.
public enum SudachiSynonyms {
    /// The name sources and explanations use.
    public static let name = "SudachiDict synonyms"
    /// The release shipped (the file's date in SudachiDict's repository).
    public static let release = "20240109"

    /// One line of the file.
    public struct Entry: Sendable, Hashable {
        /// The group number as written (six digits).
        public var group: String
        /// The 1-based line.
        public var line: Int
        /// Expansion control: 0 always, 1 expanded to but never a trigger, 2 never used.
        public var expansion: Int
        /// The member's form (lexeme number, form, abbreviation and spelling types, domain).
        public var form: MemberForm
        /// The headword.
        public var headword: String
    }

    /// The confidence of a built-in membership: below any curated entry (1) and any mined pair that
    /// takes part in search (≥ 0.6); ranking keeps background-only matches after direct ones anyway.
    public static let baseConfidence = 0.5

    /// The confidence of a member of `form`: forms of the lexeme's representative spelling count
    /// fully; aliases, old names and abbreviations a little less; misuses and misspellings least.
    public static func confidence(of form: MemberForm) -> Double {
        if form.relation == .misuse || form.spelling == .misspelling { return baseConfidence * 0.7 }
        if form.relation == .alias || form.relation == .oldName || form.abbreviation != .none { return baseConfidence * 0.9 }
        return baseConfidence
    }

    /// Parses the file's bytes (`file` names it in errors).
    /// - Throws: ``BackgroundDictionaryError`` for bytes that are not UTF-8 or a malformed line.
    public static func entries(bytes: [UInt8], file: String) throws(BackgroundDictionaryError) -> [Entry] {
        var entries: [Entry] = []
        try forEachEntry(bytes: bytes, file: file) { entries.append($0) }
        return entries
    }

    /// Parses the file's bytes one line at a time, handing each entry to `body` in file order.
    /// - Throws: ``BackgroundDictionaryError`` for bytes that are not UTF-8 or a malformed line.
    static func forEachEntry(bytes: [UInt8], file: String,
                             _ body: (Entry) throws(BackgroundDictionaryError) -> Void) throws(BackgroundDictionaryError) {
        var lineNumber = 0
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while start < bytes.count {
            lineNumber += 1
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            var lineEnd = end
            if lineEnd > start && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            if lineEnd > start {
                guard let text = String(validating: bytes[start..<lineEnd], as: UTF8.self) else {
                    throw .undecodable(file: file, line: lineNumber, byteOffset: firstInvalidByte(bytes[start..<lineEnd]))
                }
                if let entry = try entry(text, file: file, line: lineNumber) { try body(entry) }
            }
            start = end + 1
        }
    }

    /// Entries analysed per batch by ``analyzedConcepts(bytes:file:using:)`` (more, to the end of a group).
    public static let entriesPerBatch = 2_048

    /// ``analyzedConcepts(of:using:)`` of the entries of a file's bytes, parsed and analysed a
    /// batch of groups at a time: neither every entry nor every headword's tokens are held at once
    /// (for SudachiDict's 65,000 lines they took tens of megabytes). The result is the same, since
    /// a batch always ends at the end of a group (`batchSize` entries or a few more). Also returns
    /// how many lines were entries.
    /// - Throws: ``BackgroundDictionaryError`` for bytes that are not UTF-8, a malformed line, or
    ///   when ICU fails.
    public static func analyzedConcepts(bytes: [UInt8], file: String, using analyzer: Analyzer, batchSize: Int = entriesPerBatch)
        throws(BackgroundDictionaryError) -> (concepts: [Concept], fallbackTokens: CorpusPresence.FallbackTokens, entries: Int) {
        var concepts: [Concept] = []
        var fallback: CorpusPresence.FallbackTokens = []
        var batch: [Entry] = []
        var count = 0
        func analyseBatch() throws(BackgroundDictionaryError) {
            let made = try analyzedConcepts(of: batch, using: analyzer)
            concepts += made.concepts
            fallback += made.fallbackTokens
            batch.removeAll(keepingCapacity: true)
        }
        try forEachEntry(bytes: bytes, file: file) { (entry) throws(BackgroundDictionaryError) in
            count += 1
            // Deletion records take no part (left out here as analyzedConcepts(of:) leaves them out,
            // so that they never separate two runs of one group).
            guard entry.expansion != 2 else { return }
            if batch.count >= batchSize, entry.group != batch.last?.group { try analyseBatch() }
            batch.append(entry)
        }
        try analyseBatch()
        return (concepts, fallback, count)
    }

    /// Parses one line; nil for a blank line.
    static func entry(_ line: String, file: String, line number: Int) throws(BackgroundDictionaryError) -> Entry? {
        // A line starting with a visible ASCII character (every entry: its group number) is not
        // blank; only others need the Unicode white-space test.
        let startsVisible = line.utf8.first.map { $0 > 0x20 && $0 < 0x7F } ?? false
        if !startsVisible && line.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) { return nil }
        let fields = try csvFields(line, file: file, line: number)
        guard fields.count >= 9 else {
            throw .malformedLine(file: file, line: number, reason: "\(fields.count) fields, expected at least 9 (group, flags, domain, headword)")
        }
        func flag(_ k: Int, _ name: String, allowed: ClosedRange<Int>, default value: Int) throws(BackgroundDictionaryError) -> Int {
            let text = fields[k]
            if text.isEmpty { return value }
            guard let n = Int(text), allowed.contains(n) else {
                throw .malformedLine(file: file, line: number, reason: "field \(k) (\(name)) is \"\(text)\", expected \(allowed.lowerBound)…\(allowed.upperBound)")
            }
            return n
        }
        let group = fields[0]
        guard !group.isEmpty, group.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else {
            throw .malformedLine(file: file, line: number, reason: "the group number \"\(group)\" is not a number")
        }
        let expansion = try flag(2, "expansion control", allowed: 0...2, default: 0)
        var lexemes: [Int] = []
        if !fields[3].isEmpty {
            for part in fields[3].split(separator: "/", omittingEmptySubsequences: false) {
                guard let n = Int(part), n >= 1 else {
                    throw .malformedLine(file: file, line: number, reason: "field 3 (lexeme number) is \"\(fields[3])\", expected numbers ≥ 1 separated by /")
                }
                lexemes.append(n)
            }
        }
        let relation: MemberForm.Relation = switch try flag(4, "form type", allowed: 0...4, default: 0) {
        case 1: .translation
        case 2: .alias
        case 3: .oldName
        case 4: .misuse
        default: .representative
        }
        let abbreviation: MemberForm.Abbreviation = switch try flag(5, "abbreviation type", allowed: 0...2, default: 0) {
        case 1: .alphabetic
        case 2: .other
        default: .none
        }
        let spelling: MemberForm.Spelling = switch try flag(6, "spelling type", allowed: 0...3, default: 0) {
        case 1: .alphabetic
        case 2: .variant
        case 3: .misspelling
        default: .representative
        }
        var domain = fields[7]
        if domain.hasPrefix("(") && domain.hasSuffix(")") { domain = String(domain.dropFirst().dropLast()) }
        let headword = fields[8]
        guard !headword.isEmpty else { throw .malformedLine(file: file, line: number, reason: "the headword (field 8) is empty") }
        return Entry(group: group, line: number, expansion: expansion,
                     form: MemberForm(lexemes: lexemes, relation: relation, abbreviation: abbreviation, spelling: spelling,
                                      domain: domain.isEmpty ? nil : domain),
                     headword: headword)
    }

    /// The fields of an RFC 4180 CSV line (quoted fields may hold commas and doubled quotes).
    static func csvFields(_ line: String, file: String, line number: Int) throws(BackgroundDictionaryError) -> [String] {
        // Almost every line has no quotes: split its bytes at commas.
        if !line.utf8.contains(UInt8(ascii: "\"")) {
            return line.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { String(Substring($0)) }
        }
        var fields: [String] = []
        var current = ""
        var quoted = false
        var afterQuote = false
        var scalars = line.unicodeScalars.makeIterator()
        var atFieldStart = true
        while let c = scalars.next() {
            if quoted {
                if c == "\"" { quoted = false; afterQuote = true } else { current.unicodeScalars.append(c) }
                continue
            }
            if c == "," {
                fields.append(current)
                current = ""
                atFieldStart = true
                afterQuote = false
                continue
            }
            if c == "\"" {
                if atFieldStart { quoted = true; atFieldStart = false; continue }
                if afterQuote { current.unicodeScalars.append(c); quoted = true; afterQuote = false; continue }
                throw .malformedLine(file: file, line: number, reason: "a quote inside an unquoted field")
            }
            if afterQuote { throw .malformedLine(file: file, line: number, reason: "text after a closing quote") }
            atFieldStart = false
            current.unicodeScalars.append(c)
        }
        if quoted { throw .malformedLine(file: file, line: number, reason: "an unclosed quote") }
        fields.append(current)
        return fields
    }

    /// The concepts of `entries`: one per group, members analyzed with `analyzer` in one batch.
    /// Entries with expansion control 2 and headwords without searchable terms are left out, and
    /// so are groups left with fewer than two distinct keys.
    /// - Throws: ``BackgroundDictionaryError/icu(_:)`` when ICU fails.
    public static func conceptMap(of entries: [Entry], using analyzer: Analyzer) throws(BackgroundDictionaryError) -> ConceptMap {
        ConceptMap(try concepts(of: entries, using: analyzer))
    }

    /// The concepts of `entries`, one per group in file order, as ``conceptMap(of:using:)`` builds
    /// them but without putting them in a map (which indexes every key: wasted work when most
    /// concepts are about to be filtered out).
    /// - Throws: ``BackgroundDictionaryError/icu(_:)`` when ICU fails.
    public static func concepts(of entries: [Entry], using analyzer: Analyzer) throws(BackgroundDictionaryError) -> [Concept] {
        try analyzedConcepts(of: entries, using: analyzer).concepts
    }

    /// ``concepts(of:using:)``, with the tokens ``CorpusPresence`` needs for its bigram test,
    /// aligned with each concept's members, so that it need not analyze them again.
    /// - Throws: ``BackgroundDictionaryError/icu(_:)`` when ICU fails.
    public static func analyzedConcepts(of entries: [Entry], using analyzer: Analyzer)
        throws(BackgroundDictionaryError) -> (concepts: [Concept], fallbackTokens: CorpusPresence.FallbackTokens) {
        let used = entries.filter { $0.expansion != 2 }
        let tokens: [[Token]]
        do { tokens = try BatchAnalysis.tokens(of: used.map(\.headword), using: analyzer) } catch {
            throw .icu(error.description)
        }
        var concepts: [Concept] = []
        var fallback: CorpusPresence.FallbackTokens = []
        var members: [ConceptMember] = []
        var memberTokens: [[Token]] = []
        var group: String? = nil
        func closeGroup() {
            defer { members.removeAll(keepingCapacity: true); memberTokens.removeAll(keepingCapacity: true) }
            guard let first = members.first, members.contains(where: { $0.key != first.key }) else { return }
            let concept = Concept(members: members)
            // The concept orders its members canonically: align the tokens with that order (groups
            // are small, and the members share their strings, so a linear search is cheap).
            concepts.append(concept)
            fallback.append(concept.members.map { member in
                members.firstIndex(of: member).map { memberTokens[$0] } ?? []
            })
        }
        for (entry, entryTokens) in zip(used, tokens) {
            if entry.group != group {
                closeGroup()
                group = entry.group
            }
            guard let member = member(entry, tokens: entryTokens) else { continue }
            members.append(member)
            memberTokens.append(CorpusPresence.needsBigramTest(member) ? entryTokens.filter(CorpusPresence.isBigramTestToken) : [])
        }
        closeGroup()
        return (concepts, fallback)
    }

    /// The member of `entry` whose analyzer tokens are `tokens`; nil when it has no word terms.
    static func member(_ entry: Entry, tokens: [Token]) -> ConceptMember? {
        ConceptMember(text: entry.headword, tokens: tokens, role: entry.expansion == 1 ? .expansionOnly : .equivalent,
                      source: .background(name: name, entry: entry.group), confidence: confidence(of: entry.form), form: entry.form)
    }

    static func firstInvalidByte(_ bytes: ArraySlice<UInt8>) -> Int {
        ConceptDictionary.firstInvalidByte(bytes)
    }
}
