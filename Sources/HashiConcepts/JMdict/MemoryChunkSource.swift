/// A byte stream held in memory, handed out in chunks: XML or gzip bytes built in memory rather than
/// read from a file.
struct MemoryChunkSource: ByteChunkSource {
    private let bytes: [UInt8]
    private var position = 0

    /// A stream of `bytes`.
    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Bytes handed out so far.
    var consumedBytes: Int { position }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(JMdictError) -> Int {
        let count = min(buffer.count, bytes.count - position)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[position..<(position + count)]))
        }
        position += count
        return count
    }
}
