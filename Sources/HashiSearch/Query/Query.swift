/// A parsed query: what the user asked for, before analysis.
///
/// Grammar (whitespace separates clauses; every clause must match, unless negated):
///
///     query   = clause*
///     clause  = ["-"] atom ("OR" atom)*      a passage must match one of the atoms; "-" excludes
///     atom    = '"' text '"'                 a phrase: its words in this order, adjacent
///             | word ["*"]                   a word (or Japanese text as written); "*" = prefix
///
/// `OR` must be upper case; a lone `-` or `*` is ignored; an unbalanced quote runs to the end.
public struct Query: Sendable, Hashable {
    /// One thing to look for.
    public struct Atom: Sendable, Hashable {
        /// The text as the user typed it (without quotes or `*`).
        public var text: String
        /// Quoted: the words must stand together in this order.
        public var isPhrase: Bool
        /// Ends in `*`: any word starting with the text.
        public var isPrefix: Bool
    }

    /// Atoms of which a passage must match at least one (or none, when negated).
    public struct Clause: Sendable, Hashable {
        /// The alternatives (joined by `OR`).
        public var alternatives: [Atom]
        /// Excluded with `-`.
        public var isNegated: Bool
    }

    /// The clauses, in the order written.
    public var clauses: [Clause]
}

/// Why a query cannot be run. The message says what to change.
public enum QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The query is longer than the limit.
    case tooLong(length: Int, limit: Int)
    /// The query has more clauses or alternatives than the limit.
    case tooManyTerms(count: Int, limit: Int)
    /// A prefix matches more terms than the limit.
    case prefixTooBroad(prefix: String, limit: Int)
    /// The index's analyzer failed on the query (an ICU failure).
    case analysisFailed(String)

    public var description: String {
        switch self {
        case let .tooLong(length, limit):
            "the query is \(length) characters long; at most \(limit) are allowed"
        case let .tooManyTerms(count, limit):
            "the query has \(count) terms; at most \(limit) are allowed"
        case let .prefixTooBroad(prefix, limit):
            "\(prefix)* matches more than \(limit) terms; make the prefix longer"
        case let .analysisFailed(message):
            "the query could not be analysed: \(message)"
        }
    }
}
