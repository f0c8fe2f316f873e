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
        // Every source kind and text mode, stems that differ from the key, odd confidences, numbered
        // background entries (leading zeros, too many digits for a number) and one that is not a number.
        let sudachi = "SudachiDict synonyms"
        let more = [
            try ConceptMember(text: "ＩＣＴ", source: .background(name: sudachi, entry: "000042"), confidence: 0.123456789,
                              form: MemberForm(lexemes: [], relation: .misuse, abbreviation: .other, spelling: .variant),
                              using: analyzer),
            try ConceptMember(text: "Governmental Experts", source: .background(name: sudachi, entry: "000042"),
                              confidence: 1e-300, form: MemberForm(lexemes: [3], relation: .oldName), using: analyzer),
            try ConceptMember(text: "cafe\u{301} au lait", source: .background(name: sudachi, entry: "1234567890123456789"),
                              confidence: 0.45, using: analyzer),
            try ConceptMember(text: "café au lait", source: .background(name: sudachi, entry: "x-7"), confidence: 0.45,
                              using: analyzer),
            try ConceptMember(text: "カフェオレ", role: .inputOnly, source: .background(name: "other", entry: "0"),
                              confidence: 0.7000000000000001, using: analyzer),
        ]
        let map = ConceptMap([Concept(members: Array(members[0...1])), Concept(members: Array(members[1...3])),
                              Concept(members: Array(more[0...1])), Concept(members: Array(more[2...4]))])
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
        let readMembers = read.map.concepts.flatMap(\.members), originalMembers = original.map.concepts.flatMap(\.members)
        #expect(readMembers.map(\.form) == originalMembers.map(\.form))
        // Byte for byte (String's == is canonical equivalence: `é` and `e` + U+0301 compare equal).
        #expect(readMembers.map { Array($0.text.utf8) } == originalMembers.map { Array($0.text.utf8) })
        #expect(readMembers.map { Array($0.source.label.utf8) } == originalMembers.map { Array($0.source.label.utf8) })
        #expect(readMembers.map(\.confidence.bitPattern) == originalMembers.map(\.confidence.bitPattern))
        #expect(readMembers.map(\.stems) == originalMembers.map(\.stems) && readMembers.contains { $0.stems != $0.key })
        #expect(readMembers.map(\.kind) == originalMembers.map(\.kind) && readMembers.map(\.role) == originalMembers.map(\.role))
        #expect(Set(readMembers.map(\.source.tier)) == Set(ConceptSource.Tier.allCases))
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

    /// Writes `body` plus its CRC as the table of `directory`.
    func writeChecksummed(_ body: [UInt8], in directory: URL) throws {
        var bytes = body
        let crc = CRC32C.checksum(bytes)
        withUnsafeBytes(of: crc.littleEndian) { bytes.append(contentsOf: $0) }
        try Data(bytes).write(to: directory.appendingPathComponent(ConceptTable.fileName))
    }

    /// The file as version 3 around `inflated`, a body as the encoder makes it (or a damaged one).
    func version3Bytes(inflated: [UInt8]) -> [UInt8] {
        var bytes = ConceptTableCodec.magic
        withUnsafeBytes(of: UInt32(3).littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(inflated.count).littleEndian) { bytes.append(contentsOf: $0) }
        return bytes + Zlib.compress(inflated)
    }

    @Test func version3IsCompressedAndSmallerThanVersion2() throws {
        let original = try table()
        let (directory, bytes) = try written(original)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(Array(bytes[4..<8]) == [3, 0, 0, 0])
        #expect(bytes.count < (try Self.version2Bytes(original)).count)
        let inflated = try #require(bytes[12..<(bytes.count - 4)].withUnsafeBytes {
            Zlib.decompress($0, rawLength: Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24)
        })
        #expect(version3Bytes(inflated: inflated).count > 12)
        // Strings are stored once each, in byte order: the text written `cafe` + U+0301 is there
        // as written, beside the key's `café`.
        #expect(inflated.count > 0)
        #expect(ConceptStreams.decimalValue("000042") == 42 && ConceptStreams.decimalValue("1234567890123456789") == nil)
        #expect(ConceptStreams.decimalValue("") == nil && ConceptStreams.decimalValue("4a") == nil)
        for value: Int64 in [0, 1, -1, 63, -64, .max, .min] {
            #expect(ConceptStreams.unzigzag(ConceptStreams.zigzag(value)) == value)
        }
    }

    /// A damaged compressed body behind a valid checksum (a writer bug, a tool that rewrote the CRC):
    /// an error naming the file and the stream's offset, never a crash.
    @Test func aDamagedCompressedBodyIsAnErrorNamingTheFileAndOffset() throws {
        let (directory, bytes) = try written(try table())
        defer { try? FileManager.default.removeItem(at: directory) }
        let body = Array(bytes.dropLast(4))
        var flipped = 0
        for position in stride(from: 12, to: body.count, by: max(1, body.count / 53)) {
            var damaged = body
            damaged[position] ^= 0x5A
            try writeChecksummed(damaged, in: directory)
            do {
                _ = try ConceptTable.read(from: directory)
            } catch {
                flipped += 1
                #expect(error.description.contains(directory.appendingPathComponent(ConceptTable.fileName).path), "\(error)")
                #expect(error.description.contains("corrupted at byte"), "\(error)")
            }
        }
        #expect(flipped > 0)
        for cut in stride(from: 8, to: body.count, by: max(1, body.count / 41)) {
            try writeChecksummed(Array(body[..<cut]), in: directory)
            #expect(throws: IndexError.self) { _ = try ConceptTable.read(from: directory) }
        }
        // A stream that inflates, but to another length than the header says.
        var wrongLength = body
        wrongLength[8] &+= 1
        try writeChecksummed(wrongLength, in: directory)
        do {
            _ = try ConceptTable.read(from: directory)
            Issue.record("a wrong inflated length was not detected")
        } catch {
            #expect(error == .corrupted(file: directory.appendingPathComponent(ConceptTable.fileName).path, offset: 12,
                                        reason: "the concept table's zlib stream is damaged or does not inflate to \(Int(body[8]) + Int(body[9]) << 8 + Int(body[10]) << 16 + 1) bytes"))
        }
    }

    /// Damage inside the inflated body (compressed again, checksum fixed): every flipped byte and
    /// every truncation either reads or is an error naming the file, never a crash.
    @Test func aDamagedInflatedBodyNeverCrashes() throws {
        let (directory, bytes) = try written(try table())
        defer { try? FileManager.default.removeItem(at: directory) }
        let rawLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        let inflated = try #require(bytes[12..<(bytes.count - 4)].withUnsafeBytes { Zlib.decompress($0, rawLength: rawLength) })
        let path = directory.appendingPathComponent(ConceptTable.fileName).path
        func check(_ body: [UInt8]) throws {
            try writeChecksummed(version3Bytes(inflated: body), in: directory)
            do {
                _ = try ConceptTable.read(from: directory)
            } catch {
                #expect(error.description.contains(path) && error.description.contains("inflated concept table")
                        || error.description.contains("zlib") || error.description.contains("review block"), "\(error)")
            }
        }
        for position in 0..<inflated.count {
            var damaged = inflated
            damaged[position] ^= position % 2 == 0 ? 0xFF : 0x01
            try check(damaged)
        }
        for cut in 0..<inflated.count { try check(Array(inflated[..<cut])) }
        try check(inflated + [0])
    }

    @Test func aTableOfAnotherVersionIsAVersionMismatch() throws {
        let (directory, bytes) = try written(try table())
        defer { try? FileManager.default.removeItem(at: directory) }
        var body = Array(bytes.dropLast(4))
        body[4] = 9
        try writeChecksummed(body, in: directory)
        let path = directory.appendingPathComponent(ConceptTable.fileName).path
        #expect(throws: IndexError.versionMismatch(file: path, found: 9, supported: 3)) { _ = try ConceptTable.read(from: directory) }
        #expect(ConceptTableCodec.storedVersion(atPath: path) == 9)
    }

    @Test func aVersion2TableStillReads() throws {
        let original = try table()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hashi-cpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try writeChecksummed(try Self.version2Bytes(original), in: directory)
        let read = try #require(try ConceptTable.read(from: directory))
        #expect(read.map == original.map && read.mined == original.mined && read.background == original.background)
        #expect(ConceptTableCodec.storedVersion(atPath: directory.appendingPathComponent(ConceptTable.fileName).path) == 2)
    }

    /// An index whose table is version 2 opens and searches, is stale for `status()`, and the next
    /// build rewrites it in the current version.
    @Test func anIndexWithAVersion2TableIsStaleAndRebuilt() throws {
        let scratch = try IndexScratch()
        try scratch.write("a.txt", "GGE(政府専門家会合)は会合を開いた。GGE met again.")
        try scratch.write("concepts.synonyms", "GGE, Group of Governmental Experts\n")
        var builder = scratch.builder()
        builder.usesBuiltInBackground = false
        _ = try builder.build()
        let directory = IndexDirectory(url: scratch.index)
        let generation = directory.generationURL(try directory.readManifest().generation)
        let current = try #require(try ConceptTable.read(from: generation))
        #expect(!current.map.concepts.isEmpty)
        try writeChecksummed(try Self.version2Bytes(current), in: generation)
        #expect(try builder.status() == .stale("its concept table is in an older format (version 2, this hashi writes version 3)"))
        let opened = try SearchIndex(at: scratch.index)
        #expect(try opened.search("GGE", mode: .concept, limit: 5, offset: 0, explain: false).total >= 1)
        let summary = try builder.build()
        #expect(!summary.upToDate && !summary.incremental && summary.reason.contains("older format"), "\(summary.reason)")
        let rebuilt = try scratch.generationFiles()[ConceptTable.fileName] ?? []
        #expect(Array(rebuilt.prefix(8)) == ConceptTableCodec.magic + [3, 0, 0, 0])
        #expect(try builder.status() == .current)
    }

    /// The bytes of `table` in format version 2 (as hashi wrote it before version 3), without the checksum.
    static func version2Bytes(_ table: ConceptTable) throws -> [UInt8] {
        let magic = ConceptTableCodec.magic
        let version: UInt32 = 2
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let review: [UInt8]
        do {
            review = [UInt8](try encoder.encode(ConceptTableCodec.Review(background: table.background, dictionaries: table.dictionaries,
                                                       mined: table.mined, threshold: table.threshold)))
        } catch {
            throw IndexError.invalidInput("the concept table cannot be encoded: \(error)")
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

}
