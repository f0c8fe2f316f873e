import ArgumentParser
import Foundation
import Hashi

/// `hashi stats`: what an index holds.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show documents, passages, terms, postings and file sizes of an index."
    )

    @Option(help: "The index folder.")
    var index = "Index"

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let statistics: IndexStatistics
        do {
            statistics = try IndexStatistics(index: URL(fileURLWithPath: index))
        } catch {
            throw CLIError(error.description)
        }
        if json {
            print(try JSON.line(statistics))
            return
        }
        print("index       \(statistics.index) (generation \(statistics.generation), \(statistics.segments) segment\(statistics.segments == 1 ? "" : "s"))")
        print("analyzer    \(statistics.analyzer)")
        if let corpus = statistics.corpus { print("corpus      \(corpus)") }
        print("documents   \(statistics.documents)" + (statistics.deletedDocuments > 0
            ? " (\(statistics.deletedDocuments) deleted, awaiting a merge)" : ""))
        print("passages    \(statistics.passages)")
        print("terms       \(statistics.terms) (" + statistics.termsPerField.sorted { $0.key > $1.key }
            .map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")")
        print("postings    \(statistics.postings)")
        print(String(format: "size        %.2f MB for %.2f MB of input (%.2f×)", Double(statistics.indexBytes) / 1e6,
                     Double(statistics.inputBytes) / 1e6,
                     statistics.inputBytes > 0 ? Double(statistics.indexBytes) / Double(statistics.inputBytes) : 0))
        print(String(format: "build time  %.2f s", statistics.buildSeconds))
        print("concepts    \(statistics.concepts) (\(statistics.builtInConcepts) from the built-in background dictionary, \(statistics.importedConcepts) imported; \(statistics.minedPairs) pairs mined from the corpus)")
        for (name, bytes) in statistics.files.sorted(by: { $0.key < $1.key }) {
            print("  \(name.padding(20)) \(bytes) bytes")
        }
    }
}
