import HashiDocuments

/// How a build is going, for progress displays.
public struct BuildProgress: Sendable {
    /// Files processed so far (indexed or skipped).
    public var filesDone: Int
    /// Files in the corpus.
    public var filesTotal: Int
    /// Bytes of input processed so far.
    public var bytesDone: Int
    /// Bytes of input in the corpus.
    public var bytesTotal: Int
    /// Seconds since the build started.
    public var elapsed: Double
}

/// What a build did.
public struct BuildSummary: Sendable, Codable {
    /// True when the index was already up to date and nothing was rebuilt.
    public var upToDate: Bool
    /// Why the index was (re)built, or why it was current.
    public var reason: String
    /// Documents indexed.
    public var documents: Int
    /// Passages indexed.
    public var passages: Int
    /// Distinct terms per segment, summed over segments and fields.
    public var terms: Int
    /// Postings (term–passage pairs).
    public var postings: Int
    /// Bytes of input indexed.
    public var inputBytes: Int
    /// Bytes of the index on disk (this generation's files).
    public var indexBytes: Int
    /// Seconds the build took.
    public var seconds: Double
    /// Threads the build used.
    public var threads: Int
    /// Segments written (more than one when the corpus outgrew the memory budget).
    public var segments: Int
    /// Files left out, each with its reason.
    public var warnings: [CorpusWarning]
    /// What the background dictionaries contributed (nil when nothing was rebuilt).
    public var background: BackgroundSummary? = nil
    /// Whether the build was incremental (kept the unchanged documents' segments) rather than full.
    public var incremental: Bool = false
    /// What an incremental build found and did (zeros for a full build or an up-to-date index).
    public var changes = BuildChanges()
}

/// Whether an index matches its corpus.
public enum IndexStatus: Sendable, Equatable {
    /// There is no index yet.
    case missing
    /// The index exists but does not match the corpus (or this version of Hashi); why.
    case stale(String)
    /// The index matches the corpus: every file has the same path, size and modification time
    /// (as recorded by the build that analysed or last saw it), and the analyzer is the same.
    case current
}
