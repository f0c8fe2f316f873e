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
            language from its scripts, then times the analyzer (tokens with strings and offsets, and \
            the term bytes indexing uses) and ICU's bare word break iterator over the same texts, \
            one thread, and prints the median of --runs runs.
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
        /// The same chain handing over term bytes only (``Analyzer/analyzeTerms(utf16:_:)``, as indexing does).
        let termsMBPerSecond: Double
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
            var termsTimes: [Double] = []
            var baselineTimes: [Double] = []
            for _ in 0..<runs {
                tokens = 0
                analyzerTimes.append(try Stopwatch.seconds {
                    for text in texts {
                        try analyzer.analyze(text) { _ in tokens += 1 }
                    }
                })
                var bytes = 0
                termsTimes.append(try Stopwatch.seconds {
                    for text in texts {
                        // The UTF-16 conversion is timed, as it is in `analyze`.
                        let buffer = UTF16Conversion.codeUnits(of: text)
                        try buffer.withUnsafeBufferPointer { units in
                            try analyzer.analyzeTerms(utf16: units) { _, term, _ in bytes &+= term.count }
                        }
                    }
                })
                _ = bytes
                baselineTimes.append(try Stopwatch.seconds {
                    for text in texts { _ = try baseline.countWords(in: text) }
                })
            }
            let analyzerSpeed = megabytes / Stopwatch.median(analyzerTimes)
            let termsSpeed = megabytes / Stopwatch.median(termsTimes)
            let baselineSpeed = megabytes / Stopwatch.median(baselineTimes)
            results.append(Figures(language: language.rawValue, documents: texts.count, megabytes: megabytes,
                                   analyzerMBPerSecond: analyzerSpeed, termsMBPerSecond: termsSpeed,
                                   icuWordBreakMBPerSecond: baselineSpeed,
                                   ratio: baselineSpeed / analyzerSpeed, tokens: tokens))
        }
        if json {
            print(try JSON.line(["analyze": results]))
            return
        }
        print("language  docs       MB  analyzer MB/s  terms MB/s  ICU word break MB/s  ICU÷analyzer  tokens   (median of \(runs))")
        for r in results {
            print("\(r.language.padding(8))  \(String(r.documents).padding(5)) \(format(r.megabytes).padding(8)) "
                  + "\(format(r.analyzerMBPerSecond).padding(14)) \(format(r.termsMBPerSecond).padding(11)) "
                  + "\(format(r.icuWordBreakMBPerSecond).padding(20)) "
                  + "\(format(r.ratio).padding(13)) \(r.tokens)")
        }
    }

    private func format(_ value: Double) -> String { String(format: "%.2f", value) }
}
