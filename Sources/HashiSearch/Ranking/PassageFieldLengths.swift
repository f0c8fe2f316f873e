import HashiIndex

/// A passage's field lengths for score bounds, each read from the segment once.
struct PassageFieldLengths {
    let reader: SegmentReader
    let passage: UInt32
    private var known: UInt32 = 0
    private var values: (Double, Double, Double) = (0, 0, 0)

    init(reader: SegmentReader, passage: UInt32) {
        self.reader = reader
        self.passage = passage
    }

    /// The length of `field` in the passage.
    subscript(field: UInt8) -> Double {
        mutating get {
            guard field < 3 else { return Double(reader.fieldLength(field: field, passage: passage)) }
            if known & (1 << UInt32(field)) == 0 {
                known |= 1 << UInt32(field)
                let value = Double(reader.fieldLength(field: field, passage: passage))
                switch field {
                case 0: values.0 = value
                case 1: values.1 = value
                default: values.2 = value
                }
            }
            switch field {
            case 0: return values.0
            case 1: return values.1
            default: return values.2
            }
        }
    }
}
