import PropertyBased
import Testing

@testable import HashiSearch

/// TopK keeps exactly what a full sort would, ties broken by id.
struct TopKTests {
    private func reference(_ items: [ScoredID], _ k: Int) -> [ScoredID] {
        Array(items.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }.prefix(max(k, 0)))
    }

    @Test func keepsTheBestKAsASortWould() async {
        // Few distinct scores, so ties are common; ids in random order, unique.
        let scores = Gen.int(in: 0...6).array(of: 0...80)
        await propertyCheck(count: 300, input: scores, Gen.int(in: 0...40), Gen.int(in: 0...1_000)) { scores, k, seed in
            var ids = Array(0..<UInt32(scores.count))
            // A deterministic shuffle of the insertion order.
            var state = UInt64(seed) &* 6364136223846793005 &+ 1442695040888963407
            for i in ids.indices.reversed() where i > 0 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                ids.swapAt(i, Int((state >> 33) % UInt64(i + 1)))
            }
            let items = zip(ids, scores).map { ScoredID(id: $0, score: Double($1) / 2) }
            var top = TopK(k)
            for item in items { top.insert(item) }
            let kept = top.sorted()
            let expected = reference(items, k)
            #expect(kept.map(\.id) == expected.map(\.id))
            #expect(kept.map(\.score) == expected.map(\.score))
        }
    }

    @Test func acceptsSaysWhetherAnInsertWouldKeepTheItem() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...6).array(of: 0...60), Gen.int(in: 0...20)) { scores, k in
            var top = TopK(k)
            for (id, score) in scores.enumerated() {
                let item = ScoredID(id: UInt32(id), score: Double(score))
                let accepted = top.accepts(item)
                top.insert(item)
                #expect(accepted == top.heap.contains { $0.id == item.id })
            }
        }
    }

    @Test func zeroKeepsNothing() {
        var top = TopK(0)
        top.insert(ScoredID(id: 1, score: 5))
        #expect(top.sorted().isEmpty)
    }

    @Test func equalScoresRankByLowerIDWhateverTheInsertionOrder() {
        var top = TopK(3)
        for id in [9, 4, 7, 1, 8, 2] as [UInt32] { top.insert(ScoredID(id: id, score: 1)) }
        #expect(top.sorted().map(\.id) == [1, 2, 4])
    }

    @Test func aBetterLateItemDisplacesTheWorst() {
        var top = TopK(2)
        for (id, score) in [(0, 1.0), (1, 2.0), (2, 0.5), (3, 3.0)] { top.insert(ScoredID(id: UInt32(id), score: score)) }
        #expect(top.sorted().map(\.id) == [3, 1])
    }
}

/// `Proximity.smallestWindow` against every choice of one element per list.
struct ProximityTests {
    private func bruteForce(_ lists: [[UInt32]]) -> UInt32 {
        var best = UInt32.max
        func visit(_ k: Int, _ low: UInt32, _ high: UInt32) {
            if k == lists.count { best = min(best, high - low); return }
            for value in lists[k] { visit(k + 1, min(low, value), max(high, value)) }
        }
        visit(0, .max, 0)
        return best
    }

    @Test func smallestWindowEqualsABruteForceSearch() async {
        let list = Gen.int(in: 0...40).array(of: 1...5).map { $0.map(UInt32.init).sorted() }
        await propertyCheck(count: 500, input: list.array(of: 1...4)) { lists in
            #expect(Proximity.smallestWindow(lists) == bruteForce(lists), "\(lists)")
        }
    }

    @Test func examples() {
        #expect(Proximity.smallestWindow([[3], [4]]) == 1)
        #expect(Proximity.smallestWindow([[1, 10], [5, 11]]) == 1)
        #expect(Proximity.smallestWindow([[7], [7], [7]]) == 0)
        #expect(Proximity.smallestWindow([[0, 100], [50], [99]]) == 50)
        #expect(Proximity.smallestWindow([[UInt32.max - 1], [UInt32.max - 3]]) == 2)
    }
}

/// BM25's parameters do what they say.
struct BM25Tests {
    @Test func kOneAndBShapeTheScore() {
        let average: [UInt8: Double] = [0: 10]
        let standard = BM25(parameters: RankingParameters(), passageCount: 100, averageLength: average)
        // More occurrences score higher; a rarer term scores higher.
        #expect(standard.score(frequency: 2, documentFrequency: 5, length: 10, field: 0)
                > standard.score(frequency: 1, documentFrequency: 5, length: 10, field: 0))
        #expect(standard.score(frequency: 1, documentFrequency: 2, length: 10, field: 0)
                > standard.score(frequency: 1, documentFrequency: 50, length: 10, field: 0))
        // b = 0: the passage length does not matter.
        let noLength = BM25(parameters: RankingParameters(k1: 1.2, b: 0), passageCount: 100, averageLength: average)
        #expect(noLength.score(frequency: 1, documentFrequency: 5, length: 2, field: 0)
                == noLength.score(frequency: 1, documentFrequency: 5, length: 200, field: 0))
        // b = 0.75: a longer passage scores lower.
        #expect(standard.score(frequency: 1, documentFrequency: 5, length: 2, field: 0)
                > standard.score(frequency: 1, documentFrequency: 5, length: 200, field: 0))
        // k1 = 0: the frequency does not matter (binary model).
        let binary = BM25(parameters: RankingParameters(k1: 0, b: 0.75), passageCount: 100, averageLength: average)
        #expect(binary.score(frequency: 1, documentFrequency: 5, length: 10, field: 0)
                == binary.score(frequency: 9, documentFrequency: 5, length: 10, field: 0))
        #expect(standard.idf(1) > 0 && standard.idf(100) > 0)
    }
}
