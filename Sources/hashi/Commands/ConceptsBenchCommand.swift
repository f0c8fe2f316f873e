import ArgumentParser
import Foundation
import Hashi
import HashiAnalysis
import HashiConcepts

/// `hashi bench concepts`: cross-lingual retrieval with and without the built-in background
/// dictionary, on a corpus of parallel documents, and what the dictionary costs.
struct ConceptsBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concepts",
        abstract: "Cross-lingual retrieval (R@10, nDCG@10) with and without the background dictionary; its build cost and load time.",
        discussion: """
            The corpus must hold parallel documents: the same relative path under two folders, one \
            Japanese and one English (--japanese ja --english en; the benchmark corpus from \
            make-corpus has them: manual pages and the Debian Reference in both languages). \
            Each document's summary line (the text after " - " on the first lines, as manual pages \
            have, else its first line) makes a query in its language, with the words both versions \
            share (names such as accept4) and stop words removed, its words joined with OR. The answer \
            is the other version of the document, searched among the other language's documents only \
            (concept mode; passages grouped by document, best passage first). Two indexes are built, \
            with and without the built-in dictionary (mining on in both), and the same queries run \
            on each.
            """
    )

    @Option(help: "The corpus folder.")
    var corpus: String

    @Option(help: "The folder of Japanese documents inside the corpus.")
    var japanese = "ja"

    @Option(help: "The folder of English documents inside the corpus.")
    var english = "en"

    @Option(help: "Where the two indexes are built (default: a temporary folder, removed afterwards).")
    var work: String?

    @Option(help: "Loads of the dictionary to time (the median is reported).")
    var runs = 3

    @Option(help: "At most this many queries per direction (spread evenly over the pairs).")
    var maximumQueries = 400

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard (1...20).contains(runs) else { throw ValidationError("--runs must be between 1 and 20.") }
        guard maximumQueries >= 1 else { throw ValidationError("--maximum-queries must be at least 1.") }
    }

    struct Query: Encodable {
        let language: String
        let text: String
        let answer: String
    }

    struct Retrieval: Encodable {
        var queries = 0
        var recallAt10 = 0.0
        var nDCGAt10 = 0.0
        var meanReciprocalRank = 0.0
    }

    struct Side: Encodable {
        var buildSeconds = 0.0
        var indexBytes = 0
        var conceptsInIndex = 0
        var japaneseToEnglish = Retrieval()
        var englishToJapanese = Retrieval()
    }

    struct Figures: Encodable {
        var pairs = 0
        var dictionaryLoadSeconds = 0.0
        var dictionaryConcepts = 0
        var keptConcepts = 0
        var without = Side()
        var with = Side()
    }

    func run() throws {
        let root = URL(fileURLWithPath: corpus)
        let analyzer = try Analyzer()
        let pairs = try parallelPairs(root)
        guard !pairs.isEmpty else {
            throw CLIError("\(corpus): no parallel documents (the same relative path under \(japanese)/ and \(english)/)")
        }
        var figures = Figures()
        figures.pairs = pairs.count
        var queries: [Query] = []
        for (ja, en) in pairs {
            guard let jaText = summary(of: root.appendingPathComponent(ja)),
                  let enText = summary(of: root.appendingPathComponent(en)) else { continue }
            let jaWords = try contentWords(jaText.summary, analyzer)
            let enWords = try contentWords(enText.summary, analyzer)
            // Words both versions share (names, code) would find the answer without crossing languages.
            let shared = Set(jaWords.map(\.term)).intersection(enWords.map(\.term))
                .union(try analyzer.tokens(of: jaText.names + " " + enText.names).map(\.term))
            let jaQuery = jaWords.filter { !shared.contains($0.term) }.map(\.text)
            let enQuery = enWords.filter { !shared.contains($0.term) }.map(\.text)
            if !jaQuery.isEmpty { queries.append(Query(language: "ja", text: jaQuery.joined(separator: " OR "), answer: en)) }
            if !enQuery.isEmpty { queries.append(Query(language: "en", text: enQuery.joined(separator: " OR "), answer: ja)) }
        }
        queries = spread(queries.filter { $0.language == "ja" }) + spread(queries.filter { $0.language == "en" })

        var loads: [Double] = []
        for _ in 0..<runs {
            let loaded = try BuiltInDictionary.read(from: try BuiltInDictionary.locate())
            loads.append(loaded.seconds)
            figures.dictionaryConcepts = loaded.concepts.count
        }
        figures.dictionaryLoadSeconds = Stopwatch.median(loads)

        let scratch = work.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("hashi-bench-concepts-\(getpid())")
        defer { if work == nil { try? FileManager.default.removeItem(at: scratch) } }
        for background in [false, true] {
            let index = scratch.appendingPathComponent(background ? "with-background" : "without-background")
            var builder = IndexBuilder(corpus: root, index: index)
            builder.usesBuiltInBackground = background
            let summary: BuildSummary
            do { summary = try builder.build(full: true) } catch { throw CLIError(error.description) }
            var side = Side(buildSeconds: summary.seconds, indexBytes: summary.indexBytes)
            let searchIndex: SearchIndex
            do { searchIndex = try SearchIndex(at: index) } catch { throw CLIError(error.description) }
            side.conceptsInIndex = searchIndex.concepts?.map.concepts.count ?? 0
            if background { figures.keptConcepts = summary.background?.builtInKept ?? 0 }
            side.japaneseToEnglish = try evaluate(queries.filter { $0.language == "ja" }, on: searchIndex, prefix: english + "/")
            side.englishToJapanese = try evaluate(queries.filter { $0.language == "en" }, on: searchIndex, prefix: japanese + "/")
            if background { figures.with = side } else { figures.without = side }
        }
        if json {
            print(try JSON.line(figures))
            return
        }
        print("\(figures.pairs) parallel documents; \(queries.count) queries (OR of content words, answers in the other language only)")
        print(String(format: "background dictionary: %d concepts, loaded in %.3f s (median of %d); %d kept for this corpus",
                     figures.dictionaryConcepts, figures.dictionaryLoadSeconds, runs, figures.keptConcepts))
        print("                      build s   index MB  concepts  ja→en R@10  nDCG@10  MRR    en→ja R@10  nDCG@10  MRR")
        for (name, side) in [("without background", figures.without), ("with background", figures.with)] {
            print(String(format: "%-21@ %-9.2f %-9.2f %-9d %-11.3f %-8.3f %-6.3f %-11.3f %-8.3f %.3f", name, side.buildSeconds,
                         Double(side.indexBytes) / 1e6, side.conceptsInIndex,
                         side.japaneseToEnglish.recallAt10, side.japaneseToEnglish.nDCGAt10, side.japaneseToEnglish.meanReciprocalRank,
                         side.englishToJapanese.recallAt10, side.englishToJapanese.nDCGAt10, side.englishToJapanese.meanReciprocalRank))
        }
    }

    /// Relative paths present under both language folders, as (Japanese, English).
    private func parallelPairs(_ root: URL) throws -> [(String, String)] {
        func files(_ folder: String) -> Set<String> {
            let base = root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
            var result: Set<String> = []
            for case let url as URL in walker where ["txt", "md", "html", "htm"].contains(url.pathExtension.lowercased()) {
                result.insert(String(url.path.dropFirst(base.path.count + 1)))
            }
            return result
        }
        return files(japanese).intersection(files(english)).sorted().map { ("\(japanese)/\($0)", "\(english)/\($0)") }
    }

    /// The summary line of a document: the text after " - " within its first five lines (manual
    /// pages: `accept, accept4 - accept a connection on a socket`), with the names before it; else
    /// its first non-empty line.
    private func summary(of url: URL) -> (names: String, summary: String)? {
        guard let data = FileManager.default.contents(atPath: url.path),
              let text = String(data: data.prefix(4096), encoding: .utf8) ?? String(data: data.prefix(4093), encoding: .utf8)
        else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).prefix(5).map(String.init)
        for line in lines {
            if let dash = line.range(of: " - ") {
                return (String(line[..<dash.lowerBound]), String(line[dash.upperBound...]))
            }
        }
        return lines.first.map { ("", $0) }
    }

    /// The query words of `text`: the analyzer's words, without English stop words, hiragana-only
    /// words (particles, endings) and lone characters.
    private func contentWords(_ text: String, _ analyzer: Analyzer) throws -> [(term: String, text: String)] {
        let units = Array(text.utf16)
        var result: [(String, String)] = []
        for token in try analyzer.tokens(of: text) where token.stream == .word {
            if token.script == .hiragana || token.script == .number || token.term.count < 2 { continue }
            if token.script == .latin && Self.stopWords.contains(token.term) { continue }
            let written = String(decoding: units[token.start..<token.end], as: UTF16.self)
            if !result.contains(where: { $0.0 == token.term }) { result.append((token.term, written)) }
        }
        return result
    }

    /// At most ``maximumQueries`` queries, taken evenly over the list.
    private func spread(_ list: [Query]) -> [Query] {
        guard list.count > maximumQueries else { return list }
        return (0..<maximumQueries).map { list[$0 * list.count / maximumQueries] }
    }

    private func evaluate(_ queries: [Query], on index: SearchIndex, prefix: String) throws -> Retrieval {
        var retrieval = Retrieval(queries: queries.count)
        guard !queries.isEmpty else { return retrieval }
        for query in queries {
            let results: SearchResults
            do { results = try index.search(query.text, mode: .concept, limit: 300) } catch { throw CLIError("\(query.text): \(error)") }
            var documents: [String] = []
            for result in results.results where result.document.hasPrefix(prefix) && !documents.contains(result.document) {
                documents.append(result.document)
                if documents.count == 10 { break }
            }
            if let rank = documents.firstIndex(of: query.answer) {
                retrieval.recallAt10 += 1
                retrieval.nDCGAt10 += 1 / log2(Double(rank) + 2)
                retrieval.meanReciprocalRank += 1 / Double(rank + 1)
            }
        }
        let n = Double(queries.count)
        retrieval.recallAt10 /= n
        retrieval.nDCGAt10 /= n
        retrieval.meanReciprocalRank /= n
        return retrieval
    }

    /// Common English function words (a query made of them says nothing).
    static let stopWords: Set<String> = [
        "a", "an", "the", "of", "on", "in", "to", "for", "and", "or", "with", "from", "by", "is", "are", "be", "as",
        "at", "it", "its", "this", "that", "these", "those", "into", "via", "not", "no", "if", "than", "then",
        "which", "who", "what", "when", "how", "all", "any", "each", "some", "about", "over", "under", "per",
    ]
}
