import Foundation
import Testing

/// End to end: `hashi analyze` as a user runs it.
struct AnalyzeCommandTests {
    struct Output: Decodable {
        struct Token: Decodable {
            let term: String
            let stream: String
            let script: String
            let position: Int
            let start: Int
            let end: Int
        }
        let tokens: [Token]
    }

    @Test func printsJSONWithScalarOffsetsIntoTheOriginal() throws {
        let text = "𠮷 ＧＧＥとﾃﾞｭｰﾃﾞﾘｼﾞｪﾝｽ"
        let result = try CLIRunner.run(["analyze", "--json", text])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
        let words = output.tokens.filter { $0.stream == "word" }
        #expect(words.map(\.term) == ["𠮷", "gge", "と", "デューデリジェンス"])
        let scalars = Array(text.unicodeScalars)
        func original(_ token: Output.Token) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[token.start..<token.end])
            return String(view)
        }
        #expect(words.map(original) == ["𠮷", "ＧＧＥ", "と", "ﾃﾞｭｰﾃﾞﾘｼﾞｪﾝｽ"])
        #expect(words.map(\.script) == ["han", "latin", "hiragana", "katakana"])
        #expect(output.tokens.contains { $0.stream == "bigram" && $0.term == "とデ" })
    }

    @Test func printsATableOnATerminalOrPipe() throws {
        let result = try CLIRunner.run(["analyze", "connections"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("connect"))
    }

    @Test func analyzesAFileInALegacyEncoding() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("sjis.txt")
        let paragraph = String(repeating: "相当の注意義務（デューデリジェンス）について検討する。", count: 8)
        let sjis = try #require(paragraph.data(using: .shiftJIS))
        try sjis.write(to: file)
        let result = try CLIRunner.run(["analyze", "--json", "--file", file.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"デューデリジェンス\""))
    }

    @Test func binaryFileFailsNamingTheFileAndOffset() throws {
        let directory = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("image.txt")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01]).write(to: file)
        let result = try CLIRunner.run(["analyze", "--file", file.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains(file.path))
        #expect(result.stderr.contains("offset 4"))
    }

    @Test func missingFileFailsNamingIt() throws {
        let result = try CLIRunner.run(["analyze", "--file", "/nonexistent/hashi-test.txt"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("/nonexistent/hashi-test.txt"))
    }

    @Test func noInputIsAUsageError() throws {
        let result = try CLIRunner.run(["analyze"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--file"))
    }

    @Test func controlCharactersAndHugeInputDoNotCrash() throws {
        let text = "\u{0}\u{1}\u{7F}" + String(repeating: "サイバー攻撃 cyber ", count: 5_000)
        let result = try CLIRunner.run(["analyze", "--json", text])
        #expect(result.status == 0, "\(result.stderr)")
    }
}
