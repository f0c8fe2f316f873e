import HashiAnalysis
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the JMdict distribution (`JMdict_e` or the full `JMdict`, gzipped or not) into a concept
/// dictionary file in the Solr synonyms syntax that `hashi index --concepts` reads.
///
/// The file is streamed: gzip is detected by its magic bytes and inflated a chunk at a time, the XML
/// is scanned a chunk at a time, and only one entry is held at once. Lines go to one temporary file
/// per weight beside the output, then are joined (highest weight first, entry order within a weight)
/// into a temporary output that is renamed over `output` at the end; after an error nothing has
/// been written to `output` and the temporary files are removed. Memory does not grow with the file.
///
/// The output starts with comments naming the source, the JMdict creation date, the counts and the
/// EDRDG licence, then `#@ imported JMdict`; each run of lines of one weight follows a
/// `#@ weight W` line; each concept line is `kanji forms, kana forms, one English gloss  # JMdict
/// <ent_seq>`. ``JMdictConceptRules`` documents what is kept and the weights.
public enum JMdictImporter {
    /// The licence line every generated file carries.
    public static let licenceLine = "# JMdict © the Electronic Dictionary Research and Development Group (EDRDG), licensed under "
        + "Creative Commons Attribution-ShareAlike 4.0; this file is a derived work under the same licence."

    /// Imports the JMdict file at `input` into a concept dictionary at `output` (replacing it).
    /// - Throws: ``JMdictError`` naming the file and line or byte offset; `output` is then untouched.
    public static func importFile(at input: String, to output: String) throws(JMdictError) -> JMdictImportSummary {
        let file = try FileChunkSource(path: input)
        let compressed = try file.peek(2) == [0x1F, 0x8B]
        let source: any ByteChunkSource = compressed ? try GzipChunkSource(input: file, file: input) : file
        var summary = try convert(source, file: input, to: output)
        summary.isCompressed = compressed
        summary.fileBytes = max(file.size, file.consumedBytes)
        return summary
    }

    /// Converts the JMdict XML `source` hands out (`file` names it) into a concept dictionary at `output`.
    static func convert(_ source: any ByteChunkSource, file: String, to output: String) throws(JMdictError) -> JMdictImportSummary {
        let temporary = "\(output).tmp-\(getpid())"
        var buckets: [Int: BufferedFileWriter] = [:]
        func bucketPath(_ weight: Int) -> String { "\(temporary)-w\(weight)" }
        var reader = JMdictReader(scanner: XMLScanner(source: source, file: file))
        let terms = SearchableTermCheck(analyzer: try? Analyzer())
        defer {
            reader.close()
            for weight in buckets.keys { unlink(bucketPath(weight)) }
        }
        var summary = JMdictImportSummary(
            input: file, output: output, createdDate: nil, isCompressed: false, fileBytes: 0, xmlBytes: 0, entriesRead: 0,
            entriesWritten: 0, entriesWithoutForms: 0, entriesWithoutGlosses: 0, lines: 0, linesByWeight: [:],
            formsDropped: 0, glossesDropped: [:])
        do throws(JMdictError) {
            while let entry = try reader.nextEntry() {
                summary.entriesRead += 1
                let outcome = JMdictConceptRules.lines(for: entry, terms: terms)
                summary.formsDropped += outcome.formsDropped
                summary.glossesDropped.merge(outcome.drops, uniquingKeysWith: +)
                if outcome.noForms {
                    summary.entriesWithoutForms += 1
                    continue
                }
                guard !outcome.lines.isEmpty else {
                    summary.entriesWithoutGlosses += 1
                    continue
                }
                summary.entriesWritten += 1
                for line in outcome.lines {
                    let bucket: BufferedFileWriter
                    if let open = buckets[line.weight] {
                        bucket = open
                    } else {
                        bucket = try BufferedFileWriter(path: bucketPath(line.weight))
                        buckets[line.weight] = bucket
                    }
                    try bucket.write(line.text)
                    try bucket.write("\n")
                    summary.lines += 1
                    summary.linesByWeight[line.weight, default: 0] += 1
                }
            }
            summary.createdDate = reader.createdDate
            summary.xmlBytes = reader.xmlBytesRead
            summary.fileBytes = reader.fileBytesRead
            for bucket in buckets.values { try bucket.close() }
            try assemble(summary, buckets: buckets.keys.sorted(by: >), bucketPath: bucketPath, into: temporary)
            guard rename(temporary, output) == 0 else {
                throw JMdictError.cannotWrite(file: output, message: String(cString: strerror(errno)))
            }
        } catch {
            unlink(temporary)
            // Name the output the user gave rather than a temporary file beside it.
            if case let .cannotWrite(file, message) = error, file.hasPrefix(temporary) {
                throw .cannotWrite(file: output, message: message)
            }
            throw error
        }
        return summary
    }

    /// Writes the header and the buckets' lines, highest weight first, to `path`.
    private static func assemble(_ summary: JMdictImportSummary, buckets: [Int], bucketPath: (Int) -> String,
                                 into path: String) throws(JMdictError) {
        let out = try BufferedFileWriter(path: path)
        for line in header(summary) { try out.write(line + "\n") }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { chunk.deallocate() }
        for weight in buckets {
            try out.write("#@ weight \(formatWeight(weight))\n")
            let bucket = try FileChunkSource(path: bucketPath(weight))
            while case let count = try bucket.read(into: chunk), count > 0 {
                try out.write(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
            }
        }
        try out.close(synchronize: true)
    }

    /// The comment and directive lines that open the file.
    static func header(_ summary: JMdictImportSummary) -> [String] {
        let created = summary.createdDate.map { "JMdict created \($0)" } ?? "JMdict creation date not given"
        return [
            "# Concept dictionary generated from JMdict (\(created)) by hashi concepts import jmdict: "
                + "\(summary.entriesWritten) of \(summary.entriesRead) entries, \(summary.lines) lines.",
            licenceLine,
            "# One line per English gloss: the entry's kanji forms, kana forms and the gloss; "
                + "a \"#@ weight W\" line weights the lines after it.",
            "#@ imported JMdict",
        ]
    }

    /// A weight in hundredths as the `#@ weight` directive prints it (`45` → `0.45`), clamped to 0.01…1.
    public static func formatWeight(_ hundredths: Int) -> String {
        let clamped = min(max(hundredths, 1), 100)
        return "\(clamped / 100).\(clamped % 100 < 10 ? "0" : "")\(clamped % 100)"
    }
}
