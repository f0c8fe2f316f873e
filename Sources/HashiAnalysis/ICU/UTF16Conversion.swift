import ICUFacade

/// Fast conversions between Swift strings and UTF-16 buffers through ICU (several times faster than
/// the standard library's transcoding for long texts).
public enum UTF16Conversion {
    /// The UTF-16 code units of `text`.
    public static func codeUnits(of text: String) -> [UInt16] {
        var text = text
        let result: [UInt16]? = text.withUTF8 { bytes -> [UInt16]? in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return [] }
            return try? withGrowingBuffer(of: UInt16.self, initialCapacity: bytes.count + 1,
                                          operation: "converting UTF-8 to UTF-16") { out, capacity, error in
                hashi_utf8_to_utf16(base, Int32(bytes.count), out, capacity, &error)
            }
        }
        // Swift strings are always valid Unicode, so ICU cannot fail here short of running out of memory.
        return result ?? Array(text.utf16)
    }

    /// A string made of the UTF-16 code units `units` (which must come from valid text).
    public static func string(from units: UnsafeBufferPointer<UInt16>) -> String {
        guard let base = units.baseAddress, units.count > 0 else { return "" }
        if let bytes = try? withGrowingBuffer(of: UInt8.self, initialCapacity: units.count * 3 + 1,
                                              operation: "converting UTF-16 to UTF-8", { out, capacity, error in
            hashi_utf16_to_utf8(base, Int32(units.count), out, capacity, &error)
        }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(decoding: units, as: UTF16.self)
    }
}
