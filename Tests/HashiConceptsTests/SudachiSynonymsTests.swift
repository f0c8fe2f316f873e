import Foundation
import HashiAnalysis
import Testing

@testable import HashiConcepts

struct SudachiSynonymsTests {
    let analyzer: Analyzer
    init() throws { analyzer = try Analyzer() }

    func map(_ text: String) throws -> ConceptMap {
        try SudachiSynonyms.conceptMap(of: try SudachiSynonyms.entries(bytes: Array(text.utf8), file: "s.txt"), using: analyzer)
    }

    @Test func fieldsBecomeTypedMembers() throws {
        let entries = try SudachiSynonyms.entries(bytes: Array("""
            000127,1,0,1,0,0,0,(医療),インフルエンザ,,
            000127,1,0,1,0,0,1,(医療),influenza,,
            000127,1,0,1,0,2,0,(医療),インフル,,
            000127,1,0,2,3,0,0,(医療),流行性感冒,,

            000008,1,1,3,0,0,3,(),勘定,,
            """.utf8), file: "s.txt")
        #expect(entries.count == 5)
        #expect(entries[0].form == MemberForm(lexemes: [1], domain: "医療"))
        #expect(entries[1].form.spelling == .alphabetic)
        #expect(entries[2].form.abbreviation == .other)
        #expect(entries[3].form.relation == .oldName && entries[3].form.lexemes == [2])
        #expect(entries[4].expansion == 1 && entries[4].form.spelling == .misspelling && entries[4].line == 6)
        #expect(entries[4].form.domain == nil)
    }

    @Test func aFormMayBelongToSeveralLexemes() throws {
        let map = try map("""
            000116,1,0,1,0,0,0,(IT/娯楽),インターネットゲーム,,
            000116,1,0,1/2,0,2,0,(IT/娯楽),ネトゲ,,
            000116,1,0,2,0,0,0,(IT/娯楽),ネットゲーム,,
            """)
        let member = try #require(map.concepts.first?.members.first { $0.text == "ネトゲ" })
        #expect(member.form?.lexemes == [1, 2] && member.form?.domain == "IT/娯楽")
        // Shares a lexeme with both: full confidence both ways; the two others are synonyms.
        let fromShort = try map.expansions(of: "ネトゲ", using: analyzer)
        #expect(fromShort.allSatisfy { $0.confidence == SudachiSynonyms.confidence(of: member.form!) })
        let fromLong = try map.expansions(of: "インターネットゲーム", using: analyzer)
        #expect(fromLong.first { $0.text == "ネットゲーム" }?.confidence == SudachiSynonyms.baseConfidence * ConceptMap.synonymFactor)
    }

    @Test func omittedFieldsTakeTheirDefaults() throws {
        let entries = try SudachiSynonyms.entries(bytes: Array("000127,,,,,,,,インフルエンザ,,\n000127,,,,,,,,influenza,,\n".utf8), file: "s.txt")
        #expect(entries.map(\.form) == [MemberForm(), MemberForm()])
        #expect(entries.map(\.expansion) == [0, 0])
    }

    @Test(arguments: [
        ("000001,1,0,1,0", 1, "fields"),
        ("000001,1,0,1-2,0,0,0,(),語,,", 1, "lexeme number"),
        ("000001,1,3,1,0,0,0,(),語,,", 1, "expansion control"),
        ("000001,1,0,1,9,0,0,(),語,,", 1, "form type"),
        ("x00001,1,0,1,0,0,0,(),語,,", 1, "group number"),
        ("000001,1,0,1,0,0,0,(),,,", 1, "headword"),
        ("\n000001,1,0,1,0,0,0,(),\"語,,", 2, "unclosed quote"),
        ("000001,1,0,1,0,0,0,(),a\"b,,", 1, "quote inside"),
    ])
    func malformedLinesNameTheLine(line: String, number: Int, reason: String) throws {
        #expect {
            _ = try SudachiSynonyms.entries(bytes: Array(line.utf8), file: "s.txt")
        } throws: { error in
            guard case let .malformedLine(file, at, why) = error as? BackgroundDictionaryError else { return false }
            return file == "s.txt" && at == number && why.contains(reason)
        }
    }

    @Test func undecodableBytesNameLineAndOffset() throws {
        let bytes = Array("000001,1,0,1,0,0,0,(),語,,\n000001,1,0,1,0,0,0,(),".utf8) + [0xFF] + Array(",,\n".utf8)
        #expect(throws: BackgroundDictionaryError.undecodable(file: "s.txt", line: 2, byteOffset: 50)) {
            _ = try SudachiSynonyms.entries(bytes: bytes, file: "s.txt")
        }
    }

    @Test func quotedFieldsMayHoldCommas() throws {
        let entries = try SudachiSynonyms.entries(bytes: Array("000001,1,0,1,0,0,0,(),\"a, \"\"b\"\"\",,\n".utf8), file: "s.txt")
        #expect(entries.map(\.headword) == ["a, \"b\""])
    }

    @Test func expansionControlIsHonoured() throws {
        let map = try map("""
            000008,1,0,1,0,0,0,(),支払い,,
            000008,2,0,2,0,0,0,(),支払う,,
            000008,1,1,5,0,0,0,(),会計,,
            000008,1,2,6,0,0,0,(),御愛想,,
            """)
        #expect(map.concepts.count == 1)
        // 2: never used.
        #expect(!map.concepts[0].members.contains { $0.text == "御愛想" })
        // 1: expanded to, never a trigger.
        #expect(try map.expansions(of: "支払い", using: analyzer).map(\.text).sorted() == ["会計", "支払う"])
        #expect(try map.expansions(of: "会計", using: analyzer).isEmpty)
        #expect(try map.concepts(containing: "会計", using: analyzer).isEmpty)
        #expect(try map.memberships(of: "会計", using: analyzer).count == 1)
    }

    @Test func misspellingsMatchButAreNotSuggestions() throws {
        let map = try map("""
            000200,1,0,1,0,0,0,(IT),アップデート,,
            000200,1,0,1,0,0,1,(IT),update,,
            000200,1,0,1,0,0,3,(IT),アップデイト,,
            """)
        let expansions = try map.expansions(of: "update", using: analyzer)
        #expect(Set(expansions.map(\.text)) == ["アップデート", "アップデイト"])
        let misspelt = try #require(expansions.first { $0.text == "アップデイト" })
        #expect(!misspelt.member.isSuggestible)
        #expect(misspelt.confidence < expansions.first { $0.text == "アップデート" }!.confidence)
        #expect(expansions.allSatisfy { $0.tier == .builtIn })
    }

    @Test func otherLexemesOfAGroupAreWeakerThanFormsOfOne() throws {
        let map = try map("""
            000003,1,0,1,0,0,0,(),要約,,
            000003,1,0,1,0,0,1,(),summary,,
            000003,1,0,2,0,0,0,(),概要,,
            """)
        let expansions = try map.expansions(of: "summary", using: analyzer)
        let same = try #require(expansions.first { $0.text == "要約" })
        let other = try #require(expansions.first { $0.text == "概要" })
        #expect(same.confidence == SudachiSynonyms.baseConfidence)
        #expect(abs(other.confidence - SudachiSynonyms.baseConfidence * ConceptMap.synonymFactor) < 1e-12)
    }

    @Test func curatedLinksOutrankBackgroundOnes() throws {
        let background = try map("""
            000300,1,0,1,0,0,0,(),規範,,
            000300,1,0,1,0,0,1,(),norm,,
            000300,1,0,2,0,0,0,(),ノルム,,
            """)
        let curated = try ConceptDictionary.parse("規範, norm", file: "c.txt", using: analyzer)
        let merged = background.merged(with: curated)
        let expansions = try merged.expansions(of: "norm", using: analyzer)
        #expect(expansions.first?.text == "規範" && expansions.first?.tier == .curated && expansions.first?.confidence == 1)
        #expect(expansions.first { $0.text == "ノルム" }?.tier == .builtIn)
    }

    @Test func batchAnalysisEqualsOneCallPerText() throws {
        let texts = ["due diligence", "デューデリジェンス", "資金洗浄", "ファイル・システム", "Group of Governmental Experts",
                     "file.txt", "ＡＩ", "co-operation", "きはん", "ICT格差", "!!!", "", "a\nb", "ヘッダー", "ー"]
        let batched = try BatchAnalysis.tokens(of: texts, using: analyzer)
        for (text, tokens) in zip(texts, batched) {
            let alone = try analyzer.tokens(of: text)
            #expect(tokens.map(\.term) == alone.map(\.term), "\(text)")
            #expect(tokens.map(\.stream) == alone.map(\.stream), "\(text)")
        }
    }
}

/// The shipped dictionary as one map, built once for the tests that look things up in it.
let builtInMap: ConceptMap? = (try? BuiltInDictionary.load()).map { ConceptMap($0.concepts) }

/// The shipped dictionary itself.
struct BuiltInDictionaryTests {
    let analyzer: Analyzer
    init() throws { analyzer = try Analyzer() }

    @Test func isFoundAndLoads() throws {
        let loaded = try BuiltInDictionary.load()
        #expect(loaded.path.hasSuffix("SudachiDict/synonyms.txt"))
        #expect(loaded.entries > 60_000)
        #expect(loaded.concepts.count > 20_000)
        // The licence and notice ship beside the data.
        let folder = URL(fileURLWithPath: loaded.path).deletingLastPathComponent()
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("LICENSE-2.0.txt").path))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("NOTICE").path))
    }

    @Test(arguments: [
        ("due diligence", "デューデリジェンス"),
        ("デューデリジェンス", "due diligence"),
        ("money laundering", "資金洗浄"),
        ("資金洗浄", "マネーロンダリング"),
        ("file system", "ファイルシステム"),
    ])
    func knownPairsExpand(from query: String, to expected: String) throws {
        let map = try #require(builtInMap)
        let expansions = try map.expansions(of: query, using: analyzer)
        let found = try #require(expansions.first { $0.key == (try ConceptKey(normalizing: expected, using: analyzer)) })
        #expect(found.tier == .builtIn)
        #expect(found.member.source.tier == .builtIn)
    }

    /// Leases held at the same time share one load; the cache does not keep a lease alive once its
    /// holders let it go (the next lease loads again), and a load kept for the process serves leases.
    @Test func leasesAreSharedAndNotRetained() throws {
        let cache = BuiltInDictionary.Cache()
        var loads = 0
        func make() throws(BackgroundDictionaryError) -> BuiltInDictionary.Loaded {
            loads += 1
            return BuiltInDictionary.Loaded(concepts: [], fallbackTokens: [], path: "p\(loads)", seconds: 0, entries: loads)
        }
        var first: BuiltInDictionary.Lease? = try cache.lease(make)
        var second: BuiltInDictionary.Lease? = try cache.lease(make)
        #expect(first === second)
        #expect(loads == 1)
        weak var watched = first
        first = nil
        second = nil
        #expect(watched == nil)
        #expect(try cache.lease(make).loaded.path == "p2")
        // A lease held while the process-long load is asked for gives it its value, not a new load.
        let held = try cache.lease(make)
        #expect(try cache.value(make).path == "p3")
        #expect(held.loaded.path == "p3")
        #expect(loads == 3)
        #expect(try cache.lease(make).loaded.path == "p3")
        #expect(loads == 3)
        // The real dictionary: a lease holds what load() gives.
        #expect(try BuiltInDictionary.lease().loaded.concepts.count == BuiltInDictionary.load().concepts.count)
    }

    /// Every 40th line of the real file: batch analysis gives each headword the key it has alone.
    @Test func batchKeysMatchSingleAnalysisOnTheRealFile() throws {
        let loaded = try BuiltInDictionary.load()
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: loaded.path)))
        let entries = try SudachiSynonyms.entries(bytes: bytes, file: loaded.path)
        let sample = stride(from: 0, to: entries.count, by: 40).map { entries[$0] }
        let batched = try BatchAnalysis.tokens(of: sample.map(\.headword), using: analyzer)
        for (entry, tokens) in zip(sample, batched) {
            let alone = try analyzer.tokens(of: entry.headword)
            #expect(tokens.map(\.term) == alone.map(\.term), "line \(entry.line): \(entry.headword)")
        }
    }

    /// Parsing and analysing a batch of groups at a time gives what the whole file at once gives,
    /// whatever the batch size: a deletion record between two runs of a group does not split it.
    @Test func batchesGiveTheConceptsOfTheWholeFile() throws {
        let text = """
            000001,1,0,1,0,0,0,(),インフルエンザ,,
            000001,1,0,1,0,0,1,(),influenza,,
            000002,1,0,1,0,0,0,(),勘定,,
            000002,1,2,1,0,0,0,(),消えた,,
            000002,1,0,2,0,0,0,(),支払い,,

            000003,1,0,1,0,0,0,(),due diligence,,
            000003,1,0,1,0,0,0,(),デューデリジェンス,,
            000002,1,0,3,0,0,0,(),精算,,
            000002,1,0,3,0,0,0,(),清算,,
            """
        let bytes = Array(text.utf8)
        let whole = try SudachiSynonyms.analyzedConcepts(of: try SudachiSynonyms.entries(bytes: bytes, file: "s.txt"), using: analyzer)
        for size in [1, 2, 3, 100] {
            let batched = try SudachiSynonyms.analyzedConcepts(bytes: bytes, file: "s.txt", using: analyzer, batchSize: size)
            #expect(batched.concepts == whole.concepts, "batch size \(size)")
            #expect(batched.entries == 9)
            for (c, concept) in whole.concepts.enumerated() {
                for m in concept.members.indices {
                    #expect(batched.fallbackTokens.terms(concept: c, member: m) == whole.fallbackTokens.terms(concept: c, member: m))
                }
            }
        }
        #expect(whole.concepts.count == 4)
        #expect(whole.concepts.contains { Set($0.members.map(\.text)) == ["勘定", "支払い"] })
    }

    /// The same on the real file, with the batch size builds use.
    @Test func batchesGiveTheConceptsOfTheWholeRealFile() throws {
        let path = try BuiltInDictionary.locate()
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let whole = try SudachiSynonyms.analyzedConcepts(of: try SudachiSynonyms.entries(bytes: bytes, file: path), using: analyzer)
        let batched = try SudachiSynonyms.analyzedConcepts(bytes: bytes, file: path, using: analyzer)
        #expect(batched.concepts == whole.concepts)
        #expect(batched.fallbackTokens.count == whole.fallbackTokens.count && whole.fallbackTokens.count == whole.concepts.count)
        for c in stride(from: 0, to: whole.concepts.count, by: 97) {
            for m in whole.concepts[c].members.indices {
                #expect(batched.fallbackTokens.terms(concept: c, member: m) == whole.fallbackTokens.terms(concept: c, member: m))
            }
        }
    }
}
