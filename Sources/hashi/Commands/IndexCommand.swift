import ArgumentParser
import Foundation
import Hashi

/// `hashi index`: builds or refreshes the index of a corpus.
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Build or update the index of a corpus folder (incrementally, unless --full).",
        discussion: """
            Indexes every .txt, .md, .html and .htm file below the corpus folder. Files that cannot be \
            read or decoded are reported as warnings and left out. An existing index is updated \
            incrementally: only added files and files whose content changed are analysed again. The \
            new index replaces the old one atomically: if the build is interrupted, the previous \
            index stays searchable.
            """
    )

    @Option(help: "The corpus folder (default: the folder the index was built from, else Corpus).")
    var corpus: String?

    @Option(help: "The index folder.")
    var index = "Index"

    @Flag(help: "Analyse every file again into fresh segments (by default only added and changed files are analysed).")
    var full = false

    @Option(help: "Threads to use (default: one per core): with 2 or more, one adds analysed files to the index (and helps analyse when idle) while the others analyse.")
    var threads = IndexBuilder.defaultThreads

    @Option(help: "The longest passage, in UTF-16 code units; longer paragraphs are cut at sentences.")
    var passageLimit = 400

    @Option(help: "MiB a segment may hold in memory before it is written and a new one started.")
    var memoryBudget = IndexBuilder.defaultMemoryBudget >> 20

    @Option(name: .customLong("concepts"), help: "A concept dictionary (Solr synonym syntax) to use as well; repeatable.")
    var conceptFiles: [String] = []

    @Flag(help: "Leave out the corpus' own dictionary (concepts.synonyms in the corpus folder).")
    var noDefaultConcepts = false

    @Flag(help: "Do not mine concepts from the corpus.")
    var noMining = false

    @Flag(help: "Leave out the built-in background dictionary (SudachiDict's synonyms).")
    var noBackground = false

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func validate() throws {
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64.") }
        guard (16...100_000).contains(passageLimit) else { throw ValidationError("--passage-limit must be between 16 and 100000.") }
        guard (1...65_536).contains(memoryBudget) else { throw ValidationError("--memory-budget must be between 1 and 65536 (MiB).") }
    }

    func run() throws {
        let indexURL = URL(fileURLWithPath: index)
        // Rebuilding an index from the default corpus when it was built from another folder would
        // silently replace it: without --corpus, an index is rebuilt from its own corpus.
        let recorded = corpus == nil ? IndexBuilder.recordedCorpus(ofIndexAt: indexURL) : nil
        if let recorded, !FileManager.default.fileExists(atPath: recorded.path) {
            throw CLIError("\(index) was built from \(recorded.path), which is gone; name the corpus with --corpus DIR")
        }
        let corpusURL = corpus.map { URL(fileURLWithPath: $0) } ?? recorded ?? URL(fileURLWithPath: "Corpus")
        var builder = IndexBuilder(corpus: corpusURL, index: indexURL,
                                   passageLimit: passageLimit, threads: threads, memoryBudget: memoryBudget << 20)
        builder.conceptDictionaries = conceptFiles.map { URL(fileURLWithPath: $0) }
        builder.usesDefaultConcepts = !noDefaultConcepts
        builder.minesConcepts = !noMining
        builder.usesBuiltInBackground = !noBackground
        if let recorded, !(quiet || json) {
            printError("corpus: \(recorded.path) (the folder \(index) was built from)")
        }
        let display = ProgressDisplay(quiet: quiet || json)
        let summary: BuildSummary
        do {
            summary = try builder.build(full: full) { display.show($0) }
        } catch {
            throw CLIError(error.description)
        }
        if json {
            print(try JSON.line(summary))
            return
        }
        guard !quiet else { return }
        for warning in summary.warnings { printError("warning: \(warning)") }
        if summary.upToDate {
            print("\(index): up to date (\(summary.documents) documents, \(summary.passages) passages)")
            return
        }
        if summary.incremental {
            print(Self.describe(summary.changes) + String(format: " (%.2f s)", summary.seconds))
            print("index: \(summary.documents) documents, \(summary.passages) passages in \(summary.segments) segment\(summary.segments == 1 ? "" : "s")"
                  + (summary.changes.deletedDocuments > 0 ? " (\(summary.changes.deletedDocuments) deleted documents awaiting a merge)" : ""))
            return
        }
        let megabytes = Double(summary.inputBytes) / 1_000_000
        print(String(format: "indexed %d documents, %d passages, %d terms in %.2f s (%.1f MB/s, %d threads, %d segment%@); index %.1f MB (%.2f× input); %d skipped",
                     summary.documents, summary.passages, summary.terms, summary.seconds,
                     summary.seconds > 0 ? megabytes / summary.seconds : 0, summary.threads, summary.segments,
                     summary.segments == 1 ? "" : "s",
                     Double(summary.indexBytes) / 1_000_000,
                     summary.inputBytes > 0 ? Double(summary.indexBytes) / Double(summary.inputBytes) : 0,
                     summary.warnings.count))
        if let background = summary.background {
            if let builtIn = background.builtIn {
                print(String(format: "background: %@, %d of %d concepts have a member in the corpus (loaded in %.2f s)",
                             builtIn, background.builtInKept, background.builtInConcepts, background.loadSeconds ?? 0))
            }
            if background.importedConcepts > 0 {
                print("imported background: \(background.importedKept) of \(background.importedConcepts) concepts have a member in the corpus")
            }
        }
        print("(\(summary.reason))")
    }

    /// "3 files changed, 1 added, 1 removed: re-analysed 4 files, 1 new segment, 2 kept, 0 merged".
    static func describe(_ changes: BuildChanges) -> String {
        func files(_ n: Int) -> String { n == 1 ? "1 file" : "\(n) files" }
        var found: [String] = []
        if changes.changed > 0 { found.append("\(changes.changed) changed") }
        if changes.added > 0 { found.append("\(changes.added) added") }
        if changes.removed > 0 { found.append("\(changes.removed) removed") }
        if changes.touched > 0 { found.append("\(changes.touched) touched (content unchanged)") }
        if !found.isEmpty {
            let first = found[0].split(separator: " ", maxSplits: 1)
            let count = Int(first[0]) ?? 0
            found[0] = files(count) + " " + first[1]
        }
        let segments = changes.newSegments == 1 ? "1 new segment" : "\(changes.newSegments) new segments"
        return found.joined(separator: ", ") + ": re-analysed \(files(changes.reanalysed)), \(segments), "
            + "\(changes.keptSegments) kept, \(changes.mergedSegments) merged"
    }
}
