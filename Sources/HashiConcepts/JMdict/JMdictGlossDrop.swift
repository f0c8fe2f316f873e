/// Why the importer left a JMdict gloss out of the concept dictionary (counted in the summary).
public enum JMdictGlossDrop: String, CaseIterable, Sendable, Codable, Comparable {
    /// The gloss is not English (`xml:lang` other than `eng`, in the full JMdict).
    case notEnglish = "not-english"
    /// The gloss is literal, figurative, an explanation or a trademark (`g_type` lit, fig, expl, tm).
    case glossType = "gloss-type"
    /// The gloss belongs to a sense after the entry's third English sense.
    case laterSense = "later-sense"
    /// The sense is marked archaic, obsolete, obscure, rare, vulgar, derogatory, rude/X-rated or slang.
    case excludedSense = "excluded-sense"
    /// Nothing is left once parenthesised parts are removed.
    case empty
    /// More than four words once parenthesised parts (and a verb's leading "to") are removed.
    case tooLong = "too-long"
    /// Nothing the analyzer makes a word of (only punctuation or symbols), so nothing a search could match.
    case unsearchable
    /// The same gloss (ignoring case and spacing) was already written for the entry.
    case duplicate
    /// The sense has no Japanese form left (all excluded, or none its restrictions allow).
    case noForms = "no-forms"

    /// Orders reasons as they are declared.
    public static func < (a: JMdictGlossDrop, b: JMdictGlossDrop) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}
