import Foundation
import Testing
@testable import HashiIndex
#if canImport(Glibc)
import Glibc
#endif

private func writeSegment(into dir: URL, name: String, seed: UInt64) throws -> SegmentModel {
    let m = Vocabulary.randomModel(seed: seed, documents: 3, maxPassages: 4, maxTokens: 8)
    var w = m.makeWriter()
    _ = try w.write(to: dir, name: name)
    return m
}

/// A PID with no process (kill(pid, 0) fails with ESRCH).
private func deadPID() -> Int32 {
    var pid: Int32 = 4_000_000
    while pid > 1000 {
        if kill(pid, 0) != 0 && errno == ESRCH { return pid }
        pid -= 7
    }
    return 999_999
}

private func names(_ dir: TempDir) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
}

@Suite(.serialized) struct IndexDirectoryTests {
    @Test func manifestRoundTripAndEscaping() throws {
        let m = Manifest(generation: 12, segments: ["seg-0", "seg-1"],
                         metadata: ["analyzer": "hashi 1=2%", "multi\nline": "a\tb\r\nc", "日本": "語", "empty": ""])
        let bytes = m.encoded()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("hashi-manifest 1\nformat 2\ngeneration 12\ndirectory gen-000012\nsegment seg-0\n"))
        #expect(text.contains("meta analyzer=hashi 1%3D2%25\n"))
        #expect(text.split(separator: "\n").count == 11)
        #expect(try Manifest.decode(bytes, file: "M") == m)
        var damaged = bytes
        damaged[20] ^= 1
        #expect(throws: IndexError.self) { try Manifest.decode(damaged, file: "M") }
        #expect(throws: IndexError.self) { try Manifest.decode(Array(bytes.dropLast(5)), file: "M") }
        #expect(throws: IndexError.self) { try Manifest.decode([], file: "M") }
        let future = Manifest(formatVersion: 9, generation: 1, segments: [], metadata: [:]).encoded()
        #expect(throws: IndexError.versionMismatch(file: "M", found: 9, supported: 2)) { try Manifest.decode(future, file: "M") }
    }

    @Test func commitThenReopen() throws {
        let tmp = try TempDir()
        defer { tmp.cleanup() }
        let index = IndexDirectory(url: tmp.url.appendingPathComponent("idx"))
        #expect(throws: IndexError.noIndex(directory: index.url.path)) { try index.openSegments() }
        let build = try index.beginBuild()
        #expect(build.generation == 1)
        let m = try writeSegment(into: build.directory, name: "seg-000000", seed: 1)
        let manifest = try build.commit(segments: ["seg-000000"], metadata: ["analyzer": "test-1", "corpus": "c"])
        #expect(manifest.generation == 1)
        let (read, segments) = try index.openSegments()
        #expect(read == manifest)
        #expect(read.metadata["analyzer"] == "test-1")
        #expect(segments.count == 1)
        if let s = segments.first { expectReaderMatches(s, m) }
        #expect(index.verify().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: index.url.path + "/write.lock"))

        // A second build replaces the first; the old generation is deleted.
        let b2 = try index.beginBuild()
        #expect(b2.generation == 2)
        let m2 = try writeSegment(into: b2.directory, name: "a", seed: 2)
        _ = try writeSegment(into: b2.directory, name: "b", seed: 3)
        try b2.commit(segments: ["a", "b"])
        let (read2, segs2) = try index.openSegments()
        #expect(read2.generation == 2 && read2.segments == ["a", "b"])
        if let s = segs2.first { expectReaderMatches(s, m2) }
        let entries = try FileManager.default.contentsOfDirectory(atPath: index.url.path).sorted()
        #expect(entries == ["MANIFEST", "gen-000002"])
    }

    /// An index written by format 1 reads as a version error, and a rebuild replaces it.
    @Test func rebuildReplacesAnIndexOfAnotherFormat() throws {
        let tmp = try TempDir()
        defer { tmp.cleanup() }
        let index = IndexDirectory(url: tmp.url.appendingPathComponent("idx"))
        try FileManager.default.createDirectory(at: index.generationURL(4), withIntermediateDirectories: true)
        let old = Manifest(formatVersion: 1, generation: 4, segments: ["seg-000001"], metadata: [:]).encoded()
        try Data(old).write(to: index.url.appendingPathComponent("MANIFEST"))
        #expect(throws: IndexError.versionMismatch(file: index.url.path + "/MANIFEST", found: 1, supported: 2)) {
            try index.openSegments()
        }
        let build = try index.beginBuild()
        #expect(build.generation == 5)
        _ = try writeSegment(into: build.directory, name: "s", seed: 4)
        try build.commit(segments: ["s"])
        #expect(try index.readManifest().formatVersion == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: index.url.path).sorted() == ["MANIFEST", "gen-000005"])
        #expect(index.verify().isEmpty)
    }

    @Test func crashBeforeManifestRenameKeepsOldGeneration() throws {
        let tmp = try TempDir()
        defer { tmp.cleanup() }
        let index = IndexDirectory(url: tmp.url)
        let b1 = try index.beginBuild()
        let m1 = try writeSegment(into: b1.directory, name: "s", seed: 10)
        try b1.commit(segments: ["s"], metadata: ["analyzer": "v1"])

        // Simulated crash of a second build: its generation directory holds a
        // complete segment, a half-written MANIFEST.tmp exists, the lock names
        // a dead PID, and MANIFEST was never replaced.
        let crashed = index.generationURL(2)
        try FileManager.default.createDirectory(at: crashed, withIntermediateDirectories: true)
        _ = try writeSegment(into: crashed, name: "s", seed: 11)
        try Data("hashi-manifest 1\nformat 1\ngenera".utf8).write(to: tmp.url.appendingPathComponent("MANIFEST.tmp"))
        try Data("\(deadPID())\n".utf8).write(to: tmp.url.appendingPathComponent("write.lock"))

        let (manifest, segments) = try index.openSegments()
        #expect(manifest.generation == 1)
        #expect(manifest.metadata["analyzer"] == "v1")
        if let s = segments.first { expectReaderMatches(s, m1) }
        #expect(index.verify().isEmpty)

        // The next build takes over the stale lock and cleans the leftovers.
        let b3 = try index.beginBuild()
        #expect(b3.generation == 3)
        #expect(!FileManager.default.fileExists(atPath: crashed.path))
        #expect(!FileManager.default.fileExists(atPath: tmp.url.appendingPathComponent("MANIFEST.tmp").path))
        // Until the commit, readers still see generation 1.
        #expect(try index.readManifest().generation == 1)
        let m3 = try writeSegment(into: b3.directory, name: "s", seed: 12)
        try b3.commit(segments: ["s"])
        let (after, segs) = try index.openSegments()
        #expect(after.generation == 3)
        if let s = segs.first { expectReaderMatches(s, m3) }
        #expect(try names(tmp) == ["MANIFEST", "gen-000003"])
    }

    @Test func liveLockIsRefused() throws {
        let tmp = try TempDir()
        defer { tmp.cleanup() }
        let index = IndexDirectory(url: tmp.url)
        let b1 = try index.beginBuild()
        do {
            _ = try index.beginBuild()
            Issue.record("second writer got the lock")
        } catch {
            #expect(error == .locked(pid: getpid(), file: tmp.path + "/write.lock"))
            #expect(error.description.contains("index is being built by PID \(getpid())"))
        }
        b1.abandon()
        #expect(try names(tmp) == [])
        // A lock file naming this (live) process, written by hand, also blocks.
        try Data("\(getpid())\n".utf8).write(to: tmp.url.appendingPathComponent("write.lock"))
        #expect(throws: IndexError.locked(pid: getpid(), file: tmp.path + "/write.lock")) { _ = try index.beginBuild() }
        // A fresh lock with no PID yet blocks as well.
        try Data().write(to: tmp.url.appendingPathComponent("write.lock"))
        #expect(throws: IndexError.locked(pid: nil, file: tmp.path + "/write.lock")) { _ = try index.beginBuild() }
    }

    @Test func missingParentFoldersAreCreated() throws {
        let tmp = try TempDir()
        defer { tmp.cleanup() }
        let nested = tmp.url.appendingPathComponent("a/b/index")
        let b = try IndexDirectory(url: nested).beginBuild()
        _ = try writeSegment(into: b.directory, name: "s", seed: 2)
        try b.commit(segments: ["s"])
        #expect(IndexDirectory(url: nested).exists)
        // A file where a folder should be is an error naming the path, not a crash.
        try Data("x".utf8).write(to: tmp.url.appendingPathComponent("file"))
        let blocked = tmp.url.appendingPathComponent("file/index")
        #expect(throws: IndexError.io(file: blocked.path, operation: "create index directory", errno: ENOTDIR)) {
            _ = try IndexDirectory(url: blocked).beginBuild()
        }
    }

    @Test func staleLockIsTakenOver() throws {
        let tmp = try TempDir()
        defer { tmp.cleanup() }
        let index = IndexDirectory(url: tmp.url)
        let lock = tmp.url.appendingPathComponent("write.lock")
        try Data("\(deadPID())\n".utf8).write(to: lock)
        let b = try index.beginBuild()
        let holder = try String(contentsOf: lock, encoding: .utf8)
        #expect(holder == "\(getpid())\n")
        _ = try writeSegment(into: b.directory, name: "s", seed: 1)
        try b.commit(segments: ["s"])
        #expect(!FileManager.default.fileExists(atPath: lock.path))
    }

    @Test func droppedBuildReleasesLockAndCommitChecksSegments() throws {
        let tmp = try TempDir()
        defer { tmp.cleanup() }
        let index = IndexDirectory(url: tmp.url)
        do {
            let b = try index.beginBuild()
            #expect(throws: IndexError.self) { try b.commit(segments: ["missing"]) }
            #expect(throws: IndexError.self) { try b.commit(segments: ["../evil"]) }
        }
        // The dropped build released its lock; its directory is a leftover.
        let b2 = try index.beginBuild()
        #expect(b2.generation == 2)
        #expect(!FileManager.default.fileExists(atPath: index.generationURL(1).path))
        b2.abandon()
    }

    @Test func corruptManifestIsReported() throws {
        let tmp = try TempDir()
        defer { tmp.cleanup() }
        let index = IndexDirectory(url: tmp.url)
        let b = try index.beginBuild()
        _ = try writeSegment(into: b.directory, name: "s", seed: 1)
        try b.commit(segments: ["s"])
        let url = tmp.url.appendingPathComponent("MANIFEST")
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes[5] ^= 0x20
        try Data(bytes).write(to: url)
        do {
            _ = try index.openSegments()
            Issue.record("expected error")
        } catch {
            #expect(error.description.contains("MANIFEST"))
            #expect(error.description.contains("hashi index --full"))
        }
        #expect(index.verify().first?.file.hasSuffix("MANIFEST") == true)
    }
}

@Suite struct FormatDocumentTests {
    /// The MANIFEST example in Index/FORMAT.md decodes, and its crc is right.
    @Test func manifestExampleFromFormatDoc() throws {
        let text = "hashi-manifest 1\nformat 2\ngeneration 7\ndirectory gen-000007\nsegment seg-000000\nmeta analyzer=hashi-analysis 1\nmeta built=2026-11-23T05:00:00Z\ncrc deca8307\n"
        let m = try Manifest.decode(Array(text.utf8), file: "MANIFEST")
        #expect(m == Manifest(generation: 7, segments: ["seg-000000"],
                              metadata: ["analyzer": "hashi-analysis 1", "built": "2026-11-23T05:00:00Z"]))
        #expect(m.encoded() == Array(text.utf8))
    }

    /// The worked term-dictionary example in Index/FORMAT.md is what the writer produces.
    @Test func termDictionaryExampleFromFormatDoc() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var w = SegmentWriter()
        w.addDocument(path: "a.txt", size: 22, modified: 0, contentHash: 7)
        w.addPassage(document: 0, ordinal: 0, line: 1, startOffset: 0, endOffset: 22, text: "tower towers 東京")
        w.addToken(field: 0, term: "tower", position: 0)
        w.addToken(field: 0, term: "towers", position: 1)
        w.addToken(field: 0, term: "東京", position: 2)
        _ = try w.write(to: dir.url, name: "seg")
        let trm = [UInt8](try Data(contentsOf: dir.url.appendingPathComponent("seg.trm")))
        func bytes(_ hex: String) -> [UInt8] {
            stride(from: 0, to: hex.count, by: 2).compactMap { i -> UInt8? in
                let a = hex.index(hex.startIndex, offsetBy: i)
                return UInt8(hex[a..<hex.index(a, offsetBy: 2)], radix: 16)
            }
        }
        let hex = "484153484954524d0200000000000000" + "01000000000000000000000003000000"
            + "01000000000000005700000000000000" + "38000000000000000300" + "05746f776572"
            + "0100101005017301000101000" + "6e69db1e4baac0100010138000000000000004f"
            + "000000000000000bd6" + "6acc"
        #expect(trm == bytes(hex))
        // .len: one field entry (field 0, 1 passage, 3 tokens, lengths at 0x38, width 1) and the array.
        let len = [UInt8](try Data(contentsOf: dir.url.appendingPathComponent("seg.len")))
        #expect(Array(len[16..<57]) == bytes("0100000001000000" + "00000000010000000300000000000000"
                                            + "3800000000000000" + "0100000000000000" + "03"))
        // .psg: header, one block index entry, and the documented inflated payload.
        let psg = [UInt8](try Data(contentsOf: dir.url.appendingPathComponent("seg.psg")))
        #expect(Array(psg[16..<44]) == bytes("01000000010000003800000000000000" + "0000000001000000" + "19000000"))
        #expect(Array(psg[48..<56]) == bytes("3800000000000000"))
        let r = try SegmentReader(directory: dir.url, name: "seg")
        let (entry, offset) = try #require(r.passageBlockEntry(0))
        #expect(offset == 0x38 && Int(entry.compressedLength) == psg.count - 12 - 0x38)
        let payload = psg.withUnsafeBytes { Zlib.decompress(UnsafeRawBufferPointer(rebasing: $0[0x38..<(psg.count - 12)]), rawLength: 25) }
        #expect(payload == bytes("000002002c13" + "746f77657220746f7765727320e69db1e4baac"))
        let pst = [UInt8](try Data(contentsOf: dir.url.appendingPathComponent("seg.pst")))
        #expect(Array(pst[16..<19]) == [1, 1, 1])
        #expect(pst.count == 16 + 3 + 12)
        let pos = [UInt8](try Data(contentsOf: dir.url.appendingPathComponent("seg.pos")))
        #expect(Array(pos[16..<19]) == [0, 1, 2])
    }
}
