import HashiAnalysis
import HashiDocuments
import HashiIndex
import HashiSearch

/// What can go wrong when building or opening an index. Each message names what is at fault and
/// what to do.
public enum HashiError: Error, Sendable, CustomStringConvertible {
    /// The corpus folder cannot be listed.
    case corpus(path: String, reason: String)
    /// The corpus gave no document to index (every file was skipped, or there is none).
    case emptyCorpus(path: String, skipped: Int)
    /// The index on disk is damaged, missing, of another format, or locked by another build.
    case index(IndexError)
    /// ICU failed.
    case icu(ICUError)
    /// The query cannot be run.
    case query(QueryError)
    /// A concept dictionary cannot be used (the message names file and line).
    case concepts(String)
    /// The index was built by a different analysis chain (or ICU version): queries would be analysed
    /// differently from the documents.
    case analyzerMismatch(index: String, built: String, current: String)

    public var description: String {
        switch self {
        case let .corpus(path, reason):
            "\(path): \(reason)"
        case let .emptyCorpus(path, skipped):
            "\(path): no document to index (looked for .txt, .md, .html and .htm files"
                + (skipped > 0 ? "; \(skipped) skipped with warnings)" : ")")
        case let .index(error):
            error.description
        case let .icu(error):
            error.description
        case let .query(error):
            error.description
        case let .concepts(message):
            message
        case let .analyzerMismatch(index, built, current):
            "\(index): built by analyzer \"\(built)\", this hashi uses \"\(current)\"; run `hashi index --full`"
        }
    }
}
