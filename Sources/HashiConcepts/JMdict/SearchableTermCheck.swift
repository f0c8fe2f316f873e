import HashiAnalysis

/// Decides whether a term has something the analyzer makes a word of, as `ConceptDictionary.parse`
/// requires of every term (a file with one unusable term would stop `hashi index`).
///
/// Terms with a common letter or digit (ASCII, Latin-1 and Latin Extended-A letters, kana, CJK
/// ideographs, fullwidth and halfwidth forms) are accepted at once; the few others (a lone 々 or
/// ー, symbols, rare scripts) are analyzed, and the answer is remembered. Without an analyzer those
/// few are refused.
final class SearchableTermCheck {
    private let analyzer: Analyzer?
    private var answers: [String: Bool] = [:]
    /// Answers kept at most; beyond it the cache is cleared, so memory stays bounded.
    private let cacheLimit = 50_000

    /// A check that analyzes uncommon terms with `analyzer` (or refuses them when it is nil).
    init(analyzer: Analyzer?) {
        self.analyzer = analyzer
    }

    /// Whether `text` has a term the analyzer makes a word of.
    func isSearchable(_ text: String) -> Bool {
        if text.unicodeScalars.contains(where: Self.isCommonWordScalar) { return true }
        guard let analyzer else { return false }
        if let known = answers[text] { return known }
        let answer = (try? analyzer.tokens(of: text))?.contains { $0.stream == .word } ?? false
        if answers.count >= cacheLimit { answers.removeAll(keepingCapacity: true) }
        answers[text] = answer
        return answer
    }

    /// Whether `scalar` is a letter or digit that always makes a word on its own.
    static func isCommonWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true          // ASCII digits and letters
        case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x17F: true         // Latin-1 and Latin Extended-A letters
        case 0x3041...0x3096, 0x30A1...0x30FA: true                // hiragana, katakana
        case 0x3400...0x4DBF, 0x4E00...0x9FFF: true                // CJK ideographs
        case 0xFF10...0xFF19, 0xFF21...0xFF3A, 0xFF41...0xFF5A: true // fullwidth digits and letters
        case 0xFF66...0xFF6F, 0xFF71...0xFF9D: true                // halfwidth katakana
        default: false
        }
    }
}
