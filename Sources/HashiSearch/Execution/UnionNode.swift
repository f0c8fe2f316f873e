/// Passages matched by any child: a k-way union over a min-heap of the children by passage, so
/// a step costs O(log k) for each child that moves instead of visiting every child, and the
/// children standing on the current passage are found without looking at the others.
///
/// The children must be advanced only through this node (the heap orders them by their passage).
final class UnionNode: MatchNode {
    let children: [MatchNode]
    let cost: Int
    let isExact: Bool
    /// Whether some children, but not all, are exact (``MatchNode/isExact``): then an exact child
    /// standing on a passage is looked for before any other is verified.
    private let mixesExact: Bool
    /// Each child's ``MatchNode/isExact``.
    private let exact: FixedBuffer<Bool>
    private(set) var passage: UInt32 = 0
    /// The children without reference counting (`children` owns them).
    private let refs: FixedBuffer<NodeRef>
    /// The children not yet exhausted with their passages, as a binary min-heap by passage (built
    /// on the first advance). Keeping the passage here spares touching a child to compare it.
    @exclusivity(unchecked) private var heap: [HeapEntry] = []
    private var started = false
    private var checkedPassage = exhausted
    private var checkedResult = false

    private struct HeapEntry {
        var passage: UInt32
        var child: Int
    }

    init(_ children: [MatchNode]) {
        self.children = children
        refs = FixedBuffer(children.map(NodeRef.init))
        cost = children.reduce(0) { $0 + $1.cost }
        exact = FixedBuffer(children.map(\.isExact))
        isExact = children.allSatisfy(\.isExact)
        mixesExact = !isExact && children.contains(where: \.isExact)
        passage = children.isEmpty || cost == 0 ? exhausted : 0
    }

    deinit {
        refs.free()
        exact.free()
    }

    func advance(to target: UInt32) -> UInt32 {
        if passage == exhausted { return exhausted }
        if !started {
            started = true
            heap.reserveCapacity(refs.count)
            for k in 0..<refs.count {
                let p = refs[k].node.advance(to: target)
                if p != exhausted { heap.append(HeapEntry(passage: p, child: k)) }
            }
            var k = heap.count / 2
            while k > 0 {
                k -= 1
                siftDown(k)
            }
        } else {
            while !heap.isEmpty && heap[0].passage < target {
                let p = refs[heap[0].child].node.advance(to: target)
                if p == exhausted {
                    let last = heap.removeLast()
                    if !heap.isEmpty {
                        heap[0] = last
                        siftDown(0)
                    }
                } else {
                    heap[0].passage = p
                    siftDown(0)
                }
            }
        }
        passage = heap.isEmpty ? exhausted : heap[0].passage
        return passage
    }

    /// Whether any child standing on the current passage verifies.
    func matches() -> Bool {
        if passage == exhausted { return false }
        if checkedPassage == passage { return checkedResult }
        checkedPassage = passage
        // A standing child that needs no verification settles it without decoding any positions.
        checkedResult = isExact || (mixesExact && anyExact(from: 0)) || anyMatches(from: 0)
        return checkedResult
    }

    /// Appends to `indices` the indices (into ``children``) of the children that stand on the
    /// current passage and verify there, in ascending order.
    func matchingChildren(into indices: inout [Int]) {
        indices.removeAll(keepingCapacity: true)
        guard passage != exhausted else { return }
        collect(from: 0, into: &indices)
        indices.sort()
    }

    /// Writes to `out` the indices (into ``children``) of the children standing on the current
    /// passage, unverified and in heap order, and returns how many: a breadth-first walk of the
    /// heap's subtree of entries on the passage (`out` needs room for every child).
    func standingChildren(into out: UnsafeMutablePointer<Int>) -> Int {
        guard passage != exhausted else { return 0 }
        return heap.withUnsafeBufferPointer { entries -> Int in
            guard let first = entries.first, first.passage == passage else { return 0 }
            out[0] = 0
            var count = 1
            var next = 0
            while next < count {
                let left = 2 * out[next] + 1
                next += 1
                if left < entries.count && entries[left].passage == passage {
                    out[count] = left
                    count += 1
                }
                if left + 1 < entries.count && entries[left + 1].passage == passage {
                    out[count] = left + 1
                    count += 1
                }
            }
            for k in 0..<count { out[k] = entries[out[k]].child }
            return count
        }
    }

    /// The children standing on the current passage form a subtree at the heap's root; only
    /// those are visited.
    private func anyMatches(from k: Int) -> Bool {
        guard k < heap.count, heap[k].passage == passage else { return false }
        return refs[heap[k].child].node.matches() || anyMatches(from: 2 * k + 1) || anyMatches(from: 2 * k + 2)
    }

    /// Whether an exact child stands on the current passage (the heap's subtree of entries there).
    private func anyExact(from k: Int) -> Bool {
        guard k < heap.count, heap[k].passage == passage else { return false }
        return exact[heap[k].child] || anyExact(from: 2 * k + 1) || anyExact(from: 2 * k + 2)
    }

    private func collect(from k: Int, into indices: inout [Int]) {
        guard k < heap.count, heap[k].passage == passage else { return }
        if refs[heap[k].child].node.matches() { indices.append(heap[k].child) }
        collect(from: 2 * k + 1, into: &indices)
        collect(from: 2 * k + 2, into: &indices)
    }

    private func siftDown(_ start: Int) {
        var k = start
        let count = heap.count
        let item = heap[k]
        while true {
            let left = 2 * k + 1
            guard left < count else { break }
            var child = left
            if left + 1 < count && heap[left + 1].passage < heap[left].passage { child = left + 1 }
            if heap[child].passage >= item.passage { break }
            heap[k] = heap[child]
            k = child
        }
        heap[k] = item
    }
}

/// A match node referenced without retaining it, for the inner loops of the match tree (the
/// tree's `children` arrays own the nodes and outlive every use).
struct NodeRef {
    unowned(unsafe) let node: any MatchNode

    init(_ node: any MatchNode) { self.node = node }
}

/// A term node referenced without retaining it (its slot's `terms` own it).
struct TermRef {
    private let reference: Unmanaged<TermNode>

    init(_ node: TermNode) { reference = .passUnretained(node) }

    /// The term node, borrowed for the call (no retain/release pair around it).
    @inline(__always)
    var node: TermNode { reference._withUnsafeGuaranteedRef { $0 } }
}
