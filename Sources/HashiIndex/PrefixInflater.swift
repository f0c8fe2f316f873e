import CZlib

/// Inflates a zlib stream only as far as a reader needs: the output grows on request, so fetching
/// a passage near the start of a 32 KB block does not inflate (and checksum) the whole block.
///
/// The stream's own Adler-32 is checked only when the whole output is requested; the file's
/// CRC-32C, checked when the segment is opened, already vouches for the compressed bytes.
final class PrefixInflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutableRawBufferPointer
    private var started = false
    private var ended = false
    /// Bytes inflated so far (a prefix of the stream's output).
    private(set) var available = 0

    /// An inflater over `source` (which must stay valid while this lives) whose output is exactly
    /// `rawLength` bytes; nil when zlib cannot start.
    init?(source: UnsafeRawBufferPointer, rawLength: Int) {
        guard let base = source.baseAddress, source.count > 0, rawLength >= 0, source.count <= Int(UInt32.max),
              rawLength < Int(UInt32.max) else { return nil }
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // One spare byte, so a stream longer than announced shows as output past rawLength.
        output = .allocate(byteCount: rawLength + 1, alignment: 16)
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = UInt32(source.count)
        // Every property is set: a failed init from here on runs deinit, which frees the buffers.
        guard inflateInit_(stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        started = true
    }

    deinit {
        if started { inflateEnd(stream) }
        stream.deallocate()
        output.deallocate()
    }

    /// The stream's full output length.
    var rawLength: Int { output.count - 1 }

    /// Inflates until at least `count` bytes (at most ``rawLength``) are available; `count` equal
    /// to the raw length inflates the whole stream and checks that it ends exactly there.
    /// - Returns: false when the stream is damaged or shorter (or longer) than announced.
    func ensure(_ count: Int) -> Bool {
        let target = min(max(count, 0), rawLength)
        guard let outBase = output.baseAddress else { return false }
        while available < target || (target == rawLength && !ended) {
            if ended { return available >= target }
            // Ask for what is missing (or the spare byte once the announced length is reached).
            let want = available < target ? target - available : output.count - available
            stream.pointee.next_out = (outBase + available).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(want)
            let rc = inflate(stream, Z_SYNC_FLUSH)
            available += want - Int(stream.pointee.avail_out)
            switch rc {
            case Z_STREAM_END:
                ended = true
                if target == rawLength { return available == rawLength }
            case Z_OK:
                if available > rawLength { return false }
            case Z_BUF_ERROR:
                // No progress possible: the input ran out before the output was complete.
                return false
            default:
                return false
            }
        }
        return available <= rawLength
    }

    /// The inflated prefix (``available`` bytes), valid until the next ``ensure(_:)`` call or
    /// until this inflater is released.
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: output.baseAddress, count: min(available, rawLength))
    }
}
