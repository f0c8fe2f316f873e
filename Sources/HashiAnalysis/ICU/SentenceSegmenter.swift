/// ICU's sentence break iterator, for cutting long paragraphs into passages.
///
/// Not thread-safe (ICU's break iterators are not): one per thread.
public final class SentenceSegmenter {
    private let iterator: BreakIterator

    /// Opens ICU's sentence break iterator (Japanese rules, which also handle English).
    public init() throws(ICUError) {
        iterator = try BreakIterator(.sentence, locale: "ja")
    }

    /// The sentence boundaries inside `text` (UTF-16 offsets, ascending, ending with `text.count`).
    public func boundaries(in text: UnsafeBufferPointer<UInt16>) throws(ICUError) -> [Int] {
        var result: [Int] = []
        try iterator.segments(of: text) { _, end, _ in result.append(end) }
        return result
    }
}
