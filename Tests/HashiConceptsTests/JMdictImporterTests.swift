import CZlib
import Foundation
import HashiAnalysis
import Testing

@testable import HashiConcepts

/// The bytes of the JMdict-shaped test fixture.
func jmdictFixture() throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/jmdict/JMdict_e_sample", withExtension: "xml"))
    return [UInt8](try Data(contentsOf: url))
}

/// `bytes` as a gzip stream (zlib's deflate with windowBits 31: a gzip header and trailer).
func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    var stream = z_stream()
    #expect(deflateInit2_(&stream, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
    defer { deflateEnd(&stream) }
    var input = bytes
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
    let rc = input.withUnsafeMutableBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            stream.next_out = outBuffer.baseAddress
            stream.avail_out = uInt(outBuffer.count)
            return deflate(&stream, Z_FINISH)
        }
    }
    #expect(rc == Z_STREAM_END)
    return Array(output.prefix(Int(stream.total_out)))
}

/// A scratch folder removed when the value goes away.
final class ScratchFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("hashi-jmdict-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: url.appendingPathComponent(name))
        return path(name)
    }

    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() }
}

struct JMdictImporterTests {
    /// The dictionary the fixture must give, line for line.
    static let expected = """
        # Concept dictionary generated from JMdict (JMdict created 2026-11-20) by hashi concepts import jmdict: 14 of 16 entries, 38 lines.
        # JMdict © the Electronic Dictionary Research and Development Group (EDRDG), licensed under Creative Commons Attribution-ShareAlike 4.0; this file is a derived work under the same licence.
        # One line per English gloss: the entry's kanji forms, kana forms and the gloss; a "#@ weight W" line weights the lines after it.
        #@ imported JMdict
        #@ weight 0.50
        規範, きはん, model  # JMdict 1000010
        食べる, たべる, eat  # JMdict 1000020
        攻撃, こうげき, attack  # JMdict 1000030
        手紙, てがみ, letter  # JMdict 1000060
        猫, ねこ, cat  # JMdict 1000070
        一日, 1日, いちにち, one day  # JMdict 1000080
        綺麗, きれい, pretty  # JMdict 1000100
        例えば, たとえば, for example\\, for instance  # JMdict 1000120
        カフェ, café  # JMdict 1000130
        #@ weight 0.48
        規範, きはん, standard  # JMdict 1000010
        食べる, たべる, live on  # JMdict 1000020
        攻撃, こうげき, strike  # JMdict 1000030
        手紙, てがみ, note  # JMdict 1000060
        猫, ねこ, feline  # JMdict 1000070
        綺麗, きれい, beautiful  # JMdict 1000100
        例えば, たとえば, e.g.  # JMdict 1000120
        カフェ, coffee house  # JMdict 1000130
        #@ weight 0.46
        規範, きはん, pattern  # JMdict 1000010
        攻撃, こうげき, offensive  # JMdict 1000030
        綺麗, きれい, clean  # JMdict 1000100
        #@ weight 0.45
        食べる, たべる, consume  # JMdict 1000020
        攻撃, こうげき, criticism  # JMdict 1000030
        猫, ねこ, shamisen  # JMdict 1000070
        一日, ついたち, first of the month  # JMdict 1000080
        #@ weight 0.44
        規範, きはん, norm  # JMdict 1000010
        #@ weight 0.43
        攻撃, こうげき, censure  # JMdict 1000030
        #@ weight 0.42
        規範, きはん, criterion  # JMdict 1000010
        #@ weight 0.40
        規範, きはん, example  # JMdict 1000010
        攻撃, こうげき, denunciation  # JMdict 1000030
        帰属, きぞく, belonging  # JMdict 1000040
        注意義務, ちゅういぎむ, duty of care  # JMdict 1000050
        型録, かたろぐ, カタログ, catalog  # JMdict 1000090
        京, みやこ, capital  # JMdict 1000110
        研究開発, けんきゅうかいはつ, R&D  # JMdict 1000140
        #@ weight 0.38
        帰属, きぞく, attribution  # JMdict 1000040
        型録, かたろぐ, カタログ, catalogue  # JMdict 1000090
        研究開発, けんきゅうかいはつ, research and development  # JMdict 1000140
        #@ weight 0.36
        帰属, きぞく, reversion  # JMdict 1000040

        """

    func importBytes(_ bytes: [UInt8], in folder: ScratchFolder, name: String = "JMdict_e") throws(JMdictError) -> (JMdictImportSummary, String) {
        let input: String
        do { input = try folder.write(name, bytes) } catch { throw .cannotWrite(file: name, message: "\(error)") }
        let output = folder.path("jmdict.synonyms")
        let summary = try JMdictImporter.importFile(at: input, to: output)
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return (summary, text)
    }

    @Test func fixtureGivesTheExpectedDictionary() throws {
        let folder = try ScratchFolder()
        let (summary, text) = try importBytes(try jmdictFixture(), in: folder)
        #expect(text == Self.expected)
        #expect(summary.createdDate == "2026-11-20")
        #expect(!summary.isCompressed)
        #expect(summary.entriesRead == 16)
        #expect(summary.entriesWritten == 14)
        #expect(summary.entriesWithoutForms == 1)
        #expect(summary.entriesWithoutGlosses == 1)
        #expect(summary.lines == 38)
        #expect(summary.linesByWeight == [50: 9, 48: 8, 46: 3, 45: 4, 44: 1, 43: 1, 42: 1, 40: 7, 38: 3, 36: 1])
        #expect(summary.formsDropped == 3)
        #expect(summary.glossesDropped == [.notEnglish: 2, .glossType: 1, .laterSense: 1, .excludedSense: 3, .empty: 1,
                                           .tooLong: 2, .duplicate: 1, .noForms: 1])
        #expect(summary.xmlBytes == (try jmdictFixture()).count)
        #expect(try folder.contents() == ["JMdict_e", "jmdict.synonyms"], "temporary files are removed")
    }

    @Test func gzippedFixtureGivesTheSameDictionary() throws {
        let folder = try ScratchFolder()
        let fixture = try jmdictFixture()
        let (summary, text) = try importBytes(try gzip(fixture), in: folder, name: "JMdict_e.xml")
        #expect(summary.isCompressed)
        #expect(summary.xmlBytes == fixture.count)
        #expect(summary.fileBytes < fixture.count)
        #expect(text == Self.expected)
        // Concatenated gzip members read as one stream, as gunzip reads them.
        let half = fixture.count / 2
        let (_, twoMembers) = try importBytes(try gzip(Array(fixture[..<half])) + gzip(Array(fixture[half...])), in: folder)
        #expect(twoMembers == Self.expected)
    }

    @Test func truncatedGzipIsAnErrorAndWritesNothing() throws {
        let folder = try ScratchFolder()
        let compressed = try gzip(try jmdictFixture())
        let cut = Array(compressed.prefix(compressed.count - 20))
        #expect(throws: JMdictError.truncatedGzip(file: folder.path("JMdict_e.gz"), byteOffset: cut.count)) {
            _ = try importBytes(cut, in: folder, name: "JMdict_e.gz")
        }
        #expect(try folder.contents() == ["JMdict_e.gz"])
    }

    @Test func corruptGzipIsAnError() throws {
        let folder = try ScratchFolder()
        var compressed = try gzip(try jmdictFixture())
        for k in compressed.count / 2..<compressed.count / 2 + 8 { compressed[k] ^= 0x55 }
        do {
            _ = try importBytes(compressed, in: folder, name: "JMdict_e.gz")
            Issue.record("a corrupt stream imported")
        } catch {
            guard case let .corruptGzip(file, offset, _) = error else {
                Issue.record("expected corruptGzip, got \(error)")
                return
            }
            #expect(file == folder.path("JMdict_e.gz"))
            #expect(offset > 0 && offset <= compressed.count)
        }
        // Anything but another gzip member after the end is refused too.
        let trailing = try gzip(try jmdictFixture()) + Array("junk".utf8)
        do {
            _ = try importBytes(trailing, in: folder, name: "JMdict_e.gz")
            Issue.record("trailing junk imported")
        } catch {
            #expect(error.description.contains("data after the end of the gzip stream"), "\(error)")
        }
        #expect(try folder.contents() == ["JMdict_e.gz"])
    }

    @Test func malformedXMLLeavesAnExistingOutputAlone() throws {
        let folder = try ScratchFolder()
        let output = try folder.write("jmdict.synonyms", Array("old, contents\n".utf8))
        let fixture = try jmdictFixture()
        let text = String(decoding: fixture, as: UTF8.self)
        let cut = Array(text.prefix { $0 != "規" }.utf8) + Array("規範</ke_pri>".utf8)
        let line = 1 + cut.filter { $0 == 0x0A }.count
        do {
            _ = try importBytes(cut, in: folder)
            Issue.record("malformed XML imported")
        } catch {
            guard case let .malformedXML(_, errorLine, message) = error else {
                Issue.record("expected malformed XML, got \(error)")
                return
            }
            #expect(errorLine == line)
            #expect(message.contains("</ke_pri> does not match <keb>"), "\(message)")
        }
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "old, contents\n")
        #expect(try folder.contents() == ["JMdict_e", "jmdict.synonyms"])
        // Truncated plain XML: the error names the entry left open.
        let half = fixture[..<(fixture.count / 2)].lastIndex(of: 0x0A) ?? 0
        let truncated = Array(fixture[...half])
        #expect {
            _ = try importBytes(truncated, in: folder)
        } throws: { error in
            guard let error = error as? JMdictError, case let .truncatedXML(_, _, element, openedAt) = error else { return false }
            return element != nil && openedAt != nil
        }
    }

    @Test func otherXMLIsNotJMdict() throws {
        let folder = try ScratchFolder()
        #expect(throws: JMdictError.notJMdict(file: folder.path("JMdict_e"), line: 2, found: "html")) {
            _ = try importBytes(Array("<?xml version=\"1.0\"?>\n<html><body/></html>\n".utf8), in: folder)
        }
        #expect(throws: JMdictError.notJMdict(file: folder.path("JMdict_e"), line: 1, found: "kanjidic2")) {
            _ = try importBytes(Array("<!DOCTYPE kanjidic2><kanjidic2/>".utf8), in: folder)
        }
        #expect(throws: JMdictError.invalidEntry(file: folder.path("JMdict_e"), line: 3, message: "an entry without <ent_seq>")) {
            _ = try importBytes(Array("<JMdict>\n<entry><r_ele><reb>ね</reb></r_ele>\n</entry></JMdict>".utf8), in: folder)
        }
        #expect(throws: JMdictError.invalidEntry(file: folder.path("JMdict_e"), line: 1,
                                                 message: "<ent_seq> is not a number: \"12a\"")) {
            _ = try importBytes(Array("<JMdict><entry><ent_seq>12a</ent_seq></entry></JMdict>".utf8), in: folder)
        }
        let fixture = try folder.write("fixture.xml", try jmdictFixture())
        #expect(throws: JMdictError.cannotWrite(file: folder.path("no/such/folder/out"), message: "No such file or directory")) {
            _ = try JMdictImporter.importFile(at: fixture, to: folder.path("no/such/folder/out"))
        }
        #expect(throws: JMdictError.cannotRead(file: folder.path("missing"), message: "No such file or directory")) {
            _ = try JMdictImporter.importFile(at: folder.path("missing"), to: folder.path("out"))
        }
    }

    @Test func outputParsesAsAConceptDictionaryWithOneGlossPerConcept() throws {
        let folder = try ScratchFolder()
        let (_, text) = try importBytes(try jmdictFixture(), in: folder)
        let analyzer = try Analyzer()
        let map = try ConceptDictionary.parse(bytes: Array(text.utf8), file: "jmdict.synonyms", using: analyzer)
        #expect(map.concepts.count == 38)
        let model = try map.concepts(containing: "model", using: analyzer)
        #expect(model.map { Set($0.members.map(\.text)) } == [["規範", "きはん", "model"]])
        let fromModel = Set(try map.expansions(of: "model", using: analyzer).map(\.key))
        #expect(fromModel.contains(try ConceptKey(normalizing: "規範", using: analyzer)))
        #expect(!fromModel.contains(try ConceptKey(normalizing: "pattern", using: analyzer)), "glosses are not synonyms of each other")
        let fromNorm = Set(try map.expansions(of: "norm", using: analyzer).map(\.key))
        #expect(fromNorm.contains(try ConceptKey(normalizing: "きはん", using: analyzer)))
        let comma = try map.concepts(containing: "for example, for instance", using: analyzer)
        #expect(comma.first.map { Set($0.members.map(\.text)) } == ["例えば", "たとえば", "for example, for instance"])
        let cafe = try map.concepts(containing: "café", using: analyzer)
        #expect(cafe.count == 1)
    }
}

struct JMdictConceptRulesTests {
    @Test func glossNormalization() {
        #expect(JMdictConceptRules.normalizedGloss("to eat (something)", isVerb: true) == "eat")
        #expect(JMdictConceptRules.normalizedGloss("to eat (something)", isVerb: false) == "to eat")
        #expect(JMdictConceptRules.normalizedGloss("  (esp.) the (very (nested)) best  ", isVerb: false) == "the best")
        #expect(JMdictConceptRules.normalizedGloss("to", isVerb: true) == "to")
        #expect(JMdictConceptRules.normalizedGloss("(something unclosed", isVerb: false) == "")
        #expect(JMdictConceptRules.normalizedGloss("top\tdog", isVerb: true) == "top dog")
    }

    @Test func senseRestrictionsChooseTheForms() {
        typealias Entry = JMdictEntry
        let kanji = [Entry.Kanji(text: "生物"), Entry.Kanji(text: "生もの")]
        let readings = [Entry.Reading(text: "せいぶつ", restrictions: ["生物"]), Entry.Reading(text: "なまもの"),
                        Entry.Reading(text: "ナマモノ", noKanji: true)]
        #expect(JMdictConceptRules.forms(of: Entry.Sense(), kanji: kanji, readings: readings)
            == ["生物", "生もの", "せいぶつ", "なまもの", "ナマモノ"])
        #expect(JMdictConceptRules.forms(of: Entry.Sense(kanjiRestrictions: ["生もの"]), kanji: kanji, readings: readings)
            == ["生もの", "なまもの"])
        #expect(JMdictConceptRules.forms(of: Entry.Sense(readingRestrictions: ["せいぶつ"]), kanji: kanji, readings: readings)
            == ["生物", "せいぶつ"])
        #expect(JMdictConceptRules.forms(of: Entry.Sense(readingRestrictions: ["ナマモノ"]), kanji: kanji, readings: readings)
            == ["ナマモノ"])
        #expect(JMdictConceptRules.forms(of: Entry.Sense(kanjiRestrictions: ["生物"], readingRestrictions: ["なまもの"]),
                                         kanji: kanji, readings: readings) == ["生物", "なまもの"])
    }

    @Test func weightsFallWithSenseAndGlossButNotBelowTheFloor() {
        var entry = JMdictEntry(sequence: 7, line: 1)
        entry.readings = [JMdictEntry.Reading(text: "ことば")]
        entry.senses = [JMdictEntry.Sense(glosses: (1...20).map { JMdictEntry.Gloss(text: "word\($0)") })]
        let weights = JMdictConceptRules.lines(for: entry, terms: SearchableTermCheck(analyzer: nil)).lines.map(\.weight)
        #expect(weights.prefix(3) == [40, 38, 36])
        #expect(weights.last == 25)
        entry.readings[0].priorities = ["nf01", "spec2"]
        #expect(JMdictConceptRules.lines(for: entry, terms: SearchableTermCheck(analyzer: nil)).lines.first?.weight == 50)
        entry.readings[0].priorities = ["nf01", "news2"]
        #expect(JMdictConceptRules.lines(for: entry, terms: SearchableTermCheck(analyzer: nil)).lines.first?.weight == 40)
        #expect(JMdictImporter.formatWeight(25) == "0.25")
        #expect(JMdictImporter.formatWeight(5) == "0.05")
        #expect(JMdictImporter.formatWeight(100) == "1.00")
    }
}

struct JMdictSearchableTermTests {
    /// A term the importer writes must not stop `ConceptDictionary.parse` (which refuses terms the
    /// analyzer makes no word of): every character the check accepts without the analyzer must be
    /// one the analyzer accepts, and with the analyzer the check agrees with it everywhere.
    @Test func searchableAgreesWithTheAnalyzerForEveryBMPCharacter() throws {
        let analyzer = try Analyzer()
        let quick = SearchableTermCheck(analyzer: nil)
        let full = SearchableTermCheck(analyzer: analyzer)
        var quickButRefused: [String] = []
        var disagreements: [String] = []
        var quickCount = 0
        for value in UInt32(0x21)...0xFFFD {
            guard let scalar = Unicode.Scalar(value), scalar.properties.generalCategory != .unassigned,
                  scalar.properties.generalCategory != .surrogate, scalar.properties.generalCategory != .privateUse else { continue }
            let text = String(Character(scalar))
            let usable = (try? ConceptMember(text: text, source: .dictionary(file: "t", line: 1), confidence: 1, using: analyzer)) != nil
            let name = "U+\(String(value, radix: 16, uppercase: true)) \(text)"
            if quick.isSearchable(text) {
                quickCount += 1
                if !usable { quickButRefused.append(name) }
            }
            if full.isSearchable(text) != usable { disagreements.append(name) }
        }
        #expect(quickButRefused.isEmpty, "\(quickButRefused.prefix(40))")
        #expect(disagreements.isEmpty, "\(disagreements.prefix(40))")
        #expect(quickCount > 20_000)
        #expect(!quick.isSearchable("々") && !quick.isSearchable("!!") && quick.isSearchable("々木"))
    }
}

struct JMdictReaderTrimTests {
    @Test func trimmingKeepsMultiByteCharactersWhole() {
        #expect(JMdictReader.trimmed(" \n規範\t ") == "規範")
        #expect(JMdictReader.trimmed("規範") == "規範")
        #expect(JMdictReader.trimmed(" \n ") == "")
        #expect(JMdictReader.trimmed("") == "")
        #expect(JMdictReader.trimmed(" a b ") == "a b")
    }
}

struct JMdictGzipPositionTests {
    /// Errors in gzipped XML name the line and the byte offset of the inflated XML, as for plain XML.
    @Test func invalidUTF8InsideAGzippedFileNamesTheXMLLineAndOffset() throws {
        let folder = try ScratchFolder()
        var fixture = try jmdictFixture()
        let text = String(decoding: fixture, as: UTF8.self)
        let found = try #require(text.range(of: "<gloss>R&amp;D"), "the gloss R&amp;D")
        let offset = text.utf8.distance(from: text.startIndex, to: found.lowerBound) + "<gloss>".utf8.count
        fixture[offset] = 0xFF
        let line = 1 + fixture[..<offset].filter { $0 == 0x0A }.count
        let input = try folder.write("JMdict_e.gz", try gzip(fixture))
        #expect(throws: JMdictError.invalidUTF8(file: input, line: line, byteOffset: offset)) {
            _ = try JMdictImporter.importFile(at: input, to: folder.path("out.synonyms"))
        }
        #expect(try folder.contents() == ["JMdict_e.gz"])
    }
}
