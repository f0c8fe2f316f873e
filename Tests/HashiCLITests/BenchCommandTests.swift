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

    /// `--incremental` times updates of a linked copy after changing one file and 10% of the files,
    /// and leaves the corpus itself untouched.
    @Test func benchIndexIncrementalTimesUpdates() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var originals: [URL: Data] = [:]
        for k in 0..<20 {
            let url = directory.appendingPathComponent(k % 3 == 0 ? "sub/doc\(k).txt" : "doc\(k).md")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let data = Data("文書\(k)は信頼醸成措置について述べる。\n\nDocument \(k) on confidence building.".utf8)
            try data.write(to: url)
            originals[url] = data
        }
        let result = try CLIRunner.run(["bench", "index", "--corpus", directory.path, "--threads", "2", "--runs", "1",
                                        "--incremental", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let rows = try #require(object?["incremental"] as? [[String: Any]])
        #expect(rows.map { $0["changedFiles"] as? Int } == [1, 2])
        #expect(rows.allSatisfy { ($0["seconds"] as? Double ?? 0) > 0 && ($0["reanalysedMegabytes"] as? Double ?? 0) > 0 })
        for (url, data) in originals {
            #expect(try Data(contentsOf: url) == data, "\(url.lastPathComponent) was modified")
        }
        let text = try CLIRunner.run(["bench", "index", "--corpus", directory.path, "--threads", "2", "--runs", "1", "--incremental"])
        #expect(text.stdout.contains("incremental, 1 file changed"), "\(text.stdout)")
    }
}
