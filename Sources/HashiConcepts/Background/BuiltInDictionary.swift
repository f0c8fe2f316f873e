import Foundation
import HashiAnalysis

/// The built-in background dictionary: SudachiDict's synonyms, shipped in this module's resource
/// bundle, parsed and analyzed once per process on first use.
public enum BuiltInDictionary {
    /// The resource folder inside the bundle and the data file in it.
    static let folder = "SudachiDict"
    static let fileName = "synonyms.txt"
    /// The environment variable that points at a `synonyms.txt` elsewhere (for installs that moved
    /// the binary away from its resource bundle).
    public static let environmentVariable = "HASHI_BACKGROUND_DICTIONARY"

    /// The loaded dictionary: its concepts, where it was read from and how long loading took.
    public struct Loaded: Sendable {
        /// Every concept of the dictionary, one per group, in file order.
        public var concepts: [Concept]
        /// The tokens ``CorpusPresence`` needs for its bigram test, aligned with the concepts' members.
        public var fallbackTokens: CorpusPresence.FallbackTokens
        /// The file it was read from.
        public var path: String
        /// Seconds spent reading, parsing and analyzing it.
        public var seconds: Double
        /// The lines that were entries (blank lines excluded).
        public var entries: Int
    }

    /// The loaded dictionary, held only as long as someone holds the lease (see ``lease()``).
    public final class Lease: Sendable {
        /// The dictionary.
        public let loaded: Loaded

        init(_ loaded: Loaded) { self.loaded = loaded }
    }

    static let cache = Cache()

    /// The dictionary, loaded on first use and kept for the life of the process (later calls return
    /// the same value).
    /// - Throws: ``BackgroundDictionaryError`` when the data is missing or damaged.
    public static func load() throws(BackgroundDictionaryError) -> Loaded {
        try cache.value { () throws(BackgroundDictionaryError) in try read(from: try locate()) }
    }

    /// The dictionary, shared by every holder of a lease at the same time and released when the last
    /// lease is (unless ``load()`` keeps it for the process already): what a build uses, so that a
    /// process does not keep tens of megabytes of dictionary after its builds are done.
    /// - Throws: ``BackgroundDictionaryError`` when the data is missing or damaged (not kept: a
    ///   later lease tries again).
    public static func lease() throws(BackgroundDictionaryError) -> Lease {
        try cache.lease { () throws(BackgroundDictionaryError) in try read(from: try locate()) }
    }

    /// Reads, parses and analyzes a `synonyms.txt` at `path` (uncached).
    /// - Throws: ``BackgroundDictionaryError``.
    public static func read(from path: String) throws(BackgroundDictionaryError) -> Loaded {
        let start = DispatchTime.now().uptimeNanoseconds
        guard let bytes = fileContents(path) else { throw .unreadable(file: path) }
        let analyzer: Analyzer
        do { analyzer = try Analyzer() } catch { throw .icu(error.description) }
        let (concepts, fallbackTokens, entries) = try SudachiSynonyms.analyzedConcepts(bytes: bytes, file: path, using: analyzer)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Loaded(concepts: concepts, fallbackTokens: fallbackTokens, path: path, seconds: seconds, entries: entries)
    }

    /// Where the data is: the environment variable's file, else the resource bundle beside the
    /// executable (as SwiftPM lays it out for `swift build`, `swift test` and installs that keep the
    /// bundle next to the binary), else this source tree (for development builds).
    /// - Throws: ``BackgroundDictionaryError/missing(searched:)`` naming every place tried.
    public static func locate() throws(BackgroundDictionaryError) -> String {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment[environmentVariable], !explicit.isEmpty {
            candidates.append(explicit)
        }
        let bundleName = "Hashi_HashiConcepts.resources"
        var directories: [URL] = [Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL { directories.append(executable.deletingLastPathComponent()) }
        let resolved = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        directories.append(resolved.deletingLastPathComponent())
        for directory in directories {
            candidates.append(directory.appendingPathComponent(bundleName).appendingPathComponent(folder)
                .appendingPathComponent(fileName).path)
            // Some layouts (Darwin bundles) keep resources under Contents/Resources.
            candidates.append(directory.appendingPathComponent(bundleName).appendingPathComponent("Contents/Resources")
                .appendingPathComponent(folder).appendingPathComponent(fileName).path)
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources").appendingPathComponent(folder).appendingPathComponent(fileName)
        candidates.append(source.path)
        var seen: Set<String> = []
        let unique = candidates.filter { seen.insert($0).inserted }
        if let found = unique.first(where: { FileManager.default.isReadableFile(atPath: $0) }) { return found }
        throw .missing(searched: unique)
    }

    /// A load-once cell (results, errors included, are kept: a missing file stays missing), and the
    /// lease currently held, if any (weakly: it goes when its last holder lets it go).
    final class Cache: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<Loaded, BackgroundDictionaryError>?
        private weak var leased: Lease?

        func lease(_ make: () throws(BackgroundDictionaryError) -> Loaded) throws(BackgroundDictionaryError) -> Lease {
            lock.lock()
            defer { lock.unlock() }
            if let leased { return leased }
            let made: Lease
            if case .success(let loaded) = result { made = Lease(loaded) } else { made = Lease(try make()) }
            leased = made
            return made
        }

        func value(_ make: () throws(BackgroundDictionaryError) -> Loaded) throws(BackgroundDictionaryError) -> Loaded {
            lock.lock()
            defer { lock.unlock() }
            if result == nil {
                if let leased {
                    result = .success(leased.loaded)
                } else {
                    do { result = .success(try make()) } catch { result = .failure(error) }
                }
            }
            switch result {
            case .success(let loaded): return loaded
            case .failure(let error): throw error
            case nil: throw .missing(searched: [])
            }
        }
    }
}

/// The bytes of the file at `path`, read straight into an array (not a `Data` and a copy of it,
/// which held the 2.9 MB file twice while it was parsed); nil when it cannot be read.
private func fileContents(_ path: String) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, status.st_size >= 0 else { return nil }
    let size = Int(status.st_size)
    guard size > 0 else { return [] }
    var failed = false
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        while count < size {
            guard let base = buffer.baseAddress else { break }
            let got = read(descriptor, base + count, size - count)
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { failed = got < 0; break }
            count += got
        }
    }
    return failed ? nil : bytes
}
