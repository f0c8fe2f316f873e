import Foundation
import Testing

@testable import HashiDocuments

/// The readable text of `html`.
private func text(_ html: String) -> String {
    String(decoding: HTMLText(html: Array(html.utf16)).units, as: UTF16.self)
}

struct HTMLTextTests {
    @Test func inlineTagsAreDropped() {
        #expect(text("<b>bold</b> and <i class=\"x\">italic</i>!") == "bold and italic!")
        #expect(text("a<span>b</span>c") == "abc")
        #expect(text("<A HREF='x'>link</A>") == "link")
    }

    @Test func blockTagsBecomeParagraphBreaks() {
        #expect(text("<p>one</p><p>two</p>") == "one\n\ntwo")
        #expect(text("<div>a</div>b") == "a\n\nb")
        #expect(text("<h1>Title</h1><ul><li>x</li><li>y</li></ul>") == "Title\n\nx\n\ny")
        #expect(text("<P>upper</P><DIV>case</DIV>") == "upper\n\ncase")
        #expect(text("<table><tr><td>1</td><td>2</td></tr></table>") == "1\n\n2")
        // Breaks do not pile up, and there is none before the first text or after the last.
        #expect(text("<html><body>\n<p>\n</p><p></p><div><p>only</p></div>\n</body></html>") == "only")
    }

    @Test func brIsALineBreak() {
        #expect(text("a<br>b<br/>c<BR />d") == "a\nb\nc\nd")
        #expect(text("<p>a<br></p><p>b</p>") == "a\n\nb")
        #expect(text("line one <br>\n line two") == "line one\nline two")
    }

    @Test func scriptStyleCommentsAndDeclarationsAreDroppedWithTheirContents() {
        #expect(text("a<script>var x = '<p>hidden</p>';</script>b") == "ab")
        #expect(text("<style>p { color: red }</style>x") == "x")
        #expect(text("<SCRIPT type=\"text/javascript\">alert(1)</SCRIPT >y") == "y")
        #expect(text("a<!-- hidden <p> text -->b") == "ab")
        #expect(text("<!DOCTYPE html><?xml version=\"1.0\"?>x") == "x")
        #expect(text("a<noscript>enable js</noscript>b") == "ab")
        #expect(text("a<template><p>t</p></template>b") == "ab")
        // Unterminated: everything after is dropped, nothing crashes.
        #expect(text("a<!-- never closed <p>b</p>") == "a")
        #expect(text("a<script>never closed") == "a")
    }

    @Test func namedEntities() {
        #expect(text("&amp; &lt; &gt; &quot; &apos; &copy;") == "& < > \" ' ©")
        #expect(text("&nbsp;") == "\u{00A0}")
        #expect(text("a&mdash;b&hellip;") == "a—b…")
    }

    @Test func numericEntities() {
        #expect(text("&#38;&#x26;&#X26;") == "&&&")
        #expect(text("&#12354;&#x3042;") == "ああ")
        #expect(text("&#x1F600;") == "😀")
        #expect(text("&#38 x") == "& x")  // the semicolon may be left out
        #expect(text("&#0;") == "\u{FFFD}")
        #expect(text("&#xD800;") == "\u{FFFD}")
    }

    @Test func unknownAndMalformedEntitiesStayAsText() {
        #expect(text("&bogus; &amp &#; &#x; & x &;") == "&bogus; &amp &#; &#x; & x &;")
        #expect(text("AT&T") == "AT&T")
        #expect(text("&") == "&")
        #expect(text("x&#") == "x&#")
    }

    @Test func whiteSpaceFolds() {
        #expect(text("  a \n\t b  ") == "a b")
        #expect(text("a\r\n\r\nb") == "a b")
        #expect(text("<p>  a  </p>  <p>  b  </p>") == "a\n\nb")
        #expect(text("a <b> b </b> c") == "a b c")
    }

    @Test func preKeepsWhiteSpace() {
        #expect(text("x<pre> a\n  b </pre>y") == "x\n\n a\n  b \n\ny")
        #expect(text("<pre>a\n\n\nb</pre> c  d") == "a\n\n\nb\n\nc d")
    }

    @Test func unclosedTagsAndLoneLessThanAreHarmless() {
        #expect(text("a<b") == "a")
        #expect(text("a <span class='x") == "a")
        #expect(text("a < b") == "a < b")
        #expect(text("a<") == "a<")
        #expect(text("<") == "<")
        #expect(text("</") == "</")
        #expect(text("<a title=\"x>y\">link</a>") == "link")
    }

    /// HTML: a `<` not followed by a letter, `/` + letter, `!` or `?` is text ("tag open state").
    @Test func lessThanBeforeADigitOrDashIsText() {
        #expect(text("x<3 y") == "x<3 y")
        #expect(text("1<2 and 3>2") == "1<2 and 3>2")
        #expect(text("a <- b") == "a <- b")
    }

    @Test func originMapPointsAtSourceCharacters() {
        let html = "<p>a&amp;b</p> <p>c  d</p>"
        let extracted = HTMLText(html: Array(html.utf16))
        let source = Array(html.utf16)
        #expect(String(decoding: extracted.units, as: UTF16.self) == "a&b\n\nc d")
        func offset(of needle: String, from: Int = 0) -> Int32 {
            let n = Array(needle.utf16)
            for k in from...(source.count - n.count) where Array(source[k..<(k + n.count)]) == n { return Int32(k) }
            return -1
        }
        #expect(extracted.origin == [
            3,                     // a
            4,                     // &amp;
            9,                     // b
            offset(of: "</p>"),    // paragraph break
            offset(of: "</p>"),
            offset(of: "c"),
            offset(of: "  d"),     // the folded space: the first white space
            offset(of: "d"),
            Int32(source.count),
        ])
    }

    @Test func originMapForSurrogatesEntitiesAndBreaks() {
        let html = "<div>𠮷&#x1F600;<br>x</div>"
        let extracted = HTMLText(html: Array(html.utf16))
        #expect(String(decoding: extracted.units, as: UTF16.self) == "𠮷😀\nx")
        // 𠮷 (2 units) at 5 and 6; both halves of 😀 point at its reference; the break at <br>.
        #expect(extracted.origin == [5, 6, 7, 7, 16, 20, Int32(html.utf16.count)])
    }

    /// For random markup, every ordinary output unit comes from the same unit in the source,
    /// and the map is monotonic and ends at the source length.
    @Test func originMapIsConsistentOnRandomMarkup() {
        let pieces = ["<p>", "</p>", "<b>", "</b>", "<br>", "text", "日本語", " ", "\n", "&amp;", "&#x3042;", "&bogus;",
                      "<!-- c -->", "<script>s</script>", "<pre>", "</pre>", "  ", "<", ">", "𠮷", "\t", "<div class='a'>"]
        var generator = SplitMix(seed: 42)
        for _ in 0..<300 {
            let count = Int(generator.next() % 40)
            let html = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            let source = Array(html.utf16)
            let extracted = HTMLText(html: source)
            #expect(extracted.origin.count == extracted.units.count + 1)
            #expect(extracted.origin.last == Int32(source.count))
            #expect(zip(extracted.origin, extracted.origin.dropFirst()).allSatisfy { $0 <= $1 }, "origin map not monotonic for \(html.debugDescription)")
            for (k, unit) in extracted.units.enumerated() {
                let o = Int(extracted.origin[k])
                guard o >= 0 && o < source.count else {
                    Issue.record("origin \(o) out of range for \(html.debugDescription)")
                    continue
                }
                let fromReference = source[o] == 0x26  // &
                let isSeparator = unit == 0x20 || unit == 0x0A
                if !fromReference && !isSeparator {
                    #expect(source[o] == unit, "unit \(k) of \(html.debugDescription) maps to a different source unit")
                }
            }
        }
    }
}
