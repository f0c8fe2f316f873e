import ArgumentParser
import Foundation
import Hashi

/// `hashi bench index`: build throughput, index size and memory over a corpus.
struct IndexBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Index build speed (MB/s of input) per thread count, index size ÷ input, and peak memory.",
        discussion: """
            Builds the corpus into a temporary folder --runs times for each thread count (a full \
            build each time) and prints the median. Peak RSS is the process's (getrusage) after each \
            thread count's runs: run one thread count per invocation for a per-setting figure.
            """
    )

    @Option(help: "The corpus folder.")
    var corpus = "Corpus"

    @Option(parsing: .upToNextOption, help: "Thread counts to measure.")
    var threads: [Int] = [1, 2, IndexBuilder.defaultThreads]

    @Option(help: "Timed builds per thread count (the median is reported).")
    var runs = 3

    @Flag(help: "Do not mine concepts (as other engines' indexing does not).")
    var noMining = false

    @Flag(help: "Leave out the built-in background dictionary (as other engines' indexing has none).")
    var noBackground = false

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard (1...20).contains(runs) else { throw ValidationError("--runs must be between 1 and 20.") }
        guard !threads.isEmpty, threads.allSatisfy({ (1...64).contains($0) }) else {
            throw ValidationError("--threads takes counts between 1 and 64.")
        }
    }

    struct Figures: Encodable {
        let threads: Int
        let seconds: Double
        let megabytesPerSecond: Double
        let indexRatio: Double
        let segments: Int
        let peakRSSMegabytes: Double
    }

    func run() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hashi-bench-index-\(getpid())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var results: [Figures] = []
        for count in threads {
            var builder = IndexBuilder(corpus: URL(fileURLWithPath: corpus), index: scratch, threads: count)
            builder.minesConcepts = !noMining
            builder.usesBuiltInBackground = !noBackground
            var times: [Double] = []
            var last: BuildSummary?
            for _ in 0..<runs {
                do {
                    let summary = try builder.build(full: true)
                    times.append(summary.seconds)
                    last = summary
                } catch {
                    throw CLIError(error.description)
                }
            }
            guard let summary = last else { continue }
            let seconds = Stopwatch.median(times)
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            results.append(Figures(threads: count, seconds: seconds,
                                   megabytesPerSecond: Double(summary.inputBytes) / 1e6 / seconds,
                                   indexRatio: Double(summary.indexBytes) / Double(max(summary.inputBytes, 1)),
                                   segments: summary.segments, peakRSSMegabytes: Double(usage.ru_maxrss) / 1024))
        }
        if json {
            print(try JSON.line(["index": results]))
            return
        }
        print("threads  seconds  MB/s    index÷input  segments  peak RSS MB   (median of \(runs); mining \(noMining ? "off" : "on"), background \(noBackground ? "off" : "on"))")
        for r in results {
            print(String(format: "%-8d %-8.3f %-7.2f %-12.3f %-9d %.1f", r.threads, r.seconds, r.megabytesPerSecond,
                         r.indexRatio, r.segments, r.peakRSSMegabytes))
        }
    }
}
