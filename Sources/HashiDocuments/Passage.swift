/// A passage: the unit Hashi ranks. A paragraph, or a piece of a long paragraph cut at sentences.
public struct Passage: Sendable, Hashable {
    /// Where the passage is in the document's text (UTF-16 code units of ``SourceDocument/units``).
    public var range: Range<Int>
    /// The passage's ordinal in its document, from 0.
    public var ordinal: Int

    /// Creates a passage.
    public init(range: Range<Int>, ordinal: Int) {
        self.range = range
        self.ordinal = ordinal
    }
}
