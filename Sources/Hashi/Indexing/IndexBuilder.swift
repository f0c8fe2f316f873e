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
/// Builds are incremental: only added files and files whose content changed are analysed again
/// (see ``build(full:progress:)``); an unchanged corpus is detected and not rebuilt.
public struct IndexBuilder: Sendable {
    /// The corpus folder.
    public var corpus: URL
    /// The index folder.
    public var index: URL
    /// The longest passage, in UTF-16 code units.
    public var passageLimit: Int
    /// Threads the build uses. With one, files are analysed and added to the segment in turn; with
    /// more, one thread adds analysed files to the segment while the others analyse the next batch,
    /// and joins them in analysing it once it is done adding.
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
    /// segment (measured: a 19.6 MB corpus peaks at about 125 MB without mining).
    public static let singleSegmentCorpusBytes = 32 << 20

    /// The default ``memoryBudget``: 32 MiB (measured: peak RSS 126 MB for a 19.6 MB corpus in one
    /// segment, 119 MB for twenty times that in segments, without mining; 146 and 137 MB with it).
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

    /// One thread per core: one of them adds analysed files to the segment and analyses the next
    /// batch when it is idle, so a thread more than the cores only adds contention (measured: 2
    /// threads build the benchmark corpus faster than 3 on 2 cores, with less memory).
    public static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

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

    /// The corpus folder the index at `index` was last built from (as an absolute path); nil when
    /// there is no readable index there or it does not record one. Tools refresh an index from this
    /// folder when no corpus is named, so that pointing at another index never rebuilds it from the
    /// default corpus.
    public static func recordedCorpus(ofIndexAt index: URL) -> URL? {
        (try? IndexDirectory(url: index).readManifest()).flatMap(recordedCorpus(in:))
    }

    /// The corpus folder `manifest` records (see ``recordedCorpus(ofIndexAt:)``).
    static func recordedCorpus(in manifest: Manifest) -> URL? {
        guard let path = manifest.metadata[ManifestKey.corpus], !path.isEmpty else { return nil }
        return URL(fileURLWithPath: path)
    }

    /// The built-in background dictionary's load for a build of `files` (nil when it is not used).
    /// A corpus too large for one segment is built in bounded memory: its dictionary (about 25 MB)
    /// is loaded once analysis is over instead of beside it.
    private func backgroundLoad(for files: [CorpusFile]) -> BackgroundLoad? {
        guard usesBuiltInBackground else { return nil }
        let bounded = files.reduce(0) { $0 + Int($1.size) } > Self.singleSegmentCorpusBytes
        return BackgroundLoad(startsNow: !bounded)
    }

    /// Input bytes analysed per batch: bounds the memory analysed documents take before they are
    /// added to the segment.
    static let batchBytes = 1 << 20

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

    /// Why an index built with `manifest` must be rebuilt in full (another analyzer, passage limit or
    /// concept configuration); nil when it can be brought up to date incrementally.
    private func configurationDifference(_ manifest: Manifest) -> String? {
        guard manifest.metadata[ManifestKey.analyzer] == Analyzer.version else {
            return "it was built by another analyzer version"
        }
        guard manifest.metadata[ManifestKey.passageLimit] == String(passageLimit) else {
            return "it was built with another passage limit"
        }
        guard manifest.metadata[ManifestKey.concepts] == conceptConfiguration() else {
            return "the concept dictionaries or mining settings changed"
        }
        // A concept table of an older format still opens, but the next build writes the current one.
        let table = IndexDirectory(url: index).generationURL(manifest.generation).appendingPathComponent(ConceptTable.fileName)
        if let found = ConceptTableCodec.storedVersion(atPath: table.path), found < ConceptTableCodec.version {
            return "its concept table is in an older format (\(found == 0 ? "JSON" : "version \(found)"), "
                + "this hashi writes version \(ConceptTableCodec.version))"
        }
        return nil
    }

    private func status(of files: [CorpusFile], manifest: Manifest, segments: [SegmentReader]) -> IndexStatus {
        if let why = configurationDifference(manifest) { return .stale(why) }
        let changes = CorpusChanges(files: files, manifest: manifest, segments: segments)
        return changes.firstDifference.map { .stale($0) } ?? .current
    }

    /// Brings the index up to date, reporting progress now and then.
    ///
    /// Incremental by default: when an index built with the same analyzer, passage limit and concept
    /// configuration exists, only added files and files whose content hash changed are analysed,
    /// into new segments; the documents they replace and those of removed files are marked deleted
    /// in their segments (deletion files), the unchanged segments are hard-linked into the new
    /// generation, and segments with many deletions (or too many small segments) are merged. Files
    /// whose size or time changed but whose content did not are only recorded. `full` (or a changed
    /// configuration, or no index) analyses every file into fresh segments.
    /// - Throws: ``HashiError`` when the corpus cannot be listed or yields no document, when another
    ///   build holds the index, or when writing fails. Problems with single files are warnings in
    ///   the summary.
    public func build(full: Bool = false, progress: ((BuildProgress) -> Void)? = nil) throws(HashiError) -> BuildSummary {
        let clock = BuildClock()
        Self.tuneMalloc()
        let (files, scanWarnings) = try scan()
        // A full rebuild need not look at the old index (checking it reads every file of it).
        if full {
            return try fullBuild(files, scanWarnings: scanWarnings, reason: "a full rebuild was asked for", clock: clock, progress: progress)
        }
        let directory = IndexDirectory(url: index)
        guard directory.exists else {
            return try fullBuild(files, scanWarnings: scanWarnings, reason: "no index yet", clock: clock, progress: progress)
        }
        let opened: (manifest: Manifest, segments: [SegmentReader])
        do {
            opened = try directory.openSegments()
        } catch {
            return try fullBuild(files, scanWarnings: scanWarnings, reason: "the index cannot be opened (\(error))",
                                 clock: clock, progress: progress)
        }
        if let why = configurationDifference(opened.manifest) {
            return try fullBuild(files, scanWarnings: scanWarnings, reason: why, clock: clock, progress: progress)
        }
        let changes = CorpusChanges(files: files, manifest: opened.manifest, segments: opened.segments)
        if changes.isEmpty {
            return try summaryOfCurrentIndex(seconds: clock.elapsed(), warnings: scanWarnings)
        }
        // The glosses of the documents this build replaces or removes (the rest are read only if
        // the concept table must be made again).
        let affected = Set(changes.modified.map(\.file.relativePath) + changes.removed.map(\.record.path))
        let stored: MinedGlosses
        do {
            guard let glosses = try MinedGlosses.read(from: directory.generationURL(opened.manifest.generation), only: affected) else {
                return try fullBuild(files, scanWarnings: scanWarnings, reason: "the index keeps no mined glosses (built by an earlier version)",
                                     clock: clock, progress: progress)
            }
            stored = glosses
        } catch {
            return try fullBuild(files, scanWarnings: scanWarnings, reason: "its mined glosses cannot be read (\(error))",
                                 clock: clock, progress: progress)
        }
        return try incrementalBuild(files, scanWarnings: scanWarnings, opened: opened, changes: changes, storedAffected: stored,
                                    clock: clock, progress: progress)
    }

    /// Analyses every file into fresh segments of a new generation.
    private func fullBuild(_ files: [CorpusFile], scanWarnings: [CorpusWarning], reason: String, clock: BuildClock,
                           progress: ((BuildProgress) -> Void)?) throws(HashiError) -> BuildSummary {
        let dictionaryMap = try loadDictionaries()
        let background = backgroundLoad(for: files)
        let directory = IndexDirectory(url: index)
        let build: IndexBuild
        do { build = try directory.beginBuild() } catch { throw .index(error) }
        var segments = SegmentSink(directory: build.directory, firstNumber: 1)
        segments.threads = threads
        var outcome = AnalysisOutcome()
        var extraBytes = 0
        var backgroundSummary: BackgroundSummary? = nil
        do {
            // Each document's glosses go to `glosses.mined` as it is added; only the distinct
            // pairs stay in memory, for the concept table.
            let glossWriter = try MinedGlosses.Writer(directory: build.directory)
            var distinct = DistinctGlosses()
            outcome = try analyse(files, into: &segments, vocabularyDocuments: Self.vocabularyDocuments(files),
                                  foldsVocabulary: true, clock: clock, progress: progress) { document, glosses in
                try glossWriter.append(document: document, glosses: glosses)
                distinct.add(glosses)
            }
            let glossBytes = try glossWriter.finish()
            let glosses = distinct.glosses
            distinct = DistinctGlosses()
            let vocabulary = outcome.vocabulary
            outcome.vocabulary = CorpusVocabulary()
            // With more than one thread the concept table is made and written while the last segment is:
            // its terms are looked up in the writer's term set, the earlier segments' on disk.
            var table: PendingConceptTable? = nil
            if threads > 1 {
                let written = segments.written.map(\.name)
                let terms = segments.writer.termSet
                let directory = build.directory
                table = PendingConceptTable { () throws(HashiError) in
                    let (made, summary) = try conceptTable(glosses: glosses, vocabulary: vocabulary,
                                                           dictionaries: dictionaryMap, background: background,
                                                           segments: written, pendingTerms: terms, in: directory)
                    do throws(IndexError) { return (try made.write(to: directory), summary) } catch { throw .index(error) }
                }
            }
            let flushed = Result { () throws(IndexError) in try segments.flush() }
            let made = table?.wait()
            try flushed.get()
            guard !segments.written.isEmpty else {
                build.abandon()
                throw HashiError.emptyCorpus(path: corpus.path, skipped: scanWarnings.count + outcome.warnings.count)
            }
            (extraBytes, backgroundSummary) = try writeConcepts(glosses: glosses, glossBytes: glossBytes, vocabulary: vocabulary,
                                                                dictionaries: dictionaryMap, background: background,
                                                                segments: segments.written.map(\.name), written: made,
                                                                into: build.directory)
            try build.commit(segments: segments.written.map(\.name),
                             metadata: metadata(seconds: clock.elapsed(), inputBytes: outcome.indexedBytes,
                                                skipped: outcome.skipped, touched: []))
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
        return BuildSummary(upToDate: false, reason: reason, documents: written.reduce(0) { $0 + $1.documentCount },
                            passages: written.reduce(0) { $0 + $1.passageCount },
                            terms: written.reduce(0) { $0 + $1.termCount },
                            postings: written.reduce(0) { $0 + $1.postingCount },
                            inputBytes: outcome.indexedBytes, indexBytes: written.reduce(0) { $0 + $1.totalBytes } + extraBytes,
                            seconds: clock.elapsed(), threads: threads, segments: written.count,
                            warnings: scanWarnings + outcome.warnings, background: backgroundSummary)
    }

    /// Brings an index of the same configuration up to date: analyses only the added files and those
    /// whose content changed, marks the documents they replace (and removed files' documents)
    /// deleted, keeps the other segments, and merges where deletions or small segments piled up.
    private func incrementalBuild(_ files: [CorpusFile], scanWarnings: [CorpusWarning],
                                  opened: (manifest: Manifest, segments: [SegmentReader]), changes: CorpusChanges,
                                  storedAffected: MinedGlosses, clock: BuildClock,
                                  progress: ((BuildProgress) -> Void)?) throws(HashiError) -> BuildSummary {
        var done = BuildChanges()
        done.added = changes.added.count
        done.removed = changes.removed.count
        // Modified files: the content hash decides whether they are analysed again.
        var deleted = changes.removed
        var reanalysed = Set(changes.added.map(\.relativePath))
        var kept = Set(changes.unchanged.keys)
        let oldTouched = CorpusChanges.touchedRecords(opened.manifest)
        var touched = files.filter { kept.contains($0.relativePath) && oldTouched[$0.relativePath] != nil }
            .map(CorpusChanges.touchedEntry)
        for (file, location) in changes.modified {
            if file.size == location.record.size, Self.contentHash(of: file) == location.record.contentHash {
                touched.append(CorpusChanges.touchedEntry(file))
                kept.insert(file.relativePath)
                done.touched += 1
            } else {
                deleted.append(location)
                reanalysed.insert(file.relativePath)
                done.changed += 1
            }
        }
        touched.sort()
        let toAnalyse = files.filter { reanalysed.contains($0.relativePath) }
        done.reanalysed = toAnalyse.count

        let dictionaryMap = try loadDictionaries()
        let background = backgroundLoad(for: files)
        let directory = IndexDirectory(url: index)
        let build: IndexBuild
        do { build = try directory.beginBuild() } catch { throw .index(error) }
        // Another build may have committed between opening the index and taking the lock: then
        // the generation these changes were computed against is gone, so start over.
        guard (try? directory.readManifest().generation) == opened.manifest.generation else {
            build.abandon()
            return try self.build(full: false, progress: progress)
        }
        let previous = directory.generationURL(opened.manifest.generation)
        var outcome = AnalysisOutcome()
        var backgroundSummary: BackgroundSummary? = nil
        do {
            var next = 1 + opened.manifest.segments.compactMap(Self.segmentNumber).reduce(0, max)
            var segments = SegmentSink(directory: build.directory, firstNumber: next)
            segments.threads = threads
            outcome = try analyse(toAnalyse, into: &segments, vocabularyDocuments: Self.vocabularyDocuments(files),
                                  clock: clock, progress: progress)
            try segments.flush()
            next += segments.written.count
            done.newSegments = segments.written.count

            var deletions = opened.segments.map(\.deletedDocuments)
            for location in deleted {
                var set = deletions[location.segment] ?? DeletedDocuments(documentCount: opened.segments[location.segment].documentCount)
                set.insert(location.document)
                deletions[location.segment] = set
            }
            let plan = MergePlan(old: opened.segments, deletions: deletions, new: segments.written,
                                 mergeBytes: 2 * memoryBudget)
            var names: [String] = []
            var committedDeletions: [String: Int] = [:]
            for step in plan.steps {
                switch step {
                case .keep(let k):
                    let name = opened.segments[k].name
                    let count = deletions[k]?.count ?? 0
                    try build.adopt(segment: name, from: previous)
                    if let set = deletions[k], count > 0 { try set.write(to: build.directory, segment: name) }
                    names.append(name)
                    if count > 0 { committedDeletions[name] = count }
                    done.keptSegments += 1
                case .keepNew(let name):
                    names.append(name)
                case .merge(let members):
                    var readers: [SegmentReader] = []
                    for member in members {
                        switch member {
                        case .old(let k):
                            let name = opened.segments[k].name
                            try build.adopt(segment: name, from: previous)
                            let count = deletions[k]?.count ?? 0
                            if let set = deletions[k], count > 0 { try set.write(to: build.directory, segment: name) }
                            readers.append(try SegmentReader(directory: build.directory, name: name,
                                                             deletedDocuments: count > 0 ? count : nil))
                        case .new(let name):
                            readers.append(try SegmentReader(directory: build.directory, name: name))
                        }
                    }
                    let name = SegmentSink.name(next)
                    next += 1
                    _ = try SegmentMerger.merge(readers, into: build.directory, name: name)
                    for reader in readers { build.discard(segment: reader.name) }
                    names.append(name)
                    done.mergedSegments += members.count
                case .drop(let member):
                    if case .new(let name) = member { build.discard(segment: name) }
                }
            }
            guard !names.isEmpty else {
                build.abandon()
                throw HashiError.emptyCorpus(path: corpus.path, skipped: scanWarnings.count + outcome.warnings.count + changes.stillSkipped.count)
            }
            done.deletedDocuments = committedDeletions.values.reduce(0, +)

            // The concept table depends on the glosses (in corpus order) and on the vocabulary of
            // the sampled files. When the files analysed or removed now had the same glosses before
            // and the vocabulary's files are the same, unchanged, the previous table is taken as is.
            let vocabularyFiles = Self.vocabularyDocuments(files)
            let glossesUnchanged = reanalysed.union(deleted.map(\.record.path)).allSatisfy {
                (outcome.glosses[$0] ?? []) == (storedAffected.documents[$0] ?? [])
            }
            let vocabularyUnchanged = vocabularyFiles.isDisjoint(with: reanalysed)
                && vocabularyFiles == Self.vocabularyDocuments(Self.previousListing(opened.manifest, opened.segments))
            // Background concepts are kept to the terms the corpus holds, which any analysed or
            // removed file may change: with a background dictionary the table is always remade.
            let usesBackground = background != nil || dictionaryMap.concepts.contains { $0.members.contains { $0.source.tier.isBackground } }
            if glossesUnchanged && vocabularyUnchanged && !usesBackground {
                try build.adopt(file: MinedGlosses.fileName, from: previous)
                try build.adopt(file: ConceptTable.fileName, from: previous)
            } else {
                // The kept documents' glosses are read from the previous file a frame at a time and
                // merged, by path (the file's order, and the corpus'), with those mined now: each
                // goes to the new file and only the distinct pairs stay in memory.
                let fresh = outcome.glosses
                outcome.glosses = [:]
                let freshPaths = fresh.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                let writer = try MinedGlosses.Writer(directory: build.directory)
                var distinct = DistinctGlosses()
                var next = 0
                func emit(_ document: String, _ glosses: [MinedConcept]) throws(IndexError) {
                    try writer.append(document: document, glosses: glosses)
                    distinct.add(glosses)
                }
                let found = try MinedGlosses.forEachDocument(in: previous, where: { kept.contains($0) && fresh[$0] == nil }) {
                    (document, glosses) throws(IndexError) in
                    while next < freshPaths.count && freshPaths[next].utf8.lexicographicallyPrecedes(document.utf8) {
                        try emit(freshPaths[next], fresh[freshPaths[next]] ?? [])
                        next += 1
                    }
                    try emit(document, glosses)
                }
                guard found else { throw IndexError.missingFile(file: previous.appendingPathComponent(MinedGlosses.fileName).path) }
                for path in freshPaths[next...] { try emit(path, fresh[path] ?? []) }
                let glossBytes = try writer.finish()
                // The vocabulary of corpus-wide mining, appended in corpus order as it is read
                // (as a full build folds it, without holding each document's vocabulary): the
                // documents analysed now give theirs, the others are read again (at most about
                // 1 MiB: ``vocabularyBytes``).
                var vocabulary = CorpusVocabulary()
                let reader = minesConcepts
                    ? try DocumentAnalysisWorker(passageLimit: passageLimit, mining: true, vocabularyDocuments: []) : nil
                for file in files {
                    if let words = outcome.vocabularies[file.relativePath] {
                        vocabulary.append(words)
                    } else if let reader, vocabularyFiles.contains(file.relativePath), kept.contains(file.relativePath),
                              let words = reader.vocabulary(of: file) {
                        vocabulary.append(words)
                    }
                }
                outcome.vocabularies = [:]
                // The segments as they will be committed (kept ones are linked in already).
                (_, backgroundSummary) = try writeConcepts(glosses: distinct.glosses, glossBytes: glossBytes,
                                                           vocabulary: vocabulary,
                                                           dictionaries: dictionaryMap,
                                                           background: background, segments: names, into: build.directory)
            }
            let oldInput = Int(opened.manifest.metadata[ManifestKey.inputBytes] ?? "") ?? 0
            let inputBytes = max(0, oldInput - deleted.reduce(0) { $0 + Int($1.record.size) }) + outcome.indexedBytes
            try build.commit(segments: names, deletions: committedDeletions,
                             metadata: metadata(seconds: clock.elapsed(), inputBytes: inputBytes,
                                                skipped: changes.stillSkipped + outcome.skipped, touched: touched))
        } catch let error as HashiError {
            throw error
        } catch let error as IndexError {
            build.abandon()
            throw .index(error)
        } catch let error as ICUError {
            build.abandon()
            throw .icu(error)
        } catch {
            build.abandon()
            throw .index(.invalidInput(String(describing: error)))
        }
        let statistics: IndexStatistics
        do { statistics = try IndexStatistics(index: index) } catch { throw .index(error) }
        var summary = BuildSummary(upToDate: false, reason: changes.firstDifference ?? "the corpus changed",
                                   documents: statistics.documents, passages: statistics.passages, terms: statistics.terms,
                                   postings: statistics.postings, inputBytes: statistics.inputBytes,
                                   indexBytes: statistics.indexBytes, seconds: clock.elapsed(), threads: threads,
                                   segments: statistics.segments, warnings: scanWarnings + outcome.warnings)
        summary.incremental = true
        summary.changes = done
        summary.background = backgroundSummary
        return summary
    }

    /// What analysing a list of files produced besides the segments.
    private struct AnalysisOutcome {
        var indexedBytes = 0
        var warnings: [CorpusWarning] = []
        /// Skipped-file entries (``IndexBuilder/skippedEntry(_:)``).
        var skipped: [String] = []
        /// Glosses mined per document.
        var glosses: [String: [MinedConcept]] = [:]
        /// Vocabulary of each document chosen for corpus-wide mining (when not folded).
        var vocabularies: [String: CorpusVocabulary] = [:]
        /// Vocabulary of the documents chosen for corpus-wide mining, appended in corpus order
        /// (when folded).
        var vocabulary = CorpusVocabulary()
    }

    /// Analyses `files` on the worker threads and adds them, in order, to `segments` (flushing a
    /// segment whenever it outgrows the memory budget). With `foldsVocabulary` each document's
    /// vocabulary is appended to the outcome's one as the document is added (in corpus order, the
    /// order corpus-wide mining reads the vocabulary in, without holding every document's words
    /// until the end); otherwise they are kept per document.
    private func analyse(_ files: [CorpusFile], into segments: inout SegmentSink, vocabularyDocuments: Set<String>,
                         foldsVocabulary: Bool = false, clock: BuildClock, progress: ((BuildProgress) -> Void)?,
                         streamingGlosses: ((_ document: String, _ glosses: [MinedConcept]) throws -> Void)? = nil) throws -> AnalysisOutcome {
        var outcome = AnalysisOutcome()
        guard !files.isEmpty else { return outcome }
        let totalBytes = files.reduce(0) { $0 + Int($1.size) }
        // A corpus small enough to fit one segment of twice the default budget gets one segment
        // (searching one is faster); larger corpora keep the budget, which bounds memory.
        let budget = memoryBudget == Self.defaultMemoryBudget && totalBytes <= Self.singleSegmentCorpusBytes
            ? 2 * memoryBudget : memoryBudget
        segments.budget = budget
        var bytesDone = 0
        let workers = try makeWorkers(vocabularyDocuments: vocabularyDocuments)
        // This thread's own worker: once it has added a batch it helps analyse the next one.
        let helper = threads > 1 ? try makeWorkers(vocabularyDocuments: vocabularyDocuments, count: 1).first : nil
        // Two-stage pipeline: while this thread adds batch k to the segment, the workers analyse
        // batch k + 1 (and this thread joins them when it is done adding).
        let batches = Self.batches(of: files)
        var pending = batches.first.map { startAnalysis(of: Array(files[$0]), workers: workers) }
        if let helper, let pending { pending.help(with: helper) }
        for (k, batch) in batches.enumerated() {
            guard let current = pending else { break }
            let results = current.wait()
            pending = k + 1 < batches.count ? startAnalysis(of: Array(files[batches[k + 1]]), workers: workers) : nil
            for (file, result) in zip(files[batch], results) {
                switch result {
                case .success(let document):
                    add(document, to: &segments.writer)
                    outcome.indexedBytes += document.byteCount
                    if let streamingGlosses {
                        try streamingGlosses(file.relativePath, document.glosses)
                    } else if !document.glosses.isEmpty {
                        outcome.glosses[file.relativePath] = document.glosses
                    }
                    if let words = document.vocabulary {
                        if foldsVocabulary { outcome.vocabulary.append(words) } else { outcome.vocabularies[file.relativePath] = words }
                    }
                    // Bounded memory: a full segment goes to disk and a new one starts.
                    if segments.writer.estimatedMemoryBytes > budget { try segments.flush() }
                case .failure(let warning):
                    outcome.warnings.append(warning)
                    outcome.skipped.append(Self.skippedEntry(file))
                }
            }
            bytesDone += files[batch].reduce(0) { $0 + Int($1.size) }
            SegmentSink.releaseFreedMemory()
            if let helper, let pending { pending.help(with: helper) }
            progress?(BuildProgress(filesDone: batch.upperBound, filesTotal: files.count, bytesDone: bytesDone,
                                    bytesTotal: totalBytes, elapsed: clock.elapsed()))
        }
        return outcome
    }

    /// Writes the concept table into `directory` (the mined glosses file, `glossBytes` long, is
    /// written already); returns the bytes of both. `glosses` are the distinct mined pairs in
    /// corpus order (``DistinctGlosses``), so an incremental build gives the same concept table as
    /// a full build of the same corpus. `written` is the table's bytes and summary when it was made
    /// and written already, on another thread.
    private func writeConcepts(glosses: [MinedConcept], glossBytes: Int, vocabulary: CorpusVocabulary,
                               dictionaries: (concepts: [Concept], fallbackTokens: CorpusPresence.FallbackTokens),
                               background: BackgroundLoad?, segments: [String],
                               written: Result<(Int, BackgroundSummary), HashiError>? = nil,
                               into directory: URL) throws(HashiError) -> (Int, BackgroundSummary) {
        do {
            if let written {
                let (tableBytes, summary) = try written.get()
                return (glossBytes + tableBytes, summary)
            }
            let (table, summary) = try conceptTable(glosses: glosses, vocabulary: vocabulary,
                                                    dictionaries: dictionaries, background: background,
                                                    segments: segments, pendingTerms: nil, in: directory)
            return (try glossBytes + table.write(to: directory), summary)
        } catch let error as HashiError {
            throw error
        } catch let error as IndexError {
            throw .index(error)
        } catch {
            throw .index(.invalidInput("\(error)"))
        }
    }

    /// The concept table of a build whose segments are `segments` (in `directory`) plus, when given,
    /// one not written yet whose terms are `pendingTerms`.
    private func conceptTable(glosses: [MinedConcept], vocabulary: CorpusVocabulary,
                              dictionaries: (concepts: [Concept], fallbackTokens: CorpusPresence.FallbackTokens),
                              background: BackgroundLoad?, segments: [String], pendingTerms: SegmentTermSet?,
                              in directory: URL) throws(HashiError) -> (ConceptTable, BackgroundSummary) {
        var readers: [SegmentReader] = []
        do {
            for name in segments {
                let reader = try SegmentReader(directory: directory, name: name)
                reader.releaseResidentPages()
                readers.append(reader)
            }
        } catch {
            throw .index(error)
        }
        return try conceptTable(dictionaries: dictionaries, glosses: glosses, vocabulary: vocabulary,
                                background: background, segments: readers, pendingTerms: pendingTerms)
    }

    /// The manifest metadata of a build.
    private func metadata(seconds: Double, inputBytes: Int, skipped: [String], touched: [String]) -> [String: String] {
        var metadata = [
            ManifestKey.concepts: conceptConfiguration(),
            ManifestKey.analyzer: Analyzer.version,
            ManifestKey.passageLimit: String(passageLimit),
            ManifestKey.corpus: corpus.path,
            ManifestKey.buildSeconds: String(format: "%.3f", seconds),
            ManifestKey.inputBytes: String(inputBytes),
            ManifestKey.skipped: skipped.sorted().joined(separator: "\n"),
        ]
        if !touched.isEmpty { metadata[ManifestKey.touched] = touched.joined(separator: "\n") }
        return metadata
    }

    /// Makes glibc's malloc give large buffers back to the system when they are freed.
    ///
    /// A build allocates and frees buffers of many megabytes (segment tables that grow by doubling,
    /// analysed batches). glibc raises its mmap threshold each time such a buffer is freed, so later
    /// ones come from the heap, where freed space is kept and fragmented: peak memory then grows with
    /// the corpus (measured: about 30 MB more at the flush of each segment). A fixed 1 MiB threshold
    /// (which also stops the adjustment) and at most two malloc arenas per core keep the footprint
    /// to what is live. Process-wide, once; harmless for the rest of a process.
    static func tuneMalloc() {
        #if canImport(Glibc)
        mallocTuning.run()
        #endif
    }

    /// The number in a segment name `seg-NNNNNN`.
    static func segmentNumber(_ name: String) -> Int? {
        name.hasPrefix("seg-") ? Int(name.dropFirst(4)) : nil
    }

    /// The content hash of `file` as the document table records it; nil when it cannot be read.
    static func contentHash(of file: CorpusFile) -> UInt64? {
        guard let data = try? Data(contentsOf: file.url) else { return nil }
        return ContentHash.of([UInt8](data))
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

    /// How much input feeds corpus-wide loanword and abbreviation mining (see
    /// ``vocabularyDocuments(_:)``). Glosses are mined from every file.
    public static let vocabularyBytes = 1 << 20

    static func vocabularyDocuments(_ files: [CorpusFile]) -> Set<String> {
        vocabularyDocuments(files.map { (path: $0.relativePath, size: $0.size) })
    }

    /// The documents chosen for corpus-wide mining: files in the order of a fixed hash of their
    /// paths (FNV-1a), each that still fits in ``vocabularyBytes``.
    ///
    /// A hash order spreads the sample over every folder: the first files by path would be one
    /// folder's, and a corpus laid out as `en/` and `ja/` gave only English words, so no loanword
    /// could be paired with its source word. It is also stable: adding or removing a file changes the
    /// sample by that file and those it displaces, and the thread count changes nothing.
    package static func vocabularyDocuments(_ files: [(path: String, size: UInt64)]) -> Set<String> {
        let ranked = files.map { (rank: ContentHash.of(Array($0.path.utf8)), file: $0) }
            .sorted { $0.rank != $1.rank ? $0.rank < $1.rank : $0.file.path.utf8.lexicographicallyPrecedes($1.file.path.utf8) }
        var chosen: Set<String> = []
        var bytes = 0
        for (_, file) in ranked where bytes + Int(file.size) <= vocabularyBytes || chosen.isEmpty {
            chosen.insert(file.path)
            bytes += Int(file.size)
        }
        return chosen
    }

    /// The corpus listing the build of `manifest` saw, by path and size, sorted as the scanner
    /// sorts: its live documents and the files it skipped.
    static func previousListing(_ manifest: Manifest, _ segments: [SegmentReader]) -> [(path: String, size: UInt64)] {
        var listing: [(path: String, size: UInt64)] = []
        for segment in segments {
            for id in 0..<UInt32(segment.documentCount) where !segment.isDeleted(document: id) {
                if let record = segment.document(id) { listing.append((record.path, record.size)) }
            }
        }
        for entry in (manifest.metadata[ManifestKey.skipped] ?? "").split(separator: "\n") {
            let fields = entry.split(separator: "\t", omittingEmptySubsequences: false)
            if fields.count == 3, let size = UInt64(fields[1]) { listing.append((String(fields[0]), size)) }
        }
        return listing.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    private func makeWorkers(vocabularyDocuments: Set<String>, count: Int? = nil) throws(HashiError) -> [WorkerBox] {
        var workers: [WorkerBox] = []
        for _ in 0..<(count ?? max(1, threads - 1)) {
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
        let pending = PendingAnalysis(files: files)
        let next = pending.next
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
        for (k, passage) in document.passages.enumerated() {
            writer.addPassage(document: id, ordinal: passage.ordinal, line: passage.line,
                              startOffset: UInt64(passage.byteRange.lowerBound),
                              endOffset: UInt64(passage.byteRange.upperBound), text: passage.text,
                              postings: document.postings, passage: k)
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
    /// The memory budget of the segment being filled: its postings pool is reserved at the part of
    /// the budget postings take (about 60%), so it never grows by doubling within the budget.
    var budget = 0 {
        didSet { if writer.documentCount == 0 { writer = SegmentWriter(postingsCapacity: Self.postingsShare(budget)) } }
    }

    /// Threads that encode a segment's postings when it is written.
    var threads = 1

    /// The part of a segment's memory budget reserved for postings.
    static func postingsShare(_ budget: Int) -> Int { budget / 5 * 3 }
    private(set) var written: [SegmentSummary] = []

    /// The number of the first segment written (`seg-000001` for 1).
    let firstNumber: Int

    init(directory: URL, firstNumber: Int) {
        self.directory = directory
        self.firstNumber = firstNumber
    }

    /// The name of segment number `number`: `seg-` and at least six digits.
    static func name(_ number: Int) -> String { "seg-" + String(format: "%06d", number) }

    /// Writes the current segment (if it holds anything) and starts a new one.
    mutating func flush() throws(IndexError) {
        guard writer.documentCount > 0 else { return }
        let name = Self.name(firstNumber + written.count)
        written.append(try writer.write(to: directory, name: name, threads: threads))
        writer = SegmentWriter()  // the full writer is freed before the next one reserves its pool
        writer = SegmentWriter(postingsCapacity: Self.postingsShare(budget))
        Self.releaseFreedMemory()
    }

    /// Hands freed memory back to the system: glibc keeps it in per-thread arenas otherwise (the
    /// analysis threads free each batch's documents in theirs), and the build's footprint would
    /// hold the high-water mark of every arena.
    static func releaseFreedMemory() {
        #if canImport(Glibc)
        _ = systemMallocTrim(0)
        #endif
    }
}

#if canImport(Glibc)
/// glibc's `malloc_trim` (declared in <malloc.h>, which Swift's Glibc module does not import).
@_silgen_name("malloc_trim")
private func systemMallocTrim(_ pad: Int) -> Int32

/// glibc's `mallopt` (declared in <malloc.h>).
@_silgen_name("mallopt")
private func systemMallopt(_ parameter: Int32, _ value: Int32) -> Int32

/// Runs the malloc tuning of ``IndexBuilder/tuneMalloc()`` once per process.
private let mallocTuning = OnceTuning {
    let mmapThreshold: Int32 = -3, arenaMax: Int32 = -8  // M_MMAP_THRESHOLD, M_ARENA_MAX in <malloc.h>
    _ = systemMallopt(mmapThreshold, 1 << 20)
    _ = systemMallopt(arenaMax, Int32(2 * max(1, ProcessInfo.processInfo.activeProcessorCount)))
}
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
    /// Indexed files whose modification time (and possibly size) changed while their content hash
    /// did not, one per line as `path<TAB>size<TAB>mtime`: what the file is now, so it does not
    /// look changed (its document record keeps the values of the build that analysed it).
    static let touched = "touched"
}

/// A concept table being made and written on its own thread: its bytes and what the background
/// dictionaries contributed.
private final class PendingConceptTable: @unchecked Sendable {
    private var result: Result<(Int, BackgroundSummary), HashiError>?
    private let done = DispatchSemaphore(value: 0)

    init(_ make: @escaping () throws(HashiError) -> (Int, BackgroundSummary)) {
        let box = UncheckedBox(make)
        Thread.detachNewThread { [self] in
            result = Result { () throws(HashiError) in try box.value() }
            done.signal()
        }
    }

    /// Waits for the table (or the error making it).
    func wait() -> Result<(Int, BackgroundSummary), HashiError> {
        done.wait()
        done.signal()
        return result ?? .failure(.concepts("the concept table was not made"))
    }
}

/// Hands a value to another thread that alone uses it from then on.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
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
    /// The batch's files, handed out one at a time by `next`.
    let files: [CorpusFile]
    let next = NextIndex()

    init(files: [CorpusFile]) {
        self.files = files
        storage = Array(repeating: nil, count: files.count)
    }

    /// Analyses files of the batch not yet taken by another thread, on the calling thread, until
    /// none is left (the background workers may still be finishing theirs: ``wait()`` waits).
    func help(with worker: WorkerBox) {
        while let i = next.take(below: files.count) {
            set(i, worker.worker.analyze(files[i]))
        }
    }

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
