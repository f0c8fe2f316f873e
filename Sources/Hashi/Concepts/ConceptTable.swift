import Foundation
import HashiConcepts
import HashiIndex

/// The concepts an index was built with, stored beside its segments in `concepts.map`: the
/// concept map search expands queries with, and every mined pair with its evidence (for
/// `hashi concepts mined`). The file is binary (``ConceptTableCodec``; `Index/FORMAT.md`) followed
/// by a 4-byte little-endian CRC-32C of it.
public struct ConceptTable: Sendable, Codable {
    /// The map used at query time (dictionaries + mined pairs above the threshold).
    public var map: ConceptMap
    /// Every mined pair, with its evidence, including those below the threshold.
    public var mined: [MinedConcept]
    /// The dictionary files that went in.
    public var dictionaries: [String]
    /// The confidence a mined pair needs to take part in search.
    public var threshold: Double
    /// What the background dictionaries contributed (nil in tables written before they existed).
    public var background: BackgroundSummary?

    /// The file name inside a generation directory.
    public static let fileName = "concepts.map"

    /// Creates a table.
    public init(map: ConceptMap, mined: [MinedConcept], dictionaries: [String], threshold: Double) {
        self.map = map
        self.mined = mined
        self.dictionaries = dictionaries
        self.threshold = threshold
    }

    /// Writes the table into `directory` (the binary form, then a CRC-32C of it), flushes it to disk
    /// and returns its size in bytes.
    @discardableResult
    func write(to directory: URL) throws(IndexError) -> Int {
        let path = directory.appendingPathComponent(Self.fileName).path
        var bytes = try ConceptTableCodec.encode(self)
        let crc = CRC32C.checksum(bytes)
        withUnsafeBytes(of: crc.littleEndian) { bytes.append(contentsOf: $0) }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw .io(file: path, operation: "write the concept table", errno: errno)
        }
        if let handle = FileHandle(forWritingAtPath: path) {
            try? handle.synchronize()
            try? handle.close()
        }
        return bytes.count
    }

    /// Checks the concept table of the committed generation of the index at `index`: problems found
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

    /// Reads the table of the generation in `directory`; nil when the index has none (built before
    /// concepts existed). A damaged file is an error naming it.
    public static func read(from directory: URL) throws(IndexError) -> ConceptTable? {
        try checkedBody(in: directory).map { stored throws(IndexError) in try decode(stored.body, path: stored.path) }
    }

    /// The bytes of the table file of the generation in `directory`, its checksum verified, and its
    /// path; nil when there is none. A damaged file is an error naming it.
    static func checkedBody(in directory: URL) throws(IndexError) -> (body: ArraySlice<UInt8>, path: String)? {
        let path = directory.appendingPathComponent(Self.fileName).path
        return try ChecksummedFile.body(at: path, what: "the concept table").map { ($0, path) }
    }

    /// Decodes ``checkedBody(in:)``'s bytes of the file at `path` (without the review material when
    /// `includingReview` is false: see ``ConceptTableCodec/decode(_:path:includingReview:)``).
    static func decode(_ body: ArraySlice<UInt8>, path: String, includingReview: Bool = true) throws(IndexError) -> ConceptTable {
        if ConceptTableCodec.isBinary(body) { return try ConceptTableCodec.decode(body, path: path, includingReview: includingReview) }
        // Tables written before the binary form are JSON (read so that such an index opens and is
        // found stale).
        do {
            return try JSONDecoder().decode(ConceptTable.self, from: Data(body))
        } catch {
            throw .corrupted(file: path, offset: 0, reason: "the concept table cannot be read (\(error))")
        }
    }
}
