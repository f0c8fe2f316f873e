import PropertyBased
import Testing

@testable import HashiSearch

/// A match node over a fixed list: `candidates` is its approximation (sorted ids), `verified` the
/// candidates where it really matches. Counts how often it was asked to verify.
private final class ListNode: MatchNode {
    let candidates: [UInt32]
    let verified: Set<UInt32>
    private var index = -1
    private(set) var passage: UInt32 = 0
    private(set) var verifications = 0
    /// The passages where it was asked to verify.
    private(set) var verifiedAt: [UInt32] = []
    var cost: Int { candidates.count }
    /// Exact when every candidate is a match.
    var isExact: Bool { verified.count == candidates.count }

    init(candidates: [UInt32], verified: Set<UInt32>) {
        self.candidates = candidates
        self.verified = verified
        passage = candidates.isEmpty ? exhausted : 0
    }

    func advance(to target: UInt32) -> UInt32 {
        if passage == exhausted { return exhausted }
        if index >= 0 && passage >= target { return passage }
        repeat { index += 1 } while index < candidates.count && candidates[index] < target
        passage = index < candidates.count ? candidates[index] : exhausted
        return passage
    }

    func matches() -> Bool {
        verifications += 1
        verifiedAt.append(passage)
        return verified.contains(passage)
    }
}

/// Two-phase unions and conjunctions against set arithmetic on what each child really matches.
struct MatchNodeTests {
    /// Children from random (candidate, verified) flags over passages 0..<60.
    private func children(_ flags: [[Int]]) -> [ListNode] {
        flags.map { row in
            var candidates: [UInt32] = []
            var verified: Set<UInt32> = []
            for (p, flag) in row.enumerated() where flag > 0 {
                candidates.append(UInt32(p))
                if flag > 1 { verified.insert(UInt32(p)) }
            }
            return ListNode(candidates: candidates, verified: verified)
        }
    }

    private func all(_ node: MatchNode) -> [UInt32] {
        var result: [UInt32] = []
        var p = node.nextMatch(from: 0)
        while p != exhausted {
            result.append(p)
            p = node.nextMatch(from: p + 1)
        }
        return result
    }

    private static let rows = Gen.int(in: 0...2).array(of: 0...60).array(of: 1...40)

    @Test func heapUnionMatchesTheUnionOfWhatItsChildrenMatch() async {
        await propertyCheck(count: 200, input: Self.rows) { rows in
            let nodes = children(rows)
            let expected = nodes.reduce(into: Set<UInt32>()) { $0.formUnion($1.verified) }.sorted()
            #expect(all(UnionNode(nodes)) == expected)
        }
    }

    @Test func unionVerifiesNoChildWhereAnExactOneStands() async {
        await propertyCheck(count: 200, input: Self.rows, Self.rows) { exactRows, otherRows in
            // Every candidate verified: exact children (a term's postings).
            let exact = children(exactRows.map { $0.map { $0 > 0 ? 2 : 0 } })
            let others = children(otherRows)
            let nodes = exact + others
            let expected = nodes.reduce(into: Set<UInt32>()) { $0.formUnion($1.verified) }.sorted()
            #expect(all(UnionNode(nodes)) == expected)
            let exactPassages = exact.reduce(into: Set<UInt32>()) { $0.formUnion($1.candidates) }
            for node in others where !node.isExact {
                #expect(exactPassages.isDisjoint(with: node.verifiedAt), "verified where an exact child stood")
            }
        }
    }

    @Test func unionSkipsAheadAndReportsTheChildrenStandingOnAPassage() async {
        await propertyCheck(count: 200, input: Self.rows, Gen.int(in: 0...70)) { rows, target in
            let nodes = children(rows)
            let union = UnionNode(nodes)
            let p = union.nextMatch(from: UInt32(target))
            let expected = nodes.flatMap { $0.verified }.filter { $0 >= UInt32(target) }.min() ?? exhausted
            #expect(p == expected)
            if p != exhausted {
                // Every child that matches there stands there (what scoring relies on).
                for node in nodes where node.verified.contains(p) { #expect(node.matches(at: p)) }
            }
        }
    }

    @Test func conjunctionMatchesTheIntersectionAndVerifiesOnlyCommonCandidates() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...2).array(of: 0...60).array(of: 1...6)) { rows in
            let nodes = children(rows)
            let expected = nodes.dropFirst().reduce(into: nodes[0].verified) { $0.formIntersection($1.verified) }.sorted()
            #expect(all(ConjunctionNode(nodes)) == expected)
            // Verification happens only where every child's approximation agrees.
            let common = nodes.dropFirst().reduce(into: Set(nodes[0].candidates)) { $0.formIntersection($1.candidates) }
            #expect(nodes.allSatisfy { $0.verifications <= common.count })
        }
    }

    @Test func aConjunctionOfUnionsIsTheSetExpression() async {
        await propertyCheck(count: 150, input: Self.rows, Self.rows) { a, b in
            let left = children(a), right = children(b)
            let l = left.reduce(into: Set<UInt32>()) { $0.formUnion($1.verified) }
            let r = right.reduce(into: Set<UInt32>()) { $0.formUnion($1.verified) }
            #expect(all(ConjunctionNode([UnionNode(left), UnionNode(right)])) == l.intersection(r).sorted())
        }
    }

    @Test func positionListGrowsAndSorts() {
        let list = PositionList(capacity: 1)
        for value in (0..<100).reversed() as ReversedCollection<Range<UInt32>> {
            list.reserve(1)
            list.append(value * 3)
        }
        list.sort()
        #expect(list.array == (0..<100).map { UInt32($0) * 3 })
        list.count = 0
        #expect(list.array.isEmpty)
    }
}
