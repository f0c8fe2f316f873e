/// Checks a byte stream is UTF-8 a chunk at a time, carrying an unfinished sequence from one chunk
/// to the next. Rejects overlong forms, surrogates and code points above U+10FFFF, as
/// `String(validating:)` does.
struct UTF8Validator {
    /// Continuation bytes the current sequence still needs.
    private var needed = 0
    /// The range the next continuation byte must fall in (narrower than 0x80…0xBF right after some
    /// lead bytes).
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF
    /// The stream offset of the current sequence's lead byte.
    private(set) var sequenceStart = 0

    /// Whether the bytes seen so far end on a sequence boundary.
    var isComplete: Bool { needed == 0 }

    /// Checks `chunk`, whose first byte is at stream offset `base`. Returns nil when it is valid so far,
    /// or the index in `chunk` where the first invalid byte was found and the stream offset of the
    /// sequence it spoils.
    mutating func validate(_ chunk: UnsafeRawBufferPointer, base: Int) -> (index: Int, offset: Int)? {
        var k = 0
        let count = chunk.count
        while k < count {
            let byte = chunk[k]
            if needed > 0 {
                guard byte >= lower && byte <= upper else { return (k, sequenceStart) }
                needed -= 1
                lower = 0x80
                upper = 0xBF
                k += 1
                continue
            }
            if byte < 0x80 {
                k += 1
                // ASCII runs are the common case: skip them eight bytes at a time.
                while k + 8 <= count && chunk.loadUnaligned(fromByteOffset: k, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    k += 8
                }
                continue
            }
            sequenceStart = base + k
            switch byte {
            case 0xC2...0xDF: needed = 1
            case 0xE0: needed = 2; lower = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: needed = 2
            case 0xED: needed = 2; upper = 0x9F
            case 0xF0: needed = 3; lower = 0x90
            case 0xF1...0xF3: needed = 3
            case 0xF4: needed = 3; upper = 0x8F
            default: return (k, sequenceStart)
            }
            k += 1
        }
        return nil
    }
}
