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
