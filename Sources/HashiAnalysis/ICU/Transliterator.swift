import ICUFacade

/// An ICU transliterator such as `Katakana-Latin`. Not thread-safe: one per thread.
public final class Transliterator {
    private let handle: OpaquePointer
    /// The ICU transliterator id this was opened with.
    public let identifier: String

    /// Opens ICU's transliterator `identifier` (e.g. `"Katakana-Latin"`).
    /// - Throws: ``ICUError`` when ICU does not know the id.
    public init(_ identifier: String) throws(ICUError) {
        var error: Int32 = 0
        let id = Array(identifier.utf16)
        let raw = id.withUnsafeBufferPointer { hashi_transliterator_open($0.baseAddress, Int32($0.count), &error) }
        try ICUError.check(error, "opening the transliterator \(identifier)")
        guard let raw else { throw ICUError(code: 1, operation: "opening the transliterator \(identifier)") }
        handle = raw
        self.identifier = identifier
    }

    deinit { hashi_transliterator_close(handle) }

    /// `text` transliterated.
    public func transliterate(_ text: String) throws(ICUError) -> String {
        let source = UTF16Conversion.codeUnits(of: text)
        var capacity = source.count * 4 + 16
        while true {
            var buffer = source + [UInt16](repeating: 0, count: capacity - source.count)
            var error: Int32 = 0
            let length = buffer.withUnsafeMutableBufferPointer {
                hashi_transliterate(handle, $0.baseAddress, Int32(source.count), Int32(capacity), &error)
            }
            if error == HASHI_ICU_BUFFER_OVERFLOW {
                capacity = max(Int(length) + 16, capacity * 2)
                continue
            }
            try ICUError.check(error, "transliterating with \(identifier)")
            return buffer.withUnsafeBufferPointer { UTF16Conversion.string(from: UnsafeBufferPointer(rebasing: $0[0..<Int(length)])) }
        }
    }
}
