/// The bigram stream: overlapping pairs of characters of every run of Japanese characters.
///
/// `新幹線` gives `新幹`, `幹線` at consecutive positions, so a query is found as a phrase of its
/// bigrams wherever it occurs, however ICU's dictionary cut the document. A run of one character
/// gives that character alone. Characters are code points (a kanji outside the BMP is one).
enum Bigrams {
    /// Calls `emit(start, end)` (normalized UTF-16 offsets) for each bigram of each Japanese run, in
    /// text order. Positions simply count bigrams: a phrase of a query's bigrams cannot match across
    /// two runs of a document, since the bigram that would bridge them does not exist there.
    static func forEach(in text: UnsafeBufferPointer<UInt16>, classes: [UInt8],
                        _ emit: (_ start: Int, _ end: Int) -> Void) {
        let n = text.count
        var i = 0
        while i < n {
            guard CharacterClass.isJapanese(classes[i]) else { i += 1; continue }
            var previousStart = i
            i += codePointLength(text, at: i)
            var emitted = false
            while i < n && CharacterClass.isJapanese(classes[i]) {
                let length = codePointLength(text, at: i)
                emit(previousStart, i + length)
                emitted = true
                previousStart = i
                i += length
            }
            if !emitted { emit(previousStart, i) }
        }
    }

    @inline(__always)
    static func codePointLength(_ text: UnsafeBufferPointer<UInt16>, at i: Int) -> Int {
        UTF16.isLeadSurrogate(text[i]) && i + 1 < text.count && UTF16.isTrailSurrogate(text[i + 1]) ? 2 : 1
    }
}
