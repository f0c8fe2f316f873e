import Foundation
import HashiConcepts
import HashiIndex

/// Reads the inflated body of a version 3 `concepts.map` (see ``ConceptTableCodec``). Every
/// count and number is checked against what is left, so damage is an ``IndexError`` naming the
/// file, never a crash; the offset reported is the zlib stream's in the file, and the reason says
/// which byte of the inflated body is wrong.
struct ConceptBodyReader {
    /// A stretch of the body read front to back.
    struct Stream {
        var position: Int
        let end: Int
        var atEnd: Bool { position == end }
    }

    let data: [UInt8]
    let path: String
    /// Where the compressed body starts in the file.
    let fileOffset: Int

    func fail(_ reason: String, at position: Int) -> IndexError {
        .corrupted(file: path, offset: fileOffset, reason: "\(reason) (byte \(position) of the inflated concept table)")
    }

    func varint(_ stream: inout Stream) throws(IndexError) -> Int {
        let start = stream.position
        guard let value = Varint.decode(data, at: &stream.position), stream.position <= stream.end,
              value <= UInt64(Int32.max) else {
            throw fail("a number of the concept table is damaged", at: start)
        }
        return Int(value)
    }

    /// A number that must be at most `limit` (a count of things still to read, an index).
    func count(_ stream: inout Stream, below limit: Int, _ what: String) throws(IndexError) -> Int {
        let start = stream.position
        let value = try varint(&stream)
        guard value < limit else { throw fail("\(what) \(value) is out of range", at: start) }
        return value
    }

    /// A count of things of at least `unit` bytes each that must still fit in `stream` after it.
    func length(_ stream: inout Stream, unit: Int = 1, _ what: String) throws(IndexError) -> Int {
        let start = stream.position
        let value = try varint(&stream)
        guard value <= (stream.end - stream.position) / unit else { throw fail("\(what) \(value) exceeds the table", at: start) }
        return value
    }

    func byte(_ stream: inout Stream) throws(IndexError) -> UInt8 {
        guard stream.position < stream.end else { throw fail("the concept table is truncated", at: stream.position) }
        stream.position += 1
        return data[stream.position - 1]
    }

    func pick<T>(_ cases: [T], _ index: Int, _ what: String, at position: Int) throws(IndexError) -> T {
        guard index < cases.count else { throw fail("unknown \(what) \(index)", at: position) }
        return cases[index]
    }

    /// The whole table; without its review material (mined pairs, dictionary names, settings) when
    /// `includingReview` is false, for search, which needs only the map.
    mutating func table(includingReview: Bool = true) throws(IndexError) -> ConceptTable {
        var head = Stream(position: 0, end: data.count)
        let reviewLength = try length(&head, "the review block's length")
        var review = ConceptTableCodec.Review(background: nil, dictionaries: [], mined: [], threshold: 0)
        if includingReview {
            do {
                review = try JSONDecoder().decode(ConceptTableCodec.Review.self,
                                                  from: Data(data[head.position..<(head.position + reviewLength)]))
            } catch {
                throw fail("the concept table's review block cannot be read (\(error))", at: head.position)
            }
        }
        head.position += reviewLength
        let strings = try stringTable(&head)
        let confidenceCount = try length(&head, unit: 8, "the confidence count")
        var confidences: [Double] = []
        confidences.reserveCapacity(confidenceCount)
        for _ in 0..<confidenceCount {
            var bits: UInt64 = 0
            for k in 0..<8 { bits |= UInt64(data[head.position + k]) << (8 * UInt64(k)) }
            head.position += 8
            confidences.append(Double(bitPattern: bits))
        }
        let conceptCount = try length(&head, "the concept count")
        var streams: [Stream] = []
        var lengths: [Int] = []
        for _ in 0..<5 { lengths.append(try count(&head, below: data.count + 1, "a stream length")) }
        var start = head.position
        for length in lengths {
            guard length <= data.count - start else { throw fail("a stream runs past the end", at: head.position) }
            streams.append(Stream(position: start, end: start + length))
            start += length
        }
        guard start == data.count else { throw fail("bytes after the last stream", at: start) }
        let concepts = try self.concepts(conceptCount, strings: strings, confidences: confidences, streams: &streams)
        for stream in streams where !stream.atEnd { throw fail("a stream has bytes left over", at: stream.position) }
        var table = ConceptTable(map: ConceptMap(normalized: concepts), mined: review.mined, dictionaries: review.dictionaries,
                                 threshold: review.threshold)
        table.background = review.background
        return table
    }

    /// The front-coded string table.
    func stringTable(_ head: inout Stream) throws(IndexError) -> [String] {
        let stringCount = try length(&head, "the string count")
        var strings: [String] = []
        strings.reserveCapacity(stringCount)
        var previous: [UInt8] = []
        for _ in 0..<stringCount {
            let start = head.position
            let shared = try count(&head, below: previous.count + 1, "a shared prefix length")
            let length = try length(&head, "a string length")
            var bytes = Array(previous[..<shared])
            bytes += data[head.position..<(head.position + length)]
            head.position += length
            guard let string = String(validating: bytes, as: UTF8.self) else {
                throw fail("a string of the concept table is not UTF-8", at: start)
            }
            strings.append(string)
            previous = bytes
        }
        return strings
    }

    /// `conceptCount` concepts from the five streams (members, texts, keys, sources, forms).
    func concepts(_ conceptCount: Int, strings: [String], confidences: [Double],
                  streams: inout [Stream]) throws(IndexError) -> [Concept] {
        var members = streams[0], texts = streams[1], keys = streams[2], sources = streams[3], forms = streams[4]
        defer { streams = [members, texts, keys, sources, forms] }
        func string(_ stream: inout Stream) throws(IndexError) -> String { try self.string(&stream, strings) }
        func terms(_ stream: inout Stream, _ n: Int) throws(IndexError) -> [String] {
            var result: [String] = []
            result.reserveCapacity(n)
            for _ in 0..<n { result.append(try string(&stream)) }
            return result
        }
        var concepts: [Concept] = []
        concepts.reserveCapacity(conceptCount)
        for _ in 0..<conceptCount {
            let memberCount = try length(&members, "a member count")
            var list: [ConceptMember] = []
            list.reserveCapacity(memberCount)
            var previousFirst = 0
            var previousSource: ConceptSource? = nil
            for _ in 0..<memberCount {
                let headerAt = members.position
                let header = try byte(&members)
                let kind = try pick(MemberKind.allCases, Int(header & 7), "member kind", at: headerAt)
                let role = try pick(ConceptMember.Role.allCases, Int(header >> 3 & 3), "member role", at: headerAt)
                guard let mode = ConceptTextMode(rawValue: header >> 5 & 3) else {
                    throw fail("unknown text mode \(header >> 5 & 3)", at: headerAt)
                }
                let confidence = confidences[try count(&members, below: confidences.count, "a confidence number")]

                let keyCount = try length(&keys, "a term count")
                var keyTerms: [String] = []
                keyTerms.reserveCapacity(keyCount)
                if keyCount > 0 {
                    let at = keys.position
                    let first = Int64(previousFirst) + ConceptStreams.unzigzag(UInt64(try varint(&keys)))
                    guard first >= 0 && first < Int64(strings.count) else { throw fail("a string number is out of range", at: at) }
                    previousFirst = Int(first)
                    keyTerms.append(strings[previousFirst])
                    keyTerms += try terms(&keys, keyCount - 1)
                }
                let key = ConceptKey(terms: keyTerms)
                var stems = key
                if header & 0x80 != 0 {
                    stems = ConceptKey(terms: try terms(&keys, try length(&keys, "a term count")))
                }
                let text = switch mode {
                case .joined: keyTerms.joined()
                case .spaced: keyTerms.joined(separator: " ")
                case .explicit: try string(&texts)
                }
                let source = try self.source(&sources, after: previousSource, strings: strings)
                previousSource = source
                list.append(ConceptMember(text: text, key: key, stems: stems, kind: kind, role: role, source: source,
                                          confidence: confidence, form: try form(&forms, strings: strings)))
            }
            concepts.append(Concept(members: list))
        }
        return concepts
    }

    func string(_ stream: inout Stream, _ strings: [String]) throws(IndexError) -> String {
        strings[try count(&stream, below: strings.count, "a string number")]
    }

    func source(_ stream: inout Stream, after previous: ConceptSource?, strings: [String]) throws(IndexError) -> ConceptSource {
        func string(_ stream: inout Stream) throws(IndexError) -> String { try self.string(&stream, strings) }
        let at = stream.position
        guard let tag = ConceptSourceTag(rawValue: try byte(&stream)) else {
            throw fail("unknown source tag \(data[at])", at: at)
        }
        switch tag {
        case .dictionary: return .dictionary(file: try string(&stream), line: try varint(&stream))
        case .mined: return .mined(document: try string(&stream), line: try varint(&stream))
        case .background: return .background(name: try string(&stream), entry: try string(&stream))
        case .imported: return .imported(name: try string(&stream), file: try string(&stream), line: try varint(&stream))
        case .previous:
            guard let previous else { throw fail("the first member of a concept refers to a previous source", at: at) }
            return previous
        case .numberedBackground:
            let name = try string(&stream)
            let digits = try varint(&stream)
            let valueAt = stream.position
            guard let value = Varint.decode(data, at: &stream.position), stream.position <= stream.end,
                  (1...18).contains(digits) else { throw fail("a background entry number is damaged", at: valueAt) }
            let written = String(value)
            guard written.utf8.count <= digits else { throw fail("a background entry number has too many digits", at: valueAt) }
            return .background(name: name, entry: String(repeating: "0", count: digits - written.utf8.count) + written)
        }
    }

    func form(_ stream: inout Stream, strings: [String]) throws(IndexError) -> MemberForm? {
        let at = stream.position
        let code = Int(try byte(&stream))
        guard code > 0 else { return nil }
        let relation = try pick(MemberForm.Relation.allCases, (code - 1) / 12, "form relation", at: at)
        let abbreviation = try pick(MemberForm.Abbreviation.allCases, (code - 1) % 12 / 4, "abbreviation type", at: at)
        let spelling = try pick(MemberForm.Spelling.allCases, (code - 1) % 4, "spelling type", at: at)
        let lexemeCount = try length(&stream, "a lexeme count")
        var lexemes: [Int] = []
        lexemes.reserveCapacity(lexemeCount)
        for _ in 0..<lexemeCount { lexemes.append(try varint(&stream)) }
        let domainAt = stream.position
        let domainNumber = try varint(&stream)
        var domain: String? = nil
        if domainNumber > 0 {
            guard domainNumber - 1 < strings.count else { throw fail("a string number is out of range", at: domainAt) }
            domain = strings[domainNumber - 1]
        }
        return MemberForm(lexemes: lexemes, relation: relation, abbreviation: abbreviation, spelling: spelling, domain: domain)
    }
}
