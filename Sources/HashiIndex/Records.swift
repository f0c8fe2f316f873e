/// One source document stored in a segment.
public struct DocumentRecord: Sendable, Hashable {
    /// The document's path as the caller gave it (UTF-8).
    public var path: String
    /// Size of the source file in bytes.
    public var size: UInt64
    /// Modification time as the caller defines it (Hashi uses nanoseconds since 1970).
    public var modified: Int64
    /// A hash of the source content, used to detect changes.
    public var contentHash: UInt64
    /// Id of the document's first passage (its passages are contiguous).
    public var firstPassage: UInt32
    /// Number of passages of this document.
    public var passageCount: UInt32

    /// Creates a record.
    public init(path: String, size: UInt64, modified: Int64, contentHash: UInt64, firstPassage: UInt32, passageCount: UInt32) {
        self.path = path
        self.size = size
        self.modified = modified
        self.contentHash = contentHash
        self.firstPassage = firstPassage
        self.passageCount = passageCount
    }
}

/// One stored passage: the unit that search ranks.
public struct PassageRecord: Sendable, Hashable {
    /// Id of the document the passage belongs to.
    public var document: UInt32
    /// Ordinal of the passage within its document (0-based).
    public var ordinal: UInt32
    /// Line number of the passage's start in the source (as the caller counts).
    public var line: UInt32
    /// Byte offset of the passage start in the source file.
    public var startOffset: UInt64
    /// Byte offset just past the passage end in the source file.
    public var endOffset: UInt64
    /// The passage text (UTF-8 as stored).
    public var text: String

    /// Creates a record.
    public init(document: UInt32, ordinal: UInt32, line: UInt32, startOffset: UInt64, endOffset: UInt64, text: String) {
        self.document = document
        self.ordinal = ordinal
        self.line = line
        self.startOffset = startOffset
        self.endOffset = endOffset
        self.text = text
    }
}

/// Collection statistics of one field, for BM25.
public struct FieldStats: Sendable, Hashable {
    /// Sum of the field's passage lengths over all passages.
    public var totalTokens: UInt64
    /// Number of passages whose length in this field is non-zero.
    public var passagesWithField: UInt32

    /// Creates statistics.
    public init(totalTokens: UInt64, passagesWithField: UInt32) {
        self.totalTokens = totalTokens
        self.passagesWithField = passagesWithField
    }
}

/// What the term dictionary stores about one term.
public struct TermInfo: Sendable, Hashable {
    /// The field the term belongs to.
    public var field: UInt8
    /// Number of passages containing the term.
    public var docFrequency: UInt32
    /// Total number of occurrences over all passages.
    public var totalTermFrequency: UInt64
    /// Absolute offset of the term's postings in the `.pst` file.
    public var postingsOffset: UInt64
    /// Absolute offset of the term's positions in the `.pos` file.
    public var positionsOffset: UInt64

    /// Creates a term info.
    public init(field: UInt8, docFrequency: UInt32, totalTermFrequency: UInt64, postingsOffset: UInt64, positionsOffset: UInt64) {
        self.field = field
        self.docFrequency = docFrequency
        self.totalTermFrequency = totalTermFrequency
        self.postingsOffset = postingsOffset
        self.positionsOffset = positionsOffset
    }
}

/// A term and its dictionary entry, as produced by term enumeration.
public struct TermEntry: Sendable, Hashable {
    /// The term's bytes.
    public var term: [UInt8]
    /// The term's statistics and postings location.
    public var info: TermInfo

    /// The term decoded as UTF-8 (invalid sequences are replaced).
    public var termString: String { String(decoding: term, as: UTF8.self) }
}

/// One file written for a segment.
public struct SegmentFileInfo: Sendable, Hashable {
    /// File name (no directory).
    public var name: String
    /// Size in bytes.
    public var byteCount: Int
    /// The CRC-32C stored in the file's footer.
    public var checksum: UInt32
}

/// What `SegmentWriter.write(to:name:)` produced.
public struct SegmentSummary: Sendable, Hashable {
    /// Segment name (file stem).
    public var name: String
    /// Number of documents.
    public var documentCount: Int
    /// Number of passages.
    public var passageCount: Int
    /// Number of distinct terms over all fields.
    public var termCount: Int
    /// Number of postings (term, passage pairs) over all terms.
    public var postingCount: Int
    /// Number of positions over all postings.
    public var positionCount: Int
    /// The files written, in `SegmentFileKind.allCases` order.
    public var files: [SegmentFileInfo]
    /// Total bytes over all files.
    public var totalBytes: Int { files.reduce(0) { $0 + $1.byteCount } }
}
