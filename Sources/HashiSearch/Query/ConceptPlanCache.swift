import HashiConcepts

/// What concept expansion derives from an open index's concept table and vocabulary, kept for
/// the index's lifetime so that a query does not analyse every member's text (ICU segmentation,
/// normalization) or walk the table again: the planned atom of each member text, the expansions of
/// each key, the sound-alike candidates of each English phrase, the key of each candidate, and the
/// member atoms each query term brings in.
///
/// Thread-safe; each part holds a bounded number of entries (see ``BoundedCache``). Use one cache
/// per concept context: the values are only valid for the table and vocabulary they came from.
public final class ConceptPlanCache: Sendable {
    /// Member text → its plan as a phrase (nil: no searchable text).
    let memberPlans: BoundedCache<String, PlannedAtom?>
    /// Key → what it expands to.
    let expansions: BoundedCache<ConceptKey, [ConceptExpansion]>
    /// English phrase → the katakana words that sound like it.
    let soundAlikes: BoundedCache<String, [PhoneticMatch]>
    /// Katakana word → its normalized key.
    let keys: BoundedCache<String, ConceptKey>
    /// A query term's key, the English phrase sounded out and the concept's name → the member atoms
    /// (their explanations included: formatting those per query cost more than the rest of planning).
    let members: BoundedCache<MemberRequest, [PlannedAtom]>

    /// A cache holding at most `capacity` member plans (and as many of each other part).
    public init(capacity: Int = 200_000) {
        memberPlans = BoundedCache(capacity: capacity)
        expansions = BoundedCache(capacity: capacity)
        soundAlikes = BoundedCache(capacity: capacity)
        keys = BoundedCache(capacity: capacity)
        members = BoundedCache(capacity: capacity)
    }

    /// How many member plans are held.
    public var memberPlanCount: Int { memberPlans.count }
}

/// What decides a query term's member atoms (see ``ConceptPlanCache/members``).
struct MemberRequest: Hashable {
    var key: ConceptKey?
    var phrase: String?
    var name: String
}
