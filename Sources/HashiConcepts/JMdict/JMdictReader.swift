/// Reads JMdict entries one at a time from an ``XMLScanner``, so only the current entry is in memory.
///
/// Checks what the importer relies on: the root element (and DOCTYPE, when there is one) is
/// `JMdict`, its children are `entry` elements, each with one numeric `ent_seq`, and `keb`/`reb` are
/// not empty. Elements the importer does not use (`xref`, `lsource`, `example`, …) are skipped.
struct JMdictReader {
    private var scanner: XMLScanner
    private var inRoot = false
    private var done = false

    /// The date of the `JMdict created: YYYY-MM-DD` comment, once read (it precedes the root element).
    private(set) var createdDate: String?

    /// A reader over `scanner`'s events.
    init(scanner: XMLScanner) {
        self.scanner = scanner
    }

    /// Frees the scanner's buffer; call once the reader is no longer needed.
    mutating func close() { scanner.close() }

    /// Bytes of XML text read so far.
    var xmlBytesRead: Int { scanner.byteOffset }

    /// Bytes of the file read so far (compressed bytes for gzip).
    var fileBytesRead: Int { scanner.fileBytesRead }

    /// The next entry, or nil after the last one (at the end of a complete file).
    /// - Throws: ``JMdictError`` for malformed XML, a file that is not JMdict or an invalid entry.
    mutating func nextEntry() throws(JMdictError) -> JMdictEntry? {
        guard !done else { return nil }
        while let event = try scanner.next() {
            switch event {
            case let .comment(text):
                if createdDate == nil { createdDate = Self.creationDate(in: text) }
            case let .doctype(rootName):
                guard rootName == "JMdict" else { throw .notJMdict(file: scanner.file, line: scanner.line, found: rootName) }
            case let .start(name, _):
                if !inRoot {
                    guard name == "JMdict" else { throw .notJMdict(file: scanner.file, line: scanner.line, found: name) }
                    inRoot = true
                } else {
                    guard name == "entry" else {
                        throw .invalidEntry(file: scanner.file, line: scanner.line, message: "<\(name)> where an <entry> should be")
                    }
                    return try entry()
                }
            case .end:
                inRoot = false
            case .text, .entity:
                // Only whitespace reaches here between entries; text directly in <JMdict> is not JMdict.
                if case let .text(text) = event, text.utf8.allSatisfy(Self.isASCIIWhitespace) { continue }
                throw .invalidEntry(file: scanner.file, line: scanner.line, message: "text directly inside <JMdict>")
            }
        }
        done = true
        return nil
    }

    /// The `YYYY-MM-DD` after `JMdict created:` in a comment, if there is one.
    static func creationDate(in comment: String) -> String? {
        guard let range = comment.firstRange(of: "JMdict created:") else { return nil }
        let date = comment[range.upperBound...].drop { $0 == " " }.prefix { $0.isNumber || $0 == "-" }
        return date.isEmpty ? nil : String(date)
    }

    /// Reads the rest of an entry after its start tag.
    private mutating func entry() throws(JMdictError) -> JMdictEntry {
        let file = scanner.file
        let startLine = scanner.line
        var sequence: Int?
        var result = JMdictEntry(sequence: 0, line: startLine)
        var kanji = JMdictEntry.Kanji()
        var reading = JMdictEntry.Reading()
        var sense = JMdictEntry.Sense()
        var glossAttributes: [XMLAttribute] = []
        var path: [String] = ["entry"]
        var text = ""
        var codes: [String] = []

        func invalid(_ message: String) -> JMdictError {
            .invalidEntry(file: file, line: scanner.line, message: message + (sequence.map { " (ent_seq \($0))" } ?? ""))
        }
        /// The entity names of a code element, or its text when it has no entity reference.
        func codeList() -> [String] {
            if !codes.isEmpty { return codes }
            let trimmed = Self.trimmed(text)
            return trimmed.isEmpty ? [] : [trimmed]
        }

        // Text is kept only while the innermost open element is the collected element that started
        // at `textDepth` (so the text of a child such as <pri> inside <gloss> is not).
        var textDepth = -1
        /// For each element of `path`, whether the importer keeps its content.
        var kept: [Bool] = [true]
        while let event = try scanner.next() {
            switch event {
            case let .start(name, attributes):
                let parent = path[path.count - 1]
                path.append(name)
                let keep = Self.collects(name, in: parent)
                kept.append(keep)
                guard keep else { continue }
                textDepth = path.count
                text = ""
                codes = []
                switch name {
                case "k_ele": kanji = JMdictEntry.Kanji()
                case "r_ele": reading = JMdictEntry.Reading()
                case "sense": sense = JMdictEntry.Sense()
                case "re_nokanji": reading.noKanji = true
                case "gloss": glossAttributes = attributes
                default: break
                }
            case let .text(chunk):
                if path.count == textDepth { text += chunk }
            case let .entity(name, value):
                if path.count == textDepth {
                    text += value
                    codes.append(name)
                }
            case let .end(name):
                let depth = path.count
                path.removeLast()
                let keep = kept.removeLast()
                guard !path.isEmpty else {
                    guard let sequence else { throw invalid("an entry without <ent_seq>") }
                    guard !result.readings.isEmpty else { throw invalid("an entry without <r_ele>") }
                    result.sequence = sequence
                    return result
                }
                guard keep else { continue }
                if depth == textDepth { textDepth = -1 }
                // The element and its parent were checked on the way in (`collects`), so the name decides;
                // the most frequent elements come first.
                switch name {
                case "gloss":
                    sense.glosses.append(JMdictEntry.Gloss(
                        text: text,
                        language: glossAttributes.first { $0.name == "xml:lang" }?.value,
                        type: glossAttributes.first { $0.name == "g_type" }?.value))
                case "ent_seq":
                    guard sequence == nil else { throw invalid("a second <ent_seq>") }
                    guard let number = Int(Self.trimmed(text)), number >= 0 else {
                        throw invalid("<ent_seq> is not a number: \"\(Self.trimmed(text))\"")
                    }
                    sequence = number
                case "k_ele":
                    guard !kanji.text.isEmpty else { throw invalid("a <k_ele> without <keb>") }
                    result.kanji.append(kanji)
                case "r_ele":
                    guard !reading.text.isEmpty else { throw invalid("an <r_ele> without <reb>") }
                    result.readings.append(reading)
                case "sense":
                    result.senses.append(sense)
                case "keb":
                    kanji.text = Self.trimmed(text)
                    guard !kanji.text.isEmpty else { throw invalid("an empty <keb>") }
                case "ke_inf": kanji.info += codeList()
                case "ke_pri": kanji.priorities += codeList()
                case "reb":
                    reading.text = Self.trimmed(text)
                    guard !reading.text.isEmpty else { throw invalid("an empty <reb>") }
                case "re_restr": reading.restrictions.append(Self.trimmed(text))
                case "re_inf": reading.info += codeList()
                case "re_pri": reading.priorities += codeList()
                case "stagk": sense.kanjiRestrictions.append(Self.trimmed(text))
                case "stagr": sense.readingRestrictions.append(Self.trimmed(text))
                case "pos": sense.partsOfSpeech += codeList()
                case "misc": sense.misc += codeList()
                case "field": sense.fields += codeList()
                default:
                    break
                }
            case .comment, .doctype:
                continue
            }
        }
        // The scanner reports a stream that ends inside <entry> as an error, so this is not reached.
        throw invalid("the file ends inside an entry")
    }

    /// Whether the importer keeps the content of element `name` inside `parent`.
    static func collects(_ name: String, in parent: String) -> Bool {
        switch name {
        case "gloss", "pos", "misc", "field", "stagk", "stagr": parent == "sense"
        case "reb", "re_pri", "re_inf", "re_restr", "re_nokanji": parent == "r_ele"
        case "keb", "ke_pri", "ke_inf": parent == "k_ele"
        case "sense", "r_ele", "k_ele", "ent_seq": parent == "entry"
        default: false
        }
    }

    /// `text` without leading and trailing XML whitespace (space, tab, CR, LF).
    static func trimmed(_ text: String) -> String {
        let bytes = text.utf8
        guard let first = bytes.first, let last = bytes.last else { return text }
        if !isASCIIWhitespace(first) && !isASCIIWhitespace(last) { return text }
        guard let start = bytes.firstIndex(where: { !isASCIIWhitespace($0) }),
              let end = bytes.lastIndex(where: { !isASCIIWhitespace($0) }) else { return "" }
        // The byte after `end` is whitespace or the end, so both bounds fall between scalars.
        return String(text[start..<bytes.index(after: end)])
    }

    /// Whether `byte` is XML whitespace.
    static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
    }
}
