import ICUFacade

/// Text after NFKC with case folding (ICU's `nfkc_cf`), with a map back to the original.
///
/// `ＧＧＥ` becomes `gge`, `２０１５` becomes `2015`, `ﾃﾞｭｰﾃﾞﾘｼﾞｪﾝｽ` becomes `デューデリジェンス`.
/// Normalization changes lengths (`ﾃﾞ` → `デ`, `㍻` → `平成`), so every normalized code unit
/// remembers where it came from and ``originalRange(of:)`` turns a range of normalized text into
/// the range of original text that produced it. All offsets are UTF-16 code unit offsets.
struct NormalizedText {
    /// The normalized text as UTF-16 code units.
    let units: [UInt16]
    /// `origin[k]`: the original offset where the chunk that produced `units[k]` starts;
    /// `origin[units.count]` is the original length.
    let origin: [Int32]

    /// Normalizes `original` (UTF-16 code units).
    init(normalizing original: UnsafeBufferPointer<UInt16>) throws(ICUError) {
        guard let source = original.baseAddress, original.count > 0 else {
            units = []
            origin = [0]
            return
        }
        var capacity = original.count + original.count / 4 + 16
        while true {
            var map = [Int32](repeating: 0, count: capacity + 1)
            var error: Int32 = 0
            var length: Int32 = 0
            let output = [UInt16](unsafeUninitializedCapacity: capacity) { buffer, count in
                count = 0
                guard let destination = buffer.baseAddress else { return }
                length = map.withUnsafeMutableBufferPointer { mapBuffer in
                    hashi_nfkc_casefold_mapped(source, Int32(original.count), destination, Int32(capacity),
                                               mapBuffer.baseAddress, &error)
                }
                if error <= 0 { count = Int(length) }
            }
            if error == HASHI_ICU_BUFFER_OVERFLOW {
                capacity = Int(length) + 16
                continue
            }
            try ICUError.check(error, "normalizing text (nfkc_cf)")
            map.removeLast(map.count - output.count - 1)
            units = output
            origin = map
            return
        }
    }

    /// The original range (UTF-16 offsets) that produced the normalized range `start..<end`.
    ///
    /// A range that ends inside an expansion (the `平` of `㍻` → `平成`) is widened to the whole
    /// original chunk, since no smaller original range produced it.
    func originalRange(start: Int, end: Int) -> Range<Int> {
        let originalStart = Int(origin[start])
        guard end > start else { return originalStart..<originalStart }
        let chunkOfLast = origin[end - 1]
        var k = end
        while k < units.count && origin[k] == chunkOfLast { k += 1 }
        return originalStart..<Int(origin[k])
    }
}
