/// A scored passage: its index-wide id, ranking group and score.
struct ScoredID: Sendable {
    var id: UInt32
    var score: Double
    /// 0 for direct matches; higher for passages matched only through background dictionaries.
    var group: UInt8 = 0
    /// The proximity boost, when computed as the passage entered the pool (1: none).
    var proximity: Double = 1

    /// Lower ranking group first, then higher score; ties by lower id, so results are deterministic.
    static func ranksBefore(_ a: ScoredID, _ b: ScoredID) -> Bool {
        if a.group != b.group { return a.group < b.group }
        return a.score != b.score ? a.score > b.score : a.id < b.id
    }
}

/// The best `k` of a stream of scored passages, kept in a binary heap whose root is the worst kept.
struct TopK {
    let k: Int
    private(set) var heap: [ScoredID] = []

    init(_ k: Int) {
        self.k = k
        heap.reserveCapacity(min(k, 1024))
    }

    /// Whether `item` would be kept if inserted now.
    func accepts(_ item: ScoredID) -> Bool {
        guard k > 0 else { return false }
        guard heap.count >= k, let worst = heap.first else { return true }
        return ScoredID.ranksBefore(item, worst)
    }

    /// The worst item kept once the pool is full (what a newcomer must beat), else nil.
    var worstWhenFull: ScoredID? { k > 0 && heap.count >= k ? heap.first : nil }

    mutating func insert(_ item: ScoredID) {
        guard k > 0 else { return }
        if heap.count < k {
            heap.append(item)
            siftUp(heap.count - 1)
        } else if let worst = heap.first, ScoredID.ranksBefore(item, worst) {
            heap[0] = item
            siftDown(0)
        }
    }

    /// The kept items, best first.
    func sorted() -> [ScoredID] { heap.sorted(by: ScoredID.ranksBefore) }

    // The heap orders by "ranks after": the root is the item every other ranks before.
    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard ScoredID.ranksBefore(heap[parent], heap[child]) else { return }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var worst = parent
            if left < heap.count && ScoredID.ranksBefore(heap[worst], heap[left]) { worst = left }
            if right < heap.count && ScoredID.ranksBefore(heap[worst], heap[right]) { worst = right }
            if worst == parent { return }
            heap.swapAt(parent, worst)
            parent = worst
        }
    }
}
