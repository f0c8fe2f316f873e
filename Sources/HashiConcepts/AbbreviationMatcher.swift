/// Matches abbreviations with expansions by their initial letters: `CBM` ~ `Confidence Building
/// Measures`, `GGE` ~ `Group of Governmental Experts` (small function words may be skipped or give
/// their initial: `CCDCoE` ~ `Cooperative Cyber Defence Centre of Excellence`).
public enum AbbreviationMatcher {
    /// Small English function words an expansion may skip (a closed list).
    public static let functionWords: Set<String> = [
        "a", "an", "the", "of", "and", "for", "in", "on", "to", "at", "by", "with", "from", "or", "de", "du", "des", "la", "le", "&",
    ]

    /// Whether the initials of `words` (hyphenated words count as several) spell `abbreviation`
    /// (letters and digits, case-insensitive), every word that is not a function word giving its initial.
    public static func matches(abbreviation: String, words: [String]) -> Bool {
        let letters = Array(halfWidth(abbreviation).lowercased().filter { $0.isLetter || $0.isNumber })
        let parts = words.flatMap { $0.split(whereSeparator: { $0 == "-" || $0 == " " }) }.map { $0.lowercased() }
        guard letters.count >= 2, parts.count >= 2 else { return false }
        // Dynamic programming over (word, letter): can words[i...] spell letters[j...]?
        var memo: [Int: Bool] = [:]
        func can(_ i: Int, _ j: Int) -> Bool {
            if i == parts.count { return j == letters.count }
            if let known = memo[i * 64 + j] { return known }
            var ok = false
            let word = parts[i]
            if j < letters.count, word.first == letters[j] { ok = can(i + 1, j + 1) }
            if !ok && functionWords.contains(word) { ok = can(i + 1, j) }
            memo[i * 64 + j] = ok
            return ok
        }
        guard let first = parts.first, let last = parts.last, !functionWords.contains(first), !functionWords.contains(last) else {
            return false
        }
        return letters.count < 64 && can(0, 0)
    }

    /// Whether `words` can be an expansion at all: words of letters (not identifiers such as
    /// `PERF_SAMPLE_ID` or `eth0`), none a single letter (`Andrew S`) or a closed-class word
    /// (`If PERF…`, `Unlike PERF…`, `Supported Isolinux This`), the first not a function word.
    static func isExpansion(_ words: [String]) -> Bool {
        guard let first = words.first?.lowercased(), !functionWords.contains(first) else { return false }
        return words.allSatisfy { word in
            word.unicodeScalars.count > 1 && !word.unicodeScalars.contains { $0 == "_" || $0.properties.numericType != nil }
                && !PhoneticKey.closedClassWords.contains(word.lowercased())
        }
    }

    /// Whether `range` of `words` is a whole stretch of capitalized words: neither the word before it
    /// (unless a function word: `The United Nations`) nor the word after it starts with a capital.
    /// Two letters are spelled by chance by some part of a longer name or a table row (`UN Member
    /// States` for MS, `Per-Connection Servers` for PC, `Neil Turton This` for NT); a real expansion
    /// of two words is a name of its own somewhere in the corpus.
    static func isWholeTitle(_ words: [String], _ range: Range<Int>) -> Bool {
        if range.lowerBound > 0 {
            let before = words[range.lowerBound - 1]
            if before.first?.isUppercase == true && !functionWords.contains(before.lowercased()) { return false }
        }
        if range.upperBound < words.count, words[range.upperBound].first?.isUppercase == true { return false }
        return true
    }

    /// `text` with full-width Latin letters and digits (`ＷＴＯ`) made ASCII.
    static func halfWidth(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { Unicode.Scalar(MemberKind.halfWidth($0.value)) ?? $0 }))
    }

    /// Abbreviation ↔ expansion pairs of a corpus: for every abbreviation, every run of two or more
    /// title-case English words (every content word capitalized) whose initials spell it, with
    /// confidence 0.85; for an abbreviation of two letters, only runs that are a whole title
    /// (``isWholeTitle(_:_:)``). Lower-case runs are not considered: their matches are mostly coincidences
    /// (`CC` ~ `common challenges`), and scanning every lower-case word of a large corpus for every
    /// abbreviation would cost far more than they are worth. Deterministic, one pair per distinct
    /// (abbreviation, expansion).
    public static func pairs(in vocabulary: CorpusVocabulary) -> [MinedConcept] {
        var result: [MinedConcept] = []
        // Candidate expansions by the initials they can spell: every run of 2…12 words starting
        // with a capitalized word, keyed by the initials of its content words alone and by the
        // initials of all its words (a function word may or may not give its letter). Each
        // abbreviation then looks up its own letters instead of scanning the corpus.
        var candidates: [String: [(run: Int, start: Int, length: Int)]] = [:]
        for (r, run) in vocabulary.englishRuns.enumerated() {
            for start in run.words.indices where run.words[start].first?.isUppercase == true {
                var content = ""
                var all = ""
                for length in 1...12 where start + length <= run.words.count {
                    let parts = run.words[start + length - 1].split(whereSeparator: { $0 == "-" }).map { $0.lowercased() }
                    for part in parts {
                        guard let initial = part.first else { continue }
                        all.append(initial)
                        if !functionWords.contains(part) { content.append(initial) }
                    }
                    guard length >= 2 else { continue }
                    for key in Set([content, all]) where key.count >= 2 {
                        candidates[key, default: []].append((r, start, length))
                    }
                }
            }
        }
        for (abbreviation, abbreviationPlace) in vocabulary.abbreviations {
            let letters = String(abbreviation.lowercased().filter { $0.isLetter || $0.isNumber })
            guard letters.count >= 2 else { continue }
            var seen: Set<String> = []
            for (r, start, length) in candidates[letters] ?? [] {
                let run = vocabulary.englishRuns[r]
                let words = Array(run.words[start..<(start + length)])
                guard !words.contains(where: MemberKind.isAbbreviationShaped), isExpansion(words),
                      matches(abbreviation: abbreviation, words: words) else { continue }
                let content = words.filter { !functionWords.contains($0.lowercased()) }
                guard content.allSatisfy({ $0.first?.isUppercase == true }) else { continue }
                guard letters.count > 2 || isWholeTitle(run.words, start..<(start + length)) else { continue }
                let text = words.joined(separator: " ")
                guard seen.insert(text.lowercased()).inserted else { continue }
                result.append(MinedConcept(terms: [abbreviation, text], rule: .abbreviation, confidence: 0.85,
                                           evidence: [abbreviationPlace, run.evidence(words: start..<(start + length))]))
            }
        }
        return result
    }
}
