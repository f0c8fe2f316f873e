import Foundation
import Testing

import HashiAnalysis
@testable import HashiDocuments

/// The text of each passage of `text`.
private func passageTexts(_ text: String, limit: Int = PassageSplitter.defaultLimit) throws -> [String] {
    let units = Array(text.utf16)
    return try PassageSplitter(limit: limit).passages(of: units).map { String(decoding: units[$0.range], as: UTF16.self) }
}

/// White space as the splitter sees it (for checks written independently of its code).
private func isWhite(_ unit: UInt16) -> Bool {
    [0x20, 0x09, 0x0A, 0x0D, 0x0C, 0x0B, 0x3000, 0xA0, 0xFEFF].contains(unit) || (0x2000...0x200B).contains(unit)
}

/// Checks what holds for every split: ordinals 0..<n, ranges ascending and disjoint, within limit,
/// no white space at either end, no surrogate pair cut, and no non-white character lost or added.
private func checkInvariants(_ text: [UInt16], _ passages: [Passage], limit: Int,
                             sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(passages.map(\.ordinal) == Array(0..<passages.count), sourceLocation: sourceLocation)
    var previousEnd = 0
    var kept: [UInt16] = []
    for passage in passages {
        let r = passage.range
        #expect(!r.isEmpty && r.lowerBound >= previousEnd && r.upperBound <= text.count,
                "range \(r) after \(previousEnd)", sourceLocation: sourceLocation)
        guard !r.isEmpty, r.lowerBound >= previousEnd, r.upperBound <= text.count else { return }
        #expect(r.count <= limit, "passage of \(r.count) units exceeds the limit \(limit)", sourceLocation: sourceLocation)
        #expect(!isWhite(text[r.lowerBound]) && !isWhite(text[r.upperBound - 1]),
                "passage \(passage.ordinal) starts or ends with white space", sourceLocation: sourceLocation)
        #expect(!UTF16.isTrailSurrogate(text[r.lowerBound]), "passage \(passage.ordinal) starts inside a surrogate pair",
                sourceLocation: sourceLocation)
        #expect(!UTF16.isLeadSurrogate(text[r.upperBound - 1]), "passage \(passage.ordinal) ends inside a surrogate pair",
                sourceLocation: sourceLocation)
        // Between passages there is only white space.
        #expect(text[previousEnd..<r.lowerBound].allSatisfy(isWhite), sourceLocation: sourceLocation)
        kept += text[r].filter { !isWhite($0) }
        previousEnd = r.upperBound
    }
    #expect(text[previousEnd...].allSatisfy(isWhite), "text after the last passage was lost", sourceLocation: sourceLocation)
    #expect(kept == text.filter { !isWhite($0) }, "characters lost or duplicated", sourceLocation: sourceLocation)
}

struct PassageSplitterTests {
    @Test func paragraphsEndAtBlankLines() throws {
        let text = "one\n\ntwo\n \t\nthree\n\u{3000}\nfour\n\u{3000} \u{3000}\n\n\nfive"
        #expect(try passageTexts(text) == ["one", "two", "three", "four", "five"])
    }

    @Test func linesWithoutABlankLineAreOneParagraph() throws {
        #expect(try passageTexts("first line\nsecond line\n\nnext") == ["first line\nsecond line", "next"])
        #expect(try passageTexts("a\r\nb\r\n\r\nc") == ["a\r\nb", "c"])
        #expect(try passageTexts("a\rb\r\rc") == ["a\rb", "c"])
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func everyNewlineConventionSeparatesParagraphs(newline: String) throws {
        let lines = ["alpha", "", "beta", "gamma", " ", "", "delta", "\u{3000}", "epsilon"]
        let text = lines.joined(separator: newline)
        #expect(try passageTexts(text) == ["alpha", "beta" + newline + "gamma", "delta", "epsilon"])
    }

    @Test func mixedNewlinesInOneFile() throws {
        // CRLF, then a lone CR making a blank line, then LF.
        #expect(try passageTexts("a\r\n\rb\n\r\nc\r\n\nd") == ["a", "b", "c", "d"])
    }

    @Test func passagesAreTrimmed() throws {
        let text = "\n\n  \u{3000}\thello world\u{3000}\u{00A0}  \n\n\t x \t\n   \n"
        let units = Array(text.utf16)
        let passages = try PassageSplitter().passages(of: units)
        #expect(passages.map { String(decoding: units[$0.range], as: UTF16.self) } == ["hello world", "x"])
        checkInvariants(units, passages, limit: PassageSplitter.defaultLimit)
    }

    @Test func emptyAndBlankTextsHaveNoPassages() throws {
        #expect(try passageTexts("").isEmpty)
        #expect(try passageTexts(" \n\u{3000}\r\n\t\r").isEmpty)
    }

    @Test func ordinalsCountPassagesOfTheWholeDocument() throws {
        let long = String(repeating: "This is a sentence. ", count: 20)
        let units = Array(("intro\n\n" + long + "\n\nend").utf16)
        let passages = try PassageSplitter(limit: 60).passages(of: units)
        #expect(passages.count > 3)
        #expect(passages.map(\.ordinal) == Array(0..<passages.count))
        #expect(String(decoding: units[passages.first!.range], as: UTF16.self) == "intro")
        #expect(String(decoding: units[passages.last!.range], as: UTF16.self) == "end")
    }

    @Test func limitBelowSixteenIsRaisedToSixteen() throws {
        #expect(try PassageSplitter(limit: 3).limit == 16)
        #expect(try PassageSplitter(limit: 100).limit == 100)
    }

    @Test func aParagraphOfExactlyTheLimitIsOnePassage() throws {
        let paragraph = String(repeating: "x", count: 40)
        #expect(try passageTexts(paragraph, limit: 40) == [paragraph])
        #expect(try passageTexts(paragraph + "y", limit: 40).count == 2)
    }

    static let japaneseSentences = [
        "今日は良い天気です。", "政府専門家会合は相当の注意義務について議論した。", "新幹線で東京から大阪まで行きました。",
        "デューデリジェンスの範囲は広い。", "信頼醸成措置が重要だと考えられている。", "私は毎朝コーヒーを飲む。",
        "サイバー攻撃への対応を強化する必要がある。", "会議は午後三時に始まった。",
    ]

    /// A long Japanese paragraph is cut after 。 into passages packed with whole sentences.
    @Test func longJapaneseParagraphIsCutAtSentences() throws {
        let sentences = (0..<30).map { Self.japaneseSentences[$0 % Self.japaneseSentences.count] }
        let paragraph = sentences.joined()
        let limit = 60
        let units = Array(paragraph.utf16)
        let passages = try PassageSplitter(limit: limit).passages(of: units)
        checkInvariants(units, passages, limit: limit)
        let texts = passages.map { String(decoding: units[$0.range], as: UTF16.self) }
        // Greedy packing of whole sentences.
        var expected: [String] = []
        var current = ""
        for sentence in sentences {
            if current.utf16.count + sentence.utf16.count > limit {
                expected.append(current)
                current = ""
            }
            current += sentence
        }
        expected.append(current)
        #expect(texts == expected)
    }

    /// A long English paragraph is cut after sentence ends; no passage splits a sentence.
    @Test func longEnglishParagraphIsCutAtSentences() throws {
        let sentences = [
            "The group of governmental experts met in Geneva.", "Due diligence was discussed at length.",
            "Confidence building measures matter.", "States should not knowingly allow their territory to be used.",
            "It rained.", "Capacity building helps developing countries respond to incidents.",
        ]
        let all = (0..<24).map { sentences[$0 % sentences.count] }
        let paragraph = all.joined(separator: " ")
        let limit = 120
        let units = Array(paragraph.utf16)
        let passages = try PassageSplitter(limit: limit).passages(of: units)
        checkInvariants(units, passages, limit: limit)
        let texts = passages.map { String(decoding: units[$0.range], as: UTF16.self) }
        #expect(texts.joined(separator: " ") == paragraph)
        var index = 0
        for (k, text) in texts.enumerated() {
            // Each passage is a run of whole sentences.
            var rest = Substring(text)
            var count = 0
            while !rest.isEmpty, index < all.count, rest.hasPrefix(all[index]) {
                rest = rest.dropFirst(all[index].count).drop { $0 == " " }
                index += 1
                count += 1
            }
            #expect(rest.isEmpty && count > 0, "passage \(k) is not whole sentences: \(text)")
            // Packed: the next sentence would not have fitted (allowing for one trailing space).
            if k + 1 < texts.count, index < all.count {
                #expect(text.utf16.count + 1 + all[index].utf16.count + 1 > limit,
                        "passage \(k) could have taken the next sentence")
            }
        }
        #expect(index == all.count)
    }

    /// One English sentence longer than the limit is cut after a space, never inside a word.
    @Test func overlongSentenceIsCutAtASpace() throws {
        let words = (0..<80).map { ["diligence", "of", "experts", "regarding", "cyber", "a", "confidence-building"][$0 % 7] }
        let sentence = words.joined(separator: " ")
        let limit = 50
        let units = Array(sentence.utf16)
        let passages = try PassageSplitter(limit: limit).passages(of: units)
        checkInvariants(units, passages, limit: limit)
        let texts = passages.map { String(decoding: units[$0.range], as: UTF16.self) }
        #expect(texts.count >= sentence.utf16.count / limit)
        #expect(texts.joined(separator: " ") == sentence, "a word was cut")
        for (k, text) in texts.enumerated().dropLast() {
            let next = texts[k + 1].split(separator: " ")[0]
            #expect(text.utf16.count + 1 + next.utf16.count >= limit, "passage \(k) was cut earlier than needed")
        }
    }

    /// A Japanese sentence with no space and no sentence end is cut at the limit.
    @Test func overlongSentenceWithoutSpacesIsCutAtTheLimit() throws {
        let sentence = String(repeating: "相当の注意義務", count: 20)  // 140 units
        let units = Array(sentence.utf16)
        let passages = try PassageSplitter(limit: 32).passages(of: units)
        checkInvariants(units, passages, limit: 32)
        #expect(passages.map(\.range.count) == [32, 32, 32, 32, 12])
    }

    /// A letter and the marks written after it stay in one passage, whatever the limit: a passage
    /// that began with `\u{301}` would hold a word the text does not (and lose one it does).
    @Test func combiningMarksStayWithTheirLetter() throws {
        for limit in 16...29 {
            for body in [String(repeating: "cafe\u{301}", count: 30), String(repeating: "ﾃﾞｭｰﾃﾞﾘｼﾞｪﾝｽ", count: 12),
                         String(repeating: "☝\u{1F3FD}👩\u{200D}💻a\u{FE0F}", count: 20)] {
                let units = Array(body.utf16)
                let passages = try PassageSplitter(limit: limit).passages(of: units)
                checkInvariants(units, passages, limit: limit)
                for passage in passages {
                    #expect(!PassageSplitter.splitsCharacter(units, at: passage.range.lowerBound),
                            "limit \(limit): passage \(passage.range) starts inside a character")
                }
            }
        }
    }

    /// Characters outside the BMP (two UTF-16 units) are never cut in half, whatever the limit.
    @Test func surrogatePairsAreNeverSplit() throws {
        for limit in 16...41 {
            for prefix in ["", "a", "ab", "漢"] {
                for body in [String(repeating: "𠮷", count: 60), String(repeating: "𠮷野😀", count: 25),
                             String(repeating: "x😀", count: 50)] {
                    let units = Array((prefix + body).utf16)
                    let passages = try PassageSplitter(limit: limit).passages(of: units)
                    checkInvariants(units, passages, limit: limit)
                    for passage in passages {
                        // Every passage is valid UTF-16 on its own.
                        var iterator = units[passage.range].makeIterator()
                        var decoder = UTF16()
                        var valid = true
                        loop: while true {
                            switch decoder.decode(&iterator) {
                            case .scalarValue: continue
                            case .emptyInput: break loop
                            case .error: valid = false; break loop
                            }
                        }
                        #expect(valid, "limit \(limit), prefix \(prefix.debugDescription): passage \(passage.range) is not valid UTF-16")
                    }
                }
            }
        }
    }

    /// Random mixed texts keep every invariant.
    @Test func invariantsHoldOnRandomTexts() throws {
        let pieces = ["今日は良い天気です。", "Due diligence. ", "サイバー", "𠮷", "😀", " ", "\u{3000}", "\n", "\r\n", "\r",
                      "\n\n", "word ", "長い文章", "。", ". ", "\t", "ｻｲﾊﾞｰ", "Ｇ", "?! "]
        var generator = SplitMix(seed: 0x5EED)
        for round in 0..<150 {
            let count = Int(generator.next() % 300)
            let text = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            let limit = 16 + Int(generator.next() % 100)
            let units = Array(text.utf16)
            let passages = try PassageSplitter(limit: limit).passages(of: units)
            checkInvariants(units, passages, limit: limit)
            if round == 0 { #expect(Bool(true)) }
        }
    }
}

/// A small deterministic random number generator (so failures reproduce).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
