import Foundation
import HashiAnalysis
import HashiConcepts
import HashiIndex

/// The built-in background dictionary, loaded on its own thread while the corpus is indexed (it takes
/// a few hundred milliseconds, which would otherwise add to every build), and held only until the
/// build has taken what it needs (``release()``).
final class BackgroundLoad: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: Result<BuiltInDictionary.Lease, BackgroundDictionaryError>?

    /// Starts loading on a thread of its own; with `startsNow` false, the dictionary is loaded
    /// only when first waited for, by the waiting thread.
    init(startsNow: Bool = true) {
        guard startsNow else {
            done.signal()
            return
        }
        Thread.detachNewThread { [self] in
            let leased = Result { () throws(BackgroundDictionaryError) in try BuiltInDictionary.lease() }
            lock.withLock { result = leased }
            done.signal()
        }
    }

    /// Waits for the dictionary (after ``release()``, loads it again).
    /// - Throws: ``HashiError/concepts(_:)`` naming what is missing or damaged.
    func wait() throws(HashiError) -> BuiltInDictionary.Loaded {
        done.wait()
        done.signal()
        let current = lock.withLock {
            if result == nil { result = Result { () throws(BackgroundDictionaryError) in try BuiltInDictionary.lease() } }
            return result
        }
        switch current {
        case .success(let lease): return lease.loaded
        case .failure(let error): throw .concepts(error.description)
        case nil: throw .concepts("the built-in background dictionary did not load")
        }
    }

    /// Lets the dictionary go: freed unless another build or ``BuiltInDictionary/load()`` holds it.
    func release() {
        done.wait()
        done.signal()
        lock.withLock { result = nil }
    }
}

/// What the background dictionaries contributed to a build.
public struct BackgroundSummary: Sendable, Codable, Equatable {
    /// The built-in dictionary's name and release, nil when it was turned off.
    public var builtIn: String?
    /// Concepts of the built-in dictionary, and those kept because a member occurs in the corpus.
    public var builtInConcepts: Int
    /// Concepts of the built-in dictionary stored in the index.
    public var builtInKept: Int
    /// Concepts of imported background dictionaries, and those kept.
    public var importedConcepts: Int
    /// Imported background concepts stored in the index.
    public var importedKept: Int
    /// Seconds loading the built-in dictionary took (read, parse, analyze), when it was loaded.
    public var loadSeconds: Double?
    /// Seconds spent keeping background concepts to those present in the corpus (nil in the
    /// index's concept table, which holds no timings so that builds are byte-identical).
    public var filterSeconds: Double?
}

extension IndexBuilder {
    /// The built-in background dictionary's identity, recorded in the manifest's concept settings.
    static let builtInIdentity = "\(SudachiSynonyms.name) \(SudachiSynonyms.release)"

    /// The built-in dictionary's concepts with a member present (`exists`), its counts and load time
    /// noted in `summary`.
    private static func presentConcepts(of background: BackgroundLoad, using analyzer: Analyzer,
                                        summary: inout BackgroundSummary,
                                        presentWhere exists: (Token.Stream, String) -> Bool) throws -> [Concept] {
        let loaded = try background.wait()
        let kept = try CorpusPresence.concepts(of: loaded.concepts, using: analyzer, fallbackTokens: loaded.fallbackTokens,
                                               presentWhere: exists)
        summary.builtIn = builtInIdentity
        summary.builtInConcepts = loaded.concepts.count
        summary.builtInKept = kept.count
        summary.loadSeconds = loaded.seconds
        return kept
    }

    /// The concept table: curated dictionaries, mined pairs above the threshold, and the
    /// background dictionaries (built-in and imported) kept to concepts with a member in the
    /// corpus (`segments` are the build's segments, read for which terms occur, and `pendingTerms`
    /// those of one not written yet); and what the
    /// background dictionaries contributed, with timings.
    /// How many background term look-ups the filter makes between releases of the segments'
    /// resident pages.
    static let lookupsBetweenPageReleases = 1_024

    func conceptTable(dictionaries: (concepts: [Concept], fallbackTokens: CorpusPresence.FallbackTokens),
                      glosses: [MinedConcept], vocabulary: CorpusVocabulary,
                      background: BackgroundLoad?, segments: [SegmentReader],
                      pendingTerms: SegmentTermSet? = nil) throws(HashiError) -> (ConceptTable, BackgroundSummary) {
        // Curated concepts go in whole; imported background ones only when present.
        var curated: [Concept] = []
        var imported: [Concept] = []
        var importedTokens: CorpusPresence.FallbackTokens = []
        for (k, concept) in dictionaries.concepts.enumerated() {
            if concept.members.allSatisfy({ $0.source.tier == .imported }) {
                imported.append(concept)
                importedTokens.append(concept: k, of: dictionaries.fallbackTokens)
            } else {
                curated.append(concept)
            }
        }
        var map = ConceptMap(curated)
        var mined: [MinedConcept] = []
        if minesConcepts {
            do {
                let miner = try ConceptMiner()
                mined = ConceptMiner.demotingRemarks(glosses) + (try miner.pairs(in: vocabulary))
                map = map.merged(with: try miner.conceptMap(from: mined, minimumConfidence: miningThreshold))
            } catch {
                throw .index(.invalidInput("concept mining failed: \(error)"))
            }
        }
        let analyzer: Analyzer
        do { analyzer = try Analyzer() } catch { throw .icu(error) }
        // Background members share many terms: each is looked up once.
        var known: [[String: Bool]] = [[:], [:], [:]]
        var lookups = 0
        func exists(_ stream: Token.Stream, _ term: String) -> Bool {
            let field = IndexField(stream).rawValue
            if let answer = known[Int(field)][term] { return answer }
            // Tens of thousands of look-ups touch most of every segment's term dictionary: with
            // many segments (a large corpus) the mapped pages would add up in resident memory.
            lookups += 1
            if segments.count > 1 && lookups % Self.lookupsBetweenPageReleases == 0 {
                for segment in segments { segment.releaseResidentPages() }
            }
            let answer = pendingTerms?.contains(field: field, term: term) == true
                || segments.contains { $0.termInfo(field: field, term: term) != nil }
            known[Int(field)][term] = answer
            return answer
        }
        let filterStart = DispatchTime.now().uptimeNanoseconds
        var summary = BackgroundSummary(builtIn: nil, builtInConcepts: 0, builtInKept: 0, importedConcepts: imported.count,
                                        importedKept: 0, loadSeconds: nil, filterSeconds: 0)
        do {
            if !imported.isEmpty {
                let kept = try CorpusPresence.concepts(of: imported, using: analyzer, fallbackTokens: importedTokens,
                                                       presentWhere: exists)
                // The same entry repeated (a dictionary listing one sense twice, or concatenated
                // files) is stored once, from its first line, not with one membership per copy.
                var seen: Set<[String]> = []
                let distinct = kept.filter { concept in
                    seen.insert(concept.members.map { "\($0.role.rawValue) \($0.key.description)" }.sorted()).inserted
                }
                summary.importedKept = distinct.count
                map = map.merged(with: ConceptMap(distinct))
            }
            if let background {
                let kept = try Self.presentConcepts(of: background, using: analyzer, summary: &summary, presentWhere: exists)
                // The dictionary is not needed any more: it goes before the maps are merged.
                background.release()
                map = map.merged(with: kept)
            }
        } catch let error as HashiError {
            throw error
        } catch let error as ICUError {
            throw .icu(error)
        } catch {
            throw .concepts("background concepts: \(error)")
        }
        summary.filterSeconds = Double(DispatchTime.now().uptimeNanoseconds - filterStart) / 1e9
        // Keep the review list to what is worth reviewing: the most confident pairs, at most a
        // bounded number (a large corpus yields many weak sound-alikes).
        let reviewable = mined.filter { $0.confidence >= miningThreshold * 0.75 }
            .sorted { $0.confidence > $1.confidence }.prefix(Self.maximumMinedPairsKept)
        var table = ConceptTable(map: map, mined: Array(reviewable), dictionaries: dictionaryFiles.map(\.path),
                                 threshold: miningThreshold)
        var stored = summary
        stored.loadSeconds = nil
        stored.filterSeconds = nil
        table.background = stored
        return (table, summary)
    }
}
