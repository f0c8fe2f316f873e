/// One `<entry>` of JMdict, with the parts the importer uses. Codes that JMdict writes as entity
/// references (`&n;`, `&arch;`, `&iK;`) are kept as the entity names (`n`, `arch`, `iK`).
struct JMdictEntry: Equatable, Sendable {
    /// A kanji element (`k_ele`).
    struct Kanji: Equatable, Sendable {
        /// The written form (`keb`).
        var text = ""
        /// Orthography codes (`ke_inf`: `iK`, `oK`, `rK`, `sK`, `ateji`, …).
        var info: [String] = []
        /// Priority codes (`ke_pri`: `news1`, `ichi1`, `spec1`, `nf12`, …).
        var priorities: [String] = []
    }

    /// A reading element (`r_ele`).
    struct Reading: Equatable, Sendable {
        /// The kana form (`reb`).
        var text = ""
        /// Whether the reading is not a true reading of the kanji forms (`re_nokanji`).
        var noKanji = false
        /// The kanji forms the reading belongs to (`re_restr`); empty means all of them.
        var restrictions: [String] = []
        /// Reading codes (`re_inf`: `ik`, `ok`, `rk`, `sk`, `gikun`, …).
        var info: [String] = []
        /// Priority codes (`re_pri`).
        var priorities: [String] = []
    }

    /// A gloss (`gloss`) with the attributes that decide whether it is kept.
    struct Gloss: Equatable, Sendable {
        /// The gloss text.
        var text: String
        /// `xml:lang` when given (absent means English).
        var language: String?
        /// `g_type` when given (`lit`, `fig`, `expl`, `tm`).
        var type: String?

        /// Whether the gloss is in English (`xml:lang` absent or `eng`).
        var isEnglish: Bool { language == nil || language == "eng" }
    }

    /// A sense (`sense`).
    struct Sense: Equatable, Sendable {
        /// Kanji forms the sense is restricted to (`stagk`); empty means all of them.
        var kanjiRestrictions: [String] = []
        /// Readings the sense is restricted to (`stagr`); empty means all of them.
        var readingRestrictions: [String] = []
        /// Part-of-speech codes (`pos`: `n`, `v1`, `v5k`, `vt`, …); empty means those of the sense before.
        var partsOfSpeech: [String] = []
        /// Miscellaneous codes (`misc`: `arch`, `obs`, `uk`, …).
        var misc: [String] = []
        /// Field codes (`field`: `comp`, `med`, …).
        var fields: [String] = []
        /// The glosses, in every language the file has.
        var glosses: [Gloss] = []
    }

    /// The entry's sequence number (`ent_seq`).
    var sequence: Int
    /// The line of the file where `<entry>` starts.
    var line: Int
    /// The kanji elements, in file order.
    var kanji: [Kanji] = []
    /// The reading elements, in file order.
    var readings: [Reading] = []
    /// The senses, in file order.
    var senses: [Sense] = []
}
