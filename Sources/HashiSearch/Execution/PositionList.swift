/// A growable buffer of positions owned by one match node and reused for every passage, so
/// verifying positions allocates nothing once the buffer has grown to the largest passage.
///
/// A class holding raw memory (not an `Array`): filling it from a node's method needs no
/// exclusivity check or copy-on-write test per element.
final class PositionList {
    private(set) var base: UnsafeMutablePointer<UInt32>
    private(set) var capacity: Int
    /// The number of positions held.
    var count = 0

    init(capacity: Int = 16) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `extra` more positions after ``count``.
    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let larger = UnsafeMutablePointer<UInt32>.allocate(capacity: newCapacity)
        larger.update(from: base, count: count)
        base.deallocate()
        base = larger
        capacity = newCapacity
    }

    /// Appends `value` (room must have been reserved).
    @inline(__always)
    func append(_ value: UInt32) {
        base[count] = value
        count += 1
    }

    /// Sorts the held positions ascending.
    func sort() {
        var all = UnsafeMutableBufferPointer(start: base, count: count)
        all.sort()
    }

    /// The held positions as a buffer (valid until the list changes).
    var buffer: UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(start: base, count: count) }

    /// The held positions copied into an array.
    var array: [UInt32] { Array(buffer) }
}
