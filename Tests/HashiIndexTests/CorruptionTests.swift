import Foundation
import Testing
import PropertyBased
@testable import HashiIndex

private func writeSample(_ dir: TempDir, seed: UInt64 = 11) throws {
    let m = Vocabulary.randomModel(seed: seed, documents: 8, maxPassages: 30, maxTokens: 40)
    var w = m.makeWriter()
    _ = try w.write(to: dir.url, name: "seg")
}

private func fileURL(_ dir: TempDir, _ kind: SegmentFileKind) -> URL {
    dir.url.appendingPathComponent(kind.fileName(segment: "seg"))
}

/// Recomputes the footer CRC so that only structural checks can catch damage.
private func fixChecksum(_ bytes: inout [UInt8]) {
    guard bytes.count >= 28 else { return }
    let crc = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<(bytes.count - 4)])) }
    bytes.setLE(crc, at: bytes.count - 4)
}

/// Uses every read API; must never crash whatever the bytes are.
private func exercise(_ r: SegmentReader) {
    for d in 0..<(r.documentCount + 1) { _ = r.document(UInt32(d)) }
    for p in 0..<(r.passageCount + 1) {
        _ = r.passage(UInt32(p))
        for f in r.fields { _ = r.fieldLength(field: f, passage: UInt32(p)) }
    }
    for f in r.fields {
        _ = r.fieldStats(field: f)
        var n = 0
        for e in r.terms(field: f, prefix: [UInt8]()) {
            n += 1
            if n > 10_000 { break }
            _ = r.termInfo(field: f, term: e.term)
            var c = r.postings(for: e.info)
            var steps = 0
            while let id = c.next(), steps < 100_000 {
                _ = c.positions()
                steps += 1
                if steps % 3 == 0 { _ = c.advance(to: id &+ 50) }
            }
        }
        _ = Array(r.terms(field: f, prefix: "a"))
    }
    _ = IndexCheck.verify(r)
}

@Suite struct CorruptionTests {
    @Test(arguments: SegmentFileKind.allCases)
    func flippedBytesAreReportedWithFileName(kind: SegmentFileKind) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try writeSample(dir)
        let url = fileURL(dir, kind)
        let original = [UInt8](try Data(contentsOf: url))
        let n = original.count
        let offsets = Set([0, 3, 7, 8, 9, 12, 16, 17, n / 3, n / 2, (2 * n) / 3, n - 13, n - 12, n - 8, n - 5, n - 4, n - 1])
            .filter { $0 >= 0 && $0 < n }.sorted()
        for offset in offsets {
            var bytes = original
            bytes[offset] ^= 0x5A
            try Data(bytes).write(to: url)
            do {
                _ = try SegmentReader(directory: dir.url, name: "seg")
                Issue.record("flip at \(offset) of \(kind.rawValue) was not detected on open")
            } catch {
                #expect(error.description.contains(kind.fileName(segment: "seg")), "\(error)")
                #expect(error.description.contains("hashi index --full"))
            }
            let problems = IndexCheck.verify(directory: dir.url, segment: "seg")
            #expect(!problems.isEmpty)
            #expect(problems.allSatisfy { $0.file.hasSuffix(kind.fileName(segment: "seg")) }, "\(problems)")
        }
        try Data(original).write(to: url)
        #expect(IndexCheck.verify(directory: dir.url, segment: "seg").isEmpty)
    }

    @Test(arguments: SegmentFileKind.allCases)
    func truncationIsReported(kind: SegmentFileKind) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try writeSample(dir)
        let url = fileURL(dir, kind)
        let original = [UInt8](try Data(contentsOf: url))
        for length in Set([0, 1, 8, 16, 27, original.count / 2, original.count - 1]).sorted() where length < original.count {
            try Data(original[0..<length]).write(to: url)
            #expect(throws: IndexError.self) { _ = try SegmentReader(directory: dir.url, name: "seg") }
            let problems = IndexCheck.verify(directory: dir.url, segment: "seg")
            #expect(problems.count == 1)
            #expect(problems.first?.file.hasSuffix(kind.fileName(segment: "seg")) == true)
        }
        // Appending garbage is caught too.
        try Data(original + [1, 2, 3]).write(to: url)
        #expect(throws: IndexError.self) { _ = try SegmentReader(directory: dir.url, name: "seg") }
        try FileManager.default.removeItem(at: url)
        #expect(IndexCheck.verify(directory: dir.url, segment: "seg").first?.message == "file is missing")
    }

    @Test func versionMismatchMessage() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try writeSample(dir)
        let url = fileURL(dir, .terms)
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes.setLE(UInt32(1), at: 8)
        fixChecksum(&bytes)
        try Data(bytes).write(to: url)
        do {
            _ = try SegmentReader(directory: dir.url, name: "seg")
            Issue.record("expected a version error")
        } catch {
            #expect(error == .versionMismatch(file: url.path, found: 1, supported: 2))
            #expect(error.description.contains("index format 1, this hashi reads 2: run `hashi index --full`"))
        }
    }

    /// Damage behind a valid checksum (e.g. a writer bug): reads must not crash,
    /// and structural damage in the postings is reported by verify.
    @Test func structuralDamageBehindValidChecksumNeverCrashes() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try writeSample(dir, seed: 5)
        var originals: [SegmentFileKind: [UInt8]] = [:]
        for k in SegmentFileKind.allCases { originals[k] = [UInt8](try Data(contentsOf: fileURL(dir, k))) }
        let kinds = SegmentFileKind.allCases
        await propertyCheck(count: 150, input: Gen.int(in: 0..<kinds.count), Gen.int(in: 0...1_000_000), Gen.uint8(in: 1...255)) { k, at, x in
            let kind = kinds[k]
            guard var bytes = originals[kind] else { return }
            let body = 16..<(bytes.count - 12)
            guard !body.isEmpty else { return }
            let offset = body.lowerBound + at % body.count
            bytes[offset] ^= x
            fixChecksum(&bytes)
            do {
                try Data(bytes).write(to: fileURL(dir, kind))
                if let r = try? SegmentReader(directory: dir.url, name: "seg") { exercise(r) }
                _ = IndexCheck.verify(directory: dir.url, segment: "seg")
                try Data(originals[kind] ?? []).write(to: fileURL(dir, kind))
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func verifyFindsPostingsDamage() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try writeSample(dir, seed: 9)
        let url = fileURL(dir, .postings)
        let original = [UInt8](try Data(contentsOf: url))
        var detected = 0
        var tried = 0
        for offset in stride(from: 16, to: original.count - 12, by: max(1, (original.count - 28) / 40)) {
            var bytes = original
            bytes[offset] ^= 0x80  // toggles a continuation bit: always changes the varint stream
            fixChecksum(&bytes)
            try Data(bytes).write(to: url)
            tried += 1
            let problems = IndexCheck.verify(directory: dir.url, segment: "seg")
            if !problems.isEmpty { detected += 1 }
            #expect(problems.allSatisfy { !$0.file.isEmpty })
        }
        #expect(detected == tried, "verify caught \(detected) of \(tried) structural postings changes")
    }
}
