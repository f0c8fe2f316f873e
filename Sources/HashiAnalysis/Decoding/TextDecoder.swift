import ICUFacade

/// Text decoded from bytes, with the encoding it was in.
public struct DecodedText: Sendable, Hashable {
    /// The text. Newlines are kept as the file had them (LF, CRLF or CR).
    public var text: String
    /// The encoding the bytes were in.
    public var encoding: TextEncoding
    /// Whether the bytes began with a byte order mark (which is not part of `text`).
    public var hadByteOrderMark: Bool
    /// For encodings other than UTF-8 and UTF-16: the byte offset in the input of every UTF-16 code
    /// unit of `text` (from ICU's converter), so positions in the text map back to the file.
    var legacyByteOffsets: [Int32]? = nil

    /// The byte offset in the decoded input of every UTF-16 offset of `text`, from 0 through
    /// `text.utf16.count` (whose entry is the input's length).
    public func byteOffsets(inputLength: Int) -> [Int] {
        var result: [Int] = []
        switch encoding {
        case .utf16LittleEndian, .utf16BigEndian:
            result.reserveCapacity(text.utf16.count + 1)
            for k in 0..<text.utf16.count { result.append(2 + 2 * k) }
        case .utf8:
            // From the UTF-8 bytes: one entry per scalar's lead byte, two for a 4-byte scalar
            // (a surrogate pair in UTF-16). The count comes from the bytes too: `text.utf16.count`
            // would build an index of the whole string.
            let bias = hadByteOrderMark ? 3 : 0
            var copy = text
            copy.withUTF8 { bytes in
                var units = 0
                for byte in bytes { units &+= (byte & 0xC0 != 0x80 ? 1 : 0) &+ (byte >= 0xF0 ? 1 : 0) }
                // Filled in place: exactly `units` entries, then room for the input length.
                result = [Int](unsafeUninitializedCapacity: units + 1) { out, count in
                    var n = 0
                    for (k, byte) in bytes.enumerated() where byte & 0xC0 != 0x80 && n < units {
                        out[n] = bias + k
                        n += 1
                        if byte >= 0xF0 && n < units {
                            out[n] = bias + k
                            n += 1
                        }
                    }
                    count = n
                }
            }
        case .shiftJIS, .eucJP, .iso2022JP:
            result = (legacyByteOffsets ?? []).map(Int.init)
            if result.count < text.utf16.count {
                result += Array(repeating: result.last ?? 0, count: text.utf16.count - result.count)
            }
        }
        result.append(inputLength)
        return result
    }
}

/// Decodes files in UTF-8, UTF-16 (with BOM), Shift_JIS (CP932), EUC-JP and ISO-2022-JP.
///
/// The order of decisions: a byte order mark settles the encoding; a NUL byte means a binary file;
/// valid UTF-8 is UTF-8 (ASCII included, unless it holds ISO-2022-JP escape sequences); otherwise
/// ICU's charset detector ranks the candidates and the first Japanese encoding that ICU's converter
/// decodes without error wins. Nothing is ever replaced or dropped: bytes no candidate decodes are an
/// error naming the byte offset where the most plausible encoding failed.
public enum TextDecoder {
    /// Files larger than this are rejected (offsets inside a file are 32-bit in ICU's converters).
    public static let sizeLimit = 1 << 30

    /// Decodes `bytes`; `source` names them in errors (usually a file path).
    public static func decode(_ bytes: [UInt8], source: String) throws(DecodingError) -> DecodedText {
        guard bytes.count < sizeLimit else {
            throw .tooLarge(source: source, size: bytes.count, limit: sizeLimit)
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            let body = bytes[3...]
            if let invalid = firstInvalidUTF8(body) {
                throw .undecodable(source: source, offset: invalid, encoding: .utf8)
            }
            return DecodedText(text: String(decoding: body, as: UTF8.self), encoding: .utf8, hadByteOrderMark: true)
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let encoding: TextEncoding = bytes[0] == 0xFF ? .utf16LittleEndian : .utf16BigEndian
            let text = try convert(Array(bytes[2...]), from: encoding, source: source, offsetBias: 2).text
            return DecodedText(text: text, encoding: encoding, hadByteOrderMark: true)
        }
        if let nul = bytes.firstIndex(of: 0) {
            throw .binary(source: source, offset: nul)
        }
        let firstInvalid = firstInvalidUTF8(bytes[...])
        if firstInvalid == nil {
            if looksLikeISO2022JP(bytes), let converted = try? convert(bytes, from: .iso2022JP, source: source) {
                return DecodedText(text: converted.text, encoding: .iso2022JP, hadByteOrderMark: false,
                                   legacyByteOffsets: converted.offsets)
            }
            return DecodedText(text: String(decoding: bytes, as: UTF8.self), encoding: .utf8, hadByteOrderMark: false)
        }
        // Damaged UTF-8 (a truncated or corrupted character) is still UTF-8: report the damage rather
        // than decode the whole file as mojibake in a legacy encoding that happens to accept it.
        // Real Shift_JIS or EUC-JP text breaks UTF-8's rules at nearly every character.
        let evidence = utf8Evidence(bytes)
        if let firstInvalid, evidence.multibyte > 0, evidence.multibyte >= evidence.errors {
            throw .undecodable(source: source, offset: firstInvalid, encoding: .utf8)
        }
        // Not UTF-8: let ICU's detector rank the legacy Japanese encodings, then confirm by converting.
        var candidates = detectedEncodings(bytes).filter { $0 != .utf8 && $0 != .utf16LittleEndian && $0 != .utf16BigEndian }
        for fallback in [TextEncoding.shiftJIS, .eucJP] where !candidates.contains(fallback) {
            candidates.append(fallback)
        }
        var furthest: (offset: Int, encoding: TextEncoding) = (firstInvalid ?? 0, .utf8)
        for encoding in candidates {
            do {
                let converted = try convert(bytes, from: encoding, source: source)
                return DecodedText(text: converted.text, encoding: encoding, hadByteOrderMark: false,
                                   legacyByteOffsets: converted.offsets)
            } catch let error {
                if case let .undecodable(_, offset, _) = error, offset > furthest.offset {
                    furthest = (offset, encoding)
                }
            }
        }
        throw .undecodable(source: source, offset: furthest.offset, encoding: furthest.encoding)
    }

    /// ICU's charset detector's candidates for `bytes` that Hashi reads, best first.
    static func detectedEncodings(_ bytes: [UInt8]) -> [TextEncoding] {
        let capacity = 16
        var names = [CChar](repeating: 0, count: 32 * capacity)
        var confidences = [Int32](repeating: 0, count: capacity)
        var error: Int32 = 0
        let count = bytes.withUnsafeBufferPointer { input in
            hashi_detect_charsets(input.baseAddress, Int32(input.count), &names, &confidences, Int32(capacity), &error)
        }
        guard error <= 0 else { return [] }
        var result: [TextEncoding] = []
        for k in 0..<Int(count) {
            let name = names[(32 * k)..<(32 * k + 32)].withUnsafeBufferPointer { slot in
                String(decoding: slot.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            if let encoding = TextEncoding(detectorName: name), !result.contains(encoding) {
                result.append(encoding)
            }
        }
        return result
    }

    /// Converts `bytes` with ICU's converter for `encoding`, failing at the first bad sequence.
    /// Also returns, for every UTF-16 unit of the text, the offset of the byte it came from.
    static func convert(_ bytes: [UInt8], from encoding: TextEncoding, source: String,
                        offsetBias: Int = 0) throws(DecodingError) -> (text: String, offsets: [Int32]) {
        if bytes.isEmpty { return ("", []) }
        var capacity = bytes.count + 16
        while true {
            var error: Int32 = 0
            var errorOffset: Int64 = -1
            var length: Int32 = 0
            var offsets = [Int32](repeating: 0, count: capacity)
            let units = [UInt16](unsafeUninitializedCapacity: capacity) { buffer, count in
                count = 0
                guard let destination = buffer.baseAddress else { return }
                length = bytes.withUnsafeBufferPointer { input in
                    offsets.withUnsafeMutableBufferPointer { offsetBuffer in
                        hashi_convert_to_utf16(encoding.converterName, input.baseAddress, Int32(input.count),
                                               destination, Int32(capacity), offsetBuffer.baseAddress,
                                               &errorOffset, &error)
                    }
                }
                count = Int(length)
            }
            if error == HASHI_ICU_BUFFER_OVERFLOW {
                capacity *= 2
                continue
            }
            if error > 0 {
                throw .undecodable(source: source, offset: Int(max(errorOffset, 0)) + offsetBias, encoding: encoding)
            }
            // ICU maps unpaired surrogates in UTF-16 input to errors, so `units` is valid UTF-16.
            offsets.removeLast(offsets.count - units.count)
            return (units.withUnsafeBufferPointer { UTF16Conversion.string(from: $0) }, offsets)
        }
    }

    /// The offset of the first byte that is not part of valid UTF-8, or nil if all of it is.
    static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? {
        // The standard library's validation is fast; decode step by step only to find the offset.
        if String(validating: bytes, as: UTF8.self) != nil { return nil }
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = bytes.startIndex
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
            case .emptyInput:
                return nil
            case .error:
                return offset
            }
        }
    }

    /// How many well-formed multi-byte UTF-8 characters and how many malformed sequences `bytes` holds.
    static func utf8Evidence(_ bytes: [UInt8]) -> (multibyte: Int, errors: Int) {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var multibyte = 0
        var errors = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): if scalar.value >= 0x80 { multibyte += 1 }
            case .emptyInput: return (multibyte, errors)
            case .error: errors += 1
            }
        }
    }

    /// ISO-2022-JP is 7-bit and switches to JIS X 0208 with `ESC $ B` or `ESC $ @`.
    static func looksLikeISO2022JP(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 3 else { return false }
        for k in 0..<(bytes.count - 2) where bytes[k] == 0x1B && bytes[k + 1] == 0x24 {
            if bytes[k + 2] == 0x42 || bytes[k + 2] == 0x40 { return true }
        }
        return false
    }
}
