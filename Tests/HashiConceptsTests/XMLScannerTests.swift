import Testing

@testable import HashiConcepts

/// Every event of `xml`, scanned `chunkSize` bytes at a time.
func scanEvents(_ xml: String, chunkSize: Int = 1 << 16) throws(JMdictError) -> [XMLEvent] {
    try scanEvents(Array(xml.utf8), chunkSize: chunkSize)
}

/// Every event of `bytes`, scanned `chunkSize` bytes at a time.
func scanEvents(_ bytes: [UInt8], chunkSize: Int = 1 << 16) throws(JMdictError) -> [XMLEvent] {
    var scanner = XMLScanner(source: MemoryChunkSource(bytes), file: "t.xml", chunkSize: chunkSize)
    defer { scanner.close() }
    var events: [XMLEvent] = []
    while let event = try scanner.next() { events.append(event) }
    return events
}

/// The error scanning `xml` throws (nil when it scans cleanly).
func scanError(_ xml: String, chunkSize: Int = 1 << 16) -> JMdictError? {
    scanError(Array(xml.utf8), chunkSize: chunkSize)
}

func scanError(_ bytes: [UInt8], chunkSize: Int = 1 << 16) -> JMdictError? {
    do {
        _ = try scanEvents(bytes, chunkSize: chunkSize)
        return nil
    } catch {
        return error
    }
}

/// Adjacent text events joined, so the comparison does not depend on where chunks split text.
func joiningText(_ events: [XMLEvent]) -> [XMLEvent] {
    var result: [XMLEvent] = []
    for event in events {
        if case let .text(more) = event, case let .text(text)? = result.last {
            result[result.count - 1] = .text(text + more)
        } else {
            result.append(event)
        }
    }
    return result
}

struct XMLScannerTests {
    static let document = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE JMdict [
        <!ELEMENT JMdict (entry*)>
        <!-- a comment inside the subset, with "quotes" and > -->
        <!ATTLIST gloss xml:lang CDATA "eng" g_type CDATA #IMPLIED>
        <!ENTITY n "noun (common)">
        <!ENTITY q 'it&#39;s &amp; &#x263A;'>
        <!ENTITY n "a second declaration is ignored">
        ]>
        <!-- JMdict created: 2026-11-20 -->
        <JMdict>
        <entry a="1" b='x &amp; &n; &#65;'>
        <pos>&n;</pos><e/><gloss xml:lang="eng">caf&#233; &lt;&gt;&quot;&apos; &#x1F600; <![CDATA[<raw> & ]]></gloss>
        <q>a&q;b</q>
        </entry>
        </JMdict>

        """

    @Test(arguments: [16, 17, 64, 1 << 16])
    func eventsOfAWholeDocumentDoNotDependOnChunkSize(chunkSize: Int) throws {
        let events = joiningText(try scanEvents(Self.document, chunkSize: chunkSize))
        let expected: [XMLEvent] = [
            .doctype(rootName: "JMdict"),
            .comment(" JMdict created: 2026-11-20 "),
            .start(name: "JMdict", attributes: []), .text("\n"),
            .start(name: "entry", attributes: [XMLAttribute(name: "a", value: "1"),
                                               XMLAttribute(name: "b", value: "x & noun (common) A")]),
            .text("\n"),
            .start(name: "pos", attributes: []), .entity(name: "n", value: "noun (common)"), .end(name: "pos"),
            .start(name: "e", attributes: []), .end(name: "e"),
            .start(name: "gloss", attributes: [XMLAttribute(name: "xml:lang", value: "eng")]),
            .text("café <>\"' 😀 <raw> & "), .end(name: "gloss"), .text("\n"),
            .start(name: "q", attributes: []), .text("a"), .entity(name: "q", value: "it's & ☺"), .text("b"),
            .end(name: "q"), .text("\n"),
            .end(name: "entry"), .text("\n"),
            .end(name: "JMdict"),
        ]
        #expect(events == expected)
    }

    @Test func byteOrderMarkIsSkippedAndLinesAreCounted() throws {
        let events = try scanEvents([0xEF, 0xBB, 0xBF] + Array("<a>\n\n<b/></a>".utf8))
        #expect(events.first == .start(name: "a", attributes: []))
        #expect(scanError("<a>\n\n\n<b></c></a>")?.line == 4)
    }

    @Test func undefinedEntityNamesItsLine() {
        #expect(scanError("<!DOCTYPE a [<!ENTITY n \"x\">]>\n<a>\n&n; &v1;</a>") == .undefinedEntity(file: "t.xml", line: 3, name: "v1"))
        #expect(scanError("<a b=\"&zz;\"/>") == .undefinedEntity(file: "t.xml", line: 1, name: "zz"))
    }

    @Test func mismatchedEndTagIsAnError() {
        guard case let .malformedXML(_, line, message)? = scanError("<a>\n<b>\n</a>") else {
            Issue.record("expected malformed XML")
            return
        }
        #expect(line == 3)
        #expect(message.contains("</a> does not match <b> opened at line 2"))
    }

    @Test(arguments: [16, 1 << 16])
    func truncatedDocumentNamesTheOpenElement(chunkSize: Int) {
        #expect(scanError("<JMdict>\n<entry>\n<keb>規範</keb>\n", chunkSize: chunkSize)
            == .truncatedXML(file: "t.xml", line: 4, openElement: "entry", openedAt: 2))
        #expect(scanError("<JMdict>\n<entry>\n<keb>規", chunkSize: chunkSize)
            == .truncatedXML(file: "t.xml", line: 3, openElement: "keb", openedAt: 3))
        #expect(scanError("<JMdict>\n<entry>\n<ke", chunkSize: chunkSize)
            == .truncatedXML(file: "t.xml", line: 3, openElement: "entry", openedAt: 2))
        #expect(scanError("") == .truncatedXML(file: "t.xml", line: 1, openElement: nil, openedAt: nil))
        #expect(scanError("<!-- only a comment -->\n") == .truncatedXML(file: "t.xml", line: 2, openElement: nil, openedAt: nil))
    }

    @Test(arguments: [16, 1 << 16])
    func invalidUTF8NamesLineAndOffset(chunkSize: Int) {
        // 規 is E8 A6 8F; cut it short inside the text of line 3, at byte 24.
        let prefix = Array("<a>\n<b>ok</b>\n<c>xxxxxxx".utf8)
        let bad = prefix + [0xE8, 0xA6, 0x41] + Array("</c></a>".utf8)
        #expect(scanError(bad, chunkSize: chunkSize) == .invalidUTF8(file: "t.xml", line: 3, byteOffset: prefix.count))
        // An overlong encoding and a lone continuation byte.
        #expect(scanError(Array("<a>".utf8) + [0xC0, 0xAF] + Array("</a>".utf8)) == .invalidUTF8(file: "t.xml", line: 1, byteOffset: 3))
        #expect(scanError(Array("<a>\n".utf8) + [0x80] + Array("</a>".utf8)) == .invalidUTF8(file: "t.xml", line: 2, byteOffset: 4))
        // A sequence cut off by the end of the stream.
        #expect(scanError(Array("<a>\n".utf8) + [0xE8, 0xA6], chunkSize: chunkSize)
            == .invalidUTF8(file: "t.xml", line: 2, byteOffset: 4))
    }

    @Test func notXMLAtAll() {
        guard case let .malformedXML(_, line, message)? = scanError("hello, world\n") else {
            Issue.record("expected malformed XML")
            return
        }
        #expect(line == 1)
        #expect(message.contains("is this an XML file?"))
    }

    @Test func otherMalformedInputsAreErrors() {
        let cases: [(String, Int, String)] = [
            ("<a>&#0;</a>", 1, "is not a character XML allows"),
            ("<a>&#xD800;</a>", 1, "is not a character XML allows"),
            ("<a>&#12a;</a>", 1, "is not a digit"),
            ("<a>&amp</a>", 1, "expected \";\""),
            ("<a b=\"1\" b=\"2\"/>", 1, "appears twice"),
            ("<a b=\"1\"c=\"2\"/>", 1, "expected a space before an attribute"),
            ("<a b=1/>", 1, "expected a quoted value"),
            ("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a/>", 1, "only UTF-8 is supported"),
            ("<!DOCTYPE a [<!ENTITY e SYSTEM \"e.xml\">]><a/>", 1, "external entities are not supported"),
            ("<!DOCTYPE a [\n%pe;]><a/>", 2, "parameter-entity references are not supported"),
            ("<!DOCTYPE a [<!ENTITY e \"&other;\">]><a/>", 1, "entity values that refer to other entities"),
            ("<a/>\n<b/>", 2, "a second root element"),
            ("<a/>\ntext", 2, "text after the root element"),
            ("</a>", 1, "has no start tag"),
            ("<a><!-x --></a>", 1, "expected \"--\""),
        ]
        for (xml, line, fragment) in cases {
            guard case let .malformedXML(_, errorLine, message)? = scanError(xml) else {
                Issue.record("\(xml): expected malformed XML, got \(String(describing: scanError(xml)))")
                continue
            }
            #expect(errorLine == line, "\(xml)")
            #expect(message.contains(fragment), "\(xml): \(message)")
        }
    }

    @Test func utf8ValidatorAgreesWithTheStandardLibrary() {
        // A fixed pseudo-random sequence of short byte strings biased towards multi-byte sequences,
        // each checked whole and split at every position.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func nextByte() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let value = UInt8(truncatingIfNeeded: state >> 56)
            switch value % 4 {
            case 0: return value & 0x7F
            case 1: return 0x80 | (value & 0x3F)
            default: return 0xC0 | (value & 0x3F)
            }
        }
        for _ in 0..<3000 {
            let bytes = (0..<Int(state >> 61) + 2).map { _ in nextByte() }
            let valid = String(validating: bytes, as: UTF8.self) != nil
            for split in 0...bytes.count {
                var validator = UTF8Validator()
                var ok = bytes[..<split].withUnsafeBytes { validator.validate($0, base: 0) } == nil
                ok = ok && bytes[split...].withUnsafeBytes { validator.validate($0, base: split) } == nil
                ok = ok && validator.isComplete
                #expect(ok == valid, "\(bytes) split at \(split)")
            }
        }
    }
}
