import Testing

@testable import Hashi

/// The built-in background dictionary loads the same whether it starts on its own thread at once
/// (single-segment builds) or on demand, once analysis is over (bounded-memory builds).
struct BackgroundLoadTests {
    @Test func onDemandLoadingGivesTheSameDictionary() throws {
        let eager = BackgroundLoad()
        let deferred = BackgroundLoad(startsNow: false)
        let first = try eager.wait()
        let second = try deferred.wait()
        #expect(first.concepts.count > 10_000)
        #expect(second.concepts == first.concepts)
        #expect(second.entries == first.entries)
        // Released, and waited for again: loaded again.
        deferred.release()
        #expect(try deferred.wait().concepts.count == first.concepts.count)
        eager.release()
        deferred.release()
    }
}
