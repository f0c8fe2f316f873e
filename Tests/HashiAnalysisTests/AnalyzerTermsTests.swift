import Foundation
import PropertyBased
import Testing

@testable import HashiAnalysis

/// `Analyzer.analyzeTerms` (bytes only, for indexing) must hand over exactly the stream, term and
/// position of every token `analyze` makes, in the same order.
struct AnalyzerTermsTests {
    static func viaTerms(_ units: [UInt16]) throws -> [(Token.Stream, [UInt8], Int)] {
        var result: [(Token.Stream, [UInt8], Int)] = []
        try units.withUnsafeBufferPointer { buffer in
            try Analyzer().analyzeTerms(utf16: buffer) { stream, term, position in result.append((stream, Array(term), position)) }
        }
        return result
    }

    static func viaTokens(_ units: [UInt16]) throws -> [(Token.Stream, [UInt8], Int)] {
        var result: [(Token.Stream, [UInt8], Int)] = []
        try units.withUnsafeBufferPointer { buffer in
            try Analyzer().analyze(utf16: buffer) { result.append(($0.stream, Array($0.term.utf8), $0.position)) }
        }
        return result
    }

    static func expectSame(_ units: [UInt16]) throws {
        let fast = try viaTerms(units)
        let slow = try viaTokens(units)
        #expect(fast.count == slow.count)
        for (a, b) in zip(fast, slow) {
            #expect(a.0 == b.0 && a.1 == b.1 && a.2 == b.2, "\(a) vs \(b) in \(units)")
        }
    }

    @Test func termsMatchTokensOnRandomText() async {
        await propertyCheck(count: 300, input: AnalyzerPropertyTests.texts) { text in
            try Self.expectSame(Array(text.utf16))
        }
    }

    /// Unpaired surrogates (which no decoded document holds, but a caller's buffer may): the bytes
    /// are those of the repaired string, as the token's term is.
    @Test func unpairedSurrogatesGiveTheTokensBytes() throws {
        let samples: [[UInt16]] = [
            Array("ab".utf16) + [0xD800] + Array("cd".utf16),
            Array("漢字".utf16) + [0xDC00] + Array("かな".utf16),
            Array("word".utf16) + [0xD83D],
            [0xDFFF] + Array("テスト".utf16),
            Array("x".utf16) + [0xD800, 0xD800] + Array("y's".utf16),
        ]
        for units in samples { try Self.expectSame(units) }
    }
}
