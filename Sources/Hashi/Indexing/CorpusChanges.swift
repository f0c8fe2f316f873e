import HashiDocuments
import HashiIndex

/// What differs between a corpus listing and the documents of an index, compared by path, size and
/// modification time (no file is read): the input of ``IndexBuilder/status()`` and of an
/// incremental build.
///
/// A file whose size and modification time match its document record (or its `touched` record in
/// the manifest, for a file whose time changed but whose content did not) is unchanged; one that
/// differs in either is *modified* (the build then compares content hashes); a path the index does
/// not hold is *added* unless it was skipped last time with the same size and time; an indexed path
/// no longer listed is *removed*.
struct CorpusChanges {
    /// Where a live document of the index is.
    struct Location {
        /// Index of the segment in the manifest's order.
        var segment: Int
        /// Document id within the segment.
        var document: UInt32
        /// The document record.
        var record: DocumentRecord
    }

    /// Live documents whose file has the recorded size and modification time, by path.
    var unchanged: [String: Location] = [:]
    /// Files whose size or modification time differ from their document's record.
    var modified: [(file: CorpusFile, location: Location)] = []
    /// Files the index does not hold (new, or skipped last time and changed since).
    var added: [CorpusFile] = []
    /// Documents whose file is no longer in the corpus, in path order.
    var removed: [Location] = []
    /// Skipped-file entries of the manifest that still describe their file.
    var stillSkipped: [String] = []
    /// The first difference, in the words ``IndexStatus/stale(_:)`` uses; nil when none.
    var firstDifference: String?

    /// True when the index holds exactly the corpus.
    var isEmpty: Bool { modified.isEmpty && added.isEmpty && removed.isEmpty }

    /// Compares `files` with the live documents of `segments`, using the manifest's `skipped` and
    /// `touched` entries.
    init(files: [CorpusFile], manifest: Manifest, segments: [SegmentReader]) {
        var indexed: [String: Location] = [:]
        for (s, segment) in segments.enumerated() {
            for id in 0..<UInt32(segment.documentCount) where !segment.isDeleted(document: id) {
                if let record = segment.document(id) { indexed[record.path] = Location(segment: s, document: id, record: record) }
            }
        }
        let touched = Self.touchedRecords(manifest)
        let skipped = Set((manifest.metadata[ManifestKey.skipped] ?? "").split(separator: "\n").map(String.init))
        var skippedPaths: Set<String> = []
        for entry in skipped {
            if let tab = entry.firstIndex(of: "\t") { skippedPaths.insert(String(entry[..<tab])) }
        }
        func note(_ difference: String) {
            if firstDifference == nil { firstDifference = difference }
        }
        for file in files {
            if let location = indexed.removeValue(forKey: file.relativePath) {
                let recorded = touched[file.relativePath] ?? (location.record.size, location.record.modified)
                if recorded.size != file.size || recorded.modified != file.modified {
                    modified.append((file, location))
                    note("\(file.relativePath) changed")
                } else {
                    unchanged[file.relativePath] = location
                }
            } else if skipped.contains(IndexBuilder.skippedEntry(file)) {
                stillSkipped.append(IndexBuilder.skippedEntry(file))
            } else if skippedPaths.contains(file.relativePath) {
                added.append(file)
                note("\(file.relativePath), skipped last time, changed")
            } else {
                added.append(file)
                note("\(file.relativePath) is new")
            }
        }
        removed = indexed.values.sorted { $0.record.path.utf8.lexicographicallyPrecedes($1.record.path.utf8) }
        if let first = removed.first { note("\(first.record.path) was removed") }
    }

    /// The manifest's `touched` entries: path → the size and modification time the file has now
    /// (its document record keeps those of the build that analysed it).
    static func touchedRecords(_ manifest: Manifest) -> [String: (size: UInt64, modified: Int64)] {
        var result: [String: (size: UInt64, modified: Int64)] = [:]
        for line in (manifest.metadata[ManifestKey.touched] ?? "").split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3, let size = UInt64(fields[1]), let modified = Int64(fields[2]) else { continue }
            result[String(fields[0])] = (size, modified)
        }
        return result
    }

    /// A `touched` entry: path, size and modification time, tab-separated.
    static func touchedEntry(_ file: CorpusFile) -> String {
        "\(file.relativePath)\t\(file.size)\t\(file.modified)"
    }
}
