import Foundation
import Testing

/// End to end: `hashi bench analyze` prints figures for each language of a corpus.
struct BenchCommandTests {
    struct Output: Decodable {
        struct Figures: Decodable {
            let language: String
            let documents: Int
            let analyzerMBPerSecond: Double
            let icuWordBreakMBPerSecond: Double
            let ratio: Double
            let tokens: Int
        }
        let analyze: [Figures]
    }

    @Test func benchAnalyzeReportsEachLanguage() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "サイバー攻撃に対する信頼醸成措置について述べる。".write(to: directory.appendingPathComponent("ja.txt"),
                                                    atomically: true, encoding: .utf8)
        try "Confidence building measures in cyberspace.".write(to: directory.appendingPathComponent("en.md"),
                                                              atomically: true, encoding: .utf8)
        try "ignored".write(to: directory.appendingPathComponent("notes.csv"), atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["bench", "analyze", "--corpus", directory.path, "--runs", "1", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
        #expect(output.analyze.map(\.language) == ["ja", "en"])
        #expect(output.analyze.allSatisfy { $0.documents == 1 && $0.tokens > 0 && $0.analyzerMBPerSecond > 0 && $0.ratio > 0 })
    }

    @Test func missingCorpusIsAnError() throws {
        let result = try CLIRunner.run(["bench", "analyze", "--corpus", "/nonexistent/corpus"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("/nonexistent/corpus"))
    }

    @Test func benchIndexReportsEachThreadCount() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "サイバー攻撃に対する信頼醸成措置について述べる。\n\nConfidence building measures.".write(
            to: directory.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["bench", "index", "--corpus", directory.path, "--threads", "1", "2",
                                        "--runs", "1", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let rows = try #require(object?["index"] as? [[String: Any]])
        #expect(rows.map { $0["threads"] as? Int } == [1, 2])
        #expect(rows.allSatisfy { ($0["megabytesPerSecond"] as? Double ?? 0) > 0 && ($0["indexRatio"] as? Double ?? 0) > 0 })
    }
}
