/// Where a concept membership came from.
public enum ConceptSource: Sendable, Hashable, Codable {
    /// A dictionary file written by people: its path and 1-based line.
    case dictionary(file: String, line: Int)
    /// Mined from a corpus document: its path and 1-based line.
    case mined(document: String, line: Int)
}
