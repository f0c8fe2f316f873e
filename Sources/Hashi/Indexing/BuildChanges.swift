/// What an incremental build found changed in the corpus and what it did about it (all zeros for a
/// full build, where everything is analysed).
public struct BuildChanges: Sendable, Codable, Equatable {
    /// Files new to the index (including files skipped last time and changed since).
    public var added = 0
    /// Indexed files whose content changed.
    public var changed = 0
    /// Indexed files no longer in the corpus.
    public var removed = 0
    /// Indexed files whose size or modification time changed but whose content hash did not: not
    /// analysed again, only their new size and time recorded.
    public var touched = 0
    /// Files analysed by this build.
    public var reanalysed = 0
    /// Segments this build wrote from the files it analysed.
    public var newSegments = 0
    /// Segments taken over unchanged from the previous generation (hard-linked).
    public var keptSegments = 0
    /// Segments of the previous generation (or of this build) rewritten by a merge.
    public var mergedSegments = 0
    /// Documents still marked deleted in the index after the build (their segments not merged yet).
    public var deletedDocuments = 0

    /// No changes.
    public init() {}
}
