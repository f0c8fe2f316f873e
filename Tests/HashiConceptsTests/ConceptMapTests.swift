import HashiAnalysis
import PropertyBased
import Testing

@testable import HashiConcepts

struct ConceptMapTests {
    let analyzer: Analyzer
    init() throws { analyzer = try Analyzer() }

    func member(_ text: String, _ line: Int = 1, confidence: Double = 1, role: ConceptMember.Role = .equivalent,
                mined: Bool = false) throws -> ConceptMember {
        try ConceptMember(text: text, role: role, source: mined ? .mined(document: "d.txt", line: line) : .dictionary(file: "f", line: line),
                          confidence: confidence, using: analyzer)
    }

    @Test func lookupIsNormalizationInsensitive() throws {
        let map = ConceptMap([Concept(members: [try member("GGE"), try member("政府専門家会合")])])
        for spelling in ["GGE", "gge", "ＧＧＥ", "Gge"] {
            let found = try map.concepts(containing: spelling, using: analyzer)
            #expect(found.count == 1, "\(spelling)")
            #expect(try map.expansions(of: spelling, using: analyzer).map(\.text) == ["政府専門家会合"])
        }
        #expect(try map.concepts(containing: "GGF", using: analyzer).isEmpty)
        #expect(try map.concepts(containing: "ﾃﾞｭｰﾃﾞﾘｼﾞｪﾝｽ", using: analyzer).isEmpty)
    }

    @Test func halfWidthKatakanaFindsFullWidth() throws {
        let map = ConceptMap([Concept(members: [try member("デューデリジェンス"), try member("due diligence")])])
        #expect(try map.expansions(of: "ﾃﾞｭｰﾃﾞﾘｼﾞｪﾝｽ", using: analyzer).map(\.text) == ["due diligence"])
    }

    @Test func multiWordMembersUseWordSequenceKeysAndStems() throws {
        let m = try member("Confidence Building Measures")
        #expect(m.key.terms == ["confidence", "building", "measures"])
        #expect(m.kind == .english)
        let map = ConceptMap([Concept(members: [m, try member("CBM"), try member("信頼醸成措置")])])
        #expect(try map.concepts(containing: "confidence  building\nmeasures", using: analyzer).count == 1)
        #expect(try map.concepts(containing: "confidence building measure", using: analyzer).count == 1)
        #expect(try map.concepts(containing: "confidence building", using: analyzer).isEmpty)
        let terms = try ConceptKey(normalizing: "new Confidence Building Measures and CBM", using: analyzer).terms
        let found = map.occurrences(in: terms)
        #expect(found.map(\.range) == [1..<4, 5..<6])
    }

    @Test func memberKinds() throws {
        #expect(try member("GGE").kind == .abbreviation)
        #expect(try member("CCDCoE").kind == .abbreviation)
        #expect(try member("Group of Governmental Experts").kind == .english)
        #expect(try member("サイバー").kind == .katakana)
        #expect(try member("相当の注意義務").kind == .kanji)
        #expect(try member("ふえん").kind == .hiragana)
        #expect(try member("ICT格差").kind == .mixed)
        #expect(throws: ConceptError.self) { try member("・・・") }
    }

    @Test func aTermMayBelongToSeveralConcepts() throws {
        let map = ConceptMap([
            Concept(members: [try member("ODA"), try member("Official Development Aid")]),
            Concept(members: [try member("ODA", 2), try member("Open Data Association", 2)]),
        ])
        #expect(map.concepts.count == 2)
        #expect(try map.expansions(of: "oda", using: analyzer).count == 2)
        // The two expansions are not joined through the shared term.
        #expect(try map.expansions(of: "official development aid", using: analyzer).map(\.text) == ["ODA"])
    }

    @Test func mergeUnifiesEqualConceptsAndIgnoresDuplicatesAndCycles() throws {
        let a = ConceptMap([Concept(members: [try member("GGE", 1, mined: true), try member("政府専門家会合", 1, mined: true)])])
        let b = ConceptMap([Concept(members: [try member("GGE", 5, mined: true), try member("政府専門家会合", 5, mined: true),
                                              try member("Group of Governmental Experts", 5, mined: true)])])
        let merged = a.merged(with: b)
        // Overlapping concepts stay apart; lookups give the union.
        #expect(merged.concepts.count == 2)
        #expect(Set(try merged.expansions(of: "ＧＧＥ", using: analyzer).map(\.text)) == ["政府専門家会合", "Group of Governmental Experts"])
        // The same concept from another place pools the evidence.
        let a2 = ConceptMap([Concept(members: [try member("gge", 9, mined: true), try member("政府専門家会合", 9, mined: true)])])
        let pooled = a.merged(with: a2)
        #expect(pooled.concepts.count == 1)
        #expect(pooled.concepts[0].members.count == 4)
        #expect(merged == b.merged(with: a))
        #expect(merged.merged(with: merged) == merged)
        #expect(merged.merged(with: a) == merged)
        // A cycle of pairs stays three pairwise concepts; lookups still work and nothing loops.
        let cycle = ConceptMap([
            Concept(members: [try member("x"), try member("y")]),
            Concept(members: [try member("y", 2), try member("z", 2)]),
            Concept(members: [try member("z", 3), try member("x", 3)]),
        ])
        #expect(cycle.concepts.count == 3)
        #expect(Set(try cycle.expansions(of: "x", using: analyzer).map(\.text)) == ["y", "z"])
    }

    @Test func duplicateMembershipsCollapseToTheMostConfident() throws {
        let c = Concept(members: [try member("a", confidence: 0.3), try member("a", confidence: 0.9), try member("b")])
        #expect(c.members.count == 2)
        #expect(c.confidence(of: ConceptKey(terms: ["a"])) == 0.9)
    }

    @Test func filteredDropsWeakMemberships() throws {
        let map = ConceptMap([Concept(members: [try member("a", confidence: 0.9), try member("b", confidence: 0.2)]),
                              Concept(members: [try member("c", confidence: 0.9), try member("d", confidence: 0.8)])])
        #expect(map.filtered(minimumConfidence: 0.5).concepts.count == 1)
    }

    @Test func orderIsDeterministic() throws {
        let concepts = [
            Concept(members: [try member("b"), try member("c")]),
            Concept(members: [try member("a"), try member("z")]),
            Concept(members: [try member("サイバー"), try member("cyber")]),
        ]
        let one = ConceptMap(concepts)
        let two = ConceptMap(concepts.reversed())
        #expect(one.concepts == two.concepts)
        #expect(one.serialized() == two.serialized())
    }

    @Test func serializationRejectsGarbage() {
        #expect(throws: ConceptError.self) { try ConceptMap(serialized: Array("not json".utf8)) }
        #expect(throws: ConceptError.self) { try ConceptMap(serialized: Array(#"{"format":"other","concepts":[]}"#.utf8)) }
        #expect(throws: ConceptError.self) { try ConceptMap(serialized: []) }
    }

    @Test func randomMapsRoundTrip() async {
        let words = ["GGE", "gge", "cyber", "サイバー", "due diligence", "相当の注意義務", "a, b", "x#y", "ふえん", "Ｑ", "ＩＣＴ格差", "😀 emoji"]
        // Each member is one random number: word, line, confidence and role are taken from its digits.
        let gen = Gen.int(in: 0...999_999_999).array(of: 1...5).array(of: 0...8)
        await propertyCheck(count: 80, input: gen) { raw in
            do {
                let analyzer = try Analyzer()
                let concepts = try raw.map { members in
                    Concept(members: try members.map { (n: Int) throws -> ConceptMember in
                        let w = n % words.count
                        let line = (n / 16) % 4
                        let conf = (n / 64) % 1001
                        let role = (n / 100_000) % 2
                        let source: ConceptSource = line % 2 == 0 ? .dictionary(file: "f\(line)", line: line) : .mined(document: "d", line: line)
                        return try ConceptMember(text: words[w], role: role == 0 ? .equivalent : .inputOnly,
                                          source: source,
                                          confidence: Double(conf) / 1000, using: analyzer)
                    })
                }
                let map = ConceptMap(concepts)
                let bytes = map.serialized()
                let back = try ConceptMap(serialized: bytes)
                #expect(back == map)
                #expect(back.serialized() == bytes)
                for key in map.keys { #expect(back.concepts(containing: key) == map.concepts(containing: key)) }
                // Merging is order-independent.
                let half = concepts.count / 2
                let left = ConceptMap(Array(concepts[..<half]))
                let right = ConceptMap(Array(concepts[half...]))
                #expect(left.merged(with: right) == right.merged(with: left))
                #expect(left.merged(with: right) == map)
                // Merging concepts not yet in a map gives the same map (duplicates collapse the same way).
                let rest = Array(concepts[half...])
                #expect(left.merged(with: rest) == map)
                #expect(left.merged(with: rest + rest) == map)
                #expect(ConceptMap().merged(with: concepts) == map)
                #expect(map.merged(with: [Concept]()) == map)
            } catch {
                Issue.record("unexpected error: \(error)")
            }
        }
    }
}
