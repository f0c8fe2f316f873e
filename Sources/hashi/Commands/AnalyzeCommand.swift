import ArgumentParser
import HashiAnalysis

/// `hashi analyze`: shows the tokens the analyzer makes of a text, like Elasticsearch's `_analyze`.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Show the terms Hashi makes of a text.",
        discussion: """
            Prints every token of both streams (word and bigram) with its position and its offsets in \
            the original text, counted in Unicode scalars.
            """
    )

    @Argument(help: "The text to analyze (or use --file).")
    var text: String?

    @Option(name: .long, help: "Analyze this file instead (UTF-8, UTF-16 with BOM, Shift_JIS, EUC-JP, ISO-2022-JP).")
    var file: String?

    @Flag(name: .long, help: "Print JSON: {\"tokens\": [{\"term\", \"stream\", \"script\", \"position\", \"start\", \"end\"}]}.")
    var json = false

    func validate() throws {
        if (text == nil) == (file == nil) {
            throw ValidationError("Give either a TEXT argument or --file PATH.")
        }
    }

    func run() throws {
        let input = try file.map(FileInput.readText(at:)) ?? text ?? ""
        let tokens = try Analyzer().tokens(of: input)
        let offsets = ScalarOffsets(input)
        let shown = tokens.map {
            ShownToken(term: $0.term, stream: $0.stream.rawValue, script: $0.script.rawValue, position: $0.position,
                       start: offsets.scalarOffset(ofUTF16: $0.start), end: offsets.scalarOffset(ofUTF16: $0.end))
        }
        if json {
            print(try JSON.line(["tokens": shown]))
            return
        }
        let scalars = Array(input.unicodeScalars)
        for token in shown {
            var original = String.UnicodeScalarView()
            original.append(contentsOf: scalars[token.start..<token.end])
            let source = String(original).replacingNewlines()
            print("\(token.stream.padding(6)) \(String(token.position).padding(5)) \(token.term)"
                  + "  [\(token.start)..<\(token.end) \"\(source)\" \(token.script)]")
        }
    }

    /// A token as `analyze` prints it: offsets in Unicode scalars.
    struct ShownToken: Encodable {
        let term: String
        let stream: String
        let script: String
        let position: Int
        let start: Int
        let end: Int
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    func replacingNewlines() -> String {
        String(unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : Character($0) })
    }
}
