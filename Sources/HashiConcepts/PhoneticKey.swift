import HashiAnalysis

/// One English phrase a katakana word may be a loanword of (or the reverse), with how alike they sound.
public struct PhoneticMatch: Sendable, Hashable {
    /// The English phrase or katakana word matched.
    public var text: String
    /// The shared consonant key.
    public var key: String
    /// Similarity of the two pronunciations as spelled out, 0…1 (1: the same).
    public var similarity: Double
    /// The confidence the miner gives the pair (similarity, cubed, lowered for short keys).
    public var confidence: Double
}

/// Phonetic keys that let a katakana loanword meet the English it comes from.
///
/// Both sides are spelled out roughly as Japanese hears them, then reduced to a consonant skeleton:
/// - katakana: ICU's `Katakana-Latin` romanization, long vowels (`ー`, macrons) and doubled
///   consonants (small `ッ`) collapsed, `shi`/`chi`/`tsu` reduced;
/// - English: spelling rules (soft `c`/`g`, `ph`, `ck`, `th`, `-tion`, voiced `-sion`, `-tial`,
///   `-sure`, `-ture`, silent final `e`, silent `g` and `l`, `chr`/`sch` as `k`, a non-rhotic `r`
///   after a vowel or a vowel pair, `y` as a vowel, open initial `u` as `yu`), doubled letters collapsed;
/// - the key: consonants only, with `l`=`r`, `v`=`b`, `m`=`n`, `z`=`s`, `c`=`t` (チ is also English
///   `ti`: プラスチック), repeats collapsed.
///
/// Equal keys make a candidate; a weighted edit distance between the spelled-out forms (vowel
/// changes and Japanese epenthetic vowels are cheap) gives the similarity. So デューデリジェンス ~ due
/// diligence, ハックバック ~ hack back, サイバー ~ cyber, セキュリティ ~ security, キャパシティ・ビルディング ~
/// capacity building and ゲーム ~ game (Japanese renders /eɪ/ as `ē`) match; サイバー and server share
/// the key `sb` but the イ of サイバー is a real vowel English server lacks, giving a confidence
/// below the miner's concept threshold and below cyber's whenever both occur. The rules are
/// measured on SudachiDict's katakana–English pairs (`PhoneticKeyTests`).
///
/// Not thread-safe (owns an ICU transliterator): one per thread.
public final class PhoneticKey {
    private let transliterator: Transliterator
    /// Spellings already made: mining spells the same loanwords (カーネル, ファイル) again and again,
    /// and each is an ICU transliteration. Emptied when it reaches ``spellingMemoCapacity``.
    private var spellings: [String: String] = [:]
    static let spellingMemoCapacity = 65_536

    /// Opens ICU's `Katakana-Latin` transliterator.
    /// - Throws: ``ICUError`` if ICU lacks it.
    public init() throws(ICUError) {
        transliterator = try Transliterator("Katakana-Latin")
    }

    /// The katakana word spelled out (romanized, long vowels and doubled consonants collapsed).
    /// - Throws: ``ICUError`` if ICU fails.
    public func spelling(ofKatakana katakana: String) throws(ICUError) -> String {
        if let known = spellings[katakana] { return known }
        let spelled = try spellingUncached(katakana)
        if spellings.count >= Self.spellingMemoCapacity { spellings.removeAll(keepingCapacity: true) }
        spellings[katakana] = spelled
        return spelled
    }

    private func spellingUncached(_ katakana: String) throws(ICUError) -> String {
        let latin = try transliterator.transliterate(katakana)
        var out: [Character] = []
        for c in latin.lowercased().decomposedStringWithMacronsRemoved() where c.isASCII && c.isLetter {
            out.append(c)
        }
        var s = String(out)
        s = s.replacingAll("shi", "si").replacingAll("sh", "sy").replacingAll("chi", "ci").replacingAll("ch", "cy")
            .replacingAll("tsu", "tu").replacingAll("ts", "t")
        return Self.collapse(s)
    }

    /// The English word or phrase spelled out as Japanese would hear it (see the type's documentation).
    public static func spelling(ofEnglish english: String) -> String {
        spelling(ofEnglish: english) { respell(String($0)) }
    }

    /// The spelling of `english`, each word respelled by `respellWord` (a memo of ``respell(_:)``).
    static func spelling(ofEnglish english: String, respellWord: (Substring) -> String) -> String {
        english.lowercased().split(whereSeparator: { !$0.isLetter || !$0.isASCII }).map(respellWord).joined()
    }

    /// The consonant key of a katakana word.
    /// - Throws: ``ICUError`` if ICU fails.
    public func key(forKatakana katakana: String) throws(ICUError) -> String {
        Self.consonantKey(try spelling(ofKatakana: katakana))
    }

    /// The consonant key of an English word or phrase: the key of the katakana it would be borrowed
    /// as, so a query word can be matched against a corpus' katakana vocabulary.
    public static func katakanaKey(forEnglish english: String) -> String {
        consonantKey(spelling(ofEnglish: english))
    }

    /// How alike `katakana` and `english` sound, 0…1 (1 - weighted edit distance / length).
    /// - Throws: ``ICUError`` if ICU fails.
    public func similarity(katakana: String, english: String) throws(ICUError) -> Double {
        Self.similarity(japanese: try spelling(ofKatakana: katakana), english: Self.spelling(ofEnglish: english))
    }

    /// The phrases among `englishPhrases` that `katakana` may be a loanword of, best first: those
    /// with the same key and a similarity of at least `minimumSimilarity` (default 0.75).
    /// - Throws: ``ICUError`` if ICU fails.
    public func englishCandidates(forKatakana katakana: String, among englishPhrases: [String],
                                  minimumSimilarity: Double = 0.75) throws(ICUError) -> [PhoneticMatch] {
        let spelled = try spelling(ofKatakana: katakana)
        let key = Self.consonantKey(spelled)
        guard key.count >= 2 else { return [] }
        var result: [PhoneticMatch] = []
        for phrase in englishPhrases where Self.katakanaKey(forEnglish: phrase) == key {
            let similarity = Self.similarity(japanese: spelled, english: Self.spelling(ofEnglish: phrase))
            if similarity >= minimumSimilarity {
                result.append(PhoneticMatch(text: phrase, key: key, similarity: similarity,
                                            confidence: Self.confidence(similarity: similarity, key: key)))
            }
        }
        return result.sorted { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.text < $1.text }
    }

    /// The words among `katakanaWords` that may be loanwords of `english`, best first.
    /// - Throws: ``ICUError`` if ICU fails.
    public func katakanaCandidates(forEnglish english: String, among katakanaWords: [String],
                                   minimumSimilarity: Double = 0.75) throws(ICUError) -> [PhoneticMatch] {
        let spelled = Self.spelling(ofEnglish: english)
        let key = Self.consonantKey(spelled)
        guard key.count >= 2 else { return [] }
        var result: [PhoneticMatch] = []
        for word in katakanaWords {
            let japanese = try spelling(ofKatakana: word)
            guard Self.consonantKey(japanese) == key else { continue }
            let similarity = Self.similarity(japanese: japanese, english: spelled)
            if similarity >= minimumSimilarity {
                result.append(PhoneticMatch(text: word, key: key, similarity: similarity,
                                            confidence: Self.confidence(similarity: similarity, key: key)))
            }
        }
        return result.sorted { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.text < $1.text }
    }

    /// Katakana ↔ English pairs of a corpus: for every katakana word of three or more characters, the
    /// English phrases (one to four words, not starting or ending with a function word; the last word
    /// also tried as its stem) with its key, keeping the most similar ones (within 0.02 of the best).
    /// - Throws: ``ICUError`` if ICU fails.
    public func pairs(in vocabulary: CorpusVocabulary) throws(ICUError) -> [MinedConcept] {
        // English phrases by key.
        struct Phrase { var text: String; var spelled: String; var evidence: MiningEvidence }
        var byKey: [String: [Phrase]] = [:]
        var seen: Set<String> = []
        // Phrases share their words: each word is respelled once (what `spelling(ofEnglish:)` does per word).
        var respelled: [Substring: String] = [:]
        func respelling(_ english: String) -> String {
            Self.spelling(ofEnglish: english) { word in
                if let known = respelled[word] { return known }
                let spelled = Self.respell(String(word))
                respelled[word] = spelled
                return spelled
            }
        }
        for run in vocabulary.englishRuns {
            for start in run.words.indices {
                for length in 1...4 where start + length <= run.words.count {
                    let words = Array(run.words[start..<(start + length)])
                    let terms = Array(run.terms[start..<(start + length)])
                    guard let first = terms.first, let last = terms.last,
                          !terms.contains(where: Self.isNeverLoanwordSource),
                          first.count > 1, last.count > 1,
                          !words.contains(where: MemberKind.isAbbreviationShaped) else { continue }
                    let text = words.joined(separator: " ")
                    guard seen.insert(terms.joined(separator: " ")).inserted else { continue }
                    var variants = [respelling(text)]
                    // The stem too when it only drops a plural or a final e/y (links ~ リンク,
                    // ideology ~ イデオロギー, active ~ アクティブ). Not other endings: a loanword is not
                    // borrowed from `called`, `clearly` or `international`, and their stems sound
                    // like unrelated words (call ~ カラー, clear ~ キリル, internation ~ インターネット).
                    let stem = run.stems[start + length - 1]
                    if stem != last, last.hasPrefix(stem), Self.stemmableEndings.contains(String(last.dropFirst(stem.count))) {
                        variants.append(respelling((terms.dropLast() + [stem]).joined(separator: " ")))
                    }
                    for spelled in Set(variants) {
                        let key = Self.consonantKey(spelled)
                        guard key.count >= 2 else { continue }
                        byKey[key, default: []].append(Phrase(text: text, spelled: spelled,
                                                               evidence: run.evidence(words: start..<(start + length))))
                    }
                }
            }
        }
        // Each katakana word's best phrases; kept below only when the word is also among the best
        // sounding katakana words of the phrase (mutual best: `least` goes to リスト, not リセット).
        var found: [(word: CorpusVocabulary.KatakanaWord, text: String, similarity: Double, key: String, evidence: MiningEvidence)] = []
        var bestForPhrase: [String: Double] = [:]
        for word in vocabulary.katakana where word.term.unicodeScalars.count >= 3 {
            let spelled = try spelling(ofKatakana: word.term)
            let key = Self.consonantKey(spelled)
            guard key.count >= 2, let candidates = byKey[key] else { continue }
            var scored: [String: (Double, MiningEvidence)] = [:]
            for phrase in candidates {
                let similarity = Self.similarity(japanese: spelled, english: phrase.spelled)
                let lower = phrase.text.lowercased()
                if similarity > (scored[lower]?.0 ?? -1) { scored[lower] = (similarity, phrase.evidence) }
            }
            // Short keys collide easily: ask more of them.
            guard let best = scored.values.map(\.0).max(), best >= (key.count >= 3 ? 0.8 : 0.88) else { continue }
            for (text, (similarity, evidence)) in scored.sorted(by: { $0.key < $1.key }) where similarity >= best - 0.02 {
                found.append((word, text, similarity, key, evidence))
                bestForPhrase[text] = max(bestForPhrase[text] ?? 0, similarity)
            }
        }
        let mutual = found.filter { $0.similarity >= (bestForPhrase[$0.text] ?? 0) - 0.02 }
        // A phrase's first and last words, when they are loanwords of the corpus on their own, begin
        // and end its katakana word: `cyber security` ~ サイバーセキュリティ, never `cyber issues` ~ サービス.
        var loanwordsOfWord: [Substring: [String]] = [:]
        for pair in mutual where !pair.text.contains(" ") { loanwordsOfWord[pair.text[...], default: []].append(pair.word.term) }
        func composes(_ text: String, _ katakana: String) -> Bool {
            let words = text.split(separator: " ")
            guard words.count > 1, let first = words.first, let last = words.last else { return true }
            if let heads = loanwordsOfWord[first], !heads.contains(where: { katakana.hasPrefix($0) }) { return false }
            if let tails = loanwordsOfWord[last], !tails.contains(where: { katakana.hasSuffix($0) }) { return false }
            return true
        }
        return mutual.filter { composes($0.text, $0.word.term) }.map {
            MinedConcept(terms: [$0.word.text, $0.text], rule: .transliteration,
                         confidence: Self.confidence(similarity: $0.similarity, key: $0.key), evidence: [$0.word.evidence, $0.evidence])
        }
    }

    /// Whether the English words of `phrase` may be a loanword's source: none of them is a function
    /// or closed-class word (`those`, `isn't`, `therefore`) or an adverb in -ally, which mining
    /// never pairs either.
    public static func mayBeLoanwordSource(_ phrase: String) -> Bool {
        !phrase.lowercased().split(separator: " ").map(String.init).contains(where: isNeverLoanwordSource)
    }

    /// Whether the lower-cased `word` is never a loanword's source: a function or closed-class
    /// word, or an adverb in -ally (`historically`, `automatically`: Japanese borrows nouns and
    /// adjectives, not such adverbs, and long ones sound like some compound, ホストローカル). Words of
    /// five letters or fewer in -ally are nouns (`rally`, `tally`).
    static func isNeverLoanwordSource(_ word: String) -> Bool {
        isClosedClass(word) || (word.hasSuffix("ally") && word.count > 5)
    }

    /// Whether the lower-cased `word` is a function or closed-class word.
    static func isClosedClass(_ word: String) -> Bool {
        AbbreviationMatcher.functionWords.contains(word) || closedClassWords.contains(word)
    }

    /// What a word's stem may drop for the stem to be tried as a loanword's source too.
    static let stemmableEndings: Set<String> = ["s", "es", "e", "y"]

    /// English closed-class words (pronouns, determiners, auxiliaries and modals, contractions,
    /// prepositions, conjunctions): never the source of a loanword, and short enough to sound like
    /// many (`those` ~ ソース, `isn't` ~ イーサネット). Not the particles of phrasal verbs that
    /// loanwords keep: up, out, off, over, through (セットアップ, ログアウト, パススルー).
    static let closedClassWords: Set<String> = [
        "i", "me", "my", "we", "us", "our", "you", "your", "he", "him", "his", "she", "her", "it", "its",
        "they", "them", "their", "this", "that", "these", "those", "who", "whom", "whose", "which", "what",
        "some", "any", "no", "not", "all", "each", "every", "both", "either", "neither", "such", "other",
        "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "done", "have", "has",
        "had", "having", "can", "could", "may", "might", "must", "shall", "should", "will", "would",
        "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't", "haven't", "hasn't", "hadn't",
        "can't", "cannot", "couldn't", "won't", "wouldn't", "shouldn't", "mustn't", "it's", "that's",
        "there's", "let's", "i'm", "you're", "we're", "they're",
        "about", "above", "after", "against", "along", "among", "around", "before", "behind", "below",
        "beside", "between", "beyond", "during", "except", "into", "near", "onto", "unlike",
        "since", "than", "till", "toward", "towards", "under", "until", "upon", "via",
        "within", "without", "but", "nor", "so", "yet", "if", "unless", "because", "although", "though",
        "while", "whether", "as", "then", "there", "here", "when", "where", "why", "how", "also", "only",
        "very", "just", "too", "again", "once", "more", "most", "less", "least", "many", "much", "few",
        "however", "therefore", "thus", "hence", "moreover", "furthermore", "otherwise", "indeed",
    ]

    // MARK: - Spelling rules

    static func confidence(similarity: Double, key: String) -> Double {
        // 0.8 → 0.5, 0.9 → 0.7, 1 → 0.9; short keys a tenth lower.
        let scaled = min(max(0.5 + 2 * (similarity - 0.8), 0), 0.9)
        return (scaled * (key.count >= 3 ? 1 : 0.9) * 1000).rounded() / 1000
    }

    static let vowels: Set<Character> = ["a", "e", "i", "o", "u"]

    /// One English word spelled out as Japanese hears it.
    static func respell(_ word: String) -> String {
        var w = Array(word)
        var out: [Character] = []
        func isVowel(_ k: Int) -> Bool { k >= 0 && k < w.count && (vowels.contains(w[k]) || w[k] == "y") }
        // Silent final e (after a consonant), with the vowel before it made long: game → gem, time → taim.
        var magic: (index: Int, sound: String)? = nil
        if w.count > 3, w.last == "e", !isVowel(w.count - 2) {
            let v = w.count - 3
            if isVowel(v) && !isVowel(v - 1) {
                switch w[v] {
                case "a": magic = (v, "e")
                case "i", "y": magic = (v, "ai")
                case "u": magic = (v, "yu")
                case "e": magic = (v, "i")
                default: break
                }
            }
            // Keep the e for softening c/g (`-nce`, `-ge`), then drop it.
            w[w.count - 1] = "#"
        } else if w.count > 2, w.last == "e", w[w.count - 2] == "u" {
            w.removeLast()
        }
        var k = 0
        func at(_ i: Int) -> Character { i >= 0 && i < w.count ? w[i] : " " }
        func rest(_ s: String) -> Bool { String(w[k..<min(w.count, k + s.count)]) == s }
        while k < w.count {
            let c = w[k]
            if c == "#" { k += 1; continue }
            if let m = magic, m.index == k {
                out += Array(m.sound)
                k += 1
                // Before r, the r is a vowel in Japanese: fire → faia, pure → pyua, here → hia.
                if at(k) == "r" && at(k + 1) == "#" { out.append("a"); k += 1 }
                continue
            }
            if rest("are#") { out += Array("ea"); k += 4; continue }
            // -sion after a vowel, r or l is voiced: version → bajon, vision → bijon (mission → missyon).
            if rest("sion"), k > 0, isVowel(k - 1) || at(k - 1) == "r" || at(k - 1) == "l" { out += Array("jon"); k += 4; continue }
            if rest("tion") || rest("sion") { out += Array("syon"); k += 4; continue }
            // A silent g: design → dezain, sign → sain.
            if k > 0, rest("ign"), !isVowel(k + 3) || at(k + 3) == "#" { out += Array("ain"); k += 3; continue }
            // ch before r or l, and sch, are k: chrome → krom, chlorine, school → skuru.
            if rest("chr") || rest("chl") { out.append("k"); k += 2; continue }
            if rest("sch") { out += Array("sk"); k += 3; continue }
            if k == 0 && rest("gh") { out.append("g"); k += 2; continue }
            // A final ie or ey is i: zombie → zonbi, cookie → kuki, key → ki.
            if k > 0, k + 2 == w.count, rest("ie") || rest("ey") { out.append("i"); k += 2; continue }
            // An open initial u is yu: user → yuza, unit → yunit (under → anda is not open).
            if k == 0 && c == "u" && !isVowel(1) && isVowel(2) { out += Array("yu"); k += 1; continue }
            if rest("ture") || rest("tur#") { out += Array("cya"); k += 4; continue }
            // -sure: measure → mejā, pressure → puressyā.
            if rest("sure") || rest("sur#") { out += Array(isVowel(k - 1) ? "ja" : "sya"); k += 4; continue }
            // -tial, -cial: initial → inisyaru, special → supesyaru.
            if k > 0, rest("tial") || rest("cial") { out += Array("syar"); k += 4; continue }
            if rest("ph") { out.append("f"); k += 2; continue }
            if rest("ck") { out.append("k"); k += 2; continue }
            if rest("qu") { out += Array("kw"); k += 2; continue }
            if rest("th") { out.append("s"); k += 2; continue }
            if rest("wh") { out.append("w"); k += 2; continue }
            if rest("gh") { k += 2; continue }
            if k == 0 && rest("kn") { out.append("n"); k += 2; continue }
            if rest("sh") { out += Array("sy"); k += 2; continue }
            if rest("ch") { out += Array("cy"); k += 2; continue }
            if rest("dg") { out.append("j"); k += 2; continue }
            // A silent l: talk → tok, folk → fok, half → haf, palm → pam.
            if (c == "a" || c == "o"), at(k + 1) == "l", ["k", "f", "m"].contains(at(k + 2)) {
                out.append(c == "a" && at(k + 2) == "k" ? "o" : c)
                k += 2
                continue
            }
            // A vowel pair before an r that ends the syllable takes the r as `a`: gear → gia,
            // door → doa, air → ea, hour → aua, board → bodo.
            let rAfterPair = at(k + 2) == "r" && (!isVowel(k + 3) || at(k + 3) == "#")
            if rest("ee") || rest("ea") { out += Array(rAfterPair ? "ia" : "i"); k += rAfterPair ? 3 : 2; continue }
            if rest("oo") { out += Array(rAfterPair ? "oa" : "u"); k += rAfterPair ? 3 : 2; continue }
            if rest("oa") && rAfterPair { out.append("o"); k += 3; continue }
            // `our` before a consonant is o (source → sos, course), at the end aua (hour, our).
            if rest("our"), rAfterPair, at(k + 3) != "#", at(k + 3) != " ", !isVowel(k + 3) { out.append("o"); k += 3; continue }
            if rest("ou") || rest("ow") && k + 2 < w.count { out += Array(rAfterPair ? "aua" : "au"); k += rAfterPair ? 3 : 2; continue }
            if rest("ai") || rest("ay") { out += Array(rAfterPair ? "ea" : "e"); k += rAfterPair ? 3 : 2; continue }
            // A vowel + r not followed by a vowel is a long vowel in Japanese: server → sābā.
            if "aeiou".contains(c), at(k + 1) == "r", !isVowel(k + 2) || at(k + 2) == "#" {
                out.append(c == "o" ? "o" : "a")
                k += 2
                continue
            }
            switch c {
            case "c": out.append(["e", "i", "y", "#"].contains(at(k + 1)) ? "s" : "k")
            case "g": out.append(["e", "i", "y", "#"].contains(at(k + 1)) && k > 0 ? "j" : "g")
            case "x": out += Array("ks")
            case "y":
                if k == 0 || isVowel(k - 1) { out.append("y") }
                else if !isVowel(k + 1) && isVowel(k + 2) && k + 2 < w.count && at(k + 2) != "#" { out += Array("ai") }
                else { out.append("i") }
            case "l": out.append("r")
            case "v": out.append("b")
            case "z": out.append("s")
            default: out.append(c)
            }
            k += 1
        }
        return collapse(String(out))
    }

    /// Doubled letters collapsed (`kk` → `k`, `aa` → `a`), `l` as `r`, `v` as `b`.
    static func collapse(_ s: String) -> String {
        var out: [Character] = []
        for c in s {
            let mapped: Character = c == "l" ? "r" : c == "v" ? "b" : c
            if out.last != mapped { out.append(mapped) }
        }
        return String(out)
    }

    /// Consonants only (`y`, `h` after a consonant and `w` dropped), `m`=`n`, `z`=`s`, `c`=`t`; a doubled
    /// consonant (`tt`, a geminate `ッ`) counts once, but the same consonant in two syllables twice:
    /// `stateless` and ステートレス are `sttrs`, `stores` is `strs`.
    static func consonantKey(_ spelled: String) -> String {
        var out: [Character] = []
        var previous: Character = " "
        var vowelSince = true
        for c in spelled {
            defer { previous = c }
            if vowels.contains(c) || c == "y" || c == "w" {
                vowelSince = true
                continue
            }
            if c == "'" { continue }
            if c == "h" && !vowels.contains(previous) && previous != " " { continue }
            let mapped: Character = c == "m" ? "n" : c == "z" ? "s" : c == "l" ? "r" : c == "v" ? "b" : c == "c" ? "t" : c
            if out.last != mapped || vowelSince { out.append(mapped) }
            vowelSince = false
        }
        return String(out)
    }

    /// What leaving out a vowel of the katakana spelling costs, after `previous` (a letter of the
    /// spelling). Japanese adds vowels English does not have (epenthesis): `u` after most consonants
    /// (テスト, ツール), `o` after t and d (カード), `i` after ch, j and k (マッチ, ブリッジ, ケーキ), a
    /// `y` glide (キュー); and writes a long English a as エイ (テイスト for taste). Those cost little;
    /// any other vowel is a real one (ツリー is not tool; サイバー is not server) and costs more.
    /// Tuned on SudachiDict's katakana–English pairs (see `PhoneticKeyTests`).
    static func vowelDeletionCost(_ vowel: Character, after previous: Character) -> Double {
        if vowels.contains(previous) {
            return vowel == "i" && previous == "e" ? 0.3 : 1
        }
        switch vowel {
        case "u", "y": return 0.3
        case "o" where previous == "t" || previous == "d": return 0.3
        case "i" where previous == "c" || previous == "j" || previous == "k": return 0.3
        case "a", "e", "i", "o": return 0.5
        default: return 1
        }
    }

    /// 1 - weighted edit distance / the longer length. Vowel substitutions cost 0.6, Japanese `c`
    /// (チ) for English `t` and `z` for `s` 0.3; a Japanese vowel
    /// with no English counterpart what ``vowelDeletionCost(_:after:)`` says; an English vowel with no
    /// Japanese counterpart 0.5 (1 at the start); anything else 1.
    static func similarity(japanese: String, english: String) -> Double {
        let a = Array(japanese)
        let b = Array(english)
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var row = [Double](repeating: 0, count: b.count + 1)
        // An English vowel is cheap to leave out (often silent or reduced), but not the first one:
        // a loanword keeps a word's initial vowel (alive → アライブ, never ライブ).
        func insertCost(_ j: Int) -> Double { vowels.contains(b[j - 1]) && j > 1 ? 0.5 : 1 }
        for j in 0...b.count { row[j] = j == 0 ? 0 : row[j - 1] + insertCost(j) }
        for i in 1...a.count {
            var next = [Double](repeating: 0, count: b.count + 1)
            let deleteA = i >= 2 ? vowelDeletionCost(a[i - 1], after: a[i - 2]) : 1
            next[0] = row[0] + deleteA
            for j in 1...b.count {
                let insertB = insertCost(j)
                let substitute: Double = a[i - 1] == b[j - 1] ? 0
                    : (a[i - 1] == "z" && b[j - 1] == "s") ? 0.3
                    : (a[i - 1] == "c" && b[j - 1] == "t") ? 0.3
                    : (vowels.contains(a[i - 1]) && vowels.contains(b[j - 1])) ? 0.6 : 1
                next[j] = min(row[j - 1] + substitute, row[j] + deleteA, next[j - 1] + insertB)
            }
            row = next
        }
        return max(0, 1 - row[b.count] / Double(max(a.count, b.count)))
    }
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }

    /// Latin letters with macrons and other diacritics reduced to the base letter.
    func decomposedStringWithMacronsRemoved() -> String {
        var out = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            switch scalar {
            case "ā", "â": out.append("a")
            case "ē", "ê": out.append("e")
            case "ī", "î": out.append("i")
            case "ō", "ô": out.append("o")
            case "ū", "û": out.append("u")
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
