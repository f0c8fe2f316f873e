import HashiConcepts

/// The distinct pairs among glosses mined in corpus order: for each set of terms and rule, the
/// first of the most confident places, kept in the order of those places.
///
/// ``ConceptMiner/conceptMap(from:minimumConfidence:)`` makes the same concepts of this list as of
/// the full one (it keeps the first of the most confident of each set of terms), so a build holds
/// one entry per distinct pair instead of every place a pair was mined: memory that stays flat
/// while a corpus repeats its glosses. The review list (`hashi concepts mined`) shows each pair
/// once, at its best place.
struct DistinctGlosses {
    private struct Key: Hashable {
        var terms: [String]
        var rule: MiningRule
    }

    private var chosen: [Key: (place: Int, gloss: MinedConcept)] = [:]
    private var seen = 0

    /// Takes in the glosses of the next document.
    mutating func add(_ glosses: [MinedConcept]) {
        for gloss in glosses {
            defer { seen += 1 }
            let key = Key(terms: gloss.terms, rule: gloss.rule)
            if let kept = chosen[key], kept.gloss.confidence >= gloss.confidence { continue }
            chosen[key] = (seen, gloss)
        }
    }

    /// The chosen glosses, in the order they were seen.
    var glosses: [MinedConcept] {
        chosen.values.sorted { $0.place < $1.place }.map(\.gloss)
    }
}
