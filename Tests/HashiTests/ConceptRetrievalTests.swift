import Foundation
import Testing

import Hashi
import HashiConcepts

// Concept search end to end through the library: the default corpus (Corpus/, copied to a temporary
// folder) indexed once with its dictionary and mining, and once with neither.

/// The default corpus, indexed once per test process.
final class DefaultConceptCorpus: Sendable {
    let root: URL
    var corpus: URL { root.appendingPathComponent("corpus") }
    /// Built with the corpus' concepts.synonyms and mining (the defaults).
    let concept: SearchIndex
    /// Built with `usesDefaultConcepts = false, minesConcepts = false`.
    let plain: SearchIndex

    static let shared: Result<DefaultConceptCorpus, any Error> = Result { try DefaultConceptCorpus() }

    /// `Corpus/` of the package, found from this file.
    static var sourceCorpus: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Corpus")
    }

    private init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("hashi-concepts-\(UUID().uuidString)")
        let corpus = root.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.sourceCorpus.path)
            .filter { $0.hasSuffix(".txt") || $0 == IndexBuilder.defaultConceptsFileName }
        #expect(names.filter { $0.hasSuffix(".txt") }.count == 5)
        for name in names {
            try FileManager.default.copyItem(at: Self.sourceCorpus.appendingPathComponent(name),
                                             to: corpus.appendingPathComponent(name))
        }
        let conceptURL = root.appendingPathComponent("index-concepts")
        let plainURL = root.appendingPathComponent("index-plain")
        _ = try IndexBuilder(corpus: corpus, index: conceptURL, threads: 2).build()
        var plainBuilder = IndexBuilder(corpus: corpus, index: plainURL, threads: 2)
        plainBuilder.usesDefaultConcepts = false
        plainBuilder.minesConcepts = false
        plainBuilder.usesBuiltInBackground = false
        _ = try plainBuilder.build()
        concept = try SearchIndex(at: conceptURL)
        plain = try SearchIndex(at: plainURL)
    }

    static func get() throws -> DefaultConceptCorpus { try shared.get() }
}

/// The text a match covers (offsets are Unicode scalars).
func coveredText(_ match: SearchMatch, in text: String) -> String {
    let scalars = Array(text.unicodeScalars)
    guard match.start >= 0, match.end <= scalars.count, match.start <= match.end else { return "" }
    return String(String.UnicodeScalarView(scalars[match.start..<match.end]))
}

/// Lower-cased and NFKC-ish folded for comparing covered text with a member (`Ｘ` = `x`, `・` dropped).
func folded(_ text: String) -> String {
    text.precomposedStringWithCompatibilityMapping.lowercased().replacingOccurrences(of: "・", with: "")
        .replacingOccurrences(of: "-", with: " ")
}

@Suite("Concept retrieval on the default corpus")
struct ConceptRetrievalTests {
    /// One cross-language expectation: `query` in concept mode finds every passage that keyword
    /// mode finds for `target` (a term of another language or script), and in those passages a
    /// match covering (part of) `target` names a concept.
    struct Pair: CustomTestStringConvertible, Sendable {
        let query: String
        /// What the other-language passages say, as a keyword query (quoted for phrases).
        let target: String
        /// The text the concept-named match covers, or a part of it.
        let covered: String
        var testDescription: String { "\(query) → \(target)" }
    }

    static let pairs: [Pair] = [
        // The design card example, both ways.
        Pair(query: "due diligence", target: "デューデリジェンス", covered: "デューデリジェンス"),          // English → katakana
        Pair(query: "due diligence", target: "相当の注意義務", covered: "相当の注意義務"),                  // English → kanji
        Pair(query: "相当の注意義務", target: "デューデリジェンス", covered: "デューデリジェンス"),          // kanji → katakana
        Pair(query: "デューデリジェンス", target: "相当の注意義務", covered: "相当の注意義務"),              // katakana → kanji
        // Mined glosses and abbreviations.
        Pair(query: "GGE", target: "政府専門家会合", covered: "政府専門家会合"),                             // English → Japanese
        Pair(query: "政府専門家会合", target: "GGE", covered: "GGE"),                                       // Japanese → English
        Pair(query: "政府専門家会合", target: "\"Group of Governmental Experts\"", covered: "Group of Governmental Experts"),
        Pair(query: "Confidence Building Measures", target: "信頼醸成措置", covered: "信頼醸成措置"),       // English → Japanese
        Pair(query: "信頼醸成措置", target: "\"confidence building measures\"", covered: "confidence building measures"), // Japanese → English
        Pair(query: "ノーム", target: "規範", covered: "規範"),                                             // katakana → kanji
        Pair(query: "キャパシティ・ビルディング", target: "能力構築支援", covered: "能力構築支援"),         // katakana → kanji
        Pair(query: "能力構築支援", target: "キャパシティ・ビルディング", covered: "キャパシティ"),         // kanji → katakana
        // The default dictionary (Corpus/concepts.synonyms).
        Pair(query: "attribution", target: "アトリビューション", covered: "アトリビューション"),             // English → katakana
        Pair(query: "帰属", target: "アトリビューション", covered: "アトリビューション"),                   // kanji (absent) → katakana
        Pair(query: "cyber attack", target: "サイバー攻撃", covered: "サイバー攻撃"),                       // English → Japanese
        Pair(query: "サイバー攻撃", target: "\"cyber attacks\"", covered: "cyber attacks"),                // Japanese → English
    ]

    @Test("concept mode finds the other language's passages, and the match names its concept", arguments: pairs)
    func crossLanguage(_ pair: Pair) throws {
        let corpus = try DefaultConceptCorpus.get()
        let expected = try corpus.concept.matchingPassages(pair.target, mode: .keyword)
        try #require(!expected.isEmpty, "the corpus has no passage with \(pair.target)")
        let found = Set(try corpus.concept.matchingPassages(pair.query, mode: .concept))
        let missing = expected.filter { !found.contains($0) }
        #expect(missing.isEmpty, "\(pair.query) misses \(missing.count) of \(expected.count) passages with \(pair.target)")

        // The ranked results agree with the match list, and name the concept on the expanded member.
        let results = try corpus.concept.search(pair.query, mode: .concept, limit: 1_000)
        #expect(results.total == found.count)
        let targetPassages = results.results.filter { result in
            result.matches.contains {
                let covered = folded(coveredText($0, in: result.text))
                return !covered.isEmpty && folded(pair.covered).contains(covered)
            }
        }
        try #require(!targetPassages.isEmpty, "no result of \(pair.query) highlights \(pair.covered)")
        for result in targetPassages {
            let onTarget = result.matches.filter {
                let covered = folded(coveredText($0, in: result.text))
                return !covered.isEmpty && folded(pair.covered).contains(covered)
            }
            #expect(!onTarget.isEmpty)
            for match in onTarget {
                #expect(match.concept != nil,
                        "\(pair.query): the match \(coveredText(match, in: result.text)) in \(result.document)#\(result.passage) names no concept")
            }
        }
    }

    @Test("due diligence finds the passage that says 相当の注意義務(デューデリジェンス), and passages with only デューデリジェンス")
    func designCard() throws {
        let corpus = try DefaultConceptCorpus.get()
        let results = try corpus.concept.search("due diligence", mode: .concept, limit: 100)
        let glossed = try #require(results.results.first { $0.text.contains("相当の注意義務(デューデリジェンス)") })
        let covered = glossed.matches.map { coveredText($0, in: glossed.text) }
        #expect(covered.contains("相当の注意義務"))
        #expect(covered.contains("デューデリジェンス"))
        #expect(glossed.matches.allSatisfy { $0.concept != nil }, "every match of an English query in Japanese text is through a concept")
        let katakanaOnly = results.results.filter { $0.text.contains("デューデリジェンス") && !$0.text.contains("相当の注意義務") }
        #expect(!katakanaOnly.isEmpty)
        // And nothing in keyword mode: the corpus never writes "due diligence" in English.
        #expect(try corpus.concept.search("due diligence", mode: .keyword).total == 0)
        // Both Japanese forms find the glossed passage too, through the other member.
        for query in ["相当の注意義務", "デューデリジェンス"] {
            let hit = try #require(try corpus.concept.search(query, mode: .concept, limit: 100).results
                .first { $0.text.contains("相当の注意義務(デューデリジェンス)") })
            let other = query == "相当の注意義務" ? "デューデリジェンス" : "相当の注意義務"
            let viaConcept = hit.matches.filter { coveredText($0, in: hit.text) == other }
            #expect(!viaConcept.isEmpty && viaConcept.allSatisfy { $0.concept != nil })
            let direct = hit.matches.filter { coveredText($0, in: hit.text) == query }
            #expect(!direct.isEmpty && direct.allSatisfy { $0.concept == nil }, "what the user wrote is a direct match")
        }
    }

    @Test("keyword mode is untouched by concepts: same results as an index without dictionary or mining",
          arguments: ["due diligence", "デューデリジェンス", "相当の注意義務", "GGE", "政府専門家会合", "attribution",
                      "アトリビューション", "ノーム", "能力構築支援", "\"confidence building measures\"", "cyber attack",
                      "サイバー攻撃", "norms OR 規範", "キャパシティ・ビルディング -能力構築支援", "signals"])
    func keywordUntouched(_ query: String) throws {
        let corpus = try DefaultConceptCorpus.get()
        #expect(corpus.concept.concepts.map { !$0.map.concepts.isEmpty } == true)
        #expect(corpus.plain.concepts.map { $0.map.concepts.isEmpty } == true)
        let withConcepts = try corpus.concept.search(query, mode: .keyword, limit: 1_000, explain: true)
        let without = try corpus.plain.search(query, mode: .keyword, limit: 1_000, explain: true)
        #expect(withConcepts.total == without.total)
        #expect(withConcepts.results == without.results)
        #expect(withConcepts.results.allSatisfy { $0.matches.allSatisfy { $0.concept == nil } })
        #expect(try corpus.concept.matchingPassages(query, mode: .keyword) == corpus.plain.matchingPassages(query, mode: .keyword))
    }

    @Test("the plain index's concept mode still matches loanwords by sound, and nothing from the dictionary")
    func plainIndexConceptMode() throws {
        let corpus = try DefaultConceptCorpus.get()
        // 帰属 is only in the dictionary: without it, 帰属 is just a term the corpus lacks.
        #expect(try corpus.plain.search("帰属", mode: .concept).total == 0)
        #expect(try corpus.concept.search("帰属", mode: .concept).total > 0)
        // attribution ~ アトリビューション by sound alone.
        let katakana = try corpus.plain.matchingPassages("アトリビューション", mode: .keyword)
        let found = Set(try corpus.plain.matchingPassages("attribution", mode: .concept))
        #expect(!katakana.isEmpty && katakana.allSatisfy(found.contains))
    }

    @Test("every mined pair's evidence snippet shows one of its terms (so a reviewer can judge it)")
    func minedEvidenceShowsTheTerms() throws {
        let corpus = try DefaultConceptCorpus.get()
        let table = try #require(corpus.concept.concepts)
        #expect(!table.mined.isEmpty)
        var blind: [String] = []
        for pair in table.mined {
            for evidence in pair.evidence {
                let snippet = folded(evidence.snippet)
                let shown = pair.terms.contains { term in
                    let first = folded(term).split(separator: " ").first.map(String.init) ?? folded(term)
                    return snippet.contains(first)
                }
                if !shown { blind.append("\(pair.terms.joined(separator: " ~ ")) at \(evidence.document):\(evidence.line): …\(evidence.snippet)…") }
            }
        }
        #expect(blind.isEmpty, "\(blind.count) evidence snippets show none of their pair's terms, e.g. \(blind.prefix(5))")
    }

    @Test("mined sound-alikes do not pair different words (international is not インターネット)")
    func minedFalseFriends() throws {
        let corpus = try DefaultConceptCorpus.get()
        let map = try #require(corpus.concept.concepts).map
        let analyzer = try Analyzer()
        // A stem is tried as a loanword's source only when it drops a plural or a final e/y, so
        // `internation` no longer sounds like インターネット.
        for (english, katakana) in [("international", "インターネット"), ("internationalism", "インターネット")] {
            let members = try map.concepts(containing: english, using: analyzer).flatMap(\.members).map(\.text)
            #expect(!members.contains(katakana), "\(english) ~ \(katakana)")
        }
        // The built-in dictionary's abbreviation インター (of インターナショナル) is matched as a whole
        // word, not inside インターネット.
        let internetOnly = try corpus.concept.search("international", mode: .concept, limit: 1_000).results
            .filter { !$0.text.lowercased().contains("international") }
        #expect(internetOnly.isEmpty, "international finds \(internetOnly.count) passages without it, e.g. \(internetOnly.first?.text.prefix(60) ?? "")")
        // `cyber` is サイバー in this corpus, so `cyber issues` cannot be サービス.
        let members = try map.concepts(containing: "cyber issues", using: analyzer).flatMap(\.members).map(\.text)
        #expect(!members.contains("サービス"), "cyber issues ~ サービス")
    }

    /// The `member (weight w, origin)` parts of every concept line of `explanation` that have an
    /// origin (what the user wrote is `text (weight 1.00)`, with none).
    static func memberOrigins(_ explanation: [String]) -> [String] {
        var result: [String] = []
        for line in explanation {
            guard let range = line.range(of: " as one term, matched by ") else { continue }
            var body = String(line[range.upperBound...])
            if let colon = body.range(of: "): tf ", options: .backwards) { body = String(body[..<colon.lowerBound]) }
            for part in body.components(separatedBy: ") + ") {
                guard let weight = part.range(of: " (weight ") else { continue }
                let after = part[weight.upperBound...]
                if after.contains(", ") { result.append(part + ")") }
            }
        }
        return result
    }

    static func hasSource(_ member: String) -> Bool {
        member.contains("dictionary ") || member.contains("mined from ") || member.contains("sounds like ")
    }

    @Test("--explain names the source of a cross-language match: dictionary file:line, mined doc:line or sounds like")
    func explainSources() throws {
        let corpus = try DefaultConceptCorpus.get()
        let dictionary = corpus.corpus.appendingPathComponent(IndexBuilder.defaultConceptsFileName).path

        let attribution = try corpus.concept.search("attribution", mode: .concept, limit: 20, explain: true)
        let katakana = try #require(attribution.results.first { $0.text.contains("アトリビューション") })
        let origins = Self.memberOrigins(katakana.explanation ?? [])
        #expect(origins.contains { $0.hasPrefix("アトリビューション") && $0.contains("dictionary \(dictionary):12") },
                "\(katakana.explanation ?? [])")

        let due = try corpus.concept.search("due diligence", mode: .concept, limit: 20, explain: true)
        let glossed = try #require(due.results.first { $0.text.contains("相当の注意義務(デューデリジェンス)") })
        let dueOrigins = Self.memberOrigins(glossed.explanation ?? [])
        #expect(dueOrigins.contains { $0.hasPrefix("デューデリジェンス") && $0.contains("sounds like due diligence") },
                "\(glossed.explanation ?? [])")
        #expect(dueOrigins.contains { $0.hasPrefix("相当の注意義務") && $0.contains("mined from 000_d846fcd16f0a50d7.txt:") },
                "\(glossed.explanation ?? [])")
    }

    @Test("--explain names a source for every expanded member, also for a term in several concepts",
          arguments: ["GGE", "政府専門家会合", "ノーム", "能力構築支援", "Confidence Building Measures", "cyber attack", "サイバー攻撃"])
    func everyMemberHasASource(_ query: String) throws {
        let corpus = try DefaultConceptCorpus.get()
        let results = try corpus.concept.search(query, mode: .concept, limit: 1_000, explain: true)
        try #require(results.total > 0)
        var unexplained: Set<String> = []
        for result in results.results {
            for member in Self.memberOrigins(result.explanation ?? []) where !Self.hasSource(member) {
                unexplained.insert(member)
            }
        }
        #expect(unexplained.isEmpty, "\(query): members with no source in --explain: \(unexplained.sorted())")
    }
}

@Suite("Concept scoring and dictionaries on small corpora")
struct ConceptScoringTests {
    /// Builds `files` (and `dictionary` as an extra dictionary file) with mining off.
    static func index(_ scratch: IndexScratch, _ files: [String: String], dictionary: String?,
                      defaultConcepts: Bool = true, mining: Bool = false, background: Bool = false) throws -> SearchIndex {
        for (path, text) in files { try scratch.write(path, text) }
        var builder = scratch.builder()
        if let dictionary {
            let url = scratch.root.appendingPathComponent("extra.synonyms")
            try Data(dictionary.utf8).write(to: url)
            builder.conceptDictionaries = [url]
        }
        builder.usesDefaultConcepts = defaultConcepts
        builder.minesConcepts = mining
        builder.usesBuiltInBackground = background
        _ = try builder.build(full: true)
        return try SearchIndex(at: scratch.index)
    }

    static func score(_ results: SearchResults, containing text: String) throws -> Double {
        try #require(results.results.first { $0.text.hasPrefix(text) }, "no result starts with \(text)").score
    }

    @Test("a passage saying the concept in two languages does not outscore one saying the query term as often (English query)")
    func pseudoTermEnglishQuery() throws {
        let scratch = try IndexScratch()
        let index = try Self.index(scratch, ["a.txt": """
            Due diligence is owed here. 相当の注意義務 is owed here.

            Due diligence is owed here. Due diligence is owed here.
            """], dictionary: "due diligence, 相当の注意義務\n")
        let results = try index.search("due diligence", mode: .concept, explain: true)
        #expect(results.total == 2)
        let bilingual = try Self.score(results, containing: "Due diligence is owed here. 相当")
        let exact = try Self.score(results, containing: "Due diligence is owed here. Due")
        #expect(bilingual <= exact, "bilingual \(bilingual) > exact \(exact): \(results.results.map { $0.explanation ?? [] })")
    }

    @Test("a passage saying the concept in two languages does not outscore one saying the query term as often (Japanese query)")
    func pseudoTermJapaneseQuery() throws {
        let scratch = try IndexScratch()
        let index = try Self.index(scratch, ["a.txt": """
            相当の注意義務の問題。デューデリジェンスの問題。

            相当の注意義務の問題。相当の注意義務の問題。
            """], dictionary: "相当の注意義務, デューデリジェンス\n")
        let results = try index.search("相当の注意義務", mode: .concept, explain: true)
        #expect(results.total == 2)
        let bilingual = try Self.score(results, containing: "相当の注意義務の問題。デュー")
        let exact = try Self.score(results, containing: "相当の注意義務の問題。相当")
        #expect(bilingual <= exact, "bilingual \(bilingual) > exact \(exact): \(results.results.map { $0.explanation ?? [] })")
    }

    @Test("one occurrence of a multi-word query term counts as one occurrence of the concept")
    func multiWordOccurrenceCountsOnce() throws {
        let scratch = try IndexScratch()
        // Same length, same field, same document frequency: the member stated once scores as the
        // query term stated once (dictionary members have confidence 1).
        let index = try Self.index(scratch, ["a.txt": """
            Due diligence is owed here.

            Care is owed here today.
            """], dictionary: "due diligence, care\n")
        let byQuery = try index.search("due diligence", mode: .concept, explain: true)
        #expect(byQuery.total == 2)
        let exact = try Self.score(byQuery, containing: "Due diligence")
        let member = try Self.score(byQuery, containing: "Care")
        #expect(abs(exact - member) < 0.0015, "\(byQuery.results.map { $0.explanation ?? [] })")
        let byCare = try index.search("care", mode: .concept)
        #expect(abs(try Self.score(byCare, containing: "Care") - exact) < 0.0015)
    }

    @Test("without the default dictionary and mining, attribution finds アトリビューション by sound but not 帰属")
    func noDefaultConcepts() throws {
        let files = ["a.txt": "サイバー攻撃の帰属は難しい問題である。\n",
                     "b.txt": "アトリビューションの問題がある。\n",
                     "c.txt": "Attribution of cyber operations is hard.\n",
                     IndexBuilder.defaultConceptsFileName: "attribution, アトリビューション, 帰属\n"]
        let full = try Self.index(IndexScratch(), files, dictionary: nil, defaultConcepts: true, mining: true)
        #expect(Set(try full.search("attribution").results.map(\.document)) == ["a.txt", "b.txt", "c.txt"])

        let scratch = try IndexScratch()
        let bare = try Self.index(scratch, files, dictionary: nil, defaultConcepts: false, mining: false)
        #expect(bare.concepts?.map.concepts.isEmpty == true)
        #expect(bare.concepts?.dictionaries == [])
        let results = try bare.search("attribution", explain: true)
        #expect(Set(results.results.map(\.document)) == ["b.txt", "c.txt"])
        let katakana = try #require(results.results.first { $0.document == "b.txt" })
        #expect(katakana.matches.contains { coveredText($0, in: katakana.text) == "アトリビューション" && $0.concept != nil })
        #expect(ConceptRetrievalTests.memberOrigins(katakana.explanation ?? []).contains { $0.contains("sounds like attribution") },
                "\(katakana.explanation ?? [])")
        #expect(try bare.search("帰属").results.map(\.document) == ["a.txt"])
        #expect(try bare.search("attribution", mode: .keyword).results.map(\.document) == ["c.txt"])
    }

    @Test("a two-kana sound-alike matches as a word, not inside longer katakana words (loop is not in ヘルプ)")
    func shortSoundAlikesMatchWholeWords() throws {
        let files = ["a.txt": "詳しくはヘルプを見る。\n",
                     "b.txt": "ルプ、と書く。\n",
                     "c.txt": "The loop ends.\n"]
        let index = try Self.index(IndexScratch(), files, dictionary: nil, defaultConcepts: false, mining: false)
        let results = try index.search("loop", explain: true)
        #expect(Set(results.results.map(\.document)) == ["b.txt", "c.txt"], "\(results.results.map(\.text))")
        let found = try #require(results.results.first { $0.document == "b.txt" })
        #expect(ConceptRetrievalTests.memberOrigins(found.explanation ?? []).contains { $0.contains("sounds like loop") })
    }

    @Test("closed-class words are no sound-alike's source at query time (those is not ソース)")
    func closedClassWordsHaveNoSoundAlikes() throws {
        let files = ["a.txt": "ソースを読む。\n", "b.txt": "Those files are here.\n", "c.txt": "The source is open.\n"]
        let index = try Self.index(IndexScratch(), files, dictionary: nil, defaultConcepts: false, mining: false)
        #expect(try index.search("those").results.map(\.document) == ["b.txt"])
        #expect(Set(try index.search("source").results.map(\.document)) == ["a.txt", "c.txt"])
        #expect(PhoneticKey.mayBeLoanwordSource("due diligence") && !PhoneticKey.mayBeLoanwordSource("therefore"))
        #expect(!PhoneticKey.mayBeLoanwordSource("historically") && PhoneticKey.mayBeLoanwordSource("rally"))
        let adverbs = try Self.index(IndexScratch(), ["a.txt": "ホストローカルを使う。\n", "b.txt": "Historically, it was so.\n"],
                                     dictionary: nil, defaultConcepts: false, mining: false)
        #expect(try adverbs.search("historically").results.map(\.document) == ["b.txt"])
    }

    @Test("a sound-alike whose concepts name a better-sounding English source is that source's (strong is not ストリング when ストリング is string)")
    func soundAlikesOfAnotherSourceAreLeftOut() throws {
        let files = ["a.txt": "ストリングを返す。\n", "b.txt": "A strong key.\n",
                     "c.txt": "タイムゾーンを設定する。\n", "d.txt": "Set the timezone.\n"]
        // Without a concept for ストリング, `strong` sounds like it.
        let bare = try Self.index(IndexScratch(), files, dictionary: nil, defaultConcepts: false, mining: false)
        #expect(Set(try bare.search("strong").results.map(\.document)) == ["a.txt", "b.txt"])
        // `string => ストリング`: ストリング only expands `string` (never triggers), and still names its source.
        let linked = try Self.index(IndexScratch(), files, dictionary: "string => ストリング\ntime zone, タイムゾーン\n",
                                    defaultConcepts: false, mining: false)
        #expect(try linked.search("strong").results.map(\.document) == ["b.txt"])
        // `time zone` is `timezone` written apart: タイムゾーン stays its loanword.
        let zone = try linked.search("timezone", explain: true)
        #expect(Set(zone.results.map(\.document)) == ["c.txt", "d.txt"])
    }

    @Test("a compound sound-alike whose part is another English word's loanword is left out (shared library is not スレッドライブラリ)")
    func compoundSoundAlikesComposeFromTheirWords() throws {
        let files = ["a.txt": "スレッドライブラリを使う。\n", "b.txt": "スレッドとエラーを見る。\n", "c.txt": "A shared library.\n",
                     "d.txt": "エラーメッセージが出る。\n", "e.txt": "The error message is clear.\n"]
        let bare = try Self.index(IndexScratch(), files, dictionary: nil, defaultConcepts: false, mining: false)
        #expect(Set(try bare.search("shared library").results.map(\.document)) == ["a.txt", "c.txt"])
        // (`エラー => error` keeps `error` from triggering a concept, so the phrase is sounded out.)
        let linked = try Self.index(IndexScratch(), files, dictionary: "thread, スレッド\nエラー => error\n",
                                    defaultConcepts: false, mining: false)
        #expect(try linked.search("shared library").results.map(\.document) == ["c.txt"])
        // エラー is `error`'s own loanword: エラーメッセージ stays `error message`'s.
        #expect(Set(try linked.search("error message").results.map(\.document)) == ["d.txt", "e.txt"])
    }

    @Test("export(solr:) of the default corpus' concepts parses back to the same concepts")
    func exportRoundTrip() throws {
        let corpus = try DefaultConceptCorpus.get()
        // Background concepts are left out: their expansion-only members have no Solr form and come
        // back as ordinary ones (ConceptDictionary.export documents this).
        let map = ConceptMap(try #require(corpus.concept.concepts).map.concepts.filter { concept in
            !concept.members.allSatisfy { $0.source.tier.isBackground }
        })
        let text = ConceptDictionary.export(solr: map)
        let analyzer = try Analyzer()
        let parsed = try ConceptDictionary.parse(text, file: "export.synonyms", using: analyzer)
        func shape(_ map: ConceptMap) -> Set<[String]> {
            Set(map.concepts.filter { Set($0.keys).count >= 2 }.map { concept in
                Set(concept.members.map { "\($0.role.rawValue) \($0.key.terms.joined(separator: " "))" }).sorted()
            })
        }
        #expect(shape(parsed) == shape(map))
        #expect(parsed.concepts.count == map.concepts.filter { Set($0.keys).count >= 2 }.count)
        // Solr syntax: whole-line comments, comma-separated terms, at most one => per line.
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") { continue }
            #expect(!line.contains(" #"), "trailing comment in \(line)")
            #expect(line.components(separatedBy: "=>").count <= 2, "\(line)")
            #expect(line.components(separatedBy: ", ").count >= 2 || line.contains(" => "), "\(line)")
        }
        #expect(text.contains("attribution, アトリビューション, 帰属") || text.contains("アトリビューション"))
    }
}
