/// Iterates one term's postings in ascending passage id order.
///
/// Reads straight from the segment's mappings. Full blocks of 128 postings
/// are bit-packed (frame of reference): a posting is two shifts and masks at
/// a computed bit offset, so nothing is decoded ahead and nothing is
/// allocated. `advance(to:)` consults the per-block skip table (binary
/// search) and jumps over whole blocks without decoding them; positions are
/// only decoded when `positions()` is called.
///
/// `@unchecked Sendable`: a cursor is a value; its raw views point into the
/// read-only mappings of `reader`, which it keeps alive.
public struct PostingsCursor: @unchecked Sendable {
    /// The value of `passage` once the cursor is exhausted (and before the first `next()`).
    public static let exhausted: UInt32 = .max

    let reader: SegmentReader?
    let pst: ByteView
    let pos: ByteView
    /// Number of postings.
    public let docFrequency: UInt32
    let numBlocks: Int
    let skipStart: Int
    let dataStart: Int
    let posStart: Int
    /// Number of full (bit-packed) position blocks of the term.
    let fullPosBlocks: Int
    /// The term's positions in all (its total term frequency): no posting's frequency may reach
    /// past it, so damage cannot make a passage claim billions of positions to decode.
    let totalPositions: Int

    // Postings state.
    var block = -1
    var inBlock = 0
    var blockLength = 0
    /// Packed passage-id deltas of the current block (nil in the varint tail).
    var packedIDs: UnsafeRawPointer? = nil
    var packedFreqs: UnsafeRawPointer? = nil
    var bitsD = 0
    var bitsF = 0
    var maskD: UInt64 = 0
    var maskF: UInt64 = 0
    /// Offset of the next block, or of the next posting in the varint tail.
    var p: Int
    var prevID: Int64 = -1
    var readCount = 0

    // Positions state.
    /// Index of the current posting's first position within the term's positions.
    var posIndex = 0
    /// The position block `posBlockOffset` points at.
    var posBlock = 0
    var posBlockOffset: Int
    /// In the varint tail: `tailOffset` is where value `tailIndex` starts (-1: not located yet).
    var tailIndex = -1
    var tailOffset = 0

    /// The current passage id (`exhausted` before the first `next()` and at the end).
    public private(set) var passage: UInt32 = PostingsCursor.exhausted
    /// Occurrences of the term in the current passage.
    public private(set) var frequency: UInt32 = 0

    init(reader: SegmentReader, info: TermInfo) {
        self.reader = reader
        pst = reader.pst.view
        pos = reader.pos.view
        docFrequency = info.docFrequency
        let df = Int(info.docFrequency)
        let bs = BitPacking.blockSize
        numBlocks = (df + bs - 1) / bs
        let start = info.postingsOffset <= UInt64(Int.max / 4) ? Int(info.postingsOffset) : Int.max / 4
        skipStart = start
        dataStart = df >= bs ? start + PostingsEncoder.skipEntrySize * numBlocks : start
        posStart = info.positionsOffset <= UInt64(Int.max / 4) ? Int(info.positionsOffset) : Int.max / 4
        fullPosBlocks = info.totalTermFrequency <= UInt64(Int.max / 4) ? Int(info.totalTermFrequency) / bs : 0
        totalPositions = info.totalTermFrequency <= UInt64(Int.max / 4) ? Int(info.totalTermFrequency) : 0
        p = dataStart
        posBlockOffset = posStart
    }

    /// An empty cursor (no postings).
    public init() {
        reader = nil
        pst = ByteView(bytes: UnsafeRawBufferPointer(start: nil, count: 0))
        pos = pst
        docFrequency = 0
        numBlocks = 0
        skipStart = 0
        dataStart = 0
        posStart = 0
        fullPosBlocks = 0
        totalPositions = 0
        p = 0
        posBlockOffset = 0
    }

    @inline(__always)
    private mutating func finish() -> UInt32? {
        passage = Self.exhausted
        frequency = 0
        readCount = Int(docFrequency)
        return nil
    }

    /// Positions the cursor at the start of block `j` (whose data starts at `p`).
    /// Kept out of line: it runs once per block and would bloat `next()`.
    @inline(never)
    private mutating func openBlock(_ j: Int) -> Bool {
        let bs = BitPacking.blockSize
        block = j
        inBlock = 0
        blockLength = min(bs, Int(docFrequency) - j * bs)
        if blockLength == bs {
            guard let bd = pst.u8(p), let bf = pst.u8(p + 1), bd <= 32, bf <= 32,
                  pst.contains(p + 2, BitPacking.byteCount(Int(bd) + Int(bf)) + 8),
                  let base = pst.bytes.baseAddress else { return false }
            bitsD = Int(bd)
            bitsF = Int(bf)
            maskD = (1 << UInt64(bd)) &- 1
            maskF = (1 << UInt64(bf)) &- 1
            packedIDs = UnsafeRawPointer(base + p + 2)
            packedFreqs = UnsafeRawPointer(base + p + 2 + BitPacking.byteCount(bitsD))
            p += 2 + BitPacking.byteCount(bitsD + bitsF)
        } else {
            packedIDs = nil
        }
        return true
    }

    /// Moves to the next posting and returns its passage id, or nil at the end.
    @discardableResult
    public mutating func next() -> UInt32? {
        guard readCount < Int(docFrequency) else { return finish() }
        posIndex &+= Int(frequency)
        if inBlock == blockLength {
            guard openBlock(block + 1) else { return finish() }
        }
        let v: UInt32
        let f: UInt32
        if let ids = packedIDs, let fs = packedFreqs {
            v = BitPacking.unpack(ids, inBlock, bitsD, mask: maskD)
            f = BitPacking.unpack(fs, inBlock, bitsF, mask: maskF) &+ 1
            guard f != 0 else { return finish() }
        } else {
            // Varint tail: at most 5 bytes per value (35 bits), decoded without
            // per-byte bounds checks when 5 bytes are available.
            guard let x = tailVarint(), x >> 33 == 0 else { return finish() }
            v = UInt32(truncatingIfNeeded: x >> 1)
            if x & 1 == 1 {
                f = 1
            } else {
                guard let g = tailVarint(), g > 0, g <= UInt64(UInt32.max) else { return finish() }
                f = UInt32(truncatingIfNeeded: g)
            }
        }
        let id = prevID + Int64(v) + 1
        guard id < Int64(Self.exhausted), posIndex + Int(f) <= totalPositions else { return finish() }
        prevID = id
        passage = UInt32(truncatingIfNeeded: id)
        frequency = f
        readCount += 1
        inBlock += 1
        return passage
    }

    /// Reads one varint of at most 5 bytes at `p`; nil when longer or out of bounds.
    @inline(__always)
    private mutating func tailVarint() -> UInt64? {
        guard p >= 0, p <= pst.count - 5, let base = pst.bytes.baseAddress else {
            guard let y = pst.varint(&p) else { return nil }
            return y
        }
        let q = UnsafeRawPointer(base + p)
        var b = UInt64(q.load(as: UInt8.self))
        if b < 0x80 {
            p &+= 1
            return b
        }
        var r = b & 0x7F
        b = UInt64(q.load(fromByteOffset: 1, as: UInt8.self))
        r |= (b & 0x7F) << 7
        if b < 0x80 {
            p &+= 2
            return r
        }
        b = UInt64(q.load(fromByteOffset: 2, as: UInt8.self))
        r |= (b & 0x7F) << 14
        if b < 0x80 {
            p &+= 3
            return r
        }
        b = UInt64(q.load(fromByteOffset: 3, as: UInt8.self))
        r |= (b & 0x7F) << 21
        if b < 0x80 {
            p &+= 4
            return r
        }
        b = UInt64(q.load(fromByteOffset: 4, as: UInt8.self))
        r |= (b & 0x7F) << 28
        if b < 0x80 {
            p &+= 5
            return r
        }
        return nil
    }

    /// Last passage id of block `b` from the skip table.
    @inline(__always)
    private func skipLast(_ b: Int) -> UInt32? { pst.u32(skipStart + PostingsEncoder.skipEntrySize * b) }

    /// Moves to the first posting whose passage id is >= `target` and returns
    /// it, or nil when there is none. Never moves backwards: if the current
    /// passage is already >= `target`, it is returned unchanged.
    @discardableResult
    public mutating func advance(to target: UInt32) -> UInt32? {
        if readCount > 0 {
            if passage == Self.exhausted { return nil }
            if passage >= target { return passage }
        }
        let current = max(block, 0)
        if numBlocks > 1, let last = skipLast(current), target > last {
            // Binary search the first later block whose last id >= target.
            var lo = current + 1
            var hi = numBlocks - 1
            var found = -1
            while lo <= hi {
                let mid = (lo + hi) / 2
                guard let l = skipLast(mid) else { return finish() }
                if l >= target {
                    found = mid
                    hi = mid - 1
                } else {
                    lo = mid + 1
                }
            }
            let e = skipStart + PostingsEncoder.skipEntrySize * found
            guard found > 0, let prev = skipLast(found - 1), let docOff = pst.u32(e + 4),
                  let posOff = pst.u32(e + 8), let posFirst = pst.u32(e + 12) else { return finish() }
            block = found - 1
            inBlock = 0
            blockLength = 0
            p = dataStart + Int(docOff)
            prevID = Int64(prev)
            readCount = found * BitPacking.blockSize
            frequency = 0
            posIndex = Int(posFirst)
            posBlock = Int(posFirst) / BitPacking.blockSize
            posBlockOffset = posStart + Int(posOff)
            tailIndex = -1
        }
        while let id = next() {
            if id >= target { return id }
        }
        return nil
    }

    /// Positions of the term in the current passage, ascending.
    public mutating func positions() -> [UInt32] {
        var out: [UInt32] = []
        positions(into: &out)
        return out
    }

    /// Replaces `buffer`'s contents with the positions of the current passage
    /// (avoids allocation when `buffer` has capacity). Empty at the end or on damage.
    public mutating func positions(into buffer: inout [UInt32]) {
        buffer.removeAll(keepingCapacity: true)
        guard readCount > 0, passage != Self.exhausted else { return }
        let count = Int(frequency)
        buffer.reserveCapacity(count)
        var written = 0
        buffer.append(contentsOf: repeatElement(0, count: count))
        buffer.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            written = positions(writingTo: base)
        }
        if written != count { buffer.removeAll(keepingCapacity: true) }
    }

    /// Writes the positions of the current passage, ascending, to `out`, which must have room for
    /// ``frequency`` values, and returns how many were written: ``frequency``, or 0 at the end or on
    /// damage. Allocates nothing.
    public mutating func positions(writingTo out: UnsafeMutablePointer<UInt32>) -> Int {
        guard readCount > 0, passage != Self.exhausted else { return 0 }
        let bs = BitPacking.blockSize
        var i = posIndex
        let end = posIndex + Int(frequency)
        var n = 0
        var value: UInt32 = 0
        var first = true
        // The block of the posting's first position; restored at the end so that
        // a repeated call (or the next posting) can start there.
        var anchorBlock = -1
        var anchorOffset = 0
        defer {
            if anchorBlock >= 0 {
                posBlock = anchorBlock
                posBlockOffset = anchorOffset
            }
        }
        while i < end {
            let b = i / bs
            if b < fullPosBlocks {
                while posBlock < b {
                    guard let w = pos.u8(posBlockOffset), w <= 32 else { return 0 }
                    posBlockOffset += 1 + BitPacking.byteCount(Int(w))
                    posBlock += 1
                }
                guard posBlock == b, let w = pos.u8(posBlockOffset), w <= 32,
                      pos.contains(posBlockOffset + 1, BitPacking.byteCount(Int(w)) + 8),
                      let base = pos.bytes.baseAddress else { return 0 }
                if anchorBlock < 0 {
                    anchorBlock = posBlock
                    anchorOffset = posBlockOffset
                }
                let packed = UnsafeRawPointer(base + posBlockOffset + 1)
                let bits = Int(w)
                let stop = min(end, (b + 1) * bs)
                for k in i..<stop {
                    let d = BitPacking.unpack(packed, k - b * bs, bits)
                    value = first ? d : value &+ d
                    first = false
                    out[n] = value
                    n += 1
                }
                i = stop
            } else {
                if tailIndex < 0 || tailIndex > i {
                    while posBlock < fullPosBlocks {
                        guard let w = pos.u8(posBlockOffset), w <= 32 else { return 0 }
                        posBlockOffset += 1 + BitPacking.byteCount(Int(w))
                        posBlock += 1
                    }
                    tailOffset = posBlockOffset
                    tailIndex = fullPosBlocks * bs
                }
                // Skip the values of postings passed over.
                let bytes = pos.bytes
                var o = tailOffset
                while tailIndex < i {
                    guard o >= 0, o < bytes.count else { return 0 }
                    if bytes[o] < 0x80 { tailIndex += 1 }
                    o += 1
                }
                tailOffset = o
                for _ in i..<end {
                    guard let d = pos.varint32(&o) else { return 0 }
                    value = first ? d : value &+ d
                    first = false
                    out[n] = value
                    n += 1
                }
                i = end
            }
        }
        return n
    }
}
