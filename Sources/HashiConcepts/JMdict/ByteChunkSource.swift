/// Something that hands out a byte stream in chunks: a file, a gzip stream being inflated, bytes in
/// memory. The XML scanner reads through one, so it never needs the whole stream at once.
protocol ByteChunkSource {
    /// Copies up to `buffer.count` next bytes of the stream into `buffer`, returning how many; 0 means
    /// the stream has ended.
    /// - Throws: ``JMdictError`` when the stream cannot be read or is damaged.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(JMdictError) -> Int

    /// Bytes of the underlying file consumed so far (compressed bytes for a gzip stream).
    var consumedBytes: Int { get }
}
