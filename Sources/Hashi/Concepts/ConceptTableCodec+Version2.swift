import Foundation
import HashiConcepts
import HashiIndex

/// Version 2 of `concepts.map` (HCMP 2, written until version 3 compressed it): still read, so that
/// an index built before opens and searches until `hashi index` rebuilds it.
extension ConceptTableCodec {
    /// Reads a version 2 table (`data` without the checksum, its version already checked); `path`
    /// names the file in errors.
    static func decodeVersion2(_ data: [UInt8], path: String) throws(IndexError) -> ConceptTable {
        var offset = 8
        func fail(_ reason: String) -> IndexError { .corrupted(file: path, offset: offset, reason: reason) }
        func u32() throws(IndexError) -> UInt32 {
            guard offset + 4 <= data.count else { throw fail("the concept table is truncated") }
            let value = UInt32(data[offset]) | UInt32(data[offset + 1]) << 8 | UInt32(data[offset + 2]) << 16 | UInt32(data[offset + 3]) << 24
            offset += 4
            return value
        }
        func varint() throws(IndexError) -> Int {
            guard let value = Varint.decode(data, at: &offset), value <= UInt64(Int32.max) else {
                throw fail("a number of the concept table is damaged")
            }
            return Int(value)
        }
        func byte() throws(IndexError) -> UInt8 {
            guard offset < data.count else { throw fail("the concept table is truncated") }
            offset += 1
            return data[offset - 1]
        }
        func pick<T>(_ cases: [T], _ what: String) throws(IndexError) -> T {
            let k = Int(try byte())
            guard k < cases.count else { throw fail("unknown \(what) \(k)") }
            return cases[k]
        }
        let reviewLength = Int(try u32())
        guard reviewLength <= data.count - offset else { throw fail("the concept table is truncated") }
        let review: Review
        do {
            review = try JSONDecoder().decode(Review.self, from: Data(data[offset..<(offset + reviewLength)]))
        } catch {
            throw fail("the concept table's review block cannot be read (\(error))")
        }
        offset += reviewLength
        let stringCount = try varint()
        guard stringCount <= data.count - offset else { throw fail("the string count exceeds the file") }
        var strings: [String] = []
        strings.reserveCapacity(stringCount)
        for _ in 0..<stringCount {
            let length = try varint()
            guard length <= data.count - offset, let string = String(validating: data[offset..<(offset + length)], as: UTF8.self) else {
                throw fail("a string of the concept table is damaged")
            }
            strings.append(string)
            offset += length
        }
        func string() throws(IndexError) -> String {
            let k = try varint()
            guard k < strings.count else { throw fail("a string reference is out of range") }
            return strings[k]
        }
        func terms(_ count: Int) throws(IndexError) -> [String] {
            guard count <= data.count - offset else { throw fail("a term count exceeds the file") }
            var result: [String] = []
            result.reserveCapacity(count)
            for _ in 0..<count { result.append(try string()) }
            return result
        }
        let conceptCount = try varint()
        guard conceptCount <= data.count - offset else { throw fail("the concept count exceeds the file") }
        var concepts: [Concept] = []
        concepts.reserveCapacity(conceptCount)
        for _ in 0..<conceptCount {
            let memberCount = try varint()
            guard memberCount <= data.count - offset else { throw fail("a member count exceeds the file") }
            var members: [ConceptMember] = []
            members.reserveCapacity(memberCount)
            for _ in 0..<memberCount {
                let text = try string()
                let key = ConceptKey(terms: try terms(try varint()))
                let stemCount = try varint()
                let stems = stemCount == 0 ? key : ConceptKey(terms: try terms(stemCount - 1))
                let kind = try pick(MemberKind.allCases, "member kind")
                let role = try pick(ConceptMember.Role.allCases, "member role")
                let source: ConceptSource
                switch try byte() {
                case 0: source = .dictionary(file: try string(), line: try varint())
                case 1: source = .mined(document: try string(), line: try varint())
                case 2: source = .background(name: try string(), entry: try string())
                case 3: source = .imported(name: try string(), file: try string(), line: try varint())
                case let tag: throw fail("unknown source tag \(tag)")
                }
                guard offset + 8 <= data.count else { throw fail("the concept table is truncated") }
                var bits: UInt64 = 0
                for k in 0..<8 { bits |= UInt64(data[offset + k]) << (8 * UInt64(k)) }
                offset += 8
                var form: MemberForm? = nil
                if try byte() == 1 {
                    let lexemeCount = try varint()
                    guard lexemeCount <= data.count - offset else { throw fail("a lexeme count exceeds the file") }
                    var lexemes: [Int] = []
                    for _ in 0..<lexemeCount { lexemes.append(try varint()) }
                    let relation = try pick(MemberForm.Relation.allCases, "form relation")
                    let abbreviation = try pick(MemberForm.Abbreviation.allCases, "abbreviation type")
                    let spelling = try pick(MemberForm.Spelling.allCases, "spelling type")
                    let domainID = try varint()
                    var domain: String? = nil
                    if domainID > 0 {
                        guard domainID - 1 < strings.count else { throw fail("a string reference is out of range") }
                        domain = strings[domainID - 1]
                    }
                    form = MemberForm(lexemes: lexemes, relation: relation, abbreviation: abbreviation, spelling: spelling, domain: domain)
                }
                members.append(ConceptMember(text: text, key: key, stems: stems, kind: kind, role: role, source: source,
                                             confidence: Double(bitPattern: bits), form: form))
            }
            concepts.append(Concept(members: members))
        }
        guard offset == data.count else { throw fail("bytes after the last concept") }
        var table = ConceptTable(map: ConceptMap(normalized: concepts), mined: review.mined, dictionaries: review.dictionaries,
                                 threshold: review.threshold)
        table.background = review.background
        return table
    }
}
