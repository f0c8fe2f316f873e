import Foundation
import HashiAnalysis
import HashiConcepts
import HashiDocuments
import HashiIndex

/// One corpus file read, decoded, split into passages and analysed, ready to be added to a segment.
/// Each passage's tokens are grouped by term and encoded here, on the analysis thread
/// (``PreparedPostings``), so adding the document to the segment is cheap.
struct AnalyzedDocument {
    struct PassageEntry {
        var ordinal: UInt32
        var line: UInt32
        var byteRange: Range<Int>
        var text: String
    }

    var file: CorpusFile
    var contentHash: UInt64
    var byteCount: Int
    /// Passage k's postings are passage k of ``postings``.
    var passages: [PassageEntry] = []
    var postings = PreparedPostings()
    /// Glosses mined from the document (when mining).
    var glosses: [MinedConcept] = []
    /// The document's katakana words, English runs and abbreviations (when mining).
    var vocabulary: CorpusVocabulary? = nil

    /// Terms longer than this many bytes are not indexed (base64 blobs and the like), as Lucene and
    /// Elasticsearch cap term length.
    static let maximumTermBytes = 255

    /// Adds one token of the current passage (terms over ``maximumTermBytes`` are left out).
    mutating func add(stream: Token.Stream, term: UnsafeRawBufferPointer, position: Int) {
        guard term.count <= Self.maximumTermBytes else { return }
        postings.add(field: IndexField(stream).rawValue, bytes: term, position: UInt32(truncatingIfNeeded: position))
    }
}

/// The per-thread machinery that analyses documents (ICU iterators are not thread-safe).
final class DocumentAnalysisWorker {
    let analyzer: Analyzer
    let splitter: PassageSplitter
    /// Mines concepts from each document when set.
    let miner: ConceptMiner?
    /// The documents whose words feed corpus-wide loanword and abbreviation mining.
    let vocabularyDocuments: Set<String>

    init(passageLimit: Int, mining: Bool, vocabularyDocuments: Set<String>) throws(ICUError) {
        analyzer = try Analyzer()
        splitter = try PassageSplitter(limit: passageLimit)
        miner = mining ? try ConceptMiner() : nil
        self.vocabularyDocuments = vocabularyDocuments
    }

    /// Reads and analyses `file`; a problem with the file is returned as a warning.
    func analyze(_ file: CorpusFile) -> Result<AnalyzedDocument, CorpusWarning> {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: file.url))
        } catch {
            return .failure(CorpusWarning(path: file.relativePath, reason: "cannot be read (vanished or unreadable)"))
        }
        if bytes.isEmpty {
            return .failure(CorpusWarning(path: file.relativePath, reason: "empty file"))
        }
        let source: SourceDocument
        do {
            source = try SourceDocument(path: file.relativePath, bytes: bytes, kind: file.kind)
        } catch {
            return .failure(CorpusWarning(path: file.relativePath, reason: Self.reason(error)))
        }
        var document = AnalyzedDocument(file: file, contentHash: ContentHash.of(bytes), byteCount: bytes.count)
        do {
            let passages = try splitter.passages(of: source.units)
            if passages.isEmpty {
                return .failure(CorpusWarning(path: file.relativePath, reason: "no text (only white space or markup)"))
            }
            try source.units.withUnsafeBufferPointer { (units) throws(ICUError) in
                for passage in passages {
                    let slice = UnsafeBufferPointer(rebasing: units[passage.range])
                    try analyzer.analyzeTerms(utf16: slice) { document.add(stream: $0, term: $1, position: $2) }
                    document.postings.endPassage()
                    document.passages.append(AnalyzedDocument.PassageEntry(
                        ordinal: UInt32(passage.ordinal), line: source.line(at: passage.range.lowerBound),
                        byteRange: source.byteRange(of: passage.range), text: UTF16Conversion.string(from: slice)))
                }
            }
            if let miner {
                let text = source.units.withUnsafeBufferPointer { UTF16Conversion.string(from: $0) }
                document.glosses = try miner.glosses(in: text, document: file.relativePath)
                if vocabularyDocuments.contains(file.relativePath) {
                    document.vocabulary = try miner.vocabulary(of: text, document: file.relativePath)
                }
            }
        } catch {
            return .failure(CorpusWarning(path: file.relativePath, reason: error.description))
        }
        return .success(document)
    }

    /// The words of `file` for corpus-wide mining (what ``analyze(_:)`` gives for a document
    /// chosen for it), without analysing it for the index; nil when it cannot be read or decoded
    /// (then it would have been skipped) or when this worker does not mine.
    func vocabulary(of file: CorpusFile) -> CorpusVocabulary? {
        guard let miner, let data = try? Data(contentsOf: file.url), !data.isEmpty,
              let source = try? SourceDocument(path: file.relativePath, bytes: [UInt8](data), kind: file.kind) else { return nil }
        let text = source.units.withUnsafeBufferPointer { UTF16Conversion.string(from: $0) }
        return try? miner.vocabulary(of: text, document: file.relativePath)
    }

    /// A decoding error's message without the path (the warning names the file already).
    static func reason(_ error: DecodingError) -> String {
        switch error {
        case let .binary(_, offset): "binary file (NUL byte at byte offset \(offset)); skipped"
        case let .undecodable(_, offset, encoding):
            "cannot be decoded at byte offset \(offset) (as \(encoding.rawValue) or any supported encoding); convert it to UTF-8"
        case let .tooLarge(_, size, limit): "\(size) bytes exceeds the \(limit)-byte limit for one file; split it"
        }
    }
}
