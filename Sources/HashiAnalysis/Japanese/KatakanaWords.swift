/// Katakana words, found from the characters rather than from ICU's dictionary.
///
/// ICU's dictionary fragments long loanwords (`デューデリジェンス` → `デ|ュ|ー|デ|リ|ジェン|ス`), so a
/// maximal run of katakana (with `ー`) is taken as one word instead. Runs separated by a single
/// middle dot (`・`, `·`, `‧`, `゠`) are one word too: `キャパシティ・ビルディング` is indexed as
/// `キャパシティビルディング`. The term drops a final prolonged sound mark when the word has four or
/// more characters, as Lucene's katakana stem filter does: `サーバー` = `サーバ`.
enum KatakanaWords {
    /// Code units that join two katakana words into one.
    static func isMiddleDot(_ unit: UInt16) -> Bool {
        unit == 0x30FB || unit == 0x00B7 || unit == 0x2027 || unit == 0x30A0
    }

    static let prolongedSoundMark: UInt16 = 0x30FC

    /// The ranges (normalized UTF-16 offsets) of the katakana words of `text`, in order.
    static func ranges(in text: UnsafeBufferPointer<UInt16>, classes: [UInt8]) -> [Range<Int>] {
        let katakana = CharacterClass.katakana.rawValue
        var result: [Range<Int>] = []
        var i = 0
        let n = text.count
        while i < n {
            guard classes[i] == katakana else { i += 1; continue }
            let start = i
            while i < n {
                if classes[i] == katakana {
                    i += 1
                } else if isMiddleDot(text[i]) && i + 1 < n && classes[i + 1] == katakana && i > start {
                    i += 1
                } else {
                    break
                }
            }
            result.append(start..<i)
        }
        return result
    }

    /// The term of the katakana word at `range`: middle dots removed, a final `ー` of a word of four
    /// or more characters dropped.
    static func term(of text: UnsafeBufferPointer<UInt16>, range: Range<Int>) -> String {
        withTerm(of: text, range: range) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the UTF-8 bytes of ``term(of:range:)`` (valid during the call only).
    static func withTerm<R>(of text: UnsafeBufferPointer<UInt16>, range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var characters = 0
        for k in range where !isMiddleDot(text[k]) && !UTF16.isTrailSurrogate(text[k]) { characters += 1 }
        let dropLast = characters >= 4 && text[range.upperBound - 1] == prolongedSoundMark
        return UTF8Encoding.withBytes(text, range.lowerBound..<(range.upperBound - (dropLast ? 1 : 0)),
                                      skipping: isMiddleDot, body)
    }
}
