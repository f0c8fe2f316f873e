import Foundation
import Testing

/// Runs `hashi` with bytes on standard input and a time limit, reporting how it ended.
private enum SearchCLI {
    struct Result {
        let status: Int32
        let reason: Process.TerminationReason
        let stdout: String
        let stderr: String
        let timedOut: Bool
        var succeeded: Bool { reason == .exit && status == 0 && !timedOut }
        var failedCleanly: Bool { reason == .exit && status != 0 && !timedOut }
    }

    final class Buffer: @unchecked Sendable {
        var data = Data()
    }

    static func run(_ arguments: [String], input: Data? = nil, in directory: URL? = nil, timeout: TimeInterval = 60) throws -> Result {
        let process = Process()
        process.executableURL = try CLIRunner.executable()
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        let stdout = Buffer(), stderr = Buffer()
        let readers = DispatchGroup()
        for (pipe, buffer) in [(out, stdout), (err, stderr)] {
            readers.enter()
            DispatchQueue.global().async {
                buffer.data = pipe.fileHandleForReading.readDataToEndOfFile()
                readers.leave()
            }
        }
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(input) }
        try inPipe.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let timedOut = process.isRunning
        if timedOut { process.terminate() }
        process.waitUntilExit()
        readers.wait()
        return Result(status: process.terminationStatus, reason: process.terminationReason,
                      stdout: String(decoding: stdout.data, as: UTF8.self),
                      stderr: String(decoding: stderr.data, as: UTF8.self), timedOut: timedOut)
    }

    /// A corpus folder and an index path beside it (the index is not built yet).
    final class Scratch {
        let root: URL
        var corpus: URL { root.appendingPathComponent("corpus") }
        var index: URL { root.appendingPathComponent("index") }

        init() throws {
            root = try CLIRunner.temporaryDirectory()
            try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
            try write("ja/cyber.txt", "政府専門家会合(GGE)はサイバー攻撃について議論した。\n\n相当の注意義務(デューデリジェンス)は国家の義務である。\n\nｻｲﾊﾞｰ攻撃への対応。")
            try write("en/notes.md", "Due diligence is expected of all states.\n\nThe due process and the diligence of the experts' group.\n\nConnections were connected to the servers.")
            try write("en/files.txt", "Open file.txt and README.md, then set key:value.\n\nJohn's server runs well-known services.")
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        func write(_ path: String, _ text: String) throws {
            let url = corpus.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }

        func search(_ query: String, _ extra: [String] = [], input: Data? = nil) throws -> Result {
            try SearchCLI.run(["search", "--corpus", corpus.path, "--index", index.path] + extra + ["--", query], input: input)
        }

        /// Builds the index once so later searches do not.
        func build() throws {
            let result = try search("warm up")
            #expect(result.succeeded, "\(result.stderr)")
        }
    }

    static func json(_ result: Result) throws -> [String: Any] {
        let line = try #require(result.stdout.split(separator: "\n").last, "no output; stderr: \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
    }

    static func results(_ object: [String: Any]) -> [[String: Any]] {
        object["results"] as? [[String: Any]] ?? []
    }
}

/// `hashi search` end to end.
struct SearchCommandTests {
    @Test func buildsAMissingIndexOnceThenSearches() throws {
        let scratch = try SearchCLI.Scratch()
        let first = try scratch.search("サイバー攻撃")
        #expect(first.succeeded, "\(first.stderr)")
        #expect(first.stderr.contains("Building the index"), "\(first.stderr)")
        #expect(first.stdout.contains("2 passages match"), "\(first.stdout)")
        #expect(first.stdout.contains("ja/cyber.txt:1"))
        #expect(FileManager.default.fileExists(atPath: scratch.index.appendingPathComponent("MANIFEST").path))
        let second = try scratch.search("サイバー攻撃")
        #expect(second.succeeded)
        #expect(!second.stderr.contains("Building"), "rebuilt: \(second.stderr)")
        #expect(second.stdout == first.stdout)
        // A changed corpus is noticed and the index refreshed.
        try scratch.write("ja/new.txt", "新しいサイバー攻撃の報告。")
        let third = try scratch.search("サイバー攻撃")
        #expect(third.stderr.contains("Updating the index"), "\(third.stderr)")
        #expect(third.stderr.contains("Re-analysed 1 file(s)"), "only the new file is analysed: \(third.stderr)")
        #expect(third.stdout.contains("3 passages match"), "\(third.stdout)")
    }

    @Test func jsonHasExactlyTheDocumentedShape() throws {
        let scratch = try SearchCLI.Scratch()
        let result = try scratch.search("サイバー攻撃 OR diligence", ["--json", "--mode", "keyword"])
        #expect(result.succeeded, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 1, "JSON is one line on standard output")
        let object = try SearchCLI.json(result)
        #expect(Set(object.keys) == ["query", "mode", "total", "results"])
        #expect(object["query"] as? String == "サイバー攻撃 OR diligence")
        #expect(object["mode"] as? String == "keyword")
        #expect(object["total"] as? Int == 4)
        let results = SearchCLI.results(object)
        #expect(results.count == 4)
        for (k, item) in results.enumerated() {
            #expect(Set(item.keys) == ["rank", "score", "document", "passage", "line", "text", "snippet", "matches"], "\(item.keys.sorted())")
            #expect(item["rank"] as? Int == k + 1)
            #expect(item["score"] is Double || item["score"] is Int)
            #expect(item["document"] is String && item["passage"] is Int && item["line"] is Int && item["snippet"] is String)
            let text = try #require(item["text"] as? String)
            let scalars = Array(text.unicodeScalars)
            let matches = try #require(item["matches"] as? [[String: Any]])
            #expect(!matches.isEmpty)
            for match in matches {
                #expect(Set(match.keys) == ["start", "end", "term", "concept"], "\(match.keys.sorted())")
                #expect(match["concept"] is NSNull, "concept must be present as null")
                let start = try #require(match["start"] as? Int), end = try #require(match["end"] as? Int)
                try #require(0 <= start && start < end && end <= scalars.count)
                let cut = String(String.UnicodeScalarView(scalars[start..<end])).precomposedStringWithCompatibilityMapping.lowercased()
                    .precomposedStringWithCanonicalMapping
                #expect(cut.contains("サイバー攻撃") || cut == "diligence", "\(cut) at \(start)..<\(end) of \(text)")
                #expect(match["term"] is String)
            }
        }
        // Scalars, not UTF-16 units: 𠮷 (two UTF-16 units) before the match.
        try scratch.write("ja/yoshi.txt", "𠮷野家のサイバー攻撃。")
        let yoshi = try SearchCLI.json(try scratch.search("サイバー攻撃", ["--json", "--limit", "10"]))
        let item = try #require(SearchCLI.results(yoshi).first { ($0["document"] as? String) == "ja/yoshi.txt" })
        let match = try #require((item["matches"] as? [[String: Any]])?.first)
        #expect(match["start"] as? Int == 4)
        #expect(match["end"] as? Int == 10)
        // With --explain the lines come as "explanation".
        let explained = try SearchCLI.json(try scratch.search("diligence", ["--json", "--explain"]))
        for item in SearchCLI.results(explained) {
            #expect(Set(item.keys) == ["rank", "score", "document", "passage", "line", "text", "snippet", "matches", "explanation"])
            #expect((item["explanation"] as? [String])?.isEmpty == false)
        }
    }

    @Test func keywordModeIsExactAndConceptModeFindsOtherForms() throws {
        let scratch = try SearchCLI.Scratch()
        let keyword = try SearchCLI.json(try scratch.search("connection", ["--json", "--mode", "keyword"]))
        #expect(keyword["total"] as? Int == 0)
        let concept = try SearchCLI.json(try scratch.search("connection", ["--json", "--mode", "concept"]))
        #expect(concept["total"] as? Int == 1)
        #expect(concept["mode"] as? String == "concept")
        // Concept is the default.
        let fallback = try SearchCLI.json(try scratch.search("connection", ["--json"]))
        #expect(fallback["mode"] as? String == "concept")
        let wrong = try scratch.search("connection", ["--mode", "fuzzy"])
        #expect(wrong.failedCleanly)
    }

    @Test func limitAndOffsetPage() throws {
        let scratch = try SearchCLI.Scratch()
        let all = SearchCLI.results(try SearchCLI.json(try scratch.search("the OR due OR diligence OR サイバー", ["--json", "--limit", "100"])))
        #expect(all.count >= 4)
        let page = try SearchCLI.json(try scratch.search("the OR due OR diligence OR サイバー", ["--json", "--limit", "2", "--offset", "1"]))
        #expect(page["total"] as? Int == all.count)
        let items = SearchCLI.results(page)
        #expect(items.map { $0["rank"] as? Int } == [2, 3])
        #expect(items.map { $0["text"] as? String } == all[1...2].map { $0["text"] as? String })
        let none = try SearchCLI.json(try scratch.search("diligence", ["--json", "--limit", "0"]))
        #expect(SearchCLI.results(none).isEmpty)
        #expect(none["total"] as? Int == 2)
        let past = try SearchCLI.json(try scratch.search("diligence", ["--json", "--offset", "50"]))
        #expect(SearchCLI.results(past).isEmpty)
        for bad in [["--limit", "-1"], ["--limit", "1001"], ["--offset", "-1"], ["--offset", "100001"], ["--k1", "-1"], ["--b", "2"], ["--limit", "x"]] {
            let result = try scratch.search("diligence", bad)
            #expect(result.failedCleanly, "\(bad): \(result.stderr)")
            #expect(!result.stderr.isEmpty)
        }
    }

    @Test func explainPrintsContributionLines() throws {
        let scratch = try SearchCLI.Scratch()
        try scratch.build()
        let plain = try scratch.search("due diligence", ["--mode", "keyword"])
        #expect(!plain.stdout.contains("idf"))
        let explained = try scratch.search("due diligence", ["--explain", "--mode", "keyword"])
        #expect(explained.succeeded)
        let lines = explained.stdout.split(separator: "\n").filter { $0.contains("tf ") && $0.contains("idf") }
        #expect(lines.count >= 4, "\(explained.stdout)")
        #expect(explained.stdout.contains("proximity"))
    }

    @Test func bm25ParametersAreSettable() throws {
        let scratch = try SearchCLI.Scratch()
        try scratch.build()
        let standard = SearchCLI.results(try SearchCLI.json(try scratch.search("diligence", ["--json"])))
        let binary = SearchCLI.results(try SearchCLI.json(try scratch.search("diligence", ["--json", "--k1", "0", "--b", "0"])))
        #expect(standard.count == 2 && binary.count == 2)
        #expect(standard.map { $0["score"] as? Double } != binary.map { $0["score"] as? Double })
        // k1 = 0 and b = 0: every match scores the idf alone.
        #expect(binary[0]["score"] as? Double == binary[1]["score"] as? Double)
    }

    @Test func absentThingsFindNothing() throws {
        let scratch = try SearchCLI.Scratch()
        try scratch.build()
        for query in ["xyzzyq", "量子コンピュータ", "サイバー攻撃 xyzzyq", "\"diligence due\"", "servers -connected"] {
            // Keyword mode: in concept mode `servers` also finds "server".
            let result = try scratch.search(query, ["--json", "--mode", "keyword"])
            #expect(result.succeeded, "\(query): \(result.stderr)")
            #expect(try SearchCLI.json(result)["total"] as? Int == 0, "\(query)")
        }
    }

    @Test func absurdQueriesNeverCrashOrHang() throws {
        let scratch = try SearchCLI.Scratch()
        try scratch.build()
        let queries = [
            "", " ", "\"", "\"\"", "“", "”", "\"unbalanced phrase", "-", "--", "*", "**", "OR", "OR OR", "-OR", "!!!",
            "、。「」", "\u{1}\u{2}\u{7}", "\u{1B}[31m", "a\u{7F}b", "\u{FFFD}", "\u{200B}\u{FEFF}", "😀", "((((",
            "\\", "'", "%s%n", String(repeating: "サイバー攻撃 ", count: 60), String(repeating: "x", count: 10_000),
            String(repeating: "a OR ", count: 400), String(repeating: "\"", count: 1_999), String(repeating: "*", count: 2_000),
            String(repeating: "攻", count: 2_000),
        ]
        for query in queries {
            let shown = String(query.prefix(30)).debugDescription
            let result = try scratch.search(query, ["--json"])
            #expect(!result.timedOut, "\(shown) hung")
            #expect(result.reason == .exit, "\(shown) killed by signal \(result.status)")
            if result.succeeded {
                let object = try SearchCLI.json(result)
                #expect(object["total"] is Int, "\(shown)")
                if query != "\"unbalanced phrase" && query != "a\u{7F}b" && !query.hasPrefix("サイバー攻撃") && !query.hasPrefix("攻攻") {
                    #expect(object["total"] as? Int == 0, "\(shown) found \(object["total"] ?? "?")")
                }
            } else {
                let lines = result.stderr.split(separator: "\n")
                #expect(lines.count == 1, "\(shown): \(result.stderr)")
                #expect(result.stderr.lowercased().contains("query"), "\(shown): \(result.stderr)")
            }
        }
        // Over the length and term limits: a clear error.
        let long = try scratch.search(String(repeating: "x", count: 10_000))
        #expect(long.failedCleanly)
        #expect(long.stderr.contains("10000") && long.stderr.contains("2000"), "\(long.stderr)")
        let many = try scratch.search(String(repeating: "a OR ", count: 100) + "b")
        #expect(many.failedCleanly)
        #expect(many.stderr.contains("64"), "\(many.stderr)")
        // Text output of a query with control characters stays usable.
        let control = try scratch.search("\u{1}\u{2}")
        #expect(control.succeeded)
        #expect(control.stdout.contains("0 passages match"))
    }

    @Test func queryFromStandardInput() throws {
        let scratch = try SearchCLI.Scratch()
        try scratch.build()
        let valid = try SearchCLI.run(["search", "--corpus", scratch.corpus.path, "--index", scratch.index.path, "--json", "-"],
                                      input: Data("サイバー攻撃\n".utf8))
        #expect(valid.succeeded, "\(valid.stderr)")
        #expect(try SearchCLI.json(valid)["query"] as? String == "サイバー攻撃")
        #expect(try SearchCLI.json(valid)["total"] as? Int == 2)
        // Control characters, NUL included, come through standard input too.
        let nul = try SearchCLI.run(["search", "--corpus", scratch.corpus.path, "--index", scratch.index.path, "--json", "-"],
                                    input: Data("\u{0}\u{1}diligence\u{0}".utf8))
        #expect(nul.succeeded, "\(nul.stderr)")
        #expect(try SearchCLI.json(nul)["total"] as? Int == 2)
        let empty = try SearchCLI.run(["search", "--corpus", scratch.corpus.path, "--index", scratch.index.path, "--json", "-"],
                                      input: Data())
        #expect(empty.succeeded, "\(empty.stderr)")
        #expect(try SearchCLI.json(empty)["total"] as? Int == 0)
        for (bytes, offset) in [([0x66, 0x6F, 0xFF, 0x6F], 2), ([0xE3, 0x82], 0), ([0x61, 0x62, 0xC3, 0x28], 2), ([0xC0, 0xAF], 0),
                                ([0xED, 0xA0, 0x80], 0)] as [([UInt8], Int)] {
            let result = try SearchCLI.run(["search", "--corpus", scratch.corpus.path, "--index", scratch.index.path, "-"],
                                           input: Data(bytes))
            #expect(result.failedCleanly, "\(bytes): \(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("not valid UTF-8"), "\(bytes): \(result.stderr)")
            #expect(result.stderr.contains("byte offset \(offset)"), "\(bytes): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
    }

    /// A long valid prefix before the bad byte: the error still comes at once.
    @Test func invalidUTF8AfterALongPrefixIsReportedQuickly() throws {
        let scratch = try SearchCLI.Scratch()
        try scratch.build()
        let bytes = [UInt8](repeating: 0x61, count: 100_000) + [0xFF]
        let started = Date()
        let result = try SearchCLI.run(["search", "--corpus", scratch.corpus.path, "--index", scratch.index.path, "-"],
                                       input: Data(bytes), timeout: 30)
        #expect(!result.timedOut, "still running after 30 s")
        #expect(result.failedCleanly)
        #expect(result.stderr.contains("byte offset 100000"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func aTooBroadPrefixOrAHugeStandardInputIsAClearError() throws {
        let scratch = try SearchCLI.Scratch()
        try scratch.write("words.txt", (0..<1_100).map { String(format: "a%04d", $0) }.joined(separator: " "))
        let broad = try scratch.search("a*")
        #expect(broad.failedCleanly)
        #expect(broad.stderr.contains("a* matches more than"), "\(broad.stderr)")
        #expect(broad.stderr.split(separator: "\n").last?.contains("make the prefix longer") == true)
        let narrow = try SearchCLI.json(try scratch.search("a00*", ["--json", "--limit", "1"]))
        #expect((narrow["total"] as? Int ?? 0) >= 1)
        let huge = try SearchCLI.run(["search", "--corpus", scratch.corpus.path, "--index", scratch.index.path, "-"],
                                     input: Data(String(repeating: "a ", count: 600_000).utf8), timeout: 30)
        #expect(huge.failedCleanly)
        #expect(huge.stderr.contains("at most \(2_000)"), "\(huge.stderr)")
    }

    @Test func anIndexIsRefreshedFromItsOwnCorpusNeverFromTheDefaultOne() throws {
        let scratch = try SearchCLI.Scratch()
        try scratch.build()
        // The working directory has a Corpus/ of its own: the default, which must not replace the index.
        let elsewhere = scratch.root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere.appendingPathComponent("Corpus"), withIntermediateDirectories: true)
        try Data("An unrelated corpus about gardening.".utf8).write(to: elsewhere.appendingPathComponent("Corpus/garden.txt"))
        try scratch.write("ja/new.txt", "新しいサイバー攻撃の報告。")
        let refreshed = try SearchCLI.run(["search", "--index", scratch.index.path, "--json", "--", "サイバー攻撃"], in: elsewhere)
        #expect(refreshed.succeeded, "\(refreshed.stderr)")
        #expect(refreshed.stderr.contains("Updating the index of \(scratch.corpus.path)"), "\(refreshed.stderr)")
        #expect(try SearchCLI.json(refreshed)["total"] as? Int == 3)
        // `hashi index` without --corpus rebuilds the index from its own corpus too.
        let rebuilt = try SearchCLI.run(["index", "--index", scratch.index.path, "--full"], in: elsewhere)
        #expect(rebuilt.succeeded, "\(rebuilt.stderr)")
        #expect(rebuilt.stderr.contains("corpus: \(scratch.corpus.path) (the folder"), "\(rebuilt.stderr)")
        let gardening = try SearchCLI.run(["search", "--index", scratch.index.path, "--json", "--", "gardening"], in: elsewhere)
        #expect(try SearchCLI.json(gardening)["total"] as? Int == 0, "the default corpus went into the index")
        // With its corpus gone, the index is searched as it is, with a note saying why.
        try FileManager.default.removeItem(at: scratch.corpus)
        let orphan = try SearchCLI.run(["search", "--index", scratch.index.path, "--json", "--", "サイバー攻撃"], in: elsewhere)
        #expect(orphan.succeeded, "\(orphan.stderr)")
        #expect(orphan.stderr.contains("which is gone"), "\(orphan.stderr)")
        #expect(try SearchCLI.json(orphan)["total"] as? Int == 3)
        // `hashi index` cannot rebuild it without being told from where, and says so.
        let lost = try SearchCLI.run(["index", "--index", scratch.index.path], in: elsewhere)
        #expect(lost.failedCleanly)
        #expect(lost.stderr.contains("which is gone; name the corpus with --corpus"), "\(lost.stderr)")
    }

    @Test func noCorpusAndNoIndexIsAClearError() throws {
        let root = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try SearchCLI.run(["search", "--corpus", root.appendingPathComponent("nope").path,
                                        "--index", root.appendingPathComponent("idx").path, "x"])
        #expect(result.failedCleanly)
        #expect(result.stderr.contains("no such corpus folder"), "\(result.stderr)")
    }
}
