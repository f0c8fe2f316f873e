import ArgumentParser
import Foundation
import Hashi

extension SearchMode: ExpressibleByArgument {}

/// `hashi search`: ranked passages for a query, building the index first when it is missing or stale.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the index; builds it from the corpus first when it is missing or stale.",
        discussion: """
            Query grammar: words must all match (in any order); "quoted words" must stand together; \
            -word excludes; a OR b matches either; word* matches words starting with "word". \
            Japanese text matches wherever it occurs as written. Use - as the query to read it from \
            standard input.
            """
    )

    @Argument(help: "The query (or - to read it from standard input).")
    var query: String

    @Option(help: "The index folder.")
    var index = "Index"

    @Option(help: "The corpus folder, to build or refresh the index from (default: the folder the index was built from, else Corpus).")
    var corpus: String?

    @Option(help: "keyword: words as written; concept: also other forms and equivalents of each term.")
    var mode: SearchMode = .concept

    @Option(help: "How many results to show.")
    var limit = 10

    @Option(help: "How many of the best results to skip.")
    var offset = 0

    @Flag(help: "Print JSON (see the README for its shape).")
    var json = false

    @Flag(help: "Show how each result's score came about.")
    var explain = false

    @Flag(help: "Search the index as it is, without checking whether the corpus changed.")
    var noRefresh = false

    @Option(help: "BM25 k1 (term-frequency saturation).")
    var k1 = 1.2

    @Option(help: "BM25 b (length normalization, 0-1).")
    var b = 0.75

    func validate() throws {
        guard (0...1_000).contains(limit) else { throw ValidationError("--limit must be between 0 and 1000.") }
        guard offset >= 0 && offset <= 100_000 else { throw ValidationError("--offset must be between 0 and 100000.") }
        guard k1 >= 0 && k1 <= 10 else { throw ValidationError("--k1 must be between 0 and 10.") }
        guard b >= 0 && b <= 1 else { throw ValidationError("--b must be between 0 and 1.") }
    }

    func run() throws {
        let text = try queryText()
        let indexURL = URL(fileURLWithPath: index)
        let ranking = RankingParameters(k1: k1, b: b)
        // Open the index once: the staleness check reuses it, and only a rebuild opens it again.
        var opened = try? SearchIndex(at: indexURL, ranking: ranking)
        if !noRefresh, try refreshIndex(indexURL, opened: opened) { opened = nil }
        let results: SearchResults
        do {
            let searchIndex: SearchIndex
            if let opened { searchIndex = opened } else { searchIndex = try SearchIndex(at: indexURL, ranking: ranking) }
            results = try searchIndex.search(text, mode: mode, limit: limit, offset: offset, explain: explain)
        } catch {
            throw CLIError(error.description)
        }
        if json {
            print(try JSON.line(results))
        } else {
            ResultPrinter(style: TerminalStyle.forStandardOutput()).print(results)
        }
    }

    private func queryText() throws -> String {
        guard query == "-" else { return query }
        let bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let valid = bytes.indices.first { String(validating: bytes[..<($0 + 1)], as: UTF8.self) == nil && !Self.isPrefixOfValid(bytes, $0) } ?? 0
            throw CLIError("the query read from standard input is not valid UTF-8 (at byte offset \(valid))")
        }
        return text.trimmingCharacters(in: .newlines)
    }

    private static func isPrefixOfValid(_ bytes: [UInt8], _ end: Int) -> Bool {
        // A cut in the middle of a multi-byte character is not an error yet.
        (1...3).contains { end + $0 < bytes.count && String(validating: bytes[...(end + $0)], as: UTF8.self) != nil }
    }

    /// Builds or updates the index when it is missing or stale, saying so on standard error;
    /// returns whether it did. Without `--corpus`, the index's own corpus is the one compared.
    private func refreshIndex(_ indexURL: URL, opened: SearchIndex?) throws -> Bool {
        // The open index's manifest says where it came from; the file is read only when it is not open.
        let recorded = opened.map(\.corpus) ?? IndexBuilder.recordedCorpus(ofIndexAt: indexURL)
        // An index is refreshed from its own corpus unless told otherwise: never from the default
        // one, which would replace another corpus' index.
        let corpusURL = corpus.map { URL(fileURLWithPath: $0) } ?? recorded ?? URL(fileURLWithPath: "Corpus")
        let corpus = corpus ?? recorded?.path ?? "Corpus"
        guard FileManager.default.fileExists(atPath: corpusURL.path) else {
            if FileManager.default.fileExists(atPath: indexURL.appendingPathComponent("MANIFEST").path) {
                if self.corpus == nil, let recorded {
                    printError("note: \(index) was built from \(recorded.path), which is gone; searching the index as it is (--corpus DIR refreshes it from another folder)")
                }
                return false
            }
            throw CLIError("\(corpus): no such corpus folder, and no index at \(index) to search")
        }
        // Keep the settings the index was built with (dictionaries, mining, passage limit).
        let builder = IndexBuilder(refreshing: indexURL, corpus: corpusURL)
        do {
            let status: IndexStatus
            if let opened { status = try builder.status(of: opened) } else { status = try builder.status() }
            guard status != .current else { return false }
            let why = switch status {
            case .missing: "there is no index yet"
            case .stale(let reason): reason
            case .current: ""
            }
            printError("\(status == .missing ? "Building" : "Updating") the index of \(corpus) into \(index) (\(why))…")
            // Incremental when the index allows it: only changed files are analysed again.
            let summary = try builder.build()
            for warning in summary.warnings { printError("warning: \(warning)") }
            if summary.incremental {
                printError(String(format: "Re-analysed %d file(s); the index holds %d documents, %d passages (%.2f s).",
                                  summary.changes.reanalysed, summary.documents, summary.passages, summary.seconds))
            } else {
                printError(String(format: "Indexed %d documents, %d passages in %.2f s.", summary.documents,
                                  summary.passages, summary.seconds))
            }
            return true
        } catch {
            throw CLIError(error.description)
        }
    }
}
