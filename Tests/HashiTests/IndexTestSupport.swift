import Foundation
import Testing

import Hashi
import HashiDocuments
import HashiIndex

/// A temporary folder with a corpus and an index beside it, removed when released.
final class IndexScratch {
    let root: URL
    var corpus: URL { root.appendingPathComponent("corpus") }
    var index: URL { root.appendingPathComponent("index") }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("hashi-lib-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("corpus"), withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func write(_ path: String, _ text: String) throws {
        try write(path, bytes: Array(text.utf8))
    }

    func write(_ path: String, bytes: [UInt8]) throws {
        let url = corpus.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func remove(_ path: String) throws {
        try FileManager.default.removeItem(at: corpus.appendingPathComponent(path))
    }

    func builder(threads: Int = 2, passageLimit: Int = PassageSplitter.defaultLimit, index: URL? = nil) -> IndexBuilder {
        IndexBuilder(corpus: corpus, index: index ?? self.index, passageLimit: passageLimit, threads: threads)
    }

    /// Every file of the committed generation: name → bytes.
    func generationFiles(of index: URL? = nil) throws -> [String: [UInt8]] {
        let directory = IndexDirectory(url: index ?? self.index)
        let manifest = try directory.readManifest()
        let url = directory.generationURL(manifest.generation)
        var files: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path) {
            files[name] = [UInt8](try Data(contentsOf: url.appendingPathComponent(name)))
        }
        return files
    }
}

/// One posting as a test compares it.
struct ExpectedPosting: Hashable, CustomStringConvertible {
    var passage: UInt32
    var positions: [UInt32]
    var description: String { "\(passage)@\(positions)" }
}

/// Term bytes → postings, per field name.
typealias PostingsByTerm = [String: [[UInt8]: [ExpectedPosting]]]

/// What an index of a corpus should hold, worked out without the index code: files listed by
/// sorted path, each decoded, split and analysed as the library's parts do it, passages numbered in
/// order.
struct BruteForceIndex {
    var documents: [String] = []
    var passageTexts: [String] = []
    var passageOrdinals: [UInt32] = []
    var passageLines: [UInt32] = []
    var postings: PostingsByTerm = [:]

    /// Terms longer than this many UTF-8 bytes are not indexed.
    static let maximumTermBytes = 255

    init(files: [(path: String, bytes: [UInt8])], passageLimit: Int) throws {
        let splitter = try PassageSplitter(limit: passageLimit)
        let analyzer = try Analyzer()
        for file in files.sorted(by: { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }) {
            guard !file.bytes.isEmpty, let kind = SourceDocument.Kind(path: file.path),
                  let source = try? SourceDocument(path: file.path, bytes: file.bytes, kind: kind) else { continue }
            let passages = try splitter.passages(of: source.units)
            guard !passages.isEmpty else { continue }
            documents.append(file.path)
            for passage in passages {
                let id = UInt32(passageTexts.count)
                passageTexts.append(String(decoding: source.units[passage.range], as: UTF16.self))
                passageOrdinals.append(UInt32(passage.ordinal))
                passageLines.append(source.line(at: passage.range.lowerBound))
                var positions: [String: [[UInt8]: [UInt32]]] = [:]
                try source.units.withUnsafeBufferPointer { buffer in
                    try analyzer.analyze(utf16: UnsafeBufferPointer(rebasing: buffer[passage.range])) { token in
                        let bytes = Array(token.term.utf8)
                        guard bytes.count <= Self.maximumTermBytes else { return }
                        positions[token.stream.rawValue, default: [:]][bytes, default: []].append(UInt32(token.position))
                    }
                }
                for (field, terms) in positions {
                    for (term, list) in terms {
                        postings[field, default: [:]][term, default: []].append(ExpectedPosting(passage: id, positions: list.sorted()))
                    }
                }
            }
        }
    }
}

/// What the index on disk holds, read back through `HashiIndex`'s public API.
struct IndexContents {
    var documents: [DocumentRecord] = []
    var passages: [PassageRecord] = []
    var postings: PostingsByTerm = [:]
    var problems: [String] = []

    init(index: URL) throws {
        let (_, segments) = try IndexDirectory(url: index).openSegments()
        var base: UInt32 = 0
        for segment in segments {
            for id in 0..<UInt32(segment.documentCount) {
                guard let record = segment.document(id) else { problems.append("document \(id) unreadable"); continue }
                documents.append(record)
            }
            for id in 0..<UInt32(segment.passageCount) {
                guard let record = segment.passage(id) else { problems.append("passage \(id) unreadable"); continue }
                passages.append(record)
            }
            for field in IndexField.allCases {
                let name = String(describing: field)
                for entry in segment.terms(field: field.rawValue) {
                    var cursor = segment.postings(for: entry.info)
                    var list: [ExpectedPosting] = []
                    var total: UInt64 = 0
                    while let id = cursor.next() {
                        let positions = cursor.positions()
                        if positions.count != Int(cursor.frequency) {
                            problems.append("\(name) \(entry.termString): frequency \(cursor.frequency) but \(positions.count) positions in passage \(id)")
                        }
                        total += UInt64(cursor.frequency)
                        list.append(ExpectedPosting(passage: base + id, positions: positions))
                    }
                    if list.count != Int(entry.info.docFrequency) {
                        problems.append("\(name) \(entry.termString): docFrequency \(entry.info.docFrequency) but \(list.count) postings")
                    }
                    if total != entry.info.totalTermFrequency {
                        problems.append("\(name) \(entry.termString): totalTermFrequency \(entry.info.totalTermFrequency) but \(total) occurrences")
                    }
                    if segment.termInfo(field: field.rawValue, term: entry.term) != entry.info {
                        problems.append("\(name) \(entry.termString): lookup disagrees with iteration")
                    }
                    if postings[name]?[entry.term] != nil {
                        problems.append("\(name) \(entry.termString): listed twice")
                    }
                    postings[name, default: [:]][entry.term] = list
                }
            }
            base += UInt32(segment.passageCount)
        }
    }
}

/// Differences between two postings maps, at most `limit` of them, for readable failures.
func differences(expected: PostingsByTerm, actual: PostingsByTerm, limit: Int = 8) -> [String] {
    var result: [String] = []
    for field in Set(expected.keys).union(actual.keys).sorted() {
        let e = expected[field] ?? [:]
        let a = actual[field] ?? [:]
        for term in Set(e.keys).union(a.keys).sorted(by: { $0.lexicographicallyPrecedes($1) }) where e[term] != a[term] {
            let name = String(decoding: term, as: UTF8.self)
            result.append("\(field) \(name.debugDescription): expected \(e[term].map(\.description) ?? "absent"), index has \(a[term].map(\.description) ?? "absent")")
            if result.count >= limit { return result }
        }
    }
    return result
}
