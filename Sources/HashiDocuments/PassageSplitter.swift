import HashiAnalysis

/// Cuts a document's text into passages.
///
/// A paragraph (a line, or lines up to a blank line) is a passage. A paragraph longer than
/// ``limit`` UTF-16 units is cut at ICU's sentence boundaries into passages of at most ``limit``
/// units, packing whole sentences; a single sentence longer than the limit is cut at the last space
/// before the limit (or at the limit when it has none), never inside a character (a surrogate pair,
/// a letter and its combining mark). Passages never start or end with white space.
///
/// Not thread-safe (it owns an ICU sentence iterator): one per thread.
public final class PassageSplitter {
    /// The longest passage, in UTF-16 code units.
    public let limit: Int
    private let sentences: SentenceSegmenter

    /// The default ``limit``.
    public static let defaultLimit = 400

    /// Creates a splitter whose passages are at most `limit` UTF-16 units long (at least 16).
    public init(limit: Int = PassageSplitter.defaultLimit) throws(ICUError) {
        self.limit = max(limit, 16)
        sentences = try SentenceSegmenter()
    }

    /// The passages of `text`, in order.
    public func passages(of text: [UInt16]) throws(ICUError) -> [Passage] {
        var result: [Passage] = []
        var paragraphStart: Int? = nil
        var paragraphEnd = 0
        var k = 0
        let n = text.count
        func closeParagraph() throws(ICUError) {
            if let start = paragraphStart {
                try split(text, start..<paragraphEnd, into: &result)
            }
            paragraphStart = nil
        }
        while k < n {
            // One line: [k, lineEnd), then its newline.
            var lineEnd = k
            while lineEnd < n && text[lineEnd] != 0x0A && text[lineEnd] != 0x0D { lineEnd += 1 }
            let blank = (k..<lineEnd).allSatisfy { Self.isSpace(text[$0]) }
            if blank {
                try closeParagraph()
            } else {
                if paragraphStart == nil { paragraphStart = k }
                paragraphEnd = lineEnd
            }
            k = lineEnd
            if k < n && text[k] == 0x0D {
                k += 1
                if k < n && text[k] == 0x0A { k += 1 }
            } else if k < n && text[k] == 0x0A {
                k += 1
            }
        }
        try closeParagraph()
        return result
    }

    /// Appends the passages of one paragraph.
    private func split(_ text: [UInt16], _ paragraph: Range<Int>, into result: inout [Passage]) throws(ICUError) {
        let trimmed = Self.trim(text, paragraph)
        guard !trimmed.isEmpty else { return }
        if trimmed.count <= limit {
            result.append(Passage(range: trimmed, ordinal: result.count))
            return
        }
        let boundaries = try text.withUnsafeBufferPointer { (buffer) throws(ICUError) in
            try sentences.boundaries(in: UnsafeBufferPointer(rebasing: buffer[trimmed]))
        }.map { $0 + trimmed.lowerBound }
        var start = trimmed.lowerBound
        var lastFit = start
        for boundary in boundaries {
            if boundary - start <= limit {
                lastFit = boundary
                continue
            }
            if lastFit > start {
                emit(text, start..<lastFit, into: &result)
                start = lastFit
            }
            // The sentence that ends at `boundary` may itself be too long.
            while boundary - start > limit {
                let cut = hardCut(text, start, start + limit)
                emit(text, start..<cut, into: &result)
                start = cut
            }
            lastFit = boundary
        }
        if lastFit > start { emit(text, start..<lastFit, into: &result) }
    }

    private func emit(_ text: [UInt16], _ range: Range<Int>, into result: inout [Passage]) {
        let trimmed = Self.trim(text, range)
        if !trimmed.isEmpty { result.append(Passage(range: trimmed, ordinal: result.count)) }
    }

    /// Where to cut a run with no sentence boundary: after the last space in the window's second
    /// half, else at the window's end (never between the halves of a surrogate pair).
    private func hardCut(_ text: [UInt16], _ start: Int, _ end: Int) -> Int {
        var k = end
        while k > start + limit / 2 {
            if Self.isSpace(text[k - 1]) && !Self.splitsCharacter(text, at: k) { return k }
            k -= 1
        }
        var cut = end
        while cut > start + 1 && Self.splitsCharacter(text, at: cut) { cut -= 1 }
        return cut
    }

    /// Whether cutting before `k` would split a character the reader sees as one: `k` stands on the
    /// second half of a surrogate pair, on a mark that belongs to the character before it (a
    /// combining accent written apart, `cafe\u{301}`; a half-width voiced mark, `ﾊﾞ`; a variation
    /// selector; an emoji modifier), or next to a zero-width joiner.
    static func splitsCharacter(_ text: [UInt16], at k: Int) -> Bool {
        guard k > 0, k < text.count else { return false }
        let unit = text[k]
        if UTF16.isTrailSurrogate(unit) || unit == 0x200D || text[k - 1] == 0x200D { return true }
        var value = UInt32(unit)
        if UTF16.isLeadSurrogate(unit), k + 1 < text.count, UTF16.isTrailSurrogate(text[k + 1]) {
            value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(text[k + 1]) - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(value) else { return false }
        return scalar.properties.isGraphemeExtend || scalar.properties.isEmojiModifier
    }

    static func trim(_ text: [UInt16], _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && isSpace(text[lower]) { lower += 1 }
        while upper > lower && isSpace(text[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// White space, including the ideographic space and line breaks.
    static func isSpace(_ unit: UInt16) -> Bool {
        unit == 0x20 || unit == 0x09 || unit == 0x0A || unit == 0x0D || unit == 0x0C || unit == 0x0B
            || unit == 0x3000 || unit == 0xA0 || unit == 0xFEFF || (unit >= 0x2000 && unit <= 0x200B)
    }
}
