import CZlib

/// The inflated bytes of a gzip stream (RFC 1952), inflated a chunk at a time with zlib so memory
/// stays constant whatever the file's size. Several concatenated gzip members are read one after the
/// other, as `gunzip` does; anything else after the last member is an error.
final class GzipChunkSource: ByteChunkSource {
    private var input: any ByteChunkSource
    private let file: String
    private let stream: UnsafeMutablePointer<z_stream>
    private let inputBuffer: UnsafeMutableRawBufferPointer
    private var inputEnded = false
    private var memberEnded = false
    private var finished = false

    /// Inflates the gzip bytes `input` hands out; `file` names the file in errors.
    /// - Throws: ``JMdictError/corruptGzip(file:byteOffset:message:)`` when zlib cannot start.
    init(input: any ByteChunkSource, file: String, chunkSize: Int = 1 << 18) throws(JMdictError) {
        self.input = input
        self.file = file
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        inputBuffer = .allocate(byteCount: max(chunkSize, 16), alignment: 16)
        // windowBits 15 + 16: a gzip wrapper, not zlib's, and no raw deflate.
        let rc = inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deallocate()
            inputBuffer.deallocate()
            throw .corruptGzip(file: file, byteOffset: 0, message: "zlib could not start inflating (error \(rc))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        inputBuffer.deallocate()
    }

    /// Compressed bytes read from the file so far.
    var consumedBytes: Int { input.consumedBytes }

    /// The offset in the compressed file of the next byte zlib has not consumed.
    private var compressedOffset: Int { input.consumedBytes - Int(stream.pointee.avail_in) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(JMdictError) -> Int {
        guard !finished, let outBase = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let capacity = UInt32(clamping: buffer.count)
        stream.pointee.next_out = outBase.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = capacity
        while stream.pointee.avail_out == capacity {
            if stream.pointee.avail_in == 0 && !inputEnded {
                let got = try input.read(into: inputBuffer)
                if got == 0 {
                    inputEnded = true
                } else {
                    stream.pointee.next_in = inputBuffer.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_in = UInt32(got)
                }
            }
            if memberEnded {
                if stream.pointee.avail_in == 0 {
                    if inputEnded {
                        finished = true
                        return 0
                    }
                    continue
                }
                guard stream.pointee.next_in.pointee == 0x1F else {
                    throw .corruptGzip(file: file, byteOffset: compressedOffset, message: "data after the end of the gzip stream")
                }
                inflateReset(stream)
                memberEnded = false
            }
            if stream.pointee.avail_in == 0 && inputEnded {
                throw .truncatedGzip(file: file, byteOffset: input.consumedBytes)
            }
            let rc = inflate(stream, Z_NO_FLUSH)
            switch rc {
            case Z_OK:
                break
            case Z_STREAM_END:
                memberEnded = true
                if stream.pointee.avail_out != capacity { return Int(capacity - stream.pointee.avail_out) }
            case Z_BUF_ERROR:
                // No progress without more input; the next turn reads it or reports the truncation.
                if inputEnded { throw .truncatedGzip(file: file, byteOffset: input.consumedBytes) }
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
                throw .corruptGzip(file: file, byteOffset: compressedOffset, message: message)
            }
        }
        return Int(capacity - stream.pointee.avail_out)
    }
}
