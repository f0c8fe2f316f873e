/// Parses the query grammar documented on ``Query``.
public enum QueryParser {
    /// The longest query accepted, in Unicode scalars.
    public static let maximumLength = 2_000
    /// The most atoms a query may hold.
    public static let maximumAtoms = 64

    /// Parses `text`. Control characters count as white space; an empty or punctuation-only query
    /// parses to no clauses (and finds nothing).
    public static func parse(_ text: String) throws(QueryError) -> Query {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count <= maximumLength else { throw .tooLong(length: scalars.count, limit: maximumLength) }
        var pieces: [(text: String, quoted: Bool, negated: Bool)] = []
        var i = 0
        func isSpace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace || s.properties.generalCategory == .control }
        while i < scalars.count {
            if isSpace(scalars[i]) { i += 1; continue }
            var negated = false
            if scalars[i] == "-" && i + 1 < scalars.count && !isSpace(scalars[i + 1]) {
                negated = true
                i += 1
            }
            if scalars[i] == "\"" || scalars[i] == "“" || scalars[i] == "”" {
                i += 1
                var phrase = String.UnicodeScalarView()
                while i < scalars.count && scalars[i] != "\"" && scalars[i] != "”" && scalars[i] != "“" {
                    phrase.append(isSpace(scalars[i]) ? " " : scalars[i])
                    i += 1
                }
                i += 1 // closing quote (or past the end)
                pieces.append((String(phrase), true, negated))
                continue
            }
            var word = String.UnicodeScalarView()
            while i < scalars.count && !isSpace(scalars[i]) && scalars[i] != "\"" {
                word.append(scalars[i])
                i += 1
            }
            pieces.append((String(word), false, negated))
        }

        var clauses: [Query.Clause] = []
        var joinNext = false
        var atoms = 0
        for piece in pieces {
            if !piece.quoted && !piece.negated && piece.text == "OR" {
                joinNext = !clauses.isEmpty
                continue
            }
            var body = piece.text
            var prefix = false
            if !piece.quoted && body.hasSuffix("*") {
                body = String(body.drop { _ in false }.dropLast())
                prefix = true
            }
            guard body.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else { continue }
            // A lone operator is not a term.
            if !piece.quoted && body == "-" { continue }
            atoms += 1
            let atom = Query.Atom(text: body, isPhrase: piece.quoted, isPrefix: prefix)
            if joinNext, let last = clauses.indices.last, clauses[last].isNegated == piece.negated {
                clauses[last].alternatives.append(atom)
            } else {
                clauses.append(Query.Clause(alternatives: [atom], isNegated: piece.negated))
            }
            joinNext = false
        }
        guard atoms <= maximumAtoms else { throw .tooManyTerms(count: atoms, limit: maximumAtoms) }
        return Query(clauses: clauses)
    }
}
