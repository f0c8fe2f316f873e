/// Iterates one term's postings in ascending passage id order.
///
/// Reads straight from the segment's mappings. Passage ids and frequencies are
/// decoded one at a time; `advance(to:)` consults the per-block skip table
/// (binary search) and jumps over whole blocks without decoding them;
/// positions are only decoded when `positions()` is called.
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

    var block = 0
    var leftInBlock: Int
    var p: Int
    var prevID: UInt32 = 0
    var readCount = 0
    var posPointer: Int
    var pendingSkip = 0

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
        let bs = IndexFormat.postingsBlockSize
        numBlocks = (df + bs - 1) / bs
        let start = info.postingsOffset <= UInt64(Int.max / 2) ? Int(info.postingsOffset) : Int.max / 2
        skipStart = start
        dataStart = numBlocks > 1 ? start + 12 * numBlocks : start
        posStart = info.positionsOffset <= UInt64(Int.max / 2) ? Int(info.positionsOffset) : Int.max / 2
        leftInBlock = min(df, bs)
        p = dataStart
        posPointer = posStart
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
        leftInBlock = 0
        p = 0
        posPointer = 0
    }

    @inline(__always)
    private mutating func finish() -> UInt32? {
        passage = Self.exhausted
        frequency = 0
        readCount = Int(docFrequency)
        return nil
    }

    /// Moves to the next posting and returns its passage id, or nil at the end.
    @discardableResult
    public mutating func next() -> UInt32? {
        guard readCount < Int(docFrequency) else { return finish() }
        pendingSkip += Int(frequency)
        if leftInBlock == 0 {
            block += 1
            leftInBlock = min(IndexFormat.postingsBlockSize, Int(docFrequency) - block * IndexFormat.postingsBlockSize)
        }
        guard let delta = pst.varint32(&p), let f = pst.varint32(&p) else { return finish() }
        let (id, overflow) = prevID.addingReportingOverflow(delta)
        guard !overflow, id != Self.exhausted else { return finish() }
        prevID = id
        passage = id
        frequency = f
        readCount += 1
        leftInBlock -= 1
        return id
    }

    /// Last passage id of block `b` from the skip table.
    @inline(__always)
    private func skipLast(_ b: Int) -> UInt32? { pst.u32(skipStart + 12 * b) }

    /// Moves to the first posting whose passage id is >= `target` and returns
    /// it, or nil when there is none. Never moves backwards: if the current
    /// passage is already >= `target`, it is returned unchanged.
    @discardableResult
    public mutating func advance(to target: UInt32) -> UInt32? {
        if readCount > 0 {
            if passage == Self.exhausted { return nil }
            if passage >= target { return passage }
        }
        if numBlocks > 1, let last = skipLast(block), target > last {
            // Binary search the first later block whose last id >= target.
            var lo = block + 1
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
            guard found > 0, let prev = skipLast(found - 1),
                  let docOff = pst.u32(skipStart + 12 * found + 4),
                  let posOff = pst.u32(skipStart + 12 * found + 8) else { return finish() }
            block = found
            leftInBlock = min(IndexFormat.postingsBlockSize, Int(docFrequency) - found * IndexFormat.postingsBlockSize)
            p = dataStart + Int(docOff)
            posPointer = posStart + Int(posOff)
            pendingSkip = 0
            frequency = 0
            prevID = prev
            readCount = found * IndexFormat.postingsBlockSize
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
        // Skip the positions of postings passed over since the last read.
        let bytes = pos.bytes
        var o = posPointer
        var toSkip = pendingSkip
        while toSkip > 0 {
            guard o >= 0, o < bytes.count else { return }
            if bytes[o] < 0x80 { toSkip -= 1 }
            o += 1
        }
        posPointer = o
        pendingSkip = 0
        var prev: UInt32 = 0
        for _ in 0..<Int(frequency) {
            guard let d = pos.varint32(&o) else {
                buffer.removeAll(keepingCapacity: true)
                return
            }
            prev &+= d
            buffer.append(prev)
        }
    }
}
