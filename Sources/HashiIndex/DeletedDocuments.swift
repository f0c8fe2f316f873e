import Foundation

/// The documents of one segment that a later generation deleted (changed or removed files), as
/// stored in the segment's deletion file `S.del` (see `Index/FORMAT.md`).
///
/// Segment files never change; an incremental build that replaces or removes documents writes a
/// new deletion file for the segment in the new generation instead, and names it in the manifest
/// (`deletions S N`). Readers skip the passages of deleted documents; a merge drops them.
public struct DeletedDocuments: Sendable, Hashable {
    /// Documents in the segment (the bitset covers `0 ..< documentCount`).
    public let documentCount: Int
    /// Bit `d` (byte `d >> 3`, bit `d & 7`) set when document `d` is deleted.
    private(set) var bits: [UInt8]
    /// Number of deleted documents.
    public private(set) var count: Int

    /// The 8 magic bytes of a deletion file.
    static let magic = Array("HASHIDEL".utf8)
    /// The file name extension of a deletion file.
    public static let fileExtension = "del"

    /// No document of a segment of `documentCount` documents deleted.
    public init(documentCount: Int) {
        self.documentCount = documentCount
        bits = [UInt8](repeating: 0, count: (documentCount + 7) / 8)
        count = 0
    }

    /// Whether document `id` is deleted (false when out of range).
    public func contains(_ id: UInt32) -> Bool {
        let i = Int(id)
        guard i < documentCount else { return false }
        return bits[i >> 3] & (1 << UInt8(i & 7)) != 0
    }

    /// Marks document `id` deleted (ids out of range are ignored).
    public mutating func insert(_ id: UInt32) {
        let i = Int(id)
        guard i < documentCount, !contains(id) else { return }
        bits[i >> 3] |= 1 << UInt8(i & 7)
        count += 1
    }

    /// The deleted document ids, ascending.
    public var ids: [UInt32] {
        (0..<documentCount).filter { bits[$0 >> 3] & (1 << UInt8($0 & 7)) != 0 }.map { UInt32($0) }
    }

    /// The deletion file name of segment `segment`, e.g. `seg-000001.del`.
    public static func fileName(segment: String) -> String { segment + "." + fileExtension }

    /// Writes `S.del` for segment `segment` into `directory` and fsyncs it. Returns its size in bytes.
    @discardableResult
    public func write(to directory: URL, segment: String) throws(IndexError) -> Int {
        var image = FileImage(magic: Self.magic, reserveCapacity: 8 + bits.count)
        image.bytes.appendLE(UInt32(truncatingIfNeeded: documentCount))
        image.bytes.appendLE(UInt32(truncatingIfNeeded: count))
        image.bytes.append(contentsOf: bits)
        image.finish()
        try FileIO.writeFile(directory.path + "/" + Self.fileName(segment: segment), image.bytes)
        return image.bytes.count
    }

    /// Reads and checks the deletion file of segment `segment` in `directory`: header, checksum,
    /// that it covers `documentCount` documents, that no bit beyond them is set, and that it
    /// deletes exactly `expectedCount` documents (the count the manifest records).
    public static func read(from directory: URL, segment: String, documentCount: Int,
                            expectedCount: Int) throws(IndexError) -> DeletedDocuments {
        let path = directory.path + "/" + fileName(segment: segment)
        let file = try MappedFile(path: path)
        let body = try file.validate(magic: magic)
        let v = file.view
        let h = body.lowerBound
        guard let documents = v.u32(h), let stored = v.u32(h + 4) else {
            throw .corrupted(file: path, offset: h, reason: "deletion file header truncated")
        }
        guard Int(documents) == documentCount else {
            throw .corrupted(file: path, offset: h, reason: "the deletion file covers \(documents) documents but the segment has \(documentCount)")
        }
        let byteCount = (documentCount + 7) / 8
        guard body.upperBound - (h + 8) == byteCount, let raw = v.slice(h + 8, byteCount) else {
            throw .corrupted(file: path, offset: h + 8, reason: "the bitset takes \(body.upperBound - h - 8) bytes; \(byteCount) expected for \(documentCount) documents")
        }
        var deleted = DeletedDocuments(documentCount: documentCount)
        deleted.bits = Array(raw)
        if documentCount % 8 != 0, let last = deleted.bits.last, last >> UInt8(documentCount % 8) != 0 {
            throw .corrupted(file: path, offset: h + 8 + byteCount - 1, reason: "bits set beyond the last document")
        }
        deleted.count = deleted.bits.reduce(0) { $0 + $1.nonzeroBitCount }
        guard deleted.count == Int(stored) else {
            throw .corrupted(file: path, offset: h + 4, reason: "the header counts \(stored) deleted documents but \(deleted.count) bits are set")
        }
        guard deleted.count == expectedCount else {
            throw .corrupted(file: path, offset: h + 4, reason: "the file deletes \(deleted.count) documents but MANIFEST says \(expectedCount)")
        }
        return deleted
    }
}
