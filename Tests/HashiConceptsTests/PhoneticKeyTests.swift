import HashiAnalysis
import Testing

@testable import HashiConcepts

struct PhoneticKeyTests {
    let phonetic: PhoneticKey
    init() throws { phonetic = try PhoneticKey() }

    static let pairs: [(String, String)] = [
        ("デューデリジェンス", "due diligence"), ("ハックバック", "hack back"), ("サイバー", "cyber"),
        ("セキュリティ", "security"), ("キャパシティ・ビルディング", "capacity building"), ("シンクタンク", "think tank"),
        ("アジェンダ", "agenda"),
    ]

    @Test(arguments: pairs) func loanwordsMatchTheirEnglish(_ katakana: String, _ english: String) throws {
        #expect(try phonetic.key(forKatakana: katakana) == PhoneticKey.katakanaKey(forEnglish: english))
        #expect(try phonetic.similarity(katakana: katakana, english: english) >= 0.8)
        let found = try phonetic.englishCandidates(forKatakana: katakana, among: ["server", english, "sober", "lemon"])
        #expect(found.first?.text == english)
        #expect((found.first?.confidence ?? 0) >= 0.5)
    }

    @Test func halfWidthAndSpellingVariantsShareTheKey() throws {
        let key = try phonetic.key(forKatakana: "サイバー")
        #expect(try phonetic.key(forKatakana: "サイバ") == key)
        #expect(try phonetic.key(forKatakana: "ﾃﾞｭｰﾃﾞﾘｼﾞｪﾝｽ") == phonetic.key(forKatakana: "デューデリジェンス"))
        #expect(PhoneticKey.katakanaKey(forEnglish: "CYBER") == key)
    }

    /// Documented near-misses: サイバー and server share the key `sb` but not the vowel, so server
    /// ranks below cyber and stays under the concept threshold (0.6); ゲーム ~ game is a real loanword
    /// and matches; unrelated words with other consonants do not meet at all.
    @Test func nearMisses() throws {
        #expect(try phonetic.key(forKatakana: "サイバー") == PhoneticKey.katakanaKey(forEnglish: "server"))
        let ranked = try phonetic.englishCandidates(forKatakana: "サイバー", among: ["server", "cyber"], minimumSimilarity: 0)
        #expect(ranked.map(\.text) == ["cyber", "server"])
        #expect(ranked[1].confidence < 0.6)
        let alone = try phonetic.englishCandidates(forKatakana: "サイバー", among: ["server"])
        #expect(alone.allSatisfy { $0.confidence < 0.6 })
        #expect(try phonetic.similarity(katakana: "ゲーム", english: "game") >= 0.85)
        #expect(try phonetic.englishCandidates(forKatakana: "サイバー", among: ["super", "cable", "sabotage"]).isEmpty)
        #expect(try phonetic.katakanaCandidates(forEnglish: "server", among: ["サイバー", "サーバー"]).first?.text == "サーバー")
    }

    /// The same consonant in two syllables is not a doubled one: ステートレス (su-te-e-to-re-su) is
    /// `stateless`, not `stores`, though both would be `strs` if every repeat collapsed.
    @Test func repeatedSyllablesAreNotGeminates() throws {
        #expect(try phonetic.key(forKatakana: "ステートレス") == PhoneticKey.katakanaKey(forEnglish: "stateless"))
        #expect(try phonetic.key(forKatakana: "ステートレス") != PhoneticKey.katakanaKey(forEnglish: "stores"))
        #expect(try phonetic.katakanaCandidates(forEnglish: "stores", among: ["ステートレス"]).isEmpty)
        #expect(try phonetic.katakanaCandidates(forEnglish: "stateless", among: ["ステートレス"]).first?.text == "ステートレス")
        // Geminates and double letters still count once.
        #expect(try phonetic.key(forKatakana: "ベッド") == PhoneticKey.katakanaKey(forEnglish: "bed"))
        #expect(try phonetic.key(forKatakana: "レター") == PhoneticKey.katakanaKey(forEnglish: "letter"))
        #expect(try phonetic.key(forKatakana: "ハックバック") == PhoneticKey.katakanaKey(forEnglish: "hack back"))
    }

    @Test func corpusLoanwords() throws {
        let miner = try ConceptMiner()
        let all = try miner.mine(documents: corpusDocuments()).filter { $0.rule == .transliteration }
        let confident = Set(all.filter { $0.confidence >= 0.6 }.map { "\($0.terms[0])~\($0.terms[1].lowercased())" })
        for pair in ["サイバー~cyber", "セキュリティ~security", "キャパシティ・ビルディング~capacity building", "シンクタンク~think tank",
                     "サイバースペース~cyberspace", "サーバー~server", "アジェンダ~agendas", "カナダ~canada"] {
            #expect(confident.contains(pair), "missing \(pair)")
        }
        for pair in ["サイバー~server", "サーバー~cyber", "センター~essential", "サイト~that", "メディア~made", "ロイター~reiterate"] {
            #expect(!confident.contains(pair), "wrong \(pair)")
        }
        for item in all { #expect(item.evidence.count == 2) }
    }

    /// A loanword's source is a content word, and a pair stands only when each side is among the
    /// best sounding matches of the other.
    @Test func transliterationPairsAreContentWordsAndMutuallyBest() throws {
        let analyzer = try Analyzer()
        let vocabulary = try CorpusVocabulary(documents: [
            ("en.txt", "Those are the files.\nThe server runs."),
            ("ja.txt", "ソースとファイル、サーバーとセーバー"),
        ], analyzer: analyzer)
        let pairs = Set(try PhoneticKey().pairs(in: vocabulary).map { "\($0.terms[0])~\($0.terms[1].lowercased())" })
        #expect(pairs.contains("ファイル~files"), "\(pairs)")
        #expect(pairs.contains("サーバー~server"), "\(pairs)")
        #expect(!pairs.contains("ソース~those"), "\(pairs)")
        // `server` sounds more like サーバー than like セーバー (saver).
        #expect(!pairs.contains("セーバー~server"), "\(pairs)")
    }

    /// An English word's stem is tried too only when it drops a plural or a final e/y.
    @Test func stemsOnlyOfPluralsAndFinalVowels() throws {
        let vocabulary = try CorpusVocabulary(documents: [
            ("en.txt", "It was called twice.\nThe ideology of the links."),
            ("ja.txt", "カラー、イデオロギー、リンク"),
        ], analyzer: try Analyzer())
        let pairs = Set(try PhoneticKey().pairs(in: vocabulary).map { "\($0.terms[0])~\($0.terms[1].lowercased())" })
        #expect(pairs.contains("リンク~links"), "\(pairs)")
        #expect(pairs.contains("イデオロギー~ideology"), "\(pairs)")
        #expect(!pairs.contains("カラー~called"), "\(pairs)")
    }
}
