import Foundation

/// Merges several segments into one, so a builder can flush segments under a
/// memory budget and merge them at the end, and so that an incremental build can
/// drop deleted documents and keep the segment count bounded.
///
/// Deleted documents (`SegmentReader.deletedDocuments`) are left out with their
/// passages and postings; terms that occur only in them disappear.
///
/// Documents and passages are concatenated in input order (ids of segment
/// `k` are shifted by the counts of segments `0..<k`); term dictionaries are
/// merged with a streaming k-way merge (one block iterator per input), and
/// each term's postings are concatenated in segment order. Merging segments
/// written from consecutive slices of the input produces exactly the bytes
/// that writing the whole input as one segment would.
public enum SegmentMerger {
    /// The id of a deleted document's document or passage in the merge maps.
    private static let dropped = UInt32.max

    /// Merges `segments` (in order) into segment `name` in `directory` and
    /// fsyncs its files.
    public static func merge(_ segments: [SegmentReader], into directory: URL, name: String) throws(IndexError) -> SegmentSummary {
        var w = SegmentWriter()
        // Per input: the merged id of each of its passages (`dropped` for a deleted document's).
        var passageMaps: [[UInt32]] = []
        var documents = 0
        var passages = 0
        for s in segments {
            guard documents + s.documentCount < Int(UInt32.max), passages + s.passageCount < Int(UInt32.max) else {
                throw .invalidInput("merged segment would exceed 2^32 documents or passages")
            }
            var documentMap = [UInt32](repeating: dropped, count: s.documentCount)
            for d in 0..<s.documentCount where !s.isDeleted(document: UInt32(d)) {
                guard let doc = s.document(UInt32(d)) else {
                    throw .corrupted(file: s.doc.path, offset: s.docTable + d * SegmentReader.docRecordSize, reason: "document \(d) is unreadable")
                }
                documentMap[d] = w.addDocument(path: doc.path, size: doc.size, modified: doc.modified, contentHash: doc.contentHash)
            }
            var passageMap = [UInt32](repeating: dropped, count: s.passageCount)
            var id = 0
            for b in 0..<s.passageBlockCount {
                guard let records = s.passages(inBlock: b) else {
                    throw .corrupted(file: s.psg.path, offset: s.psgIndex + b * PassageBlockEntry.size, reason: "passage block \(b) is unreadable")
                }
                for rec in records {
                    defer { id += 1 }
                    guard Int(rec.document) < documentMap.count, id < passageMap.count else {
                        throw .corrupted(file: s.psg.path, offset: s.psgIndex + b * PassageBlockEntry.size, reason: "passage \(id) names a missing document")
                    }
                    let document = documentMap[Int(rec.document)]
                    guard document != dropped else { continue }
                    passageMap[id] = w.addPassage(document: document, ordinal: rec.ordinal, line: rec.line,
                                                  startOffset: rec.startOffset, endOffset: rec.endOffset, text: rec.text)
                }
            }
            passageMaps.append(passageMap)
            documents = w.documentCount
            passages = w.passageCount
        }
        // Field lengths: concatenate per field, leaving out deleted passages.
        var fields: [UInt8] = []
        for f in 0..<256 where segments.contains(where: { $0.lengths[f] != nil }) { fields.append(UInt8(f)) }
        // A field only deleted passages used is left out (as a writer fed the live documents would).
        var liveFields: Set<UInt8> = []
        for f in fields {
            var lengths: [UInt32] = []
            lengths.reserveCapacity(passages)
            var used = false
            for (k, s) in segments.enumerated() {
                for p in 0..<s.passageCount where passageMaps[k][p] != dropped {
                    let length = s.fieldLength(field: f, passage: UInt32(p))
                    used = used || length > 0
                    lengths.append(length)
                }
            }
            guard used else { continue }
            liveFields.insert(f)
            w.setFieldLengths(field: f, lengths)
        }
        try w.validateForMerge()

        var termFields: [UInt8] = []
        for f in 0..<256 where liveFields.contains(UInt8(f)) && segments.contains(where: { $0.dictionaries[f] != nil }) {
            termFields.append(UInt8(f))
        }
        var mergedTerms = 0
        let summary = try w.writeFiles(to: directory, name: name, termCount: 0) { dictionary, pst, pos, postingCount, positionCount throws(IndexError) in
            dictionary.reserveFields(termFields.count)
            var ids: [UInt32] = []
            var freqs: [UInt32] = []
            var positions: [UInt32] = []
            var buffer: [UInt32] = []
            var encoder = PostingsEncoder()
            for f in termFields {
                dictionary.beginField(f)
                var iterators = segments.map { $0.terms(field: f, prefix: [UInt8]()).makeIterator() }
                var heads: [([UInt8], TermInfo)?] = iterators.indices.map { iterators[$0].nextRaw() }
                while true {
                    // Smallest current term among the inputs (k is small: linear scan).
                    var smallest: [UInt8]? = nil
                    for h in heads {
                        if let (t, _) = h, smallest.map({ compareBytes(t, $0) < 0 }) ?? true { smallest = t }
                    }
                    guard let term = smallest else { break }
                    ids.removeAll(keepingCapacity: true)
                    freqs.removeAll(keepingCapacity: true)
                    positions.removeAll(keepingCapacity: true)
                    for k in heads.indices {
                        guard let (t, info) = heads[k], t == term else { continue }
                        var c = segments[k].postings(for: info)
                        var n = 0
                        let map = passageMaps[k]
                        while let id = c.next() {
                            c.positions(into: &buffer)
                            guard buffer.count == Int(c.frequency), Int(id) < map.count else {
                                throw .corrupted(file: segments[k].pos.path, offset: Int(info.positionsOffset), reason: "positions of a term are unreadable")
                            }
                            n += 1
                            guard map[Int(id)] != dropped else { continue }
                            ids.append(map[Int(id)])
                            freqs.append(c.frequency)
                            positions.append(contentsOf: buffer)
                        }
                        guard n == Int(info.docFrequency) else {
                            throw .corrupted(file: segments[k].pst.path, offset: Int(info.postingsOffset), reason: "postings of a term are unreadable")
                        }
                        heads[k] = iterators[k].nextRaw()
                    }
                    // A term found only in deleted passages is left out.
                    guard !ids.isEmpty else { continue }
                    let pstStart = UInt64(pst.offset)
                    let posStart = UInt64(pos.offset)
                    try SegmentWriter.encodePostings(&encoder, passages: ids, frequencies: freqs, positions: positions, pst: pst, pos: pos)
                    postingCount += ids.count
                    positionCount += positions.count
                    term.withUnsafeBytes { bytes in
                        dictionary.add(term: bytes, docFrequency: UInt32(ids.count),
                                       totalTermFrequency: UInt64(positions.count),
                                       postingsOffset: pstStart, positionsOffset: posStart)
                    }
                    mergedTerms += 1
                }
                dictionary.endField()
            }
        }
        var result = summary
        result.termCount = mergedTerms
        return result
    }
}
