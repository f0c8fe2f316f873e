import HashiAnalysis

/// The fields (term streams) of a Hashi index, as numbered on disk.
public enum IndexField: UInt8, Sendable, CaseIterable {
    /// The word stream: normalized, stemmed words; katakana words whole.
    case word = 0
    /// The bigram stream: character bigrams of Japanese runs.
    case bigram = 1
    /// Stems of English words that differ from the word, at the word's position.
    case stem = 2

    /// The field that holds tokens of `stream`.
    public init(_ stream: Token.Stream) {
        switch stream {
        case .word: self = .word
        case .bigram: self = .bigram
        case .stem: self = .stem
        }
    }
}
