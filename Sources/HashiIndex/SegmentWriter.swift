import Foundation

/// Accumulates documents, passages and their tokens in memory and writes them
/// as one immutable segment.
///
/// Usage: `addDocument`, then for each of its passages `addPassage` followed by
/// `addToken` calls for that passage's tokens (in any field, any order), then
/// `write(to:name:)`. Passages of one document must be added contiguously.
///
/// Memory: terms are interned into one byte arena with an open-addressing hash
/// table; each term's postings are appended, varint-encoded, to chained slices
/// of one shared byte pool (no per-term or per-posting objects). Tokens of the
/// current passage are buffered as packed `UInt64`s and flushed when the next
/// passage starts.
///
/// Output is deterministic: the same calls produce byte-identical files.
public struct SegmentWriter: Sendable {
    // MARK: documents
    private var docPathArena: [UInt8] = []
    private var docPathOffsets: [UInt64] = []
    private var docPathLengths: [UInt32] = []
    private var docSizes: [UInt64] = []
    private var docModified: [Int64] = []
    private var docHashes: [UInt64] = []

    // MARK: passages
    private var passageDocs: [UInt32] = []
    /// Passage metadata and text, compressed block by block as passages arrive.
    private var store = PassageStoreBuilder()

    // MARK: field lengths (index = field id; arrays are padded lazily)
    private var fieldLengths: [[UInt32]] = Array(repeating: [], count: 256)
    private var fieldUsed: [Bool] = Array(repeating: false, count: 256)

    // MARK: terms
    private(set) var terms = TermTable()
    /// Tokens of the current passage: term id << 32 | position.
    private var pending: [UInt64] = []
    private var pendingPassage: UInt32? = nil
    private var scratch: [UInt8] = []
    private var orphanTokens = 0
    /// Per field, the current passage's token count and span (scratch, zero between passages).
    private var passageFieldCount = [UInt32](repeating: 0, count: 256)
    private var passageFieldSpan = [UInt32](repeating: 0, count: 256)
    private var passageFieldsTouched: [UInt8] = []
    /// Scratch of ``touchTermLines(of:passage:)``, and what its loads add up to.
    private var touchedSlots: [UInt64] = []
    private var touched: UInt32 = 0

    /// Creates an empty writer.
    public init() {}

    /// Creates an empty writer whose postings pool has room for `postingsBytes` bytes from the
    /// start, so it does not grow by doubling (a copy that briefly needs three times the old size)
    /// until it holds that much. Reserved pages that are never written take no physical memory
    /// (large allocations are mapped lazily), so a writer flushed under a memory budget can reserve
    /// most of the budget.
    public init(postingsCapacity postingsBytes: Int) {
        terms.pool.reserveCapacity(max(0, postingsBytes))
    }

    /// Number of documents added so far.
    public var documentCount: Int { docSizes.count }
    /// Number of passages added so far.
    public var passageCount: Int { passageDocs.count }
    /// Number of distinct (field, term) pairs seen so far.
    public var termCount: Int { terms.states.count }

    /// Approximate heap bytes held by the writer (for flushing under a memory budget). The postings
    /// pool counts the bytes in use, not its reserved capacity (see ``init(postingsCapacity:)``).
    /// Every part counts elements, not array capacities: how far an array grows depends on the
    /// allocator (which differs with the threads that used it), and the estimate decides where
    /// segments end, so it must depend on the added content alone.
    public var estimatedMemoryBytes: Int {
        terms.pool.count + terms.arena.count + terms.states.count * MemoryLayout<TermState>.stride
            + terms.slots.count * 8 + store.memoryBytes + docPathArena.count
            + passageDocs.count * 4 + docSizes.count * 40
            + fieldLengths.reduce(0) { $0 + $1.count * 4 }
    }

    /// Adds a document and returns its id (dense from 0).
    @discardableResult
    public mutating func addDocument(path: String, size: UInt64, modified: Int64, contentHash: UInt64) -> UInt32 {
        let id = UInt32(truncatingIfNeeded: docSizes.count)
        docPathOffsets.append(UInt64(docPathArena.count))
        var p = path
        p.withUTF8 { docPathArena.append(contentsOf: $0) }
        docPathLengths.append(UInt32(truncatingIfNeeded: docPathArena.count - Int(docPathOffsets[docPathOffsets.count - 1])))
        docSizes.append(size)
        docModified.append(modified)
        docHashes.append(contentHash)
        return id
    }

    /// Adds a passage of `document` and makes it the current passage for
    /// `addToken`. Returns its id (dense from 0).
    @discardableResult
    public mutating func addPassage(document: UInt32, ordinal: UInt32, line: UInt32,
                                    startOffset: UInt64, endOffset: UInt64, text: String) -> UInt32 {
        flushPending()
        let id = UInt32(truncatingIfNeeded: passageDocs.count)
        passageDocs.append(document)
        store.add(id: id, document: document, ordinal: ordinal, line: line,
                  startOffset: startOffset, endOffset: endOffset, text: text)
        pendingPassage = id
        return id
    }

    /// Adds a passage of `document` with all its tokens, prepared in `postings` (passage `passage`
    /// of it): as ``addPassage(document:ordinal:line:startOffset:endOffset:text:)`` followed by
    /// ``addToken(field:bytes:position:)`` for each of its tokens, with the same result, but most of
    /// the work was done where `postings` was filled. Tokens added after it with `addToken` are
    /// rejected (counted as added before any passage) until the next passage starts.
    @discardableResult
    public mutating func addPassage(document: UInt32, ordinal: UInt32, line: UInt32, startOffset: UInt64,
                                    endOffset: UInt64, text: String, postings: PreparedPostings, passage: Int) -> UInt32 {
        let id = addPassage(document: document, ordinal: ordinal, line: line, startOffset: startOffset,
                            endOffset: endOffset, text: text)
        pendingPassage = nil
        guard passage >= 0 && passage < postings.passageCount else { return id }
        touchTermLines(of: postings, passage: passage)
        postings.terms.withUnsafeBufferPointer { prepared in
            postings.termBytes.withUnsafeBytes { termBytes in
                postings.encoded.withUnsafeBytes { encoded in
                    let start = postings.passageStart(passage)
                    var termAt = start.termBytes
                    var encodedAt = start.encoded
                    for k in start.terms..<postings.passageEnds[passage].terms {
                        let term = prepared[k]
                        let bytes = UnsafeRawBufferPointer(rebasing: termBytes[termAt..<(termAt + Int(term.termLength))])
                        termAt += Int(term.termLength)
                        let t = terms.intern(field: term.field, bytes: bytes, hash: term.hash)
                        let last = terms.states[t].lastPassage
                        let value = terms.states[t].docFreq == 0 ? id : id &- last
                        let body = UnsafeRawBufferPointer(rebasing: encoded[encodedAt..<(encodedAt + Int(term.encodedLength))])
                        encodedAt += Int(term.encodedLength)
                        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 5) { head in
                            var v = value
                            var n = 0
                            while v >= 0x80 {
                                head[n] = UInt8(truncatingIfNeeded: v) | 0x80
                                v >>= 7
                                n += 1
                            }
                            head[n] = UInt8(truncatingIfNeeded: v)
                            terms.appendPosting(t, passage: id, frequency: term.frequency,
                                                head: UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(head)[0...n]),
                                                body: body)
                        }
                        countFieldTokens(term.field, frequency: term.frequency, lastPosition: term.lastPosition)
                    }
                }
            }
        }
        recordFieldLengths(passage: id)
        return id
    }

    /// Reads, for every term of prepared passage `passage`, its slot in the term table, then the
    /// state of the term the slot names, without acting on them: the table is larger than the
    /// caches, and these loads, independent of each other, miss the cache together rather than one
    /// after another when each term is interned in turn (touching the term's bytes and postings
    /// too was measured no faster). Changes nothing but ``touched`` (kept so the loads are not
    /// optimised away).
    private mutating func touchTermLines(of postings: PreparedPostings, passage: Int) {
        let range = postings.passageStart(passage).terms..<postings.passageEnds[passage].terms
        guard range.count > 1 else { return }
        touchedSlots.removeAll(keepingCapacity: true)
        var sum: UInt32 = 0
        terms.slots.withUnsafeBufferPointer { slots in
            postings.terms.withUnsafeBufferPointer { prepared in
                let mask = slots.count - 1
                for k in range {
                    touchedSlots.append(slots[Int(prepared[k].hash) & mask])
                }
            }
        }
        terms.states.withUnsafeBufferPointer { states in
            for slot in touchedSlots where slot != TermTable.emptySlot {
                let t = Int(UInt32(truncatingIfNeeded: slot))
                if t < states.count { sum &+= states[t].pos }
            }
        }
        touched &+= sum
    }

    /// Counts `frequency` tokens of `field` in the current passage, the last at `lastPosition`.
    @inline(__always)
    private mutating func countFieldTokens(_ field: UInt8, frequency: UInt32, lastPosition: UInt32) {
        let f = Int(field)
        if passageFieldCount[f] == 0 && passageFieldSpan[f] == 0 { passageFieldsTouched.append(field) }
        passageFieldCount[f] &+= frequency
        passageFieldSpan[f] = max(passageFieldSpan[f], lastPosition &+ 1)
    }

    /// Records the current passage's length in each field it has tokens in, and clears the counts.
    private mutating func recordFieldLengths(passage: UInt32) {
        for f in passageFieldsTouched {
            let fi = Int(f)
            fieldUsed[fi] = true
            let want = Int(passage)
            if fieldLengths[fi].count < want {
                fieldLengths[fi].append(contentsOf: repeatElement(0, count: want - fieldLengths[fi].count))
            }
            fieldLengths[fi].append(max(passageFieldCount[fi], passageFieldSpan[fi]))
            passageFieldCount[fi] = 0
            passageFieldSpan[fi] = 0
        }
        passageFieldsTouched.removeAll(keepingCapacity: true)
    }

    /// Adds one token of the current passage. `position` is the token's ordinal
    /// in its field within the passage (0, 1, 2, …); a passage's length in a
    /// field is its token count in that field, or one more than its largest
    /// position if that is larger.
    @inlinable
    public mutating func addToken<C: Collection>(field: UInt8, term: C, position: UInt32) where C.Element == UInt8 {
        if let done = term.withContiguousStorageIfAvailable({ addToken(field: field, bytes: UnsafeRawBufferPointer($0), position: position) }) {
            return done
        }
        let copy = Array(term)
        copy.withUnsafeBytes { addToken(field: field, bytes: $0, position: position) }
    }

    /// Adds one token of the current passage, given as a string (its UTF-8 bytes are the term).
    public mutating func addToken(field: UInt8, term: String, position: UInt32) {
        var t = term
        t.withUTF8 { addToken(field: field, bytes: UnsafeRawBufferPointer($0), position: position) }
    }

    /// Adds one token of the current passage from raw bytes (the fastest entry point).
    public mutating func addToken(field: UInt8, bytes: UnsafeRawBufferPointer, position: UInt32) {
        guard pendingPassage != nil else {
            orphanTokens += 1
            return
        }
        let id = terms.intern(field: field, bytes: bytes)
        pending.append(UInt64(id) << 32 | UInt64(position))
    }

    /// Moves the current passage's buffered tokens into the term streams.
    private mutating func flushPending() {
        guard let passage = pendingPassage else { return }
        pendingPassage = nil
        guard !pending.isEmpty else { return }
        pending.sort()
        var i = 0
        let n = pending.count
        while i < n {
            let t = Int(pending[i] >> 32)
            var j = i + 1
            while j < n && Int(pending[j] >> 32) == t { j += 1 }
            let freq = UInt32(j - i)
            var prev: UInt32 = 0
            // Encode the whole posting into a scratch buffer, then copy it into
            // the term's slice chain in as few chunks as possible.
            scratch.removeAll(keepingCapacity: true)
            let last = terms.states[t].lastPassage
            scratch.appendVarint(terms.states[t].docFreq == 0 ? passage : passage &- last)
            scratch.appendVarint(freq)
            for k in i..<j {
                let p = UInt32(truncatingIfNeeded: pending[k])
                scratch.appendVarint(p &- prev)
                prev = p
            }
            scratch.withUnsafeBytes { encoded in
                terms.appendPosting(t, passage: passage, frequency: freq, head: encoded, body: UnsafeRawBufferPointer(start: nil, count: 0))
            }
            countFieldTokens(terms.states[t].field, frequency: freq, lastPosition: prev)
            i = j
        }
        recordFieldLengths(passage: passage)
        pending.removeAll(keepingCapacity: true)
    }

    /// Writes the segment's files (`name.doc`, `.psg`, `.len`, `.trm`, `.pst`,
    /// `.pos`, `.cpt`) into `directory` and fsyncs each of them. The directory
    /// itself is not fsynced (the commit protocol in `IndexDirectory` does that).
    ///
    /// The writer stays usable; writing again includes everything added so far.
    ///
    /// With `threads` above one, terms' postings are encoded on that many threads (runs of terms
    /// at a time, appended in order: the files are the same whatever the number).
    public mutating func write(to directory: URL, name: String, threads: Int = 1) throws(IndexError) -> SegmentSummary {
        try write(to: directory, name: name, threads: threads, runCost: Self.encodingRunCost)
    }

    /// ``write(to:name:threads:)`` with runs of `runCost` postings and positions per thread (tests
    /// use small runs to exercise many).
    mutating func write(to directory: URL, name: String, threads: Int, runCost: Int) throws(IndexError) -> SegmentSummary {
        flushPending()
        try validate()
        return try writeFiles(to: directory, name: name, termCount: termCount) { trm, pst, pos, postings, positions throws(IndexError) in
            try buildTerms(&trm, pst, pos, postingCount: &postings, positionCount: &positions, threads: threads, runCost: runCost)
        }
    }

    /// Writes the store files from this writer's documents, passages and
    /// lengths, and the term files with `buildTerms` (shared with `SegmentMerger`).
    /// The passage store, postings and positions are streamed to disk in chunks.
    func writeFiles(to directory: URL, name: String, termCount: Int,
                    buildTerms: (inout DictionaryBuilder, FileSink, FileSink, inout Int, inout Int) throws(IndexError) -> Void)
        throws(IndexError) -> SegmentSummary {
        let dir = directory.path
        var infos: [SegmentFileKind: SegmentFileInfo] = [:]
        var postingCount = 0
        var positionCount = 0

        func path(_ kind: SegmentFileKind) -> String { dir + "/" + kind.fileName(segment: name) }
        func emit(_ kind: SegmentFileKind, _ image: inout FileImage) throws(IndexError) {
            image.finish()
            try FileIO.writeFile(path(kind), image.bytes)
            let crc = image.bytes.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[($0.count - 4)...]) }
                .loadUnaligned(as: UInt32.self)
            infos[kind] = SegmentFileInfo(name: kind.fileName(segment: name), byteCount: image.bytes.count,
                                          checksum: UInt32(littleEndian: crc))
            image = FileImage(kind: kind)  // release memory early
        }
        func finish(_ kind: SegmentFileKind, _ sink: FileSink) throws(IndexError) {
            let (size, crc) = try sink.finish()
            infos[kind] = SegmentFileInfo(name: kind.fileName(segment: name), byteCount: size, checksum: crc)
        }

        var docImage = buildDocuments()
        try emit(.documents, &docImage)
        try finish(.passages, try writePassages(to: path(.passages)))
        var lenImage = buildLengths()
        try emit(.lengths, &lenImage)

        var dictionary = DictionaryBuilder()
        let pst = try FileSink(path: path(.postings), kind: .postings)
        let pos = try FileSink(path: path(.positions), kind: .positions)
        try buildTerms(&dictionary, pst, pos, &postingCount, &positionCount)
        try finish(.postings, pst)
        try finish(.positions, pos)
        var trm = dictionary.finish()
        try emit(.terms, &trm)

        var cpt = FileImage(kind: .concepts)
        cpt.bytes.appendLE(UInt32(0))
        cpt.bytes.appendLE(UInt32(0))
        try emit(.concepts, &cpt)

        return SegmentSummary(name: name, documentCount: documentCount, passageCount: passageCount,
                              termCount: termCount, postingCount: postingCount, positionCount: positionCount,
                              files: SegmentFileKind.allCases.compactMap { infos[$0] })
    }

    /// Replaces the length array of `field` (used by `SegmentMerger`).
    mutating func setFieldLengths(field: UInt8, _ lengths: [UInt32]) {
        fieldLengths[Int(field)] = lengths
        fieldUsed[Int(field)] = true
    }

    /// Validation for a writer filled by `SegmentMerger`.
    mutating func validateForMerge() throws(IndexError) {
        flushPending()
        try validate()
    }

    private func validate() throws(IndexError) {
        if orphanTokens > 0 {
            throw .invalidInput("\(orphanTokens) token(s) were added before any passage")
        }
        if store.overflowed {
            throw .invalidInput("a passage block exceeds 4 GiB of text")
        }
        if terms.states.contains(where: { $0.totalFreq >= UInt64(UInt32.max) }) {
            throw .invalidInput("a term occurs 2^32 times or more in one segment; flush smaller segments")
        }
        if terms.overflowed {
            throw .invalidInput("segment postings exceed 4 GiB; flush smaller segments")
        }
        guard passageDocs.count < Int(UInt32.max), docSizes.count < Int(UInt32.max) else {
            throw .invalidInput("too many passages or documents for one segment")
        }
        // Passages must reference existing documents, each document's passages contiguous.
        var seen = [Bool](repeating: false, count: docSizes.count)
        var previous: UInt32? = nil
        for (i, d) in passageDocs.enumerated() {
            guard Int(d) < docSizes.count else {
                throw .invalidInput("passage \(i) names document \(d), but only \(docSizes.count) document(s) were added")
            }
            if d != previous {
                if seen[Int(d)] {
                    throw .invalidInput("passages of document \(d) are not contiguous (passage \(i)); add each document's passages together")
                }
                seen[Int(d)] = true
                previous = d
            }
        }
    }

    private func buildDocuments() -> FileImage {
        let n = docSizes.count
        var first = [UInt32](repeating: 0, count: n)
        var count = [UInt32](repeating: 0, count: n)
        for (i, d) in passageDocs.enumerated() {
            let di = Int(d)
            if count[di] == 0 { first[di] = UInt32(i) }
            count[di] += 1
        }
        var img = FileImage(kind: .documents, reserveCapacity: 16 + n * 48 + docPathArena.count)
        let tableStart = IndexFormat.headerSize + 16
        let areaStart = tableStart + n * 48
        img.bytes.appendLE(UInt32(n))
        img.bytes.appendLE(UInt32(0))
        img.bytes.appendLE(UInt64(areaStart))
        for i in 0..<n {
            img.bytes.appendLE(docSizes[i])
            img.bytes.appendLE(UInt64(bitPattern: docModified[i]))
            img.bytes.appendLE(docHashes[i])
            img.bytes.appendLE(first[i])
            img.bytes.appendLE(count[i])
            img.bytes.appendLE(docPathOffsets[i])
            img.bytes.appendLE(docPathLengths[i])
            img.bytes.appendLE(UInt32(0))
        }
        img.bytes.append(contentsOf: docPathArena)
        return img
    }

    /// Streams the `.psg` file: header and block index from memory, then the
    /// compressed blocks (already compressed while passages were added).
    private func writePassages(to path: String) throws(IndexError) -> FileSink {
        let pending = store.pendingBlock()
        let b = store.entries.count + (pending == nil ? 0 : 1)
        let sink = try FileSink(path: path, kind: .passages)
        var head: [UInt8] = []
        let dataStart = IndexFormat.headerSize + 16 + b * PassageBlockEntry.size
        head.appendLE(UInt32(passageDocs.count))
        head.appendLE(UInt32(b))
        head.appendLE(UInt64(dataStart))
        var offset = dataStart
        for e in store.entries + (pending.map { [$0.0] } ?? []) {
            head.appendLE(e.firstPassage)
            head.appendLE(e.passageCount)
            head.appendLE(e.rawLength)
            head.appendLE(e.compressedLength)
            head.appendLE(UInt64(offset))
            offset += Int(e.compressedLength)
        }
        try sink.append(head)
        for z in store.blocks { try sink.append(z) }
        if let (_, z) = pending { try sink.append(z) }
        return sink
    }

    private func buildLengths() -> FileImage {
        let n = passageDocs.count
        let fields = (0..<256).filter { fieldUsed[$0] }
        var widths: [Int] = []
        var img = FileImage(kind: .lengths, reserveCapacity: 8 + fields.count * (32 + 4 * n))
        img.bytes.appendLE(UInt32(fields.count))
        img.bytes.appendLE(UInt32(n))
        var arrayOffset = IndexFormat.headerSize + 8 + fields.count * 32
        for f in fields {
            var total: UInt64 = 0
            var with: UInt32 = 0
            var maximum: UInt32 = 0
            for l in fieldLengths[f] where l > 0 {
                total += UInt64(l)
                with += 1
                maximum = max(maximum, l)
            }
            let width = maximum <= 0xFF ? 1 : (maximum <= 0xFFFF ? 2 : 4)
            widths.append(width)
            img.bytes.appendLE(UInt32(f))
            img.bytes.appendLE(with)
            img.bytes.appendLE(total)
            img.bytes.appendLE(UInt64(arrayOffset))
            img.bytes.appendLE(UInt32(width))
            img.bytes.appendLE(UInt32(0))
            arrayOffset += width * n
        }
        for (k, f) in fields.enumerated() {
            let lengths = fieldLengths[f]
            let width = widths[k]
            for i in 0..<n {
                let l = i < lengths.count ? lengths[i] : 0
                switch width {
                case 1: img.bytes.append(UInt8(l))
                case 2:
                    img.bytes.append(UInt8(truncatingIfNeeded: l))
                    img.bytes.append(UInt8(truncatingIfNeeded: l >> 8))
                default: img.bytes.appendLE(l)
                }
            }
        }
        return img
    }

    private func buildTerms(_ dictionary: inout DictionaryBuilder, _ pst: FileSink, _ pos: FileSink,
                            postingCount: inout Int, positionCount: inout Int, threads: Int, runCost: Int) throws(IndexError) {
        let order = terms.sortedTermIDs()
        var fields: [UInt8] = []
        for t in order where fields.last != terms.states[Int(t)].field { fields.append(terms.states[Int(t)].field) }
        dictionary.reserveFields(fields.count)
        // Postings are encoded in runs of terms, on `threads` threads (on this one when it is 1).
        let table = terms
        let runs = EncodedTermRun.runs(of: order, in: table, cost: runCost)
        var current: UInt8? = nil
        var postings = 0
        var positions = 0
        try EncodedTermRun.encode(order, runs: runs, from: table, threads: threads) { (run) throws(IndexError) in
            let pstBase = UInt64(pst.offset)
            let posBase = UInt64(pos.offset)
            table.arena.withUnsafeBytes { arena in
                for (k, t) in run.terms.enumerated() {
                    let state = table.states[Int(t)]
                    if current != state.field {
                        if current != nil { dictionary.endField() }
                        dictionary.beginField(state.field)
                        current = state.field
                    }
                    let bytes = UnsafeRawBufferPointer(rebasing: arena[Int(state.start)..<Int(state.start + state.length)])
                    dictionary.add(term: bytes, docFrequency: state.docFreq, totalTermFrequency: state.totalFreq,
                                   postingsOffset: pstBase + UInt64(run.pstStarts[k]),
                                   positionsOffset: posBase + UInt64(run.posStarts[k]))
                }
            }
            try pst.append(run.pst)
            try pos.append(run.pos)
            postings += run.postings
            positions += run.positions
        }
        if current != nil { dictionary.endField() }
        postingCount += postings
        positionCount += positions
    }

    /// Postings and positions per run of terms encoded on one thread (see ``EncodedTermRun``):
    /// about 1 MB of decoded values, a few hundred kilobytes encoded.
    static let encodingRunCost = 1 << 18

    /// Encodes one term's postings (with a skip table when it has a full
    /// block) and positions, and appends them. Shared with `SegmentMerger`.
    static func encodePostings(_ encoder: inout PostingsEncoder, passages: [UInt32], frequencies: [UInt32], positions: [UInt32],
                               pst: FileSink, pos: FileSink) throws(IndexError) {
        encoder.encode(passages: passages, frequencies: frequencies, positions: positions)
        try pst.append(encoder.pst)
        try pos.append(encoder.pos)
    }
}

/// Per-term state in the writer (one contiguous array, no objects).
struct TermState: Sendable {
    var hash: UInt32
    var start: UInt32
    var length: UInt32
    var field: UInt8
    var level: UInt8
    var head: UInt32
    var pos: UInt32
    var end: UInt32
    var lastPassage: UInt32
    var docFreq: UInt32
    var totalFreq: UInt64
}

/// Term interning (arena + open addressing) and the postings slice pool.
struct TermTable: Sendable {
    var arena: [UInt8] = []
    var states: [TermState] = []
    /// Open addressing: hash << 32 | term id, or ``emptySlot``.
    var slots: [UInt64] = Array(repeating: TermTable.emptySlot, count: 1024)
    var pool: [UInt8] = []
    var overflowed = false

    static func sliceSize(_ level: UInt8) -> Int { 16 << Int(min(level, 6)) }

    @inline(__always)
    static func hash(field: UInt8, bytes: UnsafeRawBufferPointer) -> UInt32 {
        var h: UInt32 = 0x811C_9DC5 ^ UInt32(field)
        for b in bytes {
            h = (h ^ UInt32(b)) &* 0x0100_0193
        }
        return h ^ (h >> 15)
    }

    mutating func intern(field: UInt8, bytes: UnsafeRawBufferPointer) -> Int {
        intern(field: field, bytes: bytes, hash: Self.hash(field: field, bytes: bytes))
    }

    /// Interns a term whose ``hash(field:bytes:)`` is `h` (computed by the caller).
    ///
    /// A slot holds the term's hash beside its id (hash << 32 | id), so probing past other terms
    /// reads only the slot array; a term's state and bytes are read only when the hash matches.
    mutating func intern(field: UInt8, bytes: UnsafeRawBufferPointer, hash h: UInt32) -> Int {
        let (found, idx) = find(field: field, bytes: bytes, hash: h)
        if found >= 0 { return found }
        // Insert.
        let id = states.count
        let start = arena.count
        arena.append(contentsOf: bytes)
        let head = allocateSlice(level: 0)
        states.append(TermState(hash: h, start: UInt32(truncatingIfNeeded: start), length: UInt32(bytes.count),
                                field: field, level: 0, head: head, pos: head,
                                end: head &+ UInt32(Self.sliceSize(0) - 4),
                                lastPassage: 0, docFreq: 0, totalFreq: 0))
        if arena.count > Int(UInt32.max) { overflowed = true }
        slots[idx] = Self.slot(hash: h, id: id)
        if states.count * 2 > slots.count {
            var newSlots = [UInt64](repeating: Self.emptySlot, count: slots.count * 2)
            let mask = newSlots.count - 1
            for (i, st) in states.enumerated() {
                var j = Int(st.hash) & mask
                while newSlots[j] != Self.emptySlot { j = (j + 1) & mask }
                newSlots[j] = Self.slot(hash: st.hash, id: i)
            }
            slots = newSlots
        }
        return id
    }

    /// The id of the term with hash `h` (or -1 when absent) and the slot where probing stopped
    /// (the term's slot, or the empty slot where it would be inserted).
    @inline(__always)
    func find(field: UInt8, bytes: UnsafeRawBufferPointer, hash h: UInt32) -> (id: Int, slot: Int) {
        let mask = slots.count - 1
        var idx = Int(h) & mask
        let found: Int = slots.withUnsafeBufferPointer { slots in
            states.withUnsafeBufferPointer { states in
                arena.withUnsafeBytes { a in
                    while true {
                        let s = slots[idx]
                        if s == Self.emptySlot { return -1 }
                        if UInt32(truncatingIfNeeded: s >> 32) == h {
                            let id = Int(UInt32(truncatingIfNeeded: s))
                            let st = states[id]
                            if st.field == field && Int(st.length) == bytes.count {
                                guard bytes.count > 0, let pa = a.baseAddress, let pb = bytes.baseAddress else { return id }
                                if memcmp(pa + Int(st.start), pb, bytes.count) == 0 { return id }
                            }
                        }
                        idx = (idx + 1) & mask
                    }
                }
            }
        }
        return (found, idx)
    }

    /// An empty slot (no term id is 2^32 − 1: a segment holds fewer terms).
    static let emptySlot = UInt64.max

    @inline(__always)
    static func slot(hash: UInt32, id: Int) -> UInt64 {
        UInt64(hash) << 32 | UInt64(UInt32(truncatingIfNeeded: id))
    }

    private mutating func allocateSlice(level: UInt8) -> UInt32 {
        let start = pool.count
        pool.append(contentsOf: repeatElement(0, count: Self.sliceSize(level)))
        if pool.count >= Int(UInt32.max) { overflowed = true }
        return UInt32(truncatingIfNeeded: start)
    }

    /// Appends one encoded posting (passage delta, frequency, position
    /// deltas), given as `head` followed by `body`, to term `t`'s stream and
    /// updates its statistics.
    mutating func appendPosting(_ t: Int, passage: UInt32, frequency: UInt32,
                                head: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer) {
        var st = states[t]
        append(head, to: &st)
        append(body, to: &st)
        st.lastPassage = passage
        st.docFreq &+= 1
        st.totalFreq &+= UInt64(frequency)
        states[t] = st
    }

    /// Appends `part` to the slice chain whose write state is `st`, allocating slices as needed.
    @inline(__always)
    private mutating func append(_ part: UnsafeRawBufferPointer, to st: inout TermState) {
        var done = 0
        let n = part.count
        guard n > 0, let source = part.baseAddress else { return }
        while done < n {
            if st.pos == st.end {
                let level = min(st.level + 1, 6)
                let next = allocateSlice(level: level)
                let e = Int(st.end)
                pool[e] = UInt8(truncatingIfNeeded: next)
                pool[e + 1] = UInt8(truncatingIfNeeded: next >> 8)
                pool[e + 2] = UInt8(truncatingIfNeeded: next >> 16)
                pool[e + 3] = UInt8(truncatingIfNeeded: next >> 24)
                st.level = level
                st.pos = next
                st.end = next &+ UInt32(Self.sliceSize(level) - 4)
            }
            let chunk = min(n - done, Int(st.end &- st.pos))
            let at = Int(st.pos)
            pool.withUnsafeMutableBytes { destination in
                if let d = destination.baseAddress { (d + at).copyMemory(from: source + done, byteCount: chunk) }
            }
            done += chunk
            st.pos &+= UInt32(chunk)
        }
    }

    /// Decodes term `t`'s stream into flat arrays (absolute ids and positions).
    ///
    /// The arrays are sized from the term's statistics and filled in place; a varint is read
    /// without per-byte slice checks when it cannot reach the end of its slice.
    func decodeStream(_ t: Int, passages: inout [UInt32], frequencies: inout [UInt32], positions: inout [UInt32]) {
        let st = states[t]
        let df = Int(st.docFreq)
        let tf = Int(truncatingIfNeeded: st.totalFreq)
        Self.resize(&passages, to: df)
        Self.resize(&frequencies, to: df)
        Self.resize(&positions, to: tf)
        var filledPositions = 0
        pool.withUnsafeBufferPointer { pool in
            passages.withUnsafeMutableBufferPointer { passageOut in
                frequencies.withUnsafeMutableBufferPointer { frequencyOut in
                    positions.withUnsafeMutableBufferPointer { positionOut in
                        var reader = SliceReader(pool: pool, head: Int(st.head))
                        var last: UInt32 = 0
                        var pi = 0
                        for i in 0..<df {
                            let delta = reader.varint()
                            last = i == 0 ? delta : last &+ delta
                            passageOut[i] = last
                            let f = reader.varint()
                            frequencyOut[i] = f
                            let n = min(Int(f), tf - pi)
                            var prev: UInt32 = 0
                            for k in 0..<n {
                                prev &+= reader.varint()
                                positionOut[pi + k] = prev
                            }
                            pi += n
                        }
                        filledPositions = pi
                    }
                }
            }
        }
        if filledPositions < tf { positions.removeLast(tf - filledPositions) }
    }

    /// Makes `values` hold `count` elements (their values are about to be overwritten), keeping
    /// its capacity.
    @inline(__always)
    static func resize(_ values: inout [UInt32], to count: Int) {
        if values.count > count {
            values.removeLast(values.count - count)
        } else if values.count < count {
            values.append(contentsOf: repeatElement(0, count: count - values.count))
        }
    }

    /// Reads the varints of a term's chain of pool slices (see ``sliceSize(_:)``).
    struct SliceReader {
        let pool: UnsafeBufferPointer<UInt8>
        var p: Int
        var end: Int
        var level: UInt8 = 0

        init(pool: UnsafeBufferPointer<UInt8>, head: Int) {
            self.pool = pool
            p = head
            end = head + TermTable.sliceSize(0) - 4
        }

        @inline(__always)
        mutating func byte() -> UInt8 {
            if p == end {
                let next = Int(pool[end]) | Int(pool[end + 1]) << 8 | Int(pool[end + 2]) << 16 | Int(pool[end + 3]) << 24
                level = min(level + 1, 6)
                p = next
                end = next + TermTable.sliceSize(level) - 4
            }
            let b = pool[p]
            p += 1
            return b
        }

        @inline(__always)
        mutating func varint() -> UInt32 {
            if end - p >= 5 {
                // The varint (at most 5 bytes) ends in this slice.
                var r: UInt32 = 0
                var shift: UInt32 = 0
                while true {
                    let b = pool[p]
                    p += 1
                    r |= UInt32(b & 0x7F) << shift
                    if b < 0x80 || shift >= 28 { return r }
                    shift += 7
                }
            }
            var r: UInt32 = 0
            var shift: UInt32 = 0
            while true {
                let b = byte()
                r |= UInt32(b & 0x7F) << shift
                if b < 0x80 || shift >= 28 { return r }
                shift += 7
            }
        }
    }

    /// Term ids sorted by (field, bytes).
    ///
    /// Sorted as keys of the field and the first eight bytes (big-endian, zero-padded) beside the
    /// id, so most comparisons read neither the states nor the arena; equal keys compare the
    /// whole terms. (field, bytes) is unique per term, so the order is the one any sort gives.
    func sortedTermIDs() -> [UInt32] {
        struct Key {
            var field: UInt8
            var prefix: UInt64
            var id: UInt32
        }
        var keys: [Key] = []
        keys.reserveCapacity(states.count)
        arena.withUnsafeBytes { a in
            for (id, st) in states.enumerated() {
                var prefix: UInt64 = 0
                let n = Swift.min(Int(st.length), 8)
                for k in 0..<n { prefix |= UInt64(a[Int(st.start) + k]) << UInt64(56 - 8 * k) }
                keys.append(Key(field: st.field, prefix: prefix, id: UInt32(truncatingIfNeeded: id)))
            }
        }
        states.withUnsafeBufferPointer { st in
            arena.withUnsafeBytes { a in
                keys.sort { x, y in
                    if x.field != y.field { return x.field < y.field }
                    if x.prefix != y.prefix { return x.prefix < y.prefix }
                    let sx = st[Int(x.id)], sy = st[Int(y.id)]
                    let bx = UnsafeRawBufferPointer(rebasing: a[Int(sx.start)..<Int(sx.start + sx.length)])
                    let by = UnsafeRawBufferPointer(rebasing: a[Int(sy.start)..<Int(sy.start + sy.length)])
                    return compareBytes(bx, by) < 0
                }
            }
        }
        return keys.map(\.id)
    }
}

/// Writes the `.trm` file: field directory, prefix-compressed blocks of
/// `IndexFormat.termsPerBlock` terms, and per-field block indexes. Terms must
/// be added in ascending (field, bytes) order.
struct DictionaryBuilder {
    var image = FileImage(kind: .terms)
    private var directoryStart = 0
    private var fieldSlot = -1
    private var field: UInt8 = 0
    private var blockOffsets: [UInt64] = []
    private var blocksStart = 0
    private var blockStart = 0
    private var inBlock = 0
    private var termsInField = 0
    private var prevTerm: [UInt8] = []
    private var prevPst: UInt64 = 0
    private var prevPos: UInt64 = 0

    mutating func reserveFields(_ count: Int) {
        image.bytes.appendLE(UInt32(count))
        image.bytes.appendLE(UInt32(0))
        directoryStart = image.offset
        image.bytes.append(contentsOf: repeatElement(0, count: count * 32))
    }

    mutating func beginField(_ f: UInt8) {
        fieldSlot += 1
        field = f
        blockOffsets.removeAll(keepingCapacity: true)
        blocksStart = image.offset
        inBlock = 0
        termsInField = 0
    }

    private mutating func closeBlock() {
        if inBlock > 0 { image.bytes[blockStart] = UInt8(inBlock) }  // n ≤ 32 is a one-byte varint
        inBlock = 0
    }

    mutating func add(term: UnsafeRawBufferPointer, docFrequency: UInt32, totalTermFrequency: UInt64,
                      postingsOffset: UInt64, positionsOffset: UInt64) {
        if inBlock == 0 {
            blockStart = image.offset
            blockOffsets.append(UInt64(blockStart))
            image.bytes.append(0)  // patched with the term count in closeBlock
            prevTerm.removeAll(keepingCapacity: true)
            prevPst = 0
            prevPos = 0
        }
        var shared = 0
        let limit = min(prevTerm.count, term.count)
        while shared < limit && prevTerm[shared] == term[shared] { shared += 1 }
        image.bytes.appendVarint(UInt64(shared))
        image.bytes.appendVarint(UInt64(term.count - shared))
        image.bytes.append(contentsOf: term[shared...])
        image.bytes.appendVarint(UInt64(docFrequency))
        image.bytes.appendVarint(totalTermFrequency - UInt64(docFrequency))
        image.bytes.appendVarint(postingsOffset - prevPst)
        image.bytes.appendVarint(positionsOffset - prevPos)
        prevPst = postingsOffset
        prevPos = positionsOffset
        prevTerm.removeAll(keepingCapacity: true)
        prevTerm.append(contentsOf: term)
        inBlock += 1
        termsInField += 1
        if inBlock == IndexFormat.termsPerBlock { closeBlock() }
    }

    mutating func endField() {
        closeBlock()
        let indexStart = image.offset
        for o in blockOffsets { image.bytes.appendLE(o) }
        let d = directoryStart + fieldSlot * 32
        image.bytes.setLE(UInt32(field), at: d)
        image.bytes.setLE(UInt32(termsInField), at: d + 4)
        image.bytes.setLE(UInt32(blockOffsets.count), at: d + 8)
        image.bytes.setLE(UInt32(0), at: d + 12)
        image.bytes.setLE(UInt64(indexStart), at: d + 16)
        image.bytes.setLE(UInt64(blocksStart), at: d + 24)
    }

    mutating func finish() -> FileImage {
        if directoryStart == 0 { reserveFields(0) }
        return image
    }
}
