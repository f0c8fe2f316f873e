import HashiAnalysis

/// Analyzes many short texts (dictionary headwords) in one analyzer call instead of one call each:
/// the texts are joined with line breaks, which no token crosses, and the tokens are handed back to
/// the text they came from. Tens of thousands of headwords take one pass instead of tens of
/// thousands of analyzer set-ups.
enum BatchAnalysis {
    /// The tokens of each of `texts`, in order (offsets relative to the joined text, not to each one).
    /// Texts holding a line break are analyzed on their own.
    static func tokens(of texts: [String], using analyzer: Analyzer) throws(ICUError) -> [[Token]] {
        var result = [[Token]](repeating: [], count: texts.count)
        var joined: [UInt16] = []
        var starts: [Int] = []          // UTF-16 start of each joined text
        var owners: [Int] = []          // which text each joined slot holds
        for (k, text) in texts.enumerated() {
            if text.utf16.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
                result[k] = try analyzer.tokens(of: text)
                continue
            }
            // Two line breaks: a paragraph break, so that no rule of the analyzer joins across texts.
            if !joined.isEmpty { joined.append(0x0A); joined.append(0x0A) }
            starts.append(joined.count)
            owners.append(k)
            joined.append(contentsOf: text.utf16)
        }
        guard !owners.isEmpty else { return result }
        try joined.withUnsafeBufferPointer { (buffer) throws(ICUError) in
            var last = 0
            try analyzer.analyze(utf16: buffer) { token in
                // The slot whose start is the last one at or before the token's start: tokens come
                // mostly in text order, so the previous token's slot is tried first.
                var low: Int
                if starts[last] <= token.start && (last + 1 == starts.count || starts[last + 1] > token.start) {
                    low = last
                } else {
                    low = 0
                    var high = starts.count - 1
                    while low < high {
                        let mid = (low + high + 1) / 2
                        if starts[mid] <= token.start { low = mid } else { high = mid - 1 }
                    }
                }
                last = low
                result[owners[low]].append(token)
            }
        }
        return result
    }
}
