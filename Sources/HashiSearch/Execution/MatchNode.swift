import HashiIndex

/// A node of the match tree over one segment: iterates the passages it matches, in ascending order.
///
/// `advance(to:)` never moves backwards; ``exhausted`` marks the end. After a node stands on a
/// passage, ``frequency`` and ``wordPositions`` describe the match there.
protocol MatchNode: AnyObject {
    /// The current passage, or ``exhausted``.
    var passage: UInt32 { get }
    /// Moves to the first matching passage ≥ `target` and returns it (or ``exhausted``).
    func advance(to target: UInt32) -> UInt32
    /// An upper bound of the passages this node matches (to order intersections cheapest first).
    var cost: Int { get }
}

/// The end of iteration.
let exhausted: UInt32 = PostingsCursor.exhausted

/// The first passage ≥ `target` on which all nodes stand, moving them there, or ``exhausted``:
/// `advance(k, p)` moves node k to its first passage ≥ p; the cheapest node, `order[0]`, leads
/// and the others skip ahead to it.
@inline(__always)
func firstCommonPassage(order: [Int], from target: UInt32, advance: (Int, UInt32) -> UInt32) -> UInt32 {
    var candidate = advance(order[0], target)
    var agreed = false
    while !agreed {
        if candidate == exhausted { return exhausted }
        agreed = true
        for k in order.dropFirst() {
            let p = advance(k, candidate)
            if p != candidate {
                candidate = advance(order[0], p)
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
    private var cursor: PostingsCursor
    let cost: Int
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

    var frequency: UInt32 { cursor.frequency }

    func positions(into buffer: inout [UInt32]) { cursor.positions(into: &buffer) }
}

/// A slot: the union of its alternatives' postings; positions are the merged positions.
final class SlotNode: MatchNode {
    let terms: [TermNode]
    let cost: Int
    private(set) var passage: UInt32 = 0
    private var scratch: [UInt32] = []

    init(_ terms: [TermNode]) {
        self.terms = terms
        cost = terms.reduce(0) { $0 + $1.cost }
        passage = terms.isEmpty || cost == 0 ? exhausted : 0
    }

    func advance(to target: UInt32) -> UInt32 {
        if passage == exhausted { return exhausted }
        passage = lowestPassage(count: terms.count) { terms[$0].advance(to: target) }
        return passage
    }

    /// Occurrences of the slot in the current passage: those of its most frequent alternative (a
    /// word and its stem stand at the same positions; summing them would count a word twice).
    var frequency: UInt32 {
        terms.reduce(0) { max($0, $1.passage == passage ? $1.frequency : 0) }
    }

    /// The sorted positions of the alternatives in the current passage.
    func positions(into buffer: inout [UInt32]) {
        if terms.count == 1 {
            terms[0].positions(into: &buffer)
            return
        }
        buffer.removeAll(keepingCapacity: true)
        // Work on a local array: in-out access to a stored property of a class is checked for
        // exclusivity at run time on every call.
        var local: [UInt32] = []
        swap(&local, &scratch)
        for term in terms where term.passage == passage {
            term.positions(into: &local)
            buffer.append(contentsOf: local)
        }
        swap(&local, &scratch)
        buffer.sort()
    }
}

/// Slots at fixed relative offsets: a single term, or a phrase whose terms must be adjacent.
final class SequenceNode: MatchNode {
    let slots: [SlotNode]
    let offsets: [Int]
    let cost: Int
    private(set) var passage: UInt32 = 0
    /// Phrase occurrences in the current passage.
    private(set) var frequency: UInt32 = 0
    /// Positions (in the sequence's field) where the occurrences start.
    private(set) var matchStarts: [UInt32] = []
    private var slotPositions: [[UInt32]]
    /// Slots in order of rarity, for intersection.
    private let order: [Int]

    init(slots: [SlotNode], offsets: [Int]) {
        self.slots = slots
        self.offsets = offsets
        cost = slots.map(\.cost).min() ?? 0
        slotPositions = Array(repeating: [], count: slots.count)
        order = slots.indices.sorted { slots[$0].cost < slots[$1].cost }
        passage = slots.isEmpty || cost == 0 ? exhausted : 0
    }

    func advance(to target: UInt32) -> UInt32 {
        if passage == exhausted { return exhausted }
        var target = target
        while true {
            let candidate = firstCommonPassage(order: order, from: target) { slots[$0].advance(to: $1) }
            if candidate == exhausted { passage = exhausted; return exhausted }
            passage = candidate
            if checkPositions() { return passage }
            target = candidate &+ 1
            if target == exhausted { passage = exhausted; return exhausted }
        }
    }

    /// Counts the occurrences where every slot stands at its offset from the first.
    private func checkPositions() -> Bool {
        if slots.count == 1 {
            frequency = slots[0].frequency
            return frequency > 0
        }
        // Local copies: in-out access to a class's stored property is checked at run time.
        var lists: [[UInt32]] = []
        var starts: [UInt32] = []
        swap(&lists, &slotPositions)
        swap(&starts, &matchStarts)
        defer {
            swap(&lists, &slotPositions)
            swap(&starts, &matchStarts)
        }
        for k in slots.indices { slots[k].positions(into: &lists[k]) }
        starts.removeAll(keepingCapacity: true)
        lists.withUnsafeBufferPointer { lists in
            offsets.withUnsafeBufferPointer { offsets in
                var cursors = [Int](repeating: 0, count: lists.count)
                for start in lists[0] {
                    let base = Int(start) - offsets[0]
                    var all = true
                    for k in 1..<lists.count {
                        let want = base + offsets[k]
                        var c = cursors[k]
                        let list = lists[k]
                        while c < list.count && Int(list[c]) < want { c += 1 }
                        cursors[k] = c
                        if c >= list.count || Int(list[c]) != want { all = false; break }
                    }
                    if all { starts.append(UInt32(base)) }
                }
            }
        }
        frequency = UInt32(starts.count)
        return frequency > 0
    }

    /// Where the occurrences start, in the current passage (single terms: their positions).
    func occurrenceStarts() -> [UInt32] {
        if slots.count == 1 {
            var buffer: [UInt32] = []
            slots[0].positions(into: &buffer)
            return buffer
        }
        return matchStarts
    }
}

/// Passages matched by every child.
final class ConjunctionNode: MatchNode {
    let children: [MatchNode]
    let cost: Int
    private(set) var passage: UInt32 = 0
    private let order: [Int]

    init(_ children: [MatchNode]) {
        self.children = children
        cost = children.map(\.cost).min() ?? 0
        order = children.indices.sorted { children[$0].cost < children[$1].cost }
        passage = children.isEmpty || cost == 0 ? exhausted : 0
    }

    func advance(to target: UInt32) -> UInt32 {
        if passage == exhausted { return exhausted }
        passage = firstCommonPassage(order: order, from: target) { children[$0].advance(to: $1) }
        return passage
    }
}

/// Passages matched by any child.
final class UnionNode: MatchNode {
    let children: [MatchNode]
    let cost: Int
    private(set) var passage: UInt32 = 0

    init(_ children: [MatchNode]) {
        self.children = children
        cost = children.reduce(0) { $0 + $1.cost }
        passage = children.isEmpty || cost == 0 ? exhausted : 0
    }

    func advance(to target: UInt32) -> UInt32 {
        if passage == exhausted { return exhausted }
        passage = lowestPassage(count: children.count) { children[$0].advance(to: target) }
        return passage
    }
}
