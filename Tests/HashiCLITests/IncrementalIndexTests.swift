import Foundation
import Testing

/// `hashi index` on an existing index: incremental updates end to end.
struct IncrementalIndexTests {
    /// Ten documents of a few passages each, so that changing one leaves its segment less than a
    /// quarter deleted (kept with a deletion file rather than merged).
    private func writeTenDocuments(_ scratch: IndexCLI.Scratch) throws {
        for k in 0..<10 {
            try scratch.write("doc\(k).txt", (0..<4).map { "Paragraph \($0) of document \(k) about servers and 相当の注意義務 \(k * 10 + $0)." }
                .joined(separator: "\n\n"))
        }
    }

    /// Changing, adding, removing and touching files: the summary says what the build did, in
    /// words and in JSON, and search sees the new corpus.
    @Test func incrementalSummarySaysWhatChanged() throws {
        let scratch = try IndexCLI.Scratch()
        try writeTenDocuments(scratch)
        try #require(try scratch.index(["--quiet"]).succeeded)

        try scratch.write("doc1.txt", "Rewritten: zeppelins over 東京.")
        try scratch.write("doc2.txt", "Rewritten as well: zeppelins.")
        try scratch.write("new.md", "A new file about airships.")
        try FileManager.default.removeItem(at: scratch.corpus.appendingPathComponent("doc3.txt"))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000)],
                                              ofItemAtPath: scratch.corpus.appendingPathComponent("doc4.txt").path)
        let result = try scratch.index()
        #expect(result.succeeded, "\(result.stderr)")
        #expect(result.stdout.contains("2 files changed, 1 added, 1 removed, 1 touched (content unchanged): re-analysed 3 files, 1 new segment"),
                "\(result.stdout)")
        #expect(result.stdout.contains("index: 10 documents"), "\(result.stdout)")

        let zeppelins = try IndexCLI.json(try IndexCLI.run(["search", "zeppelins", "--json", "--index", scratch.index.path,
                                                             "--corpus", scratch.corpus.path]).stdout)
        #expect(zeppelins["total"] as? Int == 2)
        let old = try IndexCLI.json(try IndexCLI.run(["search", "document 3", "--json", "--index", scratch.index.path,
                                                       "--corpus", scratch.corpus.path]).stdout)
        #expect((old["results"] as? [[String: Any]])?.contains { $0["document"] as? String == "doc3.txt" } == false)
        #expect(try IndexCLI.run(["verify", "--index", scratch.index.path]).succeeded)

        try scratch.write("doc5.txt", "Another rewrite.")
        let json = try IndexCLI.json(try scratch.index(["--json"]).stdout)
        #expect(json["incremental"] as? Bool == true)
        let changes = try #require(json["changes"] as? [String: Any])
        #expect(changes["changed"] as? Int == 1 && changes["added"] as? Int == 0 && changes["removed"] as? Int == 0)
        #expect(changes["reanalysed"] as? Int == 1 && changes["newSegments"] as? Int == 1)
        #expect(Set(changes.keys) == ["added", "changed", "removed", "touched", "reanalysed", "newSegments", "keptSegments",
                                      "mergedSegments", "deletedDocuments"])
        #expect(json["documents"] as? Int == 10)

        let full = try scratch.index(["--full"])
        #expect(full.stdout.contains("indexed 10 documents"), "\(full.stdout)")
        #expect(full.stdout.contains("a full rebuild was asked for"), "\(full.stdout)")
    }

    /// Every kind of damage to a deletion file is found by `verify` (naming the file) and makes
    /// `stats` and `search` fail cleanly; `hashi index` then rebuilds.
    @Test(arguments: IndexRecoveryTests.Damage.allCases)
    func damagedDeletionFileIsReported(damage: IndexRecoveryTests.Damage) throws {
        let scratch = try IndexCLI.Scratch()
        try writeTenDocuments(scratch)
        try #require(try scratch.index(["--quiet"]).succeeded)
        try scratch.write("doc7.txt", "Changed.")
        try #require(try scratch.index(["--quiet"]).succeeded)
        let generation = try scratch.generationDirectory()
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: generation.path).first { $0.hasSuffix(".del") },
                                "no deletion file was written")
        try damage.apply(to: generation.appendingPathComponent(name))

        let verify = try IndexCLI.run(["verify", "--index", scratch.index.path])
        #expect(verify.failedCleanly, "verify passed after \(damage) of \(name)")
        #expect(verify.stderr.contains(name), "\(verify.output)")
        let stats = try IndexCLI.run(["stats", "--index", scratch.index.path])
        #expect(stats.failedCleanly)
        #expect(stats.stderr.contains(name) && stats.stderr.contains("hashi index --full"), "\(stats.stderr)")
        let rebuilt = try scratch.index()
        #expect(rebuilt.succeeded, "\(rebuilt.stderr)")
        #expect(try IndexCLI.run(["verify", "--index", scratch.index.path]).succeeded)
    }

    /// A deletion file that vanished is damage too (a missing file would silently bring deleted
    /// documents back).
    @Test func missingDeletionFileIsReported() throws {
        let scratch = try IndexCLI.Scratch()
        try writeTenDocuments(scratch)
        try #require(try scratch.index(["--quiet"]).succeeded)
        try scratch.write("doc7.txt", "Changed.")
        try #require(try scratch.index(["--quiet"]).succeeded)
        let generation = try scratch.generationDirectory()
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: generation.path).first { $0.hasSuffix(".del") })
        try FileManager.default.removeItem(at: generation.appendingPathComponent(name))
        let verify = try IndexCLI.run(["verify", "--index", scratch.index.path])
        #expect(verify.failedCleanly)
        #expect(verify.stderr.contains(name), "\(verify.output)")
    }

    /// `kill -9` during an incremental build leaves the previous generation searchable, and the
    /// next build cleans up and brings the index up to date.
    @Test func incrementalBuildKilledMidwayLeavesThePreviousIndex() throws {
        let scratch = try IndexCLI.Scratch()
        try writeTenDocuments(scratch)
        try #require(try scratch.index(["--quiet"]).succeeded)
        let before = try IndexCLI.json(try IndexCLI.run(["stats", "--json", "--index", scratch.index.path]).stdout)
        try #require(before["documents"] as? Int == 10)

        // A change plus a few MB of new text, so the incremental build takes a moment.
        try scratch.write("doc0.txt", "Changed before the crash.")
        let paragraph = "政府専門家会合は相当の注意義務について議論した。Due diligence was discussed at length by the group. "
        let big = String(repeating: String(repeating: paragraph, count: 8) + "\n\n", count: 700)
        for k in 0..<6 { try scratch.write("big/part\(k).txt", big) }

        let process = Process()
        process.executableURL = try CLIRunner.executable()
        process.arguments = ["index", "--quiet", "--threads", "2", "--corpus", scratch.corpus.path, "--index", scratch.index.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let lock = scratch.index.appendingPathComponent("write.lock").path
        let newGeneration = scratch.index.appendingPathComponent("gen-000002").path
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline
            && !(FileManager.default.fileExists(atPath: lock) && FileManager.default.fileExists(atPath: newGeneration)) {
            usleep(5_000)
        }
        usleep(200_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the build finished before it could be killed; make the corpus bigger")

        let verify = try IndexCLI.run(["verify", "--index", scratch.index.path])
        #expect(verify.succeeded, "\(verify.output)")
        let after = try IndexCLI.json(try IndexCLI.run(["stats", "--json", "--index", scratch.index.path]).stdout)
        #expect(after["documents"] as? Int == 10)
        #expect(after["generation"] as? Int == 1)
        // The previous generation answers: doc0's old text is still found.
        let search = try IndexCLI.json(try IndexCLI.run(["search", "\"document 0\"", "--json", "--index", scratch.index.path,
                                                          "--corpus", scratch.corpus.path, "--no-refresh"]).stdout)
        #expect(search["total"] as? Int == 4)

        // The next build takes over the dead build's lock, removes its leftovers and updates.
        let next = try scratch.index(["--json"])
        #expect(next.succeeded, "\(next.stderr)")
        let summary = try IndexCLI.json(next.stdout)
        #expect(summary["incremental"] as? Bool == true)
        #expect(summary["documents"] as? Int == 16)
        #expect(try IndexCLI.run(["verify", "--index", scratch.index.path]).succeeded)
        let generations = try FileManager.default.contentsOfDirectory(atPath: scratch.index.path).filter { $0.hasPrefix("gen-") }
        #expect(generations.count == 1, "\(generations)")
        #expect(!FileManager.default.fileExists(atPath: lock))
    }
}
