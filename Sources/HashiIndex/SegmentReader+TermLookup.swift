extension SegmentReader {
    /// The longest term looked up in place; a longer one takes the general path.
    static let inPlaceTermLimit = 512

    /// Looks up a term given as a byte array, without allocating: a binary search of the blocks'
    /// first terms read straight from the mapping, then one block's terms rebuilt in a stack buffer.
    public func termInfo(field: UInt8, term: [UInt8]) -> TermInfo? {
        term.withUnsafeBytes { key in termInfo(field: field, key: key) }
    }

    /// Looks up the term `key` (UTF-8 bytes) in `field`; nil when absent or damaged.
    func termInfo(field: UInt8, key: UnsafeRawBufferPointer) -> TermInfo? {
        guard let d = dictionaries[Int(field)], d.blockCount > 0 else { return nil }
        guard key.count <= Self.inPlaceTermLimit else { return termInfoScanning(field: field, term: Array(key)) }
        let v = trm.view
        // The last block whose first term is <= key.
        var lo = 0
        var hi = d.blockCount - 1
        var block = 0
        while lo <= hi {
            let mid = (lo + hi) / 2
            guard let first = firstTermBytes(d, block: mid) else { return nil }
            if compareBytes(first, key) <= 0 {
                block = mid
                lo = mid + 1
            } else {
                hi = mid - 1
            }
        }
        guard let blockOffset = v.offset64(d.blockIndexOffset + 8 * block) else { return nil }
        var o = blockOffset
        guard let c = v.varint(&o), c > 0, c <= UInt64(IndexFormat.termsPerBlock) else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.inPlaceTermLimit) { buffer -> TermInfo? in
            guard let base = buffer.baseAddress else { return nil }
            var length = 0
            var prevPst: UInt64 = 0
            var prevPos: UInt64 = 0
            for _ in 0..<Int(c) {
                guard let shared = v.varint(&o) else { return nil }
                // Past a term longer than the buffer, only the general path knows the prefix.
                if shared > UInt64(length) {
                    return length == Self.inPlaceTermLimit ? termInfoScanning(field: field, term: Array(key)) : nil
                }
                guard let sl = v.varint(&o), sl <= UInt64(v.count), let suffix = v.slice(o, Int(sl)) else { return nil }
                o += Int(sl)
                guard let df = v.varint32(&o), let extra = v.varint(&o), let dp = v.varint(&o), let dq = v.varint(&o) else {
                    return nil
                }
                let (pst, o1) = prevPst.addingReportingOverflow(dp)
                let (pos, o2) = prevPos.addingReportingOverflow(dq)
                let (ttf, o3) = UInt64(df).addingReportingOverflow(extra)
                guard !o1, !o2, !o3 else { return nil }
                prevPst = pst
                prevPos = pos
                length = Int(shared)
                // A term longer than the buffer is longer than the key, so it is not the key;
                // keep its first bytes for the comparison (and the next term's shared prefix).
                let take = min(suffix.count, Self.inPlaceTermLimit - length)
                if take > 0, let from = suffix.baseAddress {
                    (base + length).update(from: from.assumingMemoryBound(to: UInt8.self), count: take)
                }
                let fullLength = length + suffix.count
                length += take
                let current = UnsafeRawBufferPointer(start: base, count: length)
                let order = fullLength > length ? (compareBytes(current, key) < 0 ? -1 : 1) : compareBytes(current, key)
                if order == 0 {
                    return TermInfo(field: d.field, docFrequency: df, totalTermFrequency: ttf,
                                    postingsOffset: pst, positionsOffset: pos)
                }
                if order > 0 { return nil }
            }
            return nil
        }
    }

    /// The first term of block `b`, in place.
    private func firstTermBytes(_ d: FieldDictionary, block b: Int) -> UnsafeRawBufferPointer? {
        let v = trm.view
        guard let bo = v.offset64(d.blockIndexOffset + 8 * b) else { return nil }
        var o = bo
        guard let count = v.varint(&o), count > 0, let shared = v.varint(&o), shared == 0,
              let sl = v.varint(&o), sl <= UInt64(v.count) else { return nil }
        return v.slice(o, Int(sl))
    }
}
