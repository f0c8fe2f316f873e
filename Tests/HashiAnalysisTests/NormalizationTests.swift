import Testing

@testable import HashiAnalysis

/// Step 2: NFKC with case folding, and the map back to the original text.
struct NormalizationTests {
    @Test(arguments: [
        ("ＧＧＥ", "GGE"),
        ("２０１５", "2015"),
        ("ﾃﾞｭｰﾃﾞﾘｼﾞｪﾝｽ", "デューデリジェンス"),
        ("Due", "due"),
        ("ＤＵＥ　ＤＩＬＩＧＥＮＣＥ", "due diligence"),
        ("ｻｰﾊﾞｰ", "サーバー"),
    ])
    func variantsGiveTheSameTerms(variant: String, canonical: String) throws {
        #expect(try terms(variant) == terms(canonical))
        #expect(try terms(variant, .bigram) == terms(canonical, .bigram))
        #expect(!(try terms(variant)).isEmpty)
    }

    @Test func normalizedTextMapsBackToTheOriginal() throws {
        let original = Array("aＢﾃﾞ㍻x".utf16)
        let normalized = try original.withUnsafeBufferPointer { try NormalizedText(normalizing: $0) }
        #expect(String(decoding: normalized.units, as: UTF16.self) == "abデ平成x")
        // "デ" came from the two half-width units "ﾃﾞ" at 2..<4.
        #expect(normalized.originalRange(start: 2, end: 3) == 2..<4)
        // "平" alone cannot be traced to less than the whole "㍻".
        #expect(normalized.originalRange(start: 3, end: 4) == 4..<5)
        #expect(normalized.originalRange(start: 3, end: 5) == 4..<5)
        #expect(normalized.originalRange(start: 5, end: 6) == 5..<6)
        #expect(normalized.originalRange(start: 0, end: 6) == 0..<6)
    }

    @Test func emptyTextNormalizesToNothing() throws {
        let normalized = try [UInt16]().withUnsafeBufferPointer { try NormalizedText(normalizing: $0) }
        #expect(normalized.units.isEmpty)
        #expect(try Analyzer().tokens(of: "").isEmpty)
    }

    @Test func expandingCharactersGrowTheBuffer() throws {
        // U+FDFA expands to 18 code units under NFKC: the buffer must grow, not overflow.
        let text = String(repeating: "\u{FDFA}", count: 200)
        let original = Array(text.utf16)
        let normalized = try original.withUnsafeBufferPointer { try NormalizedText(normalizing: $0) }
        #expect(normalized.units.count == 200 * 18)
        #expect(normalized.originalRange(start: 18 * 199, end: 18 * 200) == 199..<200)
    }

    @Test func offsetsPointAtTheOriginalCharacters() throws {
        let text = "前ＧＧＥ後 ﾃﾞｭｰﾃﾞﾘｼﾞｪﾝｽ"
        let tokens = try Analyzer().tokens(of: text).filter { $0.stream == .word }
        let gge = try #require(tokens.first { $0.term == "gge" })
        #expect(source(of: gge, in: text) == "ＧＧＥ")
        let loanword = try #require(tokens.first { $0.term == "デューデリジェンス" })
        #expect(source(of: loanword, in: text) == "ﾃﾞｭｰﾃﾞﾘｼﾞｪﾝｽ")
    }
}

/// The ASCII fast path must not break composition with a following combining mark.
struct NormalizationFastPathTests {
    @Test func asciiLetterComposesWithAFollowingCombiningMark() throws {
        let original = Array("CafE\u{0301} X".utf16)
        let normalized = try original.withUnsafeBufferPointer { try NormalizedText(normalizing: $0) }
        #expect(String(decoding: normalized.units, as: UTF16.self) == "caf\u{00E9} x")
        #expect(normalized.originalRange(start: 3, end: 4) == 3..<5)
        #expect(try terms("CAFE\u{0301}") == terms("café"))
    }
}
