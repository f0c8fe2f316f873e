import HashiIndex

/// A node of the match tree over one segment, iterated in two phases (as Lucene's two-phase
/// iterators): `advance(to:)` moves to the next passage where the node *may* match, judged on
/// passage ids alone (cheap: postings intersections and unions); ``matches()`` then verifies that
/// passage (phrase and bigram-chain positions), once, and only where the caller needs to know.
///
/// `advance(to:)` never moves backwards; ``exhausted`` marks the end. After ``matches()`` returned
/// true on a passage, ``SequenceNode/frequency`` and the positions describe the match there.
protocol MatchNode: AnyObject {
    /// The current passage, or ``exhausted``.
    var passage: UInt32 { get }
    /// Moves to the first passage ≥ `target` where the node may match, and returns it (or
    /// ``exhausted``). Every passage where the node matches is such a candidate.
    func advance(to target: UInt32) -> UInt32
    /// Whether the node really matches at its current passage (verified once per passage).
    func matches() -> Bool
    /// An upper bound of the passages this node matches (to order intersections cheapest first).
    var cost: Int { get }
    /// Whether the node matches wherever it stands (no positions to verify): a union then need
    /// not verify its other children there.
    var isExact: Bool { get }
}

extension MatchNode {
    /// Whether the node stands on `p` and really matches there.
    @inline(__always)
    func matches(at p: UInt32) -> Bool { passage == p && p != exhausted && matches() }

    /// Moves to the first passage ≥ `target` where the node really matches, and returns it (or
    /// ``exhausted``).
    func nextMatch(from target: UInt32) -> UInt32 {
        var p = advance(to: target)
        while p != exhausted && !matches() {
            if p == exhausted - 1 { return exhausted }
            p = advance(to: p + 1)
        }
        return p
    }
}

/// The end of iteration.
let exhausted: UInt32 = PostingsCursor.exhausted

/// The first passage ≥ `target` on which all `count` nodes stand, moving them there, or
/// ``exhausted``: `advance(k, p)` moves the k-th node (in order of rarity) to its first passage ≥ p;
/// the cheapest node, 0, leads and the others skip ahead to it.
@inline(__always)
func firstCommonPassage(count: Int, from target: UInt32, advance: (Int, UInt32) -> UInt32) -> UInt32 {
    var candidate = advance(0, target)
    var agreed = false
    while !agreed {
        if candidate == exhausted { return exhausted }
        agreed = true
        for k in 1..<count {
            let p = advance(k, candidate)
            if p != candidate {
                candidate = advance(0, p)
                agreed = false
                break
            }
        }
    }
    return candidate
}

/// Union: advances every one of `count` nodes (`advance(k)`) and returns the lowest passage any
/// stands on, or ``exhausted``.
@inline(__always)
func lowestPassage(count: Int, advance: (Int) -> UInt32) -> UInt32 {
    var lowest = exhausted
    for k in 0..<count {
        let p = advance(k)
        if p < lowest { lowest = p }
    }
    return lowest
}

/// One term's postings.
final class TermNode: MatchNode {
    @exclusivity(unchecked) private var cursor: PostingsCursor
    let cost: Int
    var isExact: Bool { true }
    private(set) var passage: UInt32 = 0
    private var started = false

    init(_ cursor: PostingsCursor) {
        self.cursor = cursor
        cost = Int(cursor.docFrequency)
        passage = cost == 0 ? exhausted : 0
    }

    func advance(to target: UInt32) -> UInt32 {
        if passage == exhausted { return exhausted }
        if started && passage >= target { return passage }
        started = true
        passage = cursor.advance(to: target) ?? exhausted
        return passage
    }

    func matches() -> Bool { true }

    var frequency: UInt32 { cursor.frequency }

    func positions(into buffer: inout [UInt32]) { cursor.positions(into: &buffer) }

    /// Appends the positions in the current passage to `list`.
    @inline(__always)
    func appendPositions(to list: PositionList) {
        let f = Int(cursor.frequency)
        list.reserve(f)
        list.count += cursor.positions(writingTo: list.base + list.count)
    }
}

/// A slot: the union of its alternatives' postings; positions are the merged positions.
final class SlotNode: MatchNode {
    let terms: [TermNode]
    let cost: Int
    var isExact: Bool { true }
    private(set) var passage: UInt32 = 0

    /// The terms without reference counting (`terms` owns them).
    private let refs: FixedBuffer<TermRef>

    init(_ terms: [TermNode]) {
        self.terms = terms
        refs = FixedBuffer(terms.map(TermRef.init))
        cost = terms.reduce(0) { $0 + $1.cost }
        passage = terms.isEmpty || cost == 0 ? exhausted : 0
    }

    deinit { refs.free() }

    func advance(to target: UInt32) -> UInt32 {
        if passage == exhausted { return exhausted }
        if refs.count == 1 {
            passage = refs[0].node.advance(to: target)
            return passage
        }
        passage = lowestPassage(count: refs.count) { refs[$0].node.advance(to: target) }
        return passage
    }

    func matches() -> Bool { true }

    /// Occurrences of the slot in the current passage: those of its most frequent alternative (a
    /// word and its stem stand at the same positions; summing them would count a word twice).
    var frequency: UInt32 {
        var best: UInt32 = 0
        for k in 0..<refs.count where refs[k].node.passage == passage { best = max(best, refs[k].node.frequency) }
        return best
    }

    /// The occurrences of all alternatives standing on the current passage, summed: at least as
    /// many as the slot's merged positions there (an upper bound for pruning).
    var frequencySum: UInt32 {
        var sum: UInt32 = 0
        for k in 0..<refs.count where refs[k].node.passage == passage { sum &+= refs[k].node.frequency }
        return sum
    }

    /// The sorted positions of the alternatives in the current passage.
    func positions(into buffer: inout [UInt32]) {
        let list = PositionList()
        positions(into: list)
        buffer = list.array
    }

    /// Replaces `list`'s contents with the sorted positions of the alternatives in the current passage.
    func positions(into list: PositionList) {
        list.count = 0
        var contributing = 0
        for k in 0..<refs.count where refs[k].node.passage == passage {
            refs[k].node.appendPositions(to: list)
            contributing += 1
        }
        if contributing > 1 { list.sort() }
    }
}

/// Slots at fixed relative offsets: a single term, or a phrase whose terms must be adjacent.
/// The approximation is the intersection of the slots' passages; ``matches()`` checks positions.
final class SequenceNode: MatchNode {
    let slots: [SlotNode]
    let offsets: [Int]
    let cost: Int
    /// One slot: its postings say where it occurs (a phrase's positions must be verified).
    let isExact: Bool
    private(set) var passage: UInt32 = 0
    /// Phrase occurrences in the current passage (valid once ``matches()`` said true).
    private(set) var frequency: UInt32 = 0
    /// Positions (in the sequence's field) where the occurrences start.
    private let matchStarts = PositionList()
    private let slotPositions: [PositionList]
    /// Slots in order of rarity, for intersection.
    private let order: [Int]
    /// The passage last verified, and the verdict.
    private var checkedPassage = exhausted
    private var checkedResult = false

    /// The slots without reference counting (`slots` owns them), and their positions' buffers.
    private let slotRefs: FixedBuffer<SlotRef>
    /// Slot indices in order of rarity.
    private let rarity: FixedBuffer<Int>
    /// `slotPositions` and `offsets` for the position check's loops.
    private let positionLists: FixedBuffer<ListRef>
    private let fixedOffsets: FixedBuffer<Int>

    init(slots: [SlotNode], offsets: [Int]) {
        self.slots = slots
        slotRefs = FixedBuffer(slots.map(SlotRef.init))
        self.offsets = offsets
        isExact = slots.count == 1
        cost = slots.map(\.cost).min() ?? 0
        slotPositions = slots.map { _ in PositionList() }
        order = slots.indices.sorted { slots[$0].cost < slots[$1].cost }
        rarity = FixedBuffer(order)
        positionLists = FixedBuffer(slotPositions.map(ListRef.init))
        fixedOffsets = FixedBuffer(offsets)
        passage = slots.isEmpty || cost == 0 ? exhausted : 0
    }

    deinit {
        slotRefs.free()
        rarity.free()
        positionLists.free()
        fixedOffsets.free()
    }

    func advance(to target: UInt32) -> UInt32 {
        if passage == exhausted { return exhausted }
        if slotRefs.count == 1 {
            passage = slotRefs[0].node.advance(to: target)
        } else {
            let refs = slotRefs, rarity = rarity
            passage = firstCommonPassage(count: refs.count, from: target) { refs[rarity[$0]].node.advance(to: $1) }
        }
        return passage
    }

    func matches() -> Bool {
        if passage == exhausted { return false }
        if checkedPassage == passage { return checkedResult }
        checkedPassage = passage
        checkedResult = checkPositions()
        return checkedResult
    }

    /// Counts the occurrences where every slot stands at its offset from the first.
    private func checkPositions() -> Bool {
        if slotRefs.count == 1 {
            frequency = slotRefs[0].node.frequency
            return frequency > 0
        }
        let lists = positionLists, offsets = fixedOffsets, rarity = rarity, count = slotRefs.count
        // Rarest slot first: when it has no positions (damage), nothing else is decoded.
        for r in 0..<count {
            let k = rarity[r]
            let list = lists[k].node
            slotRefs[k].node.positions(into: list)
            if list.count == 0 {
                frequency = 0
                matchStarts.count = 0
                return false
            }
        }
        matchStarts.count = 0
        let first = lists[0].node.buffer
        matchStarts.reserve(first.count)
        let base0 = offsets[0]
        // One cursor per slot, advanced monotonically.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { cursors in
            cursors.initialize(repeating: 0)
            for start in first {
                let base = Int(start) - base0
                var all = true
                for k in 1..<count {
                    let want = base + offsets[k]
                    let list = lists[k].node.buffer
                    var c = cursors[k]
                    while c < list.count && Int(list[c]) < want { c += 1 }
                    cursors[k] = c
                    if c >= list.count || Int(list[c]) != want { all = false; break }
                }
                if all { matchStarts.append(UInt32(truncatingIfNeeded: base)) }
            }
        }
        frequency = UInt32(matchStarts.count)
        return frequency > 0
    }

    /// An upper bound of ``frequency`` at the current passage, read from the postings without
    /// verifying positions: a single slot's frequency exactly; for a phrase, the positions of its
    /// first slot (each occurrence starts at one of them).
    var frequencyBound: UInt32 {
        if slotRefs.count == 1 { return slotRefs[0].node.frequency }
        return slotRefs[0].node.frequencySum
    }

    /// Where the occurrences start, in the current passage (single terms: their positions).
    func occurrenceStarts() -> [UInt32] {
        if slots.count == 1 {
            var buffer: [UInt32] = []
            slots[0].positions(into: &buffer)
            return buffer
        }
        return matchStarts.array
    }
}

/// Passages matched by every child.
final class ConjunctionNode: MatchNode {
    let children: [MatchNode]
    let cost: Int
    let isExact: Bool
    private(set) var passage: UInt32 = 0
    private let order: [Int]
    private var checkedPassage = exhausted
    private var checkedResult = false

    /// The children without reference counting (`children` owns them), and their indices in
    /// order of rarity.
    private let refs: FixedBuffer<NodeRef>
    private let rarity: FixedBuffer<Int>

    init(_ children: [MatchNode]) {
        self.children = children
        refs = FixedBuffer(children.map(NodeRef.init))
        cost = children.map(\.cost).min() ?? 0
        isExact = children.allSatisfy(\.isExact)
        order = children.indices.sorted { children[$0].cost < children[$1].cost }
        rarity = FixedBuffer(order)
        passage = children.isEmpty || cost == 0 ? exhausted : 0
    }

    deinit {
        refs.free()
        rarity.free()
    }

    func advance(to target: UInt32) -> UInt32 {
        if passage == exhausted { return exhausted }
        let refs = refs, rarity = rarity
        passage = firstCommonPassage(count: refs.count, from: target) { refs[rarity[$0]].node.advance(to: $1) }
        return passage
    }

    /// Every child verified, rarest first.
    func matches() -> Bool {
        if passage == exhausted { return false }
        if checkedPassage == passage { return checkedResult }
        checkedPassage = passage
        var all = true
        for k in 0..<refs.count where !refs[rarity[k]].node.matches() {
            all = false
            break
        }
        checkedResult = all
        return checkedResult
    }
}

/// A slot referenced without retaining it (its sequence's `slots` own it).
struct SlotRef {
    private let reference: Unmanaged<SlotNode>

    init(_ node: SlotNode) { reference = .passUnretained(node) }

    /// The slot, borrowed for the call (no retain/release pair around it).
    @inline(__always)
    var node: SlotNode { reference._withUnsafeGuaranteedRef { $0 } }
}

/// A sequence referenced without retaining it (its atom's `segments` or `boosts` own it).
struct SequenceRef {
    private let reference: Unmanaged<SequenceNode>

    init(_ node: SequenceNode) { reference = .passUnretained(node) }

    /// The sequence, borrowed for the call (no retain/release pair around it).
    @inline(__always)
    var node: SequenceNode { reference._withUnsafeGuaranteedRef { $0 } }
}

/// A position list referenced without retaining it (its sequence's `slotPositions` own it).
struct ListRef {
    private let reference: Unmanaged<PositionList>

    init(_ list: PositionList) { reference = .passUnretained(list) }

    @inline(__always)
    var node: PositionList { reference._withUnsafeGuaranteedRef { $0 } }
}
