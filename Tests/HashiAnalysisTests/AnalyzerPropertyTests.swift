import Foundation
import PropertyBased
import Testing

@testable import HashiAnalysis

/// Properties of the whole chain over random Japanese/English text.
struct AnalyzerPropertyTests {
    /// Pieces random texts are made of: every script, width variants, punctuation and oddities.
    static let pieces = [
        "サイバー", "ｻｲﾊﾞｰ", "デューデリジェンス", "ﾃﾞｭｰﾃﾞﾘｼﾞｪﾝｽ", "キャパシティ・ビルディング", "マネー･ロンダリング",
        "攻撃", "政府専門家会合", "相当の注意義務", "新幹線", "信頼醸成措置", "について", "を", "の", "々", "𠮷野",
        "Due", "DILIGENCE", "ＧＧＥ", "Group", "experts'", "John's", "well-known", "connections", "café", "cafe\u{0301}",
        "２０１５", "2015", "3.14", " ", "  ", "\n", "\r\n", "、", "。", "(", ")", "（", "）", "「", "」", "・", "ー",
        "—", "…", "!", "😀", "\u{0}", "\t", "Ελλάδα", "한국어", "ǅ", "ﬁ", "㍻",
    ]
    static let texts = Gen.element(of: pieces).array(of: 0...40).map { $0.compactMap { $0 }.joined() }

    @Test func tokensAreWellFormed() async {
        await propertyCheck(count: 300, input: Self.texts) { text in
            let tokens = try Analyzer().tokens(of: text)
            let length = text.utf16.count
            let words = tokens.filter { $0.stream == .word }
            #expect(words.map(\.position) == Array(0..<words.count))
            let bigramPositions = tokens.filter { $0.stream == .bigram }.map(\.position)
            #expect(zip(bigramPositions, bigramPositions.dropFirst()).allSatisfy { $0 < $1 })
            for stream in [Token.Stream.word, .bigram] {
                let ofStream = tokens.filter { $0.stream == stream }
                #expect(ofStream.map(\.start) == ofStream.map(\.start).sorted(), "\(stream) tokens out of order in \(text.debugDescription)")
            }
            for token in tokens {
                #expect(0 <= token.start && token.start < token.end && token.end <= length,
                        "token \(token.term) has range \(token.start)..<\(token.end) in text of \(length) units")
                #expect(!token.term.isEmpty)
            }
        }
    }

    @Test func bigramsAreTheNormalizedCharactersTheyCover() async {
        await propertyCheck(count: 300, input: Self.texts) { text in
            let units = Array(text.utf16)
            for token in try Analyzer().tokens(of: text) where token.stream == .bigram {
                let original = String(decoding: units[token.start..<token.end], as: UTF16.self)
                // nfkc_cf of what the token covers, compared ignoring what normalization of a wider
                // chunk (㍻ → 平成) adds around the bigram.
                let normalized = try normalize(original)
                #expect(normalized.contains(token.term), "bigram \(token.term) vs original \(original.debugDescription)")
            }
        }
    }

    /// What search relies on for Japanese recall: any Japanese substring of the normalized text
    /// (two characters or more, within one run) is a contiguous sequence of the document's bigrams.
    @Test func everyJapaneseSubstringIsAPhraseOfBigrams() async {
        await propertyCheck(count: 300, input: Self.texts, Gen.int(in: 0...1000), Gen.int(in: 2...8)) { text, seed, length in
            let analyzer = try Analyzer()
            let documentBigrams = try analyzer.tokens(of: text).filter { $0.stream == .bigram }.map(\.term)
            let runs = try japaneseRuns(of: normalize(text)).filter { $0.count >= 2 }
            guard !runs.isEmpty else { return }
            let run = runs[seed % runs.count]
            let take = min(length, run.count)
            let start = seed % (run.count - take + 1)
            let query = String(String.UnicodeScalarView(run[start..<(start + take)]))
            let queryBigrams = try analyzer.tokens(of: query).filter { $0.stream == .bigram }.map(\.term)
            #expect(!queryBigrams.isEmpty)
            #expect(containsContiguously(documentBigrams, queryBigrams),
                    "query \(query) bigrams \(queryBigrams) not found in \(documentBigrams)")
        }
    }

    @Test func widthAndCaseVariantsGiveTheSameTerms() async {
        let ascii = Gen.element(of: ["due", "Diligence", "GGE", "2015", "Experts", "cyber", " ", "attack"]).array(of: 1...10)
        await propertyCheck(count: 200, input: ascii) { words in
            let text = words.compactMap { $0 }.joined(separator: " ")
            let fullWidth = String(String.UnicodeScalarView(text.unicodeScalars.map {
                (0x21...0x7E).contains($0.value) ? Unicode.Scalar($0.value + 0xFEE0) ?? $0 : $0
            }))
            do {
                #expect(try terms(text) == terms(fullWidth))
                #expect(try terms(text) == terms(text.uppercased()))
            } catch {
                Issue.record(error)
            }
        }
    }

    // MARK: - Helpers

    private func normalize(_ text: String) throws -> String {
        let units = Array(text.utf16)
        let normalized = try units.withUnsafeBufferPointer { try NormalizedText(normalizing: $0) }
        return String(decoding: normalized.units, as: UTF16.self)
    }

    private func japaneseRuns(of text: String) -> [[Unicode.Scalar]] {
        var runs: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in text.unicodeScalars {
            let units = Array(String(scalar).utf16)
            let isJapanese = units.withUnsafeBufferPointer { CharacterClass.classify($0) }.first.map(CharacterClass.isJapanese) ?? false
            if isJapanese {
                current.append(scalar)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    private func containsContiguously(_ haystack: [String], _ needle: [String]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }
}
