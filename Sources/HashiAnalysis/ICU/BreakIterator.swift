import ICUFacade

/// An ICU word or sentence break iterator over a UTF-16 buffer.
///
/// Not thread-safe (ICU's break iterators are not): give each thread its own. The iterator keeps
/// a pointer to the text, so ``segments(of:_:)`` scopes the text's lifetime to the iteration.
final class BreakIterator {
    /// What to find boundaries between.
    enum Kind {
        case word
        case sentence
    }

    private let handle: OpaquePointer

    init(_ kind: Kind, locale: String = "ja") throws(ICUError) {
        var error: Int32 = 0
        let raw = hashi_breaker_open(kind == .word ? Int32(HASHI_BREAK_WORD) : Int32(HASHI_BREAK_SENTENCE),
                                     locale, &error)
        try ICUError.check(error, "opening a \(kind) break iterator")
        guard let raw else { throw ICUError(code: 1, operation: "opening a \(kind) break iterator") }
        handle = raw
    }

    deinit { hashi_breaker_close(handle) }

    /// Calls `body(start, end, ruleStatus)` for every segment of `text`, in order.
    /// Offsets are UTF-16 code unit offsets into `text`.
    func segments(of text: UnsafeBufferPointer<UInt16>,
                  _ body: (_ start: Int, _ end: Int, _ ruleStatus: Int32) -> Void) throws(ICUError) {
        guard let base = text.baseAddress, text.count > 0 else { return }
        var error: Int32 = 0
        hashi_breaker_set_text(handle, base, Int32(text.count), &error)
        try ICUError.check(error, "setting the break iterator's text")
        var start = 0
        var status: Int32 = 0
        while true {
            let boundary = hashi_breaker_next(handle, &status)
            if boundary < 0 { break }
            body(start, Int(boundary), status)
            start = Int(boundary)
        }
        // Drop ICU's pointer to the buffer, which stops being valid when we return.
        hashi_breaker_set_text(handle, base, 0, &error)
    }
}
