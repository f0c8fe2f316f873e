import Foundation
import PropertyBased
import Testing

import Hashi
import HashiDocuments
import HashiIndex

/// The index on disk holds exactly what a brute-force scan of the corpus finds.
struct IndexBuilderPropertyTests {
    /// Word pieces: Japanese, English, mixed, width and case variants, sentence ends and newlines
    /// (so paragraphs and sentence cuts happen with a small passage limit).
    static let pieces = [
        "サイバー", "ｻｲﾊﾞｰ", "デューデリジェンス", "ﾃﾞｭｰﾃﾞﾘｼﾞｪﾝｽ", "キャパシティ・ビルディング", "攻撃", "政府専門家会合",
        "相当の注意義務", "新幹線", "信頼醸成措置", "について", "を", "の", "は", "𠮷野", "東京",
        "Due", "diligence", "DILIGENCE", "ＧＧＥ", "GGE", "group", "Groups", "experts'", "John's", "well-known",
        "connections", "connected", "running", "runs", "café", "２０１５", "2015", "3.14",
        " ", " ", " ", "  ", "\u{3000}", "\n", "\n\n", "\r\n", "\r\n\r\n", "、", "。", ". ", "! ", "(", ")", "（", "）", "「", "」",
    ]
    static let texts = Gen.element(of: pieces).array(of: 0...60).map { $0.compactMap { $0 }.joined() }
    static let corpora = texts.array(of: 2...6)
    static let kinds = Gen.element(of: ["txt", "md", "html", "TXT"]).array(of: 6)

    @Test func postingsOnDiskEqualABruteForceScan() async {
        await propertyCheck(count: 50, input: Self.corpora, Self.kinds) { texts, kinds in
            let scratch = try IndexScratch()
            var files: [(path: String, bytes: [UInt8])] = []
            for (k, text) in texts.enumerated() {
                let kind = kinds[k % kinds.count] ?? "txt"
                let content = kind == "html" ? "<html><body><p>" + text.replacingOccurrences(of: "\n\n", with: "</p><p>") + "</p></body></html>" : text
                let path = (k % 3 == 2 ? "sub/" : "") + "doc\(k).\(kind)"
                files.append((path, Array(content.utf8)))
                try scratch.write(path, bytes: Array(content.utf8))
            }
            let limit = 40
            let expected = try BruteForceIndex(files: files, passageLimit: limit)
            let builder = scratch.builder(threads: 2, passageLimit: limit)
            guard !expected.documents.isEmpty else {
                #expect(throws: HashiError.self) { try builder.build() }
                return
            }
            let summary = try builder.build()
            #expect(summary.documents == expected.documents.count)
            #expect(summary.passages == expected.passageTexts.count)
            #expect(summary.warnings.count == files.count - expected.documents.count)
            let contents = try IndexContents(index: scratch.index)
            #expect(contents.problems.isEmpty, "\(contents.problems.prefix(5))")
            #expect(contents.documents.map(\.path) == expected.documents)
            #expect(contents.passages.map(\.text) == expected.passageTexts)
            #expect(contents.passages.map(\.ordinal) == expected.passageOrdinals)
            #expect(contents.passages.map(\.line) == expected.passageLines)
            // Each document's passages are the consecutive run it claims.
            var next: UInt32 = 0
            for (id, document) in contents.documents.enumerated() {
                #expect(document.firstPassage == next)
                for p in document.firstPassage..<(document.firstPassage + document.passageCount) where Int(p) < contents.passages.count {
                    #expect(contents.passages[Int(p)].document == UInt32(id))
                }
                next += document.passageCount
            }
            #expect(Int(next) == contents.passages.count)
            // Plain-text passages' byte ranges are exactly their text in the (UTF-8) file.
            let bytesByPath = Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.bytes) })
            for passage in contents.passages {
                guard Int(passage.document) < contents.documents.count else { continue }
                let path = contents.documents[Int(passage.document)].path
                guard !path.hasSuffix(".html"), let bytes = bytesByPath[path],
                      passage.startOffset <= passage.endOffset, passage.endOffset <= UInt64(bytes.count) else { continue }
                let cut = String(decoding: bytes[Int(passage.startOffset)..<Int(passage.endOffset)], as: UTF8.self)
                #expect(cut == passage.text, "\(path) passage \(passage.ordinal): bytes \(passage.startOffset)..<\(passage.endOffset)")
            }
            let diff = differences(expected: expected.postings, actual: contents.postings)
            #expect(diff.isEmpty, "\(diff.joined(separator: "\n"))")
            let termCount = expected.postings.values.reduce(0) { $0 + $1.count }
            #expect(summary.terms == termCount)
            #expect(summary.postings == expected.postings.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } })
        }
    }

    /// The fields on disk are the analyzer's streams, each under the name of its stream.
    @Test func everyStreamHasAFieldOfTheSameName() {
        let fieldNames = Set(IndexField.allCases.map { String(describing: $0) })
        for stream in [Token.Stream.word, .bigram, .stem] {
            #expect(fieldNames.contains(stream.rawValue))
            #expect(String(describing: IndexField(stream)) == stream.rawValue)
        }
    }
}
