import HashiAnalysis

/// The katakana words, English phrases and abbreviations of a set of documents, with the first place
/// each was seen: what the transliteration and abbreviation rules match against each other.
public struct CorpusVocabulary: Sendable {
    /// A katakana word: its normalized term, as first written, and where.
    public struct KatakanaWord: Sendable, Hashable {
        /// The analyzer's term (NFKC, final `ー` of long words dropped).
        public var term: String
        /// As first written.
        public var text: String
        /// Where it was first seen.
        public var evidence: MiningEvidence
    }

    /// A run of English words on one line (words as written, and their Porter2 stems).
    public struct EnglishRun: Sendable, Hashable {
        /// The words as written.
        public var words: [String]
        /// The analyzer's terms of the words (lowercased).
        public var terms: [String]
        /// The stems (the term when the word has no different stem).
        public var stems: [String]
        /// Where the run is.
        public var evidence: MiningEvidence
        /// The line the run is on, and each word's UTF-16 range in it (for evidence of a part).
        var line: String = ""
        var wordRanges: [Range<Int>] = []

        /// Where the words `words` (indices into ``words``) of the run stand, with the text around them.
        public func evidence(words range: Range<Int>) -> MiningEvidence {
            guard range.lowerBound < wordRanges.count, range.upperBound <= wordRanges.count, !range.isEmpty else {
                return evidence
            }
            let u = Array(line.utf16)
            let lower = max(0, wordRanges[range.lowerBound].lowerBound - 25)
            let upper = min(u.count, wordRanges[range.upperBound - 1].upperBound + 25)
            return MiningEvidence(document: evidence.document, line: evidence.line,
                                  snippet: String(decoding: u[lower..<upper], as: UTF16.self))
        }
    }

    /// Distinct katakana words, in order of first occurrence.
    public private(set) var katakana: [KatakanaWord] = []
    /// English word runs, in document and line order.
    public private(set) var englishRuns: [EnglishRun] = []
    /// Distinct abbreviations (as written) with their first place, in order of first occurrence.
    public private(set) var abbreviations: [(text: String, evidence: MiningEvidence)] = []

    /// The vocabulary of `documents` (path, text), analyzed with `analyzer`.
    /// - Throws: ``ICUError`` if ICU fails.
    public init(documents: [(path: String, text: String)], analyzer: Analyzer) throws(ICUError) {
        var seenKatakana: Set<String> = []
        var seenAbbreviations: Set<String> = []
        for document in documents {
            for (index, line) in ConceptDictionary.lines(of: document.text).enumerated() {
                let u = Array(line.utf16)
                var run: EnglishRun? = nil
                var lastEnd = -1
                func place(_ start: Int, _ end: Int) -> MiningEvidence {
                    let lower = max(0, start - 25)
                    let upper = min(u.count, end + 25)
                    return MiningEvidence(document: document.path, line: index + 1,
                                          snippet: String(decoding: u[lower..<upper], as: UTF16.self))
                }
                func flush() {
                    if let r = run, !r.words.isEmpty { englishRuns.append(r) }
                    run = nil
                }
                for token in try analyzer.tokens(of: line) {
                    switch token.stream {
                    case .bigram: continue
                    case .stem:
                        if token.script == .latin, run != nil { run!.stems[run!.stems.count - 1] = token.term }
                        continue
                    case .word: break
                    }
                    let written = String(decoding: u[token.start..<token.end], as: UTF16.self)
                    if token.script == .katakana, seenKatakana.insert(token.term).inserted {
                        katakana.append(KatakanaWord(term: token.term, text: written, evidence: place(token.start, token.end)))
                    }
                    if token.script == .latin, MemberKind.isAbbreviationShaped(written),
                       seenAbbreviations.insert(token.term).inserted {
                        abbreviations.append((written, place(token.start, token.end)))
                    }
                    if token.script == .latin {
                        let gap = lastEnd >= 0 && lastEnd <= token.start ? u[lastEnd..<token.start] : []
                        let joined = run != nil && gap.allSatisfy { $0 == 0x20 || $0 == 0x2D || $0 == 0xA0 } && gap.count <= 2
                        if !joined {
                            flush()
                            run = EnglishRun(words: [], terms: [], stems: [], evidence: place(token.start, token.end))
                            run!.line = line
                        }
                        run!.words.append(written)
                        run!.wordRanges.append(token.start..<token.end)
                        run!.terms.append(token.term)
                        run!.stems.append(token.term)
                        lastEnd = token.end
                    } else {
                        flush()
                        lastEnd = -1
                    }
                }
                flush()
            }
        }
    }

    /// An empty vocabulary.
    public init() {}

    /// Adds `other`'s words (documents seen later): katakana words and abbreviations not seen yet, and
    /// English runs not seen yet (a run repeated word for word adds nothing: its first place is kept).
    /// Lets a build collect the vocabulary document by document on several threads and merge in order.
    public mutating func append(_ other: CorpusVocabulary) {
        if seenKatakana.isEmpty && !katakana.isEmpty { seenKatakana = Set(katakana.map(\.term)) }
        if seenAbbreviations.isEmpty && !abbreviations.isEmpty { seenAbbreviations = Set(abbreviations.map { $0.text.lowercased() }) }
        if seenRuns.isEmpty && !englishRuns.isEmpty { seenRuns = Set(englishRuns.map { $0.terms.joined(separator: " ") }) }
        for word in other.katakana where seenKatakana.insert(word.term).inserted { katakana.append(word) }
        for entry in other.abbreviations where seenAbbreviations.insert(entry.text.lowercased()).inserted {
            abbreviations.append(entry)
        }
        for run in other.englishRuns where englishWordCount < Self.maximumEnglishWords
            && seenRuns.insert(run.terms.joined(separator: " ")).inserted {
            englishRuns.append(run)
            englishWordCount += run.words.count
        }
    }

    /// English words ``append(_:)`` keeps at most: bounds the memory and time of corpus-wide mining
    /// on large corpora (the first runs, in corpus order, are kept).
    public static let maximumEnglishWords = 20_000
    private var englishWordCount = 0

    private var seenKatakana: Set<String> = []
    private var seenAbbreviations: Set<String> = []
    private var seenRuns: Set<String> = []
}
