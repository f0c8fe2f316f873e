import Foundation

/// The sample corpus at the package root (`Corpus/*.txt`), as (path, text).
func corpusDocuments() throws -> [(path: String, text: String)] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Corpus").standardized
    let names = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".txt") }.sorted()
    return try names.map { name in
        (path: name, text: try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8))
    }
}
