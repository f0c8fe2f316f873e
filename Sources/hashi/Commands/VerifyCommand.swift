import ArgumentParser
import Foundation
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
        let problems = IndexDirectory(url: URL(fileURLWithPath: index)).verify()
        if json {
            print(try JSON.line(Report(ok: problems.isEmpty, problems: problems.map(\.description))))
        } else if problems.isEmpty {
            print("\(index): OK")
        } else {
            for problem in problems { printError(problem.description) }
        }
        if !problems.isEmpty {
            throw ExitCode(1)
        }
    }
}
