import Testing

@testable import HashiAnalysis

/// Step 5: English possessives, hyphens and stemming inside the analyzer.
struct EnglishTests {
    @Test func possessivesAreRemovedAsElasticsearchDoes() throws {
        #expect(try terms("John's") == ["john"])
        #expect(try terms("John’s") == ["john"])
        #expect(try terms("the students' work") == terms("the students work"))
    }

    @Test func hyphenatedWordsAreSplit() throws {
        #expect(try terms("well-known") == ["well", "known"])
        #expect(try terms("state-sponsored attacks") == ["state", "sponsor", "attack"])
    }

    @Test func wordsAreStemmed() throws {
        #expect(try terms("Governmental Experts") == ["government", "expert"])
        #expect(try terms("connections connected connecting") == ["connect", "connect", "connect"])
        #expect(try terms("diligence") == terms("DILIGENCE"))
    }

    @Test func numbersAndMixedTokensStayWhole() throws {
        #expect(try terms("mp3 3.14 1,000") == ["mp3", "3.14", "1,000"])
    }
}
