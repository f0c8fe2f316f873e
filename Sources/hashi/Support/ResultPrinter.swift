import Foundation
import Hashi

/// How to mark up terminal output.
struct TerminalStyle {
    let highlightOn: String
    let highlightOff: String
    let dimOn: String
    let dimOff: String

    /// Bold yellow highlights on a terminal; nothing when output goes to a pipe or file.
    static func forStandardOutput() -> TerminalStyle {
        if isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil {
            return TerminalStyle(highlightOn: "\u{1B}[1;33m", highlightOff: "\u{1B}[0m", dimOn: "\u{1B}[2m", dimOff: "\u{1B}[0m")
        }
        return TerminalStyle(highlightOn: "", highlightOff: "", dimOn: "", dimOff: "")
    }
}

/// Prints search results for people.
struct ResultPrinter {
    let style: TerminalStyle

    func print(_ results: SearchResults) {
        let shown = String(String.UnicodeScalarView(results.query.unicodeScalars.map {
            $0.properties.generalCategory == .control ? " " : $0
        }))
        Swift.print("\(results.total) passage\(results.total == 1 ? " matches" : "s match") \"\(shown)\" (\(results.mode.rawValue) mode)")
        for result in results.results {
            Swift.print("")
            // A background-only passage ranks after every direct one, whatever its score.
            let group = result.group == .direct ? "" : ", only through the \(result.group.rawValue) dictionary"
            Swift.print("\(result.rank). \(result.document):\(result.line)  \(style.dimOn)score \(String(format: "%.3f", result.score))\(group)\(style.dimOff)")
            Swift.print("   " + highlighted(result.snippet, result.snippetMatches).replacingNewlines())
            for line in result.explanation ?? [] {
                Swift.print("   \(style.dimOn)\(line)\(style.dimOff)")
            }
        }
    }

    private func highlighted(_ text: String, _ matches: [Range<Int>]) -> String {
        guard !style.highlightOn.isEmpty, !matches.isEmpty else { return text }
        let scalars = Array(text.unicodeScalars)
        var output = ""
        var k = 0
        for match in matches.sorted(by: { $0.lowerBound < $1.lowerBound }) where match.lowerBound >= k && match.upperBound <= scalars.count {
            output += String(String.UnicodeScalarView(scalars[k..<match.lowerBound]))
            output += style.highlightOn + String(String.UnicodeScalarView(scalars[match])) + style.highlightOff
            k = match.upperBound
        }
        output += String(String.UnicodeScalarView(scalars[k...]))
        return output
    }
}
