import PropertyBased
import Testing

@testable import HashiSearch

/// Excerpts: where the window goes, the ellipses, and the match offsets moved into the excerpt.
struct SnippetTests {
    private func scalars(_ text: String) -> [Unicode.Scalar] { Array(text.unicodeScalars) }

    @Test func aShortTextIsTheWholeSnippet() {
        let text = "相当の注意義務(デューデリジェンス)について"
        let snippet = Snippet(of: scalars(text), matches: [8..<17])
        #expect(snippet.text == text)
        #expect(snippet.start == 0)
        #expect(snippet.matches == [8..<17])
    }

    @Test func anEmptyTextOrNoMatchesGiveTheStart() {
        #expect(Snippet(of: [], matches: []).text == "")
        let long = String(repeating: "あ", count: 400)
        let snippet = Snippet(of: scalars(long), matches: [])
        #expect(snippet.start == 0)
        #expect(snippet.text == String(repeating: "あ", count: Snippet.maximumLength) + "…")
        #expect(snippet.matches.isEmpty)
    }

    @Test func aTextOfExactlyTheMaximumIsNotCut() {
        let text = String(repeating: "x", count: Snippet.maximumLength)
        let snippet = Snippet(of: scalars(text), matches: [150..<155])
        #expect(snippet.text == text)
        #expect(snippet.matches == [150..<155])
    }

    @Test func aLateMatchCutsBothEndsAndShiftsTheOffsets() {
        // 1,000 scalars, a match at 500..<505.
        let text = String(repeating: "a", count: 500) + "MATCH" + String(repeating: "b", count: 495)
        let snippet = Snippet(of: scalars(text), matches: [500..<505])
        let context = Snippet.maximumLength / 6
        #expect(snippet.start == 500 - context)
        #expect(snippet.text.hasPrefix("…"))
        #expect(snippet.text.hasSuffix("…"))
        #expect(snippet.text.unicodeScalars.count == Snippet.maximumLength + 2)
        let shifted = try! #require(snippet.matches.first)
        #expect(shifted == (context + 1)..<(context + 6))
        let cut = String(String.UnicodeScalarView(Array(snippet.text.unicodeScalars)[shifted]))
        #expect(cut == "MATCH")
    }

    @Test func aMatchNearTheEndPullsTheWindowBack() {
        let text = String(repeating: "a", count: 300) + "END"
        let snippet = Snippet(of: scalars(text), matches: [300..<303])
        // The window ends at the text's end and is still full length: no trailing ellipsis.
        #expect(snippet.start == 303 - Snippet.maximumLength)
        #expect(snippet.text.hasPrefix("…"))
        #expect(!snippet.text.hasSuffix("…"))
        #expect(snippet.text.hasSuffix("END"))
        #expect(snippet.matches == [(Snippet.maximumLength - 3 + 1)..<(Snippet.maximumLength + 1)])
    }

    @Test func theWindowWithTheMostMatchesWins() {
        // One match early, three close together late.
        let text = String(repeating: "。", count: 1_000)
        let matches = [10..<12, 600..<602, 610..<612, 620..<622]
        let snippet = Snippet(of: scalars(text), matches: matches)
        #expect(snippet.matches.count == 3)
        #expect(snippet.start == 600 - Snippet.maximumLength / 6)
    }

    @Test func matchesOutsideTheWindowAreLeftOut() {
        let text = String(repeating: "z", count: 1_000)
        let snippet = Snippet(of: scalars(text), matches: [10..<12, 900..<905])
        #expect(snippet.start == 0)
        #expect(snippet.matches == [10..<12])
    }

    /// Random texts and matches: the excerpt is a piece of the text, its matches are the same
    /// characters, it holds as many matches as the best window, and it is never longer than allowed.
    @Test func snippetProperties() async {
        let lengths = Gen.int(in: 0...600)
        let rawMatches = Gen.int(in: 0...600).array(of: 2).array(of: 0...8)
        let maxima = Gen.element(of: [Snippet.maximumLength, 20, 7, 1])
        await propertyCheck(count: 400, input: lengths, rawMatches, maxima) { length, raw, maximum in
            let maximum = maximum ?? Snippet.maximumLength
            // Distinct characters so each position is recognisable.
            let text = (0..<length).map { Unicode.Scalar(0x4E00 + UInt32($0))! }
            let matches = raw.compactMap { pair -> Range<Int>? in
                guard length > 0 else { return nil }
                let a = pair[0] % length, b = pair[1] % (length + 1)
                return a < b ? a..<b : nil
            }
            let snippet = Snippet(of: text, matches: matches, maximumLength: maximum)
            let out = Array(snippet.text.unicodeScalars)
            let lead = snippet.start > 0 ? 1 : 0
            #expect(snippet.start >= 0 && snippet.start <= max(0, length))
            if lead == 1 { #expect(out.first == "…") }
            let bodyEnd = out.last == "…" ? out.count - 1 : out.count
            let body = Array(out[lead..<max(lead, bodyEnd)])
            #expect(body.count <= maximum)
            #expect(Array(text[snippet.start..<min(length, snippet.start + body.count)]) == body)
            // A trailing ellipsis exactly when the text goes on.
            #expect((out.last == "…") == (snippet.start + body.count < length))
            if length <= maximum {
                #expect(snippet.start == 0 && body.count == length)
            } else {
                #expect(body.count == maximum)
            }
            // Matches in the snippet are the same characters as in the text.
            for m in snippet.matches {
                #expect(m.lowerBound >= lead && m.upperBound <= lead + body.count)
                let original = (m.lowerBound - lead + snippet.start)..<(m.upperBound - lead + snippet.start)
                #expect(Array(out[m]) == Array(text[original]))
                #expect(matches.contains(original))
            }
            // Every match that lies inside the window is reported.
            let inside = matches.filter { $0.lowerBound >= snippet.start && $0.upperBound <= snippet.start + body.count }
            #expect(snippet.matches.count == inside.count)
            // No window starting a little before a match holds more matches.
            let context = maximum / 6
            for match in matches {
                let start = max(0, match.lowerBound - context)
                let count = matches.filter { $0.lowerBound >= start && $0.upperBound <= start + maximum }.count
                #expect(snippet.matches.count >= count, "window at \(start) holds \(count)")
            }
        }
    }
}
