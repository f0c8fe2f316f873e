import Foundation
import HashiConcepts
import HashiIndex

/// The binary form of `concepts.map` (documented byte by byte in `Index/FORMAT.md`): a header and
/// one zlib stream holding the review material (mined pairs, dictionaries, settings) as JSON, a
/// front-coded table of the strings in byte order, the distinct confidences, and the concepts as
/// five streams of small numbers (member headers, texts, keys, sources, forms), each stream
/// compressing better on its own than the fields interleaved.
///
/// Version 3. Version 2 (the same concepts, uncompressed, with a confidence and a source string
/// per member) is still read (``decodeVersion2(_:path:)``); an index holding it is found stale
/// (``storedVersion(atPath:)``) and rebuilt.
enum ConceptTableCodec {
    /// `HCMP`: Hashi concept map.
    static let magic: [UInt8] = [0x48, 0x43, 0x4D, 0x50]
    /// The version written.
    static let version: UInt32 = 3
    /// zlib's default level: on the Debian corpus's table level 9 saved 5 KB of 413 KB but took
    /// 0.26 s instead of 0.07 s, at the end of every build.
    static let compressionLevel: Int32 = 6
    /// Where the zlib stream starts: magic, version, inflated length.
    static let headerBytes = 12

    /// The review material, stored as JSON.
    struct Review: Codable {
        var background: BackgroundSummary?
        var dictionaries: [String]
        var mined: [MinedConcept]
        var threshold: Double
    }

    /// The bytes of `table`, without the trailing checksum.
    static func encode(_ table: ConceptTable) throws(IndexError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let review: [UInt8]
        do {
            review = [UInt8](try encoder.encode(Review(background: table.background, dictionaries: table.dictionaries,
                                                       mined: table.mined, threshold: table.threshold)))
        } catch {
            throw .invalidInput("the concept table cannot be encoded: \(error)")
        }
        // Two passes over the members: the first collects the strings and confidences, the second
        // writes their numbers in the sorted tables.
        var numbering = ConceptNumbering()
        var streams = ConceptStreams()
        streams.append(table.map.concepts, numbering: &numbering)
        numbering.freeze()
        streams = ConceptStreams()
        streams.append(table.map.concepts, numbering: &numbering)

        var body: [UInt8] = []
        Varint.append(UInt64(review.count), to: &body)
        body += review
        Varint.append(UInt64(numbering.strings.count), to: &body)
        var previous: [UInt8] = []
        for string in numbering.strings {
            let shared = zip(previous, string).prefix { $0 == $1 }.count
            Varint.append(UInt64(shared), to: &body)
            Varint.append(UInt64(string.count - shared), to: &body)
            body += string[shared...]
            previous = string
        }
        Varint.append(UInt64(numbering.confidences.count), to: &body)
        for bits in numbering.confidences {
            withUnsafeBytes(of: bits.littleEndian) { body.append(contentsOf: $0) }
        }
        Varint.append(UInt64(table.map.concepts.count), to: &body)
        for stream in streams.all { Varint.append(UInt64(stream.count), to: &body) }
        for stream in streams.all { body += stream }
        guard body.count <= Int(UInt32.max) else { throw .invalidInput("the concept table exceeds 4 GiB") }

        var bytes = magic
        withUnsafeBytes(of: version.littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(body.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes += Zlib.compress(body, level: compressionLevel)
        return bytes
    }

    /// Whether `bytes` start like the binary form (tables written before it are JSON).
    static func isBinary(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.starts(with: magic)
    }

    /// The format version of the table file at `path`, read from its header without checking or
    /// decoding the rest: 0 for the JSON form of early versions, nil when there is no file or its
    /// header is unreadable (a damaged file is reported when it is read).
    static func storedVersion(atPath path: String) -> UInt32? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 8), !header.isEmpty else { return nil }
        if header.first == UInt8(ascii: "{") { return 0 }
        let bytes = [UInt8](header)
        guard bytes.count == 8, bytes.starts(with: magic) else { return nil }
        return UInt32(bytes[4]) | UInt32(bytes[5]) << 8 | UInt32(bytes[6]) << 16 | UInt32(bytes[7]) << 24
    }

    /// Reads the binary form (`bytes` without the checksum), version 3 or 2; `path` names the file
    /// in errors. Without `includingReview`, a version 3 table's review material is skipped (left
    /// empty): what search needs is the map.
    static func decode(_ bytes: ArraySlice<UInt8>, path: String, includingReview: Bool = true) throws(IndexError) -> ConceptTable {
        let data = Array(bytes)
        func word(at offset: Int) throws(IndexError) -> UInt32 {
            guard offset + 4 <= data.count else {
                throw .corrupted(file: path, offset: min(offset, data.count), reason: "the concept table is truncated")
            }
            return UInt32(data[offset]) | UInt32(data[offset + 1]) << 8 | UInt32(data[offset + 2]) << 16 | UInt32(data[offset + 3]) << 24
        }
        let stored = try word(at: 4)
        if stored == 2 { return try decodeVersion2(data, path: path) }
        guard stored == version else { throw .versionMismatch(file: path, found: stored, supported: version) }
        let rawLength = Int(try word(at: 8))
        let compressed = data.count - headerBytes
        // deflate expands at most about 1032:1; a larger length is damage, not a reason to allocate.
        guard compressed > 0, rawLength <= compressed * 1032 + 64 else {
            throw .corrupted(file: path, offset: 8, reason: "the concept table's length (\(rawLength) bytes inflated) does not fit its compressed size")
        }
        guard let body = data[headerBytes...].withUnsafeBytes({ Zlib.decompress($0, rawLength: rawLength) }) else {
            throw .corrupted(file: path, offset: headerBytes, reason: "the concept table's zlib stream is damaged or does not inflate to \(rawLength) bytes")
        }
        var reader = ConceptBodyReader(data: body, path: path, fileOffset: headerBytes)
        return try reader.table(includingReview: includingReview)
    }
}

/// The strings and confidences of a table, numbered in sorted order: collected in a first pass
/// over the members (when every lookup answers 0), frozen, then looked up in the second.
///
/// The first pass records which distinct string each lookup named, so the second pass (which makes
/// the same lookups in the same order) replays them instead of hashing every string again; a
/// lookup that does not match its recorded string falls back to a hash look-up.
struct ConceptNumbering {
    /// Distinct strings by first occurrence: their ids.
    private var firstSeen: [UTF8Key: Int32] = [:]
    /// Each distinct string, by id.
    private var distinct: [String] = []
    /// The id of each string lookup of the first pass, in order.
    private var occurrences: [Int32] = []
    /// Once frozen: each id's number in sorted order.
    private var ranks: [Int32]? = nil
    /// The next recorded lookup to replay.
    private var cursor = 0
    private var collectedConfidences: Set<UInt64> = []
    private var confidenceNumbers: [UInt64: Int] = [:]
    /// The strings' UTF-8 bytes in byte order, once frozen.
    private(set) var strings: [[UInt8]] = []
    /// The confidences' IEEE-754 bit patterns in ascending order, once frozen.
    private(set) var confidences: [UInt64] = []

    /// The number of `string` (by its bytes: strings that Swift finds canonically equal but spell
    /// differently stay apart).
    mutating func number(of string: String) -> UInt64 {
        let key = UTF8Key(string)
        guard let ranks else {
            if let id = firstSeen[key] {
                occurrences.append(id)
            } else {
                let id = Int32(truncatingIfNeeded: distinct.count)
                firstSeen[key] = id
                distinct.append(string)
                occurrences.append(id)
            }
            return 0
        }
        if cursor < occurrences.count {
            let id = Int(occurrences[cursor])
            cursor += 1
            if UTF8Key(distinct[id]) == key { return UInt64(ranks[id]) }
        }
        return firstSeen[key].map { UInt64(ranks[Int($0)]) } ?? 0
    }

    /// The number of `confidence` (by its bit pattern).
    mutating func number(ofConfidence confidence: Double) -> UInt64 {
        guard ranks != nil else {
            collectedConfidences.insert(confidence.bitPattern)
            return 0
        }
        return UInt64(confidenceNumbers[confidence.bitPattern] ?? 0)
    }

    /// Sorts what was collected and numbers it.
    mutating func freeze() {
        let bytes = distinct.map { Array($0.utf8) }
        let order = bytes.indices.sorted { bytes[$0].lexicographicallyPrecedes(bytes[$1]) }
        var ranks = [Int32](repeating: 0, count: bytes.count)
        for (number, id) in order.enumerated() { ranks[id] = Int32(truncatingIfNeeded: number) }
        strings = order.map { bytes[$0] }
        self.ranks = ranks
        cursor = 0
        confidences = collectedConfidences.sorted()
        for (k, bits) in confidences.enumerated() { confidenceNumbers[bits] = k }
        collectedConfidences = []
    }
}

/// A string compared and hashed by its UTF-8 bytes (`==` on `String` is canonical equivalence).
struct UTF8Key: Hashable {
    let string: String

    init(_ string: String) { self.string = string }

    static func == (a: UTF8Key, b: UTF8Key) -> Bool {
        var x = a.string, y = b.string
        return x.withUTF8 { xs in
            y.withUTF8 { ys in
                guard xs.count == ys.count else { return false }
                guard xs.count > 0, let xb = xs.baseAddress, let yb = ys.baseAddress else { return true }
                return memcmp(xb, yb, xs.count) == 0
            }
        }
    }

    func hash(into hasher: inout Hasher) {
        var s = string
        s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
