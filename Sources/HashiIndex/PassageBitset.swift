/// Deleted passages of a segment as a bitset, derived from its deleted documents when it is opened:
/// what search checks for every match.
public struct PassageBitset: Sendable {
    @usableFromInline let words: [UInt64]
    /// Number of passages in the set.
    public let count: Int

    /// The set of `passages` (ids below `passageCount`).
    init(passageCount: Int, ranges: [Range<Int>]) {
        var words = [UInt64](repeating: 0, count: (passageCount + 63) / 64)
        var count = 0
        for range in ranges {
            for p in range.clamped(to: 0..<passageCount) {
                words[p >> 6] |= 1 << UInt64(p & 63)
                count += 1
            }
        }
        self.words = words
        self.count = count
    }

    /// Whether passage `id` is in the set.
    @inlinable
    public func contains(_ id: UInt32) -> Bool {
        let w = Int(id >> 6)
        return w < words.count && words[w] & (1 << UInt64(id & 63)) != 0
    }
}
