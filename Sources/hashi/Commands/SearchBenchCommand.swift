import ArgumentParser
import Foundation
import Hashi

/// `hashi bench search`: query latency, throughput and exactness over a file of queries.
struct SearchBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Query latency (p50/p99 per language and mode), queries per second, recall and precision.",
        discussion: """
            QUERIES is a TSV file with a header line `lang<TAB>query` (lang: ja or en). After one \
            warm-up pass, every query runs --runs times in each mode (top 10 passage ids, ranked, as the \
            anchors measure); a query's latency is the median of its runs, and p50/p99 are taken over \
            the queries of a language. The full search (stored text, snippets, highlights) is timed \
            too, in keyword mode. Queries per second: all queries in keyword mode on --threads threads. Recall and \
            precision (keyword mode) compare each query's complete match set with a brute-force scan \
            of every passage's text, normalized independently of Hashi (Foundation's NFKC, then \
            lower-cased): a passage is relevant when it contains every whitespace-separated query \
            term as a substring; for English the word variant also requires ASCII terms to stand as \
            whole words (not next to [0-9a-z_]), as the anchors' prep.py does.
            """
    )

    @Option(help: "The index folder.")
    var index = "Index"

    @Option(help: "The queries file (lang<TAB>query).")
    var queries: String

    @Option(help: "Timed runs of each query.")
    var runs = 5

    @Option(help: "Threads for the queries-per-second figure.")
    var threads = 2

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Skip the recall/precision scan.")
    var noRecall = false

    @Flag(help: "List passages the recall scan expected but the search missed (a few per query).")
    var showMisses = false

    @Option(help: "Also list the N slowest queries of each mode (ranked ids).")
    var slowest = 0

    @Option(help: "Write each query's ranked top 10 (passage ids and scores, both modes) to this file, to compare rankings between builds.")
    var rankings: String?

    @Option(help: "Measure only this mode's latency (keyword or concept; for profiling: no full search, no QPS).")
    var only: SearchMode?

    /// The last measurement's queries, slowest first (not an argument).
    private var slowestQueries: [(Double, String)] = []

    enum CodingKeys: String, CodingKey {
        case index, queries, runs, threads, json, noRecall, showMisses, slowest, rankings, only
    }

    struct Latency: Encodable {
        let p50_ms: Double
        let p99_ms: Double
    }

    struct Exactness: Encodable {
        let recall: Double
        let recall_word: Double?
        let precision: Double
        let zero_hit_queries: Int
    }

    struct Report: Encodable {
        let keyword: [String: Latency]
        let concept: [String: Latency]
        let qps: Double
        /// Keyword mode with stored text, snippets and highlights.
        let full_search: [String: Latency]
        let exactness: [String: Exactness]?
    }

    mutating func run() throws {
        let list = try loadQueries()
        let searchIndex: SearchIndex
        do { searchIndex = try SearchIndex(at: URL(fileURLWithPath: index)) } catch { throw CLIError(error.description) }

        if let rankings { try writeRankings(searchIndex, list, to: rankings) }

        var latency: [SearchMode: [String: Latency]] = [:]
        for mode in [SearchMode.keyword, .concept] where only == nil || only == mode {
            latency[mode] = try measure(list) { query in _ = try searchIndex.rankedPassages(query, mode: mode, limit: 10) }
            for (time, query) in slowestQueries.prefix(slowest) {
                printError(String(format: "slow (%@): %.3f ms  %@", mode.rawValue, time, query))
            }
        }
        if let only {
            for language in ["ja", "en"] {
                guard let l = latency[only]?[language] else { continue }
                print("\(only.rawValue.padding(8)) \(language.padding(5)) \(String(format: "%.4f", l.p50_ms).padding(8)) \(String(format: "%.4f", l.p99_ms))")
            }
            return
        }
        let full = try measure(list) { query in _ = try searchIndex.search(query, mode: .keyword, limit: 10) }

        let rounds = 3
        let queryStrings = list.map(\.1)
        let wall = Stopwatch.seconds {
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                for _ in 0..<rounds {
                    for query in queryStrings { _ = try? searchIndex.rankedPassages(query, mode: .keyword, limit: 10) }
                }
            }
        }
        let qps = Double(threads * rounds * queryStrings.count) / wall

        let exactness = noRecall ? nil : try measureExactness(searchIndex, list)
        let report = Report(keyword: latency[.keyword] ?? [:], concept: latency[.concept] ?? [:], qps: qps,
                            full_search: full, exactness: exactness)
        if json {
            print(try JSON.line(report))
            return
        }
        print("mode     lang  p50 ms   p99 ms   (median of \(runs) runs per query; \(list.count) queries)")
        for mode in [SearchMode.keyword, .concept] {
            for language in ["ja", "en"] {
                guard let l = latency[mode]?[language] else { continue }
                print("\(mode.rawValue.padding(8)) \(language.padding(5)) \(String(format: "%.4f", l.p50_ms).padding(8)) \(String(format: "%.4f", l.p99_ms))")
            }
        }
        for language in ["ja", "en"] {
            guard let l = full[language] else { continue }
            print("full     \(language.padding(5)) \(String(format: "%.4f", l.p50_ms).padding(8)) \(String(format: "%.4f", l.p99_ms))   (keyword, with text, snippet, highlights)")
        }
        print(String(format: "queries per second on %d threads (keyword): %.0f", threads, qps))
        for (language, e) in (exactness ?? [:]).sorted(by: { $0.key > $1.key }) {
            print(String(format: "%@ recall %.4f%@ precision %.4f, %d queries with no hit that should have one", language,
                         e.recall, e.recall_word.map { String(format: " (whole-word %.4f)", $0) } ?? "", e.precision,
                         e.zero_hit_queries))
        }
    }

    /// Per-language p50/p99 of the median latency of each query over --runs runs, after a warm-up.
    private mutating func measure(_ list: [(String, String)], _ body: (String) throws -> Void) throws -> [String: Latency] {
        for (_, query) in list { try body(query) }
        var perLanguage: [String: [Double]] = [:]
        var perQuery: [(Double, String)] = []
        for (language, query) in list {
            var times: [Double] = []
            for _ in 0..<runs { times.append(try Stopwatch.seconds { try body(query) } * 1000) }
            perLanguage[language, default: []].append(Stopwatch.median(times))
            perQuery.append((Stopwatch.median(times), query))
        }
        slowestQueries = perQuery.sorted(by: { $0.0 > $1.0 })
        return perLanguage.mapValues { Latency(p50_ms: percentile($0, 50), p99_ms: percentile($0, 99)) }
    }

    /// One line per query and mode: the total and the ranked ids with scores (exactly as computed).
    private func writeRankings(_ searchIndex: SearchIndex, _ list: [(String, String)], to path: String) throws {
        var lines: [String] = []
        for mode in [SearchMode.keyword, .concept] {
            for (_, query) in list {
                let found: (total: Int, passages: [(id: Int, score: Double)])
                do { found = try searchIndex.rankedPassages(query, mode: mode, limit: 10) } catch { throw CLIError(error.description) }
                let ranked = found.passages.map { "\($0.id):\($0.score)" }.joined(separator: " ")
                lines.append("\(mode.rawValue)\t\(query)\t\(found.total)\t\(ranked)")
            }
        }
        do { try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw CLIError("\(path): cannot write the rankings (\(error.localizedDescription))")
        }
    }

    private func loadQueries() throws -> [(String, String)] {
        guard let text = try? String(contentsOfFile: queries, encoding: .utf8) else {
            throw CLIError("\(queries): cannot read the queries file (UTF-8 TSV: lang<TAB>query)")
        }
        var result: [(String, String)] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where number > 0 {
            guard !line.isEmpty else { continue }
            let fields = line.split(separator: "\t", maxSplits: 1)
            guard fields.count == 2 else { throw CLIError("\(queries):\(number + 1): expected lang<TAB>query") }
            result.append((String(fields[0]), String(fields[1])))
        }
        guard !result.isEmpty else { throw CLIError("\(queries): no queries") }
        return result
    }

    private func measureExactness(_ searchIndex: SearchIndex, _ list: [(String, String)]) throws -> [String: Exactness] {
        var texts: [String] = []
        texts.reserveCapacity(searchIndex.passageCount)
        for id in 0..<searchIndex.passageCount {
            texts.append((searchIndex.passageText(id) ?? "").precomposedStringWithCompatibilityMapping.lowercased())
        }
        var truePositives: [String: Int] = [:], relevant: [String: Int] = [:], matched: [String: Int] = [:]
        var truePositivesWord: [String: Int] = [:], relevantWord: [String: Int] = [:], zero: [String: Int] = [:]
        for (language, query) in list {
            let terms = query.split(whereSeparator: \.isWhitespace).map { String($0).precomposedStringWithCompatibilityMapping.lowercased() }
            let patterns = terms.map { term -> NSRegularExpression? in
                guard term.allSatisfy(\.isASCII) else { return nil }
                return try? NSRegularExpression(pattern: "(?<![0-9a-z_])" + NSRegularExpression.escapedPattern(for: term) + "(?![0-9a-z_])")
            }
            var substring = Set<Int>()
            var word = Set<Int>()
            for (id, text) in texts.enumerated() where terms.allSatisfy({ text.contains($0) }) {
                substring.insert(id)
                let range = NSRange(text.startIndex..., in: text)
                if patterns.allSatisfy({ $0 == nil || $0?.firstMatch(in: text, range: range) != nil }) { word.insert(id) }
            }
            let found: Set<Int>
            do { found = Set(try searchIndex.matchingPassages(query, mode: .keyword)) } catch { throw CLIError(error.description) }
            if showMisses {
                for id in substring.subtracting(found).sorted().prefix(3) where !language.isEmpty {
                    printError("missed for \(query): passage \(id): \(texts[id].prefix(160))")
                }
            }
            truePositives[language, default: 0] += found.intersection(substring).count
            relevant[language, default: 0] += substring.count
            matched[language, default: 0] += found.count
            truePositivesWord[language, default: 0] += found.intersection(word).count
            relevantWord[language, default: 0] += word.count
            if found.isEmpty && !substring.isEmpty { zero[language, default: 0] += 1 }
        }
        var result: [String: Exactness] = [:]
        for language in relevant.keys {
            let r = Double(truePositives[language] ?? 0) / Double(max(relevant[language] ?? 0, 1))
            let rw = Double(truePositivesWord[language] ?? 0) / Double(max(relevantWord[language] ?? 0, 1))
            let p = Double(truePositives[language] ?? 0) / Double(max(matched[language] ?? 0, 1))
            result[language] = Exactness(recall: r, recall_word: rw, precision: p,
                                         zero_hit_queries: zero[language] ?? 0)
        }
        return result
    }

    private func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let k = Double(sorted.count - 1) * p / 100
        let lo = Int(k), hi = min(Int(k) + 1, sorted.count - 1)
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (k - Double(lo))
    }
}
