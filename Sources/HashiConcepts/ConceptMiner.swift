import HashiAnalysis

/// Where a mined concept was seen: a document, a 1-based line and the text around the match.
public struct MiningEvidence: Sendable, Hashable, Codable {
    /// The document's path (as given to the miner).
    public var document: String
    /// The 1-based line.
    public var line: Int
    /// The text around the match (at most about 60 characters of the line).
    public var snippet: String

    /// Evidence at `document`:`line`.
    public init(document: String, line: Int, snippet: String) {
        self.document = document
        self.line = line
        self.snippet = snippet
    }
}

/// Which rule found a mined concept.
public enum MiningRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// A parenthetical gloss: `term(gloss)`, `「term」(gloss)`, `ABBR(expansion:expansion)`.
    case gloss
    /// A "hereafter" gloss: `X(以下、Y)`, `X(以後、Y)`, `X(以下「Y」という)`, `X(通称Y)`.
    case hereafter
    /// A kana reading of a kanji term: `敷衍(ふえん)`. Readings are reported but are not concepts.
    case reading
    /// A katakana loanword and an English word or phrase of the corpus that sound alike.
    case transliteration
    /// An abbreviation and an expansion of the corpus whose initials spell it.
    case abbreviation
}

/// Terms found to mean the same thing, with the rule, a confidence and the places that show it.
public struct MinedConcept: Sendable, Hashable, Codable {
    /// The terms as written (the glossed term first).
    public var terms: [String]
    /// The rule that found them.
    public var rule: MiningRule
    /// How sure the miner is, 0…1.
    public var confidence: Double
    /// Where the terms were seen (one place for a gloss; the katakana word's and the English
    /// phrase's first occurrences for a transliteration; abbreviation and expansion for an abbreviation).
    public var evidence: [MiningEvidence]

    /// A mined concept.
    public init(terms: [String], rule: MiningRule, confidence: Double, evidence: [MiningEvidence]) {
        self.terms = terms
        self.rule = rule
        self.confidence = confidence
        self.evidence = evidence
    }
}

/// Mines concepts from documents: parenthetical glosses (this file), katakana ↔ English sound-alikes
/// (``PhoneticKey``) and abbreviations ↔ expansions (``AbbreviationMatcher``).
///
/// Owns an ``Analyzer`` and a ``Transliterator``: not thread-safe, use one miner per thread.
public final class ConceptMiner {
    let analyzer: Analyzer
    let phonetic: PhoneticKey

    /// Glosses with a confidence below this are not reported.
    public var minimumConfidence = 0.3

    /// Creates a miner.
    /// - Throws: ``ICUError`` if ICU's break iterator or transliterator cannot be opened.
    public init() throws(ICUError) {
        analyzer = try Analyzer()
        phonetic = try PhoneticKey()
    }

    /// Everything the miner finds in `documents` (path and text): the glosses of every document, then
    /// katakana ↔ English pairs and abbreviation ↔ expansion pairs across all of them. Deterministic.
    /// - Throws: ``ICUError`` if ICU fails.
    public func mine(documents: [(path: String, text: String)]) throws(ICUError) -> [MinedConcept] {
        var result: [MinedConcept] = []
        for document in documents {
            result += try glosses(in: document.text, document: document.path)
        }
        let vocabulary = try CorpusVocabulary(documents: documents, analyzer: analyzer)
        result += try phonetic.pairs(in: vocabulary)
        result += AbbreviationMatcher.pairs(in: vocabulary)
        return result
    }

    /// The corpus-wide pairs of a vocabulary collected document by document (see
    /// ``CorpusVocabulary/append(_:)``): katakana ↔ English and abbreviation ↔ expansion.
    /// - Throws: ``ICUError`` if ICU fails.
    public func pairs(in vocabulary: CorpusVocabulary) throws(ICUError) -> [MinedConcept] {
        try phonetic.pairs(in: vocabulary) + AbbreviationMatcher.pairs(in: vocabulary)
    }

    /// The vocabulary of one document, for ``pairs(in:)`` after merging.
    /// - Throws: ``ICUError`` if ICU fails.
    public func vocabulary(of text: String, document: String) throws(ICUError) -> CorpusVocabulary {
        try CorpusVocabulary(documents: [(document, text)], analyzer: analyzer)
    }

    /// The concepts of `mined` with at least `minimumConfidence` (readings excluded), each membership
    /// sourced at its evidence's first place. The same terms mined in several places make one
    /// concept, sourced at the most confident place (the first of equals): a gloss repeated on every
    /// page of a manual adds one membership, not one per page.
    /// - Throws: ``ConceptError/icu(_:)`` if ICU fails.
    public func conceptMap(from mined: [MinedConcept], minimumConfidence: Double = 0.6) throws(ConceptError) -> ConceptMap {
        var best: [[String]: Int] = [:]
        for (k, item) in mined.enumerated() where item.rule != .reading && item.confidence >= minimumConfidence {
            if let seen = best[item.terms], mined[seen].confidence >= item.confidence { continue }
            best[item.terms] = k
        }
        var concepts: [Concept] = []
        for index in best.values.sorted() {
            let item = mined[index]
            guard let first = item.evidence.first else { continue }
            var members: [ConceptMember] = []
            for (k, term) in item.terms.enumerated() {
                let place = item.evidence.count == item.terms.count ? item.evidence[k] : first
                do {
                    members.append(try ConceptMember(text: term, source: .mined(document: place.document, line: place.line),
                                                     confidence: item.confidence, using: analyzer))
                } catch {
                    if case .icu = error { throw error }
                }
            }
            if Set(members.map(\.key)).count >= 2 { concepts.append(Concept(members: members)) }
        }
        return ConceptMap(concepts)
    }

    /// How many different terms one Japanese gloss may follow before it counts as a remark.
    public static let remarkFanOut = 5

    /// `mined` with the glosses that are remarks kept for review only (confidence at most 0.5): a
    /// Japanese gloss written after ``remarkFanOut`` or more different terms (`後述`, `下記参照`,
    /// `デフォルト`, `複数可`) says something about each of them, not what each means; so do the
    /// Japanese glosses of a term glossed ``remarkFanOut`` or more different ways (`コマンド (前述)`,
    /// `ファイル (特定条件下)`, `プロセス (非ナイス)`). English and abbreviation glosses are left
    /// alone: an abbreviation expands many spellings (`DNS`), and an English word translates many
    /// Japanese variants (`credential`). The result depends only on the distinct pairs, so a list
    /// with repeated pairs gives the same.
    public static func demotingRemarks(_ mined: [MinedConcept]) -> [MinedConcept] {
        func isGloss(_ item: MinedConcept) -> Bool { item.rule == .gloss && item.terms.count == 2 }
        func isJapaneseGloss(_ item: MinedConcept) -> Bool {
            isGloss(item) && !MemberKind.isAbbreviationShaped(item.terms[1])
                && item.terms[1].unicodeScalars.contains { $0.value >= 0x3040 }
        }
        var termsOfGloss: [String: Set<String>] = [:]
        var glossesOfTerm: [String: Set<String>] = [:]
        for item in mined where isGloss(item) {
            let (term, gloss) = (item.terms[0].lowercased(), item.terms[1].lowercased())
            glossesOfTerm[term, default: []].insert(gloss)
            if isJapaneseGloss(item) { termsOfGloss[gloss, default: []].insert(term) }
        }
        let remarks = Set(termsOfGloss.filter { $0.value.count >= remarkFanOut }.keys)
        let describedTerms = Set(glossesOfTerm.filter { $0.value.count >= remarkFanOut }.keys)
        guard !remarks.isEmpty || !describedTerms.isEmpty else { return mined }
        return mined.map { item in
            guard isJapaneseGloss(item),
                  remarks.contains(item.terms[1].lowercased()) || describedTerms.contains(item.terms[0].lowercased()) else { return item }
            var demoted = item
            demoted.confidence = min(item.confidence, 0.5)
            return demoted
        }
    }

    // MARK: - Glosses

    /// The parenthetical glosses (and kana readings) of one document.
    /// - Throws: ``ICUError`` if ICU fails.
    public func glosses(in text: String, document: String) throws(ICUError) -> [MinedConcept] {
        var result: [MinedConcept] = []
        for (number, line) in Self.linesWithBrackets(of: text) {
            result += try glosses(inLine: line, document: document, lineNumber: number)
        }
        return result
    }

    /// The lines of `text` (split at LF, CRLF or CR, numbered from 1) that hold `(` or `（`; the
    /// others are not made into strings.
    static func linesWithBrackets(of text: String) -> [(number: Int, line: String)] {
        var text = text
        return text.withUTF8 { bytes in
            var result: [(number: Int, line: String)] = []
            var number = 1
            var start = 0
            var hasBracket = false
            var k = 0
            let n = bytes.count
            func endLine(at end: Int) {
                if hasBracket { result.append((number, String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))) }
                number += 1
                hasBracket = false
            }
            while k < n {
                switch bytes[k] {
                case 0x0A:
                    endLine(at: k)
                    start = k + 1
                case 0x0D:
                    endLine(at: k)
                    if k + 1 < n && bytes[k + 1] == 0x0A { k += 1 }
                    start = k + 1
                case 0x28:
                    hasBracket = true
                case 0xEF where k + 2 < n && bytes[k + 1] == 0xBC && bytes[k + 2] == 0x88:
                    hasBracket = true
                default:
                    break
                }
                k += 1
            }
            if start < n { endLine(at: n) }
            return result
        }
    }

    func glosses(inLine line: String, document: String, lineNumber: Int) throws(ICUError) -> [MinedConcept] {
        let u = Array(line.utf16)
        // Brackets that may hold a gloss: (open, close, end of the text before the bracket).
        var brackets: [(open: Int, close: Int, left: Int)] = []
        for open in u.indices where u[open] == 0x28 || u[open] == 0xFF08 {
            guard let close = matchingClose(u, open) else { continue }
            var left = open
            while left > 0 && isSpace(u[left - 1]) { left -= 1 }
            guard left > 0, Self.mayHoldGloss(u, open: open, close: close, left: left) else { continue }
            brackets.append((open, close, left))
        }
        // Most brackets of code and prose are asides: the line is analysed only when one may not be.
        guard !brackets.isEmpty else { return [] }
        let words = try analyzer.tokens(of: line).filter { $0.stream == .word }
        var result: [MinedConcept] = []
        for (open, close, left) in brackets {
            let gloss = String(decoding: u[(open + 1)..<close], as: UTF16.self)
            // The snippet is made only for what is kept (most brackets are not glosses).
            let place = MiningEvidence(document: document, line: lineNumber, snippet: "")
            for candidate in try termCandidates(u, words: words, end: left, gloss: gloss) {
                if var found = try judge(term: candidate, gloss: gloss, evidence: place), found.confidence >= minimumConfidence {
                    found.evidence = [MiningEvidence(document: document, line: lineNumber, snippet: snippet(u, open, close))]
                    result.append(found)
                }
            }
        }
        return result
    }

    /// A term before a bracket, with how it was delimited.
    struct TermCandidate {
        var text: String
        var confidence: Double
        /// Whether the term is one short kanji word right after a particle (`…の問題`): the head of a
        /// longer phrase, a concept only if the gloss is its reading.
        var isBareHead: Bool
        /// Latin words before the term in the same run (for choosing an expansion by initials).
        var precedingLatin: [String]
    }

    func termCandidates(_ u: [UInt16], words: [Token], end: Int, gloss: String) throws(ICUError) -> [TermCandidate] {
        // A quoted term: 「term」(gloss), “term”(gloss), "term"(gloss).
        if let closeQuote = Self.closingQuotes[u[end - 1]] {
            var k = end - 2
            while k >= 0 && end - 1 - k <= 40 && u[k] != closeQuote && u[k] != 0x3002 { k -= 1 }
            if k >= 0 && u[k] == closeQuote && k + 1 < end - 1 {
                return [TermCandidate(text: String(decoding: u[(k + 1)..<(end - 1)], as: UTF16.self), confidence: 0.85,
                                      isBareHead: false, precedingLatin: [])]
            }
            return []
        }
        // The noun phrase: word tokens of noun-like scripts ending at `end`, contiguous.
        guard var t = words.lastIndex(where: { $0.end == end }) else { return [] }
        let nounScripts: Set<Token.Script> = [.han, .katakana, .latin, .number]
        guard nounScripts.contains(words[t].script) else { return [] }
        let trimmedGloss = Self.trimDecoration(gloss)
        let glossIsOneLatinWord = Self.isOneLatinWord(trimmedGloss)
        // `現在カーネル (kernel)`, `現在のロケール (locale)`: when the gloss is the English word the
        // phrase's last katakana word was borrowed from, that word is the term and what comes
        // before it a modifier.
        if words[t].script == .katakana {
            let last = words[t]
            let katakana = String(decoding: u[last.start..<last.end], as: UTF16.self)
            if try isSource(gloss: trimmedGloss, ofLoanword: katakana) {
                return [TermCandidate(text: katakana, confidence: 0.75, isBareHead: false, precedingLatin: [])]
            }
        }
        var first = t
        var capped = false
        var latinCount = 0
        var japaneseCount = 0
        while true {
            let token = words[t]
            if token.script == .latin || token.script == .number { latinCount += 1 } else { japaneseCount += 1 }
            guard t > 0 else { break }
            let previous = words[t - 1]
            guard nounScripts.contains(previous.script) else { break }
            let gap = u[previous.end..<token.start]
            // A counter after a number (`第 26 回日本…`) ends the phrase, without the counter.
            if previous.script == .number && token.script == .han && token.end - token.start == 1 && gap.allSatisfy(isSpace) {
                first = t + 1
                break
            }
            let bothLatin = (previous.script == .latin || previous.script == .number) && (token.script == .latin || token.script == .number)
            if !(gap.isEmpty || (bothLatin && gap.allSatisfy(isSpace))) { break }
            // A counter after a number (`第26回日本…`) ends the phrase.
            if previous.script == .number && token.script == .han && token.end - token.start == 1 {
                first = t + 1
                break
            }
            if previous.script == .number && token.script != .latin && token.script != .number { break }
            if japaneseCount >= 6 || latinCount >= 6 { capped = true; break }
            t -= 1
            first = t
        }
        guard first < words.count, words[first].end <= end else { return [] }
        let start = words[first].start
        // A name joined by a symbol (`ホール&カンファレンス`) is not complete: no boundary we trust.
        if start > 0 && Self.joiners.contains(u[start - 1]) { return [] }
        let text = String(decoding: u[start..<end], as: UTF16.self)
        let runTokens = words[first...].prefix { $0.end <= end }
        // One English word does translate the head of `noun の head`: `ヒープの破壊 (corruption)`
        // (not after another particle: `サーバーへの攻撃 (compromise)` is a translator's note).
        let afterNounAndNo = start >= 2 && u[start - 1] == 0x306E && !isHiragana(u[start - 2]) && !isSpace(u[start - 2])
        let isBareHead = runTokens.count == 1 && runTokens.first?.script == .han && end - start <= 2
            && start > 0 && isHiragana(u[start - 1]) && !(afterNounAndNo && glossIsOneLatinWord)
        var latin: [String] = []
        if runTokens.allSatisfy({ $0.script == .latin || $0.script == .number }) {
            // Collect the Latin words before the run, for an abbreviation gloss to choose from.
            var k = first
            latin = runTokens.map { String(decoding: u[$0.start..<$0.end], as: UTF16.self) }
            while k > 0 && latin.count < 12 {
                let previous = words[k - 1]
                guard previous.script == .latin, u[previous.end..<words[k].start].allSatisfy(isSpace) else { break }
                latin.insert(String(decoding: u[previous.start..<previous.end], as: UTF16.self), at: 0)
                k -= 1
            }
        }
        var result = [TermCandidate(text: text, confidence: capped ? 0.55 : 0.75, isBareHead: isBareHead,
                                    precedingLatin: latin.count > 1 ? latin : [])]
        if capped && latinCount >= 6 { result[0].confidence = 0.3 }
        // `相当の注意義務`: one short noun + の before the phrase, after a non-noun, may belong to the term.
        // Not when the gloss is one English word: `AのB` says two things, and one word translates
        // one of them, the head (`ホストの別名 (alias)`: 別名).
        if !capped, first >= 2, !MemberKind.isAbbreviationShaped(trimmedGloss), !glossIsOneLatinWord,
           words[first - 1].term == "の", words[first - 1].end == start,
           [.han, .katakana].contains(words[first - 2].script), words[first - 2].end == words[first - 1].start,
           words[first - 2].end - words[first - 2].start <= 3,
           first < 3 || !nounScripts.contains(words[first - 3].script) || words[first - 3].end != words[first - 2].start {
            let extended = String(decoding: u[words[first - 2].start..<end], as: UTF16.self)
            result[0].confidence = 0.5
            result.insert(TermCandidate(text: extended, confidence: 0.75, isBareHead: false, precedingLatin: []), at: 0)
        }
        return result
    }

    /// Whether `text` holds characters of code, paths or addresses rather than of a term.
    static func looksLikeCode(_ text: String) -> Bool {
        text.unicodeScalars.contains { "+<>\"*@".unicodeScalars.contains($0) }
            || text.split(separator: " ").contains { $0.hasPrefix("/") || $0.hasPrefix("~/") }
    }

    /// Whether one of two Japanese terms is the other with kanji or hiragana added: a narrower or
    /// broader thing (`ロック (共有ロック)`, `マクロ (関数マクロの開始)`), not a synonym. Katakana
    /// added is not enough: `キャッシュ (キャッシュメモリ)` is one thing said in full. (A "hereafter"
    /// gloss may shorten its term on purpose: `個人情報保護委員会（以下「委員会」という）`.)
    static func namesNarrowerOrBroader(_ a: String, _ b: String) -> Bool {
        let (short, long) = a.unicodeScalars.count <= b.unicodeScalars.count ? (a, b) : (b, a)
        guard !short.isEmpty, short != long, short.unicodeScalars.contains(where: isJapanese),
              let range = long.range(of: short) else { return false }
        let added = long[..<range.lowerBound] + long[range.upperBound...]
        return added.unicodeScalars.contains { $0.properties.isIdeographic || (0x3041...0x309F).contains($0.value) }
    }

    /// Kana or a kanji.
    private static func isJapanese(_ scalar: Unicode.Scalar) -> Bool {
        (0x3040...0x30FF).contains(scalar.value) || scalar.properties.isIdeographic
    }

    /// Whether `text` is a range or key of two single characters, `a-z`, `0-9`, `C-a`: a pattern,
    /// not a term (`小文字 (a-z)`).
    static func isCharacterRange(_ text: String) -> Bool {
        func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isAlphabetic || scalar.properties.numericType != nil }
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 3, "-~〜–".unicodeScalars.contains(scalars[1]) else { return false }
        return isLetterOrDigit(scalars[0]) && isLetterOrDigit(scalars[2])
    }

    /// Whether the English words `english` sound like `katakana` at all (a loose test: similarity
    /// at least 0.6, whatever the consonant keys).
    func sounds(_ english: String, like katakana: String) throws(ICUError) -> Bool {
        PhoneticKey.similarity(japanese: try phonetic.spelling(ofKatakana: katakana), english: PhoneticKey.spelling(ofEnglish: english)) >= 0.6
    }

    /// Whether `gloss`, English letters only, sounds like the source word of `katakana`.
    func isSource(gloss: String, ofLoanword katakana: String) throws(ICUError) -> Bool {
        guard !gloss.isEmpty, gloss.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || $0 == " " || $0 == "-") })
        else { return false }
        // Spelled once (ICU transliteration) for both the key and the similarity.
        let spelled = try phonetic.spelling(ofKatakana: katakana)
        guard PhoneticKey.consonantKey(spelled) == PhoneticKey.katakanaKey(forEnglish: gloss) else { return false }
        return PhoneticKey.similarity(japanese: spelled, english: PhoneticKey.spelling(ofEnglish: gloss)) >= 0.75
    }

    /// The concept (or reading) `term(gloss)` makes, or nil when the gloss is not a synonym.
    func judge(term: TermCandidate, gloss rawGloss: String, evidence: MiningEvidence) throws(ICUError) -> MinedConcept? {
        var gloss = Self.trimDecoration(rawGloss)
        var rule = MiningRule.gloss
        if let rest = Self.stripHereafter(gloss) {
            gloss = rest
            rule = .hereafter
        }
        guard !gloss.isEmpty, !Self.startsWithNoteMarker(gloss) else { return nil }
        if Self.looksLikeLink(gloss) { return nil }
        let termText = Self.trimDecoration(term.text)
        let termWords = try words(of: termText)
        guard !termWords.isEmpty, letterCount(termText) >= 2 else { return nil }
        // Numbers are values, not terms: `0010 0010 0110 0000 (不等号)`.
        if termWords.allSatisfy({ $0.script == .number }) { return nil }
        let termIsAbbreviation = MemberKind.isAbbreviationShaped(termText)
        // Expansions of an abbreviation may be several: GGE(政府専門家会合:Group of Governmental Experts).
        let parts: [String] = termIsAbbreviation
            ? gloss.split(whereSeparator: { $0 == ":" || $0 == "：" || $0 == "、" }).map { Self.trimDecoration(String($0)) }.filter { !$0.isEmpty }
            : [gloss]
        var accepted: [String] = []
        var confidence = term.confidence
        for part in parts {
            let glossWords = try words(of: part)
            guard !glossWords.isEmpty, letterCount(part) >= 2 else { return nil }
            let scripts = Set(glossWords.map(\.script))
            // A kana reading of a kanji term.
            if scripts == [.hiragana], termWords.contains(where: { $0.script == .han || $0.script == .japanese }) {
                let kana = part.unicodeScalars.count
                let kanji = termText.unicodeScalars.count
                guard parts.count == 1, kana >= kanji, kana <= 4 * kanji + 2 else { return nil }
                return MinedConcept(terms: [termText, part], rule: .reading, confidence: 0.9, evidence: [evidence])
            }
            guard !term.isBareHead else { return nil }
            if glossWords.contains(where: { $0.script == .number }) { return nil }
            if part.unicodeScalars.contains(where: { "。！？!?;；".unicodeScalars.contains($0) }) { return nil }
            // A list is examples (`BSD 系システム (NetBSD, FreeBSD, OpenBSD)`), code is code (`(other=)`);
            // only an abbreviation's expansions are listed (split above).
            if part.unicodeScalars.contains(where: { ",，、=|{}".unicodeScalars.contains($0) }) { return nil }
            // Code, paths and addresses are not terms: `code+data+stack`, `-T <term>`, `"dumping"
            // function` (a stray quote), `nmemb*size`, `user@host`, `/usr/share/groff_font`.
            if Self.looksLikeCode(part) || Self.looksLikeCode(termText) { return nil }
            if Self.isCharacterRange(part) { return nil }
            if glossWords.contains(where: { $0.script == .hiragana && Self.sentenceKana.contains($0.term) }) { return nil }
            if glossWords.count > 1, let first = glossWords.first, let last = glossWords.last,
               Self.remarkHeads.contains(first.term) || Self.remarkHeads.contains(last.term) { return nil }
            if let last = glossWords.last, last.script == .hiragana { return nil }
            // A gloss that opens with の continues a phrase: `it_interval (の両方のサブフィールド)`.
            if let first = glossWords.first, first.script == .hiragana, first.term == "の" { return nil }
            if part.contains("・") && !scripts.isSubset(of: [.katakana]) { return nil }
            // Latin and Japanese words together make a remark (`compression (コマンドラインでは -z)`,
            // `CLUSTERIP (IPv4 の場合)`), except as an abbreviation's expansion (`ARF(ASEAN地域フォーラム)`).
            if !termIsAbbreviation, !scripts.isDisjoint(with: Self.latinScripts.subtracting([.number])),
               !scripts.isSubset(of: Self.latinScripts) { return nil }
            if scripts.isSubset(of: [.latin]) && glossWords.count > 8 { return nil }
            if !termIsAbbreviation && glossWords.count > 2 * termWords.count + 2 { return nil }
            if termIsAbbreviation && glossWords.count > 10 { return nil }
            if try ConceptKey(normalizing: part, using: analyzer) == ConceptKey(normalizing: termText, using: analyzer) { continue }
            // (A "hereafter" name may shorten its term, never lengthen it: `モード (以下、厳格モード)`
            // names the phrase before the word, not the word.)
            if Self.namesNarrowerOrBroader(termText, part),
               rule != .hereafter || part.unicodeScalars.count > termText.unicodeScalars.count { continue }
            let termScripts = Set(termWords.map(\.script))
            // A Latin term with a Latin gloss is an aside (`the (new) session`), an argument list
            // (`main(void)`) or a remark (`pattern (slower)`), unless one of them abbreviates the
            // other: `vDSO (virtual dynamic shared object)`, `Domain Name System (DNS)`.
            if termScripts.isSubset(of: Self.latinScripts) && scripts.isSubset(of: Self.latinScripts) {
                // (With Latin words before the term, the expansion is chosen among them below.)
                let glossAbbreviates = MemberKind.isAbbreviationShaped(part)
                    && (!term.precedingLatin.isEmpty
                        || AbbreviationMatcher.matches(abbreviation: part, words: termText.split(separator: " ").map(String.init)))
                let termAbbreviates = termIsAbbreviation
                    && AbbreviationMatcher.matches(abbreviation: termText, words: part.split(separator: " ").map(String.init))
                // `ABC(青組、Blue Circle)`: expansions listed beside a Japanese one are a glossary entry.
                let listedWithJapanese = termIsAbbreviation && parts.contains { $0.unicodeScalars.contains { $0.value >= 0x3000 } }
                guard glossAbbreviates || termAbbreviates || listedWithJapanese else { continue }
            }
            // Same-script kanji glosses are often explanations; cross-script ones are translations.
            if termScripts.isSubset(of: [.han, .japanese]) && scripts.isSubset(of: [.han, .japanese]) { confidence -= 0.1 }
            // Katakana glossed by other katakana names what it is, `ゾンビ (プロセス)`: spelling
            // variants of one loanword have one key and were left out above.
            if termScripts == [.katakana] && scripts == [.katakana] { confidence -= 0.3 }
            // Katakana glossed by English words (or the reverse) is their loanword and sounds like
            // them; when it does not, the gloss names something else (`コマンド (Simple Commands)`,
            // `バックスペース (erase)`, `ファイル (regular file)`): kept for review, not for search.
            // Abbreviations, and short words that may be one (`cwd`, `ci`), are not heard.
            if !termIsAbbreviation, !MemberKind.isAbbreviationShaped(part) {
                let loanword = termScripts == [.katakana] && scripts == [.latin] ? (termText, part)
                    : scripts == [.katakana] && termScripts == [.latin] && !MemberKind.isAbbreviationShaped(termText) ? (part, termText) : nil
                if let (katakana, english) = loanword, english.contains(" ") || english.unicodeScalars.count > 4,
                   try !sounds(english, like: katakana) {
                    confidence = min(confidence, 0.5)
                }
            }
            if termIsAbbreviation, scripts == [.latin], AbbreviationMatcher.matches(abbreviation: termText, words: part.split(separator: " ").map(String.init)) {
                confidence += 0.1
            }
            accepted.append(part)
        }
        guard !accepted.isEmpty else { return nil }
        var termOut = termText
        // `… Official Development Aid (ODA)`: the expansion is the shortest run of words before the
        // bracket whose initials spell the abbreviation.
        if accepted.count == 1, MemberKind.isAbbreviationShaped(accepted[0]), !term.precedingLatin.isEmpty {
            let candidates = term.precedingLatin
            var best: [String]? = nil
            for length in 1...candidates.count {
                let suffix = Array(candidates.suffix(length))
                if AbbreviationMatcher.matches(abbreviation: accepted[0], words: suffix) { best = suffix; break }
            }
            guard let best else { return nil }
            termOut = best.joined(separator: " ")
            confidence = max(confidence, 0.85)
        }
        return MinedConcept(terms: [termOut] + accepted, rule: rule, confidence: min(max(confidence, 0), 1), evidence: [evidence])
    }

    /// Whether the bracket at `open`…`close`, after text ending at `left`, may hold a gloss: anything
    /// but ASCII on one side or the other (a translation, a reading, a "hereafter"), or an
    /// abbreviation on one side (the Latin–Latin glosses ``judge(term:gloss:evidence:)`` accepts).
    /// Cheap, so that code and English prose full of brackets need not be analysed.
    static func mayHoldGloss(_ u: [UInt16], open: Int, close: Int, left: Int) -> Bool {
        if u[open] != 0x28 || u[close] != 0x29 || u[left - 1] >= 0x80 { return true }
        if u[(open + 1)..<close].contains(where: { $0 >= 0x80 }) { return true }
        if isAbbreviationShaped(ascii: u[(open + 1)..<close]) { return true }
        var start = left
        while start > 0 && u[start - 1] != 0x20 && u[start - 1] != 0x09 { start -= 1 }
        return isAbbreviationShaped(ascii: u[start..<left])
    }

    /// `MemberKind.isAbbreviationShaped(trimDecoration(text))` for ASCII `text`, without making strings.
    static func isAbbreviationShaped(ascii units: ArraySlice<UInt16>) -> Bool {
        // trimDecoration's characters that are ASCII: space, tab, * _ ` " '.
        func isDecoration(_ c: UInt16) -> Bool { c == 0x20 || c == 0x09 || c == 0x2A || c == 0x5F || c == 0x60 || c == 0x22 || c == 0x27 }
        var lower = units.startIndex, upper = units.endIndex
        while lower < upper && isDecoration(units[lower]) { lower += 1 }
        while upper > lower && isDecoration(units[upper - 1]) { upper -= 1 }
        var count = 0, capitals = 0, small = 0
        for c in units[lower..<upper] {
            switch c {
            case 0x09...0x0D, 0x20: continue
            case 0x41...0x5A: capitals += 1
            case 0x61...0x7A: small += 1
            case 0x30...0x39: break
            default: return false
            }
            count += 1
            if count > 8 { return false }
        }
        return count >= 2 && capitals >= 2 && capitals > small
    }

    // MARK: - Helpers

    func words(of text: String) throws(ICUError) -> [Token] {
        try analyzer.tokens(of: text).filter { $0.stream == .word }
    }

    func letterCount(_ text: String) -> Int {
        text.unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }.count
    }

    func matchingClose(_ u: [UInt16], _ open: Int) -> Int? {
        var depth = 0
        var k = open
        while k < u.count {
            switch u[k] {
            case 0x28, 0xFF08: depth += 1
            case 0x29, 0xFF09:
                depth -= 1
                if depth == 0 { return k }
            default: break
            }
            k += 1
        }
        return nil
    }

    func snippet(_ u: [UInt16], _ open: Int, _ close: Int) -> String {
        let lower = max(0, open - 30)
        let upper = min(u.count, close + 1 + 10)
        var text = String(decoding: u[lower..<upper], as: UTF16.self)
        if lower > 0 { text = "…" + text }
        if upper < u.count { text += "…" }
        return text
    }

    func isSpace(_ c: UInt16) -> Bool { c == 0x20 || c == 0x09 || c == 0x3000 || c == 0xA0 }
    func isHiragana(_ c: UInt16) -> Bool { (0x3041...0x309F).contains(c) }

    /// The scripts of a Latin-only term or gloss.
    static let latinScripts: Set<Token.Script> = [.latin, .number]

    static let closingQuotes: [UInt16: UInt16] = [0x300D: 0x300C, 0x300F: 0x300E, 0x201D: 0x201C, 0x22: 0x22, 0xFF02: 0xFF02]
    static let joiners: Set<UInt16> = [0x26, 0xFF06, 0x30FB, 0x2F, 0xFF0F, 0x2D, 0x5F, 0x2B, 0xFF0B, 0x40]

    /// Hiragana words that make a gloss a clause or sentence rather than a term (particles, copulas,
    /// auxiliaries: a small closed list of Japanese function words).
    static let sentenceKana: Set<String> = [
        "は", "が", "を", "に", "へ", "と", "で", "も", "や", "から", "まで", "より", "など", "ので", "のに",
        "けど", "ながら", "ない", "ず", "た", "だ", "です", "ます", "する", "した", "して", "される", "いる",
        "ある", "なる", "れる", "られる", "ている", "ていない", "いない", "および", "または", "かつ", "ならびに",
        // Compound particles, conjunctions and demonstratives, which ICU keeps as one word:
        // `(いくつかの他のシステムでは EACCES)`, `(もしくはその両方)`, `(あるいはその短縮形)`.
        "では", "には", "とは", "でも", "にも", "もしくは", "あるいは", "ないし", "その", "この", "あの", "これ", "それ", "あれ",
    ]

    /// Nouns that, beginning or ending a gloss of several words, make it a remark on the term rather than a
    /// name for it: a condition (`(wait() の場合)`) or a unit (`(秒単位)`, `(単位：百万円)`).
    static let remarkHeads: Set<String> = ["場合", "単位"]

    /// Whether `text` is one word of Latin letters (hyphens allowed): `alias`, `read-only`.
    static func isOneLatinWord(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0 == "-") }
    }

    /// Editorial markers that open a note, not a gloss: `(注：…)`, `(例えば…)`, `(すなわち…)`, `(中略)`, `(cf. …)`.
    static let noteMarkers = ["注", "註", "例", "中略", "前略", "後略", "略", "筆者", "原文", "仮訳", "訳注", "参照", "傍点", "強調",
                              "上述", "前述", "後述", "上記", "下記", "前掲", "後掲", "同上", "既出",
                              "つまり", "すなわち", "即ち", "たとえば", "cf.", "e.g.", "i.e.", "see ", "ibid", "sic"]

    static func startsWithNoteMarker(_ gloss: String) -> Bool {
        let lower = gloss.lowercased()
        return noteMarkers.contains { marker in
            guard lower.hasPrefix(marker) else { return false }
            // `略称…` is a hereafter marker handled before; `例外` is a word.
            if marker == "例" { return lower == "例" || lower.hasPrefix("例えば") || lower.hasPrefix("例:") || lower.hasPrefix("例：") }
            return true
        }
    }

    /// Openers and closers of "hereafter" glosses (closed lists of Japanese legal/academic formulae).
    static let hereafterOpeners = ["以下", "以後", "以降", "通称", "略称", "略して"]
    static let hereafterClosers = ["と総称する", "と称する", "と呼ぶ", "と略す", "とする", "という", "と言う"]

    /// The defined term of a "hereafter" gloss (`以下、Y`, `以後「Y」という`, `通称Y`), or nil.
    static func stripHereafter(_ gloss: String) -> String? {
        guard let opener = hereafterOpeners.first(where: { gloss.hasPrefix($0) }) else { return nil }
        var rest = String(gloss.dropFirst(opener.count))
        while let c = rest.unicodeScalars.first, "、，,:： 　".unicodeScalars.contains(c) { rest.removeFirst() }
        while rest.hasSuffix("。") { rest.removeLast() }
        for closer in hereafterClosers where rest.hasSuffix(closer) {
            rest.removeLast(closer.count)
            break
        }
        return trimDecoration(rest)
    }

    /// Whether `text` holds `://` or `www.` (any case): a link, not a gloss. (Byte comparisons:
    /// Foundation's substring search showed in the build's profile.)
    static func looksLikeLink(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 3 else { return false }
        for k in 0..<(bytes.count - 2) {
            if bytes[k] == 0x3A && bytes[k + 1] == 0x2F && bytes[k + 2] == 0x2F { return true }
            if k + 3 < bytes.count, bytes[k] | 0x20 == 0x77, bytes[k + 1] | 0x20 == 0x77, bytes[k + 2] | 0x20 == 0x77,
               bytes[k + 3] == 0x2E { return true }
        }
        return false
    }

    /// `text` without surrounding spaces, quotes and markdown emphasis.
    static func trimDecoration(_ text: String) -> String {
        let decoration = " \t\u{3000}*_`\"'「」『』“”‘’"
        var scalars = Substring(text).unicodeScalars[...]
        while let c = scalars.first, decoration.unicodeScalars.contains(c) { scalars.removeFirst() }
        while let c = scalars.last, decoration.unicodeScalars.contains(c) { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
