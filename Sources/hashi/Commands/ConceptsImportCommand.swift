import ArgumentParser
import Foundation
import HashiConcepts

extension ConceptsCommand {
    /// `hashi concepts import`: turn a published dictionary into a concept dictionary file.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Turn a published dictionary into a concept dictionary file for hashi index --concepts.",
            subcommands: [ImportJMdict.self]
        )
    }

    /// `hashi concepts import jmdict PATH --output FILE`.
    struct ImportJMdict: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "jmdict",
            abstract: "Import JMdict (JMdict_e or JMdict, gzipped or not) as a concept dictionary.",
            discussion: """
                Writes one line per kept English gloss (kanji forms, kana forms, the gloss), weighted by the \
                entry's priority and the gloss's place, under `#@ imported JMdict`. The file is derived from \
                JMdict and falls under its licence, CC BY-SA 4.0 (EDRDG). See README, "Importing JMdict".
                """
        )

        @Argument(help: "The JMdict file (JMdict_e.gz from the EDRDG, or the inflated XML).")
        var path: String

        @Option(help: "The concept dictionary to write (replaced only when the import succeeds).")
        var output: String

        @Flag(help: "Print the summary as JSON.")
        var json = false

        func run() throws {
            var summary: JMdictImportSummary?
            let seconds = try Stopwatch.seconds {
                do throws(JMdictError) {
                    summary = try JMdictImporter.importFile(at: path, to: output)
                } catch {
                    throw CLIError(error.description)
                }
            }
            guard let summary else { return }
            let report = ImportReport(summary, seconds: seconds)
            if json {
                print(try JSON.line(report))
                return
            }
            print(String(format: "imported %@ (JMdict created %@, %.1f MB%@) into %@ in %.2f s (%.1f MB/s of XML)",
                         summary.input, summary.createdDate ?? "unknown", Double(summary.xmlBytes) / 1e6,
                         summary.isCompressed ? String(format: ", %.1f MB gzipped", Double(summary.fileBytes) / 1e6) : "",
                         summary.output, seconds, report.megabytesPerSecond))
            print("entries: \(summary.entriesRead) read, \(summary.entriesWritten) written, "
                + "\(summary.entriesWithoutForms) without a kept form, \(summary.entriesWithoutGlosses) without a kept gloss")
            print("lines: \(summary.lines) (by weight: "
                + summary.linesByWeight.sorted { $0.key > $1.key }.map { "\(JMdictImporter.formatWeight($0.key)) \($0.value)" }
                    .joined(separator: ", ") + ")")
            let drops = summary.glossesDropped.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }
            print("glosses dropped: \(summary.totalGlossesDropped)" + (drops.isEmpty ? "" : " (\(drops.joined(separator: ", ")))")
                + "; forms dropped: \(summary.formsDropped)")
        }
    }
}

/// The `--json` shape of a JMdict import's summary.
private struct ImportReport: Encodable {
    let input: String
    let output: String
    let created: String?
    let compressed: Bool
    let fileBytes: Int
    let xmlBytes: Int
    let entriesRead: Int
    let entriesWritten: Int
    let entriesWithoutForms: Int
    let entriesWithoutGlosses: Int
    let lines: Int
    let linesByWeight: [String: Int]
    let glossesDropped: [String: Int]
    let formsDropped: Int
    let seconds: Double
    let megabytesPerSecond: Double

    init(_ summary: JMdictImportSummary, seconds: Double) {
        input = summary.input
        output = summary.output
        created = summary.createdDate
        compressed = summary.isCompressed
        fileBytes = summary.fileBytes
        xmlBytes = summary.xmlBytes
        entriesRead = summary.entriesRead
        entriesWritten = summary.entriesWritten
        entriesWithoutForms = summary.entriesWithoutForms
        entriesWithoutGlosses = summary.entriesWithoutGlosses
        lines = summary.lines
        linesByWeight = Dictionary(uniqueKeysWithValues: summary.linesByWeight.map { (JMdictImporter.formatWeight($0.key), $0.value) })
        glossesDropped = Dictionary(uniqueKeysWithValues: summary.glossesDropped.map { ($0.key.rawValue, $0.value) })
        formsDropped = summary.formsDropped
        self.seconds = seconds
        megabytesPerSecond = seconds > 0 ? Double(summary.xmlBytes) / 1e6 / seconds : 0
    }
}
