import Testing

import HashiConcepts

struct ConceptSourceTests {
    @Test func sourcesCompareByTheirPlace() {
        #expect(ConceptSource.dictionary(file: "a.txt", line: 1) != ConceptSource.dictionary(file: "a.txt", line: 2))
        #expect(ConceptSource.mined(document: "d.txt", line: 3) == ConceptSource.mined(document: "d.txt", line: 3))
    }
}
