/// One line of the generated dictionary: a concept and the weight its `#@ weight` directive gives.
struct JMdictConceptLine: Equatable, Sendable {
    /// The weight in hundredths (25…50 with the importer's rules).
    var weight: Int
    /// The line without its line end: `kanji, kana, gloss  # JMdict <ent_seq>`.
    var text: String
}
