/// How a JMdict entry becomes concept lines: which forms and glosses are kept and how each line is
/// weighted. README ("Importing JMdict") states the same rules for users.
///
/// - Forms: every kanji form (`keb`) except those marked irregular, out-dated, rarely used or
///   search-only (`ke_inf` iK, oK, rK, sK; ateji forms are kept: 寿司 is one) and every kana form
///   (`reb`) except those marked irregular, out-dated, rare or search-only (`re_inf` ik, ok, rk, sk).
///   All forms of an entry spell the same word, so readings restricted to some kanji (`re_restr`)
///   and readings that are not true readings of the kanji (`re_nokanji`) stay on the entry's lines.
///   A sense restricted with `stagk`/`stagr` gets only the forms it allows: its kanji and the readings
///   that belong to them (`stagk`), its readings and the kanji they belong to (`stagr`).
/// - Senses: the first three senses that have an English gloss; senses marked archaic, obsolete,
///   obscure, rare, vulgar, derogatory, rude/X-rated or slang (`misc` arch, obs, obsc, rare, vulg,
///   derog, X, sl, m-sl, net-sl) are skipped but still count among the three.
/// - Glosses: English only (`xml:lang` absent or `eng`); not literal, figurative, explanatory or
///   trademark glosses (`g_type` lit, fig, expl, tm); parenthesised parts removed (`to eat
///   (something)` → `to eat`); a verb sense's leading `to ` removed (`to eat` → `eat`, so the word
///   as people search it finds the concept); at most four words; something the analyzer makes a word of
///   (``SearchableTermCheck``; forms too); not
///   a repeat (ignoring case and spacing) of a gloss already written for the entry.
/// - One line per kept gloss: the sense's kanji forms, its kana forms, then the gloss, so two
///   glosses of an entry do not become synonyms of each other through the Japanese words.
/// - Weight, in hundredths: 50 for a priority entry (a `ke_pri`/`re_pri` of news1, ichi1, spec1,
///   spec2 or gai1), 40 otherwise; minus 5 for each English sense before the gloss's sense and 2 for
///   each gloss kept before it in its sense; never below 25.
enum JMdictConceptRules {
    /// Priority codes that make an entry a common word.
    static let priorityCodes: Set<String> = ["news1", "ichi1", "spec1", "spec2", "gai1"]
    /// `misc` codes whose senses are skipped.
    static let excludedMisc: Set<String> = ["arch", "obs", "obsc", "rare", "vulg", "derog", "X", "sl", "m-sl", "net-sl"]
    /// `ke_inf` codes whose kanji forms are left out.
    static let excludedKanjiInfo: Set<String> = ["iK", "oK", "rK", "sK"]
    /// `re_inf` codes whose kana forms are left out.
    static let excludedReadingInfo: Set<String> = ["ik", "ok", "rk", "sk"]
    /// `g_type` values whose glosses are left out.
    static let excludedGlossTypes: Set<String> = ["lit", "fig", "expl", "tm"]
    /// English senses considered per entry.
    static let senseLimit = 3
    /// Longest gloss kept, in words.
    static let maximumWords = 4
    /// The weight of a priority entry's first line, in hundredths.
    static let priorityWeight = 50
    /// The weight of another entry's first line, in hundredths.
    static let ordinaryWeight = 40
    /// What each English sense before a gloss's sense takes off, in hundredths.
    static let senseStep = 5
    /// What each gloss kept before a gloss in its sense takes off, in hundredths.
    static let glossStep = 2
    /// The lowest weight, in hundredths.
    static let minimumWeight = 25

    /// What one entry gives.
    struct Outcome: Equatable {
        /// The lines to write, in entry order.
        var lines: [JMdictConceptLine] = []
        /// Glosses left out, by reason.
        var drops: [JMdictGlossDrop: Int] = [:]
        /// Kanji and kana forms left out (excluded codes, or nothing searchable).
        var formsDropped = 0
        /// Whether the entry has no Japanese form left.
        var noForms = false
    }

    /// The concept lines of `entry`, with what was left out; `terms` says which forms and glosses
    /// a search could match.
    static func lines(for entry: JMdictEntry, terms: SearchableTermCheck) -> Outcome {
        var outcome = Outcome()
        let kanji = entry.kanji.filter { form in
            let kept = excludedKanjiInfo.isDisjoint(with: form.info) && terms.isSearchable(form.text)
            if !kept { outcome.formsDropped += 1 }
            return kept
        }
        let readings = entry.readings.filter { form in
            let kept = excludedReadingInfo.isDisjoint(with: form.info) && terms.isSearchable(form.text)
            if !kept { outcome.formsDropped += 1 }
            return kept
        }
        outcome.noForms = kanji.isEmpty && readings.isEmpty
        let isPriority = entry.kanji.contains { !priorityCodes.isDisjoint(with: $0.priorities) }
            || entry.readings.contains { !priorityCodes.isDisjoint(with: $0.priorities) }
        let base = isPriority ? priorityWeight : ordinaryWeight

        var written: Set<String> = []
        var englishSenses = 0
        var partsOfSpeech: [String] = []
        for sense in entry.senses {
            if !sense.partsOfSpeech.isEmpty { partsOfSpeech = sense.partsOfSpeech }
            let english = sense.glosses.filter(\.isEnglish)
            let otherLanguages = sense.glosses.count - english.count
            if otherLanguages > 0 { outcome.drops[.notEnglish, default: 0] += otherLanguages }
            guard !english.isEmpty else { continue }
            let senseIndex = englishSenses
            englishSenses += 1
            guard senseIndex < senseLimit else {
                outcome.drops[.laterSense, default: 0] += english.count
                continue
            }
            guard excludedMisc.isDisjoint(with: sense.misc) else {
                outcome.drops[.excludedSense, default: 0] += english.count
                continue
            }
            let forms = self.forms(of: sense, kanji: kanji, readings: readings)
            let isVerb = partsOfSpeech.contains(where: isVerbCode)
            var kept = 0
            for gloss in english {
                if let type = gloss.type, excludedGlossTypes.contains(type) {
                    outcome.drops[.glossType, default: 0] += 1
                    continue
                }
                let text = normalizedGloss(gloss.text, isVerb: isVerb)
                let drop: JMdictGlossDrop? = if text.isEmpty {
                    .empty
                } else if wordCount(text) > maximumWords {
                    .tooLong
                } else if !terms.isSearchable(text) {
                    .unsearchable
                } else if forms.isEmpty {
                    .noForms
                } else if !written.insert(text.lowercased()).inserted {
                    .duplicate
                } else {
                    nil
                }
                if let drop {
                    outcome.drops[drop, default: 0] += 1
                    continue
                }
                let weight = max(minimumWeight, base - senseStep * senseIndex - glossStep * kept)
                kept += 1
                let members = (forms + [text]).map(escape).joined(separator: ", ")
                outcome.lines.append(JMdictConceptLine(weight: weight, text: "\(members)  # JMdict \(entry.sequence)"))
            }
        }
        return outcome
    }

    /// Whether a part-of-speech code is a verb's: JMdict's verb entity names start with `v` (`v1`,
    /// `v5k`, `vs`, `vt`, …); a part of speech written out instead of as an entity says "verb".
    static func isVerbCode(_ code: String) -> Bool {
        if code.utf8.first == UInt8(ascii: "v") { return true }
        return code.utf8.count > 4 && code.lowercased().contains("verb")
    }

    /// The kanji then kana forms a sense's glosses go with (see the type's documentation).
    static func forms(of sense: JMdictEntry.Sense, kanji: [JMdictEntry.Kanji], readings: [JMdictEntry.Reading]) -> [String] {
        var allowedKanji = sense.kanjiRestrictions.isEmpty ? kanji : kanji.filter { sense.kanjiRestrictions.contains($0.text) }
        var allowedReadings = sense.readingRestrictions.isEmpty
            ? readings : readings.filter { sense.readingRestrictions.contains($0.text) }
        func belongs(_ reading: JMdictEntry.Reading, to form: JMdictEntry.Kanji) -> Bool {
            !reading.noKanji && (reading.restrictions.isEmpty || reading.restrictions.contains(form.text))
        }
        if !sense.kanjiRestrictions.isEmpty && sense.readingRestrictions.isEmpty {
            allowedReadings = allowedReadings.filter { reading in allowedKanji.contains { belongs(reading, to: $0) } }
        } else if sense.kanjiRestrictions.isEmpty && !sense.readingRestrictions.isEmpty {
            allowedKanji = allowedKanji.filter { form in allowedReadings.contains { belongs($0, to: form) } }
        }
        var forms: [String] = []
        for form in allowedKanji.map(\.text) + allowedReadings.map(\.text) where !forms.contains(form) {
            forms.append(form)
        }
        return forms
    }

    /// `gloss` with parenthesised parts removed (ASCII and fullwidth parentheses, nested or not;
    /// an unclosed one runs to the end), whitespace runs made one space, trimmed, and for a verb
    /// sense a leading `to ` removed.
    static func normalizedGloss(_ gloss: String, isVerb: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(gloss.utf8.count)
        var depth = 0
        var pendingSpace = false
        let bytes = Array(gloss.utf8)
        var k = 0
        while k < bytes.count {
            let byte = bytes[k]
            // （ and ） are EF BC 88 and EF BC 89 in UTF-8.
            let fullwidth = byte == 0xEF && k + 2 < bytes.count && bytes[k + 1] == 0xBC && (bytes[k + 2] == 0x88 || bytes[k + 2] == 0x89)
            if byte == UInt8(ascii: "(") || (fullwidth && bytes[k + 2] == 0x88) {
                depth += 1
                pendingSpace = true
            } else if byte == UInt8(ascii: ")") || (fullwidth && bytes[k + 2] == 0x89) {
                depth = max(0, depth - 1)
                pendingSpace = true
            } else if depth == 0 {
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                    pendingSpace = true
                } else {
                    if pendingSpace && !out.isEmpty { out.append(0x20) }
                    pendingSpace = false
                    out.append(byte)
                }
            }
            k += fullwidth ? 3 : 1
        }
        if isVerb && out.count > 3 && out[0] == UInt8(ascii: "t") && out[1] == UInt8(ascii: "o") && out[2] == 0x20 {
            out.removeFirst(3)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The number of words of a normalized gloss (its single spaces plus one).
    static func wordCount(_ normalized: String) -> Int {
        normalized.utf8.reduce(1) { $0 + ($1 == 0x20 ? 1 : 0) }
    }

    /// `term` escaped for a synonyms line (`\,`, `\#`, `\\`, `\=>`; newlines as spaces), quickly when
    /// there is nothing to escape.
    static func escape(_ term: String) -> String {
        let special = term.utf8.contains { byte in
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "=")
                || byte == 0x0A || byte == 0x0D
        }
        return special ? ConceptDictionary.escape(term) : term
    }
}
