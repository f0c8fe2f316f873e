import ArgumentParser
import Foundation
import Hashi
import HashiIndex

/// `hashi verify`: checks every checksum and the structure of an index.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check an index's checksums and structure; exits non-zero if anything is wrong."
    )

    @Option(help: "The index folder.")
    var index = "Index"

    @Flag(help: "Print JSON: {\"ok\": Bool, \"problems\": [String]}.")
    var json = false

    struct Report: Encodable {
        let ok: Bool
        let problems: [String]
    }

    func run() throws {
        let url = URL(fileURLWithPath: index)
        let problems = IndexDirectory(url: url).verify().map(\.description) + ConceptTable.verify(index: url)
            + MinedGlosses.verify(index: url)
        if json {
            print(try JSON.line(Report(ok: problems.isEmpty, problems: problems)))
        } else if problems.isEmpty {
            print("\(index): OK")
        } else {
            for problem in problems { printError(problem) }
        }
        if !problems.isEmpty {
            throw ExitCode(1)
        }
    }
}
