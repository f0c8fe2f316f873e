import Foundation
import HashiConcepts
import HashiIndex

/// The glosses mined from each document of an index, kept in `glosses.mined` beside the segments so
/// that an incremental build can rebuild the concept table without reading the unchanged documents
/// again: the glosses of the documents it keeps are taken from here, those of the files it
/// re-analyses are mined afresh.
///
/// The content is JSON Lines — one line `{"document": PATH, "glosses": [gloss, …]}` per document with
/// at least one gloss, sorted by path, keys sorted — stored as `HGLS`, a version, and zlib frames of
/// about 1 MiB of lines each (JSON this repetitive shrinks several times over), followed by a 4-byte
/// little-endian CRC-32C of every byte before it. Files written before the frames (plain JSON Lines
/// and the CRC) still read. Lines are encoded and decoded one at a time, so neither writing nor
/// reading holds a JSON tree of the whole file.
public struct MinedGlosses: Sendable, Equatable {
    /// Document path → the glosses mined from it, in the order the miner found them.
    public var documents: [String: [MinedConcept]]

    /// The file name inside a generation directory.
    public static let fileName = "glosses.mined"

    /// `HGLS`: the framed, compressed form's magic (a plain JSON Lines file starts with `{`).
    static let magic: [UInt8] = [0x48, 0x47, 0x4C, 0x53]
    /// The framed form's version.
    static let version: UInt32 = 2
    /// Lines are compressed in frames of about this many bytes.
    static let frameBytes = 1 << 20

    /// One line of the file.
    fileprivate struct Line: Codable {
        var document: String
        var glosses: [MinedConcept]
    }

    /// Glosses by document (documents without glosses are left out).
    public init(documents: [String: [MinedConcept]] = [:]) {
        // Filtering copies the dictionary: only when there is something to leave out.
        self.documents = documents.values.contains(where: \.isEmpty) ? documents.filter { !$0.value.isEmpty } : documents
    }

    /// Writes the file into `directory`, fsynced; returns its size in bytes.
    @discardableResult
    func write(to directory: URL) throws(IndexError) -> Int {
        let writer = try Writer(directory: directory)
        for document in documents.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            try writer.append(document: document, glosses: documents[document] ?? [])
        }
        return try writer.finish()
    }

    /// Writes the file a document at a time, so a build need not hold every document's glosses:
    /// documents must come sorted by path (a corpus' order), each once.
    final class Writer {
        private let path: String
        private let handle: FileHandle
        private let encoder = JSONEncoder()
        private var crc: UInt32 = 0
        private var size = 0
        private var lines: [UInt8] = []

        /// Creates the file in `directory` and writes its header.
        init(directory: URL) throws(IndexError) {
            path = directory.appendingPathComponent(MinedGlosses.fileName).path
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw .io(file: path, operation: "create the mined glosses file", errno: errno)
            }
            self.handle = handle
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var header = MinedGlosses.magic
            withUnsafeBytes(of: MinedGlosses.version.littleEndian) { header.append(contentsOf: $0) }
            try emit(header)
        }

        /// Adds the line of `document` (nothing when it has no glosses).
        func append(document: String, glosses: [MinedConcept]) throws(IndexError) {
            guard !glosses.isEmpty else { return }
            do {
                lines += try encoder.encode(Line(document: document, glosses: glosses))
            } catch {
                throw .invalidInput("the mined glosses of \(document) cannot be encoded: \(error)")
            }
            lines.append(0x0A)
            if lines.count >= MinedGlosses.frameBytes { try emitFrame() }
        }

        /// Writes the last frame and the checksum, fsyncs and closes the file; returns its size.
        func finish() throws(IndexError) -> Int {
            try emitFrame()
            var trailer: [UInt8] = []
            withUnsafeBytes(of: crc.littleEndian) { trailer.append(contentsOf: $0) }
            do {
                try handle.write(contentsOf: trailer)
                try handle.synchronize()
                try handle.close()
            } catch {
                throw .io(file: path, operation: "write the mined glosses", errno: errno)
            }
            return size + trailer.count
        }

        private func emit(_ bytes: [UInt8]) throws(IndexError) {
            crc = bytes.withUnsafeBytes { CRC32C.update(crc, $0) }
            do { try handle.write(contentsOf: bytes) } catch {
                throw .io(file: path, operation: "write the mined glosses", errno: errno)
            }
            size += bytes.count
        }

        private func emitFrame() throws(IndexError) {
            guard !lines.isEmpty else { return }
            let compressed = Zlib.compress(lines)
            var frame: [UInt8] = []
            frame.reserveCapacity(8 + compressed.count)
            withUnsafeBytes(of: UInt32(lines.count).littleEndian) { frame.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt32(compressed.count).littleEndian) { frame.append(contentsOf: $0) }
            frame += compressed
            try emit(frame)
            lines.removeAll(keepingCapacity: true)
        }
    }

    /// Reads the file of the generation in `directory`; nil when there is none (an index built
    /// before glosses were stored). A damaged file is an error naming it. With `only`, the glosses
    /// of other documents are skipped without being decoded.
    public static func read(from directory: URL, only: Set<String>? = nil) throws(IndexError) -> MinedGlosses? {
        var documents: [String: [MinedConcept]] = [:]
        let found = try forEachDocument(in: directory, where: { document in only.map { $0.contains(document) } ?? true }) {
            documents[$0] = $1
        }
        return found ? MinedGlosses(documents: documents) : nil
    }

    /// Calls `body` with each document of the file of the generation in `directory` and its
    /// glosses, in the file's order (sorted by path), inflating one frame and decoding one line at
    /// a time; a document `wanted` refuses is skipped undecoded (when its line starts as written).
    /// Returns false when there is no file; a damaged one is an error naming it.
    static func forEachDocument(in directory: URL, where wanted: (String) -> Bool = { _ in true },
                                _ body: (String, [MinedConcept]) throws(IndexError) -> Void) throws(IndexError) -> Bool {
        let path = directory.appendingPathComponent(Self.fileName).path
        let decoder = JSONDecoder()
        return try forEachLine(at: path) { (line, offset) throws(IndexError) in
            if let document = Self.document(ofLine: line), !wanted(document) { return }
            let decoded: Line
            do {
                decoded = try decoder.decode(Line.self, from: Data(line))
            } catch {
                throw .corrupted(file: path, offset: offset, reason: "a line of the frame at this offset cannot be read (\(error))")
            }
            guard wanted(decoded.document) else { return }
            try body(decoded.document, decoded.glosses)
        }
    }

    /// The number of documents with glosses in the file of the generation in `directory`, after
    /// checking its checksum, without decoding it; nil when there is no file.
    public static func documentCount(in directory: URL) throws(IndexError) -> Int? {
        var count = 0
        let found = try forEachLine(at: directory.appendingPathComponent(Self.fileName).path) { _, _ in count += 1 }
        return found ? count : nil
    }

    /// The JSON Lines of the file at `path`, checksum checked and frames inflated; nil when there
    /// is no file. A file that does not start with the magic is taken as plain JSON Lines (the form
    /// before frames).
    static func lines(at path: String) throws(IndexError) -> ArraySlice<UInt8>? {
        var lines: [UInt8] = []
        let found = try forEachFrame(at: path) { frame, _ in lines += frame }
        return found ? lines[...] : nil
    }

    /// Calls `body` with each line of the file at `path` (without its newline) and the file offset
    /// of the frame holding it, one frame in memory at a time; false when there is no file. The
    /// last line of each frame must be terminated.
    static func forEachLine(at path: String, _ body: (ArraySlice<UInt8>, Int) throws(IndexError) -> Void) throws(IndexError) -> Bool {
        try forEachFrame(at: path) { (frame, offset) throws(IndexError) in
            guard frame.isEmpty || frame.last == 0x0A else {
                throw .corrupted(file: path, offset: offset, reason: "the last line of the frame at this offset is not terminated")
            }
            var start = frame.startIndex
            while start < frame.endIndex {
                let end = frame[start...].firstIndex(of: 0x0A) ?? frame.endIndex
                try body(frame[start..<end], offset)
                start = end + 1
            }
        }
    }

    /// Calls `body` with the inflated text of each frame of the file at `path` and the frame's
    /// offset in the file, after checking the file's checksum; false when there is no file. A file
    /// that does not start with the magic is one frame of plain JSON Lines (the form before frames).
    private static func forEachFrame(at path: String, _ body: ([UInt8], Int) throws(IndexError) -> Void) throws(IndexError) -> Bool {
        guard let file = try ChecksummedFile.body(at: path, what: "the mined glosses file") else { return false }
        guard file.starts(with: magic) else {
            try body(Array(file), 0)
            return true
        }
        func word(at offset: Int) -> UInt32? {
            guard offset >= file.startIndex, offset + 4 <= file.endIndex else { return nil }
            return UInt32(littleEndian: file[offset..<(offset + 4)].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })
        }
        guard let version = word(at: file.startIndex + 4) else {
            throw .corrupted(file: path, offset: file.startIndex + 4, reason: "the mined glosses file is truncated")
        }
        guard version == Self.version else {
            throw .corrupted(file: path, offset: file.startIndex + 4,
                             reason: "mined glosses format version \(version) is not \(Self.version); run `hashi index --full`")
        }
        var offset = file.startIndex + 8
        while offset < file.endIndex {
            guard let rawLength = word(at: offset), let length = word(at: offset + 4),
                  offset + 8 + Int(length) <= file.endIndex else {
                throw .corrupted(file: path, offset: offset, reason: "a frame of the mined glosses is truncated")
            }
            let start = offset + 8, end = start + Int(length)
            guard let raw = file[start..<end].withUnsafeBytes({ Zlib.decompress($0, rawLength: Int(rawLength)) }) else {
                throw .corrupted(file: path, offset: offset, reason: "a frame of the mined glosses does not inflate")
            }
            try body(raw, offset)
            offset = end
        }
        return true
    }

    /// The document path of a line, read from its start (`{"document":"…"`) without decoding the
    /// rest; nil when the line does not start so (then the caller decodes it whole).
    private static func document(ofLine line: ArraySlice<UInt8>) -> String? {
        let prefix = Array(#"{"document":""#.utf8)
        guard line.count > prefix.count, line.starts(with: prefix) else { return nil }
        var i = line.startIndex + prefix.count
        var escaped = false
        while i < line.endIndex && line[i] != UInt8(ascii: "\"") {
            if line[i] == UInt8(ascii: "\\") {
                escaped = true
                i += 1
            }
            i += 1
        }
        guard i < line.endIndex else { return nil }
        let literal = line[(line.startIndex + prefix.count - 1)...i]
        if !escaped { return String(decoding: literal.dropFirst().dropLast(), as: UTF8.self) }
        return try? JSONDecoder().decode(String.self, from: Data(literal))
    }

    /// Checks the file of the committed generation of the index at `index`: the problems found
    /// (empty when healthy or absent).
    public static func verify(index: URL) -> [String] {
        let directory = IndexDirectory(url: index)
        guard let manifest = try? directory.readManifest() else { return [] }
        do {
            _ = try read(from: directory.generationURL(manifest.generation))
            return []
        } catch {
            return [error.description]
        }
    }
}
