import Foundation
import Testing

import Hashi

/// The library builds an index of a small corpus the way an embedding tool would.
struct IndexBuilderSmokeTests {
    @Test func buildsAndReportsStatistics() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hashi-smoke-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let corpus = root.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        try "相当の注意義務（デューデリジェンス）\n\nDue diligence matters.".write(
            to: corpus.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        let builder = IndexBuilder(corpus: corpus, index: root.appendingPathComponent("index"))
        let summary = try builder.build()
        #expect(summary.documents == 1)
        #expect(summary.passages == 2)
        #expect(!summary.upToDate)
        #expect(try builder.status() == .current)
        #expect(try builder.build().upToDate)
    }
}

/// A small memory budget splits the index into several segments; searching them equals searching one.
struct SegmentFlushTests {
    @Test func smallBudgetWritesSeveralSegmentsThatSearchTheSame() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hashi-flush-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let corpus = root.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        for k in 0..<40 {
            let text = (0..<60).map { "段落\(k)-\($0): サイバー攻撃への対応とデューデリジェンス、confidence building measures \($0 % 7)." }
                .joined(separator: "\n\n")
            try text.write(to: corpus.appendingPathComponent(String(format: "doc%02d.txt", k)), atomically: true, encoding: .utf8)
        }
        let one = try IndexBuilder(corpus: corpus, index: root.appendingPathComponent("one")).build()
        let many = try IndexBuilder(corpus: corpus, index: root.appendingPathComponent("many"), memoryBudget: 1 << 18).build()
        #expect(one.segments == 1)
        #expect(many.segments > 1)
        #expect(many.documents == one.documents && many.passages == one.passages)
        let a = try SearchIndex(at: root.appendingPathComponent("one"))
        let b = try SearchIndex(at: root.appendingPathComponent("many"))
        for query in ["デューデリジェンス", "confidence building", "サイバー攻撃 measures", "段落3", "\"building measures\" -5"] {
            let x = try a.search(query, mode: .keyword, limit: 20)
            let y = try b.search(query, mode: .keyword, limit: 20)
            #expect(x.total == y.total, "\(query)")
            #expect(x.results.map(\.text) == y.results.map(\.text), "\(query)")
            #expect(try a.matchingPassages(query) == b.matchingPassages(query), "\(query)")
        }
    }
}
