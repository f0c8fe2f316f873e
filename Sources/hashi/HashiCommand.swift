import ArgumentParser

/// The `hashi` command: bilingual Japanese/English full-text search.
@main
struct HashiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hashi",
        abstract: "Bilingual Japanese/English full-text search.",
        subcommands: [SearchCommand.self, IndexCommand.self, ConceptsCommand.self, StatsCommand.self, VerifyCommand.self, AnalyzeCommand.self, BenchCommand.self]
    )
}
