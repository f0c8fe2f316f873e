import ArgumentParser
import Foundation
import HashiAnalysis

/// `hashi bench analyze`: analyzer throughput beside raw ICU word breaking over the same text.
struct AnalyzeBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyzer throughput (MB/s of UTF-8 input) per language, beside raw ICU word breaking.",
        discussion: """
            Reads and decodes every document of the corpus first (not timed), guesses each one's \
            language from its scripts, then times the analyzer and ICU's bare word break iterator \
            over the same texts, one thread, and prints the median of --runs runs.
            """
    )

    @Option(help: "The corpus folder.")
    var corpus = "Corpus"

    @Option(help: "How many timed runs (the median is reported).")
    var runs = 3

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard runs >= 1 && runs <= 100 else { throw ValidationError("--runs must be between 1 and 100.") }
    }

    struct Figures: Encodable {
        let language: String
        let documents: Int
        let megabytes: Double
        let analyzerMBPerSecond: Double
        let icuWordBreakMBPerSecond: Double
        let ratio: Double
        let tokens: Int
    }

    func run() throws {
        var groups: [TextLanguage: [String]] = [:]
        for path in try CorpusFiles.list(in: corpus) {
            do {
                let text = try FileInput.readText(at: path)
                groups[TextLanguage(guessingFrom: text), default: []].append(text)
            } catch {
                FileHandle.standardError.write(Data("warning: skipped \(error)\n".utf8))
            }
        }
        let analyzer = try Analyzer()
        let baseline = try WordBreakBaseline()
        var results: [Figures] = []
        for language in [TextLanguage.japanese, .english] {
            guard let texts = groups[language], !texts.isEmpty else { continue }
            let megabytes = Double(texts.reduce(0) { $0 + $1.utf8.count }) / 1_000_000
            var tokens = 0
            var analyzerTimes: [Double] = []
            var baselineTimes: [Double] = []
            for _ in 0..<runs {
                tokens = 0
                analyzerTimes.append(try Stopwatch.seconds {
                    for text in texts {
                        try analyzer.analyze(text) { _ in tokens += 1 }
                    }
                })
                baselineTimes.append(try Stopwatch.seconds {
                    for text in texts { _ = try baseline.countWords(in: text) }
                })
            }
            let analyzerSpeed = megabytes / Stopwatch.median(analyzerTimes)
            let baselineSpeed = megabytes / Stopwatch.median(baselineTimes)
            results.append(Figures(language: language.rawValue, documents: texts.count, megabytes: megabytes,
                                   analyzerMBPerSecond: analyzerSpeed, icuWordBreakMBPerSecond: baselineSpeed,
                                   ratio: baselineSpeed / analyzerSpeed, tokens: tokens))
        }
        if json {
            print(try JSON.line(["analyze": results]))
            return
        }
        print("language  docs       MB  analyzer MB/s  ICU word break MB/s  ICU÷analyzer  tokens   (median of \(runs))")
        for r in results {
            print("\(r.language.padding(8))  \(String(r.documents).padding(5)) \(format(r.megabytes).padding(8)) "
                  + "\(format(r.analyzerMBPerSecond).padding(14)) \(format(r.icuWordBreakMBPerSecond).padding(20)) "
                  + "\(format(r.ratio).padding(13)) \(r.tokens)")
        }
    }

    private func format(_ value: Double) -> String { String(format: "%.2f", value) }
}
