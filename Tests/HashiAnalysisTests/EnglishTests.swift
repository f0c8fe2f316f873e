import Testing

@testable import HashiAnalysis

/// Step 5: English possessives, hyphens and stemming inside the analyzer.
struct EnglishTests {
    @Test func possessivesAreRemovedAsElasticsearchDoes() throws {
        #expect(try terms("John's") == ["john"])
        #expect(try terms("John's", .stem).isEmpty)
        #expect(try terms("John’s") == ["john"])
        #expect(try terms("the students' work") == terms("the students work"))
    }

    @Test func hyphenatedWordsAreSplit() throws {
        #expect(try terms("well-known") == ["well", "known"])
        #expect(try terms("state-sponsored attacks") == ["state", "sponsored", "attacks"])
        #expect(try terms("state-sponsored attacks", .stem) == ["sponsor", "attack"])
    }

    @Test func wordsKeepTheirFormAndStemsGoToTheirOwnStream() throws {
        #expect(try terms("Governmental Experts") == ["governmental", "experts"])
        #expect(try terms("Governmental Experts", .stem) == ["government", "expert"])
        #expect(try terms("connections connected connecting", .stem) == ["connect", "connect", "connect"])
        #expect(try terms("diligence") == terms("DILIGENCE"))
    }

    @Test func stemTokensShareTheirWordsPosition() throws {
        let tokens = try Analyzer().tokens(of: "network attacks spread")
        let stems = tokens.filter { $0.stream == .stem }
        // "network" is its own stem: no stem token. "attacks" → "attack" at position 1, "spread" unchanged.
        #expect(stems.map(\.term) == ["attack"])
        #expect(stems.map(\.position) == [1])
        let word = try #require(tokens.first { $0.stream == .word && $0.term == "attacks" })
        #expect((word.start, word.end) == (stems[0].start, stems[0].end))
    }

    @Test func numbersAndMixedTokensStayWhole() throws {
        #expect(try terms("mp3 1,000 x86_64") == ["mp3", "1,000", "x86_64"])
    }

    @Test func dotsAndColonsInsideWordsSplitThem() throws {
        #expect(try terms("file.txt std::io 3.14 e.g.") == ["file", "txt", "std", "io", "3", "14", "e", "g"])
        let tokens = try Analyzer().tokens(of: "inttypes.h").filter { $0.stream == .word }
        #expect(tokens.map(\.position) == [0, 1])
        #expect(tokens.map { ($0.start, $0.end) }.elementsEqual([(0, 8), (9, 10)], by: ==))
    }

    @Test func atSignsInsideWordsSplitThem() throws {
        // ICU keeps `user@example` as one word; whole-word search (and the anchors' ground truth)
        // treat `@` as a separator.
        #expect(try terms("mail user@example.com now") == ["mail", "user", "example", "com", "now"])
        let tokens = try Analyzer().tokens(of: "a@b").filter { $0.stream == .word }
        #expect(tokens.map(\.position) == [0, 1])
        #expect(tokens.map { ($0.start, $0.end) }.elementsEqual([(0, 1), (2, 3)], by: ==))
    }
}
