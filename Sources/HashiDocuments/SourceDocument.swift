import HashiAnalysis

/// A corpus file made ready for passage splitting: its text to index, and maps from positions in
/// that text back to the file (byte offsets and line numbers).
public struct SourceDocument: Sendable {
    /// The document id: the file's path relative to the corpus root, with `/` separators.
    public let path: String
    /// The encoding the file was in.
    public let encoding: TextEncoding
    /// The text to index as UTF-16 code units (for HTML: the extracted text).
    public let units: [UInt16]
    /// The file's size in bytes.
    public let byteCount: Int

    /// For every UTF-16 offset of `units` (and one past the end): the byte offset in the file.
    private let byteOffsets: [Int]
    /// For every UTF-16 offset of `units` (and one past the end): the 1-based line in the file.
    private let lineNumbers: [UInt32]

    /// Kinds of document, by file name extension.
    public enum Kind: Sendable {
        /// Plain text (also Markdown): indexed as written.
        case text
        /// HTML: the readable text is extracted.
        case html

        /// The kind of a file named `path`, or nil if Hashi does not index such files.
        public init?(path: String) {
            let lowered = path.lowercased()
            if lowered.hasSuffix(".txt") || lowered.hasSuffix(".md") {
                self = .text
            } else if lowered.hasSuffix(".html") || lowered.hasSuffix(".htm") {
                self = .html
            } else {
                return nil
            }
        }
    }

    /// Decodes `bytes` (the file `path`, of kind `kind`) and prepares the maps.
    /// - Throws: ``DecodingError`` naming `path` and the byte offset.
    public init(path: String, bytes: [UInt8], kind: Kind) throws(DecodingError) {
        let decoded = try TextDecoder.decode(bytes, source: path)
        let decodedUnits = UTF16Conversion.codeUnits(of: decoded.text)
        let decodedBytes = decoded.byteOffsets(inputLength: bytes.count)
        // Lines of the decoded text: LF, CRLF and CR each end a line.
        var decodedLines = [UInt32](repeating: 1, count: decodedUnits.count + 1)
        var line: UInt32 = 1
        for k in 0..<decodedUnits.count {
            decodedLines[k] = line
            let unit = decodedUnits[k]
            if unit == 0x0A || (unit == 0x0D && (k + 1 == decodedUnits.count || decodedUnits[k + 1] != 0x0A)) {
                line += 1
            }
        }
        decodedLines[decodedUnits.count] = line

        self.path = path
        self.encoding = decoded.encoding
        self.byteCount = bytes.count
        switch kind {
        case .text:
            units = decodedUnits
            byteOffsets = decodedBytes
            lineNumbers = decodedLines
        case .html:
            let html = HTMLText(html: decodedUnits)
            units = html.units
            byteOffsets = html.origin.map { decodedBytes[Int($0)] }
            lineNumbers = html.origin.map { decodedLines[Int($0)] }
        }
    }

    /// The byte range in the file of the text at UTF-16 range `range` of ``units``.
    public func byteRange(of range: Range<Int>) -> Range<Int> {
        byteOffsets[range.lowerBound]..<max(byteOffsets[range.lowerBound], byteOffsets[range.upperBound])
    }

    /// The 1-based line of the file where the character at UTF-16 offset `offset` of ``units`` is.
    public func line(at offset: Int) -> UInt32 {
        lineNumbers[offset]
    }
}
