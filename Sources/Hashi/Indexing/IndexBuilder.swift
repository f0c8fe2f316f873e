import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HashiAnalysis
import HashiConcepts
import HashiDocuments
import HashiIndex

/// Builds a Hashi index from a corpus folder.
///
/// ```swift
/// let builder = IndexBuilder(corpus: URL(fileURLWithPath: "Corpus"), index: URL(fileURLWithPath: "Index"))
/// let summary = try builder.build()
/// print(summary.documents, summary.passages, summary.warnings)
/// ```
///
/// Files are analysed on several threads in batches; their results are added to the segment in
/// corpus order, so the same corpus always gives a byte-identical index whatever the thread count.
/// A build writes a new generation beside the current one and switches to it atomically, so a
/// crash at any point leaves the previous index searchable.
///
/// The first cut rebuilds everything when anything changed (an unchanged corpus is detected and
/// not rebuilt); the format (segments listed in a manifest) leaves room for incremental builds.
public struct IndexBuilder: Sendable {
    /// The corpus folder.
    public var corpus: URL
    /// The index folder.
    public var index: URL
    /// The longest passage, in UTF-16 code units.
    public var passageLimit: Int
    /// Threads the build uses. With one, files are analysed and added to the segment in turn; with
    /// more, one thread adds analysed files to the segment while the others analyse the next batch.
    public var threads: Int

    /// Configures a build of the corpus at `corpus` into the index folder `index`.
    public init(corpus: URL, index: URL, passageLimit: Int = PassageSplitter.defaultLimit,
                threads: Int = IndexBuilder.defaultThreads, memoryBudget: Int = IndexBuilder.defaultMemoryBudget) {
        self.corpus = corpus
        self.index = index
        self.memoryBudget = max(memoryBudget, 1 << 16)
        self.passageLimit = passageLimit
        self.threads = max(1, min(threads, 64))
    }

    /// Bytes the segment being built may hold in memory before it is written out and a new one
    /// started: this bounds the build's memory whatever the corpus size.
    public var memoryBudget: Int

    /// Corpora up to this size are built with twice the default budget, which keeps them in one
    /// segment (measured: a 19.6 MB corpus peaks at about 140 MB).
    public static let singleSegmentCorpusBytes = 32 << 20

    /// The default ``memoryBudget``: 32 MiB (measured: peak RSS about 125 MB for a 19.6 MB corpus
    /// and about 165 MB for twenty times that).
    public static let defaultMemoryBudget = 32 << 20

    /// Concept dictionary files (Solr synonym syntax) to use besides the default one.
    public var conceptDictionaries: [URL] = []
    /// Whether the corpus' own dictionary, ``defaultConceptsFileName`` in the corpus folder, is used.
    public var usesDefaultConcepts = true
    /// Whether concepts are mined from the corpus (glosses, loanwords, abbreviations).
    public var minesConcepts = true
    /// Whether the built-in background dictionary (SudachiDict's synonyms) is used: its concepts
    /// with a member in the corpus go into the index, ranked below curated and mined ones.
    public var usesBuiltInBackground = true
    /// The confidence a mined pair needs to take part in search.
    public var miningThreshold = 0.6

    /// Mined pairs kept in the index for review (`hashi concepts mined`), most confident first.
    public static let maximumMinedPairsKept = 5_000

    /// The default concept dictionary's name inside the corpus folder. Its extension is not one
    /// Hashi indexes, so it is never a document.
    public static let defaultConceptsFileName = "concepts.synonyms"

    /// One analysis thread per core plus the thread that adds to the segment (which is not busy
    /// all the time, so analysis can use the slack).
    public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount + 1 }

    /// A builder with the settings the index at `index` was last built with (passage limit,
    /// concept dictionaries, mining), so that refreshing it keeps them; the defaults when there is
    /// no readable index.
    public init(refreshing index: URL, corpus: URL) {
        self.init(corpus: corpus, index: index)
        guard let manifest = try? IndexDirectory(url: index).readManifest() else { return }
        if let limit = manifest.metadata[ManifestKey.passageLimit].flatMap(Int.init) { passageLimit = limit }
        guard let configuration = manifest.metadata[ManifestKey.concepts] else { return }
        let standard = corpus.appendingPathComponent(Self.defaultConceptsFileName).path
        var files: [String] = []
        for entry in configuration.split(separator: ";").map(String.init) {
            if entry.hasPrefix("background=") {
                usesBuiltInBackground = entry != "background=off"
            } else if entry.hasPrefix("mining=") {
                let value = entry.dropFirst("mining=".count)
                minesConcepts = value != "off"
                if let threshold = Double(value) { miningThreshold = threshold }
            } else if let hash = entry.lastIndex(of: "#") {
                files.append(String(entry[..<hash]))
            }
        }
        usesDefaultConcepts = files.contains(standard)
        conceptDictionaries = files.filter { $0 != standard }.map { URL(fileURLWithPath: $0) }
    }

    /// Input bytes analysed per batch: bounds the memory analysed documents take before they are
    /// added to the segment.
    static let batchBytes = 2 << 20

    /// Whether the index matches the corpus (by path, size and modification time of every file,
    /// and the analyzer version).
    public func status() throws(HashiError) -> IndexStatus {
        let (files, _) = try scan()
        return status(of: files)
    }

    /// Whether `opened`, an index already open for searching, matches the corpus: as ``status()``,
    /// without opening (and checksumming) the index files a second time.
    public func status(of opened: SearchIndex) throws(HashiError) -> IndexStatus {
        let (files, _) = try scan()
        return status(of: files, manifest: opened.manifest, segments: opened.searcher.segments)
    }

    private func status(of files: [CorpusFile]) -> IndexStatus {
        let directory = IndexDirectory(url: index)
        guard directory.exists else { return .missing }
        let opened: (manifest: Manifest, segments: [SegmentReader])
        do {
            opened = try directory.openSegments()
        } catch {
            return .stale("the index cannot be opened (\(error))")
        }
        return status(of: files, manifest: opened.manifest, segments: opened.segments)
    }

    private func status(of files: [CorpusFile], manifest: Manifest, segments: [SegmentReader]) -> IndexStatus {
        let opened = (manifest: manifest, segments: segments)
        guard opened.manifest.metadata[ManifestKey.analyzer] == Analyzer.version else {
            return .stale("it was built by another analyzer version")
        }
        guard opened.manifest.metadata[ManifestKey.passageLimit] == String(passageLimit) else {
            return .stale("it was built with another passage limit")
        }
        guard opened.manifest.metadata[ManifestKey.concepts] == conceptConfiguration() else {
            return .stale("the concept dictionaries or mining settings changed")
        }
        var indexed: [String: DocumentRecord] = [:]
        for segment in opened.segments {
            for id in 0..<UInt32(segment.documentCount) {
                if let record = segment.document(id) { indexed[record.path] = record }
            }
        }
        let skipped = Set((opened.manifest.metadata[ManifestKey.skipped] ?? "").split(separator: "\n").map(String.init))
        for file in files {
            if let record = indexed[file.relativePath] {
                if record.size != file.size || record.modified != file.modified {
                    return .stale("\(file.relativePath) changed")
                }
                indexed[file.relativePath] = nil
            } else if skipped.contains(Self.skippedEntry(file)) {
                continue
            } else if skipped.contains(where: { $0.hasPrefix(file.relativePath + "\t") }) {
                return .stale("\(file.relativePath), skipped last time, changed")
            } else {
                return .stale("\(file.relativePath) is new")
            }
        }
        if let removed = indexed.keys.min() {
            return .stale("\(removed) was removed")
        }
        return .current
    }

    /// Builds the index unless it is current (or `full` is true), reporting progress now and then.
    /// - Throws: ``HashiError`` when the corpus cannot be listed or yields no document, when another
    ///   build holds the index, or when writing fails. Problems with single files are warnings in
    ///   the summary.
    public func build(full: Bool = false, progress: ((BuildProgress) -> Void)? = nil) throws(HashiError) -> BuildSummary {
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let (files, scanWarnings) = try scan()
        // A full rebuild need not look at the old index (checking it reads every file of it).
        let current: IndexStatus = full ? .current : status(of: files)
        if current == .current && !full {
            return try summaryOfCurrentIndex(seconds: elapsed(), warnings: scanWarnings)
        }
        let reason: String = switch current {
        case .missing: "no index yet"
        case .stale(let why): why
        case .current: "a full rebuild was asked for"
        }

        let dictionaryMap = try loadDictionaries()
        let background = usesBuiltInBackground ? BackgroundLoad() : nil
        let directory = IndexDirectory(url: index)
        let build: IndexBuild
        do { build = try directory.beginBuild() } catch { throw .index(error) }
        var glosses: [MinedConcept] = []
        var vocabulary = CorpusVocabulary()
        var conceptBytes = 0
        var backgroundSummary: BackgroundSummary? = nil

        let totalBytes = files.reduce(0) { $0 + Int($1.size) }
        var segments = SegmentSink(directory: build.directory)
        // A corpus small enough to fit one segment of twice the default budget gets one segment
        // (searching one is faster); larger corpora keep the budget, which bounds memory.
        let budget = memoryBudget == Self.defaultMemoryBudget && totalBytes <= Self.singleSegmentCorpusBytes
            ? 2 * memoryBudget : memoryBudget
        var warnings = scanWarnings
        var skipped: [String] = []
        var indexedBytes = 0
        var bytesDone = 0
        var filesDone: Int
        let workers = try makeWorkers(vocabularyDocuments: Self.vocabularyDocuments(files))

        do {
            // Two-stage pipeline: while this thread adds batch k to the segment, the workers
            // analyse batch k + 1.
            let batches = Self.batches(of: files)
            var pending = batches.first.map { startAnalysis(of: Array(files[$0]), workers: workers) }
            for (k, batch) in batches.enumerated() {
                guard let current = pending else { break }
                let results = current.wait()
                pending = k + 1 < batches.count ? startAnalysis(of: Array(files[batches[k + 1]]), workers: workers) : nil
                for (file, result) in zip(files[batch], results) {
                    switch result {
                    case .success(let document):
                        add(document, to: &segments.writer)
                        indexedBytes += document.byteCount
                        glosses += document.glosses
                        if let words = document.vocabulary { vocabulary.append(words) }
                        // Bounded memory: a full segment goes to disk and a new one starts.
                        if segments.writer.estimatedMemoryBytes > budget { try segments.flush() }
                    case .failure(let warning):
                        warnings.append(warning)
                        skipped.append(Self.skippedEntry(file))
                    }
                }
                filesDone = batch.upperBound
                bytesDone += files[batch].reduce(0) { $0 + Int($1.size) }
                progress?(BuildProgress(filesDone: filesDone, filesTotal: files.count, bytesDone: bytesDone,
                                        bytesTotal: totalBytes, elapsed: elapsed()))
            }
            try segments.flush()
            guard !segments.written.isEmpty else {
                build.abandon()
                throw HashiError.emptyCorpus(path: corpus.path, skipped: warnings.count)
            }
            var readers: [SegmentReader] = []
            for segment in segments.written { readers.append(try SegmentReader(directory: build.directory, name: segment.name)) }
            let (table, contributed) = try conceptTable(dictionaries: dictionaryMap, glosses: glosses, vocabulary: vocabulary,
                                         background: background, segments: readers)
            readers.removeAll()
            backgroundSummary = contributed
            conceptBytes = try table.write(to: build.directory)
            try build.commit(segments: segments.written.map(\.name), metadata: [
                ManifestKey.concepts: conceptConfiguration(),
                ManifestKey.analyzer: Analyzer.version,
                ManifestKey.passageLimit: String(passageLimit),
                ManifestKey.corpus: corpus.path,
                ManifestKey.buildSeconds: String(format: "%.3f", elapsed()),
                ManifestKey.inputBytes: String(indexedBytes),
                ManifestKey.skipped: skipped.joined(separator: "\n"),
            ])
        } catch let error as HashiError {
            throw error
        } catch let error as IndexError {
            build.abandon()
            throw .index(error)
        } catch {
            build.abandon()
            throw .index(.invalidInput(String(describing: error)))
        }
        let written = segments.written
        var summary = BuildSummary(upToDate: false, reason: reason, documents: written.reduce(0) { $0 + $1.documentCount },
                            passages: written.reduce(0) { $0 + $1.passageCount },
                            terms: written.reduce(0) { $0 + $1.termCount },
                            postings: written.reduce(0) { $0 + $1.postingCount },
                            inputBytes: indexedBytes, indexBytes: written.reduce(0) { $0 + $1.totalBytes } + conceptBytes,
                            seconds: elapsed(), threads: threads, segments: written.count, warnings: warnings)
        summary.background = backgroundSummary
        return summary
    }

    // MARK: - Steps

    /// The dictionary files this build uses: the corpus' default one (when present and wanted), then
    /// the extra ones.
    var dictionaryFiles: [URL] {
        let standard = corpus.appendingPathComponent(Self.defaultConceptsFileName)
        let useStandard = usesDefaultConcepts && FileManager.default.fileExists(atPath: standard.path)
        return (useStandard ? [standard] : []) + conceptDictionaries
    }

    /// What the concepts depend on, recorded in the manifest so a change makes the index stale:
    /// each dictionary's path and content hash, the mining switch and threshold.
    func conceptConfiguration() -> String {
        let files = dictionaryFiles.map { url -> String in
            let bytes = (try? Data(contentsOf: url)).map { [UInt8]($0) } ?? []
            return url.path + "#" + String(ContentHash.of(bytes), radix: 16)
        }
        return (files + ["mining=\(minesConcepts ? String(miningThreshold) : "off")",
                         "background=\(usesBuiltInBackground ? Self.builtInIdentity : "off")"]).joined(separator: ";")
    }

    /// Parses the dictionary files, every concept of them (not yet in a map: imported background
    /// dictionaries are large and are kept to what the corpus holds first), with the tokens the
    /// presence test needs. A malformed line stops the build with an error naming file and line.
    private func loadDictionaries() throws(HashiError) -> (concepts: [Concept], fallbackTokens: CorpusPresence.FallbackTokens) {
        let analyzer: Analyzer
        do { analyzer = try Analyzer() } catch { throw .icu(error) }
        var concepts: [Concept] = []
        var fallback: CorpusPresence.FallbackTokens = []
        for url in dictionaryFiles {
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw .concepts("\(url.path): cannot read the concept dictionary")
            }
            do {
                let parsed = try ConceptDictionary.analyzedConcepts(bytes: [UInt8](data), file: url.path, using: analyzer)
                concepts += parsed.concepts
                fallback += parsed.fallbackTokens
            } catch {
                throw .concepts(error.description)
            }
        }
        return (concepts, fallback)
    }

    /// How a skipped file is remembered in the manifest: path, size and modification time, so that
    /// a repaired file makes the index stale.
    static func skippedEntry(_ file: CorpusFile) -> String {
        "\(file.relativePath)\t\(file.size)\t\(file.modified)"
    }

    private func scan() throws(HashiError) -> (files: [CorpusFile], warnings: [CorpusWarning]) {
        do {
            return try CorpusScanner.scan(corpus)
        } catch {
            throw .corpus(path: error.path, reason: error.reason)
        }
    }

    /// Input whose words feed corpus-wide loanword and abbreviation mining: the first files of the
    /// corpus (in its sorted order, so the result does not depend on threads) up to this size.
    /// Glosses are mined from every file.
    public static let vocabularyBytes = 1 << 20

    static func vocabularyDocuments(_ files: [CorpusFile]) -> Set<String> {
        var chosen: Set<String> = []
        var bytes = 0
        for file in files where bytes + Int(file.size) <= vocabularyBytes || chosen.isEmpty {
            chosen.insert(file.relativePath)
            bytes += Int(file.size)
        }
        return chosen
    }

    private func makeWorkers(vocabularyDocuments: Set<String>) throws(HashiError) -> [WorkerBox] {
        var workers: [WorkerBox] = []
        for _ in 0..<max(1, threads - 1) {
            do {
                workers.append(WorkerBox(try DocumentAnalysisWorker(passageLimit: passageLimit, mining: minesConcepts,
                                                                     vocabularyDocuments: vocabularyDocuments)))
            } catch {
                throw .icu(error)
            }
        }
        return workers
    }

    /// Cuts `files` into consecutive batches of about ``batchBytes`` of input each.
    static func batches(of files: [CorpusFile]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        while start < files.count {
            var end = start
            var bytes = 0
            while end < files.count && (end == start || bytes < batchBytes) {
                bytes += Int(files[end].size)
                end += 1
            }
            result.append(start..<end)
            start = end
        }
        return result
    }

    /// Starts analysing `files` on all workers in the background; `wait()` returns the results in the
    /// order of `files`.
    private func startAnalysis(of files: [CorpusFile], workers: [WorkerBox]) -> PendingAnalysis {
        let pending = PendingAnalysis(count: files.count)
        let next = NextIndex()
        if threads == 1 {
            for (i, file) in files.enumerated() { pending.set(i, workers[0].worker.analyze(file)) }
            pending.finish()
            return pending
        }
        DispatchQueue.global().async {
            DispatchQueue.concurrentPerform(iterations: workers.count) { worker in
                // Files are taken one at a time from a shared counter, so a large file does not
                // leave the other thread idle.
                while let i = next.take(below: files.count) {
                    pending.set(i, workers[worker].worker.analyze(files[i]))
                }
            }
            pending.finish()
        }
        return pending
    }

    private func add(_ document: AnalyzedDocument, to writer: inout SegmentWriter) {
        let id = writer.addDocument(path: document.file.relativePath, size: document.file.size,
                                    modified: document.file.modified, contentHash: document.contentHash)
        document.arena.withUnsafeBytes { arena in
            for passage in document.passages {
                writer.addPassage(document: id, ordinal: passage.ordinal, line: passage.line,
                                  startOffset: UInt64(passage.byteRange.lowerBound),
                                  endOffset: UInt64(passage.byteRange.upperBound), text: passage.text)
                for t in passage.tokenRange {
                    let meta = document.tokenMeta[t]
                    let start = Int(document.tokenStarts[t])
                    let length = Int((meta >> 32) & 0xFF_FFFF)
                    writer.addToken(field: UInt8(meta >> 56),
                                    bytes: UnsafeRawBufferPointer(rebasing: arena[start..<(start + length)]),
                                    position: UInt32(truncatingIfNeeded: meta))
                }
            }
        }
    }

    private func summaryOfCurrentIndex(seconds: Double, warnings: [CorpusWarning]) throws(HashiError) -> BuildSummary {
        let statistics: IndexStatistics
        do { statistics = try IndexStatistics(index: index) } catch { throw .index(error) }
        return BuildSummary(upToDate: true, reason: "the index is up to date", documents: statistics.documents,
                            passages: statistics.passages, terms: statistics.terms, postings: statistics.postings,
                            inputBytes: statistics.inputBytes, indexBytes: statistics.indexBytes, seconds: seconds,
                            threads: threads, segments: statistics.segments, warnings: warnings)
    }
}

/// The segments of a build: the one being filled, and those already written.
struct SegmentSink {
    let directory: URL
    var writer = SegmentWriter()
    private(set) var written: [SegmentSummary] = []

    init(directory: URL) { self.directory = directory }

    /// Writes the current segment (if it holds anything) and starts a new one.
    mutating func flush() throws(IndexError) {
        guard writer.documentCount > 0 else { return }
        let name = "seg-" + String(format: "%06d", written.count + 1)
        written.append(try writer.write(to: directory, name: name))
        writer = SegmentWriter()
        #if canImport(Glibc)
        // Hand the freed segment back to the system: glibc keeps freed memory in per-thread arenas
        // otherwise, and the build's footprint would grow with the corpus.
        _ = systemMallocTrim(0)
        #endif
    }
}

#if canImport(Glibc)
/// glibc's `malloc_trim` (declared in <malloc.h>, which Swift's Glibc module does not import).
@_silgen_name("malloc_trim")
private func systemMallocTrim(_ pad: Int) -> Int32
#endif

/// Keys Hashi stores in the index manifest's metadata.
enum ManifestKey {
    static let analyzer = "analyzer"
    static let passageLimit = "passage-limit"
    static let corpus = "corpus"
    static let buildSeconds = "build-seconds"
    static let inputBytes = "input-bytes"
    /// Corpus files that were skipped with a warning, one per line as `path<TAB>size<TAB>mtime` (so
    /// they do not make the index look stale until they change).
    static let skipped = "skipped"
    /// The concept configuration (dictionaries and their hashes, mining settings).
    static let concepts = "concepts"
}

/// A worker handed to exactly one thread at a time by `concurrentPerform`'s iteration index.
private final class WorkerBox: @unchecked Sendable {
    let worker: DocumentAnalysisWorker
    init(_ worker: DocumentAnalysisWorker) { self.worker = worker }
}

/// The results of a batch being analysed in the background: slots each written by one thread,
/// read after all of them finished.
private final class PendingAnalysis: @unchecked Sendable {
    private var storage: [Result<AnalyzedDocument, CorpusWarning>?]
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<AnalyzedDocument, CorpusWarning>) {
        lock.lock()
        storage[index] = value
        lock.unlock()
    }

    func finish() { done.signal() }

    func wait() -> [Result<AnalyzedDocument, CorpusWarning>] {
        done.wait()
        lock.lock()
        defer { lock.unlock() }
        return storage.compactMap { $0 }
    }
}

/// A shared counter handing out work items.
private final class NextIndex: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
