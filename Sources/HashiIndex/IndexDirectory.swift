import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The committed state of an index directory, stored in `MANIFEST`.
///
/// `MANIFEST` is UTF-8 text, one record per line (see `Index/FORMAT.md`):
///
///     hashi-manifest 1
///     format 2
///     generation 7
///     directory gen-000007
///     segment seg-000000
///     meta analyzer=hashi-analysis%3D3
///     crc 1a2b3c4d
///
/// The `crc` line holds the CRC-32C (8 lowercase hex digits) of every byte
/// before it.
public struct Manifest: Sendable, Hashable {
    /// Index format version of the segments.
    public var formatVersion: UInt32
    /// Generation number (increases by one per commit).
    public var generation: UInt64
    /// Names of the segments of this generation, in order.
    public var segments: [String]
    /// Caller metadata, e.g. `analyzer`, `corpus`, `built`.
    public var metadata: [String: String]
    /// Segments with deleted documents → how many: each has a deletion file `S.del` in the
    /// generation directory (written by an incremental build).
    public var deletions: [String: Int]

    /// Creates a manifest.
    public init(formatVersion: UInt32 = IndexFormat.version, generation: UInt64, segments: [String],
                deletions: [String: Int] = [:], metadata: [String: String]) {
        self.formatVersion = formatVersion
        self.generation = generation
        self.segments = segments
        self.deletions = deletions
        self.metadata = metadata
    }

    /// Name of the generation directory, e.g. `gen-000007`.
    public var directoryName: String { IndexDirectory.generationName(generation) }

    /// The manifest text (deterministic: metadata sorted by key).
    public func encoded() -> [UInt8] {
        var text = "hashi-manifest 1\nformat \(formatVersion)\ngeneration \(generation)\ndirectory \(directoryName)\n"
        for s in segments { text += "segment \(s)\n" }
        for s in segments { if let n = deletions[s], n > 0 { text += "deletions \(s) \(n)\n" } }
        for key in metadata.keys.sorted() {
            text += "meta \(Self.escape(key))=\(Self.escape(metadata[key] ?? ""))\n"
        }
        var bytes = Array(text.utf8)
        let crc = CRC32C.checksum(bytes)
        bytes.append(contentsOf: Array("crc \(hex32(crc))\n".utf8))
        return bytes
    }

    /// Parses manifest text; `file` names the file in errors.
    public static func decode(_ bytes: [UInt8], file: String) throws(IndexError) -> Manifest {
        try decode(bytes, file: file, anyFormat: false)
    }

    /// `decode`, optionally accepting any format version (a rebuild only needs
    /// the generation of an index written by another format version).
    static func decode(_ bytes: [UInt8], file: String, anyFormat: Bool) throws(IndexError) -> Manifest {
        // Locate the final "crc " line.
        var end = bytes.count
        if end > 0 && bytes[end - 1] == 10 { end -= 1 }
        var lineStart = end
        while lineStart > 0 && bytes[lineStart - 1] != 10 { lineStart -= 1 }
        let crcLine = String(decoding: bytes[lineStart..<end], as: UTF8.self)
        guard crcLine.hasPrefix("crc "), let stored = UInt32(crcLine.dropFirst(4), radix: 16) else {
            throw .corrupted(file: file, offset: lineStart, reason: "MANIFEST has no final crc line (interrupted write?)")
        }
        let actual = CRC32C.checksum(bytes[0..<lineStart])
        guard stored == actual else {
            throw .corrupted(file: file, offset: lineStart, reason: "MANIFEST CRC32C mismatch (stored \(hex32(stored)), computed \(hex32(actual)))")
        }
        var manifest = Manifest(generation: 0, segments: [], metadata: [:])
        var sawFormat = false, sawGeneration = false
        var offset = 0
        let lines = bytes[0..<lineStart].split(separator: 10, omittingEmptySubsequences: false)
        for (i, raw) in lines.enumerated() {
            defer { offset += raw.count + 1 }
            if i == lines.count - 1 && raw.isEmpty { break }
            let line = String(decoding: raw, as: UTF8.self)
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            let keyword = parts.first.map(String.init) ?? ""
            let value = parts.count > 1 ? String(parts[1]) : ""
            if i == 0 {
                guard line == "hashi-manifest 1" else {
                    throw .corrupted(file: file, offset: 0, reason: "not a hashi MANIFEST (first line is not `hashi-manifest 1`)")
                }
                continue
            }
            switch keyword {
            case "format":
                guard let v = UInt32(value) else { throw .corrupted(file: file, offset: offset, reason: "bad format line") }
                guard v == IndexFormat.version || anyFormat else {
                    throw .versionMismatch(file: file, found: v, supported: IndexFormat.version)
                }
                manifest.formatVersion = v
                sawFormat = true
            case "generation":
                guard let g = UInt64(value) else { throw .corrupted(file: file, offset: offset, reason: "bad generation line") }
                manifest.generation = g
                sawGeneration = true
            case "directory":
                break  // Derived from the generation; kept for people reading the file.
            case "segment":
                guard IndexDirectory.isValidName(value) else {
                    throw .corrupted(file: file, offset: offset, reason: "bad segment name")
                }
                manifest.segments.append(value)
            case "deletions":
                let fields = value.split(separator: " ", omittingEmptySubsequences: false)
                guard fields.count == 2, IndexDirectory.isValidName(String(fields[0])), let n = Int(fields[1]), n > 0,
                      manifest.deletions[String(fields[0])] == nil else {
                    throw .corrupted(file: file, offset: offset, reason: "bad deletions line (expected `deletions SEGMENT COUNT`)")
                }
                manifest.deletions[String(fields[0])] = n
            case "meta":
                guard let eq = value.firstIndex(of: "="),
                      let k = unescape(String(value[..<eq])),
                      let v = unescape(String(value[value.index(after: eq)...])) else {
                    throw .corrupted(file: file, offset: offset, reason: "bad meta line")
                }
                manifest.metadata[k] = v
            default:
                throw .corrupted(file: file, offset: offset, reason: "unknown MANIFEST line `\(keyword)`")
            }
        }
        guard sawFormat, sawGeneration else {
            throw .corrupted(file: file, offset: 0, reason: "MANIFEST lacks a format or generation line")
        }
        if let stray = manifest.deletions.keys.sorted().first(where: { !manifest.segments.contains($0) }) {
            throw .corrupted(file: file, offset: 0, reason: "MANIFEST lists deletions of `\(stray)`, which is not one of its segments")
        }
        return manifest
    }

    /// Percent-escapes `%`, `=`, and control characters (so keys/values stay on one line).
    static func escape(_ s: String) -> String {
        // Rebuild with raw bytes so multi-byte UTF-8 sequences are preserved.
        var bytes: [UInt8] = []
        for b in s.utf8 {
            if b == UInt8(ascii: "%") || b == UInt8(ascii: "=") || b < 0x20 || b == 0x7F {
                bytes.append(UInt8(ascii: "%"))
                let hex = Array("0123456789ABCDEF".utf8)
                bytes.append(hex[Int(b >> 4)])
                bytes.append(hex[Int(b & 15)])
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func unescape(_ s: String) -> String? {
        var bytes: [UInt8] = []
        let u = Array(s.utf8)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "%") {
                guard i + 2 < u.count,
                      let v = UInt8(String(decoding: u[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(v)
                i += 3
            } else {
                bytes.append(u[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// An index directory: generations of segments plus the `MANIFEST` that names
/// the committed one, and the commit protocol for atomic rebuilds.
///
/// Layout: `MANIFEST`, `write.lock` (only while a build runs),
/// `gen-NNNNNN/` (one per generation; only the committed one survives a
/// successful commit). See `Index/FORMAT.md`.
public struct IndexDirectory: Sendable {
    /// The index directory.
    public let url: URL

    /// Refers to the index in `url` (nothing is read or created yet).
    public init(url: URL) {
        self.url = url
    }

    static let manifestName = "MANIFEST"
    static let manifestTempName = "MANIFEST.tmp"
    static let lockName = "write.lock"

    /// `gen-` followed by the generation, zero-padded to 6 digits.
    public static func generationName(_ generation: UInt64) -> String {
        let s = String(generation)
        return "gen-" + String(repeating: "0", count: max(0, 6 - s.count)) + s
    }

    static func parseGeneration(_ name: String) -> UInt64? {
        guard name.hasPrefix("gen-") else { return nil }
        let digits = name.dropFirst(4)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }

    /// Segment names: 1–100 characters from `A–Z a–z 0–9 . _ -`, not starting with `.`.
    public static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 100, name.first != "." else { return false }
        return name.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
    }

    var path: String { url.path }
    var manifestPath: String { path + "/" + Self.manifestName }

    /// The directory of generation `generation`.
    public func generationURL(_ generation: UInt64) -> URL {
        url.appendingPathComponent(Self.generationName(generation), isDirectory: true)
    }

    /// Whether a committed index exists.
    public var exists: Bool { FileIO.exists(manifestPath) }

    /// Reads and checks `MANIFEST`. Throws `.noIndex` when there is none.
    public func readManifest() throws(IndexError) -> Manifest {
        let bytes: [UInt8]
        do {
            bytes = try FileIO.readFile(manifestPath)
        } catch {
            if case .missingFile = error { throw .noIndex(directory: path) }
            throw error
        }
        return try Manifest.decode(bytes, file: manifestPath)
    }

    /// Opens every segment of the committed generation. If a concurrent
    /// commit removed the generation between reading `MANIFEST` and opening
    /// its files, the new `MANIFEST` is read and opening is retried.
    public func openSegments() throws(IndexError) -> (manifest: Manifest, segments: [SegmentReader]) {
        var attempt = 0
        while true {
            let manifest = try readManifest()
            let dir = generationURL(manifest.generation)
            do {
                var readers: [SegmentReader] = []
                for s in manifest.segments {
                    readers.append(try SegmentReader(directory: dir, name: s, deletedDocuments: manifest.deletions[s]))
                }
                return (manifest, readers)
            } catch {
                attempt += 1
                if case .missingFile = error, attempt < 5,
                   let again = try? readManifest(), again.generation != manifest.generation {
                    continue
                }
                throw error
            }
        }
    }

    /// Checks `MANIFEST` and every segment it names; empty means healthy.
    public func verify() -> [IndexProblem] {
        let manifest: Manifest
        do {
            manifest = try readManifest()
        } catch {
            return [IndexProblem(error)]
        }
        var problems: [IndexProblem] = []
        let directory = generationURL(manifest.generation)
        for s in manifest.segments {
            problems += IndexCheck.verify(directory: directory, segment: s)
            if let expected = manifest.deletions[s] {
                problems += IndexCheck.verifyDeletions(directory: directory, segment: s, expectedCount: expected)
            }
        }
        return problems
    }

    /// Creates `path` and any missing folders above it (as `mkdir -p`).
    static func makeDirectories(_ path: String) throws(IndexError) {
        guard !FileIO.isDirectory(path) else { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeDirectories(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw .io(file: path, operation: "create index directory", errno: errno)
        }
    }

    /// Starts a rebuild: takes `write.lock` (throwing `.locked(pid:file:)` if a
    /// live process holds it; a lock left by a dead process is taken over),
    /// removes leftovers of dead builds, and creates the next generation's
    /// directory, into which the caller writes segments before `commit`.
    public func beginBuild() throws(IndexError) -> IndexBuild {
        try Self.makeDirectories(path)
        let lockPath = path + "/" + Self.lockName
        try WriteLock.acquire(lockPath)
        do throws(IndexError) {
            // An index of another format version is replaced like any other.
            let committed: UInt64? = exists
                ? try Manifest.decode(try FileIO.readFile(manifestPath), file: manifestPath, anyFormat: true).generation : nil
            var highest = committed ?? 0
            for name in try FileIO.listDirectory(path) {
                guard let g = Self.parseGeneration(name) else { continue }
                highest = max(highest, g)
                if g != committed { try FileIO.removeTree(path + "/" + name) }
            }
            try FileIO.removeTree(path + "/" + Self.manifestTempName)
            let generation = highest + 1
            let dir = generationURL(generation)
            guard mkdir(dir.path, 0o755) == 0 else {
                throw .io(file: dir.path, operation: "create generation directory", errno: errno)
            }
            return IndexBuild(index: self, generation: generation, lockPath: lockPath)
        } catch {
            WriteLock.release(lockPath)
            throw error
        }
    }
}

/// A rebuild in progress: holds `write.lock` until `commit` or `abandon`.
///
/// Write segments into `directory`, then `commit(segments:metadata:)`.
/// If the process dies before the commit, the previous generation stays
/// committed and the next `beginBuild` removes this build's leftovers.
public final class IndexBuild {
    /// The index this build belongs to.
    public let index: IndexDirectory
    /// The generation being built.
    public let generation: UInt64
    /// The directory to write this generation's segments into.
    public var directory: URL { index.generationURL(generation) }
    let lockPath: String
    private var finished = false

    init(index: IndexDirectory, generation: UInt64, lockPath: String) {
        self.index = index
        self.generation = generation
        self.lockPath = lockPath
    }

    deinit {
        if !finished { WriteLock.release(lockPath) }
    }

    /// Commits the generation: fsyncs its files and directory, writes
    /// `MANIFEST.tmp`, fsyncs it, renames it over `MANIFEST`, fsyncs the index
    /// directory, then deletes every other generation and releases the lock.
    ///
    /// `deletions` names the segments with deleted documents and how many; each must have its
    /// deletion file (`DeletedDocuments.write`) in ``directory``.
    @discardableResult
    public func commit(segments: [String], deletions: [String: Int] = [:],
                       metadata: [String: String] = [:]) throws(IndexError) -> Manifest {
        guard !finished else { throw .invalidInput("this build was already committed or abandoned") }
        let dir = directory.path
        for s in segments {
            guard IndexDirectory.isValidName(s) else { throw .invalidInput("bad segment name `\(s)`") }
            for kind in SegmentFileKind.allCases where !FileIO.exists(dir + "/" + kind.fileName(segment: s)) {
                throw .missingFile(file: dir + "/" + kind.fileName(segment: s))
            }
        }
        for (s, n) in deletions where n > 0 {
            guard segments.contains(s) else { throw .invalidInput("deletions of `\(s)`, which is not committed") }
            let path = dir + "/" + DeletedDocuments.fileName(segment: s)
            guard FileIO.exists(path) else { throw .missingFile(file: path) }
        }
        // Make every file of the generation durable, then the directory entries.
        for name in try FileIO.listDirectory(dir) {
            let p = dir + "/" + name
            let fd = open(p, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .io(file: p, operation: "open", errno: errno) }
            let ok = fsync(fd) == 0
            let code = errno
            close(fd)
            if !ok { throw .io(file: p, operation: "fsync", errno: code) }
        }
        try FileIO.syncDirectory(dir)
        let manifest = Manifest(generation: generation, segments: segments,
                                deletions: deletions.filter { $0.value > 0 }, metadata: metadata)
        let base = index.path
        let tmp = base + "/" + IndexDirectory.manifestTempName
        try FileIO.writeFile(tmp, manifest.encoded())
        guard rename(tmp, index.manifestPath) == 0 else {
            throw .io(file: index.manifestPath, operation: "rename MANIFEST.tmp to MANIFEST", errno: errno)
        }
        try FileIO.syncDirectory(base)
        finished = true
        defer { WriteLock.release(lockPath) }
        // Committed. Remove other generations (best effort: leftovers are retried next build).
        if let names = try? FileIO.listDirectory(base) {
            for name in names {
                if let g = IndexDirectory.parseGeneration(name), g != generation {
                    try? FileIO.removeTree(base + "/" + name)
                }
            }
        }
        return manifest
    }

    /// Takes segment `segment` of the generation in `source` into this generation unchanged: its seven
    /// files are hard-linked (copied where the file system has no hard links), so the new generation
    /// directory is complete on its own and removing the old one later frees nothing it needs.
    /// With `deletions`, the segment's deletion file is linked as well.
    public func adopt(segment: String, from source: URL, deletions: Bool = false) throws(IndexError) {
        guard !finished else { throw .invalidInput("this build was already committed or abandoned") }
        var names = SegmentFileKind.allCases.map { $0.fileName(segment: segment) }
        if deletions { names.append(DeletedDocuments.fileName(segment: segment)) }
        for name in names {
            try FileIO.linkOrCopy(source.path + "/" + name, to: directory.path + "/" + name)
        }
    }

    /// Takes file `name` of the generation in `source` into this generation unchanged (hard-linked,
    /// or copied where the file system has no hard links): e.g. a table beside the segments that
    /// this build would write identically.
    public func adopt(file name: String, from source: URL) throws(IndexError) {
        guard !finished else { throw .invalidInput("this build was already committed or abandoned") }
        guard IndexDirectory.isValidName(name) else { throw .invalidInput("bad file name `\(name)`") }
        try FileIO.linkOrCopy(source.path + "/" + name, to: directory.path + "/" + name)
    }

    /// Removes the files of segment `segment` (and its deletion file) from this build's directory:
    /// a segment written by this build and then merged away.
    public func discard(segment: String) {
        for kind in SegmentFileKind.allCases { try? FileIO.removeTree(directory.path + "/" + kind.fileName(segment: segment)) }
        try? FileIO.removeTree(directory.path + "/" + DeletedDocuments.fileName(segment: segment))
    }

    /// Gives up the build: removes its generation directory and releases the lock.
    public func abandon() {
        guard !finished else { return }
        finished = true
        try? FileIO.removeTree(directory.path)
        WriteLock.release(lockPath)
    }
}

/// `write.lock`: created with O_CREAT|O_EXCL, holds the writer's PID.
enum WriteLock {
    /// A lock file with no readable PID older than this is considered stale.
    static let unreadableStaleSeconds = 30

    static func acquire(_ path: String) throws(IndexError) {
        for _ in 0..<4 {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 {
                let text = Array("\(getpid())\n".utf8)
                let n = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                let code = errno
                fsync(fd)
                close(fd)
                if n != text.count {
                    unlink(path)
                    throw .io(file: path, operation: "write lock file", errno: code)
                }
                return
            }
            guard errno == EEXIST else { throw .io(file: path, operation: "create lock file", errno: errno) }
            let holder = readPID(path)
            if let pid = holder {
                if kill(pid, 0) == 0 || errno == EPERM { throw .locked(pid: pid, file: path) }
                // ESRCH: the holder is dead; the lock is stale. Take it over.
                unlink(path)
                continue
            }
            // No PID (yet): a writer may be between create and write.
            var st = stat()
            if stat(path, &st) == 0 {
                let age = time(nil) - st.st_mtim.tv_sec
                if age > unreadableStaleSeconds {
                    unlink(path)
                    continue
                }
                throw .locked(pid: nil, file: path)
            }
            // Vanished meanwhile: retry.
        }
        throw .locked(pid: readPID(path), file: path)
    }

    static func readPID(_ path: String) -> Int32? {
        guard let bytes = try? FileIO.readFile(path) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = Int32(text), pid > 0 else { return nil }
        return pid
    }

    /// Removes the lock if it is still ours.
    static func release(_ path: String) {
        if readPID(path) == getpid() { unlink(path) }
    }
}
