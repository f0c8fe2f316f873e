import Foundation
import Testing

/// Damaged indexes, a held write lock, and a build killed midway.
struct IndexRecoveryTests {
    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case header, middle, footer, truncatedHalf, truncatedByOne, emptied
        var testDescription: String { rawValue }

        func apply(to url: URL) throws {
            var bytes = [UInt8](try Data(contentsOf: url))
            try #require(bytes.count >= 2)
            switch self {
            case .header: bytes[0] ^= 0xFF
            case .middle: bytes[bytes.count / 2] ^= 0x01
            case .footer: bytes[bytes.count - 1] ^= 0x80
            case .truncatedHalf: bytes.removeLast(bytes.count / 2)
            case .truncatedByOne: bytes.removeLast()
            case .emptied: bytes = []
            }
            try Data(bytes).write(to: url)
        }
    }

    /// Builds the small corpus's index once per test and returns the file names of its generation.
    private func builtIndex() throws -> (IndexCLI.Scratch, [String]) {
        let scratch = try IndexCLI.Scratch()
        try scratch.writeSmallCorpus()
        let built = try scratch.index(["--quiet"])
        try #require(built.succeeded, "\(built.stderr)")
        let generation = try scratch.generationDirectory()
        let names = try FileManager.default.contentsOfDirectory(atPath: generation.path).sorted()
        try #require(names.count >= 5, "\(names)")
        return (scratch, names)
    }

    /// Every kind of damage to every file of the generation: `verify` exits non-zero naming the file,
    /// `stats` fails with a message, neither crashes.
    @Test(arguments: Damage.allCases)
    func damagedFilesAreReportedNotCrashedOn(damage: Damage) throws {
        let (scratch, names) = try builtIndex()
        let pristine = scratch.root.appendingPathComponent("pristine")
        try FileManager.default.copyItem(at: scratch.index, to: pristine)
        for name in names {
            try? FileManager.default.removeItem(at: scratch.index)
            try FileManager.default.copyItem(at: pristine, to: scratch.index)
            try damage.apply(to: try scratch.generationDirectory().appendingPathComponent(name))

            let verify = try IndexCLI.run(["verify", "--index", scratch.index.path])
            #expect(verify.reason == .exit, "verify was killed by signal \(verify.status) after \(damage) of \(name)")
            #expect(verify.status != 0, "verify passed after \(damage) of \(name)")
            #expect(verify.stderr.contains(name), "verify does not name \(name) after \(damage): \(verify.output)")

            let stats = try IndexCLI.run(["stats", "--index", scratch.index.path])
            #expect(stats.reason == .exit, "stats was killed by signal \(stats.status) after \(damage) of \(name)")
            #expect(stats.status != 0, "stats succeeded after \(damage) of \(name): \(stats.stdout)")
            #expect(stats.stderr.contains(name), "stats does not name \(name) after \(damage): \(stats.stderr)")
            #expect(stats.stderr.contains("hashi index --full"), "stats does not say what to do: \(stats.stderr)")
        }
    }

    @Test func damagedManifestIsReported() throws {
        let (scratch, _) = try builtIndex()
        try Damage.middle.apply(to: scratch.index.appendingPathComponent("MANIFEST"))
        let verify = try IndexCLI.run(["verify", "--index", scratch.index.path])
        #expect(verify.failedCleanly)
        #expect(verify.stderr.contains("MANIFEST"), "\(verify.output)")
        let stats = try IndexCLI.run(["stats", "--index", scratch.index.path])
        #expect(stats.failedCleanly)
        #expect(stats.stderr.contains("MANIFEST"), "\(stats.stderr)")
    }

    /// A damaged index is not "up to date": `hashi index` rebuilds it.
    @Test func indexRebuildsADamagedIndex() throws {
        let (scratch, names) = try builtIndex()
        let victim = try #require(names.first { $0.hasSuffix(".pst") } ?? names.first)
        try Damage.middle.apply(to: try scratch.generationDirectory().appendingPathComponent(victim))
        let rebuilt = try scratch.index()
        #expect(rebuilt.succeeded, "\(rebuilt.stderr)")
        #expect(!rebuilt.stdout.contains("up to date"), "\(rebuilt.stdout)")
        #expect(try IndexCLI.run(["verify", "--index", scratch.index.path]).succeeded)
    }

    @Test func lockHeldByALiveProcessStopsABuild() throws {
        let scratch = try IndexCLI.Scratch()
        try scratch.writeSmallCorpus()
        try FileManager.default.createDirectory(at: scratch.index, withIntermediateDirectories: true)
        let lock = scratch.index.appendingPathComponent("write.lock")
        let pid = ProcessInfo.processInfo.processIdentifier
        try Data("\(pid)\n".utf8).write(to: lock)
        let result = try scratch.index()
        #expect(result.failedCleanly)
        #expect(result.stderr.contains("being built by PID \(pid)"), "\(result.stderr)")
        #expect(try String(contentsOf: lock, encoding: .utf8) == "\(pid)\n", "the other process's lock was touched")
        #expect(!FileManager.default.fileExists(atPath: scratch.index.appendingPathComponent("MANIFEST").path))

        // Also with an index already there and --full.
        try FileManager.default.removeItem(at: lock)
        #expect(try scratch.index(["--quiet"]).succeeded)
        try Data("\(pid)\n".utf8).write(to: lock)
        let full = try scratch.index(["--full"])
        #expect(full.failedCleanly)
        #expect(full.stderr.contains("being built by PID \(pid)"), "\(full.stderr)")
        #expect(try IndexCLI.run(["verify", "--index", scratch.index.path]).succeeded)
    }

    @Test func lockLeftByADeadProcessIsTakenOver() throws {
        let scratch = try IndexCLI.Scratch()
        try scratch.writeSmallCorpus()
        try FileManager.default.createDirectory(at: scratch.index, withIntermediateDirectories: true)
        // The PID of a process that has exited.
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        try Data("\(finished.processIdentifier)\n".utf8).write(to: scratch.index.appendingPathComponent("write.lock"))
        let result = try scratch.index()
        #expect(result.succeeded, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.index.appendingPathComponent("write.lock").path))
    }

    /// `kill -9` during `hashi index --full` leaves the previous index intact, and the next build
    /// cleans up and succeeds.
    @Test func buildKilledMidwayLeavesThePreviousIndex() throws {
        let scratch = try IndexCLI.Scratch()
        try scratch.writeSmallCorpus()
        try #require(try scratch.index(["--quiet"]).succeeded)
        let before = try IndexCLI.json(try IndexCLI.run(["stats", "--json", "--index", scratch.index.path]).stdout)
        try #require(before["documents"] as? Int == 3)

        // A few MB of text, so the build takes a moment.
        let paragraph = "政府専門家会合は相当の注意義務について議論した。Due diligence was discussed at length by the group. "
        let big = String(repeating: String(repeating: paragraph, count: 8) + "\n\n", count: 700)
        for k in 0..<6 { try scratch.write("big/part\(k).txt", big) }

        let process = Process()
        process.executableURL = try CLIRunner.executable()
        process.arguments = ["index", "--full", "--quiet", "--threads", "2", "--corpus", scratch.corpus.path, "--index", scratch.index.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the build holds the lock and has made its generation directory, then kill it.
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
        #expect(after["documents"] as? Int == 3)
        #expect(after["generation"] as? Int == 1)

        // The next build takes over the dead build's lock and removes its leftovers.
        try FileManager.default.removeItem(at: scratch.corpus.appendingPathComponent("big"))
        let next = try scratch.index(["--full", "--quiet"])
        #expect(next.succeeded, "\(next.stderr)")
        #expect(try IndexCLI.run(["verify", "--index", scratch.index.path]).succeeded)
        let generations = try FileManager.default.contentsOfDirectory(atPath: scratch.index.path).filter { $0.hasPrefix("gen-") }
        #expect(generations.count == 1, "\(generations)")
        #expect(!FileManager.default.fileExists(atPath: lock))
        let final = try IndexCLI.json(try IndexCLI.run(["stats", "--json", "--index", scratch.index.path]).stdout)
        #expect(final["documents"] as? Int == 3)
        #expect((final["generation"] as? Int ?? 0) >= 2)
    }
}
