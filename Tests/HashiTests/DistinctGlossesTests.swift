import Foundation
import PropertyBased
import Testing

@testable import Hashi
import HashiConcepts

/// A build keeps only the distinct mined pairs (``DistinctGlosses``): the concepts made of them
/// must be those made of every place the pairs were mined.
struct DistinctGlossesTests {
    static let terms = [["GGE", "政府専門家会合"], ["サーバ", "server"], ["ABC", "青組"], ["略語", "abbreviation"],
                        ["GGE", "Group of Governmental Experts"]]

    /// Glosses of several documents: pairs repeated with other rules, confidences and places (each
    /// number picks a set of terms, a rule, a confidence and a line).
    static let documents = Gen.int(in: 0...1_000_000).array(of: 0...12).array(of: 1...6)

    private func gloss(_ spec: Int, document: Int) -> MinedConcept {
        let rules = MiningRule.allCases
        let rule = rules[(spec / Self.terms.count) % rules.count]
        let confidence = Double((spec / (Self.terms.count * rules.count)) % 11) / 10
        let line = spec % 40 + 1
        return MinedConcept(terms: Self.terms[spec % Self.terms.count], rule: rule, confidence: confidence,
                            evidence: [MiningEvidence(document: "doc\(document).txt", line: line, snippet: "line \(line)")])
    }

    @Test func conceptsFromTheDistinctPairsEqualThoseFromEveryPlace() async throws {
        let miner = try ConceptMiner()
        await propertyCheck(count: 200, input: Self.documents) { documents in
            var all: [MinedConcept] = []
            var distinct = DistinctGlosses()
            for (k, specs) in documents.enumerated() {
                let glosses = specs.map { gloss($0, document: k) }
                all += glosses
                distinct.add(glosses)
            }
            for threshold in [0.0, 0.5, 0.6, 0.9] {
                let expected = try? miner.conceptMap(from: all, minimumConfidence: threshold)
                let made = try? miner.conceptMap(from: distinct.glosses, minimumConfidence: threshold)
                #expect(expected != nil)
                #expect(made == expected)
            }
            // One entry per set of terms and rule, at the first of its most confident places.
            let kept = distinct.glosses
            #expect(Set(kept.map { "\($0.terms) \($0.rule)" }).count == kept.count)
            for item in kept {
                let same = all.filter { $0.terms == item.terms && $0.rule == item.rule }
                let best = same.map(\.confidence).max()
                #expect(item == same.first { $0.confidence == best })
            }
        }
    }
}
