/// Unsigned LEB128 variable-length integers, as used throughout the index
/// files: 7 bits per byte, least significant group first, high bit set on every
/// byte except the last. A `UInt64` takes 1–10 bytes.
public enum Varint {
    /// Appends the LEB128 encoding of `value` to `buffer`.
    @inlinable
    public static func append(_ value: UInt64, to buffer: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        buffer.append(UInt8(truncatingIfNeeded: v))
    }

    /// The number of bytes `value` takes when encoded.
    @inlinable
    public static func encodedLength(_ value: UInt64) -> Int {
        var v = value
        var n = 1
        while v >= 0x80 { v >>= 7; n += 1 }
        return n
    }

    /// Decodes one varint from `bytes` starting at `offset`, advancing `offset`
    /// past it. Returns nil (leaving `offset` unchanged) when the encoding runs
    /// past the end of `bytes`, is longer than 10 bytes, or overflows 64 bits.
    @inlinable
    public static func decode(_ bytes: UnsafeRawBufferPointer, at offset: inout Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var i = offset
        let end = bytes.count
        while i < end {
            let b = bytes[i]
            i += 1
            if shift == 63 && b > 1 { return nil }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 {
                offset = i
                return result
            }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }

    /// Decodes one varint from an array (convenience for tests and small data).
    public static func decode(_ bytes: [UInt8], at offset: inout Int) -> UInt64? {
        bytes.withUnsafeBytes { decode($0, at: &offset) }
    }
}
