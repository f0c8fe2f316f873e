import Testing
@testable import HashiIndex

/// A writer's frozen term set answers exactly for the terms added before it was taken, per field,
/// whatever the writer does afterwards.
@Suite struct SegmentTermSetTests {
    @Test func containsExactlyTheTermsAddedBeforeItWasTaken() {
        var w = SegmentWriter()
        let d = w.addDocument(path: "a.txt", size: 1, modified: 0, contentHash: 0)
        _ = w.addPassage(document: d, ordinal: 0, line: 1, startOffset: 0, endOffset: 1, text: "x")
        var generator = SystemRandomNumberGenerator()
        var added: Set<String> = []
        // Enough terms that the slot table grows several times.
        for k in 0..<5_000 {
            let term = k % 3 == 0 ? "語\(k)" : "t\(UInt32.random(in: 0...50_000, using: &generator))"
            w.addToken(field: UInt8(k % 2), term: term, position: UInt32(k))
            added.insert("\(k % 2)|\(term)")
        }
        let set = w.termSet
        #expect(set.count == added.count)
        w.addToken(field: 0, term: "later", position: 6_000)
        for entry in added {
            let parts = entry.split(separator: "|", maxSplits: 1)
            let field = UInt8(parts[0]) ?? 0
            #expect(set.contains(field: field, term: String(parts[1])), "\(entry)")
        }
        #expect(!set.contains(field: 0, term: "later"), "taken before the term was added")
        #expect(!set.contains(field: 0, term: ""))
        #expect(!set.contains(field: 2, term: "t1"))
        for k in 0..<200 where !added.contains("0|absent\(k)") {
            #expect(!set.contains(field: 0, term: "absent\(k)"))
        }
    }
}
