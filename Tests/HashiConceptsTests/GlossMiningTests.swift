import HashiAnalysis
import PropertyBased
import Testing

@testable import HashiConcepts

struct GlossMiningTests {
    let miner: ConceptMiner
    init() throws { miner = try ConceptMiner() }

    func mined(_ text: String) throws -> [MinedConcept] {
        try miner.glosses(in: text, document: "t.txt")
    }

    func terms(_ text: String, rule: MiningRule? = nil) throws -> [[String]] {
        try mined(text).filter { rule == nil || $0.rule == rule }.map(\.terms)
    }

    @Test func fullWidthAndASCIIBrackets() throws {
        #expect(try terms("各国は信頼醸成措置（Confidence Building Measures）を進めた。") == [["信頼醸成措置", "Confidence Building Measures"]])
        #expect(try terms("各国は信頼醸成措置 (Confidence Building Measures) を進めた。") == [["信頼醸成措置", "Confidence Building Measures"]])
    }

    @Test func quotedTerm() throws {
        #expect(try terms("今後は「ハックバック」(ハッキングの仕返し)が論点になる。") == [["ハックバック", "ハッキングの仕返し"]])
        #expect(try terms("いわゆる「キャパシティ・ビルディング（能力構築支援）」である。") == [["キャパシティ・ビルディング", "能力構築支援"]])
    }

    @Test func abbreviationWithSeveralExpansions() throws {
        #expect(try terms("議論し合うというGGE(政府専門家会合:Group of Governmental Experts)がある。")
            == [["GGE", "政府専門家会合", "Group of Governmental Experts"]])
        #expect(try terms("会議はＷＴＯ（世界貿易機関：World Trade Organization）で開かれた。")
            == [["ＷＴＯ", "世界貿易機関", "World Trade Organization"]])
        #expect(try terms("これはABC(青組、Blue Circle)と呼ばれる。") == [["ABC", "青組", "Blue Circle"]])
    }

    @Test func expansionBeforeAbbreviation() throws {
        // An abbreviation names the phrase itself, never a の-modified one.
        #expect(try terms("東京の政府専門家会合 (GGE) では") == [["政府専門家会合", "GGE"]])
        // Other glosses may belong to `short noun + の + phrase`: both are offered, the longer first.
        #expect(try mined("東京の政府専門家会合（せいふせんもんかかいごう）").first?.rule == .reading)
        // In English text, the expansion is the shortest run of words whose initials spell it.
        #expect(try terms("Moreover, tied Official Development Aid (ODA) with conditions") == [["Official Development Aid", "ODA"]])
        #expect(try terms("We discussed the price of Cheese Sandwiches (XYZ) today").isEmpty)
    }

    @Test func nounPhraseBoundaryStopsAtParticlesAndPunctuation() throws {
        #expect(try terms("領域使用に伴う相当の注意義務(デューデリジェンス)がある。").first == ["相当の注意義務", "デューデリジェンス"])
        #expect(try terms("危機発生時の過激化(エスカレーション)を防ぐ") == [["過激化", "エスカレーション"]])
        #expect(try terms("日本の場合はASEANとARF(ASEAN地域フォーラム)がある") == [["ARF", "ASEAN地域フォーラム"]])
        #expect(try terms("第 26 回日本インターネットガバナンス会議(IGCJ)") == [["日本インターネットガバナンス会議", "IGCJ"]])
        // A name joined by a symbol has no trustworthy left end.
        #expect(try terms("会場はホール&カンファレンス(東京浅草橋)である").isEmpty)
    }

    @Test func oneEnglishWordGlossesTheHeadOfAPhraseWithNo() throws {
        // `AのB` says two things; one English word translates the head alone.
        #expect(try terms("ホストの別名 (alias) があれば表示する。") == [["別名", "alias"]])
        #expect(try terms("非同期の通知 (notification) の配送が行われる") == [["通知", "notification"]])
        // After another particle (への), a short head stays a translator's note.
        #expect(try terms("ExchangeServerへの攻撃(compromise)に対する").isEmpty)
        // A gloss of several words may translate the whole phrase: both are offered, the longer first.
        #expect(try terms("集計と制限の強制 (limit enforcement) を行う").first == ["制限の強制", "limit enforcement"])
    }

    @Test func aLoanwordGlossedByItsSourceWordIsTheTermWithoutItsModifiers() throws {
        // The English gloss is the word the katakana was borrowed from: what comes before the
        // katakana word (現在, 現在の, 次の) modifies it and is not part of the term.
        #expect(try terms("sysfs() システムコールは、現在カーネル (kernel) に存在している") == [["カーネル", "kernel"]])
        #expect(try terms("setlocale - 現在のロケール (locale) を設定する") == [["ロケール", "locale"]])
        #expect(try terms("カーソルを次のタブストップ (tab stop) まで進める") == [["タブストップ", "tab stop"]])
        // A gloss that is a translation, not the source word, keeps the whole phrase.
        #expect(try terms("各国は信頼醸成措置（Confidence Building Measures）を進めた。") == [["信頼醸成措置", "Confidence Building Measures"]])
        #expect(try terms("シグナルマスク (signal mask) を設定する") == [["シグナルマスク", "signal mask"]])
    }

    /// Katakana glossed by English (or the reverse) is its loanword and sounds like it; a gloss
    /// that does not names something else and stays below the search threshold.
    @Test func katakanaAndEnglishGlossesMustSoundAlike() throws {
        func confidence(_ text: String) throws -> Double? { try mined(text).first?.confidence }
        for text in ["コマンド (Simple Commands) の一覧", "端末でバックスペース (erase) を押す", "それは ソケット (passive socket) です"] {
            let found = try #require(try confidence(text), "\(text)")
            #expect(found < 0.6, "\(text): \(found)")
        }
        for text in ["現在のユーザー (user) を表示する", "ゾンビ (zombie) プロセス", "シグナルマスク (signal mask) を設定する",
                     "Zombie (ゾンビ) とは", "チェックイン (ci) する"] {
            let found = try #require(try confidence(text), "\(text)")
            #expect(found >= 0.6, "\(text): \(found)")
        }
    }

    @Test func codePathsAndAddressesAreNotGlosses() throws {
        for text in ["SIZE はプロセスの仮想サイズ (code+data+stack) である", "最後に標準ディレクトリ (/usr/share/groff_font) を探す",
                     "端末タイプオプション (-T <term>) を使う", "作者 (someone@example.org) に送る", "要素の積 (nmemb*size) を返す"] {
            #expect(try terms(text).isEmpty, "\(text)")
        }
        #expect(try terms("入出力 (I/O) を待つ") == [["入出力", "I/O"]])
        #expect(try terms("it_interval と it_value (の両方のサブフィールド) が 0 なら").isEmpty)
        #expect(try terms("ビット列 0010 0010 0110 0000 (不等号) を表す").isEmpty)
    }

    /// Character ranges and cross-references are not synonyms.
    @Test func rangesAndCrossReferencesAreNotGlosses() throws {
        for text in ["小文字 (a-z) と大文字 (A-Z) を区別する", "数字 (0-9) だけを使う", "コマンド文字 (C-a) を押す",
                     "最大値 (上述) を超えない", "入力形式 (下記参照) に従う", "出力形式 (前述) と同じ"] {
            #expect(try terms(text).isEmpty, "\(text)")
        }
        #expect(try terms("相変化ディスク (CD-RW) に書く") == [["相変化ディスク", "CD-RW"]])
        #expect(ConceptMiner.isCharacterRange("a-z") && ConceptMiner.isCharacterRange("0〜9") && !ConceptMiner.isCharacterRange("d-i2"))
    }

    /// A Japanese gloss that is the term with kanji or kana added names a narrower or broader thing.
    @Test func narrowerAndBroaderTermsAreNotGlosses() throws {
        for text in ["ファイルのロック (共有ロック) をかける", "この共有ロック (ロック) は", "マクロ (関数マクロの開始) を書く"] {
            #expect(try terms(text).isEmpty, "\(text)")
        }
        #expect(try terms("キャッシュ (キャッシュメモリ) を使う") == [["キャッシュ", "キャッシュメモリ"]])
        #expect(try terms("ロック (施錠) する") == [["ロック", "施錠"]])
        // A hereafter name may shorten its term, not lengthen it.
        #expect(try terms("ロックを厳格に行なうモード (以下、厳格モード) に設定する").isEmpty)
    }

    /// A Japanese gloss after many different terms is a remark (後述: "see below"), not a synonym.
    @Test func glossesOfManyTermsAreRemarks() throws {
        let place = MiningEvidence(document: "t.txt", line: 1, snippet: "")
        func gloss(_ term: String, _ gloss: String) -> MinedConcept {
            MinedConcept(terms: [term, gloss], rule: .gloss, confidence: 0.75, evidence: [place])
        }
        let remark = ["モード", "属性のセット", "エンコーディング方法", "カード", "サービス"].map { gloss($0, "後述") }
        let fewer = ["プロセス", "ジョブ", "タスク", "スレッド"].map { gloss($0, "実行単位") }
        let english = ["資格情報", "信用証明", "認証情報", "証明書情報", "クレデンシャル"].map { gloss($0, "credential") }
        let abbreviation = ["ドメインネームシステム", "名前解決", "ドメイン名システム", "名前サービス", "DNS サーバ"].map { gloss($0, "DNS") }
        let all = remark + fewer + english + abbreviation
        let demoted = ConceptMiner.demotingRemarks(all)
        #expect(demoted.map(\.terms) == all.map(\.terms))
        #expect(demoted.prefix(remark.count).allSatisfy { $0.confidence == 0.5 })
        #expect(demoted.dropFirst(remark.count).allSatisfy { $0.confidence == 0.75 })
        // Repeating a pair changes nothing: four terms are still four.
        let repeated = ConceptMiner.demotingRemarks(fewer + fewer + [gloss("プロセス", "実行単位")])
        #expect(repeated.allSatisfy { $0.confidence == 0.75 })
        // A term glossed five different ways: its Japanese glosses describe it; its English one stays.
        let described = ["前述", "特定条件下", "非ナイス", "合字"].map { gloss("コマンド", $0) } + [gloss("コマンド", "command")]
        let after = ConceptMiner.demotingRemarks(described)
        #expect(after.dropLast().allSatisfy { $0.confidence == 0.5 } && after.last?.confidence == 0.75)
        #expect(ConceptMiner.demotingRemarks(Array(described.dropFirst())).allSatisfy { $0.confidence == 0.75 })
    }

    @Test func hereafterGlosses() throws {
        #expect(try terms("格差を解消するための能力開発(以後、キャパシティビルディング)を行う", rule: .hereafter)
            == [["能力開発", "キャパシティビルディング"]])
        #expect(try terms("個人情報保護委員会（以下「委員会」という。）は", rule: .hereafter) == [["個人情報保護委員会", "委員会"]])
        #expect(try terms("国際電気通信連合(以下、ITU)は", rule: .hereafter) == [["国際電気通信連合", "ITU"]])
        #expect(try terms("ロンドン国際会議(通称ロンドン会議)", rule: .hereafter) == [["ロンドン国際会議", "ロンドン会議"]])
        // The head noun of a longer phrase is not the defined term.
        #expect(try terms("詐欺行為などの問題(以後、サイバー攻撃と総称する)").isEmpty)
    }

    @Test func readingsAreReadingsNotConcepts() throws {
        let found = try mined("それを敷衍(ふえん)して述べる")
        #expect(found.map(\.terms) == [["敷衍", "ふえん"]])
        #expect(found.first?.rule == .reading)
        #expect(try miner.conceptMap(from: found).concepts.isEmpty)
    }

    @Test func rejectedGlosses() throws {
        let rejected = [
            "次の第5会期(2016~17年)で",                     // a date
            "先行研究として Baseley-walker(2012) がある",       // a citation
            "日時: 2018 年 11 月 29 日(木)",                    // a weekday
            "質問(Q)に答える",                                  // one letter
            "GGE報告書の第30項(d)",                             // an item letter
            "サイバー空間(インターネットを含む情報通信ネットワーク)",  // a clause (を)
            "レベルの高い証拠(具体的内容は記されていない)",       // a sentence
            "国際社会(政府と民間部門の関係者の両方)",             // much longer than the term, a clause
            "その他の要素(注：法、市場、アーキテクチャ)",          // an editorial note
            "同様の地域(例えばベトナムとフィリピン)",              // an example
            "must work together to ensure (中略) that States", // an elision
            "資料([ccdcoe.org](http://ccdcoe.org/cycon/))",     // a link
            "公式サイト(WWW.Example.org)を見る",                  // a link
            "この(MSサーバー)",                                 // no term before the bracket
            "日本(政府および民間事業者)",                         // an explanation (および)
            "ユーザーへの問い合わせや自動検出 (もしくはその両方) を行う", // a conjunction and a demonstrative
            "EAGAIN (いくつかの他のシステムでは EACCES) に設定する",  // a compound particle (では)
            "ENOMEM (MADV_WILLNEED の場合) メモリーが足りない",       // a condition
            "必要なメモリ使用量 (バイト単位) は",                    // a unit
            "売上高(単位：百万円)",                               // a unit
        ]
        for text in rejected {
            #expect(try terms(text).isEmpty, "\(text)")
        }
    }

    @Test func latinGlossesOfLatinTermsOnlyAbbreviate() throws {
        // Asides, argument lists and remarks in English text and code are not glosses.
        for text in ["On success, the (new) session ID is returned.", "int main(void)", "perror(\"opendir\");",
                     "Filenames using shell \"pattern\" (slower)", "ss.ss_sp = malloc(SIGSTKSZ);",
                     "the cgroup \"process number\" (PIDs) controller", "Bazaar (new)"] {
            #expect(try terms(text).isEmpty, "\(text)")
        }
        // An abbreviation and its expansion are, whichever comes first.
        #expect(try terms("queries the Internet Domain Name System (DNS) for it") == [["Domain Name System", "DNS"]])
        #expect(try terms("PAM (Pluggable Authentication Modules)") == [["PAM", "Pluggable Authentication Modules"]])
        #expect(try terms("The \"vDSO\" (virtual dynamic shared object) is a small library")
                == [["vDSO", "virtual dynamic shared object"]])
    }

    @Test func mixedScriptRemarksAreNotGlosses() throws {
        #expect(try terms("compression (コマンドラインでは -z)").isEmpty)
        #expect(try terms("CLUSTERIP (IPv4 の場合)").isEmpty)
        #expect(try terms("コンフィギュレーションのテンプレート (特に GNU Autoconf)").isEmpty)
        // An abbreviation's expansion may mix them.
        #expect(try terms("日本の場合はASEANとARF(ASEAN地域フォーラム)がある") == [["ARF", "ASEAN地域フォーラム"]])
    }

    @Test func japaneseExplanations() throws {
        // Katakana glossed by other katakana says what it is; `すなわち` opens a note.
        #expect(try mined("子プロセスはゾンビ (プロセス) になる。").filter { $0.confidence >= 0.6 }.isEmpty)
        #expect(try terms("シグナルを送るプロセス (すなわちスレッドグループ全体) に").isEmpty)
        // Lists are examples, not translations; code is not a gloss.
        #expect(try terms("BSD 系システム (NetBSD, FreeBSD, OpenBSD) では").isEmpty)
        #expect(try terms("他のシステム (other=) を指定する").isEmpty)
    }

    @Test func bracketLinesAreNumberedLikeAllLines() async {
        // Lines of random pieces (brackets of both widths, every line break) are found with the
        // numbers a plain split gives them.
        let pieces = ["a", "(", "（", ")", "\n", "\r", "\r\n", "語", "😀", " "]
        await propertyCheck(count: 200, input: Gen.int(in: 0...(pieces.count - 1)).array(of: 0...40)) { picks in
            let text = picks.map { pieces[$0] }.joined()
            let expected = ConceptDictionary.lines(of: text).enumerated()
                .filter { $0.element.contains("(") || $0.element.contains("（") }.map { "\($0.offset + 1):\($0.element)" }
            let found = ConceptMiner.linesWithBrackets(of: text).map { "\($0.number):\($0.line)" }
            #expect(found == expected, "\(text.debugDescription)")
        }
    }

    @Test func evidenceNamesDocumentLineAndSnippet() throws {
        let found = try mined("一行目\n二行目\nそして欧州連合(EU)の政策")
        #expect(found.count == 1)
        #expect(found[0].evidence == [MiningEvidence(document: "t.txt", line: 3, snippet: "そして欧州連合(EU)の政策")])
        let map = try miner.conceptMap(from: found)
        #expect(map.concepts.first?.members.allSatisfy { $0.source == .mined(document: "t.txt", line: 3) } == true)
    }

    // MARK: - The sample corpus

    @Test func corpusGlosses() throws {
        let documents = try corpusDocuments()
        #expect(documents.count == 5)
        var all: [MinedConcept] = []
        for document in documents { all += try miner.glosses(in: document.text, document: document.path) }
        let sets = all.filter { $0.confidence >= 0.6 }.map { Set($0.terms) }
        let expected: [Set<String>] = [
            ["GGE", "政府専門家会合", "Group of Governmental Experts"],
            ["相当の注意義務", "デューデリジェンス"],
            ["信頼醸成措置", "Confidence Building Measures"],
            ["ハックバック", "ハッキングの仕返し"],
            ["キャパシティ・ビルディング", "能力構築支援"],
            ["政府専門家会合", "GGE"],
            ["能力開発", "キャパシティビルディング"],
            ["欧州連合", "EU"],
            ["Official Development Aid", "ODA"],
            ["日本インターネットガバナンス会議", "IGCJ"],
        ]
        for pair in expected { #expect(sets.contains(pair), "missing \(pair)") }
        let readings = all.filter { $0.rule == .reading }.map(\.terms)
        #expect(readings == [["敷衍", "ふえん"]])
        // Nothing with a number, one letter, or a clause.
        let wrong: [Set<String>] = [["問題", "サイバー攻撃"], ["日", "木"], ["質問", "Q"], ["回答", "A"], ["攻撃", "compromise"],
                                    ["カンファレンス", "東京・浅草橋"], ["sure", "中略"], ["日本", "政府および民間事業者"]]
        for pair in wrong { #expect(!all.map { Set($0.terms) }.contains(pair), "wrong \(pair)") }
        for item in all {
            for term in item.terms { #expect(!term.contains { $0.isASCII && $0.isNumber }, "\(item.terms)") }
        }
        let map = try miner.conceptMap(from: all)
        let analyzer = try Analyzer()
        let gge = try map.expansions(of: "ｇｇｅ", using: analyzer).map(\.text)
        #expect(Set(gge).isSuperset(of: ["政府専門家会合", "Group of Governmental Experts"]))
        #expect(try map.expansions(of: "デューデリジェンス", using: analyzer).map(\.text).contains("相当の注意義務"))
    }
}
