import HashiAnalysis
import Testing

@testable import HashiConcepts

struct ConceptDictionaryTests {
    let analyzer: Analyzer
    init() throws { analyzer = try Analyzer() }

    func parse(_ text: String, file: String = "syn.txt") throws -> ConceptMap {
        try ConceptDictionary.parse(text, file: file, using: analyzer)
    }

    func key(_ text: String) throws -> ConceptKey { try ConceptKey(normalizing: text, using: analyzer) }

    func expansionTexts(_ map: ConceptMap, _ text: String) throws -> Set<String> {
        Set(try map.expansions(of: text, using: analyzer).map(\.key.description))
    }

    @Test func equivalenceLineMakesOneConceptOfAllTerms() throws {
        let map = try parse("GGE, 政府専門家会合, Group of Governmental Experts\n")
        #expect(map.concepts.count == 1)
        #expect(try expansionTexts(map, "gge") == ["政府 専門 家 会合", "group of governmental experts"]
            || (try expansionTexts(map, "gge")).contains("group of governmental experts"))
        #expect(try expansionTexts(map, "Group of Governmental Experts").contains("gge"))
        #expect(map.concepts[0].members.allSatisfy { $0.role == .equivalent && $0.confidence == 1 })
        #expect(map.concepts[0].members.allSatisfy { $0.source == .dictionary(file: "syn.txt", line: 1) })
    }

    @Test func oneWayLineExpandsOnlyForward() throws {
        let map = try parse("a, b => c\n")
        #expect(try expansionTexts(map, "a") == ["c"])
        #expect(try expansionTexts(map, "b") == ["c"])
        #expect(try expansionTexts(map, "c") == [])
        let roles = Dictionary(uniqueKeysWithValues: map.concepts[0].members.map { ($0.text, $0.role) })
        #expect(roles == ["a": .inputOnly, "b": .inputOnly, "c": .equivalent])
    }

    @Test func oneWayWithSeveralOutputs() throws {
        let map = try parse("a => b, c")
        #expect(try expansionTexts(map, "a") == ["b", "c"])
        #expect(try expansionTexts(map, "b") == ["c"])
    }

    @Test func commentsAndBlankLinesAreSkippedAndLinesCounted() throws {
        let map = try parse("# whole-line comment\n\n   \nfoo, bar # trailing comment\n\t# indented comment\nbaz, qux\n")
        #expect(map.concepts.count == 2)
        let sources = Set(map.concepts.flatMap { $0.members.map(\.source) })
        #expect(sources == [.dictionary(file: "syn.txt", line: 4), .dictionary(file: "syn.txt", line: 6)])
        #expect(try expansionTexts(map, "foo") == ["bar"])
    }

    @Test func multiWordTermsAndWhitespaceTrimmed() throws {
        let map = try parse("   due diligence  ,\tデューデリジェンス ,相当の注意義務   \n")
        let texts = Set(map.concepts[0].members.map(\.text))
        #expect(texts == ["due diligence", "デューデリジェンス", "相当の注意義務"])
        #expect(map.concepts[0].keys.contains(try key("due diligence")))
        #expect(try key("due diligence").terms == ["due", "diligence"])
    }

    @Test func escapedCommaHashAndArrowStayInTerms() throws {
        let map = try parse(##"Smith\, John, J. Smith, C\#, sharp \=> arrow, back\\slash"##)
        let texts = Set(map.concepts[0].members.map(\.text))
        #expect(texts == ["Smith, John", "J. Smith", "C#", "sharp => arrow", #"back\slash"#])
    }

    @Test func crlfAndBOMAccepted() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a, b\r\n# c\r\nd, e\r\n".utf8)
        let map = try ConceptDictionary.parse(bytes: bytes, file: "f.txt", using: analyzer)
        #expect(map.concepts.count == 2)
        #expect(Set(map.concepts.flatMap { $0.members.map(\.source) }) == [.dictionary(file: "f.txt", line: 1), .dictionary(file: "f.txt", line: 3)])
    }

    func expectError(_ text: String, _ expected: ConceptDictionaryError, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try ConceptDictionary.parse(text, file: "bad.txt", using: analyzer)
            Issue.record("expected \(expected)", sourceLocation: sourceLocation)
        } catch {
            #expect(error == expected, sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix("bad.txt:\(expected.line): "), sourceLocation: sourceLocation)
        }
    }

    @Test func malformedLinesNameFileAndLine() {
        expectError("a, b\n => c\n", .emptySide(file: "bad.txt", line: 2, side: .left))
        expectError("a, b\n\nc, d =>   # nothing\n", .emptySide(file: "bad.txt", line: 3, side: .right))
        expectError("a => b => c", .multipleArrows(file: "bad.txt", line: 1))
        expectError("# ok\n , ,, \n", .noTerms(file: "bad.txt", line: 2))
        expectError("x\ny, !!!\n", .unsearchableTerm(file: "bad.txt", line: 2, term: "!!!"))
        expectError(",=>,", .emptySide(file: "bad.txt", line: 1, side: .left))
    }

    @Test func undecodableBytesNameLine() {
        let bytes: [UInt8] = Array("a, b\nc, d\n".utf8) + [0x65, 0xFF, 0x66, 0x0A]
        do {
            _ = try ConceptDictionary.parse(bytes: bytes, file: "bin.txt", using: analyzer)
            Issue.record("expected an error")
        } catch {
            #expect(error == .undecodable(file: "bin.txt", line: 3, byteOffset: 11))
            #expect(error.description.hasPrefix("bin.txt:3: "))
        }
    }

    @Test func exportParsesBackToTheSameEquivalences() throws {
        let text = """
        GGE, 政府専門家会合, Group of Governmental Experts
        hack back, ハックバック
        a, b => c, d
        Smith\\, John, J. Smith
        C\\#, csharp # trailing
        """
        let map = try parse(text, file: "in.txt")
        let exported = ConceptDictionary.export(solr: map)
        // Solr/Elasticsearch do not allow trailing comments: every comment is a whole line.
        for line in exported.split(separator: "\n") where line.contains("#") && !line.hasPrefix("#") {
            #expect(line.contains("\\#"), "unescaped # in \(line)")
        }
        let back = try parse(exported, file: "out.txt")
        func shape(_ m: ConceptMap) -> Set<Set<String>> {
            Set(m.concepts.map { Set($0.members.map { "\($0.role.rawValue):\($0.key.description)" }) })
        }
        #expect(shape(back) == shape(map))
        #expect(back.concepts.count == 5)
    }

    @Test func exportFormatIsPlainSolr() throws {
        let map = try parse("a, b => c\nx, y\n")
        let lines = ConceptDictionary.export(solr: map).split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(Set(lines) == ["a, b => c", "x, y"])
    }
}

/// `#@` directives: imported background dictionaries and weights.
struct ConceptDictionaryDirectiveTests {
    let analyzer: Analyzer
    init() throws { analyzer = try Analyzer() }

    @Test func importedAndWeightApplyToTheLinesAfterThem() throws {
        let map = try ConceptDictionary.parse("""
            curated, キュレーテッド
            #@ imported JMdict
            #@ weight 0.45
            規範, きはん, norm  # JMdict 1234
            #@ weight 0.3
            模型, model
            """, file: "j.synonyms", using: analyzer)
        let curated = try #require(map.concepts.first { $0.members.contains { $0.text == "curated" } })
        #expect(curated.members.allSatisfy { $0.source == .dictionary(file: "j.synonyms", line: 1) && $0.confidence == 1 })
        let norm = try #require(map.concepts.first { $0.members.contains { $0.text == "norm" } })
        #expect(norm.members.allSatisfy { $0.source == .imported(name: "JMdict", file: "j.synonyms", line: 4) && $0.confidence == 0.45 })
        #expect(norm.members.allSatisfy { $0.source.tier == .imported })
        let model = try #require(map.concepts.first { $0.members.contains { $0.text == "model" } })
        #expect(model.members.allSatisfy { $0.confidence == 0.3 && $0.source.place == "j.synonyms:6" })
        let expansion = try #require(try map.expansions(of: "norm", using: analyzer).first { $0.text == "規範" })
        #expect(expansion.tier == .imported && expansion.member.source.label == "JMdict, j.synonyms:4 (imported background)")
    }

    @Test(arguments: [
        ("#@ importd JMdict", "unknown directive"),
        ("#@ imported", "needs the dictionary's name"),
        ("#@ weight 0", "above 0 and at most 1"),
        ("#@ weight 1.5", "above 0 and at most 1"),
        ("#@ weight high", "above 0 and at most 1"),
        ("  #@ weight 0.2 0.3", "above 0 and at most 1"),
    ])
    func badDirectivesNameTheLine(line: String, reason: String) throws {
        #expect {
            _ = try ConceptDictionary.parse("a, b\n\(line)\nc, d\n", file: "d.synonyms", using: analyzer)
        } throws: { error in
            guard let error = error as? ConceptDictionaryError, case .badDirective = error else { return false }
            return error.file == "d.synonyms" && error.line == 2 && error.description.contains(reason)
        }
    }

    @Test func aHashThenSpaceThenAtIsAPlainComment() throws {
        let map = try ConceptDictionary.parse("# @ not a directive\n#@weight 0.5\na, b\n", file: "d", using: analyzer)
        #expect(map.concepts.first?.members.allSatisfy { $0.confidence == 0.5 && $0.source.tier == .curated } == true)
    }
}
