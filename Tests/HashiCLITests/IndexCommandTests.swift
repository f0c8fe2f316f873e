import Foundation
import Testing

/// Runs `hashi` and reports how it ended (an exit or a signal), for the index commands' tests.
enum IndexCLI {
    struct Result {
        let status: Int32
        let reason: Process.TerminationReason
        let stdout: String
        let stderr: String
        /// Exited (not killed by a signal) with a non-zero status.
        var failedCleanly: Bool { reason == .exit && status != 0 }
        var succeeded: Bool { reason == .exit && status == 0 }
        var output: String { stdout + stderr }
    }

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = try CLIRunner.executable()
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, reason: process.terminationReason,
                      stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A temporary folder with `corpus/` and room for `index/`.
    final class Scratch {
        let root: URL
        var corpus: URL { root.appendingPathComponent("corpus") }
        var index: URL { root.appendingPathComponent("index") }

        init() throws {
            root = try CLIRunner.temporaryDirectory()
            try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        func write(_ path: String, _ text: String) throws {
            let url = corpus.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }

        /// A small bilingual corpus of three documents (and one file that is skipped).
        func writeSmallCorpus() throws {
            try write("ja.txt", "政府専門家会合は相当の注意義務について議論した。\n\nデューデリジェンスの考え方。")
            try write("en.md", "Due diligence was discussed.\n\nConfidence building measures matter.")
            try write("sub/page.html", "<html><body><h1>見出し</h1><p>ｻｲﾊﾞｰ攻撃 and servers</p></body></html>")
            try Data([0x00, 0x01, 0x02]).write(to: corpus.appendingPathComponent("binary.txt"))
        }

        func index(_ extra: [String] = []) throws -> Result {
            try IndexCLI.run(["index", "--corpus", corpus.path, "--index", index.path] + extra)
        }

        /// The files of the committed generation.
        func generationDirectory(of index: URL? = nil) throws -> URL {
            let folder = index ?? self.index
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("gen-") }.sorted()
            let manifest = try String(contentsOf: folder.appendingPathComponent("MANIFEST"), encoding: .utf8)
            let line = try #require(manifest.split(separator: "\n").first { $0.hasPrefix("directory ") })
            let name = String(line.dropFirst("directory ".count))
            #expect(names.contains(name))
            return folder.appendingPathComponent(name)
        }
    }

    static func json(_ text: String) throws -> [String: Any] {
        let line = try #require(text.split(separator: "\n").last, "no output")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
    }
}

struct IndexCommandTests {
    @Test func indexThenStatsVerifyAndIndexAgain() throws {
        let scratch = try IndexCLI.Scratch()
        try scratch.writeSmallCorpus()
        let built = try scratch.index()
        #expect(built.succeeded, "\(built.stderr)")
        #expect(built.stdout.contains("indexed 3 documents"), "\(built.stdout)")
        #expect(built.stderr.contains("binary.txt"), "the skipped file should be named: \(built.stderr)")

        let stats = try IndexCLI.run(["stats", "--json", "--index", scratch.index.path])
        #expect(stats.succeeded, "\(stats.stderr)")
        let figures = try IndexCLI.json(stats.stdout)
        #expect(figures["documents"] as? Int == 3)
        #expect((figures["passages"] as? Int ?? 0) >= 5)
        #expect((figures["terms"] as? Int ?? 0) > 10)
        #expect((figures["postings"] as? Int ?? 0) >= (figures["terms"] as? Int ?? 0))
        #expect(figures["generation"] as? Int == 1)
        let perField = try #require(figures["termsPerField"] as? [String: Int])
        #expect((perField["word"] ?? 0) > 0 && (perField["bigram"] ?? 0) > 0)
        #expect(perField.values.reduce(0, +) == figures["terms"] as? Int)
        let files = try #require(figures["files"] as? [String: Int])
        #expect(!files.isEmpty)
        #expect(files.values.reduce(0, +) == figures["indexBytes"] as? Int)
        // "Bytes of input indexed": the three documents, not the skipped binary file.
        let inputBytes = try totalBytes(of: ["ja.txt", "en.md", "sub/page.html"], in: scratch.corpus)
        #expect(figures["inputBytes"] as? Int == inputBytes)

        let plain = try IndexCLI.run(["stats", "--index", scratch.index.path])
        #expect(plain.succeeded && plain.stdout.contains("documents   3"), "\(plain.stdout)")

        let verify = try IndexCLI.run(["verify", "--index", scratch.index.path])
        #expect(verify.succeeded, "\(verify.output)")
        #expect(verify.stdout.contains("OK"))
        let verifyJSON = try IndexCLI.run(["verify", "--json", "--index", scratch.index.path])
        let report = try IndexCLI.json(verifyJSON.stdout)
        #expect(report["ok"] as? Bool == true)
        #expect((report["problems"] as? [Any])?.isEmpty == true)

        let again = try scratch.index()
        #expect(again.succeeded)
        #expect(again.stdout.contains("up to date"), "\(again.stdout)")
        #expect(again.stdout.contains("3 documents"))
    }

    @Test func jsonSummaryShape() throws {
        let scratch = try IndexCLI.Scratch()
        try scratch.writeSmallCorpus()
        let built = try scratch.index(["--json", "--threads", "2"])
        #expect(built.succeeded, "\(built.stderr)")
        #expect(built.stdout.split(separator: "\n").count == 1, "--json prints one line: \(built.stdout)")
        let summary = try IndexCLI.json(built.stdout)
        #expect(Set(summary.keys) == ["upToDate", "reason", "documents", "passages", "terms", "postings", "inputBytes",
                                      "indexBytes", "seconds", "threads", "segments", "warnings", "background", "incremental", "changes"])
        #expect(summary["incremental"] as? Bool == false)
        #expect(summary["upToDate"] as? Bool == false)
        let background = try #require(summary["background"] as? [String: Any])
        #expect(background["builtIn"] as? String == "SudachiDict synonyms 20240109")
        #expect((background["builtInConcepts"] as? Int ?? 0) > 20_000 && (background["loadSeconds"] as? Double ?? 0) > 0)
        #expect(summary["segments"] as? Int == 1)
        #expect(summary["documents"] as? Int == 3)
        #expect(summary["threads"] as? Int == 2)
        #expect((summary["seconds"] as? Double ?? -1) >= 0)
        #expect((summary["indexBytes"] as? Int ?? 0) > 0)
        let warnings = try #require(summary["warnings"] as? [[String: Any]])
        #expect(warnings.count == 1)
        #expect(warnings.first?["path"] as? String == "binary.txt")
        #expect((warnings.first?["reason"] as? String)?.contains("binary") == true)
        #expect(Set(warnings.first?.keys.map { $0 } ?? []) == ["path", "reason"])

        let again = try IndexCLI.json(try scratch.index(["--json"]).stdout)
        #expect(again["upToDate"] as? Bool == true)
        #expect(again["documents"] as? Int == 3)
        #expect(again["passages"] as? Int == summary["passages"] as? Int)
        #expect(again["terms"] as? Int == summary["terms"] as? Int)
    }

    @Test func emptyCorpusFolderFailsWithAClearMessage() throws {
        let scratch = try IndexCLI.Scratch()
        let result = try scratch.index()
        #expect(result.failedCleanly)
        #expect(result.stderr.contains("no document to index"), "\(result.stderr)")
        #expect(result.stderr.contains(scratch.corpus.path))
    }

    @Test func missingCorpusFolderFailsNamingIt() throws {
        let scratch = try IndexCLI.Scratch()
        let missing = scratch.root.appendingPathComponent("no-such-corpus").path
        let result = try IndexCLI.run(["index", "--corpus", missing, "--index", scratch.index.path])
        #expect(result.failedCleanly)
        #expect(result.stderr.contains(missing), "\(result.stderr)")
        #expect(result.stderr.contains("no such corpus folder"))
        #expect(!FileManager.default.fileExists(atPath: scratch.index.appendingPathComponent("MANIFEST").path))
    }

    @Test func corpusThatIsAFileFailsNamingIt() throws {
        let scratch = try IndexCLI.Scratch()
        try scratch.write("a.txt", "text")
        let file = scratch.corpus.appendingPathComponent("a.txt").path
        let result = try IndexCLI.run(["index", "--corpus", file, "--index", scratch.index.path])
        #expect(result.failedCleanly)
        #expect(result.stderr.contains(file) && result.stderr.contains("not a folder"), "\(result.stderr)")
    }

    @Test func statsAndVerifyOfAMissingIndexFailCleanly() throws {
        let scratch = try IndexCLI.Scratch()
        let stats = try IndexCLI.run(["stats", "--index", scratch.index.path])
        #expect(stats.failedCleanly)
        #expect(stats.stderr.contains("no index found"), "\(stats.stderr)")
        let verify = try IndexCLI.run(["verify", "--index", scratch.index.path])
        #expect(verify.failedCleanly)
        #expect(verify.output.contains(scratch.index.path), "\(verify.output)")
    }

    @Test func badOptionsAreRejected() throws {
        let scratch = try IndexCLI.Scratch()
        try scratch.write("a.txt", "text")
        for options in [["--threads", "0"], ["--threads", "65"], ["--passage-limit", "15"]] {
            let result = try scratch.index(options)
            #expect(result.failedCleanly, "\(options)")
            #expect(result.stderr.contains(options[0]), "\(options): \(result.stderr)")
        }
    }

    private func totalBytes(of paths: [String], in folder: URL) throws -> Int {
        try paths.reduce(0) { sum, path in
            let attributes = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(path).path)
            return sum + ((attributes[.size] as? NSNumber)?.intValue ?? 0)
        }
    }
}
