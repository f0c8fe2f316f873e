import Foundation
import Testing

// `hashi concepts import jmdict`, then indexing and searching with what it wrote, as a user would.

/// The JMdict-shaped fixture of the concepts tests.
private let jmdictFixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../HashiConceptsTests/Fixtures/jmdict/JMdict_e_sample.xml").standardized

@Suite("hashi concepts import jmdict")
struct ConceptImportCommandTests {
    @Test("import the fixture, index with the result, and an English gloss finds the Japanese passage")
    func importIndexAndSearch() throws {
        let root = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let corpus = root.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        try Data("この規範は国際社会で広く受け入れられている。\n".utf8).write(to: corpus.appendingPathComponent("ja.txt"))
        try Data("A pattern of behaviour emerged over the years.\n".utf8).write(to: corpus.appendingPathComponent("en.txt"))
        let dictionary = root.appendingPathComponent("jmdict.synonyms").path
        let index = root.appendingPathComponent("index").path

        let imported = try CLIRunner.run(["concepts", "import", "jmdict", jmdictFixture.path, "--output", dictionary])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("JMdict created 2026-11-20"), "\(imported.stdout)")
        #expect(imported.stdout.contains("entries: 16 read, 14 written"), "\(imported.stdout)")
        #expect(imported.stdout.contains("lines: 38 (by weight: 0.50 9, 0.48 8,"), "\(imported.stdout)")
        let text = try String(contentsOfFile: dictionary, encoding: .utf8)
        #expect(text.contains("\n#@ imported JMdict\n#@ weight 0.50\n規範, きはん, model  # JMdict 1000010\n"))

        let built = try CLIRunner.run(["index", "--corpus", corpus.path, "--index", index, "--concepts", dictionary,
                                       "--no-default-concepts", "--threads", "2"])
        #expect(built.status == 0, "\(built.stderr)")

        func documents(_ query: String, mode: String = "concept") throws -> Set<String> {
            let result = try CLIRunner.run(["search", query, "--index", index, "--corpus", corpus.path, "--mode", mode,
                                            "--json", "--no-refresh"])
            #expect(result.status == 0, "\(query): \(result.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let results = object?["results"] as? [[String: Any]] ?? []
            return Set(results.compactMap { $0["document"] as? String })
        }
        #expect(try documents("norm") == ["ja.txt"])
        #expect(try documents("norm", mode: "keyword") == [])
        // `model` reaches 規範 but not the other glosses of 規範: en.txt says "pattern", not "model".
        #expect(try documents("model") == ["ja.txt"])
        #expect(try documents("pattern") == ["ja.txt", "en.txt"])
    }

    @Test("--json prints the summary as one JSON object")
    func jsonSummary() throws {
        let root = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("out.synonyms").path
        let result = try CLIRunner.run(["concepts", "import", "jmdict", jmdictFixture.path, "--output", output, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["entriesRead"] as? Int == 16)
        #expect(object["entriesWritten"] as? Int == 14)
        #expect(object["lines"] as? Int == 38)
        #expect(object["created"] as? String == "2026-11-20")
        #expect(object["compressed"] as? Bool == false)
        #expect((object["glossesDropped"] as? [String: Int])?["too-long"] == 2)
        #expect((object["linesByWeight"] as? [String: Int])?["0.50"] == 9)
        #expect(object["megabytesPerSecond"] is Double)
    }

    @Test("a damaged file is one error line naming file and line; --output is not written")
    func damagedFile() throws {
        let root = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let fixture = try Data(contentsOf: jmdictFixture)
        let bad = root.appendingPathComponent("JMdict_e")
        let text = String(decoding: fixture, as: UTF8.self).replacingOccurrences(of: "<pos>&v1;</pos>", with: "<pos>&v9;</pos>")
        try Data(text.utf8).write(to: bad)
        let line = text.components(separatedBy: "\n").firstIndex { $0.contains("&v9;") }.map { $0 + 1 } ?? 0
        let output = root.appendingPathComponent("out.synonyms")
        let result = try CLIRunner.run(["concepts", "import", "jmdict", bad.path, "--output", output.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(bad.path):\(line): undefined entity &v9;"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["JMdict_e"])
    }
}
