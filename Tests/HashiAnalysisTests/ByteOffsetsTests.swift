import PropertyBased
import Testing

@testable import HashiAnalysis

/// `DecodedText.byteOffsets` (computed from the UTF-8 bytes) against a reference computed scalar by
/// scalar.
struct ByteOffsetsTests {
    static func reference(_ text: String, bias: Int, inputLength: Int) -> [Int] {
        var result: [Int] = []
        var offset = bias
        for scalar in text.unicodeScalars {
            result.append(offset)
            if scalar.value > 0xFFFF { result.append(offset) }
            offset += UTF8.width(scalar)
        }
        result.append(inputLength)
        return result
    }

    static let pieces = ["a", "é", "漢", "😀", "𠮷", "\n", "\r\n", "ﾃﾞ", "cafe\u{0301}", " ", "Ω"]

    @Test func utf8OffsetsMatchScalarWalk() async {
        await propertyCheck(count: 200, input: Gen.element(of: Self.pieces).array(of: 0...30), Gen.bool) { pieces, bom in
            let text = pieces.compactMap { $0 }.joined()
            let bytes = (bom ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
            let decoded = try TextDecoder.decode(bytes, source: "t")
            let offsets = decoded.byteOffsets(inputLength: bytes.count)
            #expect(offsets == Self.reference(text, bias: bom ? 3 : 0, inputLength: bytes.count))
            #expect(offsets.count == text.utf16.count + 1)
        }
    }
}
