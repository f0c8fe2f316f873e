import Foundation
import Testing

import HashiConcepts

struct ConceptSourceTests {
    @Test func sourcesCompareByTheirPlace() {
        #expect(ConceptSource.dictionary(file: "a.txt", line: 1) != ConceptSource.dictionary(file: "a.txt", line: 2))
        #expect(ConceptSource.mined(document: "d.txt", line: 3) == ConceptSource.mined(document: "d.txt", line: 3))
    }
}

struct ConceptSourceCodingTests {
    @Test(arguments: [
        ConceptSource.dictionary(file: "a.synonyms", line: 3), .mined(document: "d/e.txt", line: 12),
        .background(name: "SudachiDict synonyms", entry: "022225"), .imported(name: "JMdict", file: "j.synonyms", line: 40),
    ])
    func roundTripsCompactly(source: ConceptSource) throws {
        let data = try JSONEncoder().encode(source)
        #expect(try JSONDecoder().decode(ConceptSource.self, from: data) == source)
        #expect(data.count < 45, "\(String(decoding: data, as: UTF8.self))")
    }

    @Test func readsTheFormOfEarlierTables() throws {
        let dictionary = Data(#"{"dictionary":{"file":"f.txt","line":2}}"#.utf8)
        let mined = Data(#"{"mined":{"document":"b.txt","line":3}}"#.utf8)
        #expect(try JSONDecoder().decode(ConceptSource.self, from: dictionary) == .dictionary(file: "f.txt", line: 2))
        #expect(try JSONDecoder().decode(ConceptSource.self, from: mined) == .mined(document: "b.txt", line: 3))
        #expect(throws: (any Error).self) { try JSONDecoder().decode(ConceptSource.self, from: Data("{}".utf8)) }
    }
}
