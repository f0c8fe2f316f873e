import Foundation
import Testing
@testable import HashiIndex

/// Deterministic RNG for building random segments from a seed.
struct SplitMix64: RandomNumberGenerator {
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

/// A fresh temporary directory, removed by `cleanup()`.
struct TempDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("hashi-index-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
    var path: String { url.path }
}

struct ModelToken: Hashable {
    var field: UInt8
    var term: [UInt8]
    var position: UInt32
}

struct ModelPassage {
    var document: UInt32
    var ordinal: UInt32
    var line: UInt32
    var start: UInt64
    var end: UInt64
    var text: String
    var tokens: [ModelToken]
}

struct ModelDocument {
    var path: String
    var size: UInt64
    var modified: Int64
    var hash: UInt64
}

/// Brute-force in-memory model of a segment.
struct SegmentModel {
    var documents: [ModelDocument] = []
    var passages: [ModelPassage] = []

    /// Writes the model with a `SegmentWriter`.
    func makeWriter() -> SegmentWriter {
        var w = SegmentWriter()
        for d in documents { w.addDocument(path: d.path, size: d.size, modified: d.modified, contentHash: d.hash) }
        for p in passages {
            w.addPassage(document: p.document, ordinal: p.ordinal, line: p.line, startOffset: p.start, endOffset: p.end, text: p.text)
            for t in p.tokens { w.addToken(field: t.field, term: t.term, position: t.position) }
        }
        return w
    }

    /// field → term → [(passage, sorted positions)] in passage order.
    var postings: [UInt8: [[UInt8]: [(UInt32, [UInt32])]]] {
        var out: [UInt8: [[UInt8]: [(UInt32, [UInt32])]]] = [:]
        for (i, p) in passages.enumerated() {
            var local: [UInt8: [[UInt8]: [UInt32]]] = [:]
            for t in p.tokens { local[t.field, default: [:]][t.term, default: []].append(t.position) }
            for (f, terms) in local {
                for (term, positions) in terms {
                    out[f, default: [:]][term, default: []].append((UInt32(i), positions.sorted()))
                }
            }
        }
        return out
    }

    func sortedTerms(field: UInt8) -> [[UInt8]] {
        (postings[field].map { Array($0.keys) } ?? []).sorted { compareBytes($0, $1) < 0 }
    }

    func fieldLength(field: UInt8, passage: Int) -> UInt32 {
        let ts = passages[passage].tokens.filter { $0.field == field }
        let span = ts.map { $0.position + 1 }.max() ?? 0
        return max(UInt32(ts.count), span)
    }
}

enum Vocabulary {
    static let words: [String] = [
        "the", "a", "search", "searching", "searcher", "index", "indexes", "indexing", "hashi", "bridge",
        "東京", "京都", "東京都", "日本", "日本語", "検索", "索引", "全文", "全文検索", "橋",
        "カタカナ", "ひらがな", "漢字", "データ", "ー", "é", "naïve", "",
        String(repeating: "x", count: 40) + "a", String(repeating: "x", count: 40) + "b",
        String(repeating: "x", count: 40), String(repeating: "長", count: 30) + "い",
    ]

    static func randomTerm(_ rng: inout SplitMix64) -> [UInt8] {
        switch rng.next() % 4 {
        case 0, 1:
            return Array(words[Int(rng.next() % UInt64(words.count))].utf8)
        case 2:
            // Random Japanese bigram from a small kana/kanji set.
            let chars = Array("あいうえおかきくけこ東西南北山川日月火水木金土")
            let a = chars[Int(rng.next() % UInt64(chars.count))]
            let b = chars[Int(rng.next() % UInt64(chars.count))]
            return Array(String([a, b]).utf8)
        default:
            // Random ASCII word sharing prefixes.
            let len = 1 + Int(rng.next() % 6)
            return (0..<len).map { _ in UInt8(ascii: "a") + UInt8(rng.next() % 4) }
        }
    }

    static func randomModel(seed: UInt64, documents: Int, maxPassages: Int, maxTokens: Int, fields: [UInt8] = [0, 1]) -> SegmentModel {
        var rng = SplitMix64(seed: seed)
        var m = SegmentModel()
        for d in 0..<documents {
            m.documents.append(ModelDocument(path: "dir/文書-\(d).txt", size: rng.next() % 100_000,
                                             modified: Int64(bitPattern: rng.next()), hash: rng.next()))
            let np = Int(rng.next() % UInt64(maxPassages + 1))
            var offset: UInt64 = 0
            for o in 0..<np {
                var tokens: [ModelToken] = []
                for f in fields {
                    let nt = Int(rng.next() % UInt64(maxTokens + 1))
                    for pos in 0..<nt { tokens.append(ModelToken(field: f, term: randomTerm(&rng), position: UInt32(pos))) }
                }
                tokens.shuffle(using: &rng)
                let text = String(decoding: tokens.prefix(5).flatMap { $0.term + [32] }, as: UTF8.self) + "。"
                let len = UInt64(text.utf8.count)
                m.passages.append(ModelPassage(document: UInt32(d), ordinal: UInt32(o), line: UInt32(o * 3 + 1),
                                               start: offset, end: offset + len, text: text, tokens: tokens))
                offset += len + 1
            }
        }
        return m
    }
}

/// Compares a reader with the model; records issues via #expect.
func expectReaderMatches(_ r: SegmentReader, _ m: SegmentModel, fields: [UInt8] = [0, 1]) {
    #expect(r.documentCount == m.documents.count)
    #expect(r.passageCount == m.passages.count)
    var first = 0
    for (i, d) in m.documents.enumerated() {
        let count = m.passages.filter { $0.document == UInt32(i) }.count
        let expected = DocumentRecord(path: d.path, size: d.size, modified: d.modified, contentHash: d.hash,
                                      firstPassage: count == 0 ? 0 : UInt32(first), passageCount: UInt32(count))
        #expect(r.document(UInt32(i)) == expected)
        first += count
    }
    #expect(r.document(UInt32(m.documents.count)) == nil)
    for (i, p) in m.passages.enumerated() {
        let expected = PassageRecord(document: p.document, ordinal: p.ordinal, line: p.line,
                                     startOffset: p.start, endOffset: p.end, text: p.text)
        #expect(r.passage(UInt32(i)) == expected)
    }
    #expect(r.passage(UInt32(m.passages.count)) == nil)
    let model = m.postings
    for f in fields {
        var total: UInt64 = 0
        var with: UInt32 = 0
        for i in 0..<m.passages.count {
            let l = m.fieldLength(field: f, passage: i)
            #expect(r.fieldLength(field: f, passage: UInt32(i)) == l)
            total += UInt64(l)
            if l > 0 { with += 1 }
        }
        #expect(r.fieldStats(field: f) == FieldStats(totalTokens: total, passagesWithField: with))
        let terms = m.sortedTerms(field: f)
        #expect(r.termCount(field: f) == terms.count)
        // Full enumeration equals the sorted term list.
        let enumerated = Array(r.terms(field: f, prefix: [UInt8]())).map(\.term)
        #expect(enumerated == terms)
        for term in terms {
            guard let info = r.termInfo(field: f, term: term) else {
                Issue.record("term \(String(decoding: term, as: UTF8.self)) missing in field \(f)")
                continue
            }
            let expected = model[f]?[term] ?? []
            #expect(info.field == f)
            #expect(Int(info.docFrequency) == expected.count)
            #expect(Int(info.totalTermFrequency) == expected.reduce(0) { $0 + $1.1.count })
            var c = r.postings(for: info)
            var got: [(UInt32, [UInt32])] = []
            while let id = c.next() {
                got.append((id, c.positions()))
                #expect(Int(c.frequency) == got.last?.1.count)
            }
            #expect(c.next() == nil)
            #expect(got.map(\.0) == expected.map(\.0))
            #expect(got.map(\.1) == expected.map(\.1))
        }
    }
}
