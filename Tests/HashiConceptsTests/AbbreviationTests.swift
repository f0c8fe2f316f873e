import HashiAnalysis
import Testing

@testable import HashiConcepts

struct AbbreviationTests {
    @Test func initialsSpellTheAbbreviation() {
        #expect(AbbreviationMatcher.matches(abbreviation: "CBM", words: ["Confidence", "Building", "Measures"]))
        #expect(AbbreviationMatcher.matches(abbreviation: "GGE", words: ["Group", "of", "Governmental", "Experts"]))
        #expect(AbbreviationMatcher.matches(abbreviation: "CCDCoE", words: ["Cooperative", "Cyber", "Defence", "Centre", "of", "Excellence"]))
        #expect(AbbreviationMatcher.matches(abbreviation: "CBM", words: ["Confidence-Building", "Measures"]))
        #expect(!AbbreviationMatcher.matches(abbreviation: "CBM", words: ["Confidence", "Measures"]))
        #expect(!AbbreviationMatcher.matches(abbreviation: "CBM", words: ["Confidence", "Building", "Measures", "Now"]))
        #expect(!AbbreviationMatcher.matches(abbreviation: "CBM", words: ["of", "Confidence", "Building", "Measures"]))
        #expect(AbbreviationMatcher.matches(abbreviation: "ＷＴＯ", words: ["World", "Trade", "Organization"]))
    }

    @Test func minedFromMadeUpDocuments() throws {
        let miner = try ConceptMiner()
        let documents = [
            (path: "a.txt", text: "各国はCBMの拡充に合意した。"),
            (path: "b.txt", text: "States agreed on new Confidence Building Measures in 2015.\nthe cyber bank matters"),
        ]
        let all = try miner.mine(documents: documents).filter { $0.rule == .abbreviation }
        // Lower-case runs are not candidates: their initials match by coincidence.
        #expect(all.filter { $0.confidence < 0.6 }.isEmpty)
        let found = all.filter { $0.confidence >= 0.6 }
        #expect(found.map(\.terms) == [["CBM", "Confidence Building Measures"]])
        #expect(found.first?.confidence ?? 0 >= 0.8)
        #expect(found.first?.evidence.map(\.document) == ["a.txt", "b.txt"])
        let map = try miner.conceptMap(from: found)
        #expect(try map.expansions(of: "cbm", using: Analyzer()).map(\.text) == ["Confidence Building Measures"])
    }

    /// Identifiers, single letters and sentence-opening closed-class words do not expand anything.
    @Test func identifiersAndSentenceStartsAreNotExpansions() throws {
        let miner = try ConceptMiner()
        let documents = [
            (path: "a.txt", text: "The IP and the SIT and the AS are set.\nThe BPF runs."),
            (path: "b.txt", text: "If PERF_SAMPLE_IP is set, so is it.\nSupported Isolinux This way.\nWritten by Andrew S Tanenbaum.\nThe Berkeley Packet Filter."),
        ]
        let found = try miner.mine(documents: documents).filter { $0.rule == .abbreviation }.map(\.terms)
        #expect(found == [["BPF", "Berkeley Packet Filter"]], "\(found)")
        #expect(AbbreviationMatcher.isExpansion(["Group", "of", "Governmental", "Experts"]))
        #expect(!AbbreviationMatcher.isExpansion(["Unlike", "PERF_SAMPLE_ID"]))
        #expect(!AbbreviationMatcher.isExpansion(["Network", "eth0"]))
    }

    /// Two letters are spelled by chance by part of a longer name or a table row; three are not.
    @Test func twoLetterAbbreviationsNeedAWholeTitle() throws {
        let miner = try ConceptMiner()
        let documents = [
            (path: "a.txt", text: "MS products, a PC and the UN. The EFI and the NT server."),
            (path: "b.txt", text: "Endorsed by all UN Member States.\nSSH Socket for Per-Connection Servers\nMBR by Neil Turton This is free\nThe United Nations met.\nThe Unified Extensible Firmware Interface"),
        ]
        let found = Set(try miner.mine(documents: documents).filter { $0.rule == .abbreviation && $0.confidence >= 0.6 }.map(\.terms))
        #expect(found == [["UN", "United Nations"], ["EFI", "Extensible Firmware Interface"]], "\(found)")
        #expect(AbbreviationMatcher.isWholeTitle(["The", "United", "Nations", "met"], 1..<3))
        #expect(!AbbreviationMatcher.isWholeTitle(["all", "UN", "Member", "States"], 2..<4))
        #expect(!AbbreviationMatcher.isWholeTitle(["by", "Neil", "Turton", "This"], 1..<3))
    }

    @Test func corpusAbbreviations() throws {
        let miner = try ConceptMiner()
        let all = try miner.mine(documents: corpusDocuments()).filter { $0.rule == .abbreviation }
        let confident = Set(all.filter { $0.confidence >= 0.6 }.map { $0.terms.joined(separator: "~") })
        for pair in ["GGE~Group of Governmental Experts", "ODA~Official Development Aid", "UN~United Nations", "UK~United Kingdom"] {
            #expect(confident.contains(pair), "missing \(pair)")
        }
        // Lower-case coincidences (CC ~ common challenges) stay under the concept threshold.
        #expect(all.filter { $0.terms[0] == "CC" }.allSatisfy { $0.confidence < 0.6 })
    }
}
