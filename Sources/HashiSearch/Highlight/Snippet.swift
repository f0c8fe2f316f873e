/// A short excerpt of a passage around its best-matching region.
public struct Snippet: Sendable, Hashable {
    /// The excerpt, with `…` where the passage was cut.
    public var text: String
    /// Where the excerpt's first character is in the passage, in Unicode scalars.
    public var start: Int
    /// The matches inside the excerpt, in Unicode scalars of `text` (after any leading `…`).
    public var matches: [Range<Int>]

    /// The longest excerpt, in Unicode scalars.
    public static let maximumLength = 160

    /// The excerpt of `text` (given as scalars) that holds the most of `matches` (scalar ranges),
    /// starting a little before the first of them.
    public init(of text: [Unicode.Scalar], matches: [Range<Int>], maximumLength: Int = Snippet.maximumLength) {
        let context = maximumLength / 6
        var bestStart = 0
        var bestCount = -1
        for match in matches {
            let windowStart = max(0, match.lowerBound - context)
            let count = matches.filter { $0.lowerBound >= windowStart && $0.upperBound <= windowStart + maximumLength }.count
            if count > bestCount {
                bestCount = count
                bestStart = windowStart
            }
        }
        if text.count <= maximumLength { bestStart = 0 }
        let end = min(text.count, bestStart + maximumLength)
        // Pull the start back so short passages' excerpts are not cut needlessly.
        let start = max(0, min(bestStart, end - maximumLength))
        let lead = start > 0 ? "…" : ""
        let tail = end < text.count ? "…" : ""
        var view = String.UnicodeScalarView()
        view.append(contentsOf: text[start..<end])
        self.text = lead + String(view) + tail
        self.start = start
        let shift = lead.unicodeScalars.count - start
        self.matches = matches.filter { $0.lowerBound >= start && $0.upperBound <= end }
            .map { ($0.lowerBound + shift)..<($0.upperBound + shift) }
    }
}
