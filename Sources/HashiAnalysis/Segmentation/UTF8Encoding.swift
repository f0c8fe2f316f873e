/// Encodes slices of a UTF-16 buffer straight to UTF-8 — per token this is far cheaper than
/// transcoding through `String(decoding:as: UTF16.self)`.
enum UTF8Encoding {
    /// Writes `text[range]` as UTF-8 into `output` (which needs `3 * range.count` bytes) and returns
    /// the number of bytes written. Units in `skipping` are left out. An unpaired surrogate is
    /// written as its 3-byte pattern (not valid UTF-8) and clears `valid`.
    @inline(__always)
    static func encode(_ text: UnsafeBufferPointer<UInt16>, _ range: Range<Int>,
                       into output: UnsafeMutableBufferPointer<UInt8>, valid: inout Bool,
                       skipping skip: (UInt16) -> Bool = { _ in false }) -> Int {
        var n = 0
        var k = range.lowerBound
        while k < range.upperBound {
            let unit = UInt32(text[k])
            if unit < 0x80 {
                output[n] = UInt8(unit)
                n += 1
            } else if skip(UInt16(unit)) {
                // left out
            } else if unit < 0x800 {
                output[n] = UInt8(0xC0 | (unit >> 6))
                output[n + 1] = UInt8(0x80 | (unit & 0x3F))
                n += 2
            } else if UTF16.isLeadSurrogate(UInt16(unit)) && k + 1 < range.upperBound
                        && UTF16.isTrailSurrogate(text[k + 1]) {
                let scalar = 0x10000 + ((unit - 0xD800) << 10) + (UInt32(text[k + 1]) - 0xDC00)
                output[n] = UInt8(0xF0 | (scalar >> 18))
                output[n + 1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
                output[n + 2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
                output[n + 3] = UInt8(0x80 | (scalar & 0x3F))
                n += 4
                k += 1
            } else {
                if unit & 0xF800 == 0xD800 { valid = false }
                output[n] = UInt8(0xE0 | (unit >> 12))
                output[n + 1] = UInt8(0x80 | ((unit >> 6) & 0x3F))
                output[n + 2] = UInt8(0x80 | (unit & 0x3F))
                n += 3
            }
            k += 1
        }
        return n
    }

    /// ``encode(_:_:into:valid:skipping:)`` for callers that need not know about unpaired surrogates.
    @inline(__always)
    static func encode(_ text: UnsafeBufferPointer<UInt16>, _ range: Range<Int>,
                       into output: UnsafeMutableBufferPointer<UInt8>,
                       skipping skip: (UInt16) -> Bool = { _ in false }) -> Int {
        var valid = true
        return encode(text, range, into: output, valid: &valid, skipping: skip)
    }

    /// Calls `body` with `bytes` when they are valid UTF-8, else with the UTF-8 of the string
    /// `String(decoding:as:)` makes of them (unpaired surrogates repaired as the standard library
    /// does), so bytes handed on are always those of the token's string.
    @inline(__always)
    static func withValid<R>(_ bytes: UnsafeRawBufferPointer, valid: Bool, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if valid { return body(bytes) }
        var repaired = String(decoding: bytes, as: UTF8.self)
        return repaired.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    /// Calls `body` with the UTF-8 of `text[range]` (units in `skipping` left out), valid during the
    /// call only: the bytes of the string ``string(_:_:transform:skipping:)`` would make.
    @inline(__always)
    static func withBytes<R>(_ text: UnsafeBufferPointer<UInt16>, _ range: Range<Int>,
                             skipping skip: (UInt16) -> Bool = { _ in false },
                             _ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(range.count * 3, 1)) { buffer in
            var valid = true
            let length = encode(text, range, into: buffer, valid: &valid, skipping: skip)
            return withValid(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[0..<length])), valid: valid, body)
        }
    }

    /// A string of `text[range]`, transformed in place by `transform` (which gets the UTF-8 bytes and
    /// returns their new length, never longer).
    @inline(__always)
    static func string(_ text: UnsafeBufferPointer<UInt16>, _ range: Range<Int>,
                       transform: (UnsafeMutableBufferPointer<UInt8>, Int) -> Int = { $1 },
                       skipping skip: (UInt16) -> Bool = { _ in false }) -> String {
        // Encode on the stack, then make the string: terms of up to 15 bytes become small strings
        // that need no heap allocation at all.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(range.count * 3, 1)) { buffer in
            let length = transform(buffer, encode(text, range, into: buffer, skipping: skip))
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<length]), as: UTF8.self)
        }
    }
}
