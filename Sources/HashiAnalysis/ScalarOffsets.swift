/// Converts UTF-16 offsets in a text (what the analyzer reports) to Unicode scalar offsets (what
/// Hashi's JSON output reports, since every language can index a string by code point).
public struct ScalarOffsets: Sendable {
    /// `scalarIndex[k]`: how many scalars precede UTF-16 offset `k`.
    private let scalarIndex: [Int32]

    /// Prepares the conversion for `text`.
    public init(_ text: String) {
        var table: [Int32] = []
        table.reserveCapacity(text.utf16.count + 1)
        var scalars: Int32 = 0
        for scalar in text.unicodeScalars {
            table.append(scalars)
            if scalar.value > 0xFFFF { table.append(scalars) }
            scalars += 1
        }
        table.append(scalars)
        scalarIndex = table
    }

    /// The scalar offset of UTF-16 offset `utf16Offset` (clamped to the text).
    public func scalarOffset(ofUTF16 utf16Offset: Int) -> Int {
        Int(scalarIndex[min(max(utf16Offset, 0), scalarIndex.count - 1)])
    }
}
