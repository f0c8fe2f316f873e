import Foundation
import Testing

// `hashi index --concepts/--no-default-concepts/--no-mining` and `hashi concepts list|show|mined|accept|export`,
// run as a user would.

/// A small bilingual corpus with a default dictionary, a gloss and a loanword.
private final class ConceptScratch {
    let root: URL
    var corpus: URL { root.appendingPathComponent("corpus") }
    var index: URL { root.appendingPathComponent("index") }
    var defaultDictionary: URL { corpus.appendingPathComponent("concepts.synonyms") }

    static let dictionary = """
        # the default dictionary
        attribution, アトリビューション, 帰属

        """

    init() throws {
        root = try CLIRunner.temporaryDirectory()
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        try write("a.txt", "サイバー攻撃の帰属は難しい問題である。\n")
        try write("b.txt", "アトリビューションの問題がある。\n\n政府専門家会合(GGE)で議論された。\n")
        try write("c.txt", "Attribution of cyber operations is hard.\n\nThe GGE met again.\n")
        try write("d.txt", "「ハックバック」の問題も重要です。\n")
        try Data(Self.dictionary.utf8).write(to: defaultDictionary)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: corpus.appendingPathComponent(path))
    }

    func file(_ name: String, _ text: String) throws -> URL {
        let url = root.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    @discardableResult
    func hashi(_ arguments: String...) throws -> CLIRunner.Result {
        try hashi(arguments)
    }

    func hashi(_ arguments: [String]) throws -> CLIRunner.Result {
        try CLIRunner.run(arguments, in: root)
    }

    func index(_ extra: [String] = []) throws -> CLIRunner.Result {
        try hashi(["index", "--corpus", corpus.path, "--index", index.path, "--threads", "2"] + extra)
    }

    /// The documents `query` finds, searching the index as it is.
    func documents(_ query: String, refresh: Bool = false) throws -> (documents: Set<String>, result: CLIRunner.Result) {
        var arguments = ["search", query, "--index", index.path, "--corpus", corpus.path, "--json", "--limit", "100"]
        if !refresh { arguments.append("--no-refresh") }
        let result = try hashi(arguments)
        guard result.status == 0, let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
              let results = object["results"] as? [[String: Any]] else { return ([], result) }
        return (Set(results.compactMap { $0["document"] as? String }), result)
    }

    func json(_ arguments: String...) throws -> Any {
        let result = try hashi(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    /// The committed manifest's bytes.
    func manifest() throws -> Data { try Data(contentsOf: index.appendingPathComponent("MANIFEST")) }
}

/// The concept members' texts of `hashi concepts list|show --json` output.
private func memberTexts(_ json: Any) -> [[String]] {
    (json as? [[String: Any]] ?? []).map { ($0["members"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String } }
}

/// The lines of a Solr synonyms file that are entries (not comments, not blank).
private func entries(_ text: String) -> [String] {
    text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
}

/// Whether `line` has `needle` outside backslash escapes.
private func unescapedCount(of needle: String, in line: String) -> Int {
    var count = 0
    let scalars = Array(line.unicodeScalars)
    let pattern = Array(needle.unicodeScalars)
    var k = 0
    while k < scalars.count {
        if scalars[k] == "\\" { k += 2; continue }
        if k + pattern.count <= scalars.count, Array(scalars[k..<(k + pattern.count)]) == pattern { count += 1; k += pattern.count; continue }
        k += 1
    }
    return count
}

@Suite("hashi index --concepts and hashi concepts")
struct ConceptCommandTests {
    @Test("a malformed dictionary line fails the build naming file and line, and leaves the previous index intact",
          arguments: [("a => ", "the right side of => has no terms"), ("a => b => c", "more than one =>"),
                      ("=> b", "the left side of => has no terms"), (", ,", "separators without terms"),
                      ("a, !!!", "no letters")])
    func malformedDictionary(_ line: String, _ message: String) throws {
        let scratch = try ConceptScratch()
        let first = try scratch.index()
        try #require(first.status == 0, "\(first.stderr)")
        let manifest = try scratch.manifest()
        let before = try scratch.documents("attribution")
        #expect(before.documents == ["a.txt", "b.txt", "c.txt"])

        let bad = try scratch.file("bad.synonyms", "# fine so far\nfoo, bar\n\(line)\nbaz, qux\n")
        for extra in [["--concepts", bad.path], ["--concepts", bad.path, "--full"]] {
            let result = try scratch.index(extra)
            #expect(result.status != 0, "\(extra): \(result.stdout)")
            #expect(result.stderr.contains("bad.synonyms:3"), "\(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"))
            #expect(try scratch.manifest() == manifest, "the previous index was replaced")
            let after = try scratch.documents("attribution")
            #expect(after.result.status == 0)
            #expect(after.documents == before.documents)
        }
        // A malformed default dictionary is reported the same way.
        try Data("ok, fine\n\(line)\n".utf8).write(to: scratch.defaultDictionary)
        let result = try scratch.index()
        #expect(result.status != 0)
        #expect(result.stderr.contains("concepts.synonyms:2"), "\(result.stderr)")
        #expect(try scratch.manifest() == manifest)
    }

    @Test("--no-default-concepts --no-mining --no-background: no concepts, attribution finds アトリビューション by sound, not 帰属")
    func noDefaultConcepts() throws {
        let scratch = try ConceptScratch()
        #expect(try scratch.index(["--no-default-concepts", "--no-mining", "--no-background"]).status == 0)
        #expect(memberTexts(try scratch.json("concepts", "list", "--index", scratch.index.path, "--json")).isEmpty)
        let list = try scratch.hashi("concepts", "list", "--index", scratch.index.path)
        #expect(list.stdout.hasPrefix("0 concepts (dictionaries: none;"), "\(list.stdout)")
        #expect(try scratch.documents("attribution").documents == ["b.txt", "c.txt"])
        #expect(try scratch.documents("帰属").documents == ["a.txt"])

        // With the default dictionary only: 帰属 joins, but mined pairs (GGE ~ 政府専門家会合) do not.
        #expect(try scratch.index(["--no-mining"]).status == 0)
        #expect(try scratch.documents("attribution").documents == ["a.txt", "b.txt", "c.txt"])
        #expect(try scratch.documents("政府専門家会合").documents == ["b.txt"])
        #expect(try scratch.hashi("concepts", "mined", "--index", scratch.index.path).stdout.hasPrefix("0 mined pairs"))
        // With mining too: the gloss 政府専門家会合(GGE) makes the English passage match.
        #expect(try scratch.index().status == 0)
        #expect(try scratch.documents("政府専門家会合").documents == ["b.txt", "c.txt"])
    }

    @Test("hashi search keeps an index built with --no-default-concepts --no-mining (it is not stale)")
    func searchKeepsConceptSettings() throws {
        let scratch = try ConceptScratch()
        #expect(try scratch.index(["--no-default-concepts", "--no-mining"]).status == 0)
        let manifest = try scratch.manifest()
        let search = try scratch.documents("attribution", refresh: true)
        #expect(!search.result.stderr.contains("the index of"), "\(search.result.stderr)")
        #expect(search.documents == ["b.txt", "c.txt"])
        #expect(try scratch.manifest() == manifest)
    }

    @Test("hashi search keeps an index built with an extra --concepts dictionary")
    func searchKeepsExtraDictionary() throws {
        let scratch = try ConceptScratch()
        let extra = try scratch.file("extra.synonyms", "retaliation, ハックバック\n")
        #expect(try scratch.index(["--concepts", extra.path]).status == 0)
        #expect(try scratch.documents("retaliation").documents == ["d.txt"])
        let search = try scratch.documents("retaliation", refresh: true)
        #expect(!search.result.stderr.contains("the index of"), "\(search.result.stderr)")
        #expect(search.documents == ["d.txt"])
    }

    @Test("concepts list, show and mined: text and --json shapes")
    func listShowMined() throws {
        let scratch = try ConceptScratch()
        #expect(try scratch.index().status == 0)
        let index = scratch.index.path

        let list = try scratch.hashi("concepts", "list", "--index", index)
        #expect(list.status == 0)
        #expect(list.stdout.contains("dictionaries: \(scratch.defaultDictionary.path)") || list.stdout.contains("concepts.synonyms"))
        #expect(list.stdout.contains("attribution ~ アトリビューション ~ 帰属"), "\(list.stdout)")
        #expect(list.stdout.contains("GGE ~ 政府専門家会合"), "\(list.stdout)")

        let listJSON = try #require(try scratch.json("concepts", "list", "--index", index, "--json") as? [[String: Any]])
        #expect(!listJSON.isEmpty)
        for concept in listJSON {
            #expect(Set(concept.keys) == ["members"])
            for member in concept["members"] as? [[String: Any]] ?? [] {
                // `form` only for typed (background) members.
                #expect(Set(member.keys).subtracting(["form"]) == ["text", "kind", "source", "tier", "confidence", "role", "oneWay", "suggestible"])
                #expect(member["text"] is String && member["kind"] is String && member["source"] is String)
                let tiers = ["curated", "mined", "built-in background", "imported background"]
                #expect(tiers.contains(member["tier"] as? String ?? ""))
                #expect(["equivalent", "inputOnly", "expansionOnly"].contains(member["role"] as? String ?? ""))
                #expect(member["suggestible"] is Bool)
                let confidence = try #require(member["confidence"] as? Double)
                #expect((0...1).contains(confidence))
            }
        }

        let show = try scratch.hashi("concepts", "show", "ＡＴＴＲＩＢＵＴＩＯＮ", "--index", index)
        #expect(show.status == 0)
        #expect(show.stdout.contains("帰属  [kanji, dictionary \(scratch.defaultDictionary.path):2, confidence 1.00]"), "\(show.stdout)")
        let showJSON = try scratch.json("concepts", "show", "帰属", "--index", index, "--json")
        #expect(memberTexts(showJSON).contains(["attribution", "アトリビューション", "帰属"]), "\(showJSON)")
        let sources = (showJSON as? [[String: Any]] ?? []).flatMap { $0["members"] as? [[String: Any]] ?? [] }.compactMap { $0["source"] as? String }
        #expect(sources.contains("\(scratch.defaultDictionary.path):2"))
        let gge = try scratch.json("concepts", "show", "gge", "--index", index, "--json")
        let ggeSources = (gge as? [[String: Any]] ?? []).flatMap { $0["members"] as? [[String: Any]] ?? [] }.compactMap { $0["source"] as? String }
        #expect(ggeSources.contains("mined b.txt:3"), "\(ggeSources)")

        let none = try scratch.hashi("concepts", "show", "nothing here", "--index", index)
        #expect(none.status == 0 && none.stdout.contains("in no concept"))
        #expect(memberTexts(try scratch.json("concepts", "show", "nothing here", "--index", index, "--json")).isEmpty)

        let mined = try scratch.hashi("concepts", "mined", "--index", index)
        #expect(mined.status == 0)
        let lines = mined.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.contains("mined pairs") == true)
        let glossLine = try #require(lines.firstIndex { $0.contains("政府専門家会合") && $0.contains("GGE") && $0.contains("[gloss") },
                                     "\(mined.stdout)")
        #expect(lines[glossLine].hasPrefix("*"))
        #expect(glossLine + 1 < lines.count && lines[glossLine + 1].trimmingCharacters(in: .whitespaces).hasPrefix("b.txt:3 "),
                "evidence doc:line under the pair: \(mined.stdout)")
        #expect(!mined.stdout.contains("……"), "the evidence snippet is wrapped in ellipses twice: \(mined.stdout)")

        let minedJSON = try #require(try scratch.json("concepts", "mined", "--index", index, "--json") as? [[String: Any]])
        let gloss = try #require(minedJSON.first { ($0["terms"] as? [String] ?? []).contains("GGE") && $0["rule"] as? String == "gloss" })
        #expect(Set(gloss.keys) == ["terms", "rule", "confidence", "evidence"])
        let evidence = try #require((gloss["evidence"] as? [[String: Any]])?.first)
        #expect(evidence["document"] as? String == "b.txt")
        #expect(evidence["line"] as? Int == 3)
        #expect((evidence["snippet"] as? String)?.contains("GGE") == true)

        // Without an index: an error, not a crash.
        let missing = try scratch.hashi("concepts", "list", "--index", scratch.root.appendingPathComponent("nope").path)
        #expect(missing.status != 0 && !missing.stderr.isEmpty)
    }

    @Test("concepts accept appends a parseable line; the index becomes stale and the next build uses it")
    func accept() throws {
        let scratch = try ConceptScratch()
        #expect(try scratch.index().status == 0)
        #expect(try scratch.documents("retaliation").documents.isEmpty)
        let dictionary = scratch.defaultDictionary.path
        let before = try String(contentsOfFile: dictionary, encoding: .utf8)

        let accepted = try scratch.hashi("concepts", "accept", "retaliation", "ハックバック", "--dictionary", dictionary,
                                         "--reason", "reviewed")
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let after = try String(contentsOfFile: dictionary, encoding: .utf8)
        #expect(after.hasPrefix(before))
        let added = after.dropFirst(before.count).split(separator: "\n").map(String.init)
        #expect(added.count == 2)
        #expect(added.first?.hasPrefix("# accepted ") == true && added.first?.hasSuffix(": reviewed") == true)
        #expect(added.last == "retaliation, ハックバック")

        // The index is stale now; a plain `hashi index` rebuilds and uses the new line.
        let rebuilt = try scratch.index()
        #expect(rebuilt.status == 0)
        #expect(rebuilt.stdout.contains("the concept dictionaries or mining settings changed"), "\(rebuilt.stdout)")
        #expect(try scratch.documents("retaliation").documents == ["d.txt"])
        let show = try scratch.json("concepts", "show", "retaliation", "--index", scratch.index.path, "--json")
        let sources = (show as? [[String: Any]] ?? []).flatMap { $0["members"] as? [[String: Any]] ?? [] }.compactMap { $0["source"] as? String }
        let lineNumber = after.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        #expect(sources.contains("\(dictionary):\(lineNumber)"), "\(sources)")
        #expect(try scratch.index().stdout.contains("up to date"))

        // Terms with Solr's special characters are escaped and read back as written.
        let special = try scratch.file("special.synonyms", "")
        #expect(try scratch.hashi("concepts", "accept", "a, b", "c#d", "e => f", "--dictionary", special.path).status == 0)
        #expect(entries(try String(contentsOf: special, encoding: .utf8)) == [##"a\, b, c\#d, e \=> f"##])
        #expect(try scratch.index(["--concepts", special.path]).status == 0)
        let shown = memberTexts(try scratch.json("concepts", "show", "c#d", "--index", scratch.index.path, "--json"))
        #expect(shown.contains { Set($0) == ["a, b", "c#d", "e => f"] }, "\(shown)")

        // Bad input changes nothing: one term, or a term with nothing searchable.
        let unchanged = try String(contentsOfFile: dictionary, encoding: .utf8)
        #expect(try scratch.hashi("concepts", "accept", "alone", "--dictionary", dictionary).status != 0)
        let punctuation = try scratch.hashi("concepts", "accept", "ok", "!!!", "--dictionary", dictionary)
        #expect(punctuation.status != 0 && punctuation.stderr.contains("!!!"))
        #expect(try String(contentsOfFile: dictionary, encoding: .utf8) == unchanged)
    }

    @Test("concepts export --format solr writes Solr synonyms that read back to the same concepts")
    func export() throws {
        let scratch = try ConceptScratch()
        let oneWay = try scratch.file("oneway.synonyms", "# one-way\nggx, ggy => 政府専門家会合\n")
        // Without the background dictionary: its expansion-only members have no Solr form.
        #expect(try scratch.index(["--concepts", oneWay.path, "--no-background"]).status == 0)
        let result = try scratch.hashi("concepts", "export", "--format", "solr", "--index", scratch.index.path)
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("#") == true)
        for line in entries(text) {
            #expect(unescapedCount(of: "#", in: line) == 0, "Solr has no trailing comments: \(line)")
            #expect(unescapedCount(of: "=>", in: line) <= 1, "\(line)")
            let terms = line.replacingOccurrences(of: " => ", with: ", ").components(separatedBy: ", ")
            #expect(terms.count >= 2 && terms.allSatisfy { !$0.isEmpty && $0 == $0.trimmingCharacters(in: .whitespaces) }, "\(line)")
        }
        // Every entry line has a comment line naming its sources just before it.
        for (k, line) in lines.enumerated() where !line.hasPrefix("#") {
            #expect(k > 0 && lines[k - 1].hasPrefix("# "), "\(line)")
        }
        let exported = Set(entries(text))
        #expect(exported.contains("attribution, アトリビューション, 帰属"), "\(exported.sorted())")
        #expect(exported.contains("ggx, ggy => 政府専門家会合"), "\(exported.sorted())")
        #expect(exported.contains { $0.contains("GGE") && $0.contains("政府専門家会合") && !$0.contains("=>") })
        #expect(lines.contains { $0.hasPrefix("# ") && $0.contains("oneway.synonyms:2") })
        #expect(lines.contains { $0.hasPrefix("# ") && $0.contains("b.txt:3") }, "mined sources are named")

        // --output writes the same text.
        let output = scratch.root.appendingPathComponent("out.synonyms")
        #expect(try scratch.hashi("concepts", "export", "--index", scratch.index.path, "--output", output.path).status == 0)
        #expect(try String(contentsOf: output, encoding: .utf8) == text)
        // Only solr.
        #expect(try scratch.hashi("concepts", "export", "--format", "json", "--index", scratch.index.path).status != 0)

        // Round trip: the export as the only dictionary gives the same concepts.
        #expect(try scratch.index(["--no-default-concepts", "--no-mining", "--no-background", "--concepts", output.path]).status == 0)
        let again = try scratch.hashi("concepts", "export", "--index", scratch.index.path)
        #expect(again.status == 0)
        #expect(Set(entries(again.stdout)) == exported)
        #expect(try scratch.documents("ggx").documents == ["b.txt"])
        #expect(try scratch.documents("政府専門家会合").documents == ["b.txt", "c.txt"])
    }
}
