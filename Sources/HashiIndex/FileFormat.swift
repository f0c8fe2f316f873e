#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Constants shared by every index file. See `Index/FORMAT.md`.
public enum IndexFormat {
    /// The on-disk format version this build writes and reads.
    public static let version: UInt32 = 2
    /// Header size: 8-byte magic, u32 version, u32 flags (0).
    static let headerSize = 16
    /// Footer size: u64 body length, u32 CRC-32C of every byte before the CRC.
    static let footerSize = 12
    /// Postings per block; one skip entry per block.
    static let postingsBlockSize = 128
    /// Terms per dictionary block.
    static let termsPerBlock = 32
    /// A passage block is closed once its text reaches this many bytes.
    static let passageBlockTarget = 32 * 1024
}

/// The kinds of file a segment consists of.
public enum SegmentFileKind: String, CaseIterable, Sendable {
    /// Document table (`.doc`).
    case documents = "doc"
    /// Passage table and passage text (`.psg`).
    case passages = "psg"
    /// Per-field passage lengths and collection statistics (`.len`).
    case lengths = "len"
    /// Term dictionary (`.trm`).
    case terms = "trm"
    /// Passage ids, frequencies and skip tables (`.pst`).
    case postings = "pst"
    /// Positions (`.pos`).
    case positions = "pos"
    /// Reserved term→concept table (`.cpt`), written empty in formats 1 and 2.
    case concepts = "cpt"

    /// The 8 magic bytes at the start of this kind of file.
    var magic: [UInt8] {
        switch self {
        case .documents: return Array("HASHIDOC".utf8)
        case .passages: return Array("HASHIPSG".utf8)
        case .lengths: return Array("HASHILEN".utf8)
        case .terms: return Array("HASHITRM".utf8)
        case .postings: return Array("HASHIPST".utf8)
        case .positions: return Array("HASHIPOS".utf8)
        case .concepts: return Array("HASHICPT".utf8)
        }
    }

    /// The file name of this part of segment `segment`.
    public func fileName(segment: String) -> String { "\(segment).\(rawValue)" }
}

/// Builds one index file in memory: header, then the caller appends the body,
/// then `finish()` appends the footer.
struct FileImage {
    var bytes: [UInt8]

    init(kind: SegmentFileKind, reserveCapacity: Int = 0) {
        self.init(magic: kind.magic, reserveCapacity: reserveCapacity)
    }

    /// A file image with the given 8-byte magic (for files that are not one of a segment's seven).
    init(magic: [UInt8], reserveCapacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(reserveCapacity + IndexFormat.headerSize + IndexFormat.footerSize)
        bytes.append(contentsOf: magic)
        bytes.appendLE(IndexFormat.version)
        bytes.appendLE(UInt32(0))
    }

    /// Current size, i.e. the absolute file offset of the next appended byte.
    var offset: Int { bytes.count }

    mutating func finish() {
        let bodyLength = UInt64(bytes.count - IndexFormat.headerSize)
        bytes.appendLE(bodyLength)
        let crc = bytes.withUnsafeBytes { CRC32C.checksum($0) }
        bytes.appendLE(crc)
    }
}

/// File-system helpers with typed errors.
enum FileIO {
    /// Writes all of `bytes` to `fd` (retrying short writes and EINTR); the error, if any.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) -> IndexError? {
        var done = 0
        while done < bytes.count, let base = bytes.baseAddress {
            let n = write(fd, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return .io(file: path, operation: "write", errno: errno)
            }
            done += n
        }
        return nil
    }

    /// Writes `bytes` to `path` (create/truncate, mode 0644) and fsyncs it.
    static func writeFile(_ path: String, _ bytes: [UInt8]) throws(IndexError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(file: path, operation: "open for writing", errno: errno) }
        var failure: IndexError? = bytes.withUnsafeBytes { writeAll(fd, $0, path: path) }
        if failure == nil, fsync(fd) != 0 { failure = .io(file: path, operation: "fsync", errno: errno) }
        if close(fd) != 0, failure == nil { failure = .io(file: path, operation: "close", errno: errno) }
        if let failure { throw failure }
    }

    /// fsyncs a directory so that entries created or renamed in it are durable.
    static func syncDirectory(_ path: String) throws(IndexError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(file: path, operation: "open directory", errno: errno) }
        defer { close(fd) }
        if fsync(fd) != 0, errno != EINVAL {
            throw .io(file: path, operation: "fsync directory", errno: errno)
        }
    }

    /// Reads a whole (small) file into memory.
    static func readFile(_ path: String) throws(IndexError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw .missingFile(file: path) }
            throw .io(file: path, operation: "open", errno: errno)
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(file: path, operation: "read", errno: errno)
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Names in a directory (excluding `.` and `..`), sorted.
    static func listDirectory(_ path: String) throws(IndexError) -> [String] {
        guard let dir = opendir(path) else { throw .io(file: path, operation: "list directory", errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String in
                let bytes = raw.prefix { $0 != 0 }
                return String(decoding: bytes, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Makes `destination` a hard link to `source` (the same immutable file under a second name),
    /// or a fsynced copy where the file system refuses hard links.
    static func linkOrCopy(_ source: String, to destination: String) throws(IndexError) {
        if link(source, destination) == 0 { return }
        let code = errno
        guard code == EPERM || code == EXDEV || code == EMLINK || code == EOPNOTSUPP else {
            throw .io(file: destination, operation: "hard-link \(source)", errno: code)
        }
        try writeFile(destination, try readFile(source))
    }

    /// Removes a file or a directory tree. Missing paths are not an error.
    static func removeTree(_ path: String) throws(IndexError) {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if errno == ENOENT { return }
            throw .io(file: path, operation: "stat", errno: errno)
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            for name in try listDirectory(path) { try removeTree(path + "/" + name) }
            if rmdir(path) != 0, errno != ENOENT { throw .io(file: path, operation: "remove directory", errno: errno) }
        } else if unlink(path) != 0, errno != ENOENT {
            throw .io(file: path, operation: "remove", errno: errno)
        }
    }
}

/// A read-only memory mapping of a whole file. Immutable after init.
///
/// `@unchecked Sendable`: the mapping is `PROT_READ`, never written and never
/// unmapped before `deinit`, so concurrent reads from any thread are safe.
final class MappedFile: @unchecked Sendable {
    let path: String
    let bytes: UnsafeRawBufferPointer
    private let mapping: UnsafeMutableRawPointer?
    private let length: Int

    init(path: String) throws(IndexError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw .missingFile(file: path) }
            throw .io(file: path, operation: "open", errno: errno)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io(file: path, operation: "stat", errno: errno) }
        let size = Int(st.st_size)
        if size == 0 {
            mapping = nil
            length = 0
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw .io(file: path, operation: "mmap", errno: errno) }
        mapping = p
        length = size
        bytes = UnsafeRawBufferPointer(start: p, count: size)
    }

    deinit {
        if let mapping { munmap(mapping, length) }
    }

    var view: ByteView { ByteView(bytes: bytes) }

    /// Drops the mapping's pages from this process's resident set (they stay in the page cache and
    /// come back on the next read). Called after the checksum pass, which reads every page once:
    /// otherwise opening an index would make the whole index resident, and a build that opens the
    /// previous generation (or a status check) would hold memory in proportion to the index.
    func releasePages() {
        guard let mapping, length > 0 else { return }
        _ = madvise(mapping, length, MADV_DONTNEED)
    }

    /// Checks magic, version, footer and checksum. Returns the body range.
    func validate(kind: SegmentFileKind) throws(IndexError) -> Range<Int> {
        try validate(magic: kind.magic)
    }

    /// Checks the header (with `magic`), footer and checksum. Returns the body range.
    func validate(magic: [UInt8]) throws(IndexError) -> Range<Int> {
        let v = view
        let minimum = IndexFormat.headerSize + IndexFormat.footerSize
        guard v.count >= minimum else {
            throw .corrupted(file: path, offset: v.count, reason: "file is truncated (\(v.count) bytes; at least \(minimum) needed)")
        }
        for i in 0..<8 where v.u8(i) != magic[i] {
            throw .corrupted(file: path, offset: i, reason: "bad magic (expected \"\(String(decoding: magic, as: UTF8.self))\")")
        }
        guard let version = v.u32(8) else { throw .corrupted(file: path, offset: 8, reason: "header truncated") }
        guard version == IndexFormat.version else {
            throw .versionMismatch(file: path, found: version, supported: IndexFormat.version)
        }
        let footer = v.count - IndexFormat.footerSize
        guard let bodyLength = v.u64(footer), bodyLength == UInt64(footer - IndexFormat.headerSize) else {
            throw .corrupted(file: path, offset: footer, reason: "footer body length does not match the file size (truncated or extended file)")
        }
        guard let stored = v.u32(v.count - 4), let base = bytes.baseAddress else {
            throw .corrupted(file: path, offset: v.count - 4, reason: "footer truncated")
        }
        let actual = CRC32C.checksum(UnsafeRawBufferPointer(start: base, count: v.count - 4))
        releasePages()
        guard stored == actual else {
            throw .corrupted(file: path, offset: v.count - 4, reason: "CRC32C mismatch (stored \(hex32(stored)), computed \(hex32(actual)))")
        }
        guard v.u32(12) == 0 else { throw .corrupted(file: path, offset: 12, reason: "unknown header flags") }
        return IndexFormat.headerSize..<footer
    }
}

func hex32(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 8 - s.count)) + s
}

/// Writes one index file to disk in chunks while computing its CRC-32C
/// incrementally: header on creation, body through `append`, footer and
/// fsync in `finish()`. Memory stays at one chunk whatever the file size.
final class FileSink {
    static let chunkSize = 1 << 20
    let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var crc: UInt32 = 0
    private var flushed = 0

    init(path: String, kind: SegmentFileKind) throws(IndexError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(file: path, operation: "open for writing", errno: errno) }
        buffer.reserveCapacity(Self.chunkSize + 4096)
        buffer.append(contentsOf: kind.magic)
        buffer.appendLE(IndexFormat.version)
        buffer.appendLE(UInt32(0))
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Absolute file offset of the next appended byte.
    var offset: Int { flushed + buffer.count }

    func append(_ bytes: [UInt8]) throws(IndexError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.chunkSize { try flush(checksum: true) }
    }

    func append(_ bytes: UnsafeRawBufferPointer) throws(IndexError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.chunkSize { try flush(checksum: true) }
    }

    private func flush(checksum: Bool) throws(IndexError) {
        if checksum { crc = buffer.withUnsafeBytes { CRC32C.update(crc, $0) } }
        if let failure = buffer.withUnsafeBytes({ FileIO.writeAll(fd, $0, path: path) }) { throw failure }
        flushed += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Appends the footer, writes everything, fsyncs and closes. Returns the file size and CRC.
    func finish() throws(IndexError) -> (size: Int, checksum: UInt32) {
        buffer.appendLE(UInt64(offset - IndexFormat.headerSize))
        try flush(checksum: true)
        let final = crc
        buffer.appendLE(final)
        try flush(checksum: false)
        let syncFailed = fsync(fd) != 0
        let syncErrno = errno
        let closeFailed = close(fd) != 0
        let closeErrno = errno
        fd = -1
        if syncFailed { throw .io(file: path, operation: "fsync", errno: syncErrno) }
        if closeFailed { throw .io(file: path, operation: "close", errno: closeErrno) }
        return (flushed, final)
    }
}
