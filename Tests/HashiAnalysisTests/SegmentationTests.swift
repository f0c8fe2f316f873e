import Testing

@testable import HashiAnalysis

/// Step 3: ICU word segmentation, with punctuation dropped and script changes as boundaries.
struct SegmentationTests {
    @Test func punctuationNeverBecomesATerm() throws {
        let all = try Analyzer().tokens(of: "「サイバー攻撃」、(GGE)！？ — … ・ 。 \"quoted\", well... #$%")
        for token in all {
            #expect(token.term.unicodeScalars.contains { CharacterSet.alphanumerics.contains($0) },
                    "punctuation token \(token.term)")
        }
    }

    @Test func scriptChangeIsATokenBoundary() throws {
        #expect(try terms("GGEの2015年報告") == ["gge", "の", "2015", "年", "報告"])
        #expect(try terms("CSIRT間連携") .starts(with: ["csirt"]))
        #expect(try terms("サイバー攻撃") == ["サイバ", "攻撃"])
    }

    @Test func japaneseIsSegmentedByTheDictionary() throws {
        let words = try terms("国家によるサイバー攻撃に対応する")
        #expect(words.contains("国家"))
        #expect(words.contains("対応"))
        #expect(words.contains("サイバ"))
    }

    @Test func positionsCountEachStreamFromZero() throws {
        let tokens = try Analyzer().tokens(of: "due diligence と 相当の注意")
        let words = tokens.filter { $0.stream == .word }
        let bigrams = tokens.filter { $0.stream == .bigram }
        #expect(words.map(\.position) == Array(0..<words.count))
        // Bigrams count up within a run, with two empty positions between runs: と alone, then
        // the run 相当の注意.
        #expect(bigrams.map(\.position) == [0, 3, 4, 5, 6])
        #expect(try Analyzer().tokens(of: "東京 と 大阪").filter { $0.stream == .bigram }.map(\.position) == [0, 3, 6])
    }

    @Test func scriptsAreReported() throws {
        let tokens = try Analyzer().tokens(of: "Hashi 2015 サイバー 攻撃 する 行う Ελλάδα").filter { $0.stream == .word }
        #expect(tokens.map(\.script) == [.latin, .number, .katakana, .han, .hiragana, .japanese, .other])
    }
}

import Foundation
