/// Turns Japanese and English text into the terms Hashi indexes and searches.
///
/// The chain, in order (each step has its own type and tests):
/// 1. ``NormalizedText``: NFKC with case folding, keeping a map back to the original text.
/// 2. ICU's word break iterator (its dictionary segments Japanese); only segments whose rule status
///    says letter, number, kana or ideograph make terms, so punctuation never does.
/// 3. A change of script (kanji/kana ↔ Latin/digits ↔ katakana) always ends a token.
/// 4. ``KatakanaWords``: a run of katakana is one word whatever ICU's dictionary did inside it, joined
///    across middle dots, with a final `ー` of long words dropped.
/// 5. ``EnglishTerms``: possessives dropped; Porter2 stems go to a third stream, at the word's position.
/// 6. ``Bigrams``: a second stream of character bigrams over every run of Japanese characters.
///
/// The query engine analyses queries with the same chain: word terms rank, and a Japanese query is
/// also matched as a phrase of its bigrams, which finds it wherever it occurs as written.
///
/// An `Analyzer` owns ICU break iterators, which are not thread-safe: use one per thread.
public final class Analyzer {
    /// Identifies the analysis chain; an index records it, and an index built by a different chain
    /// (or a different ICU, whose segmentation data may differ) must be rebuilt.
    public static var version: String { "hashi-analyzer-5 (icu \(ICU.version), words+porter2 stems, katakana-stem-4, bigrams)" }

    private let words: BreakIterator

    /// Creates an analyzer.
    /// - Throws: ``ICUError`` if ICU's word break iterator cannot be opened.
    public init() throws(ICUError) {
        words = try BreakIterator(.word, locale: "ja")
    }

    /// The tokens of `text`: the word stream (with each English word's stem token right after it,
    /// when it has one), then the bigram stream, each in text order.
    /// Offsets are UTF-16 code unit offsets into `text`.
    public func tokens(of text: String) throws(ICUError) -> [Token] {
        var result: [Token] = []
        try analyze(text) { result.append($0) }
        return result
    }

    /// Analyzes `text` and calls `emit` for every token (the word stream, then the bigram stream),
    /// without collecting them. Offsets are UTF-16 code unit offsets into `text`.
    public func analyze(_ text: String, _ emit: (Token) -> Void) throws(ICUError) {
        let units = UTF16Conversion.codeUnits(of: text)
        try units.withUnsafeBufferPointer { (buffer) throws(ICUError) in
            try analyze(utf16: buffer, emit)
        }
    }

    /// Analyzes the UTF-16 text `original` and calls `emit` for every token: first the word stream,
    /// then the bigram stream. Offsets are UTF-16 code unit offsets into `original`.
    public func analyze(utf16 original: UnsafeBufferPointer<UInt16>, _ emit: (Token) -> Void) throws(ICUError) {
        try run(original) { stream, term, range, position, context in
            let offsets = context.normalized.originalRange(start: range.lowerBound, end: range.upperBound)
            emit(Token(term: String(decoding: term, as: UTF8.self), stream: stream,
                       script: Self.script(context.classes, range), position: position,
                       start: offsets.lowerBound, end: offsets.upperBound))
        }
    }

    /// Analyzes `original` as ``analyze(utf16:_:)`` does, in the same order, but hands over only each
    /// token's stream, term (its UTF-8 bytes, valid during the call only) and position: no string,
    /// script or offsets are made, which makes this the fastest way to index a text.
    public func analyzeTerms(utf16 original: UnsafeBufferPointer<UInt16>,
                             _ emit: (_ stream: Token.Stream, _ term: UnsafeRawBufferPointer, _ position: Int) -> Void) throws(ICUError) {
        try run(original) { stream, term, _, position, _ in emit(stream, term, position) }
    }

    /// What a token's script and offsets are computed from.
    private struct Context {
        let normalized: NormalizedText
        let classes: [UInt8]
    }

    /// The chain: calls `emit(stream, term bytes, normalized range, position, context)` for every
    /// token, the word stream first, then the bigram stream. Term bytes are always valid UTF-8 (the
    /// UTF-8 of the string a token's term is).
    private func run(_ original: UnsafeBufferPointer<UInt16>,
                     _ emit: (Token.Stream, UnsafeRawBufferPointer, Range<Int>, Int, Context) -> Void) throws(ICUError) {
        let normalized = try NormalizedText(normalizing: original)
        try normalized.units.withUnsafeBufferPointer { (text) throws(ICUError) in
            let classes = CharacterClass.classify(text)
            let context = Context(normalized: normalized, classes: classes)
            try emitWords(text, classes: classes) { stream, term, range, position in
                emit(stream, term, range, position, context)
            }
            Bigrams.forEach(in: text, classes: classes) { start, end, position in
                UTF8Encoding.withBytes(text, start..<end) { emit(.bigram, $0, start..<end, position, context) }
            }
        }
    }

    // MARK: - Word stream

    private func emitWords(_ text: UnsafeBufferPointer<UInt16>, classes: [UInt8],
                           _ emit: (Token.Stream, UnsafeRawBufferPointer, Range<Int>, Int) -> Void) throws(ICUError) {
        let katakanaWords = KatakanaWords.ranges(in: text, classes: classes)
        var nextKatakana = 0
        var position = 0

        func emitToken(_ range: Range<Int>) {
            switch Self.script(classes, range) {
            case .katakana:
                KatakanaWords.withTerm(of: text, range: range) { emit(.word, $0, range, position) }
            case .latin:
                EnglishTerms.withTerms(of: text, range: range) { word, stem in
                    emit(.word, word, range, position)
                    if let stem { emit(.stem, stem, range, position) }
                }
            default:
                UTF8Encoding.withBytes(text, range) { emit(.word, $0, range, position) }
            }
            position += 1
        }
        func emitKatakanaWords(before offset: Int) {
            while nextKatakana < katakanaWords.count && katakanaWords[nextKatakana].lowerBound < offset {
                emitToken(katakanaWords[nextKatakana])
                nextKatakana += 1
            }
        }

        try words.segments(of: text) { start, end, status in
            guard status >= 100 && status < 500 else { return }
            // Cut the segment where the script group changes, and at dots, colons and at signs
            // inside it (`file.txt`, `std::io`, `3.14`, `user@host` are several words, so a
            // whole-word search finds `file` in `file.txt` and `user` in `user@host`; a query with
            // the separator matches them as a phrase). Katakana pieces are
            // covered by the katakana words found from the characters.
            var pieceStart = start
            var pieceGroup: UInt8 = 0
            var k = start
            while k <= end {
                let isSeparator = k < end && (text[k] == 0x2E || text[k] == 0x3A || text[k] == 0x40)
                let group: UInt8 = k < end && !isSeparator ? CharacterClass.group(classes[k]) : 255
                if k == end || isSeparator || (group != 0 && pieceGroup != 0 && group != pieceGroup) {
                    if pieceGroup != 0 && pieceGroup != 3 {
                        emitKatakanaWords(before: pieceStart + 1)
                        emitToken(trimmed(pieceStart..<k, classes))
                    }
                    pieceStart = isSeparator ? k + 1 : k
                    pieceGroup = isSeparator ? 0 : group
                } else if pieceGroup == 0 {
                    pieceGroup = group
                }
                k += 1
            }
        }
        emitKatakanaWords(before: Int.max)
    }

    /// `range` without leading or trailing punctuation (a piece cut out of a segment may keep some).
    private func trimmed(_ range: Range<Int>, _ classes: [UInt8]) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && classes[lower] == CharacterClass.other.rawValue { lower += 1 }
        while upper > lower && classes[upper - 1] == CharacterClass.other.rawValue { upper -= 1 }
        return lower < upper ? lower..<upper : range
    }

    // MARK: - Helpers

    private static func script(_ classes: [UInt8], _ range: Range<Int>) -> Token.Script {
        var seen: UInt8 = 0
        for k in range {
            switch classes[k] {
            case CharacterClass.latin.rawValue: seen |= 1
            case CharacterClass.digit.rawValue: seen |= 2
            case CharacterClass.hiragana.rawValue: seen |= 4
            case CharacterClass.katakana.rawValue: seen |= 8
            case CharacterClass.han.rawValue: seen |= 16
            case CharacterClass.letter.rawValue: seen |= 32
            default: break
            }
        }
        switch seen {
        case 2: return .number
        case 4: return .hiragana
        case 8: return .katakana
        case 16: return .han
        case _ where seen & 32 != 0: return .other
        case _ where seen & 1 != 0: return .latin
        case _ where seen & (4 | 8 | 16) != 0: return .japanese
        default: return .other
        }
    }
}
