/// One term the analyzer found in a text, with where it stands.
public struct Token: Sendable, Hashable, Codable {
    /// Which of the analyzer's two streams a token belongs to.
    public enum Stream: String, Sendable, Hashable, Codable {
        /// Words: ICU's segmentation with Hashi's Japanese and English rules applied. Used for
        /// ranking and for English and whole-word Japanese matches. English words are as written
        /// (normalized, possessive dropped), so keyword search matches them exactly.
        case word
        /// Porter2 stems of English words whose stem differs from the word, at the word's position
        /// (so phrases can mix word and stem terms). Concept search matches these.
        case stem
        /// Character bigrams of every run of Japanese characters (a lone character is a unigram).
        /// Used as a phrase to find any Japanese substring of two or more characters, even where the
        /// word segmentation of the document and of the query disagree.
        case bigram
    }

    /// The writing system of a token.
    public enum Script: String, Sendable, Hashable, Codable {
        /// Latin letters (possibly with digits, as in `mp3`).
        case latin
        /// Digits only.
        case number
        /// Katakana (with the prolonged sound mark).
        case katakana
        /// Hiragana only.
        case hiragana
        /// Kanji only.
        case han
        /// Kanji mixed with hiragana (`行う`).
        case japanese
        /// Letters of any other script.
        case other
    }

    /// The normalized (and, for English, stemmed) term, as it is indexed and searched.
    public var term: String
    /// The stream the token belongs to.
    public var stream: Stream
    /// The token's writing system.
    public var script: Script
    /// The token's ordinal within its stream (phrases match consecutive positions).
    public var position: Int
    /// Where the token starts in the *original* text, in UTF-16 code units.
    public var start: Int
    /// Where the token ends in the *original* text, in UTF-16 code units (exclusive).
    public var end: Int

    /// Creates a token.
    public init(term: String, stream: Stream, script: Script, position: Int, start: Int, end: Int) {
        self.term = term
        self.stream = stream
        self.script = script
        self.position = position
        self.start = start
        self.end = end
    }
}
