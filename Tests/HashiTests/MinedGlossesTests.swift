import Foundation
import Testing

@testable import Hashi
import HashiConcepts
import HashiIndex

/// `glosses.mined`: what is written reads back through its compressed frames, files written before
/// the frames still read, and damage inside a frame is an error naming the file and offset.
struct MinedGlossesTests {
    /// Glosses for `count` documents; long enough text that several frames are written when
    /// `count` is large.
    func glosses(count: Int) -> MinedGlosses {
        var documents: [String: [MinedConcept]] = [:]
        for k in 0..<count {
            let path = "dir \(k % 7)/文書\(k).txt"
            documents[path] = (0..<(1 + k % 3)).map { g in
                MinedConcept(terms: ["ABC\(k)x\(g)", "略語\(k)の説明 \(g)", "\"quoted\" \\ term"], rule: .gloss,
                             confidence: 0.3 + Double(g) / 10,
                             evidence: [MiningEvidence(document: path, line: k + g, snippet: String(repeating: "本文 text \(k) ", count: 20))])
            }
        }
        return MinedGlosses(documents: documents)
    }

    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hashi-glosses-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func roundTripsThroughSeveralFrames() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = glosses(count: 3_000)
        let size = try original.write(to: directory)
        let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(MinedGlosses.fileName)))
        #expect(bytes.count == size)
        #expect(Array(bytes.prefix(4)) == MinedGlosses.magic)
        let lines = try #require(try MinedGlosses.lines(at: directory.appendingPathComponent(MinedGlosses.fileName).path))
        #expect(lines.count > 2 * MinedGlosses.frameBytes, "the test should span several frames")
        #expect(size * 3 < lines.count, "frames should compress repetitive JSON (\(size) of \(lines.count) bytes)")
        #expect(try MinedGlosses.read(from: directory) == original)
        #expect(try MinedGlosses.documentCount(in: directory) == 3_000)
        let some: Set<String> = ["dir 1/文書1.txt", "dir 3/文書10.txt", "absent.txt"]
        let subset = try #require(try MinedGlosses.read(from: directory, only: some))
        #expect(subset.documents == original.documents.filter { some.contains($0.key) })
        // Streamed a frame at a time: every document once, sorted by path, as written.
        var streamed: [(String, [MinedConcept])] = []
        #expect(try MinedGlosses.forEachDocument(in: directory) { streamed.append(($0, $1)) })
        let sorted = original.documents.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(streamed.map(\.0) == sorted)
        #expect(streamed.allSatisfy { original.documents[$0.0] == $0.1 })
        // A streaming writer fed in that order writes the same bytes.
        let again = try scratch()
        defer { try? FileManager.default.removeItem(at: again) }
        let writer = try MinedGlosses.Writer(directory: again)
        for (document, glosses) in streamed { try writer.append(document: document, glosses: glosses) }
        #expect(try writer.finish() == size)
        #expect(try Data(contentsOf: again.appendingPathComponent(MinedGlosses.fileName)) == Data(bytes))
        #expect(try !MinedGlosses.forEachDocument(in: directory.appendingPathComponent("none")) { _, _ in })
    }

    @Test func emptyGlossesRoundTrip() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        try MinedGlosses().write(to: directory)
        #expect(try MinedGlosses.read(from: directory) == MinedGlosses())
        #expect(try MinedGlosses.documentCount(in: directory) == 0)
    }

    @Test func plainJSONLinesWrittenBeforeFramesStillRead() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = glosses(count: 20)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var body: [UInt8] = []
        for path in original.documents.keys.sorted() {
            struct Line: Encodable { var document: String; var glosses: [MinedConcept] }
            body += try encoder.encode(Line(document: path, glosses: original.documents[path] ?? []))
            body.append(0x0A)
        }
        withUnsafeBytes(of: CRC32C.checksum(body[...]).littleEndian) { body.append(contentsOf: $0) }
        try Data(body).write(to: directory.appendingPathComponent(MinedGlosses.fileName))
        #expect(try MinedGlosses.read(from: directory) == original)
        #expect(try MinedGlosses.documentCount(in: directory) == 20)
    }

    /// Damage behind a valid checksum (so the frame itself is what fails): every kind is an error
    /// naming the file, never a crash.
    @Test(arguments: ["version", "frame length", "deflate data", "cut frame"])
    func damagedFramesAreErrors(kind: String) throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        try glosses(count: 50).write(to: directory)
        let url = directory.appendingPathComponent(MinedGlosses.fileName)
        var body = Array(try [UInt8](Data(contentsOf: url)).dropLast(4))
        switch kind {
        case "version": body[4] = 9
        case "frame length": body[12] ^= 0x40
        case "deflate data": body[40] ^= 0xFF; body[41] ^= 0xFF
        default: body.removeLast(10)
        }
        withUnsafeBytes(of: CRC32C.checksum(body[...]).littleEndian) { body.append(contentsOf: $0) }
        try Data(body).write(to: url)
        do {
            _ = try MinedGlosses.read(from: directory)
            Issue.record("damaged \(kind) was read")
        } catch {
            #expect(error.description.contains(MinedGlosses.fileName), "\(error.description)")
        }
    }
}
