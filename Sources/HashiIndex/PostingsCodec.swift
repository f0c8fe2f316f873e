/// Frame-of-reference bit packing of blocks of 128 values (see `Index/FORMAT.md`).
///
/// A block of 128 values of width `b` (0–32 bits) takes exactly `16·b` bytes:
/// value `i` occupies bits `i·b ..< (i+1)·b` of the block read as one
/// little-endian bit string (bit `k` is bit `k % 8` of byte `k / 8`).
enum BitPacking {
    static let blockSize = 128

    /// Bits needed for `v` (0 for 0).
    @inline(__always)
    static func bits(_ v: UInt32) -> Int { v == 0 ? 0 : 32 - v.leadingZeroBitCount }

    /// Appends the 128 values starting at `values[from]`, packed with `bits` bits each.
    static func pack(_ values: [UInt32], from: Int, bits: Int, into out: inout [UInt8]) {
        guard bits > 0 else { return }
        precondition(from >= 0 && from + blockSize <= values.count, "a packed block needs 128 values")
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: byteCount(bits)))
        values.withUnsafeBufferPointer { values in
            out.withUnsafeMutableBufferPointer { out in
                var acc: UInt64 = 0
                var filled = 0
                var at = start
                for i in from..<(from + blockSize) {
                    acc |= UInt64(values[i]) << UInt64(filled)
                    filled += bits
                    while filled >= 8 {
                        out[at] = UInt8(truncatingIfNeeded: acc)
                        at += 1
                        acc >>= 8
                        filled -= 8
                    }
                }
            }
        }
        // 128·bits is a multiple of 8: nothing is left over.
    }

    /// Value `i` of a packed block at `base`. The caller guarantees that 8
    /// bytes can be read at `base + (i·bits)/8`.
    @inline(__always)
    static func unpack(_ base: UnsafeRawPointer, _ i: Int, _ bits: Int) -> UInt32 {
        if bits == 0 { return 0 }
        let bit = i &* bits
        let word = UInt64(littleEndian: (base + (bit >> 3)).loadUnaligned(as: UInt64.self))
        return UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & ((1 << UInt64(bits)) &- 1))
    }

    /// `unpack` with the mask `(1 << bits) - 1` precomputed; reads memory even
    /// for width 0 (the caller guarantees 8 readable bytes at `base`).
    @inline(__always)
    static func unpack(_ base: UnsafeRawPointer, _ i: Int, _ bits: Int, mask: UInt64) -> UInt32 {
        let bit = i &* bits
        let word = UInt64(littleEndian: (base + (bit &>> 3)).loadUnaligned(as: UInt64.self))
        return UInt32(truncatingIfNeeded: (word &>> UInt64(bit & 7)) & mask)
    }

    /// Bytes a packed block of width `bits` occupies.
    @inline(__always)
    static func byteCount(_ bits: Int) -> Int { 16 &* bits }
}

/// Encodes one term's postings and positions (shared by `SegmentWriter` and
/// `SegmentMerger`). Holds scratch buffers so that encoding allocates nothing
/// once warmed up.
struct PostingsEncoder {
    private var values: [UInt32] = []
    private var freqs: [UInt32] = []
    private var posBlockOffsets: [UInt32] = []
    /// Encoded postings of the last `encode` call.
    private(set) var pst: [UInt8] = []
    /// Encoded positions of the last `encode` call.
    private(set) var pos: [UInt8] = []

    /// Skip entry size (present iff docFreq ≥ 128).
    static let skipEntrySize = 16

    /// Encodes into `pst` / `pos` (replacing their previous contents).
    /// `positions` holds each posting's positions, ascending, in posting order.
    mutating func encode(passages: [UInt32], frequencies: [UInt32], positions: [UInt32]) {
        pst.removeAll(keepingCapacity: true)
        pos.removeAll(keepingCapacity: true)
        let bs = BitPacking.blockSize
        // Positions: first of each posting absolute, then deltas.
        values.removeAll(keepingCapacity: true)
        var pi = 0
        for f in frequencies {
            var prev: UInt32 = 0
            for k in 0..<Int(f) {
                let p = positions[pi]
                values.append(k == 0 ? p : p &- prev)
                prev = p
                pi += 1
            }
        }
        let total = values.count
        let full = total / bs
        posBlockOffsets.removeAll(keepingCapacity: true)
        for b in 0..<full {
            posBlockOffsets.append(UInt32(truncatingIfNeeded: pos.count))
            var m: UInt32 = 0
            for i in (b * bs)..<(b * bs + bs) { m |= values[i] }
            let bits = BitPacking.bits(m)
            pos.append(UInt8(bits))
            BitPacking.pack(values, from: b * bs, bits: bits, into: &pos)
        }
        posBlockOffsets.append(UInt32(truncatingIfNeeded: pos.count))  // the tail
        for i in (full * bs)..<total { pos.appendVarint(values[i]) }

        // Postings.
        let df = passages.count
        let numBlocks = (df + bs - 1) / bs
        let hasSkip = df >= bs
        if hasSkip { pst.append(contentsOf: repeatElement(0, count: Self.skipEntrySize * numBlocks)) }
        let dataStart = pst.count
        var prev: Int64 = -1
        var posIndex = 0
        for j in 0..<numBlocks {
            let first = j * bs
            let n = min(bs, df - first)
            if hasSkip {
                let e = Self.skipEntrySize * j
                pst.setLE(UInt32(truncatingIfNeeded: pst.count - dataStart), at: e + 4)
                pst.setLE(posBlockOffsets[posIndex / bs], at: e + 8)
                pst.setLE(UInt32(truncatingIfNeeded: posIndex), at: e + 12)
            }
            if n == bs {
                values.removeAll(keepingCapacity: true)
                freqs.removeAll(keepingCapacity: true)
                var md: UInt32 = 0, mf: UInt32 = 0
                for i in first..<(first + n) {
                    let v = UInt32(truncatingIfNeeded: Int64(passages[i]) - prev - 1)
                    prev = Int64(passages[i])
                    values.append(v)
                    freqs.append(frequencies[i] - 1)
                    md |= v
                    mf |= frequencies[i] - 1
                    posIndex += Int(frequencies[i])
                }
                let bd = BitPacking.bits(md), bf = BitPacking.bits(mf)
                pst.append(UInt8(bd))
                pst.append(UInt8(bf))
                BitPacking.pack(values, from: 0, bits: bd, into: &pst)
                BitPacking.pack(freqs, from: 0, bits: bf, into: &pst)
            } else {
                for i in first..<(first + n) {
                    let v = UInt64(Int64(passages[i]) - prev - 1)
                    prev = Int64(passages[i])
                    let f = frequencies[i]
                    pst.appendVarint(v << 1 | (f == 1 ? 1 : 0))
                    if f != 1 { pst.appendVarint(f) }
                    posIndex += Int(f)
                }
            }
            if hasSkip { pst.setLE(UInt32(truncatingIfNeeded: prev), at: Self.skipEntrySize * j) }
        }
    }
}

/// Sequential reader of one term's position values (first-of-posting
/// absolute, then deltas; raw values, not summed), used by `IndexCheck`.
struct PositionStream {
    let view: ByteView
    let start: Int
    let total: Int
    let full: Int
    /// Values read so far.
    private(set) var index = 0
    /// Offset of the next block to open (after the last opened one).
    private(set) var nextBlockAt: Int
    /// Offset of the block holding the last value read.
    private(set) var currentBlockAt: Int
    private var base: UnsafeRawPointer? = nil
    private var bits = 0
    private var tail = false
    private var o = 0
    /// Set when the stream is malformed: (offset, reason).
    private(set) var damage: (Int, String)? = nil

    init(view: ByteView, start: Int, total: UInt64) {
        self.view = view
        self.start = start
        self.total = total > UInt64(Int.max / 2) ? Int.max / 2 : Int(total)
        full = self.total / BitPacking.blockSize
        nextBlockAt = start
        currentBlockAt = start
    }

    /// Offset (relative to `start`) of the block holding value `index` (the next one to read).
    var blockOfNextValue: Int {
        let bs = BitPacking.blockSize
        if index < full * bs ? index % bs == 0 : index == full * bs { return nextBlockAt - start }
        return currentBlockAt - start
    }

    /// Offset just past the stream (valid once every value was read).
    var end: Int { tail ? o : nextBlockAt }

    mutating func next() -> UInt32? {
        guard damage == nil else { return nil }
        guard index < total else {
            damage = (end, "more positions than the term's total frequency")
            return nil
        }
        let bs = BitPacking.blockSize
        if index < full * bs {
            if index % bs == 0 {
                guard let w = view.u8(nextBlockAt), w <= 32, view.contains(nextBlockAt + 1, BitPacking.byteCount(Int(w)) + 8),
                      let b = view.bytes.baseAddress else {
                    damage = (nextBlockAt, "position block header or data invalid")
                    return nil
                }
                currentBlockAt = nextBlockAt
                base = UnsafeRawPointer(b + nextBlockAt + 1)
                bits = Int(w)
                nextBlockAt += 1 + BitPacking.byteCount(Int(w))
            }
            guard let base else { return nil }
            let v = BitPacking.unpack(base, index % bs, bits)
            index += 1
            return v
        }
        if !tail {
            tail = true
            currentBlockAt = nextBlockAt
            o = nextBlockAt
        }
        let at = o
        guard let v = view.varint32(&o) else {
            damage = (at, "position varint truncated or too large")
            return nil
        }
        index += 1
        return v
    }
}
