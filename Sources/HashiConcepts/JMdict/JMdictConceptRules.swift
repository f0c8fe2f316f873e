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
///   as people search it finds the concept); at most four words; at least one letter or digit; not
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
    /// Weights in hundredths.
    static let priorityWeight = 50
    static let ordinaryWeight = 40
    static let senseStep = 5
    static let glossStep = 2
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

    /// The concept lines of `entry`, with what was left out.
    static func lines(for entry: JMdictEntry) -> Outcome {
        var outcome = Outcome()
        let kanji = entry.kanji.filter { form in
            let kept = excludedKanjiInfo.isDisjoint(with: form.info) && isSearchable(form.text)
            if !kept { outcome.formsDropped += 1 }
            return kept
        }
        let readings = entry.readings.filter { form in
            let kept = excludedReadingInfo.isDisjoint(with: form.info) && isSearchable(form.text)
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
            let isVerb = partsOfSpeech.contains { $0.hasPrefix("v") || $0.lowercased().contains("verb") }
            var kept = 0
            for gloss in english {
                if let type = gloss.type, excludedGlossTypes.contains(type) {
                    outcome.drops[.glossType, default: 0] += 1
                    continue
                }
                let text = normalizedGloss(gloss.text, isVerb: isVerb)
                let drop: JMdictGlossDrop? = if text.isEmpty {
                    .empty
                } else if text.split(separator: " ").count > maximumWords {
                    .tooLong
                } else if !isSearchable(text) {
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
                let terms = (forms + [text]).map(ConceptDictionary.escape).joined(separator: ", ")
                outcome.lines.append(JMdictConceptLine(weight: weight, text: "\(terms)  # JMdict \(entry.sequence)"))
            }
        }
        return outcome
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

    /// `gloss` with parenthesised parts removed, spaces collapsed and trimmed, and for a verb sense a
    /// leading `to ` removed.
    static func normalizedGloss(_ gloss: String, isVerb: Bool) -> String {
        var kept = ""
        var depth = 0
        for scalar in gloss.unicodeScalars {
            switch scalar {
            case "(", "（":
                depth += 1
                kept.unicodeScalars.append(" ")
            case ")", "）":
                depth = max(0, depth - 1)
                kept.unicodeScalars.append(" ")
            default:
                if depth == 0 { kept.unicodeScalars.append(scalar) }
            }
        }
        var words = kept.split { $0.isWhitespace }
        if isVerb && words.count > 1 && words[0] == "to" { words.removeFirst() }
        return words.joined(separator: " ")
    }

    /// Whether `text` has a letter or digit of any script (so the analyzer makes a term of it).
    static func isSearchable(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }
}
