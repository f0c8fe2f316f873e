/// The bigram stream: overlapping pairs of characters of every run of Japanese characters.
///
/// `新幹線` gives `新幹`, `幹線` at consecutive positions, so a query is found as a phrase of its
/// bigrams wherever it occurs, however ICU's dictionary cut the document. A run of one character
/// gives that character alone. Characters are code points (a kanji outside the BMP is one).
enum Bigrams {
    /// Positions left empty between two runs. Two, so that a query may be matched by every other
    /// bigram (which covers all its characters) without ever bridging two runs: the bigram at
    /// offset i + 2 can only follow the one at offset i within a run.
    static let runGap = 2

    /// Calls `emit(start, end, position)` (normalized UTF-16 offsets) for each bigram of each
    /// Japanese run, in text order. Positions count bigrams, with ``runGap`` empty positions
    /// between runs.
    static func forEach(in text: UnsafeBufferPointer<UInt16>, classes: [UInt8],
                        _ emit: (_ start: Int, _ end: Int, _ position: Int) -> Void) {
        let n = text.count
        var i = 0
        var position = 0
        while i < n {
            guard CharacterClass.isJapanese(classes[i]) else { i += 1; continue }
            var previousStart = i
            i += codePointLength(text, at: i)
            var emitted = false
            while i < n && CharacterClass.isJapanese(classes[i]) {
                let length = codePointLength(text, at: i)
                emit(previousStart, i + length, position)
                position += 1
                emitted = true
                previousStart = i
                i += length
            }
            if !emitted {
                emit(previousStart, i, position)
                position += 1
            }
            position += runGap
        }
    }

    @inline(__always)
    static func codePointLength(_ text: UnsafeBufferPointer<UInt16>, at i: Int) -> Int {
        UTF16.isLeadSurrogate(text[i]) && i + 1 < text.count && UTF16.isTrailSurrogate(text[i + 1]) ? 2 : 1
    }
}
