import HashiAnalysis

/// A malformed line in a synonym dictionary, naming the file and the 1-based line.
public enum ConceptDictionaryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One side of `=>` has no terms (`=> b`, `a =>`).
    case emptySide(file: String, line: Int, side: Side)
    /// More than one `=>` on a line.
    case multipleArrows(file: String, line: Int)
    /// A line with separators but no terms (`, ,`).
    case noTerms(file: String, line: Int)
    /// A term with no letters, digits, kana or ideographs (`a, !!!`).
    case unsearchableTerm(file: String, line: Int, term: String)
    /// Bytes that are not UTF-8; `byteOffset` is from the start of the file.
    case undecodable(file: String, line: Int, byteOffset: Int)
    /// ICU failed while analyzing a term.
    case icu(file: String, line: Int, message: String)
    /// A `#@` directive Hashi does not know, or one with a bad value.
    case badDirective(file: String, line: Int, reason: String)

    /// Which side of `=>`.
    public enum Side: String, Sendable, Equatable {
        /// Before `=>`.
        case left
        /// After `=>`.
        case right
    }

    /// The file named in the error.
    public var file: String {
        switch self {
        case let .emptySide(file, _, _), let .multipleArrows(file, _), let .noTerms(file, _),
             let .unsearchableTerm(file, _, _), let .undecodable(file, _, _), let .icu(file, _, _),
             let .badDirective(file, _, _): file
        }
    }

    /// The 1-based line named in the error.
    public var line: Int {
        switch self {
        case let .emptySide(_, line, _), let .multipleArrows(_, line), let .noTerms(_, line),
             let .unsearchableTerm(_, line, _), let .undecodable(_, line, _), let .icu(_, line, _),
             let .badDirective(_, line, _): line
        }
    }

    /// `file:line: what is wrong`.
    public var description: String {
        let what: String = switch self {
        case let .emptySide(_, _, side): "the \(side.rawValue) side of => has no terms"
        case .multipleArrows: "more than one => on a line"
        case .noTerms: "a line of separators without terms"
        case let .unsearchableTerm(_, _, term): "the term \"\(term)\" has no letters, digits, kana or ideographs"
        case let .undecodable(_, _, offset): "bytes that are not UTF-8 at byte offset \(offset)"
        case let .icu(_, _, message): "ICU failed: \(message)"
        case let .badDirective(_, _, reason): reason
        }
        return "\(file):\(line): \(what)"
    }
}

/// Reads and writes synonym files in the Solr syntax that Elasticsearch's and OpenSearch's
/// `synonym`/`synonym_graph` filters load.
///
/// - `a, b, c`: all equivalent (one concept, every member an expansion).
/// - `a, b => c, d`: one-way: `a` and `b` expand to `c` and `d`, not back (`a`, `b` are
///   ``ConceptMember/Role/inputOnly`` members, `c`, `d` equivalent ones).
/// - `#` starts a comment, on its own line or after an entry; blank lines are ignored.
/// - Terms may be phrases (`due diligence`); surrounding whitespace is trimmed.
/// - A backslash escapes the next character: `\,` is a comma inside a term, `\#` a hash, `\\` a
///   backslash, `\=>` an arrow inside a term.
/// - Files are UTF-8 (a byte order mark is allowed); CRLF line ends are accepted.
///
/// Hashi also reads directives, comments starting `#@` that Solr ignores, which apply to the lines
/// after them:
/// - `#@ imported NAME`: the entries come from an imported background dictionary called NAME
///   (`hashi concepts import jmdict` writes this): their memberships have the source
///   ``ConceptSource/imported(name:file:line:)`` and rank below everything else.
/// - `#@ weight W`: the confidence of the entries (0 < W ≤ 1; 1 until a directive says otherwise).
/// Any other `#@` directive is an error, so a misspelt one is not silently ignored.
public enum ConceptDictionary {
    /// Parses the UTF-8 bytes of a dictionary file named `file` (used in sources and errors).
    /// - Throws: ``ConceptDictionaryError`` for the first malformed line.
    public static func parse(bytes: [UInt8], file: String, using analyzer: Analyzer) throws(ConceptDictionaryError) -> ConceptMap {
        ConceptMap(try analyzedConcepts(bytes: bytes, file: file, using: analyzer).concepts)
    }

    /// Parses dictionary text; `file` names it in sources and errors.
    /// - Throws: ``ConceptDictionaryError`` for the first malformed line.
    public static func parse(_ text: String, file: String, using analyzer: Analyzer) throws(ConceptDictionaryError) -> ConceptMap {
        ConceptMap(try analyzedConcepts(text, file: file, using: analyzer).concepts)
    }

    /// The concepts of the UTF-8 bytes of a dictionary file, one per entry line in file order, not
    /// yet put in a map, with the tokens ``CorpusPresence`` needs (for imported dictionaries, which
    /// are kept to what the corpus holds before they go into a map).
    /// - Throws: ``ConceptDictionaryError`` for the first malformed line.
    public static func analyzedConcepts(bytes: [UInt8], file: String, using analyzer: Analyzer)
        throws(ConceptDictionaryError) -> (concepts: [Concept], fallbackTokens: CorpusPresence.FallbackTokens) {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        guard let text = String(validating: body, as: UTF8.self) else {
            let offset = firstInvalidByte(body)
            let line = 1 + body[body.startIndex..<offset].filter { $0 == 0x0A }.count
            throw .undecodable(file: file, line: line, byteOffset: offset)
        }
        return try analyzedConcepts(text, file: file, using: analyzer)
    }

    /// ``analyzedConcepts(bytes:file:using:)`` of dictionary text. Every term of the file is
    /// analyzed in one batch (a dictionary imported from JMdict has hundreds of thousands).
    /// - Throws: ``ConceptDictionaryError`` for the first malformed line.
    public static func analyzedConcepts(_ text: String, file: String, using analyzer: Analyzer)
        throws(ConceptDictionaryError) -> (concepts: [Concept], fallbackTokens: CorpusPresence.FallbackTokens) {
        struct Pending {
            var line: Int
            var entry: Entry
            var source: ConceptSource
            var weight: Double
            var firstTerm: Int
        }
        var pending: [Pending] = []
        var terms: [String] = []
        var importedName: String? = nil
        var weight = 1.0
        for (index, rawLine) in lines(of: text).enumerated() {
            let lineNumber = index + 1
            if let directive = try parseDirective(rawLine, file: file, line: lineNumber) {
                switch directive {
                case .imported(let name): importedName = name
                case .weight(let value): weight = value
                }
                continue
            }
            guard let entry = try parseLine(rawLine, file: file, line: lineNumber) else { continue }
            let source: ConceptSource = importedName.map { .imported(name: $0, file: file, line: lineNumber) }
                ?? .dictionary(file: file, line: lineNumber)
            pending.append(Pending(line: lineNumber, entry: entry, source: source, weight: weight, firstTerm: terms.count))
            terms += entry.left + entry.right
        }
        let tokens: [[Token]]
        do { tokens = try BatchAnalysis.tokens(of: terms, using: analyzer) } catch {
            throw .icu(file: file, line: pending.first?.line ?? 1, message: error.description)
        }
        var concepts: [Concept] = []
        var fallback: CorpusPresence.FallbackTokens = []
        concepts.reserveCapacity(pending.count)
        for item in pending {
            var members: [ConceptMember] = []
            var memberTokens: [[Token]] = []
            var k = item.firstTerm
            for (side, role) in [(item.entry.left, ConceptMember.Role.inputOnly), (item.entry.right, .equivalent)] {
                for term in side {
                    guard let member = ConceptMember(text: term, tokens: tokens[k], role: item.entry.oneWay ? role : .equivalent,
                                                     source: item.source, confidence: item.weight) else {
                        throw .unsearchableTerm(file: file, line: item.line, term: term)
                    }
                    members.append(member)
                    memberTokens.append(CorpusPresence.needsBigramTest(member) ? tokens[k].filter(CorpusPresence.isBigramTestToken) : [])
                    k += 1
                }
            }
            // A one-way rule whose input is also an output (`a => a, b`) keeps `a` as an expansion only.
            if item.entry.oneWay {
                let outputs = Set(members.filter { $0.role == .equivalent }.map(\.key))
                let keep = members.indices.filter { !(members[$0].role == .inputOnly && outputs.contains(members[$0].key)) }
                members = keep.map { members[$0] }
                memberTokens = keep.map { memberTokens[$0] }
            }
            let concept = Concept(members: members)
            concepts.append(concept)
            fallback.append(concept.members.map { member in members.firstIndex(of: member).map { memberTokens[$0] } ?? [] })
        }
        return (concepts, fallback)
    }

    /// A `#@` directive line.
    enum Directive: Equatable {
        case imported(String)
        case weight(Double)
    }

    /// The directive on `line`, nil when it is not one (it does not start with `#@`).
    static func parseDirective(_ line: String, file: String, line number: Int) throws(ConceptDictionaryError) -> Directive? {
        let trimmed = trim(line)
        guard trimmed.hasPrefix("#@") else { return nil }
        let words = trimmed.dropFirst(2).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        switch words.first {
        case "imported":
            let name = words.dropFirst().joined(separator: " ")
            guard !name.isEmpty else {
                throw .badDirective(file: file, line: number, reason: "#@ imported needs the dictionary's name (#@ imported JMdict)")
            }
            return .imported(name)
        case "weight":
            guard words.count == 2, let value = Double(words[1]), value > 0, value <= 1 else {
                throw .badDirective(file: file, line: number, reason: "#@ weight needs one number above 0 and at most 1 (#@ weight 0.4)")
            }
            return .weight(value)
        default:
            throw .badDirective(file: file, line: number,
                                reason: "unknown directive \"\(trimmed)\" (known: #@ imported NAME, #@ weight W; write \"# @\" for a comment)")
        }
    }

    /// A parsed line: `left` is empty and `oneWay` false for an equivalence line.
    struct Entry: Equatable {
        var left: [String]
        var right: [String]
        var oneWay: Bool
    }

    /// Parses one line (without its line end); nil for blank and comment lines.
    static func parseLine(_ line: String, file: String, line number: Int) throws(ConceptDictionaryError) -> Entry? {
        // Split on unescaped `=>` and `,`, stopping at an unescaped `#`; keep escapes for now.
        var sides: [[String]] = [[]]
        var current = ""
        var sawContent = false
        var chars = Array(line.unicodeScalars)
        var k = 0
        func endTerm() {
            sides[sides.count - 1].append(current)
            current = ""
        }
        while k < chars.count {
            let c = chars[k]
            if c == "\\" {
                if k + 1 < chars.count {
                    current.unicodeScalars.append(chars[k + 1])
                    k += 2
                } else {
                    current.unicodeScalars.append(c)
                    k += 1
                }
                sawContent = true
                continue
            }
            if c == "#" { break }
            if c == "," {
                endTerm()
                sawContent = true
            } else if c == "=" && k + 1 < chars.count && chars[k + 1] == ">" {
                endTerm()
                sides.append([])
                sawContent = true
                k += 2
                continue
            } else {
                if !c.properties.isWhitespace { sawContent = true }
                current.unicodeScalars.append(c)
            }
            k += 1
        }
        chars.removeAll()
        endTerm()
        guard sawContent else { return nil }
        let cleaned = sides.map { side in side.map(trim).filter { !$0.isEmpty } }
        switch cleaned.count {
        case 1:
            guard !cleaned[0].isEmpty else { throw .noTerms(file: file, line: number) }
            return Entry(left: [], right: cleaned[0], oneWay: false)
        case 2:
            if cleaned[0].isEmpty { throw .emptySide(file: file, line: number, side: .left) }
            if cleaned[1].isEmpty { throw .emptySide(file: file, line: number, side: .right) }
            return Entry(left: cleaned[0], right: cleaned[1], oneWay: true)
        default:
            throw .multipleArrows(file: file, line: number)
        }
    }

    /// Writes `map` as a Solr synonyms file that Elasticsearch/OpenSearch `synonym_graph` loads as is:
    /// one line per concept (`a, b, c`, or `a, b => c, d` when it has input-only members), terms as
    /// written (escaped where they hold `,`, `#`, `\` or `=>`), with a whole-line comment naming the
    /// sources before each line (Solr does not allow trailing comments). Concepts with a single
    /// distinct term are skipped. Parsing the result gives the same concepts' keys and roles, except
    /// that expansion-only members (background dictionaries), written on the right of a rule whose
    /// left side is every triggering member, come back as ordinary members.
    public static func export(solr map: ConceptMap) -> String {
        var out = "# Hashi concepts, Solr synonyms format (Elasticsearch/OpenSearch synonym_graph)\n"
        for concept in map.concepts {
            var inputs: [String] = []
            var outputs: [String] = []
            var equivalents: [String] = []
            var done: Set<String> = []
            for member in concept.members {
                let id = "\(member.role.rawValue)\u{0}\(member.key.description)"
                guard done.insert(id).inserted else { continue }
                switch member.role {
                case .inputOnly: inputs.append(escape(member.text))
                case .equivalent: outputs.append(escape(member.text)); equivalents.append(escape(member.text))
                case .expansionOnly: outputs.append(escape(member.text))
                }
            }
            // Expansion-only members (which Solr cannot mark) go on the right of a one-way rule whose
            // left side is every member that triggers the concept.
            if inputs.isEmpty && equivalents.count < outputs.count { inputs = equivalents }
            guard Set(concept.keys).count >= 2, !outputs.isEmpty else { continue }
            var sources: [String] = []
            for member in concept.members where !sources.contains(member.source.place) { sources.append(member.source.place) }
            let shown = sources.prefix(5).joined(separator: " ") + (sources.count > 5 ? " …" : "")
            out += "# \(shown.replacingNewlines())\n"
            out += inputs.isEmpty ? outputs.joined(separator: ", ") : inputs.joined(separator: ", ") + " => " + outputs.joined(separator: ", ")
            out += "\n"
        }
        return out
    }

    /// `term` with `\`, `,`, `#` and `=>` escaped and newlines turned into spaces.
    static func escape(_ term: String) -> String {
        var out = ""
        let scalars = Array(term.replacingNewlines().unicodeScalars)
        for (k, c) in scalars.enumerated() {
            if c == "\\" || c == "," || c == "#" || (c == "=" && k + 1 < scalars.count && scalars[k + 1] == ">") {
                out.unicodeScalars.append("\\")
            }
            out.unicodeScalars.append(c)
        }
        return out
    }

    static func trim(_ s: String) -> String {
        let scalars = Array(s.unicodeScalars)
        var lower = 0
        var upper = scalars.count
        while lower < upper && scalars[lower].properties.isWhitespace { lower += 1 }
        while upper > lower && scalars[upper - 1].properties.isWhitespace { upper -= 1 }
        var out = ""
        out.unicodeScalars.append(contentsOf: scalars[lower..<upper])
        return out
    }

    /// The lines of `text`, split at LF, CRLF or CR.
    static func lines(of text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var previousCR = false
        for c in text.unicodeScalars {
            if c == "\n" {
                if !previousCR { result.append(current) }
                current = ""
                previousCR = false
            } else if c == "\r" {
                result.append(current)
                current = ""
                previousCR = true
            } else {
                current.unicodeScalars.append(c)
                previousCR = false
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    static func firstInvalidByte(_ bytes: ArraySlice<UInt8>) -> Int {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = bytes.startIndex
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput, .error: return offset
            }
        }
    }
}

extension String {
    func replacingNewlines() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : $0 }))
    }
}
