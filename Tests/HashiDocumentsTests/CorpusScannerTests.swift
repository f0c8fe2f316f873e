import Foundation
import Testing

@testable import HashiDocuments

/// A temporary corpus folder, removed at the end of the test.
final class TemporaryCorpus {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("hashi-docs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func write(_ path: String, _ text: String = "text") throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func mkdir(_ path: String) throws {
        try FileManager.default.createDirectory(at: root.appendingPathComponent(path), withIntermediateDirectories: true)
    }

    func link(_ path: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent(path).path, withDestinationPath: destination)
    }
}

struct CorpusScannerTests {
    @Test func listsDocumentsRecursivelyBySortedPath() throws {
        let corpus = try TemporaryCorpus()
        for path in ["a.txt", "B.TXT", "c.Md", "d.HTML", "e.HtM", "f.htm", "a-b.txt", "Z.md", "sub/y.html",
                     "sub/deep/z.txt", "sub/deep/deeper/w.md", "dir.txt/inner.txt", "日本語.txt"] {
            try corpus.write(path, "content of \(path)")
        }
        for ignored in ["g.pdf", "h.txt.bak", "i.markdown", "README", "j.xhtml", "k.text", "sub/l.doc"] {
            try corpus.write(ignored)
        }
        try corpus.mkdir("empty/inside")
        let (files, warnings) = try CorpusScanner.scan(corpus.root)
        #expect(warnings.isEmpty)
        let expected = ["B.TXT", "Z.md", "a-b.txt", "a.txt", "c.Md", "d.HTML", "dir.txt/inner.txt", "e.HtM", "f.htm",
                        "sub/deep/deeper/w.md", "sub/deep/z.txt", "sub/y.html", "日本語.txt"]
        #expect(files.map(\.relativePath) == expected)
        for file in files {
            #expect(file.url.path == corpus.root.appendingPathComponent(file.relativePath).path)
            #expect(file.size == UInt64("content of \(file.relativePath)".utf8.count))
            #expect(file.kind == SourceDocument.Kind(path: file.relativePath))
            let attributes = try FileManager.default.attributesOfItem(atPath: file.url.path)
            let modified = try #require(attributes[.modificationDate] as? Date).timeIntervalSince1970
            #expect(abs(Double(file.modified) / 1e9 - modified) < 0.001, "modification time of \(file.relativePath)")
        }
        #expect(files.filter { $0.kind == .html }.map(\.relativePath) == ["d.HTML", "e.HtM", "f.htm", "sub/y.html"])
    }

    @Test func hiddenFilesAndFoldersAreSkipped() throws {
        let corpus = try TemporaryCorpus()
        try corpus.write("visible.txt")
        try corpus.write(".hidden.txt")
        try corpus.write(".git/objects.txt")
        try corpus.write("sub/.secret.md")
        try corpus.write("sub/shown.md")
        let (files, warnings) = try CorpusScanner.scan(corpus.root)
        #expect(files.map(\.relativePath) == ["sub/shown.md", "visible.txt"])
        #expect(warnings.isEmpty)
    }

    @Test func symbolicLinkLoopIsAWarningNamingThePath() throws {
        let corpus = try TemporaryCorpus()
        try corpus.write("a.txt")
        try corpus.write("loopy/b.txt")
        try corpus.link("loopy/back", to: "..")             // back to the root
        try corpus.link("loopy/self", to: ".")              // to itself
        let (files, warnings) = try CorpusScanner.scan(corpus.root)
        #expect(files.map(\.relativePath) == ["a.txt", "loopy/b.txt"])
        #expect(Set(warnings.map(\.path)) == ["loopy/back", "loopy/self"])
        for warning in warnings {
            #expect(warning.reason.contains("loop"))
            #expect(warning.description.hasPrefix(warning.path + ": "))
        }
    }

    @Test func linksThatAreNotLoopsAreFollowed() throws {
        let corpus = try TemporaryCorpus()
        try corpus.write("real/doc.txt")
        try corpus.write("other.txt")
        try corpus.link("alias", to: "real")
        try corpus.link("link.md", to: "other.txt")
        let (files, warnings) = try CorpusScanner.scan(corpus.root)
        #expect(files.map(\.relativePath) == ["alias/doc.txt", "link.md", "other.txt", "real/doc.txt"])
        #expect(warnings.isEmpty)
    }

    @Test func rootGivenAsALinkWithALoopBackToIt() throws {
        let corpus = try TemporaryCorpus()
        try corpus.write("real/doc.txt")
        try corpus.link("entry", to: "real")
        try corpus.link("real/up", to: "../entry")  // leads back to the root through the other link
        let (files, warnings) = try CorpusScanner.scan(corpus.root.appendingPathComponent("entry"))
        #expect(files.map(\.relativePath) == ["doc.txt"])
        #expect(warnings.map(\.path) == ["up"])
    }

    @Test func danglingLinkIsReported() throws {
        let corpus = try TemporaryCorpus()
        try corpus.write("a.txt")
        try corpus.link("dangling.txt", to: "nowhere.txt")
        try corpus.link("gone", to: "/nonexistent/folder")
        let (files, warnings) = try CorpusScanner.scan(corpus.root)
        #expect(files.map(\.relativePath) == ["a.txt"])
        #expect(warnings.map(\.path) == ["dangling.txt", "gone"])
        #expect(warnings.allSatisfy { $0.reason.contains("dangling") })
    }

    @Test func missingFolderIsAnError() throws {
        let corpus = try TemporaryCorpus()
        let missing = corpus.root.appendingPathComponent("missing")
        do {
            _ = try CorpusScanner.scan(missing)
            Issue.record("a missing folder was scanned")
        } catch {
            #expect(error.path == missing.path)
            #expect(error.description.contains(missing.path))
            #expect(error.reason.contains("no such"))
        }
    }

    @Test func fileInsteadOfFolderIsAnError() throws {
        let corpus = try TemporaryCorpus()
        try corpus.write("file.txt")
        let file = corpus.root.appendingPathComponent("file.txt")
        do {
            _ = try CorpusScanner.scan(file)
            Issue.record("a file was scanned as a folder")
        } catch {
            #expect(error.path == file.path)
            #expect(error.reason.contains("not a folder"))
        }
    }

    @Test func emptyFolderHasNoFiles() throws {
        let corpus = try TemporaryCorpus()
        let (files, warnings) = try CorpusScanner.scan(corpus.root)
        #expect(files.isEmpty && warnings.isEmpty)
    }
}

struct ContentHashTests {
    @Test func fnv1aReferenceValues() {
        #expect(ContentHash.of([]) == 0xCBF2_9CE4_8422_2325)
        #expect(ContentHash.of(Array("a".utf8)) == 0xAF63_DC4C_8601_EC8C)
        #expect(ContentHash.of(Array("foobar".utf8)) == 0x8594_4171_F739_67E8)
        #expect(ContentHash.of([1, 2]) != ContentHash.of([2, 1]))
    }
}
