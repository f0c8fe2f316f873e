import Foundation
import HashiConcepts
import HashiIndex

/// The binary form of `concepts.map` (documented byte by byte in `Index/FORMAT.md`): the concept
/// map as interned strings and varints, which a search opens in milliseconds where JSON of the same
/// map took seconds, and the review material (mined pairs, dictionaries, settings) as a JSON block.
enum ConceptTableCodec {
    /// `HCMP`: Hashi concept map.
    static let magic: [UInt8] = [0x48, 0x43, 0x4D, 0x50]
    /// The binary format's version.
    static let version: UInt32 = 2

    /// The review material, stored as JSON after the header.
    private struct Review: Codable {
        var background: BackgroundSummary?
        var dictionaries: [String]
        var mined: [MinedConcept]
        var threshold: Double
    }

    /// The bytes of `table`, without the trailing checksum.
    static func encode(_ table: ConceptTable) throws(IndexError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let review: [UInt8]
        do {
            review = [UInt8](try encoder.encode(Review(background: table.background, dictionaries: table.dictionaries,
                                                       mined: table.mined, threshold: table.threshold)))
        } catch {
            throw .invalidInput("the concept table cannot be encoded: \(error)")
        }
        var strings: [String] = []
        var ids: [String: Int] = [:]
        func id(_ string: String) -> UInt64 {
            if let known = ids[string] { return UInt64(known) }
            ids[string] = strings.count
            strings.append(string)
            return UInt64(strings.count - 1)
        }
        var body: [UInt8] = []
        Varint.append(UInt64(table.map.concepts.count), to: &body)
        for concept in table.map.concepts {
            Varint.append(UInt64(concept.members.count), to: &body)
            for member in concept.members {
                Varint.append(id(member.text), to: &body)
                Varint.append(UInt64(member.key.terms.count), to: &body)
                for term in member.key.terms { Varint.append(id(term), to: &body) }
                if member.stems == member.key {
                    Varint.append(0, to: &body)
                } else {
                    Varint.append(UInt64(member.stems.terms.count) + 1, to: &body)
                    for term in member.stems.terms { Varint.append(id(term), to: &body) }
                }
                body.append(UInt8(MemberKind.allCases.firstIndex(of: member.kind) ?? 0))
                body.append(UInt8(ConceptMember.Role.allCases.firstIndex(of: member.role) ?? 0))
                switch member.source {
                case let .dictionary(file, line):
                    body.append(0); Varint.append(id(file), to: &body); Varint.append(UInt64(max(line, 0)), to: &body)
                case let .mined(document, line):
                    body.append(1); Varint.append(id(document), to: &body); Varint.append(UInt64(max(line, 0)), to: &body)
                case let .background(name, entry):
                    body.append(2); Varint.append(id(name), to: &body); Varint.append(id(entry), to: &body)
                case let .imported(name, file, line):
                    body.append(3); Varint.append(id(name), to: &body); Varint.append(id(file), to: &body)
                    Varint.append(UInt64(max(line, 0)), to: &body)
                }
                withUnsafeBytes(of: member.confidence.bitPattern.littleEndian) { body.append(contentsOf: $0) }
                if let form = member.form {
                    body.append(1)
                    Varint.append(UInt64(form.lexemes.count), to: &body)
                    for lexeme in form.lexemes { Varint.append(UInt64(max(lexeme, 0)), to: &body) }
                    body.append(UInt8(MemberForm.Relation.allCases.firstIndex(of: form.relation) ?? 0))
                    body.append(UInt8(MemberForm.Abbreviation.allCases.firstIndex(of: form.abbreviation) ?? 0))
                    body.append(UInt8(MemberForm.Spelling.allCases.firstIndex(of: form.spelling) ?? 0))
                    Varint.append(form.domain.map { id($0) + 1 } ?? 0, to: &body)
                } else {
                    body.append(0)
                }
            }
        }
        var bytes = magic
        withUnsafeBytes(of: version.littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(review.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes += review
        Varint.append(UInt64(strings.count), to: &bytes)
        for string in strings {
            let utf8 = Array(string.utf8)
            Varint.append(UInt64(utf8.count), to: &bytes)
            bytes += utf8
        }
        bytes += body
        return bytes
    }

    /// Whether `bytes` start like the binary form (tables written before it are JSON).
    static func isBinary(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.starts(with: magic)
    }

    /// Reads the binary form (`bytes` without the checksum); `path` names the file in errors.
    static func decode(_ bytes: ArraySlice<UInt8>, path: String) throws(IndexError) -> ConceptTable {
        let data = Array(bytes)
        var offset = 4
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
        let stored = try u32()
        guard stored == version else {
            throw .versionMismatch(file: path, found: stored, supported: version)
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
