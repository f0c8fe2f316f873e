import Testing

@testable import HashiAnalysis

/// Step 1: decoding bytes in every supported encoding, and rejecting what is not text.
struct DecodingTests {
    @Test(arguments: [
        ("utf8.txt", TextEncoding.utf8),
        ("utf8-bom.txt", .utf8),
        ("utf16le-bom.txt", .utf16LittleEndian),
        ("utf16be-bom.txt", .utf16BigEndian),
        ("shift_jis.txt", .shiftJIS),
        ("euc-jp.txt", .eucJP),
        ("iso-2022-jp.txt", .iso2022JP),
    ])
    func decodesEachEncoding(file: String, encoding: TextEncoding) throws {
        let expected = String(decoding: try fixture("encodings/expected.txt"), as: UTF8.self)
        let decoded = try TextDecoder.decode(try fixture("encodings/" + file), source: file)
        #expect(decoded.encoding == encoding)
        #expect(decoded.text == expected)
    }

    @Test func keepsCRLFNewlines() throws {
        let expected = String(decoding: try fixture("encodings/expected.txt"), as: UTF8.self)
        let decoded = try TextDecoder.decode(try fixture("encodings/crlf-shift_jis.txt"), source: "crlf")
        #expect(decoded.encoding == .shiftJIS)
        #expect(decoded.text == expected.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    @Test func decodesWindowsExtensionsOfShiftJIS() throws {
        let expected = String(decoding: try fixture("encodings/cp932-extensions.expected.txt"), as: UTF8.self)
        let decoded = try TextDecoder.decode(try fixture("encodings/cp932-extensions.txt"), source: "cp932")
        #expect(decoded.encoding == .shiftJIS)
        #expect(decoded.text == expected)
    }

    @Test func rejectsBinaryNamingTheOffset() {
        let bytes: [UInt8] = Array("PK header".utf8) + [0, 1, 2, 3]
        #expect(throws: DecodingError.binary(source: "a.bin", offset: 9)) {
            try TextDecoder.decode(bytes, source: "a.bin")
        }
        let message = DecodingError.binary(source: "a.bin", offset: 9).description
        #expect(message.contains("a.bin") && message.contains("9"))
    }

    @Test func rejectsUndecodableBytesNamingTheOffset() throws {
        // Valid UTF-8 Japanese, then bytes that are neither UTF-8 nor any legacy encoding
        // (0xFF is never a lead byte in Shift_JIS or EUC-JP; 0x80 alone is invalid in both).
        let prefix = Array(String(repeating: "日本語の文章です。", count: 20).utf8)
        let bytes = prefix + [0xFF, 0x80, 0xFF] + Array("続き".utf8)
        do {
            _ = try TextDecoder.decode(bytes, source: "bad.txt")
            Issue.record("undecodable bytes were accepted")
        } catch let error {
            guard case let .undecodable(source, offset, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(source == "bad.txt")
            #expect(offset == prefix.count)
            #expect(error.description.contains("bad.txt"))
            #expect(error.description.contains("\(prefix.count)"))
        }
    }

    @Test func truncatedUTF8IsAnErrorNotDroppedText() {
        let bytes = Array("abc 日本".utf8).dropLast()
        #expect(throws: DecodingError.self) { try TextDecoder.decode(Array(bytes), source: "t.txt") }
    }

    @Test func emptyInputIsEmptyText() throws {
        let decoded = try TextDecoder.decode([], source: "empty.txt")
        #expect(decoded.text.isEmpty)
        #expect(decoded.encoding == .utf8)
    }

    @Test func asciiIsUTF8() throws {
        let decoded = try TextDecoder.decode(Array("plain ascii\n".utf8), source: "a.txt")
        #expect(decoded.encoding == .utf8)
        #expect(decoded.text == "plain ascii\n")
    }

    @Test func oddLengthUTF16IsAnError() {
        let bytes: [UInt8] = [0xFF, 0xFE, 0x41, 0x00, 0x42]
        #expect(throws: DecodingError.self) { try TextDecoder.decode(bytes, source: "odd.txt") }
    }
}
