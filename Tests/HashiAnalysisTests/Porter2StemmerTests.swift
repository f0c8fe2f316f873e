import Foundation
import Testing

@testable import HashiAnalysis

/// Tests for the Snowball English (Porter2) stemmer.
///
/// The vocabulary test uses the Snowball project's reference data (voc.txt / output.txt,
/// BSD-licensed, see Fixtures/snowball-english/COPYING).
struct Porter2StemmerTests {
    let stemmer = Porter2Stemmer()

    private func fixtureLines(_ name: String) throws -> [Substring] {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures/snowball-english"),
            "missing fixture \(name).txt"
        )
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    @Test func matchesSnowballReferenceVocabulary() throws {
        let words = try fixtureLines("voc")
        let expected = try fixtureLines("output")
        #expect(words.count == 42_649)
        try #require(words.count == expected.count, "voc.txt and output.txt differ in length")

        var mismatches: [String] = []
        var mismatchCount = 0
        for (word, want) in zip(words, expected) {
            let got = stemmer.stem(String(word))
            if got != want {
                mismatchCount += 1
                if mismatches.count < 20 { mismatches.append("\(word) -> expected \(want), got \(got)") }
            }
        }
        #expect(
            mismatchCount == 0,
            "\(mismatchCount) of \(words.count) words stem differently; first ones:\n\(mismatches.joined(separator: "\n"))"
        )
    }

    @Test func byteAPIAgreesWithStringAPI() throws {
        for word in try fixtureLines("voc").prefix(5_000) {
            let viaString = stemmer.stem(String(word))
            let viaBytes = stemmer.stem(utf8: Array(word.utf8))
            #expect(String(decoding: viaBytes, as: UTF8.self) == viaString, "\(word)")
        }
    }

    @Test(arguments: [
        // R1 special prefixes
        ("generously", "generous"), ("communism", "communism"), ("arsenal", "arsenal"),
        ("international", "internat"), ("universally", "universal"), ("pasted", "paste"),
        // step 1b
        ("consigned", "consign"), ("hopping", "hop"), ("luxuriated", "luxuri"), ("hoped", "hope"),
        ("dying", "die"), ("lying", "lie"), ("tying", "tie"), ("vying", "vie"),
        ("inning", "inning"), ("innings", "inning"), ("outing", "outing"), ("canning", "canning"),
        ("herring", "herring"), ("earring", "earring"), ("proceed", "proceed"), ("exceed", "exceed"),
        ("succeed", "succeed"), ("agreed", "agre"),
        // step 1a
        ("ties", "tie"), ("cries", "cri"), ("gas", "gas"), ("gaps", "gap"), ("caresses", "caress"),
        // y handling
        ("cry", "cri"), ("by", "by"), ("say", "say"), ("saying", "say"), ("youth", "youth"),
        // steps 2-5
        ("geologist", "geolog"), ("rational", "ration"), ("controllable", "control"),
        ("hopefulness", "hope"),
        // apostrophes
        ("'s'", "s"), ("dog's", "dog"), ("'''", "'"),
    ])
    func individualRules(word: String, stem: String) {
        #expect(stemmer.stem(word) == stem, "\(word)")
    }

    @Test(arguments: [
        ("skis", "ski"), ("skies", "sky"), ("idly", "idl"), ("gently", "gentl"), ("ugly", "ugli"),
        ("early", "earli"), ("only", "onli"), ("singly", "singl"), ("sky", "sky"), ("news", "news"),
        ("howe", "howe"), ("atlas", "atlas"), ("cosmos", "cosmos"), ("bias", "bias"), ("andes", "andes"),
    ])
    func exceptionalForms(word: String, stem: String) {
        #expect(stemmer.stem(word) == stem)
    }

    @Test func shortAndNonASCIIInputIsSafe() {
        #expect(stemmer.stem("") == "")
        #expect(stemmer.stem("a") == "a")
        #expect(stemmer.stem("is") == "is")
        #expect(stemmer.stem("café") == "café")
        #expect(stemmer.stem("cafés") == "café")
        #expect(stemmer.stem("サイバー") == "サイバー")
        // Two characters but more than two bytes: still too short to stem.
        #expect(stemmer.stem("és") == "és")
        for word in ["naïvely", "ÿying", "éies", "日本語ing", "'", "''", "y", "yyy", "e\u{301}s"] {
            _ = stemmer.stem(word)
            _ = stemmer.stem(utf8: Array(word.utf8))
        }
        // Invalid UTF-8 through the byte API must not trap either.
        _ = stemmer.stem(utf8: [0x80, 0xFF, 0x73, 0x65, 0x73])
        _ = stemmer.stem(utf8: [0x61, 0xC3, 0x69, 0x6E, 0x67])
    }
}
