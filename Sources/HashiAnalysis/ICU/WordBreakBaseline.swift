/// ICU's word break iterator with no analysis at all: the yardstick `hashi bench analyze` holds the
/// analyzer's speed against.
public final class WordBreakBaseline {
    private let iterator: BreakIterator

    /// Opens ICU's Japanese word break iterator.
    public init() throws(ICUError) {
        iterator = try BreakIterator(.word, locale: "ja")
    }

    /// Converts `text` to UTF-16 (as the analyzer does) and counts its word-break segments whose
    /// rule status is not "none".
    public func countWords(in text: String) throws(ICUError) -> Int {
        let units = UTF16Conversion.codeUnits(of: text)
        var count = 0
        try units.withUnsafeBufferPointer { (buffer) throws(ICUError) in
            try iterator.segments(of: buffer) { _, _, status in
                if status >= 100 { count += 1 }
            }
        }
        return count
    }
}
