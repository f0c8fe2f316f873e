import HashiAnalysis
import HashiConcepts
import Testing

@testable import HashiSearch

/// The concept plan cache changes nothing but the work done: cached plans equal uncached ones.
struct ConceptPlanCacheTests {
    private func planners(cache: ConceptPlanCache) throws -> (plain: QueryPlanner, cached: QueryPlanner) {
        let analyzer = try Analyzer()
        let map = try ConceptDictionary.parse("""
            due diligence, デューデリジェンス, 相当の注意義務
            GGE, 政府専門家会合, Group of Governmental Experts
            server, サーバー => サーバ
            """, file: "c.synonyms", using: analyzer)
        let loanwords = try LoanwordIndex(katakanaWords: ["デューデリジェンス", "サーバー", "ファイル"], using: PhoneticKey())
        return (QueryPlanner(analyzer: analyzer, mode: .concept, concepts: ConceptContext(map: map, loanwords: loanwords)),
                QueryPlanner(analyzer: analyzer, mode: .concept,
                             concepts: ConceptContext(map: map, loanwords: loanwords, cache: cache)))
    }

    @Test func cachedPlansEqualUncachedOnes() throws {
        let cache = ConceptPlanCache(capacity: 1_000)
        let (plain, cached) = try planners(cache: cache)
        let queries = ["due diligence", "GGE 政府専門家会合", "server OR GGE", "サーバー", "file system", "-GGE due diligence",
                       "\"group of governmental experts\"", "dUE DiLiGeNcE"]
        for query in queries {
            let expected = try plain.plan(QueryParser.parse(query))
            #expect(try cached.plan(QueryParser.parse(query)) == expected)
            // Again, now from the cache.
            #expect(try cached.plan(QueryParser.parse(query)) == expected)
        }
        #expect(cache.memberPlanCount > 0)
    }

    @Test func aFullCacheStartsOverAndStillAnswersTheSame() throws {
        let cache = ConceptPlanCache(capacity: 1)
        let (plain, cached) = try planners(cache: cache)
        for query in ["due diligence", "GGE", "due diligence", "server"] {
            #expect(try cached.plan(QueryParser.parse(query)) == plain.plan(QueryParser.parse(query)))
            #expect(cache.memberPlanCount <= 1)
        }
    }

    @Test func boundedCacheComputesEachKeyOnceAndStaysBounded() {
        let cache = BoundedCache<Int, Int>(capacity: 10)
        var calls = 0
        for k in 0..<100 {
            let value = cache.value(for: k % 5) { calls += 1; return (k % 5) * 2 }
            #expect(value == (k % 5) * 2)
        }
        #expect(calls == 5)
        let bounded = BoundedCache<Int, Int>(capacity: 10)
        for k in 0..<100 {
            #expect(bounded.value(for: k) { k + 1 } == k + 1)
            #expect(bounded.count <= 10)
        }
    }
}

/// The loanword index (every katakana word of an index spelled out through ICU) is asked for only
/// by queries with English words to sound out.
struct LazyLoanwordsTests {
    final class Calls: @unchecked Sendable { var count = 0 }

    @Test func japaneseQueriesDoNotSpellOutTheLoanwords() throws {
        let analyzer = try Analyzer()
        let map = try ConceptDictionary.parse("due diligence, デューデリジェンス, 相当の注意義務\n", file: "c.synonyms", using: analyzer)
        let index = try LoanwordIndex(katakanaWords: ["デューデリジェンス", "サーバー"], using: PhoneticKey())
        let calls = Calls()
        let planner = QueryPlanner(analyzer: analyzer, mode: .concept,
                                   concepts: ConceptContext(map: map, loanwords: { () throws(ICUError) in calls.count += 1; return index }))
        for query in ["相当の注意義務", "サーバー 攻撃", "デューデリジェンス -京都"] {
            _ = try planner.plan(QueryParser.parse(query))
        }
        #expect(calls.count == 0)
        let plan = try planner.plan(QueryParser.parse("server"))
        #expect(calls.count > 0)
        #expect(plan.clauses.flatMap(\.atoms).contains { $0.text == "サーバー" })
    }
}

/// Telling one English word or phrase in two forms from two words, for sound-alike expansion.
struct SameEnglishTests {
    @Test("the same English in other forms: spacing, hyphens, case, inflection; different words are not")
    func sameEnglish() {
        #expect(ConceptExpander.isSameEnglish("time zone", "timezone"))
        #expect(ConceptExpander.isSameEnglish("Time-Zone", "time zone"))
        #expect(ConceptExpander.isSameEnglish("links", "link"))
        #expect(ConceptExpander.isSameEnglish("error messages", "error message"))
        #expect(!ConceptExpander.isSameEnglish("strong", "string"))
        #expect(!ConceptExpander.isSameEnglish("error message", "error"))
        #expect(!ConceptExpander.isSameEnglish("board", "void"))
    }
}
