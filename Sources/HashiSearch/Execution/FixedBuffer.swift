/// A fixed-size array in raw memory for the match tree's inner loops: reading an element retains
/// nothing (an `Array` stored in a class is retained on every read). Its owner frees it, once,
/// in its `deinit`; the elements must be trivial (integers, unretained references).
struct FixedBuffer<Element> {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(_ elements: [Element]) {
        count = elements.count
        base = .allocate(capacity: max(count, 1))
        if count > 0 {
            elements.withUnsafeBufferPointer { source in
                if let from = source.baseAddress { base.initialize(from: from, count: count) }
            }
        }
    }

    @inline(__always)
    subscript(_ k: Int) -> Element { base[k] }

    /// Releases the memory (call once, from the owner's `deinit`).
    func free() {
        base.deallocate()
    }
}
