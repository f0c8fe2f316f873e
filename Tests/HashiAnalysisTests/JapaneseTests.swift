import Testing

@testable import HashiAnalysis

/// Step 4: katakana words and the bigram stream.
struct JapaneseTests {
    @Test func katakanaRunIsOneWordWhateverTheDictionarySays() throws {
        #expect(try terms("デューデリジェンス") == ["デューデリジェンス"])
        #expect(try terms("サイバー") == ["サイバ"])
        #expect(try terms("キャパシティ") == ["キャパシティ"])
    }

    @Test(arguments: [
        ("キャパシティ・ビルディング", "キャパシティビルディング"),
        ("マネー・ロンダリング", "マネーロンダリング"),
        ("マネー･ロンダリング", "マネーロンダリング"),
        ("マネー·ロンダリング", "マネーロンダリング"),
    ])
    func middleDotJoinsKatakanaWords(dotted: String, joined: String) throws {
        #expect(try terms(dotted) == terms(joined))
        #expect(try terms(dotted).count == 1)
    }

    @Test(arguments: [("サーバー", "サーバ"), ("コンピューター", "コンピュータ"), ("ユーザー", "ユーザ")])
    func trailingProlongedSoundMarkIsUnified(long: String, short: String) throws {
        #expect(try terms(long) == terms(short))
    }

    @Test func shortKatakanaWordsKeepTheirMark() throws {
        // Lucene's rule: only words of four or more characters lose the final ー.
        #expect(try terms("バー") == ["バー"])
        #expect(try terms("ルー") != terms("ル"))
    }

    @Test func middleDotBetweenOtherScriptsDoesNotJoin() throws {
        #expect(try terms("日本・中国") == ["日本", "中国"])
    }

    @Test func bigramsCoverEveryJapaneseRun() throws {
        #expect(try terms("新幹線", .bigram) == ["新幹", "幹線"])
        #expect(try terms("東京 と 大阪", .bigram) == ["東京", "と", "大阪"])
        #expect(try terms("GGEの報告", .bigram) == ["の報", "報告"])
        #expect(try terms("English only", .bigram).isEmpty)
    }

    @Test func bigramsCountCodePointsNotCodeUnits() throws {
        // 𠮷 is outside the BMP (a surrogate pair in UTF-16).
        #expect(try terms("𠮷野家", .bigram) == ["𠮷野", "野家"])
        let tokens = try Analyzer().tokens(of: "𠮷野家").filter { $0.stream == .bigram }
        #expect(tokens.first.map { ($0.start, $0.end) }! == (0, 3))
    }

    @Test func bigramOffsetsCoverTheirTwoCharacters() throws {
        let text = "政府専門家会合"
        for token in try Analyzer().tokens(of: text) where token.stream == .bigram {
            #expect(source(of: token, in: text) == token.term)
        }
    }
}
