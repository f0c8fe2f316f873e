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
    var threads: [Int] = Array(Set([1, 2, IndexBuilder.defaultThreads])).sorted()

    @Option(help: "Timed builds per thread count (the median is reported).")
    var runs = 3

    @Flag(help: "Do not mine concepts (as other engines' indexing does not).")
    var noMining = false

    @Flag(help: "Leave out the built-in background dictionary (as other engines' indexing has none).")
    var noBackground = false

    @Flag(help: "Also time incremental builds after changing one file and 10% of the files (of a linked copy of the corpus; the corpus itself is not touched).")
    var incremental = false

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard (1...20).contains(runs) else { throw ValidationError("--runs must be between 1 and 20.") }
        guard !threads.isEmpty, threads.allSatisfy({ (1...64).contains($0) }) else {
            throw ValidationError("--threads takes counts between 1 and 64.")
        }
    }

    /// Median seconds of an incremental build after changing `files` files.
    struct IncrementalFigures: Encodable {
        let changedFiles: Int
        let seconds: Double
        let reanalysedMegabytes: Double
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
        let incrementalResults = incremental ? try measureIncremental(scratch: scratch) : []
        if json {
            print(try JSON.line(Report(index: results, incremental: incrementalResults)))
            return
        }
        print("threads  seconds  MB/s    index÷input  segments  peak RSS MB   (median of \(runs); mining \(noMining ? "off" : "on"), background \(noBackground ? "off" : "on"))")
        for r in results {
            print(String(format: "%-8d %-8.3f %-7.2f %-12.3f %-9d %.1f", r.threads, r.seconds, r.megabytesPerSecond,
                         r.indexRatio, r.segments, r.peakRSSMegabytes))
        }
        for r in incrementalResults {
            print(String(format: "incremental, %d file%@ changed (%.1f MB re-analysed): %.3f s (median of %d, %d threads)",
                         r.changedFiles, r.changedFiles == 1 ? "" : "s", r.reanalysedMegabytes, r.seconds, runs,
                         IndexBuilder.defaultThreads))
        }
    }

    struct Report: Encodable {
        let index: [Figures]
        let incremental: [IncrementalFigures]
    }

    /// Builds a copy of the corpus made of symbolic links, then for one file and for 10% of the
    /// files (spread evenly): replaces their links by changed copies, times the incremental build,
    /// and puts the links back (with a full build in between, untimed).
    private func measureIncremental(scratch: URL) throws -> [IncrementalFigures] {
        let root = URL(fileURLWithPath: corpus)
        let copy = scratch.appendingPathComponent("corpus")
        let index = scratch.appendingPathComponent("incremental-index")
        try? FileManager.default.removeItem(at: scratch)
        let prefix = root.standardizedFileURL.path + "/"
        let files = try CorpusFiles.list(in: root.standardizedFileURL.path).map { path in
            (relativePath: String(path.dropFirst(prefix.count)), url: URL(fileURLWithPath: path))
        }
        for file in files {
            let link = copy.appendingPathComponent(file.relativePath)
            try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: link, withDestinationURL: file.url.resolvingSymlinksInPath())
        }
        var builder = IndexBuilder(corpus: copy, index: index)
        builder.minesConcepts = !noMining
        var figures: [IncrementalFigures] = []
        for count in [1, max(1, files.count / 10)] {
            let step = max(1, files.count / count)
            let chosen = stride(from: 0, to: files.count, by: step).prefix(count).map { files[$0] }
            var times: [Double] = []
            var bytes = 0
            for run in 0..<runs {
                do {
                    _ = try builder.build(full: true)
                    bytes = 0
                    for file in chosen {
                        let link = copy.appendingPathComponent(file.relativePath)
                        var data = try Data(contentsOf: file.url)
                        data.append(contentsOf: Array("\n\nchanged for the benchmark, run \(run)\n".utf8))
                        try FileManager.default.removeItem(at: link)
                        try data.write(to: link)
                        bytes += data.count
                    }
                    let summary = try builder.build()
                    guard summary.incremental, summary.changes.reanalysed == chosen.count else {
                        throw CLIError("the incremental build re-analysed \(summary.changes.reanalysed) files, not \(chosen.count) (\(summary.reason))")
                    }
                    times.append(summary.seconds)
                    for file in chosen {
                        let link = copy.appendingPathComponent(file.relativePath)
                        try FileManager.default.removeItem(at: link)
                        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: file.url.resolvingSymlinksInPath())
                    }
                } catch let error as HashiError {
                    throw CLIError(error.description)
                }
            }
            figures.append(IncrementalFigures(changedFiles: chosen.count, seconds: Stopwatch.median(times),
                                              reanalysedMegabytes: Double(bytes) / 1e6))
        }
        return figures
    }
}
