import Foundation
import HashiConcepts
import HashiIndex

/// Figures about an index on disk, for `hashi stats`.
public struct IndexStatistics: Sendable, Codable {
    /// The index folder.
    public var index: String
    /// The committed generation.
    public var generation: UInt64
    /// Segments in the generation.
    public var segments: Int
    /// The analyzer the index was built with.
    public var analyzer: String
    /// The corpus folder the index was last built from (what `search` and `index` refresh it from
    /// when no corpus is named); nil when the index does not record one.
    public var corpus: String?
    /// Documents (not counting those deleted by incremental builds).
    public var documents: Int
    /// Passages (not counting those of deleted documents).
    public var passages: Int
    /// Documents deleted by incremental builds whose segments were not merged yet (their passages
    /// and postings are still on disk, and counted in ``terms`` and ``postings``).
    public var deletedDocuments: Int
    /// Distinct terms per segment, summed over segments and fields.
    public var terms: Int
    /// Distinct terms per field (`word`, `bigram`).
    public var termsPerField: [String: Int]
    /// Postings (term–passage pairs).
    public var postings: Int
    /// Bytes of input the index was built from.
    public var inputBytes: Int
    /// Bytes of the index's files.
    public var indexBytes: Int
    /// Bytes per file of the index.
    public var files: [String: Int]
    /// Seconds the last build took.
    public var buildSeconds: Double
    /// Concepts in the index's concept table.
    public var concepts: Int
    /// Pairs mined from the corpus (all, whatever their confidence).
    public var minedPairs: Int
    /// Concepts whose every member comes from the built-in background dictionary.
    public var builtInConcepts: Int = 0
    /// Concepts whose every member comes from imported background dictionaries.
    public var importedConcepts: Int = 0
    /// Documents with glosses kept for incremental builds (`glosses.mined`).
    public var glossDocuments: Int

    /// Reads the statistics of the index at `index`.
    public init(index: URL) throws(IndexError) {
        let directory = IndexDirectory(url: index)
        let (manifest, segments) = try directory.openSegments()
        self.index = index.path
        generation = manifest.generation
        self.segments = segments.count
        analyzer = manifest.metadata[ManifestKey.analyzer] ?? "unknown"
        corpus = IndexBuilder.recordedCorpus(in: manifest)?.path
        documents = segments.reduce(0) { $0 + $1.liveDocumentCount }
        passages = segments.reduce(0) { $0 + $1.livePassageCount }
        deletedDocuments = segments.reduce(0) { $0 + $1.documentCount - $1.liveDocumentCount }
        var perField: [String: Int] = [:]
        var postings = 0
        for segment in segments {
            for field in IndexField.allCases {
                perField[String(describing: field), default: 0] += segment.termCount(field: field.rawValue)
                for entry in segment.terms(field: field.rawValue) { postings += Int(entry.info.docFrequency) }
            }
        }
        termsPerField = perField
        terms = perField.values.reduce(0, +)
        self.postings = postings
        inputBytes = Int(manifest.metadata[ManifestKey.inputBytes] ?? "") ?? 0
        buildSeconds = Double(manifest.metadata[ManifestKey.buildSeconds] ?? "") ?? 0
        var files: [String: Int] = [:]
        let generationURL = directory.generationURL(manifest.generation)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: generationURL.path)) ?? [] {
            let attributes = try? FileManager.default.attributesOfItem(atPath: generationURL.appendingPathComponent(name).path)
            files[name] = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        }
        self.files = files
        indexBytes = files.values.reduce(0, +)
        let table = try ConceptTable.read(from: generationURL)
        concepts = table?.map.concepts.count ?? 0
        minedPairs = table?.mined.count ?? 0
        for concept in table?.map.concepts ?? [] {
            if concept.members.allSatisfy({ $0.source.tier == .builtIn }) { builtInConcepts += 1 }
            if concept.members.allSatisfy({ $0.source.tier == .imported }) { importedConcepts += 1 }
        }
        glossDocuments = try MinedGlosses.documentCount(in: generationURL) ?? 0
    }
}
