/// What a JMdict import read and wrote.
public struct JMdictImportSummary: Sendable, Equatable {
    /// The JMdict file read.
    public var input: String
    /// The concept dictionary written.
    public var output: String
    /// The date of the file's `JMdict created:` comment, when it has one.
    public var createdDate: String?
    /// Whether the file was gzipped.
    public var isCompressed: Bool
    /// Bytes of the file (compressed bytes when gzipped).
    public var fileBytes: Int
    /// Bytes of XML read (after inflating).
    public var xmlBytes: Int
    /// Entries in the file.
    public var entriesRead: Int
    /// Entries that gave at least one line.
    public var entriesWritten: Int
    /// Entries skipped because no kanji or kana form was left.
    public var entriesWithoutForms: Int
    /// Entries skipped because no gloss was left (they have forms).
    public var entriesWithoutGlosses: Int
    /// Concept lines written (one per kept gloss).
    public var lines: Int
    /// Lines written per weight, the weight in hundredths.
    public var linesByWeight: [Int: Int]
    /// Kanji and kana forms left out.
    public var formsDropped: Int
    /// Glosses left out, by reason (reasons with none are absent).
    public var glossesDropped: [JMdictGlossDrop: Int]

    /// Glosses left out, all reasons together.
    public var totalGlossesDropped: Int { glossesDropped.values.reduce(0, +) }
}
