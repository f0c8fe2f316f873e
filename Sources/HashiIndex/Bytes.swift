#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Little-endian append helpers for building file images in memory.
extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendLE(_ v: UInt32) {
        append(UInt8(truncatingIfNeeded: v))
        append(UInt8(truncatingIfNeeded: v >> 8))
        append(UInt8(truncatingIfNeeded: v >> 16))
        append(UInt8(truncatingIfNeeded: v >> 24))
    }

    @inline(__always)
    mutating func appendLE(_ v: UInt64) {
        appendLE(UInt32(truncatingIfNeeded: v))
        appendLE(UInt32(truncatingIfNeeded: v >> 32))
    }

    @inline(__always)
    mutating func appendVarint(_ v: UInt64) {
        Varint.append(v, to: &self)
    }

    @inline(__always)
    mutating func appendVarint(_ v: UInt32) {
        Varint.append(UInt64(v), to: &self)
    }

    /// Overwrites 4 bytes at `offset` (which must already exist).
    mutating func setLE(_ v: UInt32, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: v)
        self[offset + 1] = UInt8(truncatingIfNeeded: v >> 8)
        self[offset + 2] = UInt8(truncatingIfNeeded: v >> 16)
        self[offset + 3] = UInt8(truncatingIfNeeded: v >> 24)
    }

    /// Overwrites 8 bytes at `offset` (which must already exist).
    mutating func setLE(_ v: UInt64, at offset: Int) {
        setLE(UInt32(truncatingIfNeeded: v), at: offset)
        setLE(UInt32(truncatingIfNeeded: v >> 32), at: offset + 4)
    }
}

/// Bounds-checked little-endian reads over a read-only byte region (usually a
/// memory-mapped file). Every accessor returns nil instead of reading out of
/// bounds.
struct ByteView {
    let bytes: UnsafeRawBufferPointer

    var count: Int { bytes.count }

    @inline(__always)
    func u8(_ offset: Int) -> UInt8? {
        guard offset >= 0, offset < bytes.count else { return nil }
        return bytes[offset]
    }

    @inline(__always)
    func u32(_ offset: Int) -> UInt32? {
        guard offset >= 0, offset <= bytes.count - 4, let base = bytes.baseAddress else { return nil }
        return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    func u64(_ offset: Int) -> UInt64? {
        guard offset >= 0, offset <= bytes.count - 8, let base = bytes.baseAddress else { return nil }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Reads a u64 and converts it to Int when it fits.
    @inline(__always)
    func offset64(_ offset: Int) -> Int? {
        guard let v = u64(offset), v <= UInt64(Int.max) else { return nil }
        return Int(v)
    }

    @inline(__always)
    func varint(_ offset: inout Int) -> UInt64? {
        guard offset >= 0 else { return nil }
        return Varint.decode(bytes, at: &offset)
    }

    /// A varint that must fit in UInt32.
    @inline(__always)
    func varint32(_ offset: inout Int) -> UInt32? {
        var o = offset
        guard let v = varint(&o), v <= UInt64(UInt32.max) else { return nil }
        offset = o
        return UInt32(v)
    }

    /// Whether `start..<start+length` lies inside the view.
    @inline(__always)
    func contains(_ start: Int, _ length: Int) -> Bool {
        start >= 0 && length >= 0 && start <= bytes.count && length <= bytes.count - start
    }

    /// Copies out `length` bytes at `start`, or nil when out of bounds.
    func slice(_ start: Int, _ length: Int) -> UnsafeRawBufferPointer? {
        guard contains(start, length), let base = bytes.baseAddress else {
            return contains(start, length) && length == 0 ? UnsafeRawBufferPointer(start: nil, count: 0) : nil
        }
        return UnsafeRawBufferPointer(start: base + start, count: length)
    }
}

/// Lexicographic byte comparison (memcmp order, shorter prefix first).
@inline(__always)
func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let n = Swift.min(a.count, b.count)
    if n > 0, let pa = a.baseAddress, let pb = b.baseAddress {
        let r = memcmp(pa, pb, n)
        if r != 0 { return r < 0 ? -1 : 1 }
    }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}

func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
    a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in compareBytes(pa, pb) } }
}
