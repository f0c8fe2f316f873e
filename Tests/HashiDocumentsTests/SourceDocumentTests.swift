import Foundation
import Testing

import HashiAnalysis
@testable import HashiDocuments

/// One way a file can be encoded: how to make its bytes, and how to decode a cut of them.
struct FileEncoding: Sendable, CustomTestStringConvertible {
    var name: String
    var expected: TextEncoding
    var foundation: String.Encoding
    var prefix: [UInt8]

    var testDescription: String { name }

    func bytes(_ text: String) throws -> [UInt8] {
        if expected == .eucJP {
            // Foundation on Linux has no EUC-JP encoder: go through ISO-2022-JP, whose JIS X 0208
            // byte pairs are EUC-JP's with the high bit cleared.
            let jis = [UInt8](try #require(text.data(using: .iso2022JP), "Foundation cannot encode the text as ISO-2022-JP"))
            return try #require(Self.eucJP(fromISO2022JP: jis), "unexpected escape sequence")
        }
        return prefix + [UInt8](try #require(text.data(using: foundation), "Foundation cannot encode the text as \(name)"))
    }

    /// Decodes a cut of a file (without its byte order mark).
    func decode(_ bytes: ArraySlice<UInt8>) -> String? {
        if expected == .eucJP {
            return Self.iso2022JP(fromEUCJP: bytes).flatMap { String(data: Data($0), encoding: .iso2022JP) }
        }
        return String(data: Data(bytes), encoding: foundation)
    }

    static func eucJP(fromISO2022JP bytes: [UInt8]) -> [UInt8]? {
        var result: [UInt8] = []
        var twoByte = false
        var k = 0
        while k < bytes.count {
            if bytes[k] == 0x1B, k + 2 < bytes.count {
                switch (bytes[k + 1], bytes[k + 2]) {
                case (0x24, 0x42), (0x24, 0x40): twoByte = true
                case (0x28, 0x42), (0x28, 0x4A): twoByte = false
                default: return nil
                }
                k += 3
            } else if twoByte && bytes[k] >= 0x21 && bytes[k] <= 0x7E {
                guard k + 1 < bytes.count else { return nil }
                result += [bytes[k] | 0x80, bytes[k + 1] | 0x80]
                k += 2
            } else {
                result.append(bytes[k])
                k += 1
            }
        }
        return result
    }

    static func iso2022JP(fromEUCJP bytes: ArraySlice<UInt8>) -> [UInt8]? {
        var result: [UInt8] = []
        var twoByte = false
        var k = bytes.startIndex
        while k < bytes.endIndex {
            if bytes[k] >= 0xA1 {
                guard k + 1 < bytes.endIndex, bytes[k + 1] >= 0xA1 else { return nil }
                if !twoByte { result += [0x1B, 0x24, 0x42]; twoByte = true }
                result += [bytes[k] & 0x7F, bytes[k + 1] & 0x7F]
                k += 2
            } else if bytes[k] >= 0x80 {
                return nil
            } else {
                if twoByte { result += [0x1B, 0x28, 0x42]; twoByte = false }
                result.append(bytes[k])
                k += 1
            }
        }
        if twoByte { result += [0x1B, 0x28, 0x42] }
        return result
    }

    static let all: [FileEncoding] = [
        FileEncoding(name: "UTF-8", expected: .utf8, foundation: .utf8, prefix: []),
        FileEncoding(name: "UTF-8 with BOM", expected: .utf8, foundation: .utf8, prefix: [0xEF, 0xBB, 0xBF]),
        FileEncoding(name: "UTF-16LE with BOM", expected: .utf16LittleEndian, foundation: .utf16LittleEndian, prefix: [0xFF, 0xFE]),
        FileEncoding(name: "UTF-16BE with BOM", expected: .utf16BigEndian, foundation: .utf16BigEndian, prefix: [0xFE, 0xFF]),
        FileEncoding(name: "Shift_JIS", expected: .shiftJIS, foundation: .shiftJIS, prefix: []),
        FileEncoding(name: "EUC-JP", expected: .eucJP, foundation: .japaneseEUC, prefix: []),
        FileEncoding(name: "ISO-2022-JP", expected: .iso2022JP, foundation: .iso2022JP, prefix: []),
    ]
    static let unicode = Array(all.prefix(4))
    static let legacy = Array(all.suffix(3))
}

/// Japanese and English paragraphs (JIS X 0208 characters only, so every encoding holds them).
let sampleParagraphs = [
    "橋は日本語と英語の全文検索ライブラリです。文書を索引に登録して、キーワードや概念で検索できます。",
    String(repeating: "政府専門家会合（ＧＧＥ）は、サイバー空間における国家の責任ある行動について議論した。相当の注意義務、"
        + "すなわちデューデリジェンスの考え方が取り上げられた。信頼醸成措置と能力構築も重要な論点である。", count: 2),
    "English text: due diligence and confidence building measures. Another sentence follows here.",
    "新幹線で東京から大阪まで行きました。\n車窓から富士山が見えました。",
    "　全角スペースで始まる段落です。",
]

/// 1-based line of UTF-16 offset `offset` of `units`, counting LF, CRLF and CR as line ends (a
/// line's terminator belongs to it).
func expectedLine(_ units: [UInt16], _ offset: Int) -> UInt32 {
    var line: UInt32 = 1
    for k in 0..<offset {
        let endsLine = units[k] == 0x0A || (units[k] == 0x0D && (k + 1 == units.count || units[k + 1] != 0x0A))
        if endsLine { line += 1 }
    }
    return line
}

struct SourceDocumentTests {
    static let cases: [(FileEncoding, String)] = FileEncoding.all.flatMap { e in ["\n", "\r\n", "\r"].map { (e, $0) } }

    /// Cutting a passage's byte range out of the file and decoding it gives the passage's text,
    /// and the passage's line is where it starts.
    @Test(arguments: cases)
    func passageByteRangesAndLinesInPlainText(encoding: FileEncoding, newline: String) throws {
        let text = sampleParagraphs.joined(separator: "\n\n").replacingOccurrences(of: "\n", with: newline)
        let bytes = try encoding.bytes(text)
        let document = try SourceDocument(path: "doc.txt", bytes: bytes, kind: .text)
        #expect(document.encoding == encoding.expected)
        #expect(document.units == Array(text.utf16), "decoded text differs")
        #expect(document.byteCount == bytes.count)
        let passages = try PassageSplitter(limit: 60).passages(of: document.units)
        #expect(passages.count > sampleParagraphs.count, "the long paragraph should have been cut")
        for passage in passages {
            let passageText = String(decoding: document.units[passage.range], as: UTF16.self)
            let byteRange = document.byteRange(of: passage.range)
            #expect(byteRange.lowerBound >= encoding.prefix.count && byteRange.upperBound <= bytes.count)
            guard byteRange.lowerBound >= 0, byteRange.upperBound <= bytes.count else { continue }
            let cut = encoding.decode(bytes[byteRange])
            withKnownIssue("ISO-2022-JP byte ranges start after the escape sequence that selects JIS X 0208", isIntermittent: true) {
                #expect(cut == passageText, "passage \(passage.ordinal): bytes \(byteRange) decode to \(cut.debugDescription)")
            } when: { encoding.expected == .iso2022JP && cut != passageText }
            #expect(document.line(at: passage.range.lowerBound) == expectedLine(document.units, passage.range.lowerBound),
                    "passage \(passage.ordinal) line")
        }
        // Every offset's line, not only passage starts.
        for k in 0...document.units.count {
            if document.line(at: k) != expectedLine(document.units, k) {
                Issue.record("line at offset \(k) is \(document.line(at: k)), expected \(expectedLine(document.units, k))")
                break
            }
        }
    }

    /// Known lines: paragraphs of one line each, separated by blank lines.
    @Test(arguments: ["\n", "\r\n", "\r"])
    func lineNumbersOfPassages(newline: String) throws {
        let lines = ["alpha", "", "beta", "gamma", "", "", "delta 日本語", "", "epsilon"]
        let text = lines.joined(separator: newline)
        let document = try SourceDocument(path: "lines.md", bytes: Array(text.utf8), kind: .text)
        let passages = try PassageSplitter().passages(of: document.units)
        #expect(passages.map { document.line(at: $0.range.lowerBound) } == [1, 3, 7, 9])
        #expect(passages.map { document.byteRange(of: $0.range) }.map { String(decoding: Array(text.utf8)[$0], as: UTF8.self) }
            == ["alpha", "beta" + newline + "gamma", "delta 日本語", "epsilon"])
    }

    /// HTML: a passage's byte range covers the source of its first and last characters, so the HTML
    /// cut out of the file gives the passage's text back; lines are those of the source.
    @Test(arguments: cases)
    func passageByteRangesAndLinesInHTML(encoding: FileEncoding, newline: String) throws {
        let html = [
            "<html><head><title>タイトル</title><style>p { margin: 0 }</style></head><body>",
            "<h1>見出し &amp; 記号</h1>",
            "<p>" + sampleParagraphs[0] + "</p>",
            "<p>" + sampleParagraphs[1].replacingOccurrences(of: "相当の注意義務", with: "<b>相当の注意義務</b>") + "</p>",
            "<!-- 注釈は索引しない -->",
            "<p>English &lt;text&gt; with a<br>line break.</p>",
            "</body></html>",
        ].joined(separator: newline)
        let bytes = try encoding.bytes(html)
        let document = try SourceDocument(path: "doc.html", bytes: bytes, kind: .html)
        #expect(document.encoding == encoding.expected)
        let passages = try PassageSplitter(limit: 60).passages(of: document.units)
        let texts = passages.map { String(decoding: document.units[$0.range], as: UTF16.self) }
        try #require(texts.count >= 5)
        #expect(texts[0] == "タイトル")
        #expect(texts[1] == "見出し & 記号")
        #expect(texts.last == "English <text> with a\nline break.")
        #expect(!texts.joined().contains("注釈"))
        #expect(!texts.joined().contains("margin"))
        let expectedLines: [UInt32] = [1, 2, 3] + Array(repeating: 4, count: texts.count - 4) + [6]
        #expect(passages.map { document.line(at: $0.range.lowerBound) } == expectedLines)
        for (passage, passageText) in zip(passages, texts) {
            let byteRange = document.byteRange(of: passage.range)
            guard byteRange.lowerBound >= 0, byteRange.upperBound <= bytes.count else {
                Issue.record("byte range \(byteRange) outside the file")
                continue
            }
            let cut = encoding.decode(bytes[byteRange])
            let again = cut.map { source in
                let units = HTMLText(html: Array(source.utf16)).units
                return String(decoding: units, as: UTF16.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            withKnownIssue("ISO-2022-JP byte ranges start after the escape sequence that selects JIS X 0208", isIntermittent: true) {
                #expect(again == passageText, "passage \(passage.ordinal): bytes \(byteRange) are \(cut.debugDescription)")
            } when: { encoding.expected == .iso2022JP && again != passageText }
        }
    }

    @Test func surrogatePairsMapToTheirBytes() throws {
        let text = "𠮷野家😀です。\n\n次の段落𠮷。"
        for encoding in FileEncoding.unicode {
            let bytes = try encoding.bytes(text)
            let document = try SourceDocument(path: "s.txt", bytes: bytes, kind: .text)
            for passage in try PassageSplitter().passages(of: document.units) {
                let cut = encoding.decode(bytes[document.byteRange(of: passage.range)])
                #expect(cut == String(decoding: document.units[passage.range], as: UTF16.self), "\(encoding.name)")
            }
        }
    }

    @Test func undecodableFilesThrowNamingTheFile() throws {
        #expect(throws: DecodingError.binary(source: "bin.txt", offset: 3)) {
            try SourceDocument(path: "bin.txt", bytes: [0x61, 0x62, 0x63, 0x00, 0x64], kind: .text)
        }
        do {
            // Damaged UTF-8: a multibyte character cut short among good ones.
            _ = try SourceDocument(path: "bad.md", bytes: Array("日本語のテキスト".utf8) + [0xE6, 0x97] + Array(" end".utf8), kind: .text)
            Issue.record("damaged UTF-8 was accepted")
        } catch {
            #expect(error.description.contains("bad.md"))
        }
    }

    @Test func kindsByExtension() {
        #expect(SourceDocument.Kind(path: "a.txt") == .text)
        #expect(SourceDocument.Kind(path: "a.TXT") == .text)
        #expect(SourceDocument.Kind(path: "dir/a.Md") == .text)
        #expect(SourceDocument.Kind(path: "a.html") == .html)
        #expect(SourceDocument.Kind(path: "a.HTM") == .html)
        #expect(SourceDocument.Kind(path: "a.pdf") == nil)
        #expect(SourceDocument.Kind(path: "a.txt.bak") == nil)
        #expect(SourceDocument.Kind(path: "a.markdown") == nil)
        #expect(SourceDocument.Kind(path: "README") == nil)
    }
}
