import Foundation

/// Layout of one field's dictionary, parsed from the `.trm` field directory.
struct FieldDictionary: Sendable {
    var field: UInt8
    var termCount: Int
    var blockCount: Int
    var blockIndexOffset: Int
    var blocksOffset: Int
}

/// Location of one field's passage lengths in the `.len` file.
struct FieldLengths: Sendable {
    var stats: FieldStats
    var arrayOffset: Int
    /// Bytes per length: 1, 2 or 4.
    var width: Int
    /// Size of a `.len` field entry.
    static let entrySize = 32
}

/// Read-only access to one segment through `mmap`.
///
/// On open, every file's magic, format version, footer and CRC-32C are
/// verified and the fixed tables are bounds-checked; postings are then read
/// lazily from the mappings, never copied to the heap. Every read is
/// bounds-checked: damaged data yields nil / an exhausted cursor, never a
/// crash (`IndexCheck.verify` reports the damage precisely).
///
/// `@unchecked Sendable`: all stored properties are immutable after `init`
/// and the mappings are read-only, so sharing one reader between threads is safe.
public final class SegmentReader: @unchecked Sendable {
    /// The segment name (file stem).
    public let name: String
    /// The directory holding the segment files.
    public let directory: URL
    /// Number of documents.
    public let documentCount: Int
    /// Number of passages (passage ids are `0..<passageCount`).
    public let passageCount: Int

    let doc: MappedFile
    let psg: MappedFile
    let len: MappedFile
    let trm: MappedFile
    let pst: MappedFile
    let pos: MappedFile
    let cpt: MappedFile

    let docTable: Int
    let docArea: Int
    /// Offset of the `.psg` block index.
    let psgIndex: Int
    /// Number of compressed passage blocks.
    let passageBlockCount: Int
    /// Passage runs of the documents that have passages, ascending by first
    /// passage: `runStarts[k]` is the first passage of document `runDocuments[k]`.
    let runStarts: [UInt32]
    let runDocuments: [UInt32]
    /// Indexed by field id.
    let dictionaries: [FieldDictionary?]
    /// Indexed by field id.
    let lengths: [FieldLengths?]
    /// The documents a later generation deleted (nil when none are).
    public let deletedDocuments: DeletedDocuments?
    /// The passages of the deleted documents (nil when none are deleted): search skips them.
    public let deletedPassages: PassageBitset?

    static let docRecordSize = 48

    /// Drops the pages of this segment's mapped files from the process's resident set; they stay
    /// in the page cache, and later reads fault them back in. For passes that touch many segments'
    /// dictionaries (a build's background filter), so that resident memory does not grow with the
    /// number of segments.
    public func releaseResidentPages() {
        for file in [doc, psg, len, trm, pst, pos, cpt] { file.releasePages() }
    }

    /// Opens segment `name` in `directory`, verifying every file's header and checksum.
    /// `deletedDocuments` is the number of deleted documents the manifest records for the segment:
    /// when given, the deletion file `name.del` is read and checked against it.
    public init(directory: URL, name: String, deletedDocuments expectedDeletions: Int? = nil) throws(IndexError) {
        self.name = name
        self.directory = directory
        func path(_ k: SegmentFileKind) -> String { directory.path + "/" + k.fileName(segment: name) }
        func open(_ k: SegmentFileKind) throws(IndexError) -> (MappedFile, Range<Int>) {
            let f = try MappedFile(path: path(k))
            let body = try f.validate(kind: k)
            return (f, body)
        }
        let (doc, docBody) = try open(.documents)
        let (psg, psgBody) = try open(.passages)
        let (len, lenBody) = try open(.lengths)
        let (trm, trmBody) = try open(.terms)
        let (pst, _) = try open(.postings)
        let (pos, _) = try open(.positions)
        let (cpt, _) = try open(.concepts)
        self.doc = doc; self.psg = psg; self.len = len; self.trm = trm
        self.pst = pst; self.pos = pos; self.cpt = cpt

        // Documents.
        let dv = doc.view
        let h = docBody.lowerBound
        guard let dCount = dv.u32(h), let dArea = dv.offset64(h + 8) else {
            throw .corrupted(file: doc.path, offset: h, reason: "document table header truncated")
        }
        let dTable = h + 16
        guard dArea == dTable + Int(dCount) * Self.docRecordSize, dArea <= docBody.upperBound else {
            throw .corrupted(file: doc.path, offset: h + 8, reason: "document table size does not match the path area offset")
        }
        for i in 0..<Int(dCount) {
            let r = dTable + i * Self.docRecordSize
            guard let po = dv.offset64(r + 32), let pl = dv.u32(r + 40),
                  po <= docBody.upperBound - dArea, Int(pl) <= docBody.upperBound - dArea - po else {
                throw .corrupted(file: doc.path, offset: r + 32, reason: "path of document \(i) lies outside the path area")
            }
        }
        documentCount = Int(dCount)
        docTable = dTable
        docArea = dArea

        // Passages: block index.
        let pv = psg.view
        let ph = psgBody.lowerBound
        guard let pCount = pv.u32(ph), let bCount = pv.u32(ph + 4), let dataStart = pv.offset64(ph + 8) else {
            throw .corrupted(file: psg.path, offset: ph, reason: "passage store header truncated")
        }
        let pIndex = ph + 16
        guard Int(bCount) <= (psgBody.upperBound - pIndex) / PassageBlockEntry.size,
              dataStart == pIndex + Int(bCount) * PassageBlockEntry.size else {
            throw .corrupted(file: psg.path, offset: ph + 8, reason: "passage block index size does not match the block data offset")
        }
        var expectedFirst = 0
        var expectedOffset = dataStart
        for b in 0..<Int(bCount) {
            let e = pIndex + b * PassageBlockEntry.size
            guard let first = pv.u32(e), let count = pv.u32(e + 4), let cl = pv.u32(e + 12), let off = pv.offset64(e + 16),
                  Int(first) == expectedFirst, count > 0, off == expectedOffset,
                  Int(cl) <= psgBody.upperBound - off else {
                throw .corrupted(file: psg.path, offset: e, reason: "passage block \(b) is out of order or out of bounds")
            }
            expectedFirst += Int(count)
            expectedOffset += Int(cl)
        }
        guard expectedFirst == Int(pCount), expectedOffset == psgBody.upperBound else {
            throw .corrupted(file: psg.path, offset: pIndex, reason: "passage blocks hold \(expectedFirst) passages in \(expectedOffset - dataStart) bytes; the header says \(pCount) passages and the file has \(psgBody.upperBound - dataStart) bytes of blocks")
        }
        passageCount = Int(pCount)
        psgIndex = pIndex
        passageBlockCount = Int(bCount)
        var runs: [(UInt32, UInt32)] = []
        for i in 0..<Int(dCount) {
            let r = dTable + i * Self.docRecordSize
            if let first = dv.u32(r + 24), let count = dv.u32(r + 28), count > 0 { runs.append((first, UInt32(i))) }
        }
        runs.sort { $0.0 < $1.0 }
        runStarts = runs.map(\.0)
        runDocuments = runs.map(\.1)
        if let expectedDeletions {
            let deleted = try DeletedDocuments.read(from: directory, segment: name, documentCount: Int(dCount),
                                                    expectedCount: expectedDeletions)
            var ranges: [Range<Int>] = []
            for d in deleted.ids {
                let r = dTable + Int(d) * Self.docRecordSize
                if let first = dv.u32(r + 24), let count = dv.u32(r + 28), count > 0 {
                    ranges.append(Int(first)..<(Int(first) + Int(count)))
                }
            }
            deletedDocuments = deleted
            deletedPassages = PassageBitset(passageCount: Int(pCount), ranges: ranges)
        } else {
            deletedDocuments = nil
            deletedPassages = nil
        }

        // Field lengths.
        let lv = len.view
        let lh = lenBody.lowerBound
        guard let lFields = lv.u32(lh), let lPassages = lv.u32(lh + 4) else {
            throw .corrupted(file: len.path, offset: lh, reason: "length table header truncated")
        }
        guard lPassages == pCount else {
            throw .corrupted(file: len.path, offset: lh + 4, reason: "length table covers \(lPassages) passages but the passage table has \(pCount)")
        }
        guard lFields <= 256 else { throw .corrupted(file: len.path, offset: lh, reason: "more than 256 fields") }
        var lens = [FieldLengths?](repeating: nil, count: 256)
        for i in 0..<Int(lFields) {
            let e = lh + 8 + i * FieldLengths.entrySize
            guard let fid = lv.u32(e), fid < 256, let with = lv.u32(e + 4), let total = lv.u64(e + 8),
                  let ao = lv.offset64(e + 16), let width = lv.u32(e + 24), width == 1 || width == 2 || width == 4,
                  ao >= lh, ao <= lenBody.upperBound,
                  Int(pCount) * Int(width) <= lenBody.upperBound - ao else {
                throw .corrupted(file: len.path, offset: e, reason: "field length entry \(i) is invalid or out of bounds")
            }
            guard lens[Int(fid)] == nil else { throw .corrupted(file: len.path, offset: e, reason: "field \(fid) listed twice") }
            lens[Int(fid)] = FieldLengths(stats: FieldStats(totalTokens: total, passagesWithField: with), arrayOffset: ao, width: Int(width))
        }
        lengths = lens

        // Term dictionary directory.
        let tv = trm.view
        let th = trmBody.lowerBound
        guard let tFields = tv.u32(th), tFields <= 256 else {
            throw .corrupted(file: trm.path, offset: th, reason: "term dictionary field count missing or above 256")
        }
        var dicts = [FieldDictionary?](repeating: nil, count: 256)
        for i in 0..<Int(tFields) {
            let e = th + 8 + i * 32
            guard let fid = tv.u32(e), fid < 256, let tc = tv.u32(e + 4), let bc = tv.u32(e + 8),
                  let bi = tv.offset64(e + 16), let bs = tv.offset64(e + 24),
                  bs >= th, bs <= bi, bi <= trmBody.upperBound, Int(bc) * 8 <= trmBody.upperBound - bi,
                  Int(bc) == (Int(tc) + IndexFormat.termsPerBlock - 1) / IndexFormat.termsPerBlock else {
                throw .corrupted(file: trm.path, offset: e, reason: "term dictionary field entry \(i) is invalid or out of bounds")
            }
            guard dicts[Int(fid)] == nil else { throw .corrupted(file: trm.path, offset: e, reason: "field \(fid) listed twice") }
            dicts[Int(fid)] = FieldDictionary(field: UInt8(fid), termCount: Int(tc), blockCount: Int(bc),
                                              blockIndexOffset: bi, blocksOffset: bs)
        }
        dictionaries = dicts
    }

    /// Bytes of the segment's seven files on disk.
    public var byteCount: Int {
        [doc, psg, len, trm, pst, pos, cpt].reduce(0) { $0 + $1.bytes.count }
    }

    /// Documents not deleted.
    public var liveDocumentCount: Int { documentCount - (deletedDocuments?.count ?? 0) }
    /// Passages not deleted.
    public var livePassageCount: Int { passageCount - (deletedPassages?.count ?? 0) }

    /// Whether document `id` was deleted by a later generation.
    public func isDeleted(document id: UInt32) -> Bool { deletedDocuments?.contains(id) ?? false }

    /// Whether passage `id` belongs to a deleted document.
    public func isDeleted(passage id: UInt32) -> Bool { deletedPassages?.contains(id) ?? false }

    /// Field ids that have terms or lengths in this segment, ascending.
    public var fields: [UInt8] {
        (0..<256).filter { dictionaries[$0] != nil || lengths[$0] != nil }.map { UInt8($0) }
    }

    /// Number of distinct terms in `field`.
    public func termCount(field: UInt8) -> Int { dictionaries[Int(field)]?.termCount ?? 0 }

    // MARK: stores

    /// The document with id `id`, or nil when out of range.
    public func document(_ id: UInt32) -> DocumentRecord? {
        guard Int(id) < documentCount else { return nil }
        let v = doc.view
        let r = docTable + Int(id) * Self.docRecordSize
        guard let size = v.u64(r), let modified = v.u64(r + 8), let hash = v.u64(r + 16),
              let first = v.u32(r + 24), let count = v.u32(r + 28),
              let po = v.offset64(r + 32), let pl = v.u32(r + 40),
              let pathBytes = v.slice(docArea + po, Int(pl)) else { return nil }
        return DocumentRecord(path: String(decoding: pathBytes, as: UTF8.self), size: size,
                              modified: Int64(bitPattern: modified), contentHash: hash,
                              firstPassage: first, passageCount: count)
    }

    /// Block `b`'s index entry and the absolute offset of its zlib stream.
    func passageBlockEntry(_ b: Int) -> (PassageBlockEntry, Int)? {
        guard b >= 0, b < passageBlockCount else { return nil }
        let v = psg.view
        let e = psgIndex + b * PassageBlockEntry.size
        guard let first = v.u32(e), let count = v.u32(e + 4), let raw = v.u32(e + 8), let cl = v.u32(e + 12),
              let off = v.offset64(e + 16) else { return nil }
        return (PassageBlockEntry(firstPassage: first, passageCount: count, rawLength: raw, compressedLength: cl), off)
    }

    /// Index of the block holding passage `id` (binary search of the block index).
    func passageBlock(of id: UInt32) -> Int? {
        guard Int(id) < passageCount else { return nil }
        let v = psg.view
        var lo = 0
        var hi = passageBlockCount - 1
        var found: Int? = nil
        while lo <= hi {
            let mid = (lo + hi) / 2
            guard let first = v.u32(psgIndex + mid * PassageBlockEntry.size) else { return nil }
            if first <= id {
                found = mid
                lo = mid + 1
            } else {
                hi = mid - 1
            }
        }
        return found
    }

    /// Inflates block `b` and decodes its passages (or only the one at
    /// `only`, relative to the block's first passage). Nil when damaged.
    func passages(inBlock b: Int, only: Int? = nil) -> [PassageRecord]? {
        guard let (entry, off) = passageBlockEntry(b),
              let z = psg.view.slice(off, Int(entry.compressedLength)),
              let payload = Zlib.decompress(z, rawLength: Int(entry.rawLength)) else { return nil }
        return PassageBlockDecoder.decode(payload, entry: entry, only: only)
    }

    /// The passage with id `id`, or nil when out of range or damaged.
    /// Inflates the block that holds it as far as the passage's end, into a buffer of this call.
    public func passage(_ id: UInt32) -> PassageRecord? {
        passages([id])[id]
    }

    /// The passages with ids `ids`, by id; an id out of range or in a damaged block has no entry.
    /// Each block holding some of them is inflated once, and only as far as the last one it holds
    /// (what a page of search results needs: a few passages, rarely from one block).
    public func passages(_ ids: [UInt32]) -> [UInt32: PassageRecord] {
        var byBlock: [Int: [UInt32]] = [:]
        for id in ids {
            if let b = passageBlock(of: id) { byBlock[b, default: []].append(id) }
        }
        var result: [UInt32: PassageRecord] = [:]
        for (b, blockIDs) in byBlock {
            guard let (entry, off) = passageBlockEntry(b),
                  let z = psg.view.slice(off, Int(entry.compressedLength)),
                  let inflater = PrefixInflater(source: z, rawLength: Int(entry.rawLength)) else { continue }
            let wanted = blockIDs.map { Int($0) - Int(entry.firstPassage) }
            guard let records = PassageBlockDecoder.decode(inflater, entry: entry, wanted: wanted) else { continue }
            for (k, record) in records { result[entry.firstPassage + UInt32(k)] = record }
        }
        return result
    }

    /// The document id of passage `id` without decoding its text (a binary
    /// search of the documents' passage runs).
    public func passageDocument(_ id: UInt32) -> UInt32? {
        guard Int(id) < passageCount else { return nil }
        var lo = 0
        var hi = runStarts.count - 1
        var found: Int? = nil
        while lo <= hi {
            let mid = (lo + hi) / 2
            if runStarts[mid] <= id {
                found = mid
                lo = mid + 1
            } else {
                hi = mid - 1
            }
        }
        return found.map { runDocuments[$0] }
    }

    // MARK: lengths

    /// Length (token count) of passage `passage` in `field`; 0 when absent.
    public func fieldLength(field: UInt8, passage: UInt32) -> UInt32 {
        guard Int(passage) < passageCount, let l = lengths[Int(field)] else { return 0 }
        let v = len.view
        switch l.width {
        case 1: return UInt32(v.u8(l.arrayOffset + Int(passage)) ?? 0)
        case 2:
            let o = l.arrayOffset + 2 * Int(passage)
            guard let lo = v.u8(o), let hi = v.u8(o + 1) else { return 0 }
            return UInt32(lo) | UInt32(hi) << 8
        default: return v.u32(l.arrayOffset + 4 * Int(passage)) ?? 0
        }
    }

    /// Collection statistics of `field` (zeros when the field is absent).
    public func fieldStats(field: UInt8) -> FieldStats {
        lengths[Int(field)]?.stats ?? FieldStats(totalTokens: 0, passagesWithField: 0)
    }

    // MARK: dictionary

    /// Reads the first term of block `b` into `into`; returns false when damaged.
    func firstTerm(_ d: FieldDictionary, block b: Int, into buffer: inout [UInt8]) -> Bool {
        let v = trm.view
        guard let bo = v.offset64(d.blockIndexOffset + 8 * b) else { return false }
        var o = bo
        guard let count = v.varint(&o), count > 0, let shared = v.varint(&o), shared == 0,
              let sl = v.varint(&o), sl <= UInt64(v.count), let bytes = v.slice(o, Int(sl)) else { return false }
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: bytes)
        return true
    }

    /// Index of the last block whose first term is <= `key` (0 if none).
    func startBlock(_ d: FieldDictionary, key: [UInt8]) -> Int {
        var lo = 0
        var hi = d.blockCount - 1
        var buffer: [UInt8] = []
        var result = 0
        while lo <= hi {
            let mid = (lo + hi) / 2
            guard firstTerm(d, block: mid, into: &buffer) else { return result }
            if compareBytes(buffer, key) <= 0 {
                result = mid
                lo = mid + 1
            } else {
                hi = mid - 1
            }
        }
        return result
    }

    /// Looks up a term given as bytes.
    public func termInfo<C: Collection>(field: UInt8, term: C) -> TermInfo? where C.Element == UInt8 {
        termInfo(field: field, term: Array(term))
    }

    /// Looks up a term by decoding the dictionary block that may hold it (any length).
    func termInfoScanning(field: UInt8, term key: [UInt8]) -> TermInfo? {
        guard let d = dictionaries[Int(field)], d.blockCount > 0 else { return nil }
        var it = TermIterator(reader: self, dictionary: d, block: startBlock(d, key: key), prefix: [])
        while let (bytes, info) = it.nextRaw() {
            let c = compareBytes(bytes, key)
            if c == 0 { return info }
            if c > 0 { return nil }
            if it.blockExhausted { return nil }
        }
        return nil
    }

    /// Looks up a term given as a string (its UTF-8 bytes).
    public func termInfo(field: UInt8, term: String) -> TermInfo? {
        var term = term
        return term.withUTF8 { termInfo(field: field, key: UnsafeRawBufferPointer($0)) }
    }

    /// The terms of `field` that start with `prefix`, in ascending byte order.
    /// Only the blocks that can hold matching terms are decoded.
    public func terms<C: Collection>(field: UInt8, prefix: C) -> TermSequence where C.Element == UInt8 {
        TermSequence(reader: self, field: field, prefix: Array(prefix))
    }

    /// The terms of `field` that start with `prefix` (UTF-8), in ascending byte order.
    public func terms(field: UInt8, prefix: String = "") -> TermSequence {
        TermSequence(reader: self, field: field, prefix: Array(prefix.utf8))
    }

    /// A cursor over the postings of a term found in this segment.
    public func postings(for info: TermInfo) -> PostingsCursor {
        PostingsCursor(reader: self, info: info)
    }
}

/// The terms of one field starting with a prefix (see `SegmentReader.terms`).
public struct TermSequence: Sequence, Sendable {
    let reader: SegmentReader
    let field: UInt8
    let prefix: [UInt8]

    /// Makes an iterator positioned before the first matching term.
    public func makeIterator() -> TermIterator {
        guard let d = reader.dictionaries[Int(field)], d.blockCount > 0 else {
            return TermIterator(reader: reader, dictionary: nil, block: 0, prefix: prefix)
        }
        return TermIterator(reader: reader, dictionary: d, block: reader.startBlock(d, key: prefix), prefix: prefix)
    }
}

/// Iterates dictionary entries block by block, decoding prefix compression.
public struct TermIterator: IteratorProtocol, Sendable {
    let reader: SegmentReader
    let dictionary: FieldDictionary?
    let prefix: [UInt8]
    var block: Int
    var offset = 0
    var leftInBlock = 0
    var term: [UInt8] = []
    var prevPst: UInt64 = 0
    var prevPos: UInt64 = 0
    var done = false
    var started = false

    init(reader: SegmentReader, dictionary: FieldDictionary?, block: Int, prefix: [UInt8]) {
        self.reader = reader
        self.dictionary = dictionary
        self.block = block
        self.prefix = prefix
        if dictionary == nil { done = true }
    }

    /// True when the last returned entry was the last one of its block.
    var blockExhausted: Bool { leftInBlock == 0 }

    /// Next entry regardless of prefix (ascending), or nil at the end / on damage.
    mutating func nextRaw() -> ([UInt8], TermInfo)? {
        guard !done, let d = dictionary else { return nil }
        let v = reader.trm.view
        if leftInBlock == 0 {
            if started { block += 1 }
            started = true
            guard block < d.blockCount, let bo = v.offset64(d.blockIndexOffset + 8 * block) else {
                done = true
                return nil
            }
            offset = bo
            guard let c = v.varint(&offset), c > 0, c <= UInt64(IndexFormat.termsPerBlock) else {
                done = true
                return nil
            }
            leftInBlock = Int(c)
            term.removeAll(keepingCapacity: true)
            prevPst = 0
            prevPos = 0
        }
        guard let shared = v.varint(&offset), shared <= UInt64(term.count),
              let sl = v.varint(&offset), sl <= UInt64(v.count),
              let suffix = v.slice(offset, Int(sl)) else {
            done = true
            return nil
        }
        offset += Int(sl)
        guard let df = v.varint32(&offset), let extra = v.varint(&offset),
              let dp = v.varint(&offset), let dq = v.varint(&offset) else {
            done = true
            return nil
        }
        term.removeSubrange(Int(shared)...)
        term.append(contentsOf: suffix)
        let (pst, o1) = prevPst.addingReportingOverflow(dp)
        let (pos, o2) = prevPos.addingReportingOverflow(dq)
        let (ttf, o3) = UInt64(df).addingReportingOverflow(extra)
        guard !o1, !o2, !o3 else {
            done = true
            return nil
        }
        prevPst = pst
        prevPos = pos
        leftInBlock -= 1
        return (term, TermInfo(field: d.field, docFrequency: df, totalTermFrequency: ttf,
                               postingsOffset: pst, positionsOffset: pos))
    }

    /// The next term starting with the prefix, or nil when there are no more.
    public mutating func next() -> TermEntry? {
        while let (bytes, info) = nextRaw() {
            let c = bytes.count >= prefix.count ? compareBytes(Array(bytes[0..<prefix.count]), prefix)
                                                : compareBytes(bytes, prefix)
            if c < 0 { continue }
            if c > 0 || bytes.count < prefix.count {
                done = true
                return nil
            }
            return TermEntry(term: bytes, info: info)
        }
        return nil
    }
}
