/// A streaming XML scanner, strict enough for the JMdict distribution: it reads a byte stream a chunk
/// at a time and reports ``XMLEvent``s, so memory does not grow with the file.
///
/// It reads the XML declaration (only UTF-8), comments, processing instructions, the DOCTYPE with an
/// internal subset (`<!ENTITY name "value">` declarations are kept; `ELEMENT`, `ATTLIST` and
/// `NOTATION` declarations are skipped), elements with attributes, character data, CDATA sections,
/// the five predefined entities, numeric character references and references to declared entities.
/// It checks that the stream is UTF-8 and that tags nest. It does not support external entities or
/// parameter-entity references (JMdict uses neither): they are errors, as are undefined entities,
/// mismatched tags, text outside the root element and a stream that ends inside an element.
struct XMLScanner {
    /// The file named in errors.
    let file: String
    private var source: any ByteChunkSource
    private var buffer: UnsafeMutableRawBufferPointer
    private var position = 0
    private var end = 0
    private var bufferBase = 0
    private var sourceEnded = false
    private var validator = UTF8Validator()
    /// Stream offset of a bad UTF-8 sequence; `end` stops before it and reaching `end` reports it.
    private var pendingInvalidUTF8: Int?
    /// The current 1-based line.
    private(set) var line = 1
    /// Entities declared in the DOCTYPE's internal subset, by name.
    private(set) var entities: [String: String] = [:]
    /// Open elements with the line each started on, outermost first.
    private var openElements: [(name: String, line: Int)] = []
    private var sawRoot = false
    private var sawDoctype = false
    private var pendingEvents: [XMLEvent] = []
    private var text: [UInt8] = []
    private var nameBytes: [UInt8] = []

    /// A scanner over the bytes `source` hands out; `file` names the file in errors.
    init(source: any ByteChunkSource, file: String, chunkSize: Int = 1 << 16) {
        self.source = source
        self.file = file
        buffer = .allocate(byteCount: max(chunkSize, 16), alignment: 16)
        text.reserveCapacity(256)
    }

    /// Frees the read buffer; call once the scanner is no longer needed.
    mutating func close() {
        buffer.deallocate()
        buffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    }

    /// Bytes of the XML text consumed so far.
    var byteOffset: Int { bufferBase + position }

    /// Bytes of the underlying file read so far (compressed bytes for gzip).
    var fileBytesRead: Int { source.consumedBytes }

    /// The next event, or nil at the end of a well-formed document.
    /// - Throws: ``JMdictError`` for malformed XML, bad UTF-8 or a read error.
    mutating func next() throws(JMdictError) -> XMLEvent? {
        if !pendingEvents.isEmpty { return pendingEvents.removeFirst() }
        while true {
            guard let byte = try peek() else { return try finish() }
            if byte == UInt8(ascii: "<") {
                advance()
                if let event = try markup() { return event }
            } else if let event = try characterData() {
                return event
            }
        }
    }

    // MARK: - Bytes

    /// Reads the next chunk; false at the end of the stream.
    private mutating func refill() throws(JMdictError) -> Bool {
        if let offset = pendingInvalidUTF8 { throw .invalidUTF8(file: file, line: line, byteOffset: offset) }
        if sourceEnded || buffer.count == 0 { return false }
        bufferBase += end
        position = 0
        end = try source.read(into: buffer)
        if end == 0 {
            sourceEnded = true
            if !validator.isComplete { throw .invalidUTF8(file: file, line: line, byteOffset: validator.sequenceStart) }
            return false
        }
        if bufferBase == 0 && end >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
            position = 3
        }
        if let bad = validator.validate(UnsafeRawBufferPointer(rebasing: buffer[0..<end]), base: bufferBase) {
            end = bad.index
            pendingInvalidUTF8 = bad.offset
            if end <= position { throw .invalidUTF8(file: file, line: line, byteOffset: bad.offset) }
        }
        return true
    }

    @inline(__always)
    private mutating func peek() throws(JMdictError) -> UInt8? {
        if position == end {
            guard try refill() else { return nil }
        }
        return buffer[position]
    }

    /// Moves past the byte `peek` returned.
    @inline(__always)
    private mutating func advance() {
        if buffer[position] == 0x0A { line += 1 }
        position += 1
    }

    /// The next byte, consumed; an error naming `context` at the end of the stream.
    private mutating func take(_ context: @autoclosure () -> String) throws(JMdictError) -> UInt8 {
        guard let byte = try peek() else { throw truncation(context()) }
        advance()
        return byte
    }

    private func truncation(_ context: @autoclosure () -> String) -> JMdictError {
        if let open = openElements.last {
            return .truncatedXML(file: file, line: line, openElement: open.name, openedAt: open.line)
        }
        return .malformedXML(file: file, line: line, message: "the file ends inside \(context())")
    }

    private func malformed(_ message: String) -> JMdictError {
        .malformedXML(file: file, line: line, message: message)
    }

    /// Consumes `literal`, or fails naming `context`.
    private mutating func expect(_ literal: String, in context: @autoclosure () -> String) throws(JMdictError) {
        for expected in literal.utf8 {
            let byte = try take(context())
            guard byte == expected else {
                throw malformed("expected \"\(literal)\" in \(context()), found \(describe(byte))")
            }
        }
    }

    /// Skips whitespace; whether there was any.
    @discardableResult
    private mutating func skipWhitespace() throws(JMdictError) -> Bool {
        var skipped = false
        while let byte = try peek(), isWhitespace(byte) {
            advance()
            skipped = true
        }
        return skipped
    }

    // MARK: - Names and references

    /// Reads an XML name (ASCII letters, digits, `_`, `:`, `-`, `.` and any non-ASCII character).
    private mutating func name(in context: @autoclosure () -> String) throws(JMdictError) -> String {
        try withName(in: context()) { String(decoding: $0, as: UTF8.self) }
    }

    /// Reads an XML name and hands its bytes to `body` (they are valid only during the call). When
    /// the name and the byte after it are in the buffer, the bytes are not copied.
    private mutating func withName<Result>(in context: @autoclosure () -> String,
                                           _ body: (UnsafeRawBufferPointer) -> Result) throws(JMdictError) -> Result {
        if position < end {
            var k = position
            while k < end && isNameByte(buffer[k], first: k == position) { k += 1 }
            if k < end {
                guard k > position else { throw malformed("expected a name in \(context()), found \(describe(buffer[position]))") }
                let start = position
                position = k
                return body(UnsafeRawBufferPointer(rebasing: buffer[start..<k]))
            }
        }
        try nameBytes(in: context())
        return nameBytes.withUnsafeBytes(body)
    }

    /// Reads an XML name into `nameBytes`, refilling the buffer as needed.
    private mutating func nameBytes(in context: @autoclosure () -> String) throws(JMdictError) {
        nameBytes.removeAll(keepingCapacity: true)
        while let byte = try peek(), isNameByte(byte, first: nameBytes.isEmpty) {
            nameBytes.append(byte)
            advance()
        }
        guard !nameBytes.isEmpty else {
            guard let byte = try peek() else { throw truncation(context()) }
            throw malformed("expected a name in \(context()), found \(describe(byte))")
        }
    }

    /// What a reference (after its `&`) stands for.
    private enum Reference {
        /// A predefined entity or a character reference: the bytes to insert.
        case characters([UInt8])
        /// A declared entity.
        case declared(name: String, value: String)
    }

    /// Reads a reference after its `&`, through its `;`. With `declared` false, a reference to a
    /// declared entity is refused (entity values may not refer to other entities here).
    private mutating func reference(declared: Bool = true) throws(JMdictError) -> Reference {
        if try peek() == UInt8(ascii: "#") {
            advance()
            var radix: UInt32 = 10
            if try peek() == UInt8(ascii: "x") {
                advance()
                radix = 16
            }
            var value: UInt32 = 0
            var digits = 0
            while let byte = try peek(), byte != UInt8(ascii: ";") {
                guard let digit = hexDigitValue(byte), digit < radix else {
                    throw malformed("bad character reference: \(describe(byte)) is not a digit")
                }
                value = value &* radix &+ digit
                digits += 1
                guard digits <= 8 else { throw malformed("character reference too long") }
                advance()
            }
            try expect(";", in: "a character reference")
            guard digits > 0, let scalar = Unicode.Scalar(value), isXMLCharacter(value) else {
                throw malformed("character reference &#\(radix == 16 ? "x" : "")\(String(value, radix: Int(radix)));"
                    + " is not a character XML allows")
            }
            return .characters(Array(String(Character(scalar)).utf8))
        }
        let entity = try name(in: "an entity reference")
        try expect(";", in: "the reference &\(entity);")
        switch entity {
        case "lt": return .characters([UInt8(ascii: "<")])
        case "gt": return .characters([UInt8(ascii: ">")])
        case "amp": return .characters([UInt8(ascii: "&")])
        case "apos": return .characters([UInt8(ascii: "'")])
        case "quot": return .characters([UInt8(ascii: "\"")])
        default:
            guard declared else {
                throw malformed("entity values that refer to other entities are not supported (&\(entity);)")
            }
            guard let value = entities[entity] else { throw .undefinedEntity(file: file, line: line, name: entity) }
            return .declared(name: entity, value: value)
        }
    }

    /// A quoted literal (attribute value or entity value): references expanded, `<` refused.
    private mutating func quotedValue(in context: @autoclosure () -> String, allowDeclaredEntities: Bool) throws(JMdictError) -> String {
        let quote = try take(context())
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
            throw malformed("expected a quoted value in \(context()), found \(describe(quote))")
        }
        var value: [UInt8] = []
        while true {
            let byte = try take(context())
            if byte == quote { break }
            if byte == UInt8(ascii: "<") { throw malformed("\"<\" inside a quoted value in \(context())") }
            if byte == UInt8(ascii: "%") && !allowDeclaredEntities {
                throw malformed("parameter-entity references are not supported (in \(context()))")
            }
            if byte == UInt8(ascii: "&") {
                switch try reference(declared: allowDeclaredEntities) {
                case let .characters(bytes): value.append(contentsOf: bytes)
                case let .declared(_, expansion): value.append(contentsOf: expansion.utf8)
                }
                continue
            }
            value.append(byte)
        }
        return String(decoding: value, as: UTF8.self)
    }

    // MARK: - Markup

    /// Reads the markup after a `<`; nil for what is not reported (processing instructions).
    private mutating func markup() throws(JMdictError) -> XMLEvent? {
        guard let byte = try peek() else { throw truncation("a tag") }
        switch byte {
        case UInt8(ascii: "/"):
            advance()
            return try endTag()
        case UInt8(ascii: "?"):
            advance()
            try processingInstruction()
            return nil
        case UInt8(ascii: "!"):
            advance()
            switch try peek() {
            case UInt8(ascii: "-"):
                return .comment(try comment())
            case UInt8(ascii: "["):
                try expect("[CDATA[", in: "a CDATA section")
                guard !openElements.isEmpty else { throw malformed("a CDATA section outside the root element") }
                return .text(try until("]]>", in: "a CDATA section"))
            default:
                try expect("DOCTYPE", in: "a declaration")
                guard !sawRoot && !sawDoctype else { throw malformed("a DOCTYPE after the root element or a second DOCTYPE") }
                return try doctype()
            }
        default:
            return try startTag()
        }
    }

    /// Reads `<!--…-->` after its `<!`; the comment's text.
    private mutating func comment() throws(JMdictError) -> String {
        try expect("--", in: "a comment")
        return try until("-->", in: "a comment")
    }

    /// The text up to `terminator`, consumed with it.
    private mutating func until(_ terminator: String, in context: @autoclosure () -> String) throws(JMdictError) -> String {
        let stop = Array(terminator.utf8)
        var bytes: [UInt8] = []
        while true {
            bytes.append(try take(context()))
            if bytes.count >= stop.count && bytes.suffix(stop.count).elementsEqual(stop) {
                bytes.removeLast(stop.count)
                return String(decoding: bytes, as: UTF8.self)
            }
        }
    }

    /// Reads `<?target …?>` after its `<?`; refuses an XML declaration naming an encoding other than UTF-8.
    private mutating func processingInstruction() throws(JMdictError) {
        let target = try name(in: "a processing instruction")
        let body = try until("?>", in: "a processing instruction")
        guard target.lowercased() == "xml" else { return }
        guard byteOffset - body.utf8.count - target.utf8.count - 4 <= 3 else {
            throw malformed("an XML declaration that is not at the start of the file")
        }
        if let range = body.firstRange(of: "encoding") {
            let rest = body[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
            let encoding = rest.prefix { $0 != "\"" && $0 != "'" && $0 != " " }
            guard ["utf-8", "utf8"].contains(encoding.lowercased()) else {
                throw malformed("the file declares encoding \"\(encoding)\"; only UTF-8 is supported")
            }
        }
    }

    /// Reads `<!DOCTYPE name … [subset]>` after its `<!DOCTYPE`, keeping the entity declarations.
    private mutating func doctype() throws(JMdictError) -> XMLEvent {
        guard try skipWhitespace() else { throw malformed("expected a space after <!DOCTYPE") }
        let root = try name(in: "the DOCTYPE")
        try skipWhitespace()
        if let byte = try peek(), byte == UInt8(ascii: "S") || byte == UInt8(ascii: "P") {
            let keyword = try name(in: "the DOCTYPE's external identifier")
            let literals: Int
            switch keyword {
            case "SYSTEM": literals = 1
            case "PUBLIC": literals = 2
            default: throw malformed("expected SYSTEM or PUBLIC in the DOCTYPE, found \(keyword)")
            }
            for _ in 0..<literals {
                try skipWhitespace()
                _ = try quotedValue(in: "the DOCTYPE's external identifier", allowDeclaredEntities: true)
            }
            try skipWhitespace()
        }
        if try peek() == UInt8(ascii: "[") {
            advance()
            try internalSubset()
            try skipWhitespace()
        }
        try expect(">", in: "the DOCTYPE")
        sawDoctype = true
        return .doctype(rootName: root)
    }

    /// Reads the DOCTYPE's internal subset after its `[`, through its `]`.
    private mutating func internalSubset() throws(JMdictError) {
        while true {
            try skipWhitespace()
            let byte = try take("the DOCTYPE")
            switch byte {
            case UInt8(ascii: "]"):
                return
            case UInt8(ascii: "%"):
                throw malformed("parameter-entity references are not supported in the DOCTYPE")
            case UInt8(ascii: "<"):
                let kind = try take("the DOCTYPE")
                if kind == UInt8(ascii: "?") {
                    try processingInstruction()
                    continue
                }
                guard kind == UInt8(ascii: "!") else { throw malformed("expected a declaration in the DOCTYPE, found \(describe(kind))") }
                if try peek() == UInt8(ascii: "-") {
                    _ = try comment()
                    continue
                }
                let keyword = try name(in: "a declaration")
                switch keyword {
                case "ENTITY": try entityDeclaration()
                case "ELEMENT", "ATTLIST", "NOTATION": try skipDeclaration(keyword)
                default: throw malformed("unknown declaration <!\(keyword) in the DOCTYPE")
                }
            default:
                throw malformed("expected a declaration in the DOCTYPE, found \(describe(byte))")
            }
        }
    }

    /// Reads `<!ENTITY name "value">` after its `<!ENTITY`. The first declaration of a name wins, as
    /// XML says; parameter entities (`<!ENTITY % …>`) are read and ignored.
    private mutating func entityDeclaration() throws(JMdictError) {
        guard try skipWhitespace() else { throw malformed("expected a space after <!ENTITY") }
        if try peek() == UInt8(ascii: "%") {
            advance()
            try skipDeclaration("ENTITY %")
            return
        }
        let entity = try name(in: "an entity declaration")
        try skipWhitespace()
        guard let byte = try peek() else { throw truncation("an entity declaration") }
        guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") else {
            throw malformed("external entities are not supported (<!ENTITY \(entity) …>)")
        }
        let value = try quotedValue(in: "the declaration of &\(entity);", allowDeclaredEntities: false)
        try skipWhitespace()
        try expect(">", in: "the declaration of &\(entity);")
        if entities[entity] == nil { entities[entity] = value }
    }

    /// Skips a markup declaration through its `>` (quoted `>`s do not end it).
    private mutating func skipDeclaration(_ keyword: String) throws(JMdictError) {
        var quote: UInt8?
        while true {
            let byte = try take("<!\(keyword)")
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return
            }
        }
    }

    /// Reads a start tag after its `<`.
    private mutating func startTag() throws(JMdictError) -> XMLEvent {
        let startLine = line
        let element = try name(in: "a start tag")
        if openElements.isEmpty && sawRoot { throw malformed("a second root element <\(element)>") }
        var attributes: [XMLAttribute] = []
        while true {
            let spaced = try skipWhitespace()
            let byte = try take("the tag <\(element)>")
            if byte == UInt8(ascii: ">") { break }
            if byte == UInt8(ascii: "/") {
                try expect(">", in: "the tag <\(element)/>")
                sawRoot = true
                pendingEvents.append(.end(name: element))
                return .start(name: element, attributes: attributes)
            }
            guard spaced else { throw malformed("expected a space before an attribute of <\(element)>, found \(describe(byte))") }
            position -= 1
            if byte == 0x0A { line -= 1 }
            let attribute = try name(in: "an attribute of <\(element)>")
            try skipWhitespace()
            try expect("=", in: "the attribute \(attribute) of <\(element)>")
            try skipWhitespace()
            let value = try quotedValue(in: "the attribute \(attribute) of <\(element)>", allowDeclaredEntities: true)
            guard !attributes.contains(where: { $0.name == attribute }) else {
                throw malformed("the attribute \(attribute) appears twice in <\(element)>")
            }
            attributes.append(XMLAttribute(name: attribute, value: value))
        }
        sawRoot = true
        openElements.append((element, startLine))
        return .start(name: element, attributes: attributes)
    }

    /// Reads an end tag after its `</`.
    private mutating func endTag() throws(JMdictError) -> XMLEvent {
        // Compare the name's bytes with the open element's rather than make a new string.
        let open = openElements.last
        let (matches, written) = try withName(in: "an end tag") { bytes -> (Bool, String) in
            if let open, open.name.utf8.elementsEqual(bytes) { return (true, open.name) }
            return (false, String(decoding: bytes, as: UTF8.self))
        }
        try skipWhitespace()
        let byte = try take("the end tag </\(written)>")
        guard byte == UInt8(ascii: ">") else {
            throw malformed("expected \">\" in the end tag </\(written)>, found \(describe(byte))")
        }
        guard let open else { throw malformed("the end tag </\(written)> has no start tag") }
        guard matches else {
            throw malformed("the end tag </\(written)> does not match <\(open.name)> opened at line \(open.line)")
        }
        openElements.removeLast()
        return .end(name: open.name)
    }

    /// Reads character data up to the next `<` (or a declared entity's reference); nil for whitespace
    /// outside the root element, which is not reported.
    private mutating func characterData() throws(JMdictError) -> XMLEvent? {
        text.removeAll(keepingCapacity: true)
        let outside = openElements.isEmpty
        while true {
            if position == end {
                guard try refill() else { break }
            }
            var k = position
            var newlines = 0
            while k < end {
                let byte = buffer[k]
                if byte == UInt8(ascii: "<") || byte == UInt8(ascii: "&") { break }
                if byte == 0x0A { newlines += 1 }
                k += 1
            }
            if outside {
                for index in position..<k where !isWhitespace(buffer[index]) {
                    for before in position..<index where buffer[before] == 0x0A { line += 1 }
                    position = index
                    throw malformed(sawRoot ? "text after the root element"
                        : "text before the root element (expected \"<\", found \(describe(buffer[index]))); is this an XML file?")
                }
            } else {
                text.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[position..<k]))
            }
            line += newlines
            position = k
            guard k == end else {
                guard buffer[k] == UInt8(ascii: "&") else { break }
                guard !outside else { throw malformed("an entity reference outside the root element") }
                advance()
                switch try reference() {
                case let .characters(bytes):
                    text.append(contentsOf: bytes)
                case let .declared(name, value):
                    let event = XMLEvent.entity(name: name, value: value)
                    if text.isEmpty { return event }
                    pendingEvents.append(event)
                    return .text(String(decoding: text, as: UTF8.self))
                }
                continue
            }
        }
        return outside || text.isEmpty ? nil : .text(String(decoding: text, as: UTF8.self))
    }

    /// At the end of the stream: nil when the document was complete, else the error saying why not.
    private mutating func finish() throws(JMdictError) -> XMLEvent? {
        if let open = openElements.last {
            throw .truncatedXML(file: file, line: line, openElement: open.name, openedAt: open.line)
        }
        guard sawRoot else { throw .truncatedXML(file: file, line: line, openElement: nil, openedAt: nil) }
        return nil
    }
}

// MARK: - Byte classes

@inline(__always)
private func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
}

@inline(__always)
private func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"), UInt8(ascii: ":"), 0x80...:
        true
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."):
        !first
    default:
        false
    }
}

private func hexDigitValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
}

/// Whether `value` is a character XML 1.0 allows (`Char` in the XML specification).
private func isXMLCharacter(_ value: UInt32) -> Bool {
    switch value {
    case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
    default: false
    }
}

/// A byte as errors show it: the character when printable ASCII, else its hex value.
private func describe(_ byte: UInt8) -> String {
    (0x21...0x7E).contains(byte) ? "\"\(Character(Unicode.Scalar(byte)))\"" : "byte 0x" + String(byte, radix: 16, uppercase: true)
}
