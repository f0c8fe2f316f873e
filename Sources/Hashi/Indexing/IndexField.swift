/// The fields (term streams) of a Hashi index, as numbered on disk.
public enum IndexField: UInt8, Sendable, CaseIterable {
    /// The word stream: normalized, stemmed words; katakana words whole.
    case word = 0
    /// The bigram stream: character bigrams of Japanese runs.
    case bigram = 1
}
