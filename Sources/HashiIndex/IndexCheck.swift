import Foundation

/// One problem found by `IndexCheck`.
public struct IndexProblem: Sendable, Hashable, CustomStringConvertible {
    /// Path of the damaged file.
    public var file: String
    /// Byte offset in `file` where the problem was found.
    public var offset: Int
    /// What is wrong.
    public var message: String

    /// Creates a problem report.
    public init(file: String, offset: Int, message: String) {
        self.file = file
        self.offset = offset
        self.message = message
    }

    /// "file: byte N: message".
    public var description: String { "\(file): byte \(offset): \(message)" }

    init(_ error: IndexError) {
        switch error {
        case let .corrupted(file, offset, reason): self.init(file: file, offset: offset, message: reason)
        case let .versionMismatch(file, _, _): self.init(file: file, offset: 8, message: error.description)
        case let .missingFile(file): self.init(file: file, offset: 0, message: "file is missing")
        case let .io(file, _, _): self.init(file: file, offset: 0, message: error.description)
        case let .locked(_, file): self.init(file: file, offset: 0, message: error.description)
        case let .noIndex(directory): self.init(file: directory, offset: 0, message: error.description)
        case let .invalidInput(message): self.init(file: "", offset: 0, message: message)
        }
    }
}

/// Deep consistency checks of segments (`hashi check`).
public enum IndexCheck {
    /// At most this many problems are reported per segment.
    public static let maximumProblems = 100

    /// Checks every file of segment `name` in `directory`: checksums, headers,
    /// and structure (terms strictly sorted within each field, postings ids
    /// strictly increasing and below the passage count, positions within the
    /// passage length, frequencies matching position counts, skip entries
    /// consistent, stored offsets in bounds, postings tiling their files).
    /// Returns the problems found; an empty list means the segment is healthy.
    public static func verify(directory: URL, segment name: String) -> [IndexProblem] {
        var problems: [IndexProblem] = []
        for kind in SegmentFileKind.allCases {
            let path = directory.path + "/" + kind.fileName(segment: name)
            do {
                let f = try MappedFile(path: path)
                _ = try f.validate(kind: kind)
            } catch {
                problems.append(IndexProblem(error))
            }
        }
        guard problems.isEmpty else { return problems }
        let reader: SegmentReader
        do {
            reader = try SegmentReader(directory: directory, name: name)
        } catch {
            return [IndexProblem(error)]
        }
        var checker = Checker(r: reader)
        checker.run()
        return checker.problems
    }

    /// Checks the deletion file of segment `name` in `directory`: header, checksum, that it covers
    /// the segment's documents and deletes `expectedCount` of them (the manifest's count).
    public static func verifyDeletions(directory: URL, segment name: String, expectedCount: Int) -> [IndexProblem] {
        do {
            _ = try SegmentReader(directory: directory, name: name, deletedDocuments: expectedCount)
            return []
        } catch {
            return [IndexProblem(error)]
        }
    }

    /// Verifies a segment that is already open.
    public static func verify(_ reader: SegmentReader) -> [IndexProblem] {
        var checker = Checker(r: reader)
        checker.run()
        return checker.problems
    }
}

private struct Checker {
    let r: SegmentReader
    var problems: [IndexProblem] = []

    var full: Bool { problems.count >= IndexCheck.maximumProblems }

    mutating func report(_ file: MappedFile, _ offset: Int, _ message: String) {
        if !full { problems.append(IndexProblem(file: file.path, offset: offset, message: message)) }
    }

    mutating func run() {
        checkStores()
        checkLengths()
        checkTerms()
        checkConcepts()
    }

    mutating func checkStores() {
        let pc = r.passageCount
        var owner = [UInt32](repeating: UInt32.max, count: pc)
        for d in 0..<r.documentCount {
            let rec = SegmentReader.docRecordSize
            let at = r.docTable + d * rec
            guard let doc = r.document(UInt32(d)) else {
                report(r.doc, at, "document \(d) cannot be read")
                continue
            }
            let end = Int(doc.firstPassage) + Int(doc.passageCount)
            guard end <= pc else {
                report(r.doc, at + 24, "document \(d) passages \(doc.firstPassage)..<\(end) exceed the passage count \(pc)")
                continue
            }
            for p in Int(doc.firstPassage)..<end {
                if owner[p] != UInt32.max { report(r.doc, at + 24, "passage \(p) is claimed by documents \(owner[p]) and \(d)") }
                owner[p] = UInt32(d)
            }
        }
        for b in 0..<r.passageBlockCount {
            let at = r.psgIndex + b * PassageBlockEntry.size
            guard let (entry, off) = r.passageBlockEntry(b) else {
                report(r.psg, at, "passage block \(b) cannot be read")
                return
            }
            guard let records = r.passages(inBlock: b) else {
                report(r.psg, off, "passage block \(b) (passages \(entry.firstPassage)..<\(Int(entry.firstPassage) + Int(entry.passageCount))) does not inflate to \(entry.rawLength) bytes of well-formed passages")
                if full { return }
                continue
            }
            for (k, rec) in records.enumerated() {
                let p = Int(entry.firstPassage) + k
                if Int(rec.document) >= r.documentCount || owner[p] != rec.document {
                    report(r.psg, off, "passage \(p) names document \(rec.document), which does not list it")
                }
                if rec.startOffset > rec.endOffset {
                    report(r.psg, off, "passage \(p) starts (\(rec.startOffset)) after it ends (\(rec.endOffset))")
                }
            }
            if full { return }
        }
    }

    mutating func checkLengths() {
        for f in 0..<256 {
            guard let l = r.lengths[f] else { continue }
            var total: UInt64 = 0
            var with: UInt32 = 0
            for p in 0..<r.passageCount {
                let v = r.fieldLength(field: UInt8(f), passage: UInt32(p))
                total += UInt64(v)
                if v > 0 { with += 1 }
            }
            if total != l.stats.totalTokens || with != l.stats.passagesWithField {
                report(r.len, l.arrayOffset, "field \(f) statistics (\(l.stats.totalTokens) tokens, \(l.stats.passagesWithField) passages) do not match its lengths (\(total), \(with))")
            }
        }
    }

    mutating func checkConcepts() {
        let v = r.cpt.view
        let body = IndexFormat.headerSize
        if v.u32(body) != 0 || v.count != body + 8 + IndexFormat.footerSize {
            report(r.cpt, body, "the concept table is reserved and must be empty in format \(IndexFormat.version)")
        }
    }

    mutating func checkTerms() {
        let tv = r.trm.view
        var pstEnd = IndexFormat.headerSize
        var posEnd = IndexFormat.headerSize
        var previousIndexEnd = IndexFormat.headerSize + 8
        var fieldCount = 0
        for f in 0..<256 {
            guard let d = r.dictionaries[f] else { continue }
            fieldCount += 1
            if d.blocksOffset < previousIndexEnd {
                report(r.trm, d.blocksOffset, "field \(f) blocks overlap the previous field or the directory")
            }
            var prevTerm: [UInt8]? = nil
            var seen = 0
            var expectedBlockStart = d.blocksOffset
            for b in 0..<d.blockCount {
                let indexAt = d.blockIndexOffset + 8 * b
                guard let bo = tv.offset64(indexAt) else {
                    report(r.trm, indexAt, "block index entry \(b) of field \(f) is out of bounds")
                    return
                }
                if bo != expectedBlockStart {
                    report(r.trm, indexAt, "block \(b) of field \(f) starts at \(bo), expected \(expectedBlockStart)")
                    return
                }
                var o = bo
                guard let count = tv.varint(&o), count > 0, count <= UInt64(IndexFormat.termsPerBlock) else {
                    report(r.trm, bo, "block \(b) of field \(f) has an invalid term count")
                    return
                }
                let expectedCount = min(IndexFormat.termsPerBlock, d.termCount - seen)
                if Int(count) != expectedCount {
                    report(r.trm, bo, "block \(b) of field \(f) holds \(count) terms, expected \(expectedCount)")
                    return
                }
                var term: [UInt8] = []
                var prevPst: UInt64 = 0
                var prevPos: UInt64 = 0
                for e in 0..<Int(count) {
                    let entryAt = o
                    guard let shared = tv.varint(&o), let sl = tv.varint(&o), sl <= UInt64(tv.count),
                          let suffix = tv.slice(o, Int(sl)) else {
                        report(r.trm, entryAt, "term entry \(e) of block \(b), field \(f) runs out of bounds")
                        return
                    }
                    if (e == 0 && shared != 0) || shared > UInt64(term.count) {
                        report(r.trm, entryAt, "term entry \(e) of block \(b), field \(f) shares \(shared) bytes with a \(term.count)-byte term")
                        return
                    }
                    o += Int(sl)
                    guard let df = tv.varint32(&o), let extra = tv.varint(&o), let dp = tv.varint(&o), let dq = tv.varint(&o) else {
                        report(r.trm, entryAt, "term entry \(e) of block \(b), field \(f) is truncated")
                        return
                    }
                    term.removeSubrange(Int(shared)...)
                    term.append(contentsOf: suffix)
                    if let prev = prevTerm, compareBytes(prev, term) >= 0 {
                        report(r.trm, entryAt, "terms of field \(f) are not strictly sorted at term \(seen)")
                    }
                    prevTerm = term
                    seen += 1
                    let (pstAt, o1) = prevPst.addingReportingOverflow(dp)
                    let (posAt, o2) = prevPos.addingReportingOverflow(dq)
                    prevPst = pstAt
                    prevPos = posAt
                    if o1 || o2 || df == 0 || UInt64(df).addingReportingOverflow(extra).overflow {
                        report(r.trm, entryAt, "term entry \(e) of block \(b), field \(f) has invalid statistics")
                        return
                    }
                    let info = TermInfo(field: UInt8(f), docFrequency: df, totalTermFrequency: UInt64(df) + extra,
                                        postingsOffset: pstAt, positionsOffset: posAt)
                    if pstAt != UInt64(pstEnd) || posAt != UInt64(posEnd) {
                        report(r.trm, entryAt, "postings of term \(seen - 1) in field \(f) start at \(pstAt)/\(posAt), expected \(pstEnd)/\(posEnd)")
                        return
                    }
                    guard checkPostings(info, term: seen - 1, pstEnd: &pstEnd, posEnd: &posEnd) else { return }
                    if full { return }
                }
                expectedBlockStart = o
            }
            if expectedBlockStart != d.blockIndexOffset {
                report(r.trm, d.blockIndexOffset, "block index of field \(f) does not follow its last block")
            }
            if seen != d.termCount {
                report(r.trm, d.blockIndexOffset, "field \(f) declares \(d.termCount) terms, found \(seen)")
            }
            previousIndexEnd = d.blockIndexOffset + 8 * d.blockCount
        }
        if previousIndexEnd != r.trm.view.count - IndexFormat.footerSize {
            report(r.trm, previousIndexEnd, "unexpected bytes after the last block index (\(fieldCount) fields)")
        }
        let pstBodyEnd = r.pst.view.count - IndexFormat.footerSize
        let posBodyEnd = r.pos.view.count - IndexFormat.footerSize
        if pstEnd != pstBodyEnd { report(r.pst, pstEnd, "bytes not owned by any term (postings end at \(pstEnd), body ends at \(pstBodyEnd))") }
        if posEnd != posBodyEnd { report(r.pos, posEnd, "bytes not owned by any term (positions end at \(posEnd), body ends at \(posBodyEnd))") }
    }

    /// Decodes one term's postings fully; advances the expected ends. Returns false to stop.
    mutating func checkPostings(_ info: TermInfo, term: Int, pstEnd: inout Int, posEnd: inout Int) -> Bool {
        let pv = r.pst.view
        let df = Int(info.docFrequency)
        let bs = BitPacking.blockSize
        let numBlocks = (df + bs - 1) / bs
        let hasSkip = df >= bs
        let start = pstEnd
        let skipSize = PostingsEncoder.skipEntrySize
        let dataStart = hasSkip ? start + skipSize * numBlocks : start
        let what = "term \(term) (field \(info.field))"
        guard pv.contains(start, dataStart - start) else {
            report(r.pst, start, "skip table of \(what) runs out of bounds")
            return false
        }
        var stream = PositionStream(view: r.pos.view, start: posEnd, total: info.totalTermFrequency)
        var o = dataStart
        var prev: Int64 = -1
        var sum: UInt64 = 0
        var ids = [UInt32](repeating: 0, count: bs)
        var freqs = [UInt32](repeating: 0, count: bs)
        for j in 0..<numBlocks {
            let n = min(bs, df - j * bs)
            let entry = start + skipSize * j
            if hasSkip {
                if pv.u32(entry + 4) != UInt32(truncatingIfNeeded: o - dataStart)
                    || pv.u32(entry + 8) != UInt32(truncatingIfNeeded: stream.blockOfNextValue)
                    || pv.u32(entry + 12) != UInt32(truncatingIfNeeded: stream.index) {
                    report(r.pst, entry, "skip entry \(j) of \(what) has wrong offsets")
                    return false
                }
            }
            let blockAt = o
            if n == bs {
                guard let bd = pv.u8(o), let bf = pv.u8(o + 1), bd <= 32, bf <= 32,
                      pv.contains(o + 2, BitPacking.byteCount(Int(bd) + Int(bf)) + 8), let base = pv.bytes.baseAddress else {
                    report(r.pst, o, "packed block \(j) of \(what) has an invalid header or runs out of bounds")
                    return false
                }
                let idBase = UnsafeRawPointer(base + o + 2)
                let fBase = idBase + BitPacking.byteCount(Int(bd))
                for i in 0..<bs {
                    ids[i] = BitPacking.unpack(idBase, i, Int(bd))
                    freqs[i] = BitPacking.unpack(fBase, i, Int(bf)) &+ 1
                }
                o += 2 + BitPacking.byteCount(Int(bd) + Int(bf))
            } else {
                for i in 0..<n {
                    let at = o
                    guard let x = pv.varint(&o), x >> 33 == 0 else {
                        report(r.pst, at, "posting \(j * bs + i) of \(what) is truncated or too large")
                        return false
                    }
                    ids[i] = UInt32(truncatingIfNeeded: x >> 1)
                    if x & 1 == 1 {
                        freqs[i] = 1
                    } else {
                        guard let f = pv.varint32(&o), f >= 2 else {
                            report(r.pst, at, "posting \(j * bs + i) of \(what) has a missing or invalid frequency")
                            return false
                        }
                        freqs[i] = f
                    }
                }
            }
            for i in 0..<n {
                let id = prev + Int64(ids[i]) + 1
                if id >= Int64(r.passageCount) {
                    report(r.pst, blockAt, "posting \(j * bs + i) of \(what): passage id \(id) is not below \(r.passageCount)")
                    return false
                }
                prev = id
                let freq = freqs[i]
                if freq == 0 {
                    report(r.pst, blockAt, "posting \(j * bs + i) of \(what) has frequency 0")
                    return false
                }
                sum += UInt64(freq)
                if sum > info.totalTermFrequency {
                    report(r.pst, blockAt, "frequencies of \(what) exceed its total frequency \(info.totalTermFrequency)")
                    return false
                }
                let length = r.fieldLength(field: info.field, passage: UInt32(id))
                var p: UInt32 = 0
                for k in 0..<Int(freq) {
                    guard let d = stream.next() else {
                        let (at, why) = stream.damage ?? (posEnd, "positions end early")
                        report(r.pos, at, "position \(k) of passage \(id), \(what): \(why)")
                        return false
                    }
                    let (np, ov) = k == 0 ? (d, false) : p.addingReportingOverflow(d)
                    if ov || np >= length {
                        report(r.pos, stream.end, "position \(np) of passage \(id), \(what) is not below the passage length \(length)")
                        return false
                    }
                    p = np
                }
            }
            if hasSkip && pv.u32(entry) != UInt32(truncatingIfNeeded: prev) {
                report(r.pst, entry, "skip entry \(j) of \(what) names last passage \(pv.u32(entry) ?? 0), actual \(prev)")
                return false
            }
        }
        if sum != info.totalTermFrequency {
            report(r.trm, 0, "\(what): total frequency \(info.totalTermFrequency) but postings sum to \(sum)")
            return false
        }
        pstEnd = o
        posEnd = stream.end
        return true
    }
}
