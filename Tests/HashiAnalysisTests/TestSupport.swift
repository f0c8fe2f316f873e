import Foundation
import Testing

@testable import HashiAnalysis

/// Analyzes `text` and returns the terms of one stream.
func terms(_ text: String, _ stream: Token.Stream = .word) throws -> [String] {
    try Analyzer().tokens(of: text).filter { $0.stream == stream }.map(\.term)
}

/// The original text a token covers.
func source(of token: Token, in text: String) -> String {
    let units = Array(text.utf16)
    return String(decoding: units[token.start..<token.end], as: UTF16.self)
}

/// A fixture file's bytes.
func fixture(_ path: String) throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/" + path, withExtension: nil), "missing fixture \(path)")
    return [UInt8](try Data(contentsOf: url))
}
