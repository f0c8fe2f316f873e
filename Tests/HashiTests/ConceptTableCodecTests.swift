import Foundation
import Testing

@testable import Hashi
import HashiConcepts
import HashiIndex

/// The binary concept table: what is written reads back, damage is an error naming the file, and
/// tables written as JSON before it still open.
struct ConceptTableCodecTests {
    func table() throws -> ConceptTable {
        let analyzer = try Analyzer()
        let members = [
            try ConceptMember(text: "GGE", source: .dictionary(file: "c.synonyms", line: 2), confidence: 1, using: analyzer),
            try ConceptMember(text: "政府専門家会合", role: .inputOnly, source: .mined(document: "d/b.txt", line: 3), confidence: 0.8,
                              using: analyzer),
            try ConceptMember(text: "due diligences", role: .expansionOnly, source: .background(name: "SudachiDict synonyms", entry: "022225"),
                              confidence: 0.5, form: MemberForm(lexemes: [1, 2], relation: .translation, abbreviation: .alphabetic,
                                                               spelling: .misspelling, domain: "法律"), using: analyzer),
            try ConceptMember(text: "規範", source: .imported(name: "JMdict", file: "j.synonyms", line: 40), confidence: 0.45,
                              form: MemberForm(), using: analyzer),
        ]
        let map = ConceptMap([Concept(members: Array(members[0...1])), Concept(members: Array(members[1...3]))])
        let mined = [MinedConcept(terms: ["GGE", "政府専門家会合"], rule: .gloss, confidence: 0.9,
                                  evidence: [MiningEvidence(document: "d/b.txt", line: 3, snippet: "GGE(政府専門家会合)")])]
        var table = ConceptTable(map: map, mined: mined, dictionaries: ["c.synonyms"], threshold: 0.6)
        table.background = BackgroundSummary(builtIn: "SudachiDict synonyms 20240109", builtInConcepts: 10, builtInKept: 1,
                                             importedConcepts: 3, importedKept: 1, loadSeconds: nil, filterSeconds: nil)
        return table
    }

    func written(_ table: ConceptTable) throws -> (URL, [UInt8]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hashi-cpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try table.write(to: directory)
        return (directory, try [UInt8](Data(contentsOf: directory.appendingPathComponent(ConceptTable.fileName))))
    }

    @Test func roundTrips() throws {
        let original = try table()
        let (directory, bytes) = try written(original)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(bytes.starts(with: Array("HCMP".utf8)))
        let read = try #require(try ConceptTable.read(from: directory))
        #expect(read.map == original.map)
        #expect(read.map.concepts.flatMap(\.members).map(\.form) == original.map.concepts.flatMap(\.members).map(\.form))
        #expect(read.mined == original.mined && read.dictionaries == original.dictionaries && read.threshold == 0.6)
        #expect(read.background == original.background)
        // Lookups work on the map as read (roles included: the input-only member leads to both concepts).
        let expansions = try read.map.expansions(of: "政府専門家会合", using: Analyzer()).map(\.text)
        #expect(Set(expansions) == ["GGE", "due diligences", "規範"], "\(expansions)")
        #expect(read.map.expansions(of: ConceptKey(terms: ["gge"])).isEmpty)
    }

    /// Every truncation and a flipped byte in every region: an error naming the file, never a crash.
    @Test func damageIsAnErrorNamingTheFile() throws {
        let (directory, bytes) = try written(try table())
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent(ConceptTable.fileName)
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 97)) {
            try Data(bytes[..<cut]).write(to: url)
            #expect(throws: IndexError.self) { _ = try ConceptTable.read(from: directory) }
        }
        for position in stride(from: 0, to: bytes.count - 4, by: max(1, bytes.count / 61)) {
            var damaged = bytes
            damaged[position] ^= 0x5A
            try Data(damaged).write(to: url)
            do {
                _ = try ConceptTable.read(from: directory)
                Issue.record("a flipped byte at \(position) was not detected")
            } catch {
                #expect(error.description.contains(url.path), "\(error)")
            }
        }
        // A damaged body with a matching checksum (as a writer bug would make) is reported, not trusted.
        var body = Array(bytes.dropLast(4))
        body[body.count - 3] = 0xFF
        body.append(0x07)
        let crc = CRC32C.checksum(body)
        withUnsafeBytes(of: crc.littleEndian) { body.append(contentsOf: $0) }
        try Data(body).write(to: url)
        #expect(throws: IndexError.self) { _ = try ConceptTable.read(from: directory) }
    }

    /// The byte values FORMAT.md documents are the cases' positions: reordering a case breaks files.
    @Test func enumerationCodesAreThoseDocumented() {
        #expect(MemberKind.allCases.map(\.rawValue) == ["english", "abbreviation", "katakana", "kanji", "hiragana", "mixed", "other"])
        #expect(ConceptMember.Role.allCases.map(\.rawValue) == ["equivalent", "inputOnly", "expansionOnly"])
        #expect(MemberForm.Relation.allCases.map(\.rawValue) == ["representative", "translation", "alias", "oldName", "misuse"])
        #expect(MemberForm.Abbreviation.allCases.map(\.rawValue) == ["none", "alphabetic", "other"])
        #expect(MemberForm.Spelling.allCases.map(\.rawValue) == ["representative", "alphabetic", "variant", "misspelling"])
    }

    @Test func aTableWrittenAsJSONStillOpens() throws {
        let original = try table()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var bytes = [UInt8](try encoder.encode(original))
        let crc = CRC32C.checksum(bytes)
        withUnsafeBytes(of: crc.littleEndian) { bytes.append(contentsOf: $0) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hashi-cpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(bytes).write(to: directory.appendingPathComponent(ConceptTable.fileName))
        #expect(try ConceptTable.read(from: directory)?.map == original.map)
    }
}
