import ArgumentParser

/// `hashi bench`: Hashi's own benchmarks. Build with `-c release` before quoting figures.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Hashi's speed (use a release build: swift run -c release hashi bench …).",
        subcommands: [AnalyzeBenchCommand.self, IndexBenchCommand.self, SearchBenchCommand.self, ConceptsBenchCommand.self]
    )
}
