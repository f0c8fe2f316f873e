import CZlib

/// One entry of the `.psg` block index (see `Index/FORMAT.md`).
struct PassageBlockEntry: Sendable, Equatable {
    /// Id of the block's first passage.
    var firstPassage: UInt32
    /// Number of passages in the block (≥ 1).
    var passageCount: UInt32
    /// Length of the inflated payload (metadata + texts).
    var rawLength: UInt32
    /// Length of the zlib stream.
    var compressedLength: UInt32

    static let size = 24
}

/// zlib helpers (passage blocks, and the `Hashi` layer's mined glosses). Every function is
/// reentrant: buffers are per call.
public enum Zlib {
    /// Compression level for passage blocks (zlib 0–9).
    public static let level: Int32 = 4

    /// Compresses `source` into a zlib stream (RFC 1950: header, deflate data, Adler-32) at
    /// `level` (0–9; the passage blocks' ``level`` unless told).
    public static func compress(_ source: [UInt8], level: Int32 = Zlib.level) -> [UInt8] {
        let bound = Int(compressBound(uLong(source.count)))
        var out = [UInt8](repeating: 0, count: bound)
        var destLength = uLongf(bound)
        let one: [UInt8] = [0]
        let rc = out.withUnsafeMutableBufferPointer { dst in
            (source.isEmpty ? one : source).withUnsafeBufferPointer { src in
                compress2(dst.baseAddress, &destLength, src.baseAddress, uLong(source.count), level)
            }
        }
        precondition(rc == Z_OK, "zlib compress2 failed (\(rc))")
        // A copy of just the output: the buffer has room for incompressible input, and callers keep
        // the result (a segment's passage blocks until it is written: 19 MB instead of 7 on the
        // Debian corpus when the spare capacity was kept).
        return Array(out[..<Int(destLength)])
    }

    /// Inflates a zlib stream that must decode to exactly `rawLength` bytes;
    /// nil when the stream is damaged, too short or too long.
    public static func decompress(_ source: UnsafeRawBufferPointer, rawLength: Int) -> [UInt8]? {
        guard let base = source.baseAddress, source.count > 0, rawLength >= 0 else { return nil }
        var ok = false
        // One spare byte: a stream that inflates to more than rawLength fails with Z_BUF_ERROR
        // or reports a longer length.
        let capacity = rawLength + 1
        let out = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            var destLength = uLongf(capacity)
            let rc = uncompress(buffer.baseAddress, &destLength, base.assumingMemoryBound(to: Bytef.self), uLong(source.count))
            ok = rc == Z_OK && Int(destLength) == rawLength
            count = ok ? rawLength : 0
        }
        return ok ? out : nil
    }
}

/// Zigzag mapping of a wrapping 64-bit difference (small negative and positive
/// values both become small unsigned values).
@inline(__always) func zigzag(_ v: UInt64) -> UInt64 {
    let s = Int64(bitPattern: v)
    return UInt64(bitPattern: (s << 1) ^ (s >> 63))
}

@inline(__always) func unzigzag(_ v: UInt64) -> UInt64 {
    (v >> 1) ^ (0 &- (v & 1))
}

/// Builds the compressed passage blocks while passages are added: metadata
/// and text of the current block are buffered; once the block's text reaches
/// `IndexFormat.passageBlockTarget` bytes the block is deflated and only the
/// compressed bytes are kept.
struct PassageStoreBuilder: Sendable {
    private(set) var entries: [PassageBlockEntry] = []
    /// Compressed blocks, one array each (no large reallocations).
    private(set) var blocks: [[UInt8]] = []
    private(set) var compressedBytes = 0
    private var meta: [UInt8] = []
    private var text: [UInt8] = []
    private var first: UInt32 = 0
    private var count: UInt32 = 0
    private var prevDocument: UInt32 = 0
    private var prevLine: UInt32 = 0
    private var prevEnd: UInt64 = 0
    private(set) var overflowed = false

    /// Bytes held, counted from the content (not array capacities, which depend on the allocator).
    var memoryBytes: Int { compressedBytes + meta.count + text.count + entries.count * PassageBlockEntry.size }

    mutating func add(id: UInt32, document: UInt32, ordinal: UInt32, line: UInt32,
                      startOffset: UInt64, endOffset: UInt64, text passageText: String) {
        if count == 0 {
            first = id
            prevDocument = 0
            prevLine = 0
            prevEnd = 0
        }
        let before = text.count
        var t = passageText
        t.withUTF8 { text.append(contentsOf: $0) }
        let length = text.count - before
        meta.appendVarint(zigzag(UInt64(document) &- UInt64(prevDocument)))
        meta.appendVarint(ordinal)
        meta.appendVarint(zigzag(UInt64(line) &- UInt64(prevLine)))
        meta.appendVarint(zigzag(startOffset &- prevEnd))
        meta.appendVarint(zigzag(endOffset &- startOffset))
        meta.appendVarint(UInt64(length))
        prevDocument = document
        prevLine = line
        prevEnd = endOffset
        count += 1
        if text.count >= IndexFormat.passageBlockTarget { closeBlock() }
    }

    /// The current block's entry and compressed bytes, without closing it.
    func pendingBlock() -> (PassageBlockEntry, [UInt8])? {
        guard count > 0 else { return nil }
        let raw = meta + text
        let z = Zlib.compress(raw)
        return (PassageBlockEntry(firstPassage: first, passageCount: count, rawLength: UInt32(truncatingIfNeeded: raw.count),
                                  compressedLength: UInt32(truncatingIfNeeded: z.count)), z)
    }

    private mutating func closeBlock() {
        guard let (entry, z) = pendingBlock() else { return }
        if meta.count + text.count > Int(UInt32.max) { overflowed = true }
        entries.append(entry)
        blocks.append(z)
        compressedBytes += z.count
        meta.removeAll(keepingCapacity: true)
        text.removeAll(keepingCapacity: true)
        if text.capacity > 4 * IndexFormat.passageBlockTarget { text = [] }  // after one huge passage
        count = 0
    }
}

/// Decodes the passages of one block: its metadata (six varints per passage), then its texts.
enum PassageBlockDecoder {
    /// One passage's metadata, with its text's length.
    private struct Meta {
        var document: UInt32
        var ordinal: UInt32
        var line: UInt32
        var startOffset: UInt64
        var endOffset: UInt64
        var textLength: Int
    }

    /// The metadata of `count` passages at the start of `raw` and where it ends; nil when `raw`
    /// ends first or holds a value out of range.
    private static func metadata(_ raw: UnsafeRawBufferPointer, count n: Int) -> (metas: [Meta], end: Int)? {
        let v = ByteView(bytes: raw)
        var o = 0
        var doc: UInt64 = 0, line: UInt64 = 0, end: UInt64 = 0
        var metas: [Meta] = []
        metas.reserveCapacity(n)
        for _ in 0..<n {
            guard let dd = v.varint(&o), let ord = v.varint32(&o), let dl = v.varint(&o),
                  let ds = v.varint(&o), let dl2 = v.varint(&o), let tl = v.varint(&o) else { return nil }
            doc = doc &+ unzigzag(dd)
            line = line &+ unzigzag(dl)
            let start = end &+ unzigzag(ds)
            end = start &+ unzigzag(dl2)
            guard doc <= UInt64(UInt32.max), line <= UInt64(UInt32.max), tl <= UInt64(UInt32.max) else { return nil }
            metas.append(Meta(document: UInt32(doc), ordinal: ord, line: UInt32(line), startOffset: start, endOffset: end,
                              textLength: Int(tl)))
        }
        return (metas, o)
    }

    private static func record(_ m: Meta, text: UnsafeRawBufferPointer) -> PassageRecord {
        PassageRecord(document: m.document, ordinal: m.ordinal, line: m.line, startOffset: m.startOffset,
                      endOffset: m.endOffset, text: String(decoding: text, as: UTF8.self))
    }

    /// Decodes all `entry.passageCount` passages of `payload`; nil when the
    /// metadata is malformed or the texts do not exactly fill the payload.
    static func decode(_ payload: [UInt8], entry: PassageBlockEntry, only: Int? = nil) -> [PassageRecord]? {
        payload.withUnsafeBytes { raw -> [PassageRecord]? in
            guard let (metas, metaEnd) = metadata(raw, count: Int(entry.passageCount)),
                  metas.reduce(0, { $0 + $1.textLength }) == raw.count - metaEnd else { return nil }
            var out: [PassageRecord] = []
            out.reserveCapacity(only == nil ? metas.count : 1)
            var o = metaEnd
            for (i, m) in metas.enumerated() {
                if only == nil || only == i {
                    out.append(record(m, text: UnsafeRawBufferPointer(rebasing: raw[o..<(o + m.textLength)])))
                }
                o += m.textLength
            }
            return out
        }
    }

    /// Decodes the passages at block-relative indexes `wanted`, inflating the block only as far as
    /// the last of them (the metadata first, in growing steps, then the texts up to the last one
    /// wanted). Nil when an index is out of range or the block is malformed.
    static func decode(_ inflater: PrefixInflater, entry: PassageBlockEntry, wanted: [Int]) -> [Int: PassageRecord]? {
        let n = Int(entry.passageCount)
        guard let last = wanted.max(), let first = wanted.min(), first >= 0, last < n else { return nil }
        let rawLength = inflater.rawLength
        // A passage's metadata is usually a few bytes; start with a guess and double until it parses.
        var step = min(rawLength, 64 + 8 * n)
        var parsed: (metas: [Meta], end: Int)? = nil
        while parsed == nil {
            guard inflater.ensure(step) else { return nil }
            parsed = metadata(inflater.bytes, count: n)
            if parsed == nil {
                guard step < rawLength else { return nil }
                step = min(rawLength, step * 2)
            }
        }
        guard let (metas, metaEnd) = parsed,
              metas.reduce(0, { $0 + $1.textLength }) == rawLength - metaEnd else { return nil }
        var starts: [Int] = []
        starts.reserveCapacity(last + 1)
        var o = metaEnd
        for m in metas[0...last] {
            starts.append(o)
            o += m.textLength
        }
        guard inflater.ensure(o) else { return nil }
        let raw = inflater.bytes
        var out: [Int: PassageRecord] = [:]
        for i in wanted {
            out[i] = record(metas[i], text: UnsafeRawBufferPointer(rebasing: raw[starts[i]..<(starts[i] + metas[i].textLength)]))
        }
        return out
    }
}
